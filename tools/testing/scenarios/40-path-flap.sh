#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-vm-options: --timeout 600
#
# Path flaps under a writer (issue 4, A).
# (FLAPS, NPATHS, FLAP_DOWN, FLAP_GAP, IO_PAUSE: environment overrides)
#
# Host A is registered and holds Write Exclusive, Registrants Only through
# its map (module attached); host B is registered through its map with the
# module detached (stock dm). Both write through their maps all the time
# (dd oflag=direct in a loop). Then FLAPS rounds: path i of A and path i of
# B go down as a real failure looks (SCSI device offline, dm fail_path),
# come back FLAP_DOWN s later (SCSI device running) and are reinstated in
# dm FLAP_GAP s after that, as multipathd would at its next checker tick.
# Both hosts flap at the same time on their own paths, so the stock
# contrast costs no extra time.
#
# Asserted: A's writer saw no I/O error and wrote throughout; every flap of
# A had A's key on the returning nexus again (LIO, polled from the moment
# the path was back); every nexus of A is registered at the end. Printed:
# the time from path back to key seen per flap, its median and maximum,
# and the error count of B's writer (stock dm) as the contrast.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
. "$DMPR_LIB/flap.sh"

KA=0xa40a KB=0xb40b
# The debug kernel (KASAN, lockdep, kmemleak) pays ~10x for every exec
# under TCG (30 s a flap on a busy host): 50 flaps there do not fit the CI
# budget; 10 run the same code under its checkers, and its writers rest
# longer between rounds.
if [ "${DMPR_KERNEL_ID:-}" = debug ]; then
	FLAPS=${FLAPS:-10}
	IO_PAUSE=0.5
fi
FLAPS=${FLAPS:-50}
NPATHS=${NPATHS:-2}
FLAP_DOWN=${FLAP_DOWN:-0.3}
FLAP_GAP=${FLAP_GAP:-2}
KEY_WAIT=10	# s a returning path may take to show the key again

t_start=$EPOCHREALTIME
out=$(san_setup --paths-a "$NPATHS" --paths-b "$NPATHS" 2>&1)
ok $? "SAN: hosts A and B, $NPATHS paths each" || { diag "$out"; tap_bail "no SAN"; }
mod_load
MA=$(san_map A) MB=$(san_map B)

# keys_all H KEY: every nexus of H carries KEY
keys_all() {
	local i
	for ((i = 1; i <= NPATHS; i++)); do
		key_is "$1" "$i" "$2" || return 1
	done
}

prtool attach mpathA >/dev/null
ok $? "attach mpathA (B stays on stock dm)"
prtool register "$MA" --key $KA >/dev/null &&
	prtool mpathpersist --out --reserve --param-rk=$KA --prout-type=5 "$MA" >/dev/null
ok $? "A registers and reserves Write Exclusive, Registrants Only"
prtool register "$MB" --key $KB >/dev/null
ok $? "B registers through stock dm (all paths up)"
keys_all A $KA && keys_all B $KB
ok $? "LIO: every nexus of A and B is registered"
is "$(san_holder | cut -c1):$(san_res_type)" "A:5" "LIO: a nexus of A holds WE_RO"

io_writer_start A "$MA" 0 && io_writer_start B "$MB" 256
ok $? "writers on mpathA (module) and mpathB (stock dm) started"
sleep 1

declare -a back_ms=()
missed=0 flap_err=0 kept=0
t_flaps=$EPOCHREALTIME
for ((f = 1; f <= FLAPS; f++)); do
	i=$(((f - 1) % NPATHS + 1))
	flap_down A "$i" && flap_down B "$i" || flap_err=$((flap_err + 1))
	sleep "$FLAP_DOWN"
	# did the outage cost the nexus its registration at the target?
	note=''
	if key_is A "$i" $KA; then
		kept=$((kept + 1))
		note=' (kept through the outage)'
	fi
	flap_sd_up A "$i" && flap_sd_up B "$i" || flap_err=$((flap_err + 1))
	t_back=$EPOCHREALTIME
	if poll "$KEY_WAIT" "key_is A $i $KA" 0.02; then
		ms_since "$t_back"
		back_ms+=("$ms")
		ms+=" ms$note"
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
for ((i = 1; i <= NPATHS; i++)); do
	[ "$(san_path_state A "$i")$(san_path_state B "$i")" = AA ] ||
		diag "path $i: dm shows A $(san_path_state A "$i"), B $(san_path_state B "$i")"
done
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
stats_median_max "${back_ms[@]}"
diag "path back -> A's key on that nexus (LIO): median ${st_median} ms, max ${st_max} ms over $st_n flaps (goal <= 1000 ms)"
diag "LIO kept A's key on the failed nexus through the outage in $kept of $FLAPS flaps (an initiator-side failure does not reach the target's registrations)"
keys_all A $KA
ok $? "LIO: every nexus of A is registered at the end" || san_dump

diag "stock dm (upstream contrast): B's writer saw $b_err I/O errors in $FLAPS flaps ($b_ok rounds written)"
[ -z "$b_msg" ] || diag "B's first errors: $b_msg"
for ((i = 1; i <= NPATHS; i++)); do
	diag "stock dm: nexus B$i has key '$(san_key_of B "$i")' at the end"
done

prtool detach mpathA >/dev/null
ok $? "detach mpathA"
mod_unload_all
san_teardown
ok $? "san_teardown"
diag "40-path-flap ran $(($(elapsed_ms "$t_start") / 1000)) s in the guest"
tap_done
