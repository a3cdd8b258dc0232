#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: a narrated persistent-reservation walkthrough on the built-in
# VM SAN. Installs what it needs, prepares the kernel (cached), builds the
# module and prtool, boots the VM and runs tools/testing/scenarios/demo.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
k=${DMPR_DEMO_KERNEL:-debug}

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

step "Installing the host packages the demo needs (once)"
bash "$here/deps.sh"
step "Preparing kernel '$k' (cached after the first run)"
bash "$here/kernels/prepare.sh" "$k"
step "Building the module for it and prtool"
bash "$here/build-module.sh" "$k" >/dev/null
make -s -C "$DMPR_TOP/userspace" >/dev/null
step "Booting the VM SAN (QEMU, software emulation: allow a few seconds)"
exec bash "$here/vm/run.sh" --kernel "$k" --passthrough \
	--log "$DMPR_BUILD/vm-logs/$k-demo.log" \
	--module "$(dmpr_modbuild "$k")/dm-mpath-pr.ko" \
	--bin "$DMPR_BUILD/userspace/prtool" \
	-- bash /dmpr/tools/testing/scenarios/demo.sh
