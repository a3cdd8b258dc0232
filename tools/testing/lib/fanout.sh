# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# fanout.sh: is a fan-out of PR OUT commands parallel? Ground truth from
# the initiator's SCSI midlayer (issue 10, point 4): the tracepoints
# scsi:scsi_dispatch_cmd_start (a command handed to the path's low-level
# driver) and scsi:scsi_dispatch_cmd_done (its completion), PR OUT
# (opcode 0x5f) only, in their own tracefs instance with the global trace
# clock (the per-CPU local clock may not order events of two CPUs).
#
# With a network delay on the paths (san_set_latency on the iSCSI fabric)
# a command completes one round trip after its dispatch at the earliest:
# commands sent in parallel are all dispatched before the first completes,
# commands sent one after the other never are (the next one is dispatched
# after the previous one completed).
#
#   fanout_trace_start     clear and start the trace
#   fanout_trace_stop      stop it (stays readable)
#   fanout_overlap         from the trace: "N D C SPREAD FIRST" where N is
#                          the number of paths (H:C:T:L) whose first PR OUT
#                          was dispatched before the first PR OUT completed,
#                          D the PR OUT dispatches, C the completions,
#                          SPREAD the us from the first to the N-th path's
#                          dispatch, FIRST the us from the first dispatch to
#                          the first completion
#   fanout_trace_end       stop and remove the instance

FANOUT_TRACE=/sys/kernel/tracing/instances/dmpr-fanout
FANOUT_EVENTS=(scsi_dispatch_cmd_start scsi_dispatch_cmd_done)

fanout_trace_start() {
	local ev
	[ -d "$FANOUT_TRACE" ] || mkdir "$FANOUT_TRACE" || { echo "fanout: cannot create $FANOUT_TRACE" >&2; return 1; }
	echo 0 >"$FANOUT_TRACE/tracing_on"
	echo global >"$FANOUT_TRACE/trace_clock" || return 1
	for ev in "${FANOUT_EVENTS[@]}"; do
		[ -d "$FANOUT_TRACE/events/scsi/$ev" ] || { echo "fanout: no scsi:$ev tracepoint" >&2; return 1; }
		echo 'opcode == 0x5f' >"$FANOUT_TRACE/events/scsi/$ev/filter" &&
			echo 1 >"$FANOUT_TRACE/events/scsi/$ev/enable" || return 1
	done
	: >"$FANOUT_TRACE/trace"
	echo 1 >"$FANOUT_TRACE/tracing_on"
}

fanout_trace_stop() {
	[ ! -d "$FANOUT_TRACE" ] || echo 0 >"$FANOUT_TRACE/tracing_on"
}

fanout_trace_end() {
	local ev
	[ -d "$FANOUT_TRACE" ] || return 0
	fanout_trace_stop
	for ev in "${FANOUT_EVENTS[@]}"; do
		echo 0 >"$FANOUT_TRACE/events/scsi/$ev/enable"
	done
	rmdir "$FANOUT_TRACE"
}

fanout_overlap() {
	awk '
		match($0, /[0-9]+\.[0-9]+: scsi_dispatch_cmd_(start|done): host_no=[0-9]+ channel=[0-9]+ id=[0-9]+ lun=[0-9]+/) {
			s = substr($0, RSTART, RLENGTH)
			split(s, f, /[: =]+/)
			# f[1] seconds, f[2] event, then host_no N channel N id N lun N
			t = f[1] * 1000000
			nexus = f[4] ":" f[6] ":" f[8] ":" f[10]
			if (f[2] == "scsi_dispatch_cmd_start") {
				d++
				if (t0 == "") t0 = t
				if (!done && !(nexus in seen)) {
					seen[nexus] = 1
					n++
					last = t
				}
			} else {
				c++
				if (!done) { done = 1; first = t }
			}
		}
		END {
			printf "%d %d %d %d %d\n", n, d, c, n ? last - t0 : 0, done ? first - t0 : -1
		}' "$FANOUT_TRACE/trace"
}
