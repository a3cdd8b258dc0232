#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module and attachment lifetime (Documentation/kernel.md, "Lifetime"):
# rmmod works while nothing was ever attached; the first attach pins the
# module until reboot (a caller may hold the module's pr_ops across a
# sleep, which no grace period covers), so rmmod is refused (EBUSY) while
# a map is attached and after the detach as well; the pinned module keeps
# working; removing an attached dm map takes the attachment with it
# without blocking the removal. On the debug kernel the runner fails the
# test on any kmemleak, KASAN or lockdep report.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
tap_plan 30

PINNED=/sys/module/dm_mpath_pr/parameters/pinned

# refused WHAT: rmmod must fail as in use (EBUSY) and leave the module
refused() {
	local err rc
	err=$(rmmod dm_mpath_pr 2>&1)
	rc=$?
	isnt "$rc" 0 "rmmod is refused $1"
	diag "rmmod said: $err"
	[[ $err == *"in use"* ]]
	ok $? "... as in use (EBUSY)"
	[ -d /sys/module/dm_mpath_pr ]
	ok $? "... and the module is still loaded"
}

san_setup --paths-a 2 --paths-b 2
mod_load
is "$(<$PINNED)" N "not pinned while nothing was attached"
rmmod dm_mpath_pr
ok $? "rmmod works while nothing was ever attached"
[ ! -d /sys/module/dm_mpath_pr ]
ok $? "the module is gone"
mod_load

prtool attach mpathA
ok $? "attach mpathA"
is "$(<$PINNED)" Y "the attach pinned the module"
refused "while mpathA is attached"
prtool register /dev/mapper/mpathA --key 0x77
ok $? "the attachment still works after the refused rmmod"
is "$(san_key_of A 1) $(san_key_of A 2)" "0x77 0x77" "LIO: both nexuses registered"
prtool unregister /dev/mapper/mpathA --key 0x77
ok $? "unregister"

prtool detach mpathA
ok $? "detach mpathA"
is "$(prtool list --json | jq '.attachments | length')" 0 "no attachment left"
refused "after the detach: pinned until reboot"
is "$(<$PINNED)" Y "still pinned"

prtool attach mpathA && prtool attach mpathB
ok $? "the pinned module attaches both maps again"
dmsetup remove mpathA
ok $? "dmsetup remove of an attached map works"
is "$(prtool list --json | jq -r '.attachments[].map' | tr '\n' ' ')" "$(san_dm_name B) " \
	"only B's attachment is left"
dmsetup remove mpathB
ok $? "dmsetup remove mpathB"
is "$(prtool list --json | jq '.attachments | length')" 0 "no attachment left after both maps are gone"
refused "after the maps went away"

scenario_teardown
tap_done
