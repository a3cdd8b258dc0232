#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-test of the VM runner and the SAN fixture (no project code needed):
#   run.sh --kernel 6.1 -- tools/testing/vm/guest/selftest.sh
#
# Proves that every path is its own I_T nexus in LIO, that a PR command
# through the dm map reaches exactly one path, that failing, restoring,
# removing and adding paths does what the tests rely on, and that the
# fixture tears down and sets up again.
set -u
# shellcheck source-path=SCRIPTDIR source=../../lib/tap.sh
. "$DMPR_LIB/tap.sh"
# shellcheck source-path=SCRIPTDIR source=../../lib/san.sh
. "$DMPR_LIB/san.sh"

diag "kernel $(uname -r), $(nproc) CPUs"

# table MAP: the map's table, without dmsetup's trailing blank
table() { dmsetup table "$1" | sed 's/ *$//'; }

# sgp PATH ARGS...: sg_persist quietly (retried after a UNIT ATTENTION),
# status only
sgp() {
	local dev=$1
	shift
	san_sg_persist "$@" "$dev" >/dev/null
}

# --- the fixture comes up ------------------------------------------------
t0=$EPOCHREALTIME
out=$(san_setup --paths-a 2 --paths-b 2 2>&1)
ok $? "san_setup --paths-a 2 --paths-b 2" || { diag "$out"; tap_bail "no SAN"; }
diag "$out"
diag "setup took $(elapsed_ms "$t0") ms"

is "$(san_npaths A) $(san_npaths B)" "2 2" "two paths per host"
sds=$(san_paths A; san_paths B)
is "$(sort -u <<<"$sds" | wc -l)" 4 "four distinct sd devices: $(tr '\n' ' ' <<<"$sds")"
for sd in $sds; do
	[ -b "/dev/$sd" ] || break
done
ok $? "every path has its device node"
ok "$(
	for h in A B; do for i in 1 2; do san_nexus $h $i; done; done | sort -u | wc -l | grep -qx 4
	echo $?
)" "four distinct initiator WWNs (I_T nexuses)"
like "$(cat "/sys/block/$(san_path_name A 1)/device/vendor")" '^LIO-ORG' "the paths are LIO disks"
is "$(san_wwid)" "3$(sed 's/^naa\.//' "/sys/block/$(san_path_name B 2)/device/wwid")" \
	"every path shows the one LUN's WWID"

for h in A B; do
	[ -b "$(san_map $h)" ] && [ -b "$(san_dm_dev $h)" ]
	ok $? "$(san_map $h) and $(san_dm_dev $h) exist"
	is "$(dmsetup info -c --noheadings -o uuid "$(san_dm_name $h)")" "$(san_uuid $h)" \
		"$(san_dm_name $h) has uuid $(san_uuid $h)"
	tbl=$(table "$(san_dm_name $h)")
	like "$tbl" "multipath .*round-robin 0 2 1 $(san_path_dev $h 1) 1 $(san_path_dev $h 2) 1\$" \
		"$(san_dm_name $h) is round-robin over $h's two paths"
done
like "$(san_uuid A)" '^mpath-3' "map uuids start with mpath-"
is "$(blockdev --getsz "$(san_map A)")" "$(cat "/sys/block/$(san_path_name A 1)/size")" \
	"the map is as large as the LUN"
dd if=/dev/zero of="$(san_map A)" bs=4k count=16 oflag=direct 2>/dev/null
ok $? "write through mpathA"

is "$(san_registrations)" "" "no registrations at the start"
is "$(san_holder)" "" "no reservation holder at the start"

# --- a registration on one raw path lands on exactly that nexus ----------
sgp "/dev/$(san_path_name A 1)" --out --register --param-sark=0xabc1
ok $? "sg_persist REGISTER 0xabc1 on raw path A1"
is "$(san_key_of A 1)" 0xabc1 "LIO: nexus A1 carries 0xabc1"
is "$(san_key_of A 2)|$(san_key_of B 1)|$(san_key_of B 2)" "||" "LIO: no other nexus is registered"
is "$(san_registrations)" "A 1 0xabc1" "san_registrations lists exactly A1"
is "$(san_sg_keys B 2)" 0xabc1 "PR IN READ KEYS through path B2 shows the key"
gen1=$(san_generation)
[ "$gen1" -ge 1 ]
ok $? "the PR generation moved (now $gen1)"

# --- through the dm map: dm forwards SG_IO to one path --------------------
sgp "$(san_dm_dev B)" --out --register --param-sark=0xb0b0
ok $? "sg_persist REGISTER 0xb0b0 on $(san_dm_dev B) (mpathB)"
got="$(san_key_of B 1)|$(san_key_of B 2)"
like "$got" '^(0xb0b0\||\|0xb0b0)$' "LIO: exactly one of B's nexuses carries 0xb0b0 ($got)"
is "$(san_key_of A 1)|$(san_key_of A 2)" "0xabc1|" "LIO: A's registrations are unchanged"
if [ "$(san_key_of B 1)" = 0xb0b0 ]; then bp=1; else bp=2; fi

# --- reservation ground truth ---------------------------------------------
sgp "/dev/$(san_path_name A 1)" --out --reserve --param-rk=0xabc1 --prout-type=5
ok $? "RESERVE (Write Exclusive, Registrants Only) on A1"
is "$(san_holder)" "A 1" "LIO: A1 holds the reservation"
is "$(san_res_type)" 5 "LIO: type 5"
is "$(san_res_type_name)" "Write Exclusive Access, Registrants Only" "LIO: type by name"
sgp "/dev/$(san_path_name B $bp)" --out --reserve --param-rk=0xb0b0 --prout-type=5
isnt "$?" 0 "RESERVE from B$bp conflicts"
diag "$(san_dump)"
sgp "/dev/$(san_path_name A 1)" --out --release --param-rk=0xabc1 --prout-type=5
ok $? "RELEASE on A1"
is "$(san_holder)" "" "LIO: no holder after the release"
is "$(san_sg_keys A 2)" "$(printf '0xabc1\n0xb0b0')" \
	"READ KEYS through A2 after the UNIT ATTENTION of the release"
sgp "/dev/$(san_path_name B $bp)" --out --clear --param-rk=0xb0b0
ok $? "CLEAR from B$bp"
is "$(san_registrations)" "" "LIO: nothing registered after CLEAR"

# --- the CDB trace: which path received a PREEMPT --------------------------
# (plain PREEMPT only: PREEMPT AND ABORT deadlocks LIO over tcm_loop; see
# scenarios/12-iscsi-preempt-abort.sh for it over iSCSI)
sgp "/dev/$(san_path_name A 1)" --out --register --param-sark=0xa1 &&
	sgp "/dev/$(san_path_name B 1)" --out --register --param-sark=0xb1 &&
	sgp "/dev/$(san_path_name A 1)" --out --reserve --param-rk=0xa1 --prout-type=1
ok $? "A1 registers and reserves (Write Exclusive), B1 registers"
san_trace_start
ok $? "san_trace_start"
sgp "/dev/$(san_path_name B 1)" --out --preempt --param-rk=0xb1 --param-sark=0xa1 --prout-type=1
ok $? "PREEMPT from raw path B1"
san_trace_stop
is "$(san_holder) $(san_key_of A 1)" "B 1 " "LIO: B1 holds, A1's key is gone"
san_trace_sa B 1 | grep -qx 0x04
ok $? "trace: B1 received PR OUT service action 0x04"
is "$(san_trace_sa A 1; san_trace_sa A 2; san_trace_sa B 2)" "" "trace: no PR OUT on A1, A2, B2"
like "$(san_trace_cdbs B 1 | grep ' 0x04 ' | head -n 1)" "^$(san_path_name B 1) 0x5f 0x04 5f 04 01 " \
	"san_trace_cdbs: the CDB as the path received it"
san_trace_end
ok $? "san_trace_end"
sgp "/dev/$(san_path_name B 1)" --out --clear --param-rk=0xb1
ok $? "CLEAR from B1"

# --- failing and restoring a path -----------------------------------------
san_fail_path A 2
ok $? "san_fail_path A 2"
is "$(cat "/sys/block/$(san_path_name A 2)/device/state")" offline "sd of A2 is offline"
is "$(san_path_state A 1) $(san_path_state A 2)" "A F" "dmsetup status: A1 active, A2 failed"
like "$(dmsetup status mpathA)" " $(san_path_dev A 2) F " "dmsetup status shows $(san_path_dev A 2) F"
dd if="$(san_map A)" of=/dev/null bs=4k count=64 iflag=direct 2>/dev/null
ok $? "I/O through mpathA with A2 failed"
is "$(san_key_of A 2)" "" "configfs still answers for the offline nexus"
san_restore_path A 2
ok $? "san_restore_path A 2"
is "$(san_path_state A 1) $(san_path_state A 2)" "A A" "dmsetup status: both active again"
is "$(cat "/sys/block/$(san_path_name A 2)/device/state")" running "sd of A2 is running"
sgp "/dev/$(san_path_name A 2)" --out --register --param-sark=0xa2
ok $? "REGISTER through the restored raw path A2"
is "$(san_key_of A 2)" 0xa2 "LIO: A2 carries 0xa2"

# --- removing and adding paths by table reload -----------------------------
sd2=$(san_path_name A 2)
san_remove_path A 2
ok $? "san_remove_path A 2"
like "$(table mpathA)" "round-robin 0 1 1 $(san_path_dev A 1) 1\$" "mpathA has only A1 in its table"
is "$(san_path_state A 2)" - "A2 is not in dm's status"
[ -b "/dev/$sd2" ] && [ "$(san_path_name A 2)" = "$sd2" ]
ok $? "A2 keeps its sd device ($sd2)"
held=$(find "/sys/block/$sd2/holders" -mindepth 1 | wc -l)
is "$held" 0 "$sd2 is no longer held by dm"
dd if="$(san_map A)" of=/dev/null bs=4k count=16 iflag=direct 2>/dev/null
ok $? "I/O through mpathA after the reload"
san_add_path A 2
ok $? "san_add_path A 2"
is "$(san_path_state A 1) $(san_path_state A 2)" "A A" "A2 is back in the map, active"
san_in_map A 2
ok $? "san_in_map A 2"

i=$(san_add_new_path A)
ok $? "san_add_new_path A"
is "$i" 3 "the new path is A3"
is "$(san_npaths A)" 3 "host A has three paths"
like "$(table mpathA)" "round-robin 0 3 1 $(san_path_dev A 1) 1 $(san_path_dev A 2) 1 $(san_path_dev A 3) 1\$" \
	"mpathA's table lists A1 A2 A3"
is "$(san_path_state A 3)" A "A3 is active"
sgp "/dev/$(san_path_name A 3)" --out --register --param-sark=0xa3
ok $? "REGISTER through A3"
is "$(san_registrations | sort)" "$(printf 'A 2 0xa2\nA 3 0xa3')" "LIO: A3 is a nexus of its own"
san_dump >/dev/null
ok $? "san_dump"
diag "$(san_dump)"

# --- teardown and a second, larger SAN ------------------------------------
san_teardown
ok $? "san_teardown"
ok "$(dmsetup ls | grep -c mpath)" "no mpath maps left"
is "$(find /sys/kernel/config/target/loopback -mindepth 1 -maxdepth 1 -name 'naa.*' 2>/dev/null | wc -l)" 0 \
	"no tcm_loop ports left"
is "$(find /sys/class/scsi_device -mindepth 1 | wc -l)" 0 "no SCSI devices left"
[ ! -e "$(san_lio_dir)" ]
ok $? "the backstore is gone"

t0=$EPOCHREALTIME
out=$(san_setup --paths-a 16 --paths-b 1 2>&1)
ok $? "san_setup --paths-a 16 --paths-b 1 (the maximum per host)" || diag "$out"
diag "setup of 17 paths took $(elapsed_ms "$t0") ms"
like "$(table mpathA)" "round-robin 0 16 1 " "mpathA has 16 paths"
like "$(table mpathB)" "round-robin 0 1 1 " "mpathB has 1 path"
is "$(san_registrations)" "" "the new LUN starts without registrations"
sgp "$(san_map B)" --out --register --param-sark=0xb1
ok $? "REGISTER through /dev/mapper/mpathB"
is "$(san_key_of B 1)" 0xb1 "LIO: B1 carries it"
san_teardown
ok $? "san_teardown"

tap_done
