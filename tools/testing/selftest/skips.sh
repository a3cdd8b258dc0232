#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# skips.sh: skip-check.sh fails a skip that its list does not allow.
# Feeds it made-up step logs and a list of its own (no VM, a second or
# so): a listed skip passes, and each of these fails the check: a listed
# reason on a kernel the line does not name, a reason no line has, a
# KUnit case skipped in nested KTAP, a list line without its reason.
# The project's own skips.list must parse. TAP on stdout.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/tap.sh
. "$here/../lib/tap.sh"
chk=$here/../skip-check.sh

tap_plan 12
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

cat >"$d/list" <<-'EOF'
	# kernels | step | text | why
	6.1 6.12 | 25-stress | no kmemleak in this kernel | only debug has kmemleak
	-        | rc-compare | no scenario * | one kernel
EOF
skipped() { # FILE TEXT...: a TAP log with one pass and the skips
	local f=$1 i=2
	shift
	{
		echo "TAP version 13"
		echo "1..$(($# + 1))"
		echo "ok 1 - something"
		for t in "$@"; do
			echo "ok $i # SKIP $t"
			i=$((i + 1))
		done
	} >"$f"
}

mkdir "$d/ok" "$d/kern" "$d/new" "$d/kunit"
skipped "$d/ok/vm-6.1-25-stress.log" "no kmemleak in this kernel"
skipped "$d/ok/vm-6.12-25-stress.log" "no kmemleak in this kernel" "no kmemleak in this kernel"
skipped "$d/ok/rc-compare.log" "no scenario that notes return codes ran on two or more kernels"
skipped "$d/ok/vm-6.1-10-register.log"
out=$(bash "$chk" "$d/list" "$d"/ok/*.log)
ok $? "listed skips pass" || diag "$out"
like "$out" "ok 3 - vm-6.12-25-stress: 2 skipped: no kmemleak in this kernel \(allowed: only debug has kmemleak\)" \
	"a result per step and reason, with the count and the list's reason"
is "$(grep -c '^ok ' <<<"$out")" 3 "three distinct skips, three results"

skipped "$d/kern/vm-debug-25-stress.log" "no kmemleak in this kernel"
out=$(bash "$chk" "$d/list" "$d"/kern/*.log)
is "$?" 1 "a listed reason on a kernel its line does not name fails"
like "$out" "not ok 1 - vm-debug-25-stress: 1 skipped: no kmemleak in this kernel \(no line of list allows it" \
	"... named with its step and reason"

skipped "$d/new/vm-6.12-50-mpathpersist.log" "PREEMPT AND ABORT deadlocks LIO"
out=$(bash "$chk" "$d/list" "$d"/ok/*.log "$d"/new/*.log)
is "$?" 1 "a reason no line allows fails, among allowed ones"
is "$(grep -c '^not ok ' <<<"$out")" 1 "... just that one"

printf '%s\n' "KTAP version 1" "1..1" "    KTAP version 1" "    # Subtest: s" "    1..2" \
	"    ok 1 a" "    ok 2 b # SKIP no fake target" "ok 1 s" >"$d/kunit/kunit-debug.log"
out=$(bash "$chk" "$d/list" "$d/kunit/kunit-debug.log")
is "$?" 1 "a KUnit case skipped in nested KTAP fails"
like "$out" "kunit-debug: 1 skipped: no fake target" "... the leaf's reason"

echo '6.1 | 25-stress | no kmemleak' >"$d/bad"
out=$(bash "$chk" "$d/bad" "$d"/ok/*.log)
is "$?" 1 "a list line without its reason fails"

out=$(bash "$chk" "$here/../skips.list" "$d/ok/vm-6.1-10-register.log")
is "$?:$(sed -n 3p <<<"$out")" "0:ok 1 - no test was skipped" "the project's skips.list parses"
out=$(bash "$chk" "$d/list" "$d/ok/vm-6.1-25-stress.log")
like "$out" "# not seen in this run: - \| rc-compare \| no scenario \*" "a line that allowed nothing is shown"
tap_done
