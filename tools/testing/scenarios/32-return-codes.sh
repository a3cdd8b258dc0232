#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The return codes of the PR ioctls through the module are the same
# numbers on every kernel (issue 3): 0, a negative errno or a PR_STS_*
# value. Each call's raw return value (prcall, one ioctl, no
# interpretation; decimal: 24 is PR_STS_RESERVATION_CONFLICT 0x18) is
# asserted and noted as a "# rc" line, which the host's
# rc-compare step compares across the kernels. The same sequence through
# stock dm is run in the same test and its values printed as the contrast:
# Linux 6.1's sd returns raw SCSI results there (280 = 0x118 for a
# conflict, 2 for the UNIT ATTENTION a RELEASE causes on the other path),
# asserted as "some answer of stock dm is a raw SCSI result" on 6.1 and
# "none is" on the kernels with PR_STS_* (6.12, debug).
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
tap_plan 21

san_setup --paths-a 2 --paths-b 2 || tap_bail "SAN setup failed"
mod_load
A=$(san_map A) B=$(san_map B)
WE_RO=3 EA=2

# call LABEL DEV ARGS...: one ioctl through prcall; prints its value
call() {
	local label=$1 v
	shift
	v=$(prcall "$@")
	v=${v#ret=}
	echo "${v%% *}"
}

# sequence MODE: the calls, each checked against the expected value in
# attached mode and noted; printed in stock mode
sequence() {
	local mode=$1 label dev want got
	stock_raw=''
	while read -r label want dev args; do
		[ -n "$label" ] || continue
		case $dev in A) dev=$A ;; B) dev=$B ;; esac
		# shellcheck disable=SC2086 # the arguments are a word list
		got=$(call "$label" "$dev" $args)
		if [ "$mode" = attached ]; then
			is "$got" "$want" "attached: $label returns $want"
			rc_note "$label" "$got"
		else
			diag "stock dm: $label returned $got (the module: $want)"
			# 0, -errno and PR_STS_* (1-255) are pr_ops' answers;
			# sd of 6.1 passes the SCSI result (0x118, 2, ...) up
			case $got in 0 | -* | 24) ;; *) stock_raw+=" $label=$got" ;; esac
		fi
	done <<-SEQ
	B-register 0 B register 0xb1
	B-reserve-we-ro 0 B reserve 0xb1 $WE_RO
	A-register 0 A register 0xa1
	A-reserve-conflict 24 A reserve 0xa1 $WE_RO
	A-release-not-holder 0 A release 0xa1 $WE_RO
	B-release-wrong-type 24 B release 0xb1 $EA
	B-release 0 B release 0xb1 $WE_RO
	A-reserve 0 A reserve 0xa1 $WE_RO
	B-preempt-A 0 B preempt 0xb1 0xa1 $WE_RO
	A-reserve-after-preempt 24 A reserve 0xa1 $WE_RO
	A-register-again 0 A register 0xa1
	B-clear 0 B clear 0xb1
	A-unregister-after-clear 24 A register 0 0xa1
	SEQ
}

prtool attach "$(san_dm_name A)" && prtool attach "$(san_dm_name B)"
ok $? "attach both maps"
sequence attached
prtool detach "$(san_dm_name A)" && prtool detach "$(san_dm_name B)"
ok $? "detach both maps"
sequence stock
if [[ $(uname -r) == 6.1.* ]]; then
	isnt "$stock_raw" "" "stock dm on 6.1: raw SCSI results among its answers (${stock_raw# })"
else
	is "$stock_raw" "" "stock dm: only pr_ops values (0, PR_STS_*) in its answers"
fi
scenario_teardown
tap_done
