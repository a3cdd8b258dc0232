#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-vm-options: --timeout 900
#
# Paths hot-added to a map under a writer and a reservation (issue 9,
# fault scenario 3). (ADDS, MAXIN: environment overrides; `make soak` runs
# 20 adds.)
#
# Host A is registered through its attached map and holds Write
# Exclusive, Registrants Only; `prtool daemon` runs, as installed; a writer
# runs on A's map all the time. ADDS times a path is added to A's table
# the way multipathd does it (a new I_T nexus of the LUN: dmsetup load,
# suspend, resume); once the map has MAXIN paths, the oldest non-holder
# path leaves it first by another reload (and once the SAN's ports are all
# used, a path that left comes back). Nobody runs a manual step: the
# daemon hands the new path to the module at the table load, before the
# resume makes it live.
#
# Asserted: A's writer saw no I/O error and kept writing (a path that
# took I/O unregistered would fail it: WE_RO); every added path's nexus
# carries A's key (LIO, polled right after the reload; time printed); at
# the end every nexus in the map carries it, and no nexus whose path left
# the map does (issue 9, defect 12: the module unregisters a departing
# path; before, 20 adds left the key on 12 such nexuses).
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
. "$DMPR_LIB/flap.sh"

KA=0xa48a
[ "${DMPR_SOAK:-0}" = 1 ] && ADDS=${ADDS:-20}
ADDS=${ADDS:-5}
MAXIN=${MAXIN:-4}
KEY_WAIT=${KEY_WAIT:-10}
T=/run/dmpr-48
mkdir -p "$T"

tap_plan 18
t_start=$EPOCHREALTIME
out=$(san_setup --paths-a 2 --paths-b 0 2>&1)
ok $? "SAN: host A with 2 paths" || { diag "$out"; tap_bail "no SAN"; }
mod_load
MA=$(san_map A)

prtool attach mpathA >/dev/null
ok $? "attach mpathA"
prtool daemon --foreground 2>"$T/daemon" &
dpid=$!
poll 30 'grep -q "synced mpathA" "$T/daemon"'
ok $? "prtool daemon runs"
prtool register "$MA" --key $KA >/dev/null &&
	prtool mpathpersist --out --reserve --param-rk=$KA --prout-type=5 "$MA" >/dev/null
ok $? "A registers and reserves Write Exclusive, Registrants Only"
holder=$(san_holder)
like "$holder:$(san_res_type)" "^A [0-9]+:5$" "LIO: a nexus of A holds WE_RO ($holder)"
holder=${holder#A }

io_writer_start A "$MA" 0
ok $? "writer on mpathA started"
sleep 1

# in_map: the paths of A in the map now, oldest first
declare -a in_map=(1 2) out_map=()
declare -a add_ms=()
add_err=0 missed=0
for ((a = 1; a <= ADDS; a++)); do
	if [ "${#in_map[@]}" -ge "$MAXIN" ]; then
		for k in "${!in_map[@]}"; do
			[ "${in_map[$k]}" = "$holder" ] || break
		done
		gone=${in_map[$k]}
		if san_remove_path A "$gone"; then
			unset 'in_map[k]'
			in_map=("${in_map[@]}")
			out_map+=("$gone")
		else
			add_err=$((add_err + 1))
		fi
	fi
	t0=$EPOCHREALTIME
	if [ "$(san_npaths A)" -lt "$SAN_MAXPATHS" ]; then
		i=$(san_add_new_path A) || { add_err=$((add_err + 1)); continue; }
	else
		i=${out_map[0]}
		out_map=("${out_map[@]:1}")
		san_add_path A "$i" || { add_err=$((add_err + 1)); continue; }
	fi
	in_map+=("$i")
	if poll "$KEY_WAIT" "key_is A $i $KA" 0.02; then
		ms_since "$t0"
		add_ms+=("$ms")
		ms+=" ms"
	else
		missed=$((missed + 1))
		ms="none after ${KEY_WAIT}s"
	fi
	io_writer_counts A
	diag "add $a: path A$i (map: ${in_map[*]}); key after $ms; writes ok/err $io_ok/$io_err"
	sleep 0.5
done
is "$add_err" 0 "$ADDS hot-adds by table reload (paths leave when the map has $MAXIN)"
sleep 1
io_writer_stop A
a_ok=$io_ok a_err=$io_err a_msg=$io_errmsg
is "$a_err" 0 "module: A's writer saw no I/O error in $ADDS hot-adds ($a_ok rounds written)"
[ -z "$a_msg" ] || diag "A's first errors: $a_msg"
is "$missed" 0 "LIO: every added path's nexus carried A's key within ${KEY_WAIT}s"
if [ "${#add_ms[@]}" -gt 0 ]; then
	stats_median_max "${add_ms[@]}"
	diag "reload start -> key on the new nexus: median ${st_median} ms, max ${st_max} ms over $st_n adds"
fi
bad=''
for i in "${in_map[@]}"; do
	key_is A "$i" $KA || bad+=" A$i=$(san_key_of A "$i")"
done
is "${bad# }" "" "LIO: every nexus in the map carries A's key at the end (${in_map[*]})"
# stale: the nexuses whose path left the map and still carry a key
stale_of() {
	local i
	stale=''
	for i in "${out_map[@]}"; do
		key_is A "$i" '' || stale+=" A$i=$(san_key_of A "$i")"
	done
	[ -z "$stale" ]
}
poll 10 stale_of 0.1
stale_of
is "${stale# }" "" "LIO: no nexus whose path left the map keeps A's key (left: ${out_map[*]:-none})"

kill -TERM "$dpid" && wait "$dpid"
ok $? "prtool daemon ends with status 0 on SIGTERM"
prtool detach mpathA >/dev/null
ok $? "detach mpathA"
scenario_teardown
diag "48-hot-add ran $(($(elapsed_ms "$t_start") / 1000)) s in the guest"
tap_done
