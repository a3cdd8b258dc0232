#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the host packages that building and testing need, from the
# machine's configured Debian archive. Does nothing when all are present.
# Kernels for the VM tests are fetched separately (kernels/prepare.sh),
# through a private apt configuration: the system's sources stay untouched.
set -euo pipefail

pkgs=(
	build-essential pkg-config
	libnl-3-dev libnl-genl-3-dev libdevmapper-dev libkmod-dev libcmocka-dev
	libsystemd-dev libjson-c-dev
	qemu-system-x86 busybox-static sg3-utils dmsetup kmod cpio util-linux
	bc flex bison libelf-dev libssl-dev dwarves xz-utils zstd rsync
	sparse jq python3-yaml python3-jsonschema
	# libFuzzer with ASan and UBSan for the userspace parsers (make fuzz);
	# their runtimes are only a recommendation of clang
	clang libclang-rt-14-dev
	# the iSCSI fabric of the VM tests (run.sh --iscsi): the initiator
	# (installing it regenerates the host's initramfs, harmless) and tc
	open-iscsi iproute2
	# lvm2's tools for the lvmpersist scenario (55-lvmpersist)
	lvm2
	# "dkms build" of the installed module sources (dkms-build.sh)
	dkms
)

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root to install packages (run as root or install them: ${missing[*]})" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
