#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-kernels: 6.1 6.12
# dmpr-vm-options: --timeout 600
#
# A path added by a table reload gets the host's key (issue 4, C).
#
# Host A is registered through its attached map. A new path (a new I_T
# nexus of the same LUN) is added to A's table the way multipathd does it:
# dmsetup load of the table with the extra path, suspend, resume.
#  1. `prtool sync mpathA` afterwards registers the new path.
#  2. With `prtool daemon --foreground` running in the background, another new path is
#     registered with no manual step (LIO polled, the time it took
#     printed).
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
tap_plan 19

KA=0xa42a
DAEMON_WAIT=${DAEMON_WAIT:-30}
DLOG=/run/dmpr-42-daemon.log

t_start=$EPOCHREALTIME
out=$(san_setup --paths-a 2 --paths-b 0 2>&1)
ok $? "SAN: host A with 2 paths" || { diag "$out"; tap_bail "no SAN"; }
mod_load
MA=$(san_map A)

# npaths_module: the number of paths the module has for mpathA
npaths_module() {
	prtool list --json | jq --arg m "$(san_dm_name A)" \
		'[.attachments[] | select(.map == $m) | .paths[]] | length'
}

prtool attach mpathA >/dev/null && prtool register "$MA" --key $KA >/dev/null
ok $? "attach mpathA, A registers"
is "$(san_key_of A 1) $(san_key_of A 2)" "$KA $KA" "LIO: both nexuses of A carry A's key"

# --- 1. reload, then prtool sync ----------------------------------------------
i=$(san_add_new_path A)
ok $? "path A$i added to mpathA by a table reload (load, suspend, resume)"
is "$(san_path_state A "$i")" A "dm: path A$i is active in the map"
diag "before the sync: nexus A$i has key '$(san_key_of A "$i")', the module knows $(npaths_module) paths"
t0=$EPOCHREALTIME
out=$(prtool sync mpathA 2>&1)
ok $? "prtool sync mpathA" || diag "$out"
if poll 10 '[ "$(san_key_of A '"$i"')" = '"$KA"' ]'; then
	pass "LIO: the new path A$i carries A's key after the sync"
	diag "A$i registered $(elapsed_ms "$t0") ms after the sync started"
else
	fail "LIO: the new path A$i carries A's key after the sync (has '$(san_key_of A "$i")')"
fi
is "$(npaths_module)" 3 "prtool list: the module has A's 3 paths"

# --- 2. prtool daemon, no manual step ---------------------------------------------
prtool daemon --foreground >"$DLOG" 2>&1 &
dpid=$!
# ready once it has synced the attached map at start (it listens to
# uevents from before that)
# shellcheck disable=SC2016 # poll evaluates it
poll 30 'grep -q "synced mpathA" "$DLOG"' && kill -0 "$dpid" 2>/dev/null
ok $? "prtool daemon runs in the background (synced mpathA)" || diag "daemon: $(head -c 1000 "$DLOG")"
t0=$EPOCHREALTIME
j=$(san_add_new_path A)
ok $? "path A$j added to mpathA by a table reload, nothing else done"
if poll "$DAEMON_WAIT" '[ "$(san_key_of A '"$j"')" = '"$KA"' ]' 0.02; then
	pass "LIO: the new path A$j carries A's key, registered with the daemon's help"
	diag "A$j registered $(elapsed_ms "$t0") ms after the reload started (the reload itself took part of it)"
else
	fail "LIO: the new path A$j carries A's key within ${DAEMON_WAIT}s (has '$(san_key_of A "$j")')"
fi
is "$(npaths_module)" 4 "prtool list: the module has A's 4 paths"
for ((p = 1; p <= 4; p++)); do
	[ "$(san_key_of A "$p")" = $KA ] || break
done
is "$p" 5 "LIO: all 4 nexuses of A carry A's key"
kill "$dpid" 2>/dev/null
wait "$dpid" 2>/dev/null
diag "the daemon's log: $(head -c 1500 "$DLOG")"

prtool detach mpathA >/dev/null
ok $? "detach mpathA"
scenario_teardown
diag "42-table-reload ran $(($(elapsed_ms "$t_start") / 1000)) s in the guest"
tap_done
