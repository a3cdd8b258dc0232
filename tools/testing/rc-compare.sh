#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# rc-compare.sh LOGDIR: the return codes of the PR operations a scenario
# asserts must be the same on every kernel it ran on (issue 3).
#
# The scenarios note each such code with rc_note (lib/tap.sh): a line
# "# rc LABEL RC" in their TAP output, which check.sh keeps in
# LOGDIR/vm-<kernel>-<scenario>.log. For every scenario that ran on two or
# more kernels and whose script calls rc_note, the sequences of rc lines
# are compared with the first kernel's; one TAP result per scenario, the
# differences as diagnostics. Such a scenario must have noted at least one
# code on every kernel, and a last result fails when no code was seen at
# all: the step cannot pass on no data. Nothing to compare (one kernel, or
# only scenarios that note nothing) is a skip. Exits 0 if everything
# matched, else 1.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
logdir=${1:?usage: rc-compare.sh LOGDIR}
n=0 failed=0 compared=0 lines=0

echo "TAP version 13"
declare -A kernels=()
for src in "$here"/scenarios/[0-9]*.sh; do
	s=$(basename "$src" .sh)
	for log in "$logdir"/vm-*-"$s".log; do
		[ -f "$log" ] || continue
		k=$(basename "$log" "-$s.log")
		kernels[$s]+="${k#vm-} "
	done
done

rcs() { sed -n 's/^[[:space:]]*# rc \([^ ]*\) \(-\{0,1\}[0-9][0-9]*\)$/\1 \2/p' "$1"; }

for s in $(printf '%s\n' "${!kernels[@]}" | sort); do
	read -r -a ks <<<"${kernels[$s]}"
	[ "${#ks[@]}" -ge 2 ] || continue
	# only scenarios that note return codes
	grep -q 'rc_note' "$here/scenarios/$s.sh" || continue
	compared=$((compared + 1))
	n=$((n + 1))
	declares=1
	ref=${ks[0]}
	want=$(rcs "$logdir/vm-$ref-$s.log")
	bad=''
	count=$(grep -c . <<<"$want")
	[ -n "$want" ] || count=0
	lines=$((lines + count))
	if [ "$declares" = 1 ] && [ "$count" = 0 ]; then
		bad+="# $ref: no rc lines, but $s notes return codes"$'\n'
	fi
	for k in "${ks[@]:1}"; do
		got=$(rcs "$logdir/vm-$k-$s.log")
		[ -z "$got" ] || lines=$((lines + $(grep -c . <<<"$got")))
		if [ "$declares" = 1 ] && [ -z "$got" ]; then
			bad+="# $k: no rc lines, but $s notes return codes"$'\n'
		fi
		if [ "$got" != "$want" ]; then
			bad+="# $ref vs $k:"$'\n'
			bad+=$(diff <(echo "$want") <(echo "$got") | sed -n 's/^\([<>]\)/#   \1/p' | head -n 30)$'\n'
		fi
	done
	if [ -z "$bad" ]; then
		echo "ok $n - $s: $count return codes identical on ${ks[*]}"
	else
		echo "not ok $n - $s: return codes missing or different across ${ks[*]}"
		printf '%s' "$bad"
		failed=$((failed + 1))
	fi
done

if [ "$compared" = 0 ]; then
	echo "ok 1 # SKIP no scenario that notes return codes ran on two or more kernels"
	echo "1..1"
	exit 0
fi
n=$((n + 1))
if [ "$lines" -gt 0 ]; then
	echo "ok $n - $lines return codes seen in $compared scenarios"
else
	echo "not ok $n - $compared scenarios that note return codes ran on several kernels, but no code was noted"
	failed=$((failed + 1))
fi
echo "1..$n"
[ "$failed" = 0 ]
