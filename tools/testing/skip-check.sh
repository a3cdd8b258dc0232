#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# skip-check.sh LIST LOG...: every skipped test in the step logs LOG
# (build/check/STEP.log) must be allowed by a line of LIST
# (tools/testing/skips.list, which says how a line reads). TAP on stdout:
# one result per distinct skip (a step and a reason; the count in the
# name), "ok" with the reason LIST gives when a line allows it, "not ok"
# when none does: a new skip fails make check until it is fixed or
# reviewed into LIST. A LIST line that allows nothing in this run is
# printed as a comment (a run of some kernels or scenarios misses most of
# them). Exits 1 when a skip is not allowed or LIST cannot be read.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
list=${1:?usage: skip-check.sh LIST LOG...}
shift

trim() {
	local s=$1
	s=${s#"${s%%[![:space:]]*}"}
	s=${s%"${s##*[![:space:]]}"}
	_t=$s
}

# the list: kernels, step, text, why per allowed skip
lk=() ls=() lt=() lw=() lused=()
n=0
while IFS= read -r line || [ -n "$line" ]; do
	n=$((n + 1))
	trim "$line"
	[ -n "$_t" ] && [[ $_t != '#'* ]] || continue
	IFS='|' read -r k s t w <<<"$line"
	trim "$k"; k=$_t
	trim "$s"; s=$_t
	trim "$t"; t=$_t
	trim "${w:-}"; w=$_t
	if [ -z "$k" ] || [ -z "$s" ] || [ -z "$w" ]; then
		printf '1..1\nnot ok 1 - %s line %d: kernels, step, text and why needed, "|" between them\n' "$list" "$n"
		exit 1
	fi
	lk+=("$k") ls+=("$s") lt+=("$t") lw+=("$w") lused+=(0)
done <"$list" || { printf '1..1\nnot ok 1 - cannot read %s\n' "$list"; exit 1; }

# step_ids STEP: set kern and what (the scenario, "kunit", or the step)
step_ids() {
	case $1 in
	vm-*) kern=${1#vm-}; kern=${kern%%-*}; what=${1#vm-"$kern"-} ;;
	kunit-*) kern=${1#kunit-}; what=kunit ;;
	selftest-*-*) kern=${1##*-}; what=${1%-*} ;;
	*) kern=-; what=$1 ;;
	esac
}

# allowed KERN WHAT TEXT: set idx to the first line allowing it
allowed() {
	local i g
	for ((i = 0; i < ${#lk[@]}; i++)); do
		# shellcheck disable=SC2053 # globs on purpose
		[[ $2 == ${ls[i]} ]] && [[ $3 == ${lt[i]} ]] || continue
		for g in ${lk[i]}; do
			# shellcheck disable=SC2053
			if [[ $1 == $g ]]; then
				idx=$i
				return 0
			fi
		done
	done
	return 1
}

results=() bad=0
for log in "$@"; do
	[ -f "$log" ] || continue
	name=$(basename "$log" .log)
	step_ids "$name"
	# one result per distinct reason of this step, with its count
	while read -r cnt text; do
		if allowed "$kern" "$what" "$text"; then
			lused[idx]=1
			results+=("ok - $name: $cnt skipped: $text (allowed: ${lw[idx]})")
		else
			bad=$((bad + 1))
			results+=("not ok - $name: $cnt skipped: $text (no line of ${list##*/} allows it: fix the test, or review the skip into the list)")
		fi
	done < <(awk -v skips=1 -f "$here/lib/tap-summary.awk" "$log" | sort | uniq -c | sed 's/^ *//')
done

echo "TAP version 13"
if [ "${#results[@]}" -eq 0 ]; then
	echo "1..1"
	echo "ok 1 - no test was skipped"
else
	echo "1..${#results[@]}"
	for ((i = 0; i < ${#results[@]}; i++)); do
		r=${results[i]}
		if [[ $r == 'not ok - '* ]]; then
			echo "not ok $((i + 1)) - ${r#not ok - }"
		else
			echo "ok $((i + 1)) - ${r#ok - }"
		fi
	done
fi
for ((i = 0; i < ${#lk[@]}; i++)); do
	[ "${lused[i]}" = 1 ] || echo "# not seen in this run: ${lk[i]} | ${ls[i]} | ${lt[i]}"
done
[ "$bad" -eq 0 ]
