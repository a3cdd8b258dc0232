#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The narrated walkthrough behind `make demo`, run inside the VM.
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"

B=$'\033[1m' D=$'\033[2m' N=$'\033[0m'
say() { printf '\n%s%s%s\n' "$B" "$*" "$N" | fold -s -w 78; }
run() {
	printf '%s# %s%s\n' "$D" "$*" "$N"
	"$@"
	local rc=$?
	[ $rc -eq 0 ] || printf '%s(exit status %d)%s\n' "$D" $rc "$N"
	return $rc
}

say "This VM is a small SAN. One LUN lives in the kernel's SCSI target (LIO). \
Host A reaches it through 2 paths, host B through 2 others: every path is its \
own I_T nexus, the unit a SCSI persistent reservation is kept for. \
dm-multipath joins each host's paths into one device: mpathA and mpathB."
san_setup --paths-a 2 --paths-b 2 >/dev/null
run dmsetup table mpathA
run dmsetup table mpathB

say "Load dm-mpath-pr and attach it to both maps. prtool reads each map's \
paths with libdevmapper and hands them to the module over generic netlink; \
the kernel checks that every path really is a slave of the map."
mod_load
run prtool attach mpathA
run prtool attach mpathB
run prtool list

say "Host A registers its key 0xA1 and host B its key 0xB1, with the ordinary \
block-layer ioctl (IOC_PR_REGISTER) on the map. The module sends the \
registration to every path of the map at once."
run prtool register /dev/mapper/mpathA --key 0xA1
run prtool register /dev/mapper/mpathB --key 0xB1

say "What the storage itself now knows, per I_T nexus (read from LIO's configfs):"
san_dump

say "A cable is pulled: path 2 of host A goes offline and dm-multipath fails it."
san_fail_path A 2
run dmsetup status mpathA

say "Host A changes its key from 0xA1 to 0xA2 while that path is down. Stock \
dm-multipath fails this call and unregisters the healthy path on the way out. \
With the module the call succeeds on the live path; the dead one is \
remembered."
run prtool register /dev/mapper/mpathA --old-key 0xA1 --key 0xA2
run prtool list
san_dump

say "The cable is back: the path comes online and dm-multipath reinstates it. \
The module notices within its probe interval, checks that host A is still \
registered (a fenced host never gets back in this way) and registers the \
returning path with the new key."
t0=$EPOCHREALTIME
san_restore_path A 2
poll 10 '[ "$(san_key_of A 2)" = 0xa2 ]'
printf 'path 2 of host A carries 0xa2 again, %s ms after it came back\n' "$(elapsed_ms "$t0")"
san_dump
run prtool read-keys /dev/mapper/mpathA

say "For comparison, the same accident without the module. Detach mpathA: \
from now on the kernel's stock dm-multipath pr_ops handle it. Pull path 2 \
again and change the key from 0xA2 to 0xA3."
run prtool detach mpathA
san_fail_path A 2
run prtool register /dev/mapper/mpathA --old-key 0xA2 --key 0xA3
say "Stock dm gave up at the dead path and rolled back by unregistering the \
path that had worked: host A's healthy path A1 now carries no key at all, and \
the dead one still has the old key. Under a registrants-only reservation, \
host A's I/O through A1 would now fail with a reservation conflict."
san_dump
san_restore_path A 2

say "Clean up: host A drops whatever key each of its nexuses holds (REGISTER \
AND IGNORE with key 0), host B unregisters, mpathB is detached. Detached, the maps \
are plain dm-multipath again."
run prtool register-ignore /dev/mapper/mpathA --key 0
run prtool unregister /dev/mapper/mpathB --key 0xB1
run prtool detach mpathB
san_dump
san_teardown >/dev/null
say "Done. The same steps run as assertions, on three kernels, in make check."
