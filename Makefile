# SPDX-License-Identifier: GPL-2.0
#
# dm-mpath-pr: the module is built by kbuild through ./Kbuild
# (make -C <kernel build dir> M=$PWD); everything else starts here.
#
#   make            prtool and libprtool
#   make module     the module for the running kernel (KDIR=... to choose)
#   make demo       narrated walkthrough on the VM SAN (debug kernel)
#   make check      every test: unit, kernel lint, KUnit, VM on 3 kernels
#   make soak       the long fault scenarios at full length (SOAK_KERNELS,
#                   default 6.12; SOAK_SCENARIOS a glob)
#   make kernels    prepare the test kernels in the cache
#   make netlink-gen  regenerate the UAPI header and kernel/netlink-gen.[ch]
#                   from Documentation/netlink/specs/dm-mpath-pr.yaml
#   make install    prtool, libprtool, headers, libprtool.pc, man pages,
#                   bash completion, udev rule and systemd unit (see
#                   userspace/Makefile for PREFIX, DESTDIR and the other
#                   directories; INSTALL_COMPAT_NAMES=1 adds the names
#                   mpathpersist and lvmpersist), and the module sources
#                   with dkms.conf in $(DKMS_SRCDIR)/dm-mpath-pr-VERSION
#                   for "dkms install dm-mpath-pr/VERSION"

KDIR ?= /lib/modules/$(shell uname -r)/build
KERNELS ?= 6.1 6.12 debug
SOAK_KERNELS ?= 6.12
SOAK_SCENARIOS ?= @(40|41|45|47|48|49)-*
DEMO_KERNEL ?= debug
# DKMS looks for module sources here (its source_tree), whatever PREFIX is.
DKMS_SRCDIR ?= /usr/src
# The version, kept in one place: dkms.conf (userspace/Makefile has the
# same; the install test checks that they agree).
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
MODSRC := $(DESTDIR)$(DKMS_SRCDIR)/dm-mpath-pr-$(VERSION)

all: userspace

userspace:
	$(MAKE) -C userspace

module:
	bash tools/testing/build-module.sh --kdir $(KDIR) --out build/module/local

kernels:
	bash tools/testing/kernels/prepare.sh $(KERNELS)

netlink-gen:
	bash tools/netlink-regen.sh

check:
	DMPR_KERNELS="$(KERNELS)" bash tools/testing/check.sh

# The fault scenarios at full length; make check runs their short forms.
soak:
	DMPR_SOAK=1 DMPR_CHECK_SKIP_LINT=1 DMPR_KERNELS="$(SOAK_KERNELS)" \
		DMPR_SCENARIOS='$(SOAK_SCENARIOS)' bash tools/testing/check.sh

demo:
	DMPR_DEMO_KERNEL=$(DEMO_KERNEL) bash tools/testing/demo.sh

# The userspace parsers under libFuzzer, FUZZ_SECS (60) seconds each;
# make check runs them 5 seconds each.
fuzz:
	$(MAKE) -C userspace fuzz

install:
	$(MAKE) -C userspace install
	install -d $(MODSRC)/kernel/compat/tests $(MODSRC)/kernel/tests \
		$(MODSRC)/include/uapi/linux
	install -m 644 dkms.conf Kbuild $(MODSRC)/
	install -m 644 kernel/*.c $(filter-out kernel/compat-autoconf.h,$(wildcard kernel/*.h)) \
		$(MODSRC)/kernel/
	install -m 644 kernel/compat/tests/*.c $(MODSRC)/kernel/compat/tests/
	install -m 644 kernel/tests/*.[ch] $(MODSRC)/kernel/tests/
	install -m 644 include/uapi/linux/dm-mpath-pr.h \
		$(MODSRC)/include/uapi/linux/

clean:
	$(MAKE) -C userspace clean
	rm -rf build

.PHONY: all userspace module kernels netlink-gen check soak demo fuzz install clean
