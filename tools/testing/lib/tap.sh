# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# tap.sh: a tiny TAP (version 13) producer for bash tests. Source it; the
# "TAP version 13" line comes before its first output (so a script that
# only sources it for poll/elapsed_ms, like the demo, prints no TAP).
#
#   tap_plan N              announce N tests up front (else tap_done does)
#   tap_min N               announce at least N tests up front ("# min N"),
#                           for a test whose count depends on the kernel;
#                           tap_done prints the plan
# A scenario declares one of them before its first test: check.sh fails a
# VM step that does not, and one with fewer results (a crash, a bail-out).
#   ok STATUS NAME          passes when STATUS is 0:  cmd; ok $? "cmd works"
#   is GOT WANT NAME        string equality, shows both on failure
#   isnt GOT UNWANTED NAME  string inequality
#   like GOT REGEX NAME     bash regex match ([[ GOT =~ REGEX ]])
#   unlike GOT REGEX NAME
#   pass NAME / fail NAME   an unconditional result
#   skip WHY [COUNT]        COUNT (default 1) skipped tests
#   diag MSG...             a comment line ("# MSG")
#   tap_bail MSG            "Bail out! MSG" and exit 255
#   rc_note LABEL RC        a "# rc LABEL RC" line: the return code of an
#                           operation the test asserts, for check.sh's
#                           rc-compare step (same codes on every kernel);
#                           blanks in LABEL become "_"
#   tap_done                the plan (if not given up front), then exit:
#                           0 if everything passed, else the number of
#                           failures (at most 254); 255 when the count is
#                           not the plan or below the minimum
# Helpers for tests:
#   poll SECONDS CMD [INTERVAL]   run the bash command line CMD until it
#                                 succeeds; 1 after SECONDS (default
#                                 interval 0.05 s)
#   elapsed_ms T0 / elapsed_us T0 time since T0=$EPOCHREALTIME
#   tap_failed                    number of failures so far

[ -n "${_TAP_SH:-}" ] && return 0
_TAP_SH=1

_tap_n=0
_tap_failed=0
_tap_planned=''
_tap_min=''
_tap_started=''

_tap_start() {
	[ -n "$_tap_started" ] && return 0
	_tap_started=1
	echo "TAP version 13"
}

tap_plan() {
	_tap_start
	_tap_planned=$1
	echo "1..$1"
}

tap_min() {
	_tap_start
	_tap_min=$1
	echo "# min $1"
}

# _tap_result OK NAME: print one result; on failure, where it was called
_tap_result() {
	local okay=$1 name=$2 i
	_tap_start
	_tap_n=$((_tap_n + 1))
	name=${name//$'\n'/ }
	name=${name//#/\\#}
	if [ "$okay" = 1 ]; then
		echo "ok $_tap_n - $name"
		return 0
	fi
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $name"
	# the first caller outside this file
	for ((i = 1; i < ${#BASH_SOURCE[@]}; i++)); do
		if [ "${BASH_SOURCE[$i]}" != "${BASH_SOURCE[0]}" ]; then
			echo "#   Failed test at ${BASH_SOURCE[$i]} line ${BASH_LINENO[$((i - 1))]}."
			break
		fi
	done
	return 1
}

ok() {
	local st=$1 name=${2:-}
	if [ "$st" = 0 ]; then
		_tap_result 1 "$name"
	else
		_tap_result 0 "$name"
		echo "#   status: $st"
		return 1
	fi
}

pass() { _tap_result 1 "$1"; }
fail() { _tap_result 0 "$1"; }

is() {
	if [ "$1" = "$2" ]; then
		_tap_result 1 "${3:-}"
	else
		_tap_result 0 "${3:-}"
		echo "#          got: '$1'"
		echo "#     expected: '$2'"
		return 1
	fi
}

isnt() {
	if [ "$1" != "$2" ]; then
		_tap_result 1 "${3:-}"
	else
		_tap_result 0 "${3:-}"
		echo "#          got: '$1'"
		echo "#     expected: anything else"
		return 1
	fi
}

like() {
	if [[ $1 =~ $2 ]]; then
		_tap_result 1 "${3:-}"
	else
		_tap_result 0 "${3:-}"
		echo "#                   '$1'"
		echo "#     doesn't match '$2'"
		return 1
	fi
}

unlike() {
	if ! [[ $1 =~ $2 ]]; then
		_tap_result 1 "${3:-}"
	else
		_tap_result 0 "${3:-}"
		echo "#                   '$1'"
		echo "#           matches '$2'"
		return 1
	fi
}

skip() {
	local why=$1 count=${2:-1} i
	_tap_start
	for ((i = 0; i < count; i++)); do
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n # SKIP $why"
	done
}

diag() {
	local line
	_tap_start
	while IFS= read -r line; do
		echo "# $line"
	done <<<"$*"
}

rc_note() {
	local label=${1//[[:space:]]/_}
	_tap_start
	echo "# rc ${label:-unnamed} $2"
}

tap_bail() {
	_tap_start
	echo "Bail out! $*"
	exit 255
}

tap_failed() { echo "$_tap_failed"; }

tap_done() {
	_tap_start
	if [ -z "$_tap_planned" ]; then
		echo "1..$_tap_n"
	elif [ "$_tap_planned" != "$_tap_n" ]; then
		echo "# planned $_tap_planned tests but ran $_tap_n"
		exit 255
	fi
	if [ -n "$_tap_min" ] && [ "$_tap_n" -lt "$_tap_min" ]; then
		echo "# ran $_tap_n tests, fewer than the minimum of $_tap_min"
		exit 255
	fi
	[ "$_tap_failed" -eq 0 ] || echo "# failed $_tap_failed of $_tap_n tests"
	exit $((_tap_failed > 254 ? 254 : _tap_failed))
}

# _tap_us SECONDS: set _tap_r to SECONDS (e.g. 10, 0.5) in microseconds
_tap_us() {
	local int=${1%%.*} frac=
	[[ $1 == *.* ]] && frac=${1#*.}
	frac=${frac}000000
	_tap_r=$((10#${int:-0} * 1000000 + 10#${frac:0:6}))
}

poll() {
	local secs=$1 cmd=$2 interval=${3:-0.05} deadline _tap_r
	_tap_us "$secs"
	deadline=$((${EPOCHREALTIME/./} + _tap_r))
	while :; do
		eval "$cmd" && return 0
		[ "${EPOCHREALTIME/./}" -lt "$deadline" ] || return 1
		sleep "$interval"
	done
}

elapsed_us() {
	echo $((${EPOCHREALTIME/./} - ${1/./}))
}

elapsed_ms() {
	echo $(((${EPOCHREALTIME/./} - ${1/./}) / 1000))
}
