#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-kernels: 6.1
# (the lvmpersist front end, userspace: the kernel paths it drives are the
# pr_ops the kernel scenarios run on the debug kernel too)
#
# The lvmpersist front end against LIO (issue 5).
#
# A VG that spans two multipath maps needs two LUs: one VG on two maps of
# the same LU would be one PV seen twice (lvm refuses duplicates), and the
# reservations would land on one LU only. So this scenario adds a second
# LU (lun1) to the fixture's iSCSI target, mapped in every path's node
# ACL: host A reaches LU0 through mpathA and LU1 through mpathC, host B
# the same LUs through mpathB and mpathD. Each host sees the VG "vgpr"
# through its own maps (an lvm.conf per host whose filter accepts only
# that host's maps). All four maps are attached to the module.
#
# Checked in LIO on every nexus of both LUs: start (key on every path,
# WEAR on both LUs, since lvmpersist uses WEAR on multipath maps for
# --access ex), a second host's start, read, remove, start --removekey
# (takeover), stop, clear, check-key, devtest; then on a plain SCSI disk:
# start with --access ex (Write Exclusive, held by that nexus), read,
# stop. The lvm parts need lvm in the VM:
#   run.sh ... --bin lvm
# remove and start --removekey send PREEMPT AND ABORT, which deadlocks
# LIO over tcm_loop (TESTBED, SAN fixture 7): hence the iSCSI fabric.
# The CDB trace shows the abort flag reached a path of each LU.
#
# dmpr-vm-options: --iscsi --bin lvm
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
tap_plan 63

san_setup --fabric iscsi --paths-a 2 --paths-b 2 || tap_bail "SAN setup failed"

# ---- a second LU behind every port ------------------------------------
LIO0=$SAN_LIO
LIO1=$SAN_CFS/core/fileio_0/lun1
SERIAL1=0d3a0c0de0000002
declare -A SD1=()	# "A 1" -> sd name of LU1 through that path

# lu1 CMD...: run a san.sh ground-truth function against LU1
lu1() {
	local SAN_LIO=$LIO1
	"$@"
}

# LU1 is the target's lun_1, mapped as LUN 1 in the node ACL of each path;
# the initiator scans for it on each path's session
lu1_setup() {
	local h i acl hctl b n w
	truncate -s 64M /tmp/dmpr-san-lun1.img || return 1
	mkdir -p "$LIO1" &&
		echo "fd_dev_name=/tmp/dmpr-san-lun1.img,fd_dev_size=$((64 << 20))" >"$LIO1/control" &&
		echo "$SERIAL1" >"$LIO1/wwn/vpd_unit_serial" &&
		echo 1 >"$LIO1/enable" || return 1
	mkdir -p "$SAN_ISCSI_TPG/lun/lun_1" && ln -s "$LIO1" "$SAN_ISCSI_TPG/lun/lun_1/dmpr_port1" || return 1
	for h in A B; do
		for i in 1 2; do
			acl=$SAN_ISCSI_TPG/acls/$(san_nexus "$h" "$i")
			mkdir -p "$acl/lun_1" && ln -s "$SAN_ISCSI_TPG/lun/lun_1" "$acl/lun_1/dmpr_lun1" || return 1
			hctl=$(<"$SAN_STATE/$h/$i/hctl")
			IFS=: read -r -a w <<<"$hctl"
			echo "${w[1]} ${w[2]} 1" >"/sys/class/scsi_host/host${w[0]}/scan" || return 1
			hctl=${hctl%:0}:1
			for ((n = 0; n < 200; n++)); do
				for b in /sys/class/scsi_device/"$hctl"/device/block/*; do
					[ -e "$b" ] && [ -b "/dev/${b##*/}" ] &&
						[ "$(<"/sys/block/${b##*/}/size")" -gt 0 ] && SD1[$h $i]=${b##*/}
				done
				[ -n "${SD1[$h $i]:-}" ] && break
				sleep 0.05
			done
			[ -n "${SD1[$h $i]:-}" ] || { echo "no sd for LU1 via $h $i" >&2; return 1; }
		done
	done
	WWID1=3$(sed -n 's/^naa\.//p' "/sys/block/${SD1[A 1]}/device/wwid")
	[ "$WWID1" != 3 ] || WWID1=3600140${SERIAL1}
	map1 C A "mpath-$WWID1" && map1 D B "mpath-$WWID1-B"
}

# map1 NAME H UUID: map mpathNAME over H's two paths to LU1
map1() {
	local sectors t='' i
	sectors=$(<"/sys/block/${SD1[$2 1]}/size")
	for i in 1 2; do
		t+=" $(<"/sys/block/${SD1[$2 $i]}/dev") 1"
	done
	dmsetup create "mpath$1" --uuid "$3" \
		--table "0 $sectors multipath 0 0 1 1 round-robin 0 2 1$t" || return 1
	[ -b "/dev/mapper/mpath$1" ] || dmsetup mknodes "mpath$1"
}

# lu1_teardown: the maps, the SCSI devices of LUN 1, the ACLs' LUN 1 and
# the target's lun_1, the backstore (before san_teardown removes the ACLs)
lu1_teardown() {
	local h i acl
	dmsetup remove mpathC >/dev/null 2>&1
	dmsetup remove mpathD >/dev/null 2>&1
	for h in A B; do
		for i in 1 2; do
			[ -z "${SD1[$h $i]:-}" ] || echo 1 >"/sys/block/${SD1[$h $i]}/device/delete"
			acl=$SAN_ISCSI_TPG/acls/$(san_nexus "$h" "$i")
			rm -f "$acl/lun_1/dmpr_lun1"
			rmdir "$acl/lun_1" 2>/dev/null
		done
	done
	rm -f "$SAN_ISCSI_TPG/lun/lun_1/dmpr_port1"
	rmdir "$SAN_ISCSI_TPG/lun/lun_1" 2>/dev/null
	rmdir "$LIO1" 2>/dev/null
	rm -f /tmp/dmpr-san-lun1.img "/etc/target/pr/aptpl_$SERIAL1"
}

lu1_setup || tap_bail "cannot add the second LU"
diag "LU1: A via ${SD1[A 1]} ${SD1[A 2]} -> mpathC, B via ${SD1[B 1]} ${SD1[B 2]} -> mpathD"
mod_load

mkdir -p /tmp/lvp-bin
ln -sf "$(command -v prtool)" /tmp/lvp-bin/lvmpersist
PATH=/tmp/lvp-bin:$PATH

# run CMD...: set $out, $err and $rc
run() {
	local e=/tmp/lvp-err
	out=$("$@" 2>"$e")
	rc=$?
	rc_note "$*" "$rc"
	err=$(<"$e")
}

# keys LU H: the keys of H's two nexuses on LU (0 or 1), "k1 k2"
keys() {
	local SAN_LIO=$LIO0
	[ "$1" = 0 ] || SAN_LIO=$LIO1
	echo "$(san_key_of "$2" 1) $(san_key_of "$2" 2)"
}

# state: "LU0-A LU0-B LU1-A LU1-B type0 type1", LIO's view of everything
state() {
	echo "$(keys 0 A)|$(keys 0 B)|$(keys 1 A)|$(keys 1 B)|$(san_res_type)|$(lu1 san_res_type)"
}

# holders: the host of the nexus LIO has as the holder, "LU0 LU1"
holders() {
	local h0 h1
	h0=$(san_holder)
	h1=$(lu1 san_holder)
	echo "${h0%% *} ${h1%% *}"
}

# aborts: "N M" of the PR OUT commands dispatched since san_trace_start:
# N paths that received PREEMPT AND ABORT (0x05), M PREEMPTs (0x04)
aborts() {
	local cdbs
	cdbs=$(san_trace_cdbs)
	echo "$(awk '$2 == "0x5f" && $3 == "0x05" { print $1 }' <<<"$cdbs" | sort -u | wc -l)" \
		"$(awk '$2 == "0x5f" && $3 == "0x04"' <<<"$cdbs" | wc -l)"
}

for m in mpathA mpathB mpathC mpathD; do
	prtool attach "$m" || fail "attach $m"
done
pass "attach mpathA, mpathB (LU0) and mpathC, mpathD (LU1)"

# ---- over a VG on two maps (lvm) --------------------------------------
NLVM=33
if command -v lvm >/dev/null; then
	mkdir -p /run/lock/lvm
	for h in A B; do
		[ "$h" = A ] && m2=C || m2=D
		mkdir -p "/tmp/lvm$h"
		cat >"/tmp/lvm$h/lvm.conf" <<-EOF
			devices {
				obtain_device_list_from_udev = 0
				external_device_info_source = "none"
				use_devicesfile = 0
				global_filter = [ "a|^/dev/mapper/mpath$h\$|", "a|^/dev/mapper/mpath$m2\$|", "r|.*|" ]
			}
			activation {
				udev_sync = 0
				udev_rules = 0
				monitoring = 0
			}
			backup {
				backup = 0
				archive = 0
			}
		EOF
	done
	export LVM_SYSTEM_DIR=/tmp/lvmA
	lvm pvcreate -q /dev/mapper/mpathA /dev/mapper/mpathC >/dev/null &&
		lvm vgcreate -q vgpr /dev/mapper/mpathA /dev/mapper/mpathC >/dev/null
	ok $? "host A: VG vgpr on mpathA and mpathC"
	is "$(LVM_SYSTEM_DIR=/tmp/lvmB lvm pvs --noheadings -o pv_name -S vg_name=vgpr | tr -d ' ' | sort | tr '\n' ' ')" \
		"/dev/mapper/mpathB /dev/mapper/mpathD " "host B sees vgpr on its maps mpathB and mpathD"

	run lvmpersist start --ourkey 0xa1 --vg vgpr
	is "$rc" 0 "A: lvmpersist start --ourkey 0xa1 --vg vgpr"
	like "$err" "lvmpersist: started vgpr with key 0xa1\." "A: 'started vgpr with key 0xa1.'"
	is "$(state)" "0xa1 0xa1| |0xa1 0xa1| |7|7" \
		"LIO: A's key on both nexuses of both LUs, WEAR on both (maps take WEAR for ex)"

	run lvmpersist read --vg vgpr
	is "$rc" 0 "A: lvmpersist read --vg vgpr"
	is "$(sort <<<"$out")" "Device /dev/mapper/mpathA: registered keys: 0xa1
Device /dev/mapper/mpathA: reservation: WEAR
Device /dev/mapper/mpathC: registered keys: 0xa1
Device /dev/mapper/mpathC: reservation: WEAR" "read: the keys and the reservation of both PVs"

	run lvmpersist devtest --vg vgpr
	is "$rc:$(sort <<<"$out" | tr '\n' ' ')" \
		"0:Device /dev/mapper/mpathA: supports type WEAR Device /dev/mapper/mpathC: supports type WEAR " \
		"devtest: both PVs support WEAR"

	export LVM_SYSTEM_DIR=/tmp/lvmB
	run lvmpersist start --ourkey 0xb1 --vg vgpr
	is "$rc" 0 "B: lvmpersist start --ourkey 0xb1 --vg vgpr (WEAR is there: B registers)"
	is "$(state)" "0xa1 0xa1|0xb1 0xb1|0xa1 0xa1|0xb1 0xb1|7|7" "LIO: both hosts registered on both LUs"
	run lvmpersist check-key --key 0xb1 --vg vgpr
	is "$rc:$(wc -l <<<"$out")" "0:2" "B: check-key 0xb1 on both PVs"
	run lvmpersist read-keys --vg vgpr
	is "$(sort <<<"$out" | sed 's/.*: //' | tr '\n' ' ')" "0xa1 0xb1 0xa1 0xb1 " "B: read-keys lists both keys once per PV"

	export LVM_SYSTEM_DIR=/tmp/lvmA
	san_trace_start 0x5f
	run lvmpersist remove --ourkey 0xa1 --removekey 0xb1 --vg vgpr
	san_trace_stop
	is "$rc" 0 "A: lvmpersist remove --removekey 0xb1 --vg vgpr (PREEMPT AND ABORT)"
	like "$err" "removed key 0xb1 for vgpr\." "A: 'removed key 0xb1 for vgpr.'"
	is "$(state)" "0xa1 0xa1| |0xa1 0xa1| |7|7" "LIO: B's key is gone from all four of its nexuses"
	is "$(holders)" "A A" "LIO: a nexus of A holds the WEAR reservation of both LUs"
	is "$(aborts)" "2 0" "PREEMPT AND ABORT reached one path of each LU, no plain PREEMPT"

	export LVM_SYSTEM_DIR=/tmp/lvmB
	run lvmpersist start --ourkey 0xb2 --removekey 0xc9 --vg vgpr --no-abort
	is "$rc" 1 "B: takeover of a key that is not there fails"
	like "$err" "specified key to remove 0xc9 not found on" "... and says so"
	is "$(state)" "0xa1 0xa1| |0xa1 0xa1| |7|7" "LIO: nothing changed"
	san_trace_start 0x5f
	run lvmpersist start --ourkey 0xb2 --removekey 0xa1 --vg vgpr
	san_trace_stop
	is "$rc" 0 "B: takeover, lvmpersist start --ourkey 0xb2 --removekey 0xa1 --vg vgpr"
	is "$(state)" " |0xb2 0xb2| |0xb2 0xb2|7|7" "LIO: B's new key on both LUs, A's key gone"
	is "$(holders)" "B B" "LIO: a nexus of B holds the WEAR reservation of both LUs"
	is "$(aborts)" "2 0" "the takeover's PREEMPT AND ABORT reached one path of each LU, no plain PREEMPT"

	run lvmpersist stop --ourkey 0xb2 --vg vgpr
	is "$rc" 0 "B: lvmpersist stop --ourkey 0xb2 --vg vgpr"
	like "$err" "stopped vgpr with key 0xb2\." "B: 'stopped vgpr with key 0xb2.'"
	is "$(state)" " | | | ||" "LIO: no key and no reservation left on either LU"

	run lvmpersist start --ourkey 0xb3 --access sh --vg vgpr
	export LVM_SYSTEM_DIR=/tmp/lvmA
	run lvmpersist start --ourkey 0xa3 --access sh --vg vgpr
	is "$rc:$(state)" "0:0xa3 0xa3|0xb3 0xb3|0xa3 0xa3|0xb3 0xb3|7|7" "both hosts start with --access sh"
	run lvmpersist clear --ourkey 0xa3 --vg vgpr
	is "$rc" 0 "A: lvmpersist clear --vg vgpr"
	is "$(state)" " | | | ||" "LIO: clear removed every key and the reservations"

	run lvmpersist read --vg novg
	is "$rc" 1 "--vg of a VG that does not exist: status 1"
	like "$err" "failed to get devices from VG novg" "... 'failed to get devices from VG novg'"
	run prtool lvmpersist read-reservation --vg vgpr
	is "$rc:$(sort <<<"$out" | tr '\n' ' ')" \
		"0:Device /dev/mapper/mpathA: reservation: none Device /dev/mapper/mpathC: reservation: none " \
		"prtool lvmpersist read-reservation: none on both"
	lvm vgremove -q -f vgpr >/dev/null 2>&1
	unset LVM_SYSTEM_DIR
else
	skip "lvm is not in the VM (run.sh --bin lvm)" "$NLVM"
fi

# ---- --device lists: maps and a plain SCSI disk -------------------------
run lvmpersist start --ourkey 77 --device /dev/mapper/mpathA --device /dev/mapper/mpathC
is "$rc" 0 "start --ourkey 77 (decimal) on two --device maps"
like "$out" "Using ourkey: 0x4d" "... shown back in hex"
like "$err" "started mpathA:mpathC with key 0x4d\." "... the device set is named mpathA:mpathC"
is "$(state)" "0x4d 0x4d| |0x4d 0x4d| |7|7" "LIO: key 0x4d on A's nexuses of both LUs, WEAR"
run lvmpersist stop --ourkey 0x4d --device /dev/mapper/mpathA --device /dev/mapper/mpathC
is "$rc:$(state)" "0: | | | ||" "stop on the two maps: nothing left"

# a map that is not attached is pointed out
prtool detach mpathC
run lvmpersist read-keys --device /dev/mapper/mpathA --device /dev/mapper/mpathC
is "$rc:$err" "0:  lvmpersist: /dev/mapper/mpathC is not attached to dm_mpath_pr: device-mapper's own reservation handling runs (prtool attach /dev/mapper/mpathC)." \
	"a map that is not attached to the module is pointed out, the attached one is not"
prtool attach mpathC
ok $? "attach mpathC again"

# a plain disk: a new path to LU0 that is in no map
i=$(san_new_path A)
sd=/dev/$(san_path_name A "$i")
run lvmpersist start --ourkey 0xd1 --device "$sd"
is "$rc" 0 "start on a plain SCSI disk ($sd)"
is "$(san_key_of A "$i"):$(san_res_type):$(san_holder)" "0xd1:1:A $i" \
	"LIO: that nexus alone is registered and holds Write Exclusive (ex on a disk)"
is "$(keys 0 A)" " " "LIO: the map's nexuses are not involved"
run lvmpersist read --device "$sd"
is "$out" "Device $sd: registered keys: 0xd1
Device $sd: reservation: WE holder 0xd1" "read on the disk: key, WE and its holder"
run lvmpersist stop --ourkey 0xd1 --device "$sd"
is "$rc:$(san_key_of A "$i"):$(san_res_type)" "0::" "stop on the disk: key and reservation gone"

# ---- errors --------------------------------------------------------------
run lvmpersist stop --device "$sd"
is "$rc" 1 "stop without --ourkey: status 1"
like "$err" "Missing required option: --ourkey\." "... 'Missing required option: --ourkey.'"
run lvmpersist start --ourkey 0x0a1 --device "$sd"
is "$rc" 1 "a key with a leading zero: status 1"
like "$err" "Leading 0s are not permitted in keys\." "... LVM2's message"
: >/tmp/lvp-file
run lvmpersist read --device /dev/mapper/mpathA --device /tmp/lvp-file
is "$rc" 1 "a --device that is no block device: status 1"
like "$err" "not a block device: /tmp/lvp-file\." "... 'not a block device'"
run lvmpersist frob --device "$sd"
is "$rc" 1 "unknown command: status 1"
run setpriv --reuid=65534 --regid=65534 --clear-groups lvmpersist read --device "$sd"
is "$rc" 1 "not root: status 1"
like "$err" "must be run as root\." "... 'must be run as root.'"
run lvmpersist --help
is "$rc" 0 "--help: status 0"
like "$out" "lvmpersist start --ourkey KEY DEST" "--help: the usage on stdout"

san_dump
for m in mpathA mpathB mpathC mpathD; do
	prtool detach "$m" || fail "detach $m"
done
pass "detach the four maps"
lu1_teardown
scenario_teardown
tap_done
