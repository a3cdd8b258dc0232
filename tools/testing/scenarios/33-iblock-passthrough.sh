#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-kernels: 6.12
#
# A kernel client of the module's pr_ops: LIO's iblock PR pass-through
# (issue 9, defect 11: RELEASE with a key that does not hold the
# reservation answered GOOD).
#
# An iblock backstore on A's attached map (/dev/dm-N), with PR pass-through
# on (attrib/pgr_support 0; emulate_pr stays 1), exported through a tcm_loop
# port of its own as a second LU: a new sd in the guest, the "independent
# initiator". LIO does not run its own PR emulation for that LU: each PR
# OUT is mapped to the map's pr_ops (target_core_iblock.c,
# iblock_execute_pr_out(): REGISTER and REGISTER AND IGNORE to
# pr_register, RESERVE, RELEASE, CLEAR, PREEMPT (AND ABORT) to theirs; 0
# answers GOOD, PR_STS_RESERVATION_CONFLICT RESERVATION CONFLICT, anything
# else LOGICAL UNIT COMMUNICATION FAILURE), so they reach the module's
# engine, which fans them out to A's paths on the original LU. The
# pass-through carries no initiator identity: the LU's initiator acts as
# host A. Through that sd, with sg_persist:
#  - REGISTER a key, RESERVE (Write Exclusive, registrants only): LIO's
#    per-nexus state of the original LU shows the key on both of A's
#    nexuses and one of them holding;
#  - the fixture's answers to a RELEASE with a wrong key, sent raw: the
#    holder nexus answers RESERVATION CONFLICT, the registered non-holder
#    GOOD (a no-op in SPC-4). A fan-out that takes the GOOD for the
#    answer tells the caller the reservation is gone (the defect);
#  - RELEASE with the wrong key through the LU: RESERVATION CONFLICT, the
#    reservation still held by the same nexus in LIO, in the module's view
#    and in READ RESERVATION through the LU; the proper RELEASE then works;
#  - stock dm (the map detached): the same wrong-key RELEASE answers
#    RESERVATION CONFLICT as well: dm_pr_release() tries the paths in table
#    order and stops at the first answer that is not GOOD, the holder's.
#
# Pass-through needs execute_pr_out/execute_pr_in in the backends'
# exec_cmd_ops and TRANSPORT_FLAG_PASSTHROUGH_PGR changeable for iblock:
# 6.12 and the debug kernel have it. 6.1's iblock has neither, its
# pgr_support is fixed (the write fails with ENOSYS): there the scenario
# shows that and skips the rest, named (tools/testing/skips.list).
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
tap_plan 32

K1=0x33a1 K2=0x33bad WE_RO=5
IB_HBA=$SAN_CFS/core/iblock_33
IB=$IB_HBA/dmlu
IB_SERIAL=0d3a0c0de0000033
IB_TGT=naa.5001405c33000001
IB_INI=naa.5001405d33000001
IB_TPG=$SAN_CFS/loopback/$IB_TGT/tpgt_1
LU_SD=''
# the tests from the LU's export up to the stock-dm unregister
NPT=22

t_start=$EPOCHREALTIME
out=$(san_setup --paths-a 2 --paths-b 0 2>&1)
ok $? "SAN: host A with 2 paths" || { diag "$out"; tap_bail "no SAN"; }
mod_load dm_mpath_pr
DM=$(san_dm_dev A)

out=$(prtool attach mpathA 2>&1)
ok $? "attach mpathA" || diag "$out"

# lu ARGS...: sg_persist ARGS on the iblock LU's sd; sets rc and out
lu() {
	out=$(san_sg_persist "$@" "/dev/$LU_SD")
	rc=$?
}

# raw H I ARGS...: sg_persist ARGS on path H I's own sd; sets rc and out
raw() {
	local sd
	sd=$(san_path_name "$1" "$2")
	shift 2
	out=$(san_sg_persist "$@" "/dev/$sd")
	rc=$?
}

# lio: LIO's view of the original LU: "type holder key-A1 key-A2"
lio() {
	local h
	h=$(san_holder)
	echo "${h:--}/$(san_res_type)/$(san_key_of A 1)/$(san_key_of A 2)"
}

# mview: the module's view of mpathA: "key type holder-sd"
mview() {
	prtool show mpathA --json 2>&1 |
		jq -r '[.key, .reservation.type_value, .reservation.holder.name] |
			map(if . == null then "-" else tostring end) | join(" ")' 2>&1
}

# lu_find ADDR: set LU_SD to the sd of SCSI device ADDR:0 once it is ready
# shellcheck disable=SC2317 # called through poll
lu_find() {
	local b
	for b in "/sys/class/scsi_device/$1:0/device/block/"*; do
		[ -e "$b" ] || return 1
		b=${b##*/}
		[ -b "/dev/$b" ] && [ "$(<"/sys/block/$b/size")" -gt 0 ] || return 1
		LU_SD=$b
		return 0
	done
	return 1
}

# unexport: remove the port and the iblock backstore (it holds the map open)
unexport() {
	local rc=0
	if [ -d "$IB_TPG" ]; then
		rm -f "$IB_TPG/lun/lun_0/dmpr_iblock"
		rmdir "$IB_TPG/lun/lun_0" "$IB_TPG" "${IB_TPG%/tpgt_1}" || rc=1
	fi
	if [ -d "$IB" ]; then
		rmdir "$IB" || rc=1
	fi
	[ ! -d "$IB_HBA" ] || rmdir "$IB_HBA" || rc=1
	rm -f "/etc/target/pr/aptpl_$IB_SERIAL"
	return $rc
}

out=$({ mkdir -p "$IB" &&
	echo "udev_path=$DM" >"$IB/control" &&
	echo "$IB_SERIAL" >"$IB/wwn/vpd_unit_serial" &&
	echo 1 >"$IB/enable"; } 2>&1)
ok $? "iblock backstore on A's map $DM" || diag "$out"

out=$({ echo 0 >"$IB/attrib/pgr_support"; } 2>&1)
st=$?
pt=$(<"$IB/attrib/pgr_support")
if [ "$st" = 0 ] && [ "$pt" = 0 ]; then
	pass "iblock: pgr_support 0 accepted: PR pass-through to the map's pr_ops (emulate_pr $(<"$IB/attrib/emulate_pr"))"
	pt=1
else
	diag "writing 0 to pgr_support: ${out:-no error}; it reads $pt"
	diag "kernel: $(dmesg | grep 'pgr_support' | tail -n 1)"
	if [[ $(uname -r) == 6.1.* ]] && [[ $out == *"Function not implemented"* ]]; then
		pass "iblock: pgr_support is fixed on $(uname -r) (ENOSYS): no PR pass-through"
	else
		fail "iblock: pgr_support 0 accepted (PR pass-through)"
	fi
	pt=0
fi

if [ "$pt" = 1 ]; then
	# ---- the LU: a tcm_loop port of its own, a new sd --------------------
	out=$({ mkdir -p "$IB_TPG/lun/lun_0" &&
		echo "$IB_INI" >"$IB_TPG/nexus" &&
		ln -s "$IB" "$IB_TPG/lun/lun_0/dmpr_iblock"; } 2>&1)
	st=$?
	addr=$(<"$IB_TPG/address")
	# shellcheck disable=SC2016 # poll evaluates it
	[ "$st" = 0 ] && poll 10 'lu_find "$addr"' 0.1
	ok $? "the LU exported through $IB_TGT: sd ${LU_SD:-?} ($addr:0)" || diag "$out"
	diag "$(sg_inq "/dev/$LU_SD" 2>&1 | grep -E 'identification|serial')"

	# ---- through the module ----------------------------------------------
	lu --out --register --param-sark=$K1
	is "$rc" 0 "LU: REGISTER $K1 answers GOOD" || diag "$out"
	is "$(lio)" "-//$K1/$K1" "LIO: both nexuses of A carry $K1 (the module's fan-out), no reservation"
	is "$(mview)" "$K1 - -" "the module's view: key $K1, no reservation"

	lu --out --reserve --param-rk=$K1 --prout-type=$WE_RO
	is "$rc" 0 "LU: RESERVE (WE_RO) answers GOOD" || diag "$out"
	holder=$(san_holder)
	like "$(lio)" "^A [12]/$WE_RO/$K1/$K1\$" "LIO: a nexus of A holds WE_RO ($holder)"
	hsd=$(san_path_name A "${holder#A }" 2>/dev/null)
	is "$(mview)" "$K1 3 $hsd" "the module's view: WE_RO held through $hsd"
	if [ "$holder" = "A 1" ]; then other="A 2"; else other="A 1"; fi

	# the fixture, raw: what the fan-out of a wrong-key RELEASE sees
	# shellcheck disable=SC2086 # "A 1": host and index
	raw $holder --out --release --param-rk=$K2 --prout-type=$WE_RO
	is "$rc" 24 "raw holder path $holder: RELEASE with $K2 answers RESERVATION CONFLICT (24)" || diag "$out"
	# shellcheck disable=SC2086
	raw $other --out --release --param-rk=$K2 --prout-type=$WE_RO
	is "$rc" 0 "raw non-holder path $other: RELEASE with $K2 answers GOOD (a no-op in SPC-4)" || diag "$out"
	before=$(lio)

	# defect 11
	lu --out --release --param-rk=$K2 --prout-type=$WE_RO
	is "$rc" 24 "LU, the module: RELEASE with $K2 (not the holder's key) answers RESERVATION CONFLICT (24)" ||
		diag "$out"
	is "$(lio)" "$before" "LIO: the reservation is still there, same holder, keys unchanged"
	is "$(mview)" "$K1 3 $hsd" "the module's view: WE_RO still held through $hsd"
	lu --in --read-reservation
	like "$rc:${out//$'\n'/ }" "^0:.*Key ?= ?$K1 .*type: Write Exclusive, registrants only" \
		"LU: READ RESERVATION (through the module) shows $K1 holding WE_RO"

	lu --out --release --param-rk=$K1 --prout-type=$WE_RO
	is "$rc" 0 "LU: RELEASE with the holder's key $K1 answers GOOD" || diag "$out"
	is "$(lio)" "-//$K1/$K1" "LIO: no reservation, both nexuses keep $K1"
	is "$(mview)" "$K1 - -" "the module's view: no reservation"

	# ---- stock dm -------------------------------------------------------
	lu --out --reserve --param-rk=$K1 --prout-type=$WE_RO
	holder=$(san_holder)
	like "$rc:$(lio)" "^0:A [12]/$WE_RO/$K1/$K1\$" "LU: RESERVE again through the module ($holder holds)"
	out=$(prtool detach mpathA 2>&1)
	ok $? "detach mpathA: the LU's PR commands now reach stock dm" || diag "$out"
	before=$(lio)
	lu --out --release --param-rk=$K2 --prout-type=$WE_RO
	is "$rc" 24 "LU, stock dm: RELEASE with $K2 answers RESERVATION CONFLICT (24) too (dm stops at the holder's answer)" ||
		diag "$out"
	is "$(lio)" "$before" "LIO: the reservation is still there after stock dm's answer"
	lu --out --release --param-rk=$K1 --prout-type=$WE_RO
	is "$rc:$(lio)" "0:-//$K1/$K1" "LU, stock dm: RELEASE with $K1 answers GOOD, no reservation"
	lu --out --register --param-rk=$K1 --param-sark=0
	is "$rc:$(lio)" "0:-///" "LU, stock dm: unregister answers GOOD, no registration left on A's nexuses"
else
	skip "no iblock PR pass-through in this kernel (pgr_support is fixed)" $NPT
fi

out=$(unexport 2>&1)
ok $? "the LU's port and the iblock backstore removed (the map is free again)" || diag "$out"
scenario_teardown
diag "33-iblock-passthrough ran $(($(elapsed_ms "$t_start") / 1000)) s in the guest"
tap_done
