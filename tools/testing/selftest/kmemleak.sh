#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kmemleak.sh [ID]: the VM runner's kmemleak check can fire. Builds
# dmpr_leaky.ko (leaky.c: leaks 4 objects of 16 KiB when it loads)
# against kernel ID (default debug, the one with kmemleak), boots it with
# run.sh, loads the module in a command that itself passes, and asserts
# that the runner fails the run (status 1) with kmemleak's report of those
# objects: their backtrace in leaky_leak() of dmpr_leaky. It passes when the leak is
# caught and fails when it goes unnoticed, as it does with a runner that
# scans only once (lib/kmemleak.sh says why). TAP on stdout.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/common.sh
. "$here/../lib/common.sh"
# shellcheck source=../lib/tap.sh
. "$here/../lib/tap.sh"

k=${1:-debug}
kdir=$(dmpr_kdir "$k")
out=$DMPR_BUILD/selftest/$k
tap_plan 6
[ -d "$kdir/build" ] || tap_bail "kernel $k is not prepared ($kdir/build): tools/testing/kernels/prepare.sh $k"
grep -q '^CONFIG_DEBUG_KMEMLEAK=y' "$kdir/config" || tap_bail "kernel $k has no kmemleak"

mkdir -p "$out"
cp -p "$here/leaky.c" "$here/Kbuild" "$out/"
make -C "$kdir/build" M="$out" W=1 KCFLAGS=-Werror modules >"$out/build.log" 2>&1
ok $? "dmpr_leaky.ko builds against kernel $k" || sed 's/^/# /' "$out/build.log"

# The command loads the module and passes; the rest is the runner's.
# shellcheck disable=SC2016 # expanded in the guest
cmd='. $DMPR_LIB/tap.sh; tap_plan 1; modprobe dmpr_leaky; ok $? "modprobe dmpr_leaky"; tap_done'
log=$DMPR_BUILD/vm-logs/$k-selftest-kmemleak.log
res=$(cd "$DMPR_TOP" && bash "$here/../vm/run.sh" --kernel "$k" --timeout 300 --log "$log" \
	--module "$out/dmpr_leaky.ko" -- "$cmd" 2>&1)
rc=$?
while IFS= read -r l; do printf '# run.sh: %s\n' "$l"; done <<<"$res"
# (grep, not like: a multi-line value in a diagnostic would add results)
grep -q '^ok 1 - modprobe dmpr_leaky$' <<<"$res"
ok $? "in the guest: dmpr_leaky loads"
grep -qF '# dmpr-vm: the command passed, but the kernel did not' <<<"$res"
ok $? "the command passed and the runner blamed the kernel"
is "$rc" 1 "run.sh exits with status 1"
grep -qE '^# dmpr-vm: kmemleak: 4 suspected leak\(s\):$' <<<"$res"
ok $? "the runner shows kmemleak's report: the 4 objects"
grep -qE '^# dmpr-vm: +leaky_leak\+0x[0-9a-f]+/0x[0-9a-f]+ \[dmpr_leaky\]$' <<<"$res"
ok $? "... allocated in leaky_leak of dmpr_leaky (the report's backtrace)"
tap_done
