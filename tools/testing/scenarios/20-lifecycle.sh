#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module and attachment lifetime: rmmod is refused while a map is attached,
# detach then rmmod works, and removing an attached dm map takes the
# attachment with it without blocking the removal. On the debug kernel the
# runner fails the test on any kmemleak, KASAN or lockdep report.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"

san_setup --paths-a 2 --paths-b 2
mod_load

prtool attach mpathA
ok $? "attach mpathA"
err=$(rmmod dm_mpath_pr 2>&1)
isnt "$?" 0 "rmmod is refused while mpathA is attached"
diag "rmmod said: $err"
[ -d /sys/module/dm_mpath_pr ]
ok $? "the module is still loaded"
prtool register /dev/mapper/mpathA --key 0x77
ok $? "the attachment still works after the refused rmmod"
is "$(san_key_of A 1) $(san_key_of A 2)" "0x77 0x77" "LIO: both nexuses registered"
prtool unregister /dev/mapper/mpathA --key 0x77
ok $? "unregister"

prtool detach mpathA
ok $? "detach mpathA"
is "$(prtool list --json | jq '.attachments | length')" 0 "no attachment left"
rmmod dm_mpath_pr
ok $? "rmmod works once nothing is attached"

mod_load
prtool attach mpathA && prtool attach mpathB
ok $? "attach both maps again"
dmsetup remove mpathA
ok $? "dmsetup remove of an attached map works"
is "$(prtool list --json | jq -r '.attachments[].map' | tr '\n' ' ')" "$(san_dm_name B) " \
	"only B's attachment is left"
dmsetup remove mpathB
ok $? "dmsetup remove mpathB"
is "$(prtool list --json | jq '.attachments | length')" 0 "no attachment left after both maps are gone"
rmmod dm_mpath_pr
ok $? "rmmod works after the maps went away"

san_teardown
tap_done
