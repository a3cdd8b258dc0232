#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# abi-mpathpersist.sh: a program linked against multipath-tools' own
# libmpathpersist.so.0 runs on libprtool's libmpathpersist.so.0 unchanged
# (issue 11, point 4). TAP.
#
# The program is userspace/examples/mpp-demo.c, linked against the real
# library of vm/mpt-prepare.sh (Debian's newest multipath-tools): it then
# needs libmpathpersist.so.0 and its symbols at LIBMPATHPERSIST_2.1.0.
# Run with libprtool's build of that library first on the loader's path,
# it must load, bind its symbols there, and answer as libprtool does for
# a device that does not exist (MPATH_PR_FILE_ERROR, 12); without it on
# the path it must fail to load (multipath-tools' library is not on the
# host's path), which shows the run above used ours.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

n=0 failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

echo "1..5"
mpt=$(bash "$here/vm/mpt-prepare.sh" --print) || { echo "Bail out! multipath-tools is not prepared"; exit 1; }
ours=$DMPR_BUILD/userspace/compat
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make -s -C "$DMPR_TOP/userspace" lib >"$tmp/make.log" 2>&1
ok $? "libprtool's libmpathpersist.so.0 builds ($ours)"

# The symbols of multipath-tools' library come from its own
# dependencies, built for a newer C library: they are not resolved here.
gcc -std=c11 -D_GNU_SOURCE -I"$DMPR_TOP/include" -o "$tmp/mpp-demo" \
	"$DMPR_TOP/userspace/examples/mpp-demo.c" -L"$mpt/lib" \
	-l:libmpathpersist.so.0 -Wl,--allow-shlib-undefined 2>"$tmp/cc.log"
ok $? "mpp-demo links against multipath-tools' libmpathpersist.so.0 ($(cat "$mpt/version" 2>/dev/null))"

vers=$(objdump -T "$tmp/mpp-demo" | awk '/mpath_persistent_reserve_in$/ { print $(NF - 1) }')
[ "$vers" = "(LIBMPATHPERSIST_2.1.0)" ]
ok $? "it needs mpath_persistent_reserve_in at LIBMPATHPERSIST_2.1.0 (got '$vers')"

out=$(LD_LIBRARY_PATH=$ours LD_BIND_NOW=1 "$tmp/mpp-demo" /dev/dmpr-no-such-map 0xabc 2>&1)
rc=$?
[ "$rc" = 12 ] && [[ $out == *"/dev/dmpr-no-such-map"* ]]
ok $? "it runs on libprtool's library: exit $rc (MPATH_PR_FILE_ERROR is 12): $out"

out=$("$tmp/mpp-demo" /dev/dmpr-no-such-map 0xabc 2>&1)
rc=$?
[ "$rc" = 127 ]
ok $? "without it on the path it does not load (exit $rc): ${out%%$'\n'*}"

[ "$failed" -eq 0 ]
