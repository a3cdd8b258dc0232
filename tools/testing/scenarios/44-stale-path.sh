#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-vm-options: --timeout 600
#
# Commands never reach a device that is no longer a path of the map
# (issue 9, defect 1). The module keeps its own copy of the map's path
# list; userspace syncs it after a table reload, but until it does (or if
# it never does) the copy is stale. Every command checks, when it is sent,
# that its path is still a slave of the map and the same disk (diskseq)
# as at attach/sync; a stale path is refused, dropped and reported.
#
# Host A has 3 paths, A3 offline before the attach (the module cannot open
# it, and opens it later by device number). B has 1 path, on stock dm.
#  1. A1 leaves A's table by a reload (dmsetup load, suspend, resume) and
#     nobody runs `prtool sync`. A changes its key (REGISTER), preempts
#     B's reservation (PREEMPT) and clears (CLEAR) through its map. LIO:
#     A1's nexus gives up the old key (A1 left the map: the module
#     unregisters it, defect 12), never gets the new one and never holds
#     the reservation; the SCSI trace shows that the only PR command
#     dispatched to A1's sd after the reload was that unregistration (PR
#     OUT REGISTER AND IGNORE, key 0); the kernel log names the map and A1;
#     `prtool list` no longer shows A1; the monitor saw a path-failed and
#     a path-unregistered event for it.
#  2. A3 leaves A's table, its sd is deleted, and a second LU (another
#     backstore, another serial) appears through A3's target port under the
#     same device number; then A's table is reloaded with that disk in it
#     (a LUN remapped under a reused sdX), again without a sync. While A
#     registers and the module's probe retries A3: LIO shows no
#     registration at all on the second LU. `prtool sync` then adds the
#     new disk as a new path.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
tap_plan 44

KA=0xa44a KA2=0xa44b KA3=0xa44c KA4=0xa44d KB=0xb44b
MON=/run/dmpr-44-monitor.json
LIO1=$SAN_CFS/core/fileio_1/lun1
SERIAL1=0d3a0c0de0000044

t_start=$EPOCHREALTIME
out=$(san_setup --paths-a 3 --paths-b 1 2>&1)
ok $? "SAN: host A with 3 paths, B with 1" || { diag "$out"; tap_bail "no SAN"; }
mod_load
MA=$(san_map A)
MB=$(san_map B)
DMA=$(san_dm_dev A)
DMA=${DMA#/dev/}
SD1=$(san_path_name A 1)
SD3=$(san_path_name A 3)

# module_paths: the names of the paths the module has for mpathA
module_paths() {
	prtool list --json | jq -r --arg m "$(san_dm_name A)" \
		'[.attachments[] | select(.map == $m) | .paths[].name] | join(" ")'
}

# lu1_regs: the registrations LIO has on the second LU, one a line
lu1_regs() {
	[ -d "$LIO1" ] || return 0
	grep -v -e '^SPC-3 PR Registrations:$' -e '^None$' "$LIO1/pr/res_pr_registered_i_pts" 2>/dev/null
}

# path_failed_events SD: the monitor's path-failed events for path SD
path_failed_events() {
	jq -c --arg sd "$1" 'select(.event == "path-failed" and any(.paths[]; .name == $sd))' "$MON" 2>/dev/null
}

san_fail_path A 3
ok $? "A3 ($SD3) offline and failed in dm before the attach"
out=$(prtool attach mpathA 2>&1)
ok $? "attach mpathA" || diag "$out"
diag "the module's paths: $(module_paths)"

prtool monitor --json >"$MON" 2>/run/dmpr-44-monitor.err &
mon=$!
sleep 1
kill -0 "$mon" 2>/dev/null
ok $? "prtool monitor --json runs in the background" ||
	diag "monitor: $(head -c 500 /run/dmpr-44-monitor.err)"

prtool register "$MA" --key $KA >/dev/null
ok $? "A registers $KA through its map"
is "$(san_key_of A 1) $(san_key_of A 2) $(san_key_of A 3)" "$KA $KA " \
	"LIO: A1 and A2 carry A's key, offline A3 nothing"
prtool register "$MB" --key $KB >/dev/null && prtool reserve "$MB" --key $KB --type we-ro >/dev/null
ok $? "B registers and reserves Write Exclusive, Registrants Only (stock dm)"
is "$(san_holder)" "B 1" "LIO: B1 holds the reservation"

# --- 1. a path dropped by a reload, no sync -----------------------------------
san_remove_path A 1
ok $? "A1 ($SD1) removed from mpathA by a table reload; no prtool sync"
# from here on (the resume destroyed the old table, A1 is no slave of the
# map any more) nothing may reach A1; before, the probe or the audit may
# have read through it, legitimately
san_trace_start
is "$(san_path_state A 1)" - "dm: A1 is not in the map"

prtool register "$MA" --old-key $KA --key $KA2 >/dev/null
ok $? "A changes its key to $KA2 through its map"
# The REGISTER finds A1 no slave and refuses it; A1 departs, and the
# probe unregisters its nexus (defect 12): a REGISTER AND IGNORE with key
# 0, the only command a departed path may send, which adds no key.
poll 5 '[ -z "$(san_key_of A 1)" ]' 0.1
is "$(san_key_of A 1)" "" "LIO: the dropped A1's nexus gave up the old key and did not get the new one"
is "$(san_key_of A 2)" "$KA2" "LIO: A2 has the new key"

prtool preempt "$MA" --key $KA2 --preempt-key $KB --type we-ro >/dev/null
ok $? "A preempts B's key through its map"
is "$(san_holder)" "A 2" "LIO: the PREEMPT went through A2 (A2 holds), not through the dropped A1"
is "$(san_key_of B 1)" "" "LIO: B's registration is gone"
is "$(san_key_of A 1)" "" "LIO: A1's nexus carries no key"

prtool clear "$MA" --key $KA2 >/dev/null
ok $? "A clears through its map"
is "$(san_registrations)" "" "LIO: no registration left"
san_trace_stop
# (its unregistration may come before the trace starts, if the audit or
# the probe found A1 gone first: none at all is fine too)
is "$(san_trace_cdbs A 1 | awk '{ print $2 "/" $3 }' | grep -vx '0x5f/0x06' | paste -sd ' ')" "" \
	"trace: no PR command but its unregistration (PR OUT REGISTER AND IGNORE) was dispatched to A1's sd ($SD1) after the reload"
diag "PR commands A1 received: $(san_trace_cdbs A 1 | awk '{ printf "%s/%s ", $2, $3 }')"
diag "PR commands A2 received: $(san_trace_cdbs A 2 | awk '{ printf "%s/%s ", $2, $3 }')"

poll 5 '! grep -qw "$SD1" <<<" $(module_paths) "'
ok $? "prtool list: the module dropped A1 ($SD1); it has: $(module_paths)"
msg=$(dmesg | grep "mpath-pr: $DMA: path $SD1 " | grep dropped)
ok $? "kernel log: a message names the map ($DMA) and the dropped path ($SD1)"
diag "$msg"
poll 5 '[ -n "$(path_failed_events "$SD1")" ]'
ok $? "monitor: a path-failed event for $SD1"
diag "$(path_failed_events "$SD1" | head -n 2)"
ev=$(jq -c --arg sd "$SD1" 'select(.event == "path-unregistered" and any(.paths[]; .name == $sd))' "$MON" 2>/dev/null)
[ -n "$ev" ]
ok $? "monitor: a path-unregistered event for $SD1 (it left the map)"
diag "$ev"

# --- 2. a path deleted, another LU under its device number --------------------
prtool register "$MA" --key $KA3 >/dev/null
ok $? "A registers $KA3 (A3 still offline: pending)"
DEV3=$(san_path_dev A 3)
HCTL3=$(<"$SAN_STATE/A/3/hctl")
TP3=$SAN_CFS/loopback/$(<"$SAN_STATE/A/3/target")/tpgt_1
san_remove_path A 3
ok $? "A3 ($SD3, $DEV3) removed from mpathA by a table reload"
echo 1 >"/sys/block/$SD3/device/delete"
# shellcheck disable=SC2320 # the status of the write is the point
ok $? "A3's sd deleted"
poll 10 '[ ! -e /sys/block/$SD3 ]'
ok $? "$SD3 is gone"

# The second LU, exported through A3's target port as LUN 1: tcm_loop adds
# the SCSI device, sd gives it the lowest free index, the one A3 had.
truncate -s 64M /tmp/dmpr-san-lun1.img &&
	mkdir -p "$LIO1" &&
	echo "fd_dev_name=/tmp/dmpr-san-lun1.img,fd_dev_size=$((64 << 20))" >"$LIO1/control" &&
	echo "$SERIAL1" >"$LIO1/wwn/vpd_unit_serial" &&
	echo 1 >"$LIO1/enable" &&
	mkdir -p "$TP3/lun/lun_1" && ln -s "$LIO1" "$TP3/lun/lun_1/dmpr_port1"
ok $? "a second LU (serial $SERIAL1) exported through A3's port as LUN 1"
NEWSD=
poll 10 '_san_find_sd "${HCTL3%:0}:1" && NEWSD=$_r'
NEWDEV=$([ -n "$NEWSD" ] && cat "/sys/block/$NEWSD/dev")
diag "the second LU is $NEWSD ($NEWDEV); A3 was $SD3 ($DEV3)"
if [ -n "$NEWSD" ] && [ "$NEWDEV" = "$DEV3" ]; then
	pass "the second LU took A3's device number $DEV3"
	dev2=$(san_path_dev A 2)
	sectors=$(<"/sys/block/$(san_path_name A 2)/size")
	dmsetup load mpathA --table "0 $sectors multipath 0 0 1 1 round-robin 0 2 1 $dev2 1 $NEWDEV 1" &&
		dmsetup suspend mpathA && dmsetup resume mpathA
	ok $? "mpathA reloaded with A2 and $NEWSD ($NEWDEV): the number is a slave of the map again, another disk; no sync"
	prtool register "$MA" --old-key $KA3 --key $KA4 >/dev/null
	ok $? "A changes its key to $KA4 through its map"
	is "$(san_key_of A 2)" "$KA4" "LIO: A2 has the new key"
	# the module's probe retries a failed or pending path every 500 ms
	sleep 3
	is "$(lu1_regs)" "" "LIO: the second LU has no registration (nothing was sent to $NEWDEV as A3)"
	poll 5 '! grep -qw "$SD3" <<<" $(module_paths) "'
	ok $? "prtool list: the module dropped the old A3; it has: $(module_paths)"
	msg=$(dmesg | grep "mpath-pr: $DMA: path $SD3 " | grep dropped)
	ok $? "kernel log: a message names the map and the dropped A3"
	diag "$msg"
	out=$(prtool sync mpathA 2>&1)
	ok $? "prtool sync mpathA" || diag "$out"
	is "$(module_paths)" "$(san_path_name A 2) $NEWSD" "prtool list: after the sync the new disk is a path (userspace said so)"
else
	skip "sd did not reuse A3's device number ($NEWSD: $NEWDEV, A3 had $DEV3)" 9
fi

kill "$mon" 2>/dev/null
wait "$mon" 2>/dev/null
prtool detach mpathA >/dev/null
ok $? "detach mpathA"
rm -f "$TP3/lun/lun_1/dmpr_port1"
rmdir "$TP3/lun/lun_1" "$LIO1" "${LIO1%/*}" 2>/dev/null
rm -f /tmp/dmpr-san-lun1.img "/etc/target/pr/aptpl_$SERIAL1"
scenario_teardown
diag "44-stale-path ran $(($(elapsed_ms "$t_start") / 1000)) s in the guest"
tap_done
