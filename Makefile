# SPDX-License-Identifier: GPL-2.0
#
# dm-mpath-pr: the module is built by kbuild through ./Kbuild
# (make -C <kernel build dir> M=$PWD); everything else starts here.
#
#   make            prtool and libprtool
#   make module     the module for the running kernel (KDIR=... to choose)
#   make demo       narrated walkthrough on the VM SAN (debug kernel)
#   make check      every test: unit, kernel lint, KUnit, VM on 3 kernels
#   make kernels    prepare the test kernels in the cache

KDIR ?= /lib/modules/$(shell uname -r)/build
KERNELS ?= 6.1 6.12 debug
DEMO_KERNEL ?= debug

all: userspace

userspace:
	$(MAKE) -C userspace

module:
	bash tools/testing/build-module.sh --kdir $(KDIR) --out build/module/local

kernels:
	bash tools/testing/kernels/prepare.sh $(KERNELS)

check:
	DMPR_KERNELS="$(KERNELS)" bash tools/testing/check.sh

demo:
	DMPR_DEMO_KERNEL=$(DEMO_KERNEL) bash tools/testing/demo.sh

clean:
	$(MAKE) -C userspace clean
	rm -rf build

.PHONY: all userspace module kernels check demo clean
