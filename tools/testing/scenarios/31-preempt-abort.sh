#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-vm-options: --iscsi --timeout 900
#
# PREEMPT AND ABORT through the map, module attached and detached (issue 3).
#
# Over the iSCSI fabric of san.sh (PREEMPT AND ABORT deadlocks LIO over
# tcm_loop). Host B holds a Write Exclusive, Registrants Only reservation
# and writes through its map; host A sends PREEMPT AND ABORT through its
# map (IOC_PR_PREEMPT_ABORT, via `prtool mpathpersist --preempt-abort`).
# The CDB trace (scsi:scsi_dispatch_cmd_start) shows what reached the
# paths:
#  - module attached: one path of A received service action 0x05
#    (PREEMPT AND ABORT), none received a plain PREEMPT; B's registrations
#    are gone and B's writes fail;
#  - the same with `prtool preempt-abort` (module attached);
#  - module detached (stock dm, the same run): dm_pr_preempt() drops the
#    abort flag, so the path receives 0x04 (PREEMPT). Asserted as what
#    upstream does (its exit status is only shown: stock dm may trip over
#    the UNIT ATTENTIONs of the changes before it).
#
# First, while the fabric is there (issue 10, point 4): the module's
# fan-out is parallel on real SCSI. With FANOUT_LAT_MS (default 50) ms of
# netem delay each way, a PR OUT completes a round trip after it was
# dispatched at the earliest. From the SCSI midlayer's trace of A's four
# paths (lib/fanout.sh): all four REGISTERs of one REGISTER through the
# module were dispatched before the first of them completed, and so were
# the four of the unregister; through stock dm (A detached), which sends
# to one path after the other, only one was. The dispatch spread and the
# first completion are printed.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
. "$DMPR_LIB/fanout.sh"
tap_plan 44

KA=0xa1 KB=0xb1
FANOUT_LAT_MS=${FANOUT_LAT_MS:-50}

out=$(san_setup --fabric iscsi --paths-a 4 --paths-b 2 2>&1)
ok $? "iSCSI SAN: host A with four paths, B with two" || { diag "$out"; tap_bail "no SAN"; }
mod_load
MA=$(san_map A) MB=$(san_map B)
NA=$(san_npaths A)

# mpp ARGS...: prtool mpathpersist; sets $rc, shows its complaints
mpp() {
	local err
	err=$(prtool mpathpersist -v1 "$@" 2>&1 >/dev/null)
	rc=$?
	rc_note "mpathpersist $*" "$rc"
	[ -z "$err" ] || diag "mpathpersist $*: $err"
}

# sas H SA: the paths of host H whose trace shows PR OUT service action SA
sas() {
	local i r=''
	for ((i = 1; i <= $(san_npaths "$1"); i++)); do
		! san_trace_sa "$1" "$i" | grep -qx "$2" || r+=" $1$i"
	done
	echo "${r# }"
}

# b_writer: B writes through its map until a write fails; prints the pid
b_writer() {
	(
		while dd if=/dev/zero of="$MB" bs=64k count=16 oflag=direct \
			2>/dev/null; do :; done
	) >/dev/null 2>&1 &
	echo $!
}

# setup_b: B (attached) registers and reserves WE_RO, A registers
setup_b() {
	prtool register "$MB" --key $KB >/dev/null &&
		mpp --out --reserve --param-rk=$KB --prout-type=5 "$MB" &&
		[ "$rc" = 0 ] &&
		prtool register-ignore "$MA" --key $KA >/dev/null
}

# aborted_b WHO: A's PREEMPT AND ABORT of B (sent by WHO) reached one path
# of A as 0x05 and no path as a plain PREEMPT, took B's registrations and
# left A holding WE_RO; B's writer ($writer) stops
aborted_b() {
	like "$(sas A 0x05)" '^A[1-4]$' "$1: one path of A received 0x05 (PREEMPT AND ABORT)"
	is "$(sas A 0x04)" "" "$1: no path of A received a plain PREEMPT"
	is "$(san_key_of B 1)$(san_key_of B 2)" "" "LIO: B's registrations are gone"
	is "$(san_holder | cut -c1):$(san_res_type)" "A:5" "LIO: a nexus of A holds WE_RO"
	if poll 30 '! kill -0 '"$writer"' 2>/dev/null' 0.1; then
		pass "B's writer stopped: its writes fail after the abort"
	else
		kill "$writer" 2>/dev/null
		fail "B's writer still writes after the abort"
	fi
	wait "$writer" 2>/dev/null
}

prtool attach mpathA && prtool attach mpathB
ok $? "attach mpathA and mpathB"

# --- the fan-out is parallel: the CDB trace of one REGISTER ------------------
# keys_a: the keys of A's nexuses, space separated, "-" for none
keys_a() {
	local i k r=''
	for ((i = 1; i <= NA; i++)); do
		k=$(san_key_of A "$i")
		r+=" ${k:--}"
	done
	echo "${r# }"
}
# all_a KEY: KEY once per path of A, as keys_a prints it
all_a() {
	local i r=''
	for ((i = 1; i <= NA; i++)); do r+=" $1"; done
	echo "${r# }"
}
# traced WHO ARGS...: prtool ARGS through the trace; sets n d c spread first
# (fanout_overlap)
traced() {
	local who=$1 out
	shift
	fanout_trace_start || return 1
	out=$(prtool "$@" 2>&1)
	ok $? "$who: prtool $*" || diag "$out"
	fanout_trace_stop
	read -r n d c spread first <<<"$(fanout_overlap)"
	diag "$who: $1: $d PR OUT dispatched, $c completed; $n paths dispatched before the first completion, within $((spread / 1000)) ms; the first completion $((first / 1000)) ms after the first dispatch"
}

san_set_latency "$FANOUT_LAT_MS"
ok $? "netem: +$FANOUT_LAT_MS ms each way on the iSCSI fabric"
traced module register "$MA" --key 0xfa
is "$n" "$NA" "module: all $NA PR OUT of one REGISTER dispatched before the first completed (parallel)"
is "$(keys_a)" "$(all_a 0xfa)" "LIO: every nexus of A carries the key"
traced module unregister "$MA" --key 0xfa
is "$n" "$NA" "module: all $NA PR OUT of the unregister dispatched before the first completed"
is "$(keys_a)" "$(all_a -)" "LIO: no nexus of A carries a key"
prtool detach mpathA
ok $? "detach mpathA: stock dm from here on"
traced "stock dm" register "$MA" --key 0xfb
is "$n" 1 "stock dm: only one of $d PR OUT dispatched before the first completed (one path after the other)"
is "$(keys_a)" "$(all_a 0xfb)" "LIO: stock dm registered every nexus of A"
traced "stock dm" unregister "$MA" --key 0xfb
is "$(keys_a)" "$(all_a -)" "LIO: no nexus of A carries a key"
fanout_trace_end
san_set_latency 0 && prtool attach mpathA
ok $? "netem off, attach mpathA again"

setup_b
ok $? "B registers and reserves WE_RO, A registers"
is "$(san_holder):$(san_res_type)" "B 1:5" "LIO: B1 holds WE_RO"

# --- module attached ----------------------------------------------------------
writer=$(b_writer)
sleep 0.5
san_trace_start
mpp --out --preempt-abort --param-rk=$KA --param-sark=$KB --prout-type=5 "$MA"
san_trace_stop
is "$rc" 0 "attached: A's PREEMPT AND ABORT of B returns 0"
aborted_b attached
dd if=/dev/zero of="$MA" bs=64k count=16 oflag=direct 2>/dev/null
ok $? "A writes through its map"
mpp --out --clear --param-rk=$KA "$MA"
is "$rc:$(san_registrations)" "0:" "A clears"

# --- module attached, prtool preempt-abort ------------------------------------
setup_b
ok $? "B registers and reserves WE_RO again, A registers"
writer=$(b_writer)
sleep 0.5
san_trace_start
err=$(prtool preempt-abort "$MA" --key $KA --preempt-key $KB --type we-ro 2>&1)
rc=$?
rc_note "prtool preempt-abort" "$rc"
san_trace_stop
is "$rc:$err" "0:" "prtool preempt-abort: A's PREEMPT AND ABORT of B returns 0, no message"
aborted_b "prtool preempt-abort"
err=$(prtool clear "$MA" --key $KA 2>&1)
rc=$?
rc_note "prtool clear" "$rc"
is "$rc:$err:$(san_registrations)" "0::" "prtool clear: A clears"

# --- module detached: stock dm ------------------------------------------------
setup_b
ok $? "B registers and reserves WE_RO again, A registers (still through the module)"
prtool detach mpathA
ok $? "detach mpathA (stock dm pr_ops from here on)"
san_trace_start
mpp --out --preempt-abort --param-rk=$KA --param-sark=$KB --prout-type=5 "$MA"
san_trace_stop
diag "stock dm: PREEMPT AND ABORT exit status $rc"
is "$(sas A 0x05)" "" "stock dm: no path received PREEMPT AND ABORT (the abort flag is dropped)"
like "$(sas A 0x04)" '^A[1-4]' "stock dm: the path got a plain PREEMPT (0x04) instead: $(sas A 0x04)"
san_trace_end

prtool detach mpathB
ok $? "detach mpathB"
scenario_teardown
tap_done
