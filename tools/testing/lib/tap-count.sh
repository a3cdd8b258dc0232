#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tap-count.sh [FILE...]: count the results of TAP / KTAP output (stdin
# without FILE) and print "N passed, N failed" (", N skipped" when some
# were skipped). KUnit's nested KTAP counts its leaves: the test cases of
# each suite, not the suite lines that sum them up (see tap-summary.awk).
# A "Bail out!" counts as one failure, and so does a file whose results
# do not match its plan ("1..N") or fall short of its minimum ("# min N",
# see tap-summary.awk). Exits 1 when anything failed or nothing was found
# at all.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
p=0 f=0 s=0
count() {
	local c b pp ff ss plan top min _
	c=$(awk -f "$here/tap-summary.awk" "$1")
	read -r pp ff ss plan top min _ <<<"$c"
	b=$(grep -cE '^[[:space:]]*(\[ *[0-9.]+\] )?[[:space:]]*Bail out!' "$1" || true)
	# short of the plan or the minimum: one failure more
	if [ "$plan" -ge 0 ] && [ "$top" -ne "$plan" ]; then
		echo "tap-count.sh: $1: $top results for a plan of $plan" >&2
		b=$((b + 1))
	fi
	if [ "$min" -ge 0 ] && [ $((pp + ff + ss)) -lt "$min" ]; then
		echo "tap-count.sh: $1: $((pp + ff + ss)) results, fewer than the minimum of $min" >&2
		b=$((b + 1))
	fi
	p=$((p + pp)) f=$((f + ff + b)) s=$((s + ss))
}
if [ "$#" -eq 0 ]; then
	count /dev/stdin
else
	for file in "$@"; do
		[ -r "$file" ] || { echo "tap-count.sh: cannot read $file" >&2; exit 2; }
		count "$file"
	done
fi
if [ "$s" -gt 0 ]; then
	echo "$p passed, $f failed, $s skipped"
else
	echo "$p passed, $f failed"
fi
[ "$f" -eq 0 ] && [ $((p + s)) -gt 0 ]
