# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# klog.sh: what counts as a problem in the kernel log. Source it; the VM's
# /init (vm/init.sh) checks the whole log after the command with it, and
# scenario_teardown (lib/san.sh) at the end of each scenario.
#
#   klog_pat              the ERE of a problem line
#   klog_problems PAT     the kernel log on stdin: "P<TAB>line" for each
#                         problem line, "I<TAB>why: line" for each report
#                         it ignores (the two below)

# klog_problems PATTERN: the kernel log on stdin; prints "P<TAB>line" for
# every line matching the ERE PATTERN (a problem) and "I<TAB>why: line" for
# the header of each report it ignores.
#
# Two reports are ignored, nothing else:
#
# 1. QEMU's TCG occasionally raises a spurious debug exception (#DB,
# DR_STEP set) in kernel mode, where the kernel never single-steps, and
# exc_debug_kernel() warns ("if we get here with DR_STEP set, something is
# wonky. A known way to trigger this is through QEMU's GDB stub",
# arch/x86/kernel/traps.c). Seen on 6.12 at boot, inside kmem_cache_alloc
# before userspace ran:
#   WARNING: CPU: 0 PID: 1 at arch/x86/kernel/traps.c:1120 exc_debug_kernel+...
# (7.x prints "WARNING: arch/x86/kernel/traps.c:N at exc_debug_kernel+...,
# CPU#0: ..."). An emulator artefact, not a kernel bug. Ignored are that
# WARNING line and, up to the report's end marker ("---[ end trace ...
# ]---"), the "Call Trace" line that belongs to it; any other problem line,
# also one that another CPU prints in the middle of that report, stays a
# problem, and a new report ("cut here" or another problem line) ends the
# ignored one.
#
# 2. Only when a scenario declared it (it creates $KLOG_LIO_T2R, as
# 46-hung-path does before it makes LIO drop an iSCSI session): lockdep's
# "possible irq lock inversion dependency detected" whose report (up to
# its "stack backtrace:") names LIO's time2retain timer
# (iscsit_handle_time2retain_timeout). The debug kernel reports it inside
# LIO's iSCSI target when LIO drops a session (shared/TESTBED.md, "A hung
# iSCSI path"): LIO's, not the project's. Ignored are that WARNING line and
# the "Call Trace" line of its stack backtrace; the same report without
# the time2retain timer, or without the declaration, stays a problem.
KLOG_LIO_T2R=/run/dmpr-klog-expect-lio-time2retain
klog_problems() {
	local lio=0
	[ ! -e "$KLOG_LIO_T2R" ] || lio=1
	awk -v pat="$1" -v lio="$lio" '
		function pend_end(ok) {
			if (ok)
				printf "I\tLIO iSCSI time2retain lockdep report (declared by the scenario): %s\n", hdr
			else
				printf "P\t%s\n", hdr
			pend = 0
			lskip = ok
		}
		/WARNING: CPU: [0-9]+ PID: [0-9]+ at arch\/x86\/kernel\/traps\.c:[0-9]+ exc_debug_kernel\+/ ||
		/WARNING: arch\/x86\/kernel\/traps\.c:[0-9]+ at exc_debug_kernel\+/ {
			if (pend)
				pend_end(0)
			skip = 1
			printf "I\tQEMU TCG artefact (spurious #DB in kernel mode): %s\n", $0
			next
		}
		lio && /WARNING: possible irq lock inversion dependency detected/ {
			if (pend)
				pend_end(0)
			skip = 0
			lskip = 0
			pend = 1
			t2r = 0
			hdr = $0
			next
		}
		pend && /iscsit_handle_time2retain_timeout/ { t2r = 1 }
		pend && /stack backtrace:/ { pend_end(t2r); next }
		skip && /---\[ end trace [0-9a-f]* \]---/ { skip = 0; next }
		skip && /------------\[ cut here \]------------/ { skip = 0 }
		skip && /Call Trace/ { next }
		lskip && /Call Trace/ { lskip = 0; next }
		$0 ~ pat {
			skip = 0
			lskip = 0
			printf "P\t%s\n", $0
		}
		END { if (pend) pend_end(0) }'
}

# What counts as a problem in the kernel log.
klog_pat='BUG:|KASAN|UBSAN:|WARNING:|possible circular locking|possible recursive locking'
klog_pat+='|inconsistent lock state|suspicious RCU usage|suspected memory leak|Call Trace'
klog_pat+='|general protection fault|Oops|Kernel panic|blocked for more than|detected stalls'
