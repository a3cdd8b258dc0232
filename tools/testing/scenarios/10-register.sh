#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-kernels: 6.1 6.12
#
# REGISTER through the module, against LIO (issue: foundation).
#
# Host A has 4 paths. Registering through the map puts A's key on every
# I_T nexus; with one path failed, a key change still succeeds on the live
# paths and the failed path gets the new key when it returns. The same
# steps with the module detached show what upstream dm does: the call fails
# and the healthy path ends up unregistered.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
tap_plan 28

KEY1=0xa1a1 KEY2=0xa2a2 KEY3=0xa3a3 KEYB=0xb1b1

san_setup --paths-a 4 --paths-b 2
mod_load

# all_keys_are HOST KEY: every path of HOST shows KEY in LIO
all_keys_are() {
	local host=$1 want=$2 i n
	n=$(san_npaths "$host")
	for i in $(seq 1 "$n"); do
		[ "$(san_key_of "$host" "$i")" = "$want" ] || return 1
	done
}

# pr ARGS...: prtool ARGS, its status noted for check.sh's rc-compare
pr() {
	local rc
	prtool "$@"
	rc=$?
	rc_note "prtool $*" "$rc"
	return "$rc"
}

prtool attach mpathA
ok $? "prtool attach mpathA"
pr register /dev/mapper/mpathA --key $KEY1
ok $? "register A's key through the map"
for i in 1 2 3 4; do
	is "$(san_key_of A "$i")" "$KEY1" "LIO: nexus A$i carries A's key"
done

prtool attach mpathB && pr register /dev/mapper/mpathB --key $KEYB
ok $? "host B attaches and registers"
is "$(san_key_of B 1) $(san_key_of B 2)" "$KEYB $KEYB" "LIO: both nexuses of B carry B's key"
is "$(san_key_of A 1)" "$KEY1" "B's registration left A's alone"

# --- a path of A fails; A changes its key ---
san_fail_path A 2
pr register /dev/mapper/mpathA --old-key $KEY1 --key $KEY2
ok $? "key change with path A2 down returns 0"
for i in 1 3 4; do
	is "$(san_key_of A "$i")" "$KEY2" "LIO: live nexus A$i carries the new key"
done
is "$(san_key_of A 2)" "$KEY1" "LIO: the dead nexus A2 still has the old key"
prtool list
prtool list --json | jq -e '.attachments[0].paths | length == 4' >/dev/null
ok $? "prtool list --json shows A's 4 paths"

t0=$EPOCHREALTIME
san_restore_path A 2
if poll 10 '[ "$(san_key_of A 2)" = "'$KEY2'" ]'; then
	ok 0 "returning path A2 gets the new key"
	diag "A2 registered $(elapsed_ms "$t0") ms after it was restored"
else
	ok 1 "returning path A2 gets the new key (has '$(san_key_of A 2)')"
fi
all_keys_are A $KEY2
ok $? "LIO: all 4 nexuses of A carry the new key"

# --- the contrast: the same steps through stock dm ---
prtool detach mpathA
ok $? "detach mpathA (stock dm pr_ops from here on)"
san_fail_path A 2
pr register /dev/mapper/mpathA --old-key $KEY2 --key $KEY3
rc=$?
isnt "$rc" 0 "stock dm: key change with path A2 down fails (prtool exit $rc)"
is "$(san_key_of A 1)" "" "stock dm: the healthy path A1 ends up unregistered"
is "$(san_key_of A 2)" "$KEY2" "stock dm: the dead nexus A2 keeps the old key"
san_dump
san_restore_path A 2
sleep 1
is "$(san_key_of A 2)" "$KEY2" "stock dm: nothing registers the returning path"

prtool detach mpathB
ok $? "detach mpathB"
scenario_teardown
tap_done
