#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-kernels: 6.1 6.12
# (a latency benchmark: under KASAN and lockdep its figures mean nothing)
# dmpr-vm-options: --iscsi --timeout 900
#
# REGISTER latency as on a SAN: the same measurement as
# 11-register-latency.sh, but over iSCSI (LIO's target and open-iscsi in
# the guest, over lo) with netem adding LAT_MS (default 5) ms each way, so
# every SCSI command pays a network round trip of 2 * LAT_MS. An 8-path map
# against a 1-path map, through the module (paths in parallel: about one
# round trip) and through stock dm (one path after the other: about eight),
# side by side in one run. Printed as a measurement, never asserted as a
# timing: the assertions are about the registrations LIO shows.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
tap_plan 20

ROUNDS=${ROUNDS:-20}
LAT_MS=${LAT_MS:-5}

out=$(san_setup --fabric iscsi --paths-a 8 --paths-b 1 --latency-ms "$LAT_MS" 2>&1)
ok $? "iSCSI SAN: 8 paths for A, 1 for B, +$LAT_MS ms each way on lo" || { diag "$out"; tap_bail "no SAN"; }
diag "$out"
mod_load

# lat MAP KEY: median microseconds of one REGISTER over ROUNDS, timed
# around the ioctl alone by prbench (process start-up would hide it)
lat() {
	prbench "/dev/mapper/$1" "$ROUNDS" "$2" | sed -n 's/^register_us=\([0-9]*\) .*/\1/p'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ms() { awk -v a="$1" 'BEGIN { printf "%.1f", a / 1000 }'; }

# the round trip of one SCSI command on a raw path (TEST UNIT READY, no
# data): what every PR command pays at least; the best of 5 runs of 4
# commands (sg_turs times them itself)
rtt_us=$(for _ in 1 2 3 4 5; do
	sg_turs -n 4 -t "/dev/$(san_path_name A 1)" 2>&1 |
		sed -n 's/.*time to perform commands was \([0-9.]*\) secs.*/\1/p'
done | awk 'NR == 1 || $1 < m { m = $1 } END { if (NR) printf "%d", m * 1000000 / 4 }')
[ -n "$rtt_us" ]
ok $? "TEST UNIT READY round trip on a raw path: $(ms "${rtt_us:-0}") ms"

prtool attach mpathA && prtool attach mpathB
ok $? "attach the 8-path map A and the 1-path map B"

prtool register /dev/mapper/mpathA --key 0x8888
ok $? "register on 8 paths"
is "$(san_key_count A 0x8888)" 8 "LIO: all 8 iSCSI nexuses of A carry the key"
is "$(san_registrations | sort -k2n | tr '\n' ' ')" \
	"A 1 0x8888 A 2 0x8888 A 3 0x8888 A 4 0x8888 A 5 0x8888 A 6 0x8888 A 7 0x8888 A 8 0x8888 " \
	"LIO: 8 registrations, one per initiator (I_T nexus)"
prtool unregister /dev/mapper/mpathA --key 0x8888
ok $? "unregister on 8 paths"
is "$(san_registrations)" "" "LIO: nothing registered after unregister"

m1=$(lat mpathB 0x1111) && m8=$(lat mpathA 0x8888) && [ -n "$m1" ] && [ -n "$m8" ]
ok $? "module: $ROUNDS rounds on each map"

prtool detach mpathA && prtool detach mpathB
ok $? "detach both maps"
s1=$(lat mpathB 0x1111) && s8=$(lat mpathA 0x8888) && [ -n "$s1" ] && [ -n "$s8" ]
ok $? "stock dm: $ROUNDS rounds on each map"
is "$(san_registrations)" "" "LIO: nothing left registered after the measurements"

# stock dm registers the paths one after the other, the module in parallel
prtool register /dev/mapper/mpathA --key 0x5555
ok $? "stock dm: register on 8 paths"
is "$(san_key_count A 0x5555)" 8 "stock dm: LIO shows the key on all 8 nexuses"
prtool unregister /dev/mapper/mpathA --key 0x5555
is "$(san_key_count A '')" 8 "stock dm: unregistered from all 8 nexuses"

# the unit: one REGISTER on one path through stock dm (one round trip
# plus the target's work); TEST UNIT READY shows the bare round trip
rt=${s1:-1}
diag "REGISTER latency over iSCSI, median of $ROUNDS, $(uname -r), $(nproc) vCPUs under TCG;"
diag "netem on lo: +$LAT_MS ms each way = $((2 * LAT_MS)) ms per SCSI command round trip, what a PR command"
diag "costs on an array that persists and replicates its PR state before it answers, or over an"
diag "iSCSI link of ~$((LAT_MS * 200)) km (5 us/km). Measured: TEST UNIT READY $(ms "${rtt_us:-0}") ms (best of 5;"
diag "above $((2 * LAT_MS)) ms: the emulated CPUs), one REGISTER on one path (stock dm) $(ms "$rt") ms = 1 RT:"
diag "  module:   1 path $(ms "${m1:-0}") ms, 8 paths $(ms "${m8:-0}") ms = $(ratio "${m8:-0}" "$rt") RT, 8/1 = $(ratio "${m8:-0}" "${m1:-1}")"
diag "  stock dm: 1 path $(ms "${s1:-0}") ms, 8 paths $(ms "${s8:-0}") ms = $(ratio "${s8:-0}" "$rt") RT, 8/1 = $(ratio "${s8:-0}" "${s1:-1}")"
diag "  8 paths, stock dm / module = $(ratio "${s8:-0}" "${m8:-1}")"
if [ "$rt" -gt $((3 * 2 * LAT_MS * 1000)) ]; then
	diag "note: one REGISTER costs more than 3 network round trips here: the emulated CPUs, not the"
	diag "network, are the bottleneck (a debug kernel?), so the paths wait for the CPUs in turn and the"
	diag "parallel fan-out cannot show; compare on a kernel without KASAN/lockdep"
fi

scenario_teardown
tap_done
