#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-vm-options: --timeout 900
#
# A fenced host never gets its key back, whatever happens to its map
# (issue 9, fault scenario 4). (STEPS, NPATHS, SEED: environment
# overrides; `make soak` runs 200 steps.)
#
# Hosts A and B are registered through their attached maps, A holds Write
# Exclusive, Registrants Only; `prtool daemon` runs, as installed (it
# relays dm's path events, syncs after table reloads and hands new path
# disks to the module). B preempts A. Then STEPS random steps (seeded,
# reproducible, printed), each one of:
#   flap      a path of A fails (SCSI device offline + dm fail_path) and
#             comes back (running + reinstate_path)
#   reload    a path of A leaves the map by a table reload and comes back
#             by another one, then `prtool sync mpathA`
#   resync    `prtool resync mpathA` (probe every path, audit now)
#   sync      `prtool sync mpathA`
#   reattach  `prtool detach mpathA` and `prtool attach mpathA`
# A poller reads LIO's registrations every 50 ms for the whole run (not
# only after each step) and records every sighting of A's key on a nexus.
# Asserted: no sighting, and none at the end after the probe and audit had
# time; the steps themselves succeeded; A's writes fail (still fenced).
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
. "$DMPR_LIB/flap.sh"

KA=0xa47a KB=0xb47b
[ "${DMPR_SOAK:-0}" = 1 ] && STEPS=${STEPS:-200}
# the debug kernel pays ~10x for every exec under TCG
[ "${DMPR_KERNEL_ID:-}" = debug ] && STEPS=${STEPS:-20}
STEPS=${STEPS:-40}
NPATHS=${NPATHS:-3}
SEED=${SEED:-4747}
T=/run/dmpr-47
mkdir -p "$T"

tap_plan 18
t_start=$EPOCHREALTIME
out=$(san_setup --paths-a "$NPATHS" --paths-b 2 2>&1)
ok $? "SAN: host A with $NPATHS paths, host B with 2" || { diag "$out"; tap_bail "no SAN"; }
mod_load
MA=$(san_map A) MB=$(san_map B)

# a_write: one direct write through A's map (bounded)
a_write() {
	timeout 60 dd if=/dev/zero of="$MA" bs=64k count=4 oflag=direct conv=notrunc 2>&1
}

# poller: every sighting of A's key on a nexus, with the step it came in
poller() {
	local fd _
	exec {fd}<>"$T/pause.fifo"
	while [ ! -f "$T/stop" ]; do
		if key_anywhere A; then
			echo "$EPOCHREALTIME step=$(cat "$T/step" 2>/dev/null) $(keys_of A)" >>"$T/seen"
		fi
		read -r -t 0.05 -u "$fd" _
	done
}

prtool attach mpathA >/dev/null && prtool attach mpathB >/dev/null
ok $? "attach mpathA and mpathB"
prtool daemon --foreground 2>"$T/daemon" &
dpid=$!
poll 30 'grep -q "synced mpathA" "$T/daemon"'
ok $? "prtool daemon runs"
prtool register "$MA" --key $KA >/dev/null &&
	prtool mpathpersist --out --reserve --param-rk=$KA --prout-type=5 "$MA" >/dev/null &&
	prtool register "$MB" --key $KB >/dev/null
ok $? "A registers and reserves WE_RO, B registers"
prtool mpathpersist --out --preempt --param-rk=$KB --param-sark=$KA --prout-type=5 "$MB" >/dev/null
ok $? "B preempts A"
key_anywhere A
isnt $? 0 "LIO: A's key is gone from every nexus ($(keys_of A))"

mkfifo "$T/pause.fifo"
: >"$T/seen"
echo 0 >"$T/step"
poller &
ppid=$!

RANDOM=$SEED
declare -A count=()
step_err=0
t_steps=$EPOCHREALTIME
for ((s = 1; s <= STEPS; s++)); do
	echo "$s" >"$T/step"
	i=$((RANDOM % NPATHS + 1))
	case $((RANDOM % 5)) in
	0)	what=flap
		flap_down A "$i" && sleep 0.3 && flap_sd_up A "$i" &&
			sleep 0.5 && flap_reinstate A "$i" ;;
	1)	what=reload
		san_remove_path A "$i" && prtool sync mpathA >/dev/null &&
			san_add_path A "$i" && prtool sync mpathA >/dev/null ;;
	2)	what=resync
		prtool resync mpathA >/dev/null ;;
	3)	what=sync
		prtool sync mpathA >/dev/null ;;
	4)	what=reattach
		prtool detach mpathA >/dev/null && prtool attach mpathA >/dev/null ;;
	esac
	rc=$?
	count[$what]=$((${count[$what]:-0} + 1))
	if [ "$rc" != 0 ]; then
		step_err=$((step_err + 1))
		diag "step $s: $what (path A$i) failed: status $rc"
	fi
done
diag "$STEPS steps (seed $SEED) in $(($(elapsed_ms "$t_steps") / 1000)) s: $(for k in "${!count[@]}"; do printf '%s=%s ' "$k" "${count[$k]}"; done)"
is "$step_err" 0 "every step succeeded"
# the probe and the audit get time to do the wrong thing
echo end >"$T/step"
sleep 3
touch "$T/stop"
wait "$ppid"
seen=$(cat "$T/seen")
is "$(wc -l <"$T/seen")" 0 "LIO, polled every 50 ms throughout: A's key reappeared on no nexus in $STEPS steps" ||
	diag "sightings: $(head -5 <<<"$seen")"
key_anywhere A
isnt $? 0 "LIO: A's key is on no nexus at the end ($(keys_of A))"
out=$(a_write)
isnt $? 0 "A's writes still fail (fenced)"
for ((i = 1; i <= NPATHS; i++)); do
	san_in_map A "$i" || diag "path A$i is not in the map at the end"
done

kill -TERM "$dpid" && wait "$dpid"
ok $? "prtool daemon ends with status 0 on SIGTERM"
prtool mpathpersist --out --clear --param-rk=$KB "$MB" >/dev/null
ok $? "B clears"
prtool detach mpathA >/dev/null && prtool detach mpathB >/dev/null
ok $? "detach mpathA and mpathB"
scenario_teardown
diag "47-fenced-chaos ran $(($(elapsed_ms "$t_start") / 1000)) s in the guest"
tap_done
