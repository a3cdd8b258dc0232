#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reservations through the module, against LIO (issue 3).
#
# Host A (mpathA, 2 paths) and host B (mpathB, 2 paths), both attached.
# The PR OUT commands go through `prtool mpathpersist`, which issues the
# IOC_PR_* ioctls on the map, so they reach the module's engine; its exit
# codes (0, 11 = RESERVATION CONFLICT, 5 = ILLEGAL REQUEST) are asserted
# with the same expectation on every kernel. LIO's configfs gives the
# ground truth per I_T nexus after every step.
#
#  - every registrants-only and all-registrants type: A reserves, A's writes
#    through the map (both paths) work, unregistered B's writes fail, A
#    releases;
#  - B cannot reserve while A holds; A's RELEASE with the wrong type
#    conflicts;
#  - RELEASE with the holder path down while a writer runs on the map: the
#    reservation is gone, A's live path keeps the key, the writer saw no
#    error, and the returning path gets the key back;
#  - A preempts B: B's nexuses lose their key, B's writes fail with EBADE;
#  - A preempts itself (changing the type): every nexus of A keeps the key;
#  - single-holder types under each single_holder policy;
#  - clear.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
tap_plan 84

san_setup --paths-a 2 --paths-b 2 || tap_bail "SAN setup failed"
mod_load

MA=$(san_map A) MB=$(san_map B)
KA=0xa1 KB=0xb1
PARAM=/sys/module/dm_mpath_pr/parameters/single_holder

# mpp ARGS...: prtool mpathpersist; sets $rc, shows its complaints
mpp() {
	local err
	err=$(prtool mpathpersist -v1 "$@" 2>&1 >/dev/null)
	rc=$?
	rc_note "mpathpersist $*" "$rc"
	[ -z "$err" ] || diag "mpathpersist $*: $err"
}

holder_host() { local h; h=$(san_holder); echo "${h%% *}"; }


# show_json MAP: the module's view of an attached map
show_json() { prtool show "$1" --json; }

prtool attach mpathA && prtool attach mpathB
ok $? "attach mpathA and mpathB"
prtool register "$MA" --key $KA
ok $? "A registers $KA through the map"
is "$(san_keys A)" "$KA $KA" "LIO: both nexuses of A carry A's key"

# ---- every registrants-only and all-registrants type -----------------------
for t in 5 6 7 8; do
	mpp --out --reserve --param-rk=$KA --prout-type=$t "$MA"
	is "$rc" 0 "type $t: A's RESERVE returns 0"
	is "$(san_res_type)" "$t" "type $t: LIO has the reservation"
	[ "$t" -lt 7 ] && is "$(holder_host)" A "type $t: a nexus of A holds it"
	is "$(san_writes "$MA" 4)" 0 "type $t: 4 writes of A through both paths work"
	is "$(san_writes "$MB" 1)" 1 "type $t: a write of unregistered B fails"
	mpp --out --release --param-rk=$KA --prout-type=$t "$MA"
	is "$rc:$(san_res_type)" "0:" "type $t: A's RELEASE returns 0 and LIO has no reservation"
done

# ---- conflicts ----------------------------------------------------------------
prtool register "$MB" --key $KB
ok $? "B registers $KB"
mpp --out --reserve --param-rk=$KA --prout-type=6 "$MA"
is "$rc:$(san_res_type):$(holder_host)" "0:6:A" "A reserves Exclusive Access, registrants only"
mpp --out --reserve --param-rk=$KB --prout-type=6 "$MB"
is "$rc" 11 "B's RESERVE while A holds: 11 (conflict) on every kernel"
mpp --out --release --param-rk=$KA --prout-type=5 "$MA"
is "$rc" 11 "A's RELEASE with the wrong type: 11 (LIO answers conflict)"
is "$(san_res_type):$(holder_host)" "6:A" "LIO: A still holds the reservation"
mpp --out --release --param-rk=$KB --prout-type=6 "$MB"
is "$rc:$(san_res_type)" "0:6" "B's RELEASE of A's reservation: 0, and it stays"
j=$(show_json mpathA)
lio_holder=$(san_holder)
is "$(jq -r '.reservation.type_value, .reservation.holder.name' <<<"$j" | tr '\n' ' ')" \
	"4 $(san_path_name A "${lio_holder#A }") " \
	"prtool show: the module knows the type, and as holder the path of LIO's holder nexus ($lio_holder)"
mpp --out --release --param-rk=$KA --prout-type=6 "$MA"
is "$rc:$(san_res_type)" "0:" "A releases"

# ---- RELEASE with the holder path down, a writer on the map ----------------
mpp --out --reserve --param-rk=$KA --prout-type=5 "$MA"
is "$rc:$(san_holder)" "0:A 1" "A reserves WE_RO through path A1"
rm -f /tmp/writer.stop /tmp/writer.fail /tmp/writer.count
(
	n=0
	while [ ! -e /tmp/writer.stop ]; do
		dd if=/dev/zero of="$MA" bs=4k count=16 seek=$((n % 64 * 16)) \
			oflag=direct conv=notrunc 2>/dev/null ||
			echo "write $n failed" >>/tmp/writer.fail
		n=$((n + 1))
		echo "$n" >/tmp/writer.count
	done
) &
writer=$!
poll 20 '[ -s /tmp/writer.count ]' 0.1
san_fail_path A 1
ok $? "path A1 (the holder) fails"
n0=$(</tmp/writer.count)
mpp --out --release --param-rk=$KA --prout-type=5 "$MA"
is "$rc" 0 "RELEASE with the holder path down returns 0"
is "$(san_res_type)" "" "LIO: no reservation"
is "$(san_key_of A 2)" "$KA" "LIO: the live nexus A2 still carries A's key"
is "$(san_key_of A 1)" "" "LIO: the dead nexus A1 lost its key (self-preempt)"
is "$(san_keys B)" "$KB $KB" "LIO: B's registrations untouched"
# shellcheck disable=SC2016 # poll evaluates it
poll 30 '[ "$(</tmp/writer.count)" -ge $((n0 + 3)) ]' 0.2
: >/tmp/writer.stop
wait "$writer"
n1=$(</tmp/writer.count)
is "$(cat /tmp/writer.fail 2>/dev/null)" "" "the writer saw no I/O error ($n1 writes of 64 KiB)"
ok $((n1 < n0 + 3)) "the writer kept writing after the release ($n0 -> $n1)"
san_restore_path A 1
# shellcheck disable=SC2016 # poll evaluates it
if poll 15 '[ "$(san_key_of A 1)" = "'$KA'" ]' 0.2; then
	pass "the returning path A1 is registered again"
else
	fail "the returning path A1 is registered again (has '$(san_key_of A 1)')"
fi

# ---- A preempts B ---------------------------------------------------------------
mpp --out --reserve --param-rk=$KB --prout-type=5 "$MB"
is "$rc:$(san_res_type):$(holder_host)" "0:5:B" "B reserves WE_RO"
is "$(san_writes "$MA" 2)" 0 "registered A can write under B's WE_RO"
mpp --out --preempt --param-rk=$KA --param-sark=$KB --prout-type=6 "$MA"
is "$rc" 0 "A preempts B (EA_RO): 0"
is "$(san_res_type):$(holder_host)" "6:A" "LIO: A holds EA_RO now"
is "$(san_keys B)" " " "LIO: both nexuses of B lost B's key"
is "$(san_keys A)" "$KA $KA" "LIO: A's nexuses keep A's key"
out=$(dd if=/dev/zero of="$MB" bs=4k count=1 oflag=direct conv=notrunc 2>&1)
rc=$?
isnt "$rc" 0 "B's write fails"
like "$out" "Invalid exchange" "B's write fails with EBADE (RESERVATION CONFLICT)"
is "$(san_writes "$MA" 4)" 0 "A's writes through both paths work"

# ---- A preempts itself --------------------------------------------------------------
mpp --out --preempt --param-rk=$KA --param-sark=$KA --prout-type=5 "$MA"
is "$rc" 0 "A preempts its own key, changing the type to WE_RO: 0"
is "$(san_res_type):$(holder_host)" "5:A" "LIO: A holds WE_RO"
is "$(san_keys A)" "$KA $KA" "LIO: both nexuses of A carry A's key again"
is "$(san_writes "$MA" 4)" 0 "A's writes through both paths work"

# ---- read keys, read reservation (through the module where the kernel has
# IOC_PR_READ_*, else prtool reads over SG_IO) -------------------------------------
j=$(prtool read-keys "$MA" --json)
is "$(jq -r '.keys | sort | join(" ")' <<<"$j")" "$KA $KA" "read-keys: A's two registrations (B was preempted)"
is "$(jq -r '.generation' <<<"$j")" "$(san_generation)" "read-keys: LIO's generation"
j=$(prtool read-reservation "$MB" --json)
is "$(jq -r '.reservation.key' <<<"$j")" "$KA" "read-reservation: A's key holds it"
mpp --out --release --param-rk=$KA --prout-type=5 "$MA"
is "$rc:$(san_res_type)" "0:" "A releases"

# ---- PREEMPT with key 0 of a registrants-only reservation -----------------------
prtool register "$MB" --key $KB
ok $? "B registers again"
mpp --out --reserve --param-rk=$KB --prout-type=5 "$MB"
is "$rc:$(san_res_type):$(holder_host)" "0:5:B" "B reserves WE_RO"
mpp --out --preempt --param-rk=$KA --param-sark=0 --prout-type=5 "$MA"
is "$rc:$(san_res_type):$(holder_host)" "5:5:B" "PREEMPT of key 0 (not all registrants): 5 (ILLEGAL REQUEST), nothing changes"
mpp --out --release --param-rk=$KB --prout-type=5 "$MB"
is "$rc" 0 "B releases"

# ---- single-holder types -------------------------------------------------------------
is "$(<$PARAM)" passthrough "single_holder defaults to passthrough"
mpp --out --reserve --param-rk=$KA --prout-type=1 "$MA"
is "$rc:$(san_res_type)" "0:1" "passthrough: Write Exclusive is sent as is"
bad=$(san_writes "$MA" 4)
isnt "$bad" 0 "passthrough: $bad of A's 4 writes fail (the non-holder path)"
mpp --out --release --param-rk=$KA --prout-type=1 "$MA"
is "$rc:$(san_res_type)" "0:" "A releases Write Exclusive"

echo refuse >$PARAM
mpp --out --reserve --param-rk=$KA --prout-type=3 "$MA"
is "$rc:$(san_res_type)" "5:" "refuse: Exclusive Access is refused (5), nothing is sent"

echo translate >$PARAM
mpp --out --reserve --param-rk=$KA --prout-type=1 "$MA"
is "$rc:$(san_res_type)" "0:5" "translate: Write Exclusive becomes WE_RO on the device"
is "$(show_json mpathA | jq -r '.reservation.type_value')" 1 \
	"translate: the module reports the type asked for"
is "$(san_writes "$MA" 4)" 0 "translate: A's writes through both paths work"
is "$(san_writes "$MB" 1)" 0 "translate: registered B can write too (the documented cost)"
mpp --out --release --param-rk=$KA --prout-type=1 "$MA"
is "$rc:$(san_res_type)" "0:" "translate: A releases Write Exclusive"
echo passthrough >$PARAM

# ---- clear ------------------------------------------------------------------------------
mpp --out --reserve --param-rk=$KA --prout-type=7 "$MA"
is "$rc:$(san_res_type)" "0:7" "A reserves WE_AR"
mpp --out --clear --param-rk=$KA "$MA"
is "$rc" 0 "A clears"
is "$(san_registrations | wc -l):$(san_res_type)" "0:" "LIO: no registration, no reservation"
j=$(show_json mpathA)
is "$(jq -r '[.key, .reservation, (.paths | map(.registration) | join(","))] | join(" ")' <<<"$j")" \
	"  none,none" "prtool show: no key wanted, no reservation, no path registered"

prtool detach mpathA && prtool detach mpathB
ok $? "detach both maps"
scenario_teardown
tap_done
