#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test VM (installed by run.sh). Mounts the file systems,
# loads the SAN fixture modules, runs the command of /dmpr/run.conf with a
# timeout, checks the kernel log and kmemleak, prints "DMPR-VM-EXIT=<rc>"
# and reboots (QEMU runs with -no-reboot, so it exits).
#
# The command's output goes to ttyS1 (QEMU's stdio on the host), with a
# copy on the console; init's own messages go to the console only. Lines
# starting with "# dmpr-vm:" on ttyS1 are TAP comments the host shows.

export PATH=/usr/bin:/usr/sbin:/dmpr/tools/testing/vm/guest
export HOME=/root LANG=C.UTF-8 TERM=${TERM:-linux}
umask 022

# mounted DIR: is DIR a mount point (busybox has no mountpoint)
mounted() {
	local _ m _
	while read -r _ m _; do
		[ "$m" != "$1" ] || return 0
	done </proc/mounts
	return 1
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mounted /dev || mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1

t_userspace=$(cut -d' ' -f1 /proc/uptime)
echo "dmpr-vm: userspace at ${t_userspace}s"

mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
[ ! -d /sys/kernel/debug ] || mount -t debugfs debugfs /sys/kernel/debug
if [ -d /sys/kernel/tracing ]; then
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
fi
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
mkdir -p /dev/mapper /run/lock /var/lock
hostname "$(cat /etc/hostname)"
ip link set lo up 2>/dev/null || true

# the test stream: ttyS1 if the kernel has it (8250 with 2+ UARTs)
out=/dev/console
if [ -c /dev/ttyS1 ] && stty -F /dev/ttyS1 raw -echo 2>/dev/null; then
	out=/dev/ttyS1
fi

# klog_problems and klog_pat: what counts as a problem in the kernel log
# (scenario_teardown of lib/san.sh uses the same)
# shellcheck source-path=SCRIPTDIR source=../lib/klog.sh
. /dmpr/tools/testing/lib/klog.sh

# finish RC: check the kernel, report, reboot. Never returns.
finish() {
	local rc=$1 problems=0 leaks t_check
	t_check=$(cut -d' ' -f1 /proc/uptime)
	if [ "${DMPR_KCHECK:-1}" = 1 ]; then
		if kmemleak_present; then
			# two scans, the second 5 s after the command: the first
			# never reports a new object (lib/kmemleak.sh says why)
			leaks=$(kmemleak_scan2)
			if [ -n "$leaks" ]; then
				problems=1
				report "kmemleak: $(kmemleak_count "$leaks") suspected leak(s):"
				head -n 60 <<<"$leaks" | while IFS= read -r l; do report "  $l"; done
			fi
		fi
		local hits ignored
		hits=$(dmesg -s 8388608 | klog_problems "$klog_pat")
		ignored=$(sed -n 's/^I\t//p' <<<"$hits")
		hits=$(sed -n 's/^P\t//p' <<<"$hits")
		if [ -n "$ignored" ]; then
			while IFS= read -r l; do
				report "ignored, $l"
			done <<<"$ignored"
		fi
		if [ -n "$hits" ]; then
			problems=1
			report "kernel log shows $(wc -l <<<"$hits") problem line(s):"
			head -n 40 <<<"$hits" | while IFS= read -r l; do report "  $l"; done
		fi
		echo "dmpr-vm: kernel checks took $(elapsed "$t_check" "$(cut -d' ' -f1 /proc/uptime)")s"
		if [ "$problems" = 1 ] && [ "$rc" = 0 ]; then
			report "the command passed, but the kernel did not: status 1"
			rc=1
		fi
	fi
	local t_end times
	t_end=$(cut -d' ' -f1 /proc/uptime)
	[ "$out" != /dev/console ] || echo "DMPR-VM-END"
	times="userspace=${t_userspace}s fixture=${t_fixture:-0}s test=$(elapsed "${t_test0:-$t_end}" "${t_test1:-$t_end}")s uptime=${t_end}s"
	echo "DMPR-VM-TIMES $times" | tee -a /dev/console >"$out"
	echo "DMPR-VM-EXIT=$rc" | tee -a /dev/console >"$out"
	# everything lives in RAM; a sync could hang on a suspended dm map
	reboot -n -f
	sleep 60
	exit "$rc"
}

# kmemleak_present, kmemleak_scan2, kmemleak_count
# shellcheck source-path=SCRIPTDIR source=../lib/kmemleak.sh
. /dmpr/tools/testing/lib/kmemleak.sh

# report MSG: a TAP comment on the test stream and the console
report() { printf '# dmpr-vm: %s\n' "$*" | tee -a /dev/console >"$out"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# shellcheck disable=SC1091 # written by run.sh for each run
if ! . /dmpr/run.conf; then
	report "setup failed: /dmpr/run.conf is missing"
	finish 2
fi

# LIO writes APTPL files there on every REGISTER from Linux's sd
mkdir -p /etc/target/pr
t0=$(cut -d' ' -f1 /proc/uptime)
for m in $DMPR_FIXTURE_MODULES; do
	if ! err=$(modprobe "$m" 2>&1); then
		report "setup failed: modprobe $m: $err"
		finish 2
	fi
	if [ "$m" = configfs ] && ! mounted /sys/kernel/config; then
		mount -t configfs configfs /sys/kernel/config
	fi
done
if [ -d /sys/kernel/config ] && ! mounted /sys/kernel/config; then
	mount -t configfs configfs /sys/kernel/config 2>/dev/null || true
fi
# A built-in target_core_mod looked for /etc/target before init made it and
# fell back to /var/target: point it back while no device exists yet.
if [ -f /sys/kernel/config/target/dbroot ] &&
	[ "$(cat /sys/kernel/config/target/dbroot)" != /etc/target ]; then
	echo /etc/target >/sys/kernel/config/target/dbroot 2>/dev/null ||
		mkdir -p "$(cat /sys/kernel/config/target/dbroot)/pr"
fi
t_fixture=$(elapsed "$t0" "$(cut -d' ' -f1 /proc/uptime)")
echo "dmpr-vm: fixture modules loaded in ${t_fixture}s"

export DMPR_TOP=/dmpr DMPR_LIB=/dmpr/tools/testing/lib DMPR_GUEST=1
export DMPR_KERNEL_ID DMPR_MODULES DMPR_TIMEOUT
export DMPR_SOAK=${DMPR_SOAK:-0}
# no udev in the guest: libdevmapper makes the /dev/mapper nodes itself
export DM_DISABLE_UDEV=1
cd /dmpr || finish 2

# A problem the kernel reported while booting, before it ran init, cannot
# come from the test (no project code had run yet; the project's modules
# are not loaded by then). Seen on the debug kernel under TCG: a KASAN
# wild-memory-access in rcu_is_watching() during cpu_detect(), at 0.005 s.
# Report it and end with status 126 without running the command: run.sh
# boots once more (and fails if the second boot reports one too).
if [ "${DMPR_KCHECK:-1}" = 1 ] && [ "$DMPR_INTERACTIVE" != 1 ]; then
	boot_hits=$(dmesg -s 8388608 | sed '/Run \/init as init process/q' |
		klog_problems "$klog_pat" | sed -n 's/^P\t//p')
	if [ -n "$boot_hits" ]; then
		report "the kernel reported $(wc -l <<<"$boot_hits") problem line(s) while booting, before init ran:"
		head -n 40 <<<"$boot_hits" | while IFS= read -r l; do report "  $l"; done
		DMPR_KCHECK=0 finish 126
	fi
fi

# a clean slate for kmemleak: only what the command leaks counts
if [ "${DMPR_KCHECK:-1}" = 1 ] && kmemleak_present; then
	echo clear >"$KMEMLEAK"
fi

if [ "$DMPR_INTERACTIVE" = 1 ]; then
	cat >/root/.bashrc <<'EOF'
PS1='dmpr-vm:\w# '
cd /dmpr 2>/dev/null
. "$DMPR_LIB/san.sh"
EOF
	if [ "${#DMPR_CMD[@]}" -gt 0 ]; then
		if [ "${#DMPR_CMD[@]}" -eq 1 ]; then bash -c "${DMPR_CMD[0]}"; else "${DMPR_CMD[@]}"; fi
		echo "dmpr-vm: command exited with status $?"
	fi
	read -r rows cols <<<"$DMPR_TERM_SIZE"
	[ "${rows:-0}" = 0 ] || stty rows "$rows" cols "$cols"
	echo "dmpr-vm: kernel $DMPR_KERNEL_ID ($(uname -r)); test files in /dmpr, libs in \$DMPR_LIB"
	echo "dmpr-vm: san.sh is sourced: e.g. san_setup; san_dump   -- exit the shell or Ctrl-A x to quit"
	setsid -c bash -i <>/dev/ttyS0 >&0 2>&0
	reboot -n -f
	sleep 60
fi

# Run the command in its own session (so that a timeout kills all of it),
# its output through a fifo to the test stream and the console.
mkfifo /run/dmpr-out
tee -a /dev/console </run/dmpr-out >"$out" &
teepid=$!
[ "$out" != /dev/console ] || echo "DMPR-VM-BEGIN"
t_test0=$(cut -d' ' -f1 /proc/uptime)
if [ "${#DMPR_CMD[@]}" -eq 1 ]; then
	setsid bash -c "${DMPR_CMD[0]}" </dev/null >/run/dmpr-out 2>&1 &
else
	setsid "${DMPR_CMD[@]}" </dev/null >/run/dmpr-out 2>&1 &
fi
pid=$!

# the watchdog: TERM, then KILL the command's session; if it does not die
# (a process stuck in D state), dump the blocked tasks and give up
(
	sleep "$DMPR_TIMEOUT"
	: >/run/dmpr-timed-out
	report "TIMEOUT: the command ran longer than ${DMPR_TIMEOUT}s, killing it"
	kill -TERM -- "-$pid" 2>/dev/null
	for sig in TERM KILL; do
		kill "-$sig" -- "-$pid" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 -- "-$pid" 2>/dev/null || exit 0
			sleep 0.1
		done
	done
	report "the command does not die (stuck in the kernel?): blocked tasks follow in the console log"
	ps -o pid,stat,comm 2>/dev/null | awk '$2 ~ /^D/' | while IFS= read -r l; do report "  D state: $l"; done
	echo w >/proc/sysrq-trigger
	t_test1=$(cut -d' ' -f1 /proc/uptime)
	finish 124
) &
wdpid=$!

wait "$pid"
rc=$?
t_test1=$(cut -d' ' -f1 /proc/uptime)
kill "$wdpid" 2>/dev/null
wait "$wdpid" 2>/dev/null
if [ -e /run/dmpr-timed-out ]; then
	rc=124
fi
# whatever the command left behind in its session
kill -KILL -- "-$pid" 2>/dev/null
for _ in $(seq 50); do
	kill -0 "$teepid" 2>/dev/null || break
	sleep 0.1
done
kill "$teepid" 2>/dev/null
wait "$teepid" 2>/dev/null
finish "$rc"
