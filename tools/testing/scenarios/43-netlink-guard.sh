#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-kernels: 6.12
#
# The netlink family's guard (issue 4): who may talk to it, and how it
# rejects requests it cannot take.
#
# 1. Without CAP_SYS_ADMIN every command of the family (ATTACH, DETACH, GET
#    doit and dump, SYNC, PATH_STATE, RESYNC, SET) gets EPERM and joining
#    the "events" group fails, as an unprivileged user (uid 65534, no
#    capabilities: the genetlink core refuses, GENL_ADMIN_PERM) and as root
#    without CAP_SYS_ADMIN but with CAP_NET_ADMIN (the module refuses, with
#    an extack message). Each command is sent alone by nltest, a raw libnl
#    client; prtool fails the same way with exit status 5. Nothing changed.
# 2. Malformed requests (unknown attribute, wrong type or length, too many
#    paths, a minor out of range, a device that is not dm, a dm map that is
#    not multipath, a path that is not a slave of the map, a missing
#    attribute) are rejected with an extack message, and nothing is
#    attached afterwards. prtool prints the kernel's message for a request
#    it sends (DETACH of a map that is not attached).
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
tap_plan 98

san_setup --paths-a 2 --paths-b 2 || tap_bail "SAN setup failed"
mod_load
command -v nltest >/dev/null || tap_bail "nltest is not in the guest (check.sh builds it)"

DA=$(san_map_devno A) DB=$(san_map_devno B)
PA1=$(san_path_dev A 1) PA2=$(san_path_dev A 2) PB1=$(san_path_dev B 1)
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all)
NOSYSADMIN=(setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin)

# nl [PREFIX...] -- NLTEST-ARGS...: run nltest (under PREFIX, e.g. setpriv);
# sets nl_rc (its status), nl_errno (EPERM, 0, ...), nl_msg (the extack
# message), nl_why (the message, else the missing attribute the extack
# names, as prtool prints it), nl_out (the whole line)
nl() {
	local pre=()
	while [ "$1" != -- ]; do pre+=("$1"); shift; done
	shift
	nl_out=$("${pre[@]}" nltest "$@" 2>&1)
	nl_rc=$?
	nl_errno='' nl_msg=''
	[[ $nl_out =~ errno=([A-Z0-9]+) ]] && nl_errno=${BASH_REMATCH[1]}
	[[ $nl_out =~ extack=\"([^\"]*)\" ]] && nl_msg=${BASH_REMATCH[1]}
	nl_why=$nl_msg
	[[ -z $nl_why && $nl_out =~ missing-attr=([0-9]+) ]] &&
		nl_why="missing attribute ${BASH_REMATCH[1]}"
	diag "nltest $*: $nl_out"
}

# attached: the maps attached, by dm name, sorted, space separated
attached() { prtool list --json | jq -r '[.attachments[].map] | sort | join(" ")'; }

# ---- 1. no CAP_SYS_ADMIN ------------------------------------------------------
prtool attach mpathA
ok $? "root attaches mpathA"

# the request of each command, valid as far as attributes go
declare -A REQ=(
	[attach]="attach dev=$DB path=$PB1"
	[detach]="detach dev=$DA"
	[get]="get dev=$DA"
	[get-dump]="--dump get"
	[sync]="sync dev=$DA path=$PA1 path=$PA2"
	[path-state]="path-state dev=$DA path=$PA1:2"
	[resync]="resync dev=$DA"
	[set]="set dev=$DA u32:probe_interval=1000"
)
ORDER=(attach detach get get-dump sync path-state resync set)

for who in nobody nosysadmin; do
	if [ "$who" = nobody ]; then pre=("${NOBODY[@]}"); else pre=("${NOSYSADMIN[@]}"); fi
	for c in "${ORDER[@]}"; do
		# shellcheck disable=SC2086 # the request is a word list
		nl "${pre[@]}" -- ${REQ[$c]}
		is "$nl_errno" EPERM "$who: ${c^^} gets EPERM"
		if [ "$who" = nobody ]; then
			:
		elif [ "$c" = get-dump ] && [[ $(uname -r) == 6.1.* ]]; then
			# genetlink of 6.1 gives a dump's start() no extack
			# (its netlink_dump_control has none): EPERM only
			skip "6.1's genetlink drops the extack of a dump's start"
		else
			isnt "$nl_msg" "" "$who: ${c^^} has an extack message ('$nl_msg')"
		fi
	done
	nl "${pre[@]}" -- join events
	is "$nl_errno" EPERM "$who: joining the events group fails with EPERM"

	err=$("${pre[@]}" prtool list 2>&1)
	is "$?" 5 "$who: prtool list exits with 5"
	diag "prtool list: $err"
	like "$err" "CAP_SYS_ADMIN" "$who: prtool list names CAP_SYS_ADMIN"
	err=$("${pre[@]}" prtool list --json 2>&1 >/dev/null)
	is "$?" 5 "$who: prtool list --json exits with 5"
	err=$("${pre[@]}" prtool show 2>&1 >/dev/null)
	is "$?" 5 "$who: prtool show (every map) exits with 5"
	diag "prtool show: $err"
	for c in "detach mpathA" "attach mpathB"; do
		# shellcheck disable=SC2086
		err=$("${pre[@]}" prtool $c 2>&1)
		rc=$?
		isnt "$rc" 0 "$who: prtool $c fails (exit $rc)"
		diag "prtool $c: $err"
		like "$err" "CAP_SYS_ADMIN" "$who: prtool $c names CAP_SYS_ADMIN"
	done
	err=$("${pre[@]}" timeout 10 prtool monitor 2>&1)
	is "$?" 5 "$who: prtool monitor exits with 5"
	diag "prtool monitor: $err"
done
is "$(attached)" mpathA "nothing changed: only mpathA is attached"
nl -- get dev=$DA
is "$nl_errno" 0 "root: GET of mpathA works"
prtool detach mpathA
ok $? "root detaches mpathA"

# ---- 2. malformed requests ----------------------------------------------------
# a dm map that is not multipath
LIN=dmpr-linear
dmsetup create $LIN --table "0 2048 linear /dev/$(san_path_name B 2) 0" &&
	{ [ -b /dev/mapper/$LIN ] || dmsetup mknodes $LIN; }
ok $? "a linear map $LIN for the tests"
DL=$(dmsetup info -c --noheadings -o major,minor --separator : $LIN)

# rejected NAME NLTEST-ARGS...: the request fails with an extack message
rejected() {
	local name=$1
	shift
	nl -- "$@"
	if [ "$nl_rc" = 1 ] && [ -n "$nl_errno" ] && [ "$nl_errno" != 0 ]; then
		pass "$name: rejected with $nl_errno"
	else
		fail "$name: rejected (nltest: $nl_out)"
	fi
	isnt "$nl_why" "" "$name: extack says why ('$nl_why')"
}

rejected "unknown attribute type 200" attach dev=$DA path=$PA1 u32:200=1
rejected "reply-only attribute DEV_NAME in ATTACH" attach dev=$DA path=$PA1 str:dev_name=dm-0
rejected "DEV_MAJOR as u16" attach u16:dev_major=${DA%:*} u32:dev_minor=${DA#*:} path=$PA1
rejected "KEY as u32" attach dev=$DA path=$PA1 u32:key=5
rejected "PATH not a nest" attach dev=$DA u32:path=8
rejected "$((64 + 1)) paths (DM_MPATH_PR_MAX_PATHS is 64)" attach dev=$DA paths=65@${PA1}
rejected "minor out of range (1 << 20)" attach dev=${DA%:*}:1048576 path=$PA1
rejected "major out of range (1 << 12)" detach dev=4096:0
rejected "no DEV_MINOR" attach u32:dev_major=${DA%:*} path=$PA1
rejected "no PATH" attach dev=$DA
rejected "a SCSI disk, not dm ($PA1)" attach dev=$PA1 path=$PA2
rejected "a linear map ($LIN)" attach dev=$DL path="$(san_path_dev B 2)"
rejected "a path of B in A's ATTACH" attach dev=$DA path=$PA1 path=$PB1
rejected "the same path twice" attach dev=$DA path=$PA1 path=$PA1
rejected "DETACH of a map that is not attached" detach dev=$DA
rejected "GET of a map that is not attached" get dev=$DA

nl -- --dump get
is "$nl_errno:${nl_out##*messages=}" "0:0" "GET dump: no attachment after all of that"
is "$(attached)" "" "prtool list --json: no attachment"

# prtool: what it can send, it reports with the kernel's message
err=$(prtool detach mpathA 2>&1)
is "$?" 5 "prtool detach of a map that is not attached exits with 5"
diag "prtool detach mpathA: $err"
nl -- detach dev=$DA
if [ -n "$nl_msg" ] && [[ $err == *"$nl_msg"* ]]; then
	pass "prtool prints the kernel's extack message"
else
	fail "prtool prints the kernel's extack message ('$nl_msg')"
fi
err=$(prtool attach $LIN 2>&1)
rc=$?
isnt "$rc" 0 "prtool attach of the linear map fails (exit $rc)"
diag "prtool attach $LIN: $err"
like "$err" "multipath" "prtool says the map is not multipath"
is "$(attached)" "" "still no attachment"

# A linear map with a uuid like multipath-tools' ("mpath-..."): the module
# cannot see a map's targets (dm's table is private to dm-mod; see
# Documentation/kernel.md), so prtool is what looks at the target type.
LINM=dmpr-linear-mpath
dmsetup create $LINM --uuid mpath-dmpr-linear \
	--table "0 2048 linear /dev/$(san_path_name B 2) 2048" &&
	{ [ -b /dev/mapper/$LINM ] || dmsetup mknodes $LINM; }
ok $? "a linear map $LINM with an mpath- uuid"
err=$(prtool attach $LINM 2>&1)
rc=$?
isnt "$rc" 0 "prtool attach of $LINM fails (exit $rc)"
diag "prtool attach $LINM: $err"
like "$err" "linear" "prtool names the map's target type"
is "$(attached)" "" "still no attachment"

dmsetup remove $LIN && dmsetup remove $LINM
ok $? "remove $LIN and $LINM"
scenario_teardown
tap_done
