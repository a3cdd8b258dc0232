#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PR commands by SG_IO on an attached map (issue 12, points 1 and 3):
# sg_persist (sg3-utils) on the map device, against LIO.
#
# Host A (4 paths) and host B (2 paths), both attached. sg_persist sends
# PERSISTENT RESERVE IN/OUT CDBs with SG_IO on /dev/dm-N; the module takes
# them from dm (which would send them down one path) and runs them through
# its engine. LIO's configfs is checked after every step:
#  - REGISTER puts A's key on all 4 nexuses; READ KEYS and READ
#    RESERVATION by sg_persist agree with prtool's and with LIO;
#  - RESERVE Write Exclusive Registrants Only: A's writes work on every
#    path, unregistered B's fail; B's RESERVE answers RESERVATION CONFLICT
#    (sg_persist exit 24) once B registered;
#  - what the module answers itself: REGISTER AND MOVE and APTPL are
#    ILLEGAL REQUEST (exit 5) and change nothing at the target (SPEC_I_PT
#    and the other malformed requests: KUnit's dm_mpath_pr_sgio);
#  - REPORT CAPABILITIES goes to dm (one path) and is answered;
#  - B preempts A by sg_persist: A's key is gone from all 4 nexuses
#    (PREEMPT: tcm_loop does not complete a PREEMPT AND ABORT, see
#    testing.md; the abort flag takes the same path through the module as
#    the ioctl's, which 31-preempt-abort checks over iSCSI);
#  - the map's SGIO setting off (`prtool set mpathA --sgio off`, issue 12,
#    point 4): the map stays attached, prtool show/list --json report
#    "sgio": false, and sg_persist's REGISTER goes to dm: the key reaches
#    exactly one of A's 4 nexuses, as on a map that is not attached; the
#    SET policy refuses SGIO 2 and SGIO as a u32 (nltest) and changes
#    nothing; turned on again, sg_persist's REGISTER reaches all 4;
#  - the legacy SCSI_IOCTL_SEND_COMMAND (scsi-send): REGISTER and
#    unregister on all 4 nexuses, RESERVE, READ KEYS as LIO has them, a
#    registered B's RESERVE returned as RESERVATION CONFLICT (0x18); with
#    SGIO off its REGISTER reaches one nexus;
#  - the contrast: detached (stock dm), sg_persist's REGISTER puts the key
#    on exactly one of A's 4 nexuses.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
tap_plan 65

san_setup --paths-a 4 --paths-b 2 || tap_bail "SAN setup failed"
mod_load

MA=$(san_map A) MB=$(san_map B)
KA=0xa1 KB=0xb1

# sgp ARGS...: sg_persist ARGS (with -n); sets $rc and $out
sgp() {
	out=$(sg_persist -n "$@" 2>&1)
	rc=$?
	rc_note "sg_persist $*" "$rc"
}

# sg_keys: the keys sg_persist -i -k reports on MAP, sorted, one line
sg_keys() { san_parse_keys "$(sg_persist -n -i -k "$1" 2>&1)"; }

# sgio_setting MAP: "sgio" of MAP's settings in prtool show --json
sgio_setting() { prtool show "$1" --json | jq -c .settings.sgio; }

# nl NLTEST-ARGS...: run nltest; sets nl_errno (0, ERANGE, ...) and nl_msg
# (the extack message)
nl() {
	local out
	out=$(nltest "$@" 2>&1)
	nl_errno='' nl_msg=''
	[[ $out =~ errno=([A-Z0-9]+) ]] && nl_errno=${BASH_REMATCH[1]}
	[[ $out =~ extack=\"([^\"]*)\" ]] && nl_msg=${BASH_REMATCH[1]}
	diag "nltest $*: $out"
}

prtool attach mpathA && prtool attach mpathB
ok $? "attach mpathA (4 paths) and mpathB (2 paths)"
is "$(sgio_setting mpathA)" true "prtool show --json: the SGIO setting is on after attach"

# ---- REGISTER, READ KEYS, READ RESERVATION ----------------------------------
sgp --out --register --param-sark=$KA "$MA"
is "$rc" 0 "A: sg_persist --register on the map returns 0"
is "$(san_key_count A $KA)" 4 "LIO: all 4 nexuses of A carry $KA (the module sent it down every path)"
sgp --out --register --param-sark=$KB "$MB"
is "$rc:$(san_key_count B $KB)" "0:2" "B registers $KB by sg_persist: both of B's nexuses"
is "$(sg_keys "$MA")" "$(prtool read-keys "$MA" --json | jq -r '.keys[]' | sort | tr '\n' ' ')" \
	"sg_persist -i -k on the map lists what prtool read-keys lists"
is "$(sg_keys "$MA")" "$(san_registrations | awk '{ print $NF }' | sort | tr '\n' ' ')" \
	"...and what LIO has registered (one key per nexus)"
sgp -i -r "$MA"
is "$rc" 0 "sg_persist -i -r on the map: no reservation, answered"
grep -q 'there is NO reservation held' <<<"$out"
ok $? "sg_persist says there is no reservation" || diag "$out"

# ---- RESERVE WE_RO, writes, conflict ----------------------------------------
sgp --out --reserve --param-rk=$KA --prout-type=5 "$MA"
is "$rc" 0 "A: sg_persist --reserve WE_RO on the map returns 0"
is "$(san_res_type)" 5 "LIO: a Write Exclusive, Registrants Only reservation"
h=$(san_holder)
is "${h%% *}" A "LIO: a nexus of A holds it"
sgp -i -r "$MA"
grep -qE "Key=$KA" <<<"$out" && grep -q 'Write Exclusive, registrants only' <<<"$out"
ok $? "sg_persist -i -r on the map: key $KA, Write Exclusive, registrants only" || diag "$out"
is "$(prtool read-reservation "$MA" --json | jq -r '.reservation | "\(.key) \(.type)"')" \
	"$KA write-exclusive-reg-only" "prtool read-reservation agrees"
is "$(san_writes "$MA" 8)" 0 "A: 8 writes through the map, every path in turn, all work"
prtool unregister "$MB" --key $KB
is "$?:$(san_key_count B $KB)" "0:0" "B unregisters (prtool): no key on B's nexuses"
is "$(san_writes "$MB" 2)" 2 "unregistered B: both writes refused"
sgp --out --register --param-sark=$KB "$MB"
sgp --out --reserve --param-rk=$KB --prout-type=5 "$MB"
is "$rc" 24 "B (registered again): sg_persist --reserve answers RESERVATION CONFLICT (exit 24)"
h=$(san_holder)
is "${h%% *}:$(san_res_type)" "A:5" "LIO: A still holds the WE_RO reservation"

# ---- answered by the module --------------------------------------------------
before=$(san_registrations | sort)
sgp --out --register-move --param-rk=$KA --param-sark=0xa9 --prout-type=5 \
	--relative-target-port=1 --transport-id=iqn.2000-01.org.example:x,i,0x1 "$MA"
is "$rc" 5 "REGISTER AND MOVE by sg_persist: ILLEGAL REQUEST (exit 5)"
sgp --out --register --param-rk=$KA --param-sark=0xa2 --param-aptpl "$MA"
is "$rc" 5 "REGISTER with APTPL by sg_persist: ILLEGAL REQUEST (exit 5)"
is "$(san_registrations | sort)" "$before" "LIO: neither changed a registration"
h=$(san_holder)
is "${h%% *}:$(san_res_type)" "A:5" "LIO: the reservation is unchanged"

# ---- REPORT CAPABILITIES: dm's (one path) ------------------------------------
sgp -i -c "$MA"
is "$rc" 0 "sg_persist -i -c on the map (forwarded to a path): answered"
grep -q 'Type Mask Valid' <<<"$out" || grep -qi 'capabilit' <<<"$out"
ok $? "...with the capabilities" || diag "$out"

# ---- PREEMPT from B ---------------------------------------------------------
sgp --out --preempt --param-rk=$KB --param-sark=$KA --prout-type=5 "$MB"
is "$rc" 0 "B: sg_persist --preempt of $KA on its map returns 0"
is "$(san_key_count A $KA)" 0 "LIO: $KA is on none of A's 4 nexuses"
h=$(san_holder)
is "${h%% *}:$(san_res_type)" "B:5" "LIO: B holds the WE_RO reservation"
sgp --out --release --param-rk=$KB --prout-type=5 "$MB"
is "$rc:$(san_res_type)" "0:" "B releases by sg_persist: no reservation"
sgp --out --register --param-rk=$KB "$MB"
is "$rc:$(san_key_count B $KB)" "0:0" "B unregisters by sg_persist (service action key 0): no key on B's nexuses"

# ---- the legacy SCSI_IOCTL_SEND_COMMAND ---------------------------------------
# dm forwards it to one path like SG_IO; the module takes PR commands from
# it too (scsi-send: tools/testing/sgio-bad/scsi-send.c)
out=$(scsi-send "$MA" register 0xa6)
is "$out" "status 0x00" "SCSI_IOCTL_SEND_COMMAND REGISTER on the map: GOOD"
is "$(san_key_count A 0xa6)" 4 "LIO: 0xa6 on all 4 of A's nexuses (the module took the legacy ioctl)"
out=$(scsi-send "$MA" unregister 0xa6)
is "$out:$(san_key_count A 0xa6)" "status 0x00:0" "legacy unregister on the map: 0xa6 off all 4 nexuses"
out=$(scsi-send "$MA" register 0xa6)$(scsi-send "$MA" reserve 0xa6 5)
h=$(san_holder)
is "$out:${h%% *}:$(san_res_type)" "status 0x00status 0x00:A:5" \
	"legacy REGISTER and RESERVE WE_RO on the map: A holds it"
out=$(scsi-send "$MA" read-keys)
is "$(san_parse_keys "$out")" "$(san_registrations | awk '{ print $NF }' | sort | tr '\n' ' ')" \
	"legacy READ KEYS on the map lists what LIO has registered"
prtool register "$MB" --key 0xb6
out=$(scsi-send "$MB" reserve 0xb6 5)
is "$out" "status 0x18" "legacy RESERVE by registered B while A holds: RESERVATION CONFLICT (0x18)"
prtool clear "$MA" --key 0xa6
is "$?:$(san_registrations | wc -l):$(san_res_type)" "0:0:" "prtool clear: nothing left"

# ---- the SGIO setting off: dm's one path, on the attached map ---------------
# The preemption left UNIT ATTENTIONs on A's nexuses: off, dm sends each
# SG_IO down the next path.
san_clear_ua A
prtool set mpathA --sgio off
ok $? "prtool set mpathA --sgio off"
is "$(sgio_setting mpathA)" false "prtool show --json: sgio false"
is "$(prtool list --json | jq -c '.attachments[] | select(.map == "mpathA") | .settings.sgio')" \
	false "prtool list --json: sgio false for mpathA"
like "$(prtool show mpathA)" "sgio off" "prtool show: 'sgio off' in the settings"
is "$(sgio_setting mpathB)" true "mpathB's setting is its own: still on"
out=$(san_sg_persist --out --register --param-sark=0xa4 "$MA")
rc=$?
rc_note "sg_persist --register (sgio off)" "$rc"
is "$rc" 0 "sgio off: sg_persist --register on the attached map returns 0"
is "$(san_key_count A 0xa4)" 1 "sgio off: the key reached exactly 1 of A's 4 nexuses (dm, one path; LIO: $(san_keys A))"
i=$(san_path_with_key A 0xa4)
out=$(san_sg_persist --out --clear --param-rk=0xa4 "/dev/$(san_path_name A "$i")")
is "$?:$(san_registrations | wc -l)" "0:0" "CLEAR on that nexus's path: no registration left"
san_clear_ua A
out=$(scsi-send "$MA" register 0xa7)
is "$out:$(san_key_count A 0xa7)" "status 0x00:1" \
	"sgio off: the legacy REGISTER reaches 1 of A's 4 nexuses (dm, one path)"
i=$(san_path_with_key A 0xa7)
out=$(san_sg_persist --out --clear --param-rk=0xa7 "/dev/$(san_path_name A "$i")")
is "$?:$(san_registrations | wc -l)" "0:0" "CLEAR on that nexus's path: no registration left"

DA=$(san_map_devno A)
nl set dev="$DA" u8:sgio=2
is "$nl_errno" ERANGE "netlink SET with SGIO 2: refused with ERANGE by the policy"
isnt "$nl_msg" "" "...with an extack message ('$nl_msg')"
nl set dev="$DA" u32:sgio=1
is "$nl_errno" EINVAL "netlink SET with SGIO as a u32: refused with EINVAL (a u8 has one byte)"
is "$(sgio_setting mpathA)" false "neither changed the setting: sgio still false"

prtool set mpathA --sgio on
ok $? "prtool set mpathA --sgio on"
is "$(sgio_setting mpathA)" true "prtool show --json: sgio true"
sgp --out --register --param-sark=0xa5 "$MA"
is "$rc:$(san_key_count A 0xa5)" "0:4" "sgio on again: sg_persist --register puts 0xa5 on all 4 of A's nexuses"
sgp --out --register --param-rk=0xa5 "$MA"
is "$rc:$(san_key_count A 0xa5)" "0:0" "...and its unregistration by sg_persist takes it off all 4"

# ---- the contrast: stock dm ---------------------------------------------------
prtool detach mpathA
ok $? "detach mpathA: dm's own SG_IO handling"
san_clear_ua A
out=$(san_sg_persist --out --register --param-sark=0xa3 "$MA")
rc=$?
is "$rc" 0 "stock dm: sg_persist --register on the map returns 0"
is "$(san_key_count A 0xa3)" 1 "stock dm: the key reached exactly 1 of A's 4 nexuses (dm sent it down one path)"
# CLEAR through the nexus that has the key (dm would pick any path)
i=$(san_path_with_key A 0xa3)
out=$(san_sg_persist --out --clear --param-rk=0xa3 "/dev/$(san_path_name A "$i")")
is "$?:$(san_registrations | wc -l)" "0:0" "stock dm: CLEAR on that nexus's path: no registration left"

prtool detach mpathB
ok $? "detach mpathB"
scenario_teardown
tap_done
