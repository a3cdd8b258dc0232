# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# kunit.sh: run KUnit test modules in the test VM and print their results
# as one KTAP document (for run.sh's output and tap-count.sh). Source it.
#
#   kunit_run [--min N] MODULE...
#                         modprobe each module (KUnit runs a module's suites
#                         when it loads), then print the results of the
#                         suites those modules registered, from
#                         /sys/kernel/debug/kunit/<suite>/results. Status 0
#                         when every suite passed. --min N: the report
#                         declares at least N results (test cases, each
#                         parameter of a parameterised case counted), a
#                         "# min N" line that check.sh and tap-count.sh
#                         hold it to.
# Suites built into the kernel ran at boot and are not repeated here.

kunit_run() {
	local m f line mods=() files=() n=0 rc=0 name min=''
	if [ "${1:-}" = --min ]; then
		min=$2
		shift 2
	fi
	[ "$#" -gt 0 ] || { echo "Bail out! kunit_run: no module given"; return 1; }
	if [ ! -d /sys/kernel/debug/kunit ]; then
		echo "Bail out! /sys/kernel/debug/kunit missing (no CONFIG_KUNIT_DEBUGFS, or debugfs not mounted)"
		return 1
	fi
	for m in "$@"; do
		if ! line=$(modprobe "$m" 2>&1); then
			echo "Bail out! modprobe $m: $line"
			return 1
		fi
		mods+=("${m//-/_}")
	done
	for f in /sys/kernel/debug/kunit/*/results; do
		[ -f "$f" ] || continue
		while IFS= read -r line; do
			[[ $line =~ ^[[:space:]]*#\ module:\ (.*)$ ]] || continue
			name=${BASH_REMATCH[1]}
			for m in "${mods[@]}"; do
				[ "$name" != "$m" ] || { files+=("$f"); break; }
			done
			break
		done <"$f"
	done
	echo "KTAP version 1"
	echo "1..${#files[@]}"
	[ -z "$min" ] || echo "# min $min"
	[ "${#files[@]}" -gt 0 ] || { echo "# no KUnit suite found for: $*"; return 1; }
	for f in "${files[@]}"; do
		n=$((n + 1))
		# each file is a KTAP document of one suite: drop its header,
		# number the suite's own result line
		while IFS= read -r line; do
			case $line in
			'KTAP version '* | 1..1) continue ;;
			'ok 1 '*) echo "ok $n ${line#ok 1 }" ;;
			'not ok 1 '*) echo "not ok $n ${line#not ok 1 }"; rc=1 ;;
			*) echo "$line" ;;
			esac
		done <"$f"
	done
	return $rc
}
