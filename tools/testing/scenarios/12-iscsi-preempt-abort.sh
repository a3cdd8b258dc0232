#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-kernels: 6.12
# (a check of the iSCSI fixture and of the abort flag at the path; the
# debug kernel adds nothing but 6 minutes)
# dmpr-vm-options: --iscsi --timeout 900
#
# The iSCSI fabric of san.sh, and PREEMPT AND ABORT over it.
#
# PREEMPT AND ABORT deadlocks LIO when it comes through tcm_loop (see
# shared/TESTBED.md), so tests that need it use the iSCSI fabric. This
# proves that fabric: every path its own I_T nexus (one open-iscsi iface and
# initiator name per path), the accessors answer with iSCSI initiator
# names, failing/restoring/adding paths work, teardown logs out cleanly.
# Then it proves the CDB trace (san_trace_*): a PREEMPT (service action
# 0x04) and a PREEMPT AND ABORT (0x05) sent with sg_persist on a raw path
# show up on exactly that path, and PREEMPT AND ABORT returns (no deadlock)
# with writes in flight, removes the preempted registrations and leaves the
# LU healthy. No project code needed.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
tap_plan 62

# sgp DEV ARGS...: sg_persist on a device (retried after a UNIT ATTENTION)
sgp() {
	local dev=$1
	shift
	san_sg_persist "$@" "$dev" >/dev/null
}
raw() { echo "/dev/$(san_path_name "$1" "$2")"; }
# has_sa H I SA: the trace shows PR OUT service action SA on path H I
has_sa() { san_trace_sa "$1" "$2" | grep -qx "$3"; }
# others_sa SA H I: the paths other than H I that received SA
others_sa() {
	local h i n
	for h in A B; do
		n=$(san_npaths $h)
		for i in $(seq 1 "$n"); do
			[ "$h $i" != "$1 $2" ] || continue
			! has_sa "$h" "$i" "$3" || echo "$h$i"
		done
	done
}

diag "kernel $(uname -r), $(nproc) CPUs"

# --- the fabric --------------------------------------------------------------
t0=$EPOCHREALTIME
out=$(san_setup --fabric iscsi --paths-a 2 --paths-b 2 2>&1)
ok $? "san_setup --fabric iscsi --paths-a 2 --paths-b 2" || { diag "$out"; tap_bail "no SAN"; }
diag "$out"
diag "setup took $(elapsed_ms "$t0") ms"
is "$(san_fabric)" iscsi "san_fabric says iscsi"
is "$(compgen -G '/sys/class/iscsi_session/session*' | wc -l)" 4 "four iSCSI sessions"
inis=$(for h in A B; do for i in 1 2; do san_nexus $h $i; done; done)
is "$(sort -u <<<"$inis" | wc -l)" 4 "four distinct initiator names"
like "$(san_nexus B 2)" '^iqn\.' "san_nexus gives the iSCSI initiator name ($(san_nexus B 2))"
is "$(san_label "$(san_nexus B 2)")" "B 2" "san_label maps it back to B 2"
like "$(cat "/sys/block/$(san_path_name A 1)/device/vendor")" '^LIO-ORG' "the paths are LIO disks"
is "$(san_wwid)" "3$(sed 's/^naa\.//' "/sys/block/$(san_path_name B 2)/device/wwid")" \
	"every path shows the one LUN's WWID"
like "$(dmsetup table mpathA)" "round-robin 0 2 1 $(san_path_dev A 1) 1 $(san_path_dev A 2) 1" \
	"mpathA is round-robin over A's two iSCSI paths"
dd if=/dev/zero of="$(san_map A)" bs=4k count=16 oflag=direct 2>/dev/null
ok $? "write through mpathA"

# --- ground truth per iSCSI nexus -----------------------------------------
sgp "$(raw A 1)" --out --register --param-sark=0xa1
ok $? "REGISTER 0xa1 on raw path A1"
is "$(san_key_of A 1)" 0xa1 "san_key_of: LIO shows 0xa1 on A1's nexus"
is "$(san_registrations)" "A 1 0xa1" "san_registrations lists exactly A1"
is "$(san_sg_keys B 2)" 0xa1 "READ KEYS through B2 shows it"
sgp "$(raw A 2)" --out --register --param-sark=0xa1 &&
	sgp "$(raw B 1)" --out --register --param-sark=0xb1 &&
	sgp "$(raw B 2)" --out --register --param-sark=0xb1
ok $? "REGISTER on A2, B1, B2"
sgp "$(raw A 1)" --out --reserve --param-rk=0xa1 --prout-type=5
ok $? "RESERVE (Write Exclusive, Registrants Only) on A1"
is "$(san_holder) $(san_res_type)" "A 1 5" "san_holder, san_res_type: A1 holds type 5"

# --- PREEMPT, seen in the trace ------------------------------------------------
san_trace_start
ok $? "san_trace_start (scsi:scsi_dispatch_cmd_start, PR IN/OUT)"
sgp "$(raw B 1)" --out --preempt --param-rk=0xb1 --param-sark=0xa1 --prout-type=5
ok $? "PREEMPT from raw path B1 removes A's key 0xa1"
san_trace_stop
has_sa B 1 0x04
ok $? "trace: B1 received PR OUT service action 0x04 (PREEMPT)"
is "$(others_sa B 1 0x04)" "" "trace: no other path received a PREEMPT"
like "$(san_trace_cdbs B 1 | grep ' 0x5f 0x04 ')" "^$(san_path_name B 1) 0x5f 0x04 5f 04 05 " \
	"san_trace_cdbs shows the whole CDB (type 5 in byte 2)"
is "$(san_holder) $(san_key_of A 1)$(san_key_of A 2)" "B 1 " "LIO: B1 holds, A's registrations are gone"

# --- failing, restoring and adding iSCSI paths ------------------------------
san_fail_path A 2
ok $? "san_fail_path A 2"
is "$(cat "/sys/block/$(san_path_name A 2)/device/state") $(san_path_state A 2)" "offline F" \
	"A2: sd offline, dm failed"
dd if="$(san_map A)" of=/dev/null bs=4k count=64 iflag=direct 2>/dev/null
ok $? "reads through mpathA with A2 failed"
san_restore_path A 2
ok $? "san_restore_path A 2"
is "$(cat "/sys/block/$(san_path_name A 2)/device/state") $(san_path_state A 2)" "running A" \
	"A2: sd running, dm active"
i=$(san_add_new_path A)
ok $? "san_add_new_path A (a new iface, discovery, login)"
is "$i" 3 "the new path is A3"
is "$(compgen -G '/sys/class/iscsi_session/session*' | wc -l)" 5 "five iSCSI sessions"
is "$(san_path_state A 3)" A "A3 is active in mpathA"
sgp "$(raw A 3)" --out --register --param-sark=0xa3
ok $? "REGISTER 0xa3 through A3"
is "$(san_key_of A 3) $(san_key_of A 1)" "0xa3 " "LIO: A3 is a nexus of its own"

# --- PREEMPT AND ABORT, with writes in flight ---------------------------------
# A registers all its paths again and writes through its map; B1 preempts
# and aborts A's key. The command must come back (on tcm_loop it would hang
# in D state for good), A's registrations must be gone, A's writes must fail
# from then on, and the LU must still serve B.
for i in 1 2 3; do
	sgp "$(raw A $i)" --out --register-ignore --param-sark=0xaa || break
done
ok $? "A registers 0xaa on A1, A2, A3"
(
	while :; do
		dd if=/dev/zero of="$(san_map A)" bs=64k count=16 oflag=direct 2>/dev/null || exit 0
	done
) &
writer=$!
sleep 1
san_trace_start
(sg_persist -n --out --preempt-abort --param-rk=0xb1 --param-sark=0xaa --prout-type=5 "$(raw B 1)" \
	>/tmp/pa.out 2>&1; echo $? >/tmp/pa.rc) &
pa=$!
t0=$EPOCHREALTIME
if poll 60 '[ -s /tmp/pa.rc ]' 0.1; then
	pass "PREEMPT AND ABORT from raw path B1 returned after $(elapsed_ms "$t0") ms (no deadlock)"
else
	fail "PREEMPT AND ABORT from raw path B1 did not return within 60 s (deadlock?)"
	ps -o pid,stat,comm | awk '$2 ~ /^D/' | sed 's/^/# D state: /'
	tap_bail "the LU is stuck"
fi
wait "$pa"
rc=$(</tmp/pa.rc)
# a UNIT ATTENTION from A's earlier registrations may come first
if [ "$rc" = 6 ]; then
	sg_persist -n --out --preempt-abort --param-rk=0xb1 --param-sark=0xaa --prout-type=5 "$(raw B 1)" \
		>/tmp/pa.out 2>&1
	rc=$?
fi
is "$rc" 0 "PREEMPT AND ABORT status 0" || diag "$(cat /tmp/pa.out)"
san_trace_stop
has_sa B 1 0x05
ok $? "trace: B1 received PR OUT service action 0x05 (PREEMPT AND ABORT)"
is "$(others_sa B 1 0x05)" "" "trace: no other path received a PREEMPT AND ABORT"
if poll 30 '! kill -0 '"$writer"' 2>/dev/null' 0.1; then
	pass "A's writer stopped: its writes fail after the preemption"
else
	kill "$writer" 2>/dev/null
	fail "A's writer still writes after the preemption"
fi
wait "$writer" 2>/dev/null
is "$(san_key_of A 1)$(san_key_of A 2)$(san_key_of A 3)" "" "LIO: A's registrations are gone"
is "$(san_holder) $(san_res_type)" "B 1 5" "LIO: B1 still holds type 5"
out=$(dd if=/dev/zero of="$(raw A 1)" bs=4k count=1 oflag=direct 2>&1)
isnt "$?" 0 "a write from A1 is refused (reservation conflict)"
dd if=/dev/zero of="$(raw B 2)" bs=4k count=16 oflag=direct 2>/dev/null
ok $? "the LU is healthy: B2 (a registrant) writes"
dd if="$(raw A 2)" of=/dev/null bs=4k count=16 iflag=direct 2>/dev/null
ok $? "the LU is healthy: A2 reads"
for h in A B; do
	for i in $(seq 1 "$(san_npaths $h)"); do
		sg_turs "$(raw $h "$i")" >/dev/null 2>&1 || sg_turs "$(raw $h "$i")" >/dev/null 2>&1 || break 2
	done
done
ok $? "TEST UNIT READY on every path"

# three more rounds, as the test bed did: register, write, preempt-abort
n=0
for _ in 1 2 3; do
	for i in 1 2 3; do sgp "$(raw A $i)" --out --register-ignore --param-sark=0xaa; done
	(while dd if=/dev/zero of="$(san_map A)" bs=64k count=16 oflag=direct 2>/dev/null; do :; done) &
	writer=$!
	sleep 0.5
	san_sg_persist --out --preempt-abort --param-rk=0xb1 --param-sark=0xaa --prout-type=5 "$(raw B 1)" \
		>/dev/null && [ -z "$(san_key_of A 1)$(san_key_of A 2)$(san_key_of A 3)" ] && n=$((n + 1))
	poll 30 '! kill -0 '"$writer"' 2>/dev/null' 0.1 || kill "$writer" 2>/dev/null
	wait "$writer" 2>/dev/null
done
is "$n" 3 "three more PREEMPT AND ABORTs under write load: all returned and preempted A"

sgp "$(raw B 1)" --out --clear --param-rk=0xb1
ok $? "CLEAR from B1"
is "$(san_registrations)" "" "LIO: nothing registered"
san_trace_end
ok $? "san_trace_end"

# --- teardown, and a second SAN ------------------------------------------------
san_teardown
ok $? "san_teardown"
is "$(compgen -G '/sys/class/iscsi_session/session*' | wc -l)" 0 "no iSCSI sessions left"
is "$(find /sys/class/scsi_device -mindepth 1 | wc -l)" 0 "no SCSI devices left"
[ ! -e "$SAN_ISCSI_TPG" ] && [ ! -e "$(san_lio_dir)" ]
ok $? "the iSCSI target and the backstore are gone"
! pidof iscsid >/dev/null
ok $? "iscsid stopped"
out=$(san_setup --fabric iscsi --paths-a 1 --paths-b 1 --latency-ms 2 2>&1)
ok $? "san_setup --fabric iscsi --paths-a 1 --paths-b 1 --latency-ms 2" || diag "$out"
like "$(tc qdisc show dev lo)" 'netem.*delay 2ms' "netem delays lo by 2 ms"
is "$(san_latency_ms)" 2 "san_latency_ms"
sgp "$(san_map B)" --out --register --param-sark=0xb1
ok $? "REGISTER through /dev/mapper/mpathB"
is "$(san_key_of B 1)" 0xb1 "LIO: B1 carries it"
san_teardown
ok $? "san_teardown"
unlike "$(tc qdisc show dev lo)" netem "no netem left on lo"
tap_done
