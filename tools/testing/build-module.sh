#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build dm-mpath-pr.ko (and dm-mpath-pr-test.ko where the kernel has
# CONFIG_KUNIT) for one kernel, with W=1; any warning fails the build.
#
#   build-module.sh ID [--out DIR] [-- MAKE-ARGS...]
#   build-module.sh --kdir DIR [--out DIR] [-- MAKE-ARGS...]
#
# ID is a prepared kernel (tools/testing/kernels/prepare.sh): its KDIR is
# $(dmpr_kdir ID)/build. The sources are copied into the output directory
# (default $(dmpr_modbuild ID)) so that builds for different kernels never
# share object files. Extra MAKE-ARGS (e.g. C=2) go to make.
# Prints TAP: one line for the build, one for the warning check.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

usage() {
	sed -n '4,14s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

id= kdir= out=
make_args=()
while [ $# -gt 0 ]; do
	case $1 in
	--kdir) kdir=${2:?--kdir needs a directory}; shift 2 ;;
	--out) out=${2:?--out needs a directory}; shift 2 ;;
	--) shift; make_args=("$@"); break ;;
	-h|--help) usage ;;
	-*) dmpr_die "unknown option $1" ;;
	*) [ -z "$id" ] || usage; id=$1; shift ;;
	esac
done
[ -n "$id" ] || [ -n "$kdir" ] || usage

if [ -z "$kdir" ]; then
	kdir=$(dmpr_kdir "$id")/build
	[ -d "$kdir" ] || dmpr_die "kernel $id is not prepared ($kdir missing): run tools/testing/kernels/prepare.sh $id"
fi
[ -f "$kdir/Makefile" ] || dmpr_die "$kdir is not a kernel build directory"
kdir=$(cd "$kdir" && pwd)
if [ -z "$out" ]; then
	if [ -n "$id" ]; then
		out=$(dmpr_modbuild "$id")
	else
		out=$(dmpr_modbuild "kdir-$(printf '%s' "$kdir" | sha1sum | cut -c1-12)")
	fi
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Sources only; objects of earlier builds for the same kernel stay, make
# decides what to rebuild.
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '*.cmd' \
	--exclude '*.mod' --exclude '*.mod.c' --exclude 'compat-autoconf.h' \
	"$DMPR_TOP/kernel/" "$out/kernel/"
mkdir -p "$out/include/uapi/linux"
rsync -a "$DMPR_TOP/include/uapi/linux/dm-mpath-pr.h" "$out/include/uapi/linux/"
cp -p "$DMPR_TOP/Kbuild" "$out/Kbuild"

log=$out/build.log
echo "# building in $out against $kdir"
rc=0
# -Werror as well: an object that compiled with warnings must not survive
# to make the next (incremental) build look clean.
make -C "$kdir" M="$out" W=1 KCFLAGS=-Werror "${make_args[@]}" modules \
	>"$log" 2>&1 || rc=$?
sed 's/^/# /' "$log"

n=0 failed=0
n=$((n + 1))
if [ $rc -eq 0 ] && [ -f "$out/dm-mpath-pr.ko" ]; then
	echo "ok $n - build against $kdir"
else
	echo "not ok $n - build against $kdir (make exited $rc)"
	failed=$((failed + 1))
fi
n=$((n + 1))
if grep -qiE '(^|[^a-z_])(warning|error):' "$log"; then
	echo "not ok $n - warnings or errors in the build log:"
	grep -iE '(^|[^a-z_])(warning|error):' "$log" | sed 's/^/#   /'
	failed=$((failed + 1))
else
	echo "ok $n - no warnings"
fi
echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
