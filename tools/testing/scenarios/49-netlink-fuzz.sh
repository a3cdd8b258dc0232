#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-vm-options: --timeout 1500
#
# The netlink family under a fuzzer (issue 10, point 7).
#
# nlfuzz (tools/testing/nlfuzz/nlfuzz.c) sends FUZZ_COUNT (default 100000,
# on every kernel) generated messages to the family, two clients at once (one per map),
# seeded (FUZZ_SEED and FUZZ_SEED + 1, default random; printed): random commands, attribute types, lengths and flags, nests,
# path lists at and past the 64-path limit, truncated, cut and oversized
# messages, bad headers, dumps, and valid-looking ATTACH, SYNC, DETACH, GET,
# PATH_STATE, RESYNC and SET against the two real maps and against bogus
# devices (a SCSI disk, a dm minor that does not exist, a linear map). It
# judges every answer with its own model of the family's contract (which
# messages must be refused, which must succeed, what a GET or dump must
# describe) and stops at the first disagreement, printing the message and
# the command line that reproduces it.
#
# Asserted: nlfuzz found no disagreement and sent all its messages; the
# kernel log has no BUG, WARNING, KASAN, lockdep or other problem line
# from the start of the fuzz to the end of the scenario (read from
# /dev/kmsg: the fuzz writes more than the ring buffer may keep); nothing
# is attached afterwards; and the module still works: both maps attach,
# REGISTER through A's map puts the key on both of A's nexuses in LIO, a
# GET answers with both paths and the key, unregister takes the key off
# every nexus, both maps detach. The VM runner checks the kernel log and
# kmemleak once more after the scenario.
#
# To reproduce a failure: FUZZ_SEED=S (and FUZZ_COUNT) in the guest's
# command line, e.g.
#   run.sh --kernel debug ... -- 'FUZZ_SEED=S bash /dmpr/tools/testing/scenarios/49-netlink-fuzz.sh'
# or nlfuzz's own "reproduce:" line on a SAN like this one.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
. "$DMPR_LIB/kmsg.sh"
tap_plan 18

# 100,000 messages: 6.1 and 6.12 take ~20 s, the debug kernel (KASAN,
# lockdep and kmemleak on every allocation of every ACK) several minutes.
COUNT=${FUZZ_COUNT:-100000}
SEED=${FUZZ_SEED:-$((RANDOM * 32768 + RANDOM))}
KEY=0x4949

san_setup --paths-a 2 --paths-b 2 || tap_bail "SAN setup failed"
mod_load
command -v nlfuzz >/dev/null || tap_bail "nlfuzz is not in the guest (check.sh builds it)"

DA=$(san_map_devno A) DB=$(san_map_devno B)
PA1=$(san_path_dev A 1) PA2=$(san_path_dev A 2)
PB1=$(san_path_dev B 1) PB2=$(san_path_dev B 2)
# bogus devices: a linear map (no mpath- uuid), a dm minor nobody has, a
# SCSI disk
LIN=dmpr-fuzz-linear
dmsetup create $LIN --table "0 2048 linear /dev/$(san_path_name B 2) 0" >/dev/null &&
	{ [ -b /dev/mapper/$LIN ] || dmsetup mknodes $LIN; }
ok $? "a linear map $LIN as a bogus target"
DL=$(dmsetup info -c --noheadings -o major,minor --separator : $LIN)
DNONE=${DA%%:*}:$((${DA##*:} + 100))

kmsg_watch_start /tmp/kmsg-problems
# the console gets warnings and worse, not the module's info lines of
# thousands of attaches (the kernel log keeps them)
read -r LOGLEVEL _ </proc/sys/kernel/printk
echo 5 >/proc/sys/kernel/printk

# Two nlfuzz at once, one per map (the family's handlers run in parallel:
# ATTACH, DETACH, dumps of one map meet those of the other), COUNT / 2
# messages each, seeds SEED and SEED + 1; each judges its own map and
# takes the other's for foreign. Both vCPUs work, which halves the time on
# the debug kernel (KASAN, lockdep and kmemleak make every message cost
# milliseconds under TCG).
diag "nlfuzz: seeds $SEED (A) and $((SEED + 1)) (B), $COUNT messages; maps A $DA ($PA1 $PA2), B $DB ($PB1 $PB2); bogus $DL (linear), $DNONE (no such minor), a SCSI disk of the other host"
T0=$EPOCHREALTIME
nlfuzz --seed "$SEED" --count $((COUNT / 2)) --map "$DA=$PA1,$PA2" --foreign "$DB" \
	--bogus "$DL" --bogus "$DNONE" --bogus "$PB1" >/tmp/nlfuzz-a.out 2>&1 &
FA=$!
nlfuzz --seed $((SEED + 1)) --count $((COUNT - COUNT / 2)) --map "$DB=$PB1,$PB2" --foreign "$DA" \
	--bogus "$DL" --bogus "$DNONE" --bogus "$PA1" >/tmp/nlfuzz-b.out 2>&1 &
FB=$!
wait $FA
ra=$?
wait $FB
rb=$?
secs=$(($(elapsed_ms "$T0") / 1000))
for h in a b; do
	diag "$(</tmp/nlfuzz-$h.out)"
done
ok $((ra + rb)) "nlfuzz, seeds $SEED and $((SEED + 1)): every answer as the family's contract says (exit $ra and $rb, ${secs} s)" ||
	diag "reproduce: FUZZ_SEED=$SEED FUZZ_COUNT=$COUNT bash /dmpr/tools/testing/scenarios/49-netlink-fuzz.sh, or nlfuzz's reproduce: line above (one client alone)"
sent=0
for h in a b; do
	n=$(sed -n 's/^nlfuzz: sent=\([0-9]*\) .*/\1/p' /tmp/nlfuzz-$h.out)
	sent=$((sent + ${n:-0}))
done
is "$sent" "$COUNT" "nlfuzz sent all $COUNT messages (seeds $SEED and $((SEED + 1)))"
rate=$(awk -v n="$sent" -v s="$secs" 'BEGIN { printf "%d", s ? n / s : n }')
diag "$sent messages in $secs s ($rate per second), $(uname -r)"

is "$(prtool list --json | jq '.attachments | length')" 0 "nothing attached after the fuzz"

# the module still works
prtool attach mpathA && prtool attach mpathB
ok $? "attach mpathA and mpathB after the fuzz"
prtool register "$(san_map A)" --key $KEY
ok $? "REGISTER through A's map"
is "$(san_key_of A 1) $(san_key_of A 2)" "$KEY $KEY" "LIO: both of A's nexuses carry the key"
got=$(prtool list --json | jq -r '.attachments[] | select(.map == "mpathA") |
	"\(.paths | length) \(.key) \([.paths[].registration] | join(" "))"')
is "$got" "2 $KEY registered registered" "GET answers: mpathA, 2 paths, the key, both registered"
out=$(nltest get dev="$DA" 2>&1)
like "$out" "errno=0 .* messages=1" "GET through nltest answers with one message"
prtool unregister "$(san_map A)" --key $KEY
ok $? "unregister through A's map"
is "$(san_registrations)" "" "LIO: no registration left"
prtool detach mpathA && prtool detach mpathB && dmsetup remove $LIN
ok $? "detach both maps, remove $LIN"

echo "$LOGLEVEL" >/proc/sys/kernel/printk
kmsg_watch_stop
problems=$(</tmp/kmsg-problems)
is "$problems" "" "kernel log: no BUG, WARNING, KASAN, lockdep or other problem since the fuzz began"
scenario_teardown
tap_done
