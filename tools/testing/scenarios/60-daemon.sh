#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-kernels: 6.1
# dmpr-vm-options: --bin setpriv
#
# prtool's commands for the module's events, settings, hints and sync, and
# prtool daemon, against LIO:
#
#  - monitor --json: joins the events group (and says so), prints the
#    op-done of a REGISTER through the module with both paths, flushed at
#    once through a pipe; as an unprivileged user it exits with status 5;
#  - show --json: preempted false, the key, the settings; set changes them;
#  - sync of an attached map works, of one that is not attached fails with
#    the kernel's reason (exit 5); resync and a path-state hint work;
#  - prtool daemon --foreground: relays dm-multipath's PATH_FAILED and
#    PATH_REINSTATED (the module sees the path failed), sees a new path
#    disk of the map's WWID before the reload; LIO shows the key on the
#    new nexus while the reload waits suspended for its resume (checked
#    from the SAN's side between suspend and resume, not taken from the
#    daemon's log); SIGTERM ends it with status 0;
#  - detach: monitor prints the detached event.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
tap_plan 43

san_setup --paths-a 2 --paths-b 1 || tap_bail "SAN setup failed"
mod_load
T=$(mktemp -d)
A=$(san_dm_name A)

# pt ARGS: prtool ARGS, its stderr shown as diagnostics
pt() {
	local rc
	prtool "$@" 2>"$T/err"
	rc=$?
	sed 's/^/# /' "$T/err"
	return "$rc"
}

# --- monitor -----------------------------------------------------------------
prtool monitor --json >"$T/mon" 2>"$T/mon.err" &
mon=$!
poll 20 'grep -q "^prtool: monitor: listening$" "$T/mon.err"'
ok $? "monitor: listening (stderr)"

prtool attach "$A"
ok $? "attach $A"
prtool register "$(san_map A)" --key 0xa1
ok $? "register 0xa1 through the module"
poll 20 'grep -q "\"op\":\"register\"" "$T/mon"'
ok $? "monitor printed the op-done of the REGISTER at once"
j=$(grep -m1 '"op":"register"' "$T/mon")
is "$(jq -r '[.event, .map, .key, .result.name, (.paths | length)] | join(" ")' <<<"$j")" \
	"op-done $A 0xa1 success 2" "op-done: map, key, result by name, both paths"
is "$(jq -r '[.paths[].result.name] | join(",")' <<<"$j")" "success,success" \
	"op-done: each path's result"

out=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	prtool monitor --timeout 1 2>&1)
is "$?" 5 "monitor as an unprivileged user: exit 5"
like "$out" "needs CAP_SYS_ADMIN" "... and says why"

# --- show, set, sync, resync, path-state ----------------------------------------
j=$(prtool show "$A" --json)
ok $? "show --json"
is "$(jq -r '[.preempted, .key, (.paths | length)] | join(" ")' <<<"$j")" "false 0xa1 2" \
	"show: not preempted, the key, two paths"
pt set "$A" --probe-interval 700 --audit-interval 0
is "$?" 0 "set --probe-interval 700 --audit-interval 0"
is "$(prtool show "$A" --json | jq -r '[.settings.probe_interval_ms, .settings.audit_interval_ms] | join(" ")')" \
	"700 0" "show: the new settings"
like "$(prtool show "$A")" "settings: probe interval 700 ms, audit off" "show (text): the settings"

pt sync "$A"
is "$?" 0 "sync $A"
prtool sync
ok $? "sync (every attached map)"
err=$(prtool sync "$(san_dm_name B)" 2>&1)
is "$?" 5 "sync of a map that is not attached: exit 5"
like "$err" "kernel reports: " "... with the kernel's reason"
diag "sync of B said: $err"
like "$err" "is the map attached" "... and the hint"
pt resync "$A"
is "$?" 0 "resync $A"
pt path-state "$A" "$(san_path_name A 2)" active
is "$?" 0 "path-state hint (active)"

# --- daemon ------------------------------------------------------------------------
prtool daemon --foreground 2>"$T/daemon" &
d=$!
poll 20 'grep -q "daemon: started" "$T/daemon"'
ok $? "daemon started"
poll 20 'grep -q "synced $A" "$T/daemon"'
ok $? "daemon: synced $A at start"

san_fail_path A 2
poll 20 'grep -q "is failed (dm-multipath)" "$T/daemon"'
ok $? "daemon relayed dm's PATH_FAILED"
poll 20 '[ "$(prtool show "$A" --json | jq -r ".paths[1].state")" = failed ]'
ok $? "the module sees path 2 failed"
san_restore_path A 2
poll 20 'grep -q "is active (dm-multipath)" "$T/daemon"'
ok $? "daemon relayed dm's PATH_REINSTATED"

# "Registered before the resume", from LIO: while the reload that adds the
# path waits suspended for its resume, the new nexus must carry the key
# (the daemon hands the disk to the module at the table load).
at_resume() {
	local t0=$SECONDS
	poll 30 '[ "$(san_key_of A 3)" = 0xa1 ]'
	echo "$? $((SECONDS - t0)) $(san_key_of A 3)" >"$T/at-resume"
}
# shellcheck disable=SC2034 # read by _san_reload (lib/san.sh)
SAN_BEFORE_RESUME=at_resume
i=$(san_add_new_path A)
ok $? "a new path (A $i) is added to the map"
unset SAN_BEFORE_RESUME
read -r rc secs key <"$T/at-resume"
is "$i:$rc:$key" "3:0:0xa1" "LIO: the new nexus A 3 carries the key before the map resumes (${secs} s after the suspend)"
new=$(san_path_name A "$i")
poll 20 'grep -q "new path $new " "$T/daemon"'
ok $? "daemon saw the new disk $new of the map's WWID before the reload"
poll 20 'grep -Eq "new path $new .*(before the map.s reload|at the table load)" "$T/daemon"'
ok $? "daemon handed $new to the module before the resume"
poll 20 '[ "$(san_key_of A "$i")" = 0xa1 ]'
ok $? "the new path carries the key in LIO"
poll 20 '[ "$(prtool show "$A" --json | jq ".paths | length")" = 3 ]'
ok $? "the module has the new path"
poll 20 'grep -q "\"event\":\"path-registered\"" "$T/mon"'
ok $? "monitor: path-registered"

kill -TERM "$d"
wait "$d"
is "$?" 0 "daemon: SIGTERM ends it with status 0"
grep -q "daemon: stopped" "$T/daemon"
ok $? "daemon: stopped (logged)"
sed 's/^/# /' "$T/daemon"

prtool unregister "$(san_map A)" --key 0xa1
prtool detach "$A"
ok $? "detach $A"
poll 10 'grep -q "\"event\":\"detached\"" "$T/mon"'
ok $? "monitor: detached"
j=$(grep -m1 '"event":"detached"' "$T/mon")
is "$(jq -r '[.map, .device, .major, .minor] | join(" ")' <<<"$j")" \
	"$A $(basename "$(san_dm_dev A)") $(san_map_devno A | tr : ' ')" \
	"detached: map, kernel name, device number"

kill -TERM "$mon"
wait "$mon"
is "$?" 0 "monitor: SIGTERM ends it with status 0"
sed 's/^/# monitor: /' "$T/mon"

scenario_teardown
tap_done
