#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-kernels: 6.1
#
# prtool's reservation subcommands against LIO (issue 5): reserve, release,
# preempt, clear, read-full-status and report-capabilities.
#
# Host A (mpathA, 2 paths) and host B (mpathB, 2 paths), both attached to
# the module; every PR OUT command goes through `prtool SUBCOMMAND` on the
# map (the IOC_PR_* ioctls, so the module's engine). LIO's configfs is the
# ground truth after every step. Exit codes are noted (rc_note) so that
# every kernel must give the same ones: 0, 3 for a reservation conflict.
#  - A reserves WE_RO: LIO has the type, the holder is a nexus of A, both
#    nexuses of A keep A's key;
#  - B's reserve conflicts (3, "Reservation conflict"); A's release with
#    the wrong type conflicts, with the right type releases;
#  - read-full-status, text and --json: every registration of LIO, with its
#    key and TransportID, and the holder;
#  - report-capabilities, text and --json, against the raw response that
#    sg_persist gets from a path;
#  - B preempts A: A's key is gone from every nexus of A, B holds;
#  - B clears: nothing is left.
# PREEMPT AND ABORT deadlocks LIO over tcm_loop: `prtool preempt-abort` is
# tested over iSCSI in 31-preempt-abort.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
tap_plan 49

san_setup --paths-a 2 --paths-b 2 || tap_bail "SAN setup failed"
mod_load

MA=$(san_map A) MB=$(san_map B)
KA=0xa1 KB=0xb1

# pt LABEL ARGS...: prtool ARGS; sets $out, $err and $rc, notes the code
pt() {
	local label=$1
	shift
	out=$(prtool "$@" 2>/tmp/pt-err)
	rc=$?
	err=$(</tmp/pt-err)
	rc_note "prtool $label" "$rc"
}

holder_host() { local h; h=$(san_holder); echo "${h%% *}"; }

# lio_regs: LIO's registrations as "INITIATOR KEY" lines, sorted
lio_regs() {
	local line _k
	while IFS= read -r line; do
		[[ $line =~ $_SAN_REG_RE ]] || continue
		_san_key "${BASH_REMATCH[2]}"
		echo "${BASH_REMATCH[1]} $_k"
	done <"$(san_lio_dir)/pr/res_pr_registered_i_pts" | sort
}

# rfs_regs JSON: the same from read-full-status --json (tcm_loop initiators
# are SAS addresses: LIO names them naa.<16 hex digits>)
rfs_regs() {
	jq -r '.registrations[] | "\(.transport_id.name | sub("^0x"; "naa.")) \(.key)"' <<<"$1" | sort
}

prtool attach mpathA && prtool attach mpathB
ok $? "attach mpathA and mpathB"
pt "register A" register "$MA" --key $KA
pt "register B" register "$MB" --key $KB
is "$(san_keys A) $(san_keys B)" "$KA $KA $KB $KB" "LIO: A's and B's keys on each of their nexuses"

# ---- reserve -------------------------------------------------------------------
pt "reserve A we-ro" reserve "$MA" --key $KA --type we-ro
is "$rc:$err" "0:" "A reserves WE_RO: 0, no message"
is "$(san_res_type):$(holder_host)" "5:A" "LIO: type 5 (WE_RO), held by a nexus of A"
is "$(san_keys A)" "$KA $KA" "LIO: both nexuses of A keep A's key"
pt "reserve A again" reserve "$MA" --key $KA --type pr:3
is "$rc:$(san_res_type)" "0:5" "A reserves again with the same type (pr:3): 0"
pt "reserve A, a bare type number" reserve "$MA" --key $KA --type 5
is "$rc:$(san_res_type)" "1:5" "a bare --type 5 is refused (exit 1: pr:5 or scsi:5?), LIO unchanged"

pt "reserve B conflict" reserve "$MB" --key $KB --type we-ro
is "$rc" 3 "B's reserve while A holds: exit 3"
is "$err" "prtool: reserve on $MB failed: Reservation conflict" "B's reserve: the conflict is named"
is "$(san_res_type):$(holder_host)" "5:A" "LIO: A still holds"

# ---- read-full-status -------------------------------------------------------------
pt "read-full-status json" read-full-status "$MB" --json
is "$rc" 0 "read-full-status --json: 0"
is "$(jq -r '.registrations | length' <<<"$out")" 4 "read-full-status: four registrations"
is "$(rfs_regs "$out")" "$(lio_regs)" "read-full-status: the keys and initiators of LIO's registrations"
is "$(jq -r '.registrations[] | select(.holder) | .transport_id.name | sub("^0x"; "naa.")' <<<"$out")" \
	"$(read -r h i <<<"$(san_holder)" && san_nexus "$h" "$i")" "read-full-status: the holder is LIO's holder nexus"
is "$(jq -r '.registrations[] | select(.holder) | "\(.key) \(.type) \(.scsi_type)"' <<<"$out")" \
	"$KA write-exclusive-reg-only 5" "read-full-status: the holder's key and type"
is "$(jq -r '[.registrations[].transport_id.protocol] | unique | join(" ")' <<<"$out")" sas \
	"read-full-status: tcm_loop's TransportIDs are SAS"
is "$(jq -r '.generation' <<<"$out")" "$(san_generation)" "read-full-status: LIO's generation"
pt "read-full-status text" read-full-status "$MA"
like "$out" "^$MA: generation 0x[0-9a-f]+, 4 registrations" "read-full-status text: the header"
is "$(grep -c "^  key $KB, port [0-9]*, sas 0x50014051b" <<<"$out")" 2 "read-full-status text: B's two registrations"
like "$out" "key $KA, port [0-9]*, sas 0x50014051a[0-9a-f]*, holds write-exclusive-reg-only" \
	"read-full-status text: A's holding registration"

# ---- report-capabilities ------------------------------------------------------------
# (a PR change through another nexus leaves a UNIT ATTENTION: read again)
for _ in 1 2 3; do
	hex=$(sg_persist -n -c -H "/dev/$(san_path_name A 1)" 2>/dev/null) && break
done
raw=()
for x in $(awk '/^ *[0-9a-f]+  /{ for (i = 2; i <= NF; i++) if ($i ~ /^[0-9a-f][0-9a-f]$/) print $i }' <<<"$hex"); do
	raw+=($((16#$x)))
done
diag "sg_persist -c -H: $hex"
is "${#raw[@]}" 8 "sg_persist -c on path A1: 8 bytes"
pt "report-capabilities json" report-capabilities "$MA" --json
is "$rc" 0 "report-capabilities --json: 0"
b() { ((${raw[$1]} & $2)) && echo true || echo false; }
is "$(jq -r '[.length, .crh, .sip_c, .atp_c, .ptpl_c, .tmv, .allow_commands, .ptpl_a, .type_mask] | join(" ")' <<<"$out")" \
	"$((raw[0] << 8 | raw[1])) $(b 2 16) $(b 2 8) $(b 2 4) $(b 2 1) $(b 3 128) $((raw[3] >> 4 & 7)) $(b 3 1) $((raw[4] << 8 | raw[5]))" \
	"report-capabilities: the fields of LIO's response"
n=0
for m in 512 2048 8192 16384 32768 1; do ((((raw[4] << 8 | raw[5]) & m) == 0)) || n=$((n + 1)); done
is "$(jq -r '.types | length' <<<"$out")" "$n" "report-capabilities: one type per bit of the type mask ($n)"
pt "report-capabilities text" report-capabilities "$MA"
like "$out" "compatible reservation handling \\(CRH\\): $( ((raw[2] & 16)) && echo yes || echo no)" \
	"report-capabilities text: CRH"
like "$out" "types \\(mask 0x[0-9a-f]{4}\\): write-exclusive" "report-capabilities text: the types"

# ---- release ----------------------------------------------------------------------------
pt "release A wrong type" release "$MA" --key $KA --type ea-ro
is "$rc" 3 "A's release with the wrong type: exit 3 (LIO answers conflict)"
is "$err" "prtool: release on $MA failed: Reservation conflict" "wrong-type release: the conflict is named"
is "$(san_res_type):$(holder_host)" "5:A" "LIO: A still holds WE_RO"
pt "release A" release "$MA" --key $KA --type we-ro
is "$rc:$err:$(san_res_type)" "0::" "A releases WE_RO: 0, LIO has no reservation"
is "$(san_keys A) $(san_keys B)" "$KA $KA $KB $KB" "LIO: every registration stays"

# ---- preempt --------------------------------------------------------------------------
pt "reserve A ea-ro" reserve "$MA" --key $KA --type earo
is "$rc:$(san_res_type):$(holder_host)" "0:6:A" "A reserves EA_RO"
pt "preempt B of A" preempt "$MB" --key $KB --preempt-key $KA --type wear
is "$rc:$err" "0:" "B preempts A with WE_AR: 0"
is "$(san_keys A)" " " "LIO: A's key is gone from both nexuses of A"
is "$(san_keys B)" "$KB $KB" "LIO: both nexuses of B keep B's key"
is "$(san_res_type)" 7 "LIO: B's WE_AR reservation"
pt "read-full-status all-regs" read-full-status "$MB" --json
is "$(jq -r '[.registrations[] | select(.holder) | "\(.key) \(.scsi_type)"] | join(",")' <<<"$out")" \
	"$KB 7,$KB 7" "read-full-status: under WE_AR each registration of B holds it"
j=$(prtool read-reservation "$MB" --json)
is "$(jq -r '.reservation.key, .reservation.type' <<<"$j" | tr '\n' ' ')" "0x0 write-exclusive-all-regs " \
	"read-reservation: WE_AR, key 0 (all registrants hold it)"
pt "preempt A after preemption" preempt "$MA" --key $KA --preempt-key $KB --type wear
is "$rc" 3 "A, no longer registered, cannot preempt B: exit 3"

# ---- clear --------------------------------------------------------------------------
pt "register A again" register "$MA" --key $KA
is "$rc:$(san_keys A)" "0:$KA $KA" "A registers again"
pt "clear B" clear "$MB" --key $KB
is "$rc:$err" "0:" "B clears: 0"
is "$(san_registrations | wc -l):$(san_res_type)" "0:" "LIO: no registration, no reservation"
pt "read-full-status empty" read-full-status "$MA" --json
is "$rc:$(jq -r '.registrations | length' <<<"$out")" "0:0" "read-full-status: no registration"

prtool detach mpathA && prtool detach mpathB
ok $? "detach both maps"
scenario_teardown
tap_done
