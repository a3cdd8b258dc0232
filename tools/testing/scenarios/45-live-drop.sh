#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-vm-options: --timeout 600
#
# A registration lost on a path that stays up is restored (issue 9,
# defect 10). (ROUNDS, NPATHS, AUDIT_MS, RESTORE_WAIT: environment
# overrides; `make soak` runs more rounds.)
#
# Host A is registered and holds Write Exclusive, Registrants Only through
# its map (module attached, audit every AUDIT_MS); host B is registered
# through its map on stock dm. Both write through their maps all the time.
# Then ROUNDS times the target forgets the registration of one non-holder
# nexus of each host while dm keeps the path active (REGISTER AND IGNORE
# with key 0 sent on that nexus's own SCSI device: what a target session
# reset does). Nothing fails at the initiator: only the audit, which sees
# fewer registrations of the key than paths carrying it, can notice.
#
# Asserted from LIO: A's key is back on the nexus within RESTORE_WAIT s in
# every round (before the fix: 0 of 4 within 12 s; the audit only checked
# that the key was somewhere on the device); every nexus of A is registered
# at the end and A still holds the reservation; B's nexuses stay without
# the key (stock dm never notices) and B's writer saw errors, so the
# fixture provokes the failure the module repairs. Printed: the time from
# drop to key back per round (median, max) and both writers' error counts.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
. "$DMPR_LIB/flap.sh"

KA=0xa45a KB=0xb45b
[ "${DMPR_SOAK:-0}" = 1 ] && ROUNDS=${ROUNDS:-40}
ROUNDS=${ROUNDS:-4}
NPATHS=${NPATHS:-3}
AUDIT_MS=${AUDIT_MS:-1000}
RESTORE_WAIT=${RESTORE_WAIT:-10}
GAP=${GAP:-1}
T=/run/dmpr-45
mkdir -p "$T"

tap_plan 19
t_start=$EPOCHREALTIME
out=$(san_setup --paths-a "$NPATHS" --paths-b "$NPATHS" 2>&1)
ok $? "SAN: hosts A and B, $NPATHS paths each" || { diag "$out"; tap_bail "no SAN"; }
mod_load
MA=$(san_map A) MB=$(san_map B)

prtool attach mpathA >/dev/null &&
	prtool set mpathA --audit-interval "$AUDIT_MS" >/dev/null
ok $? "attach mpathA, audit every $AUDIT_MS ms (B stays on stock dm)"
prtool register "$MA" --key $KA >/dev/null &&
	prtool mpathpersist --out --reserve --param-rk=$KA --prout-type=5 "$MA" >/dev/null
ok $? "A registers and reserves Write Exclusive, Registrants Only"
prtool register "$MB" --key $KB >/dev/null
ok $? "B registers through stock dm"
keys_all A $KA && keys_all B $KB
ok $? "LIO: every nexus of A and B is registered"
holder=$(san_holder)
like "$holder:$(san_res_type)" "^A [0-9]+:5$" "LIO: a nexus of A holds WE_RO ($holder)"
holder=${holder#A }
drop_paths=()
for ((i = 1; i <= NPATHS; i++)); do
	[ "$i" = "$holder" ] || drop_paths+=("$i")
done

io_writer_start A "$MA" 0 && io_writer_start B "$MB" 256
ok $? "writers on mpathA (module) and mpathB (stock dm) started"
sleep 1

declare -a back_ms=()
missed=0 drop_err=0 b_kept=0
for ((r = 1; r <= ROUNDS; r++)); do
	i=${drop_paths[$(((r - 1) % ${#drop_paths[@]}))]}
	drop_reg A "$i" && drop_reg B "$i" || drop_err=$((drop_err + 1))
	t_drop=$EPOCHREALTIME
	key_is A "$i" '' || diag "round $r: A$i kept '$(san_key_of A "$i")' through the drop"
	if poll "$RESTORE_WAIT" "key_is A $i $KA" 0.05; then
		ms_since "$t_drop"
		back_ms+=("$ms")
		ms+=" ms"
	else
		ms="none after ${RESTORE_WAIT}s"
		missed=$((missed + 1))
	fi
	# stock dm: nothing puts B's key back
	key_is B "$i" '' || b_kept=$((b_kept + 1))
	io_writer_counts A
	a_now="$io_ok/$io_err"
	io_writer_counts B
	diag "round $r: nexus $i dropped; A's key back after $ms; dm paths A $(san_path_state A "$i") B $(san_path_state B "$i"); writes ok/err A $a_now B $io_ok/$io_err"
	sleep "$GAP"
done
is "$drop_err" 0 "$ROUNDS drops of a live nexus's registration, on A and on B"

io_writer_stop A
a_ok=$io_ok a_err=$io_err a_msg=$io_errmsg
io_writer_stop B
b_ok=$io_ok b_err=$io_err b_msg=$io_errmsg

is "$missed" 0 "module: A's key back on the dropped nexus within ${RESTORE_WAIT}s in every round"
if [ "${#back_ms[@]}" -gt 0 ]; then
	stats_median_max "${back_ms[@]}"
	diag "drop -> A's key back: median ${st_median} ms, max ${st_max} ms over $st_n rounds (audit every $AUDIT_MS ms)"
fi
keys_all A $KA
ok $? "LIO: every nexus of A is registered at the end" || san_dump
like "$(san_holder):$(san_res_type)" "^A [0-9]+:5$" "LIO: A still holds WE_RO"
diag "module: A's writer: $a_ok rounds written, $a_err I/O errors (writes that reached the dropped nexus before the audit)"
[ -z "$a_msg" ] || diag "A's first errors: $a_msg"
is "$b_kept" 0 "stock dm: B's dropped nexuses stayed without the key (nothing restores them)"
[ "$b_err" -gt 0 ]
ok $? "stock dm: B's writer saw I/O errors ($b_err in $b_ok rounds): the fixture provokes the failure"
[ -z "$b_msg" ] || diag "B's first errors: $b_msg"

prtool detach mpathA >/dev/null
ok $? "detach mpathA"
scenario_teardown
diag "45-live-drop ran $(($(elapsed_ms "$t_start") / 1000)) s in the guest"
tap_done
