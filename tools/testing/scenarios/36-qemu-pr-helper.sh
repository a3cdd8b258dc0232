#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-kernels: 6.12
# (the nested guest boots in about two minutes on 6.12 under TCG; the other
# kernels take the same SG_IO path with sg_persist in 34-sgio-sg-persist)
# dmpr-vm-options: --nested --timeout 1500
#
# A clustered QEMU guest on host A's map (issue 12, point 2): QEMU's
# scsi-block disk on /dev/dm-N with a pr-manager-helper object served by
# Debian's qemu-pr-helper, which is not linked with libmpathpersist and
# sends the guest's PERSISTENT RESERVE commands by SG_IO on the map. The
# nested guest runs sg_persist on its /dev/sda; LIO's per-nexus state is
# checked after every step.
#
# With the module (attached): the guest's key lands on all 4 of A's
# nexuses, its reservation works, its writes succeed through each of the 4
# paths alone (the other three failed), unregistered host B cannot write;
# release and unregister clear A's nexuses; a REGISTER with APTPL is
# answered ILLEGAL REQUEST, as the module answers it; host B preempts the
# guest: its key is gone from every nexus, its writes are refused and its
# RESERVE is answered RESERVATION CONFLICT.
# Stock dm (detached), in the same guest: dm sends each SG_IO down the path
# its round-robin selector picks: the guest's REGISTER reaches one nexus
# only, its RESERVE right after is refused (another path), and once it got
# a reservation, its writes fail on the 3 paths without its key.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
. "$DMPR_LIB/nested.sh"
tap_plan 44

san_setup --paths-a 4 --paths-b 2 || tap_bail "SAN setup failed"
mod_load
trap nested_stop EXIT

MA=$(san_map A) MB=$(san_map B)
KG=0xa1 KB=0xb1 KS=0xa2

# guest CMDLINE: run it in the nested guest ($nout, $nrc); a lost guest
# ends the test
guest() {
	nested_run "$@" && return 0
	diag "$(nested_report)"
	tap_bail "the nested guest is gone (diagnostics above)"
}

# only_path I: every path of A failed but path I
only_path() {
	local j
	for ((j = 1; j <= 4; j++)); do
		if [ "$j" = "$1" ]; then
			san_restore_path A "$j"
		else
			san_fail_path A "$j"
		fi
	done
}

all_paths() {
	local j
	for ((j = 1; j <= 4; j++)); do
		san_restore_path A "$j"
	done
}

# guest_writes_per_path: for each of A's paths alone, how many of the
# guest's 2 writes failed, and whether they went through that path; sets
# refused (paths where they failed) and through (paths whose target port
# received them: scsi-block sends them by SG_IO, which the sd's disk
# statistics do not count)
guest_writes_per_path() {
	local i w0
	refused=0 through=0
	for ((i = 1; i <= 4; i++)); do
		only_path "$i"
		w0=$(san_port_cmds A "$i")
		guest "writes 2"
		[ "$nout" = 0 ] || refused=$((refused + 1))
		[ "$(san_port_cmds A "$i")" -ge $((w0 + 2)) ] && through=$((through + 1))
		diag "path $i alone: $nout of 2 guest writes failed"
	done
	all_paths
}

# reg_lines: LIO's registrations, "H I KEY" per nexus, sorted
reg_lines() { san_registrations | sort; }

prtool attach mpathA && prtool attach mpathB
ok $? "attach mpathA (4 paths) and mpathB (2 paths)"

nested_start "$(san_dm_dev A)"
ok $? "nested QEMU guest up: scsi-block on $(san_dm_dev A), pr-manager-helper to qemu-pr-helper" || {
	diag "$(nested_report)"
	tap_bail "no nested guest (diagnostics above)"
}
diag "nested guest booted in $NESTED_BOOT_SECONDS s ($NESTED_BOOTS boot(s): a nested kernel that crashes while booting is booted again, see lib/nested.sh)"
guest "sgp -i -k"
is "$nrc" 0 "guest: sg_persist -i -k answered"
grep -q 'there are NO registered reservation keys' <<<"$nout"
ok $? "guest: no registered keys" || diag "$nout"

# ---- with the module --------------------------------------------------------
guest "sgp --out --register --param-sark=$KG"
is "$nrc" 0 "guest: REGISTER $KG through qemu-pr-helper returns 0"
is "$(san_keys A)" "$KG $KG $KG $KG" "LIO: $KG on all 4 nexuses of A"
guest "sgp --out --reserve --param-rk=$KG --prout-type=5"
is "$nrc" 0 "guest: RESERVE Write Exclusive Registrants Only returns 0"
h=$(san_holder)
is "${h%% *}:$(san_res_type)" "A:5" "LIO: a nexus of A holds a WE_RO reservation"
guest "sgp -i -k"
is "$(san_parse_keys "$nout")" "$(prtool read-keys "$MA" --json | jq -r '.keys[]' | sort | tr '\n' ' ')" \
	"guest: READ KEYS lists what prtool read-keys lists on the host"
is "$(san_parse_keys "$nout")" "$(reg_lines | awk '{ print $NF }' | sort | tr '\n' ' ')" \
	"...and what LIO has registered (one key per nexus)"
guest "sgp -i -r"
grep -qE "Key=$KG" <<<"$nout" && grep -q 'Write Exclusive, registrants only' <<<"$nout"
ok $? "guest: READ RESERVATION shows $KG, Write Exclusive, registrants only" || diag "$nout"
is "$(prtool read-reservation "$MA" --json | jq -r '.reservation | "\(.key) \(.type)"')" \
	"$KG write-exclusive-reg-only" "prtool read-reservation on the host agrees"

guest_writes_per_path
is "$refused" 0 "guest: its writes work through each of A's 4 paths alone"
is "$through" 4 "...and each path's target port received them"
is "$(san_writes "$MB" 2)" 2 "unregistered host B: both writes refused"

guest "sgp --out --release --param-rk=$KG --prout-type=5"
is "$nrc:$(san_res_type)" "0:" "guest: RELEASE returns 0; LIO: no reservation"
guest "sgp --out --register --param-rk=$KG"
is "$nrc:$(san_key_count A $KG)" "0:0" "guest: unregister (service action key 0): no key on A's nexuses"

guest "sgp --out --register --param-sark=0xa9 --param-aptpl"
is "$nrc:$(reg_lines | wc -l)" "5:0" \
	"guest: REGISTER with APTPL answered ILLEGAL REQUEST (exit 5), nothing registered"

guest "sgp --out --register --param-sark=$KG && sgp --out --reserve --param-rk=$KG --prout-type=5"
h=$(san_holder)
is "$nrc:$(san_key_count A $KG):${h%% *}:$(san_res_type)" "0:4:A:5" \
	"guest registers and reserves again: $KG on 4 nexuses, A holds WE_RO"

# ---- host B fences the guest --------------------------------------------------
prtool register "$MB" --key $KB
is "$?:$(san_key_count B $KB)" "0:2" "host B registers $KB (prtool): both of B's nexuses"
prtool preempt "$MB" --key $KB --preempt-key $KG --type we-ro
is "$?" 0 "host B preempts $KG (prtool preempt)"
is "$(san_key_count A $KG)" 0 "LIO: $KG is on none of A's 4 nexuses"
h=$(san_holder)
is "${h%% *}:$(san_res_type)" "B:5" "LIO: B holds the WE_RO reservation"
guest "sgp -i -k"
is "$(san_parse_keys "$nout")" "$(reg_lines | awk '{ print $NF }' | sort | tr '\n' ' ')" \
	"guest: READ KEYS shows only B's registrations, as LIO has them"
guest "sgp -i -r"
grep -qE "Key=$KB" <<<"$nout"
ok $? "guest: READ RESERVATION shows B's key $KB" || diag "$nout"
guest "writes 4"
is "$nout" 4 "fenced guest: all 4 writes refused"
guest "sgp --out --reserve --param-rk=$KG --prout-type=5"
is "$nrc" 24 "fenced guest: its RESERVE answers RESERVATION CONFLICT (sg_persist exit 24)"
prtool clear "$MB" --key $KB
is "$?:$(reg_lines | wc -l):$(san_res_type)" "0:0:" "host B clears: no registration, no reservation"

# ---- the contrast: stock dm, same guest ---------------------------------------
prtool detach mpathA
ok $? "detach mpathA: dm's own SG_IO handling"
# the PR changes left UNIT ATTENTIONs on A's nexuses, which the guest's
# commands would meet
san_clear_ua A
guest "sgp --out --register --param-sark=$KS"
is "$nrc" 0 "stock dm: guest's REGISTER $KS returns 0"
is "$(san_key_count A $KS)" 1 "stock dm: $KS reached exactly 1 of A's 4 nexuses (dm sent it down one path)"
# dm sends each SG_IO down the path its selector picks for it: with
# round-robin the next one, so the RESERVE meets a nexus without the key
guest "sgp --out --reserve --param-rk=$KS --prout-type=5"
isnt "$nrc" 0 "stock dm: guest's RESERVE refused (dm sent it down another path than the REGISTER)"
diag "guest's sg_persist: $nout"
is "$(san_res_type)" "" "stock dm: LIO has no reservation"
# again until it meets the registered nexus (one of 4)
for ((t = 1; t <= 8; t++)); do
	guest "sgp --out --reserve --param-rk=$KS --prout-type=5"
	[ "$nrc" = 0 ] && break
done
h=$(san_holder)
is "$nrc:${h%% *}:$(san_res_type)" "0:A:5" "stock dm: the guest's RESERVE WE_RO works on try $t"
guest_writes_per_path
is "$refused" 3 "stock dm: the guest's writes are refused on the 3 paths without its key"
# clean up through the nexus that has the key
i=$(san_path_with_key A $KS)
out=$(san_sg_persist --out --clear --param-rk=$KS "/dev/$(san_path_name A "$i")")
is "$?:$(reg_lines | wc -l)" "0:0" "stock dm: CLEAR on that nexus's path: no registration left" || diag "$out"

nested_stop
trap - EXIT
ok 0 "nested guest powered off"
helper_log=$(grep -v '^$' "$NESTED_DIR/helper.log")
is "$helper_log" "" "qemu-pr-helper logged no error" || diag "$helper_log"
prtool detach mpathB
ok $? "detach mpathB"
scenario_teardown
tap_done
