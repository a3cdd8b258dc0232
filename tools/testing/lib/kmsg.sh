# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# kmsg.sh: the kernel log's problem lines while a scenario runs, read from
# /dev/kmsg as they come (a scenario that makes the kernel log a lot may
# wrap the ring buffer before the VM runner reads it at the end).
#
#   kmsg_watch_start FILE   from now on, problem lines go to FILE (the
#                           runner's pattern, vm/init.sh; QEMU TCG's spurious
#                           #DB warning is ignored as the runner ignores it)
#   kmsg_watch_stop         stop watching (after the lines so far are read)

kmsg_watch_start() {
	local t0
	: >"$1"
	t0=$(awk '{ printf "%d", $1 * 1000000 }' /proc/uptime)
	awk -v t0="$t0" -v out="$1" '
		{
			i = index($0, ";")
			if (i == 0) next
			split(substr($0, 1, i - 1), h, ",")
			if (h[3] + 0 < t0) next
			m = substr($0, i + 1)
		}
		m ~ /exc_debug_kernel/ { skip = 1; next }
		skip && m ~ /end trace/ { skip = 0; next }
		skip && m ~ /Call Trace/ { next }
		m ~ /BUG:|KASAN|UBSAN:|WARNING:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|suspected memory leak|Call Trace|general protection fault|Oops|Kernel panic|blocked for more than|detected stalls/ {
			print m >>out
			fflush(out)
		}' </dev/kmsg &
	_KMSG_WATCH=$!
}

kmsg_watch_stop() {
	[ -n "${_KMSG_WATCH:-}" ] || return 0
	sleep 0.5
	kill "$_KMSG_WATCH" 2>/dev/null
	wait "$_KMSG_WATCH" 2>/dev/null
	_KMSG_WATCH=
}
