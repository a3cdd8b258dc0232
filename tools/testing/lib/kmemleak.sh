# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# kmemleak.sh: find memory leaks with the kernel's kmemleak (the debug
# kernel has it; the Debian kernels do not). Source it; the VM's /init
# (vm/init.sh) and scenarios use the same function.
#
#   kmemleak_present      status 0 when /sys/kernel/debug/kmemleak can be
#                         written (kmemleak built in and on, debugfs mounted)
#   kmemleak_scan2        scan, and scan again once 5 s have passed since
#                         the call (the first scan's own time counts, so
#                         it waits only for the rest); print what kmemleak
#                         reports then (empty when nothing leaked). Status
#                         2 without kmemleak.
#   kmemleak_count REPORT the number of objects in a report
#
# Why two scans: kmemleak reports an object only when it is unreferenced
# on a scan, at least 5 s old (MSECS_MIN_AGE) when that scan starts, and
# its checksum (crc32 of its contents) has not changed since the scan
# before. An object no scan has seen yet has the checksum 0, so the first
# scan that sees it computes its checksum, finds it "changed" and colours
# it grey for that scan (mm/kmemleak.c, kmemleak_scan(): update_checksum()).
# One scan after a test therefore never reports what the test leaked; the
# second one, once the objects are 5 s old, does.

KMEMLEAK=${KMEMLEAK:-/sys/kernel/debug/kmemleak}

kmemleak_present() { [ -w "$KMEMLEAK" ]; }

kmemleak_scan2() {
	local t0=${EPOCHREALTIME/./} left
	kmemleak_present || return 2
	echo scan >"$KMEMLEAK" || return 2
	# what the caller allocated before the call is 5 s old (and 0.1 s
	# for the jiffies' granularity) when the second scan starts
	left=$((5100000 - (${EPOCHREALTIME/./} - t0)))
	[ "$left" -le 0 ] || sleep "$((left / 1000000)).$(printf '%06d' $((left % 1000000)))"
	echo scan >"$KMEMLEAK" || return 2
	cat "$KMEMLEAK"
}

kmemleak_count() {
	local n=0 l
	while IFS= read -r l; do
		[[ $l != 'unreferenced object'* ]] || n=$((n + 1))
	done <<<"$1"
	echo "$n"
}
