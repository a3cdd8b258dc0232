#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed SG_IO PERSISTENT RESERVE requests on an attached map (issue 12):
# the user-copy paths of kernel/sgio.c, in the VM (KUnit's dm_mpath_pr_sgio
# covers the rules without them).
#
# Host A (4 paths, attached, key registered on every nexus through the
# module, Write Exclusive Registrants Only held) and host B (2 paths,
# registered). sgio-bad (tools/testing/sgio-bad/sgio-bad.c) sends each
# malformed request with SG_IO on A's map: bad dxferp (PR OUT and PR IN,
# (void *)1, an unmapped page, a read-only page), bad cmdp, bad sbp (with a
# GOOD and with a CHECK CONDITION answer, mx_sb_len 0 and 8), a bad header
# pointer, iovec_count 1, interface_id 'Q', SG_DXFER_NONE or a direction
# that does not exist with data, cmd_len 33, dxfer_len beyond the queue's
# max_hw_sectors, less data than the parameter list length, and PR IN with
# allocation lengths 0, 8, 12 and larger than dxfer_len. It checks errno,
# status, sense and resid against Documentation/kernel.md ("SG_IO") and,
# for what the block layer refuses before sending and for the reads, that
# the map's answer is the same as A's first path's (LIO through sd).
# Asserted here as well: LIO's registrations, reservation and PR generation
# are what they were before (no request changed anything at the target).
# On debug the runner fails the scenario on a KASAN or kmemleak report.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
# 45 results of sgio-bad
tap_plan $((7 + 45 + 5))

san_setup --paths-a 4 --paths-b 2 || tap_bail "SAN setup failed"
mod_load
command -v sgio-bad >/dev/null || tap_bail "sgio-bad is not in the guest (check.sh builds it)"

MA=$(san_map A) MB=$(san_map B)
KA=0xa1 KB=0xb1

prtool attach mpathA && prtool attach mpathB
ok $? "attach mpathA (4 paths) and mpathB (2 paths)"
prtool register "$MA" --key $KA && prtool register "$MB" --key $KB
ok $? "A registers $KA, B $KB (prtool)"
prtool reserve "$MA" --key $KA --type we-ro
ok $? "A reserves Write Exclusive, Registrants Only"

# lio_state: registrations, holder, type and PR generation at the target
lio_state() {
	echo "$(san_registrations | sort | tr '\n' ' ')| $(san_holder) | $(san_res_type) | $(san_generation)"
}
before=$(lio_state)
diag "LIO before: $before"

out=$(sgio-bad "$MA" "/dev/$(san_path_name A 1)" 2>&1)
rc=$?
n=0
while IFS= read -r line; do
	case $line in
	'ok - '*) pass "${line#ok - }"; n=$((n + 1)) ;;
	'not ok - '*) fail "${line#not ok - }"; n=$((n + 1)) ;;
	'#'*) echo "$line" ;;
	*) diag "sgio-bad: $line" ;;
	esac
done <<<"$out"
is "$rc" 0 "sgio-bad exits 0 (every case as documented)"
is "$n" 45 "sgio-bad reported all 45 results"

after=$(lio_state)
is "$after" "$before" "LIO: registrations, holder, type and generation unchanged"
prtool release "$MA" --key $KA --type we-ro && prtool unregister "$MA" --key $KA &&
	prtool unregister "$MB" --key $KB
ok $? "A releases and unregisters, B unregisters (prtool)"

scenario_teardown
tap_done
