#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-vm-options: --timeout 600
#
# A fenced host stays fenced through path flaps (issue 4, B).
#
# Hosts A and B are registered through their maps (both attached), A
# holds Write Exclusive, Registrants Only. `prtool monitor --json` runs in
# the background from the start. B preempts A. Then every path of A flaps
# ROUNDS times (SCSI device offline + dm fail_path, back, reinstated
# FLAP_GAP s later). Asserted, from LIO after every flap and while the
# path is back: A's key never reappears on any nexus; the monitor reported
# exactly one "preempted" event for A's map; A's writes fail (fenced).
# Then A registers again explicitly, with one path down: the live paths
# carry the key at once and the returning path is registered again, i.e.
# re-registration works again once the host re-registered.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
. "$DMPR_LIB/flap.sh"
tap_plan 24

KA=0xa41a KB=0xb41b
# make check: 20 rounds, 10 on the debug kernel (each costs it ~10 s
# under TCG); make soak: 40 everywhere
[ "${DMPR_SOAK:-0}" = 1 ] && ROUNDS=${ROUNDS:-40}
[ "${DMPR_KERNEL_ID:-}" = debug ] && ROUNDS=${ROUNDS:-10}
ROUNDS=${ROUNDS:-20}
NPATHS=${NPATHS:-2}
FLAP_DOWN=${FLAP_DOWN:-0.3}
FLAP_GAP=${FLAP_GAP:-1}
MON=/run/dmpr-41-monitor.json

t_start=$EPOCHREALTIME
out=$(san_setup --paths-a "$NPATHS" --paths-b 2 2>&1)
ok $? "SAN: host A with $NPATHS paths, host B with 2" || { diag "$out"; tap_bail "no SAN"; }
mod_load
MA=$(san_map A) MB=$(san_map B)

# mpp ARGS...: prtool mpathpersist; sets $rc, shows its complaints
mpp() {
	local err
	err=$(prtool mpathpersist -v1 "$@" 2>&1 >/dev/null)
	rc=$?
	[ -z "$err" ] || diag "mpathpersist $*: $err"
}

# a_write: one direct write through A's map (bounded)
a_write() {
	timeout 60 dd if=/dev/zero of="$MA" bs=64k count=4 oflag=direct conv=notrunc 2>&1
}

# mon_events EVENT: the monitor's JSON events named EVENT (a line each)
# that concern A's map ("map", or "major":"minor" when the map's name was
# not known)
mon_events() {
	jq -c --arg ev "$1" --arg map "$(san_dm_name A)" --arg devno "$(san_map_devno A)" '
		select(.event == $ev and (.map == $map or "\(.major):\(.minor)" == $devno))
	' "$MON"
}

prtool attach mpathA >/dev/null && prtool attach mpathB >/dev/null
ok $? "attach mpathA and mpathB"

prtool monitor --json >"$MON" 2>/run/dmpr-41-monitor.err &
mon=$!
# it says so once it has joined the events group: B's preempt comes later
poll 20 'grep -q "^prtool: monitor: listening$" /run/dmpr-41-monitor.err' && kill -0 "$mon" 2>/dev/null
ok $? "prtool monitor --json runs in the background (listening)" ||
	diag "monitor: $(head -c 500 /run/dmpr-41-monitor.err)"

prtool register "$MA" --key $KA >/dev/null &&
	mpp --out --reserve --param-rk=$KA --prout-type=5 "$MA" && [ "$rc" = 0 ] &&
	prtool register "$MB" --key $KB >/dev/null
ok $? "A registers and reserves WE_RO, B registers"
is "$(keys_of A)" "$(for ((i = 1; i <= NPATHS; i++)); do printf 'A%d=%s ' "$i" $KA; done | sed 's/ $//')" \
	"LIO: every nexus of A carries A's key"
out=$(a_write)
ok $? "A writes through its map before the preemption" || diag "$out"

mpp --out --preempt --param-rk=$KB --param-sark=$KA --prout-type=5 "$MB"
is "$rc" 0 "B preempts A (PREEMPT, WE_RO)"
key_anywhere A
isnt $? 0 "LIO: A's key is gone from every nexus ($(keys_of A))"
is "$(san_holder | cut -c1):$(san_res_type)" "B:5" "LIO: a nexus of B holds WE_RO"
out=$(a_write)
isnt $? 0 "A's writes fail: A is fenced"
diag "dd through A's map: ${out//$'\n'/ | }"

# --- every path of A flaps; A's key must never come back ---------------------
seen=''
t_flaps=$EPOCHREALTIME
for ((r = 1; r <= ROUNDS; r++)); do
	for ((i = 1; i <= NPATHS; i++)); do
		flap_down A "$i" || fail "round $r: take path A$i down"
		sleep "$FLAP_DOWN"
		flap_sd_up A "$i" || fail "round $r: bring path A$i back"
		t_back=$EPOCHREALTIME
		# watch LIO while the path is back and not yet reinstated
		if poll "$FLAP_GAP" 'key_anywhere A' 0.05; then
			ms_since "$t_back"
			seen+=" r$r/A$i:${ms}ms:$(keys_of A)"
		fi
		sleep_until "$t_back" "$FLAP_GAP"
		flap_reinstate A "$i" || fail "round $r: reinstate path A$i"
		! key_anywhere A || seen+=" r$r/A$i:reinstated:$(keys_of A)"
	done
done
diag "$ROUNDS rounds of flaps of all $NPATHS paths of A took $(($(elapsed_ms "$t_flaps") / 1000)) s"
# the probe and the audit get one more chance to do the wrong thing
sleep 2
key_anywhere A && seen+=" end:$(keys_of A)"
is "${seen# }" "" "LIO: A's key never reappeared on any nexus in $((ROUNDS * NPATHS)) flaps"
out=$(a_write)
isnt $? 0 "A's writes still fail after the flaps"

kill "$mon" 2>/dev/null
wait "$mon" 2>/dev/null
ev=$(mon_events preempted)
n=0
[ -z "$ev" ] || n=$(wc -l <<<"$ev")
is "$n" 1 "prtool monitor --json reported exactly one \"preempted\" event for A's map"
[ -z "$ev" ] || diag "preempted: $ev"
diag "the monitor's output: $(wc -l <"$MON") lines; event counts:"
diag "$(jq -r '"\(.event) \(.map)"' "$MON" | sort | uniq -c)"

# --- A registers again: re-registration works again ---------------------------
flap_down A "$NPATHS"
prtool register "$MA" --key $KA >/dev/null
ok $? "A registers again explicitly (path A$NPATHS down)"
live=$(for ((i = 1; i < NPATHS; i++)); do printf '%s ' "$(san_key_of A "$i")"; done)
is "$live" "$(for ((i = 1; i < NPATHS; i++)); do printf '%s ' $KA; done)" \
	"LIO: A's live nexuses carry the key again"
flap_sd_up A "$NPATHS"
t_back=$EPOCHREALTIME
if poll 10 '[ "$(san_key_of A '"$NPATHS"')" = '"$KA"' ]'; then
	pass "the returning path A$NPATHS is registered again"
	diag "A$NPATHS registered $(elapsed_ms "$t_back") ms after it came back"
else
	fail "the returning path A$NPATHS is registered again (LIO: $(keys_of A))"
fi
flap_reinstate A "$NPATHS"
out=$(a_write)
ok $? "A writes through its map again (a registrant under B's WE_RO)" || diag "$out"

mpp --out --clear --param-rk=$KB "$MB"
is "$rc:$(san_registrations)" "0:" "B clears"
prtool detach mpathA >/dev/null && prtool detach mpathB >/dev/null
ok $? "detach mpathA and mpathB"
scenario_teardown
diag "41-fenced-flap ran $(($(elapsed_ms "$t_start") / 1000)) s in the guest"
tap_done
