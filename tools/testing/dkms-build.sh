#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-build.sh ID: the module sources that "make install" puts under
# /usr/src build with DKMS against prepared kernel ID (default 6.1), as
# "dkms install dm-mpath-pr/VERSION" would build them on a real system.
# Everything stays in a scratch directory: the install tree, DKMS's own
# tree and the signing key DKMS makes; nothing is registered with the
# system's DKMS. TAP on stdout.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
. "$here/lib/tap.sh"

k=${1:-6.1}
kdir=$(dmpr_kdir "$k")
command -v dkms >/dev/null || tap_bail "dkms is not installed (tools/testing/deps.sh installs it)"
[ -d "$kdir/build" ] || tap_bail "kernel $k is not prepared ($kdir/build): tools/testing/kernels/prepare.sh $k"
kver=$(<"$kdir/release")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$DMPR_TOP/dkms.conf")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dmpr-dkms.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/dkms"
# DKMS 3.0 signs what it builds, with a key it makes if there is none: the
# key goes to the scratch directory (the framework files under /etc/dkms
# do not set these; if a system's do, they win, as they would for dkms)
export mok_signing_key=$tmp/mok.key mok_certificate=$tmp/mok.pub

make -C "$DMPR_TOP" install DESTDIR="$tmp/root" PREFIX=/usr >"$tmp/install.log" 2>&1
ok $? "make install DESTDIR=... puts the module sources in /usr/src/dm-mpath-pr-$version" ||
	sed 's/^/# /' "$tmp/install.log"

dkms build -m dm-mpath-pr -v "$version" \
	-k "$kver" --kernelsourcedir "$kdir/build" \
	--sourcetree "$tmp/root/usr/src" --dkmstree "$tmp/dkms" >"$tmp/dkms.log" 2>&1
rc=$?
ok "$rc" "dkms build -m dm-mpath-pr -v $version -k $kver (kernel $k's headers)" ||
	sed 's/^/# /' "$tmp/dkms.log"

ko=$tmp/dkms/dm-mpath-pr/$version/$kver/$(uname -m)/module/dm-mpath-pr.ko
is "$(modinfo -F vermagic "$ko" 2>&1 | cut -d' ' -f1)" "$kver" "dkms made dm-mpath-pr.ko for $kver"
is "$(modinfo -F name "$ko" 2>&1)" "dm_mpath_pr" "... named dm_mpath_pr"
tap_done
