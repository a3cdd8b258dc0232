#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-kernels: 6.1 6.12
# (a latency benchmark: under KASAN and lockdep its figures mean nothing)
#
# How long REGISTER takes on 8 paths compared with 1, through the module
# (parallel) and through stock dm (sequential), measured side by side in
# one run. Printed as a measurement, never asserted as a timing: the
# assertions are about the registrations that LIO shows.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
tap_plan 13

ROUNDS=${ROUNDS:-20}

san_setup --paths-a 8 --paths-b 1
mod_load

# lat MAP KEY: median microseconds of one REGISTER over ROUNDS, timed
# around the ioctl alone by prbench (process start-up would hide it)
lat() {
	prbench "/dev/mapper/$1" "$ROUNDS" "$2" | sed -n 's/^register_us=\([0-9]*\) .*/\1/p'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

prtool attach mpathA && prtool attach mpathB
ok $? "attach the 8-path map A and the 1-path map B"

prtool register /dev/mapper/mpathA --key 0x8888
ok $? "register on 8 paths"
is "$(san_key_count A 0x8888)" 8 "LIO: all 8 nexuses registered"
prtool unregister /dev/mapper/mpathA --key 0x8888
ok $? "unregister on 8 paths"
is "$(san_key_count A '')" 8 "LIO: no nexus of A registered after unregister"

m1=$(lat mpathB 0x1111) && m8=$(lat mpathA 0x8888) && [ -n "$m1" ] && [ -n "$m8" ]
ok $? "module: $ROUNDS rounds on each map"

prtool detach mpathA && prtool detach mpathB
ok $? "detach both maps"
s1=$(lat mpathB 0x1111) && s8=$(lat mpathA 0x8888) && [ -n "$s1" ] && [ -n "$s8" ]
ok $? "stock dm: $ROUNDS rounds on each map"

diag "REGISTER latency (us), median of $ROUNDS, $(uname -r), $(nproc) vCPUs under TCG:"
diag "  module:   1 path $m1, 8 paths $m8, 8/1 = $(ratio "$m8" "$m1")"
diag "  stock dm: 1 path $s1, 8 paths $s8, 8/1 = $(ratio "$s8" "$s1")"
diag "  8 paths, stock dm / module = $(ratio "$s8" "$m8")"

scenario_teardown
tap_done
