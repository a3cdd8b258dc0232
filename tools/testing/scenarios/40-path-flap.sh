#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-vm-options: --timeout 600
#
# Path flaps under a writer (issue 4, A).
# (FLAPS, NPATHS, FLAP_DOWN, FLAP_GAP, IO_PAUSE: environment overrides)
#
# Host A is registered and holds Write Exclusive, Registrants Only through
# its map (module attached, `prtool daemon` running, as installed: it
# relays dm's PATH_FAILED and PATH_REINSTATED to the module); host B is
# registered through its map with the module detached (stock dm). Both
# write through their maps all the time (dd oflag=direct in a loop). Then
# FLAPS rounds: path i of A and path i of B go down as a real failure looks
# (dm fail_path, SCSI device offline), come back FLAP_DOWN s later (SCSI
# device running) and are reinstated in dm FLAP_GAP s after that, as
# multipathd would at its next checker tick. Both hosts flap at the same
# time on their own paths, so the stock contrast costs no extra time.
#
# An initiator-side failure does not reach LIO's registrations: the nexus
# keeps its key through the outage. A target does drop them in real life
# (LIO itself when the session of an initiator known by a dynamic ACL
# ends), and then the returning path takes I/O unregistered. So every
# second flap also drops the flapped nexus's registration at the target
# while the path is out of dm's use (REGISTER AND IGNORE with key 0 sent
# on that nexus's SCSI device, before it goes offline). The holder's
# nexus is never flapped (dropping its registration would release the
# reservation: a different failure); the others take turns. The drop needs
# the nexus reachable after dm failed the path, which the module's probe
# could take for the path's return (a real failed path does not answer):
# for those few hundred ms its probe interval is 60 s, and the default
# (500 ms) again before the path comes back.
#
# Asserted: A's writer saw no I/O error and wrote throughout; every flap of
# A had A's key on the returning nexus again (LIO, polled from the moment
# the path was back), and where the target had dropped it, before dm
# reinstated the path (FLAP_GAP s later); every path of both maps is
# active in dm at the end; every nexus of A is registered at the end. The
# contrast, asserted too, so that a fixture that stops provoking the
# failure shows: B's writer (stock dm) saw I/O errors, and no nexus of B
# whose registration the target dropped has B's key at the end (stock dm
# never registers a returning path). Printed: the time from path back to
# key seen per flap, median and maximum of the flaps where the target had
# dropped the key (the module registered the path again) and of the
# others, B's error count.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
. "$DMPR_LIB/flap.sh"
tap_plan 25

KA=0xa40a KB=0xb40b
# The debug kernel (KASAN, lockdep, kmemleak) pays ~10x for every exec
# under TCG (30 s a flap on a busy host): 50 flaps there do not fit the CI
# budget; 10 run the same code under its checkers, and its writers rest
# longer between rounds.
if [ "${DMPR_KERNEL_ID:-}" = debug ]; then
	[ "${DMPR_SOAK:-0}" = 1 ] || FLAPS=${FLAPS:-10}
	IO_PAUSE=0.5
fi
# make check's short form: 25 flaps (about 2 minutes on 6.1 and 6.12);
# make soak: 50 on every kernel
[ "${DMPR_SOAK:-0}" = 1 ] && FLAPS=${FLAPS:-50}
FLAPS=${FLAPS:-25}
NPATHS=${NPATHS:-3}
FLAP_DOWN=${FLAP_DOWN:-0.3}
FLAP_GAP=${FLAP_GAP:-2}
KEY_WAIT=10	# s a returning path may take to show the key again
T=/run/dmpr-40
mkdir -p "$T"

t_start=$EPOCHREALTIME
out=$(san_setup --paths-a "$NPATHS" --paths-b "$NPATHS" 2>&1)
ok $? "SAN: hosts A and B, $NPATHS paths each" || { diag "$out"; tap_bail "no SAN"; }
mod_load
MA=$(san_map A) MB=$(san_map B)

prtool attach mpathA >/dev/null
ok $? "attach mpathA (B stays on stock dm)"
prtool daemon --foreground 2>"$T/daemon" &
dpid=$!
poll 30 'grep -q "synced mpathA" "$T/daemon"'
ok $? "prtool daemon runs (relays dm's path events to the module)"
prtool register "$MA" --key $KA >/dev/null &&
	prtool mpathpersist --out --reserve --param-rk=$KA --prout-type=5 "$MA" >/dev/null
ok $? "A registers and reserves Write Exclusive, Registrants Only"
prtool register "$MB" --key $KB >/dev/null
ok $? "B registers through stock dm (all paths up)"
keys_all A $KA && keys_all B $KB
ok $? "LIO: every nexus of A and B is registered"
holder=$(san_holder)
like "$holder:$(san_res_type)" "^A [0-9]+:5$" "LIO: a nexus of A holds WE_RO ($holder)"
holder=${holder#A }
flap_paths=()
for ((i = 1; i <= NPATHS; i++)); do
	[ "$i" = "$holder" ] || flap_paths+=("$i")
done

io_writer_start A "$MA" 0 && io_writer_start B "$MB" 256
ok $? "writers on mpathA (module) and mpathB (stock dm) started"
sleep 1

declare -a back_ms=() lost_ms=()
declare -A dropped_at=()	# path index -> 1: the target dropped its registration
missed=0 flap_err=0 dropped=0 late=0
gap_ms=$(awk -v g="$FLAP_GAP" 'BEGIN { print int(g * 1000) }')
t_flaps=$EPOCHREALTIME
for ((f = 1; f <= FLAPS; f++)); do
	i=${flap_paths[$(((f - 1) % ${#flap_paths[@]}))]}
	drop=$((f % 2 == 0))
	if [ "$drop" = 1 ]; then
		# The drop needs the nexus reachable for a moment after dm
		# failed the path; a path that answers then would look back
		# to the module's probe (a real failed path does not answer),
		# so the probe waits until the SCSI device is offline.
		prtool set mpathA --probe-interval 60000 || flap_err=$((flap_err + 1))
	fi
	flap_dm_fail A "$i" && flap_dm_fail B "$i" || flap_err=$((flap_err + 1))
	if [ "$drop" = 1 ]; then
		drop_reg A "$i" && drop_reg B "$i" || flap_err=$((flap_err + 1))
		dropped_at[$i]=1
		if key_is A "$i" ''; then
			dropped=$((dropped + 1))
		else
			diag "flap $f: nexus A$i still has key '$(san_key_of A "$i")' after the drop"
		fi
	fi
	flap_sd_down A "$i" && flap_sd_down B "$i" || flap_err=$((flap_err + 1))
	if [ "$drop" = 1 ]; then
		# the default again, before the path comes back
		prtool set mpathA --probe-interval 500 || flap_err=$((flap_err + 1))
	fi
	sleep "$FLAP_DOWN"
	flap_sd_up A "$i" && flap_sd_up B "$i" || flap_err=$((flap_err + 1))
	t_back=$EPOCHREALTIME
	if poll "$KEY_WAIT" "key_is A $i $KA" 0.02; then
		ms_since "$t_back"
		if [ "$drop" = 1 ]; then
			lost_ms+=("$ms")
			[ "$ms" -lt "$gap_ms" ] || late=$((late + 1))
			ms+=" ms (registered again: the target had dropped it)"
		else
			back_ms+=("$ms")
			ms+=" ms (kept through the outage)"
		fi
	else
		ms="none after ${KEY_WAIT}s"
		missed=$((missed + 1))
	fi
	# multipathd's checker: the path is reinstated FLAP_GAP s after it
	# came back, however long the key took
	sleep_until "$t_back" "$FLAP_GAP"
	flap_reinstate A "$i" && flap_reinstate B "$i" || flap_err=$((flap_err + 1))
	io_writer_counts A
	a_now="$io_ok/$io_err"
	io_writer_counts B
	diag "flap $f: path $i back, A's key on nexus A$i after $ms; writes ok/err A $a_now B $io_ok/$io_err"
done
flaps_s=$((($(elapsed_ms "$t_flaps")) / 1000))
is "$flap_err" 0 "$FLAPS flaps of A's and B's paths done (${flaps_s}s)"
# every path back in service before the writers stop
states='' want=''
for ((i = 1; i <= NPATHS; i++)); do
	states+="$(san_path_state A "$i")$(san_path_state B "$i") "
	want+="AA "
done
is "$states" "$want" "dm: every path of A and of B is active again (A and B per path)"
sleep 1

io_writer_stop A
a_ok=$io_ok a_err=$io_err a_msg=$io_errmsg
io_writer_stop B
b_ok=$io_ok b_err=$io_err b_msg=$io_errmsg

is "$a_err" 0 "module: A's writer saw no I/O error in $FLAPS flaps ($a_ok rounds written)"
[ -z "$a_msg" ] || diag "A's first errors: $a_msg"
[ "$a_ok" -ge "$FLAPS" ]
ok $? "module: A's writer wrote throughout ($a_ok rounds of 256 KiB)"
is "$missed" 0 "module: every flap had A's key on the returning nexus within ${KEY_WAIT}s"
is "$dropped" "$((FLAPS / 2))" "the target dropped A's registration of the flapped nexus in every second flap"
is "$late" 0 "module: where the target had dropped it, A's key was back before dm reinstated the path (${FLAP_GAP}s)"
if [ "${#lost_ms[@]}" -gt 0 ]; then
	stats_median_max "${lost_ms[@]}"
	diag "path back -> A's key on that nexus, where the target had dropped it (the module registered the path again): median ${st_median} ms, max ${st_max} ms over $st_n flaps (goal <= 1000 ms)"
fi
if [ "${#back_ms[@]}" -gt 0 ]; then
	stats_median_max "${back_ms[@]}"
	diag "path back -> A's key on that nexus, where LIO had kept it (the time to see it): median ${st_median} ms, max ${st_max} ms over $st_n flaps"
fi
diag "daemon: relayed $(grep -c "is failed (dm-multipath)" "$T/daemon") PATH_FAILED and $(grep -c "is active (dm-multipath)" "$T/daemon") PATH_REINSTATED"
keys_all A $KA
ok $? "LIO: every nexus of A is registered at the end" || san_dump

diag "stock dm (upstream contrast): B's writer saw $b_err I/O errors in $FLAPS flaps ($b_ok rounds written)"
[ -z "$b_msg" ] || diag "B's first errors: $b_msg"
[ "$b_err" -gt 0 ]
ok $? "stock dm: B's writer saw I/O errors ($b_err): the fixture provokes the failure"
bad=''
for ((i = 1; i <= NPATHS; i++)); do
	k=$(san_key_of B "$i")
	diag "stock dm: nexus B$i has key '$k' at the end"
	[ -z "${dropped_at[$i]:-}" ] || [ -z "$k" ] || bad+=" B$i"
done
is "$bad" "" "stock dm: no nexus of B whose registration the target dropped has B's key back"

kill -TERM "$dpid" && wait "$dpid"
ok $? "prtool daemon ends with status 0 on SIGTERM"
prtool detach mpathA >/dev/null
ok $? "detach mpathA"
scenario_teardown
diag "40-path-flap ran $(($(elapsed_ms "$t_start") / 1000)) s in the guest"
tap_done
