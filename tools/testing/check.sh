#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test of the project in one run.
#
#   1. host packages (deps.sh)
#   2. userspace unit tests (cmocka, TAP output)
#   3. the kernels (kernels/prepare.sh, cached) and the module built for
#      each with W=1, warnings fatal
#   4. kernel lint: checkpatch --strict, sparse, kernel-doc
#   5. KUnit on the debug kernel, in a VM
#   6. the VM scenarios (scenarios/*.sh) on every kernel, against LIO
#
# Every step reports TAP; a step that fails without reporting a failing
# test counts as one failure itself. Ends with the skipped tests and
# their reasons (each must be allowed by skips.list), the ten slowest
# steps and "N passed, N failed, N skipped".
# Environment: DMPR_KERNELS (default "6.1 6.12 debug"), DMPR_SCENARIOS
# (glob of scenario names, default all), DMPR_VM_JOBS (VMs at once,
# default the number of CPUs), DMPR_CHECK_SKIP_LINT=1 (local use).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

logdir=$DMPR_BUILD/check
rm -rf "$logdir"
mkdir -p "$logdir"
passed=0 failed=0 skipped=0
not_run=()
failures=()
times=()	# "SECONDS NAME" of every step, for the ten slowest
t0=$(date +%s)

# step NAME CMD...: run CMD, keep its output in $logdir/NAME.log, count
# the TAP results it printed.
step() {
	local name=$1 rc start
	shift
	start=$(date +%s)
	"$@" >"$logdir/$name.log" 2>&1
	rc=$?
	account "$name" "$rc" "$(($(date +%s) - start))"
}

# account NAME RC SECONDS: count the TAP results in $logdir/NAME.log of a
# command that exited with RC, print the step's summary line. Returns RC.
# A step whose results fall short of its plan ("1..N": fewer or more
# results than N) or of its minimum ("# min N": fewer than N) fails, each
# with its own "not ok" line; a VM step (vm-*, kunit-*) must declare one
# of them before its first result, or a crash half way through would go
# unnoticed.
account() {
	local name=$1 rc=$2 secs=$3 counts p f s n plan top min declared
	local log="$logdir/$name.log"
	times+=("$secs $name")
	printf '== %s\n' "$name"
	counts=$(awk -f "$here/lib/tap-summary.awk" "$log")
	read -r p f s plan top min declared <<<"$counts"
	n=$((p + f + s))
	if [ "$rc" -eq 124 ]; then
		# a timeout kills the command mid-test: say so even when some
		# test already failed, the rest of it never ran
		f=$((f + 1))
		printf 'not ok - %s timed out (status 124): the tests after the last result did not run\n' \
			"$name" >>"$log"
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		printf 'not ok - %s exited with status %d\n' "$name" "$rc" >>"$log"
	elif [ "$rc" -eq 0 ] && [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
		p=1
	fi
	if [ "$plan" -ge 0 ] && [ "$top" -ne "$plan" ]; then
		f=$((f + 1))
		printf 'not ok - %s ran %d of its %d planned tests\n' "$name" "$top" "$plan" >>"$log"
	fi
	if [ "$min" -ge 0 ] && [ "$n" -lt "$min" ]; then
		f=$((f + 1))
		printf 'not ok - %s has %d results, fewer than its minimum of %d\n' \
			"$name" "$n" "$min" >>"$log"
	fi
	if [[ $name == vm-* || $name == kunit-* ]] && [ "$declared" != 1 ]; then
		f=$((f + 1))
		printf 'not ok - %s declares no plan or minimum before its first result (tap_plan N, tap_min N)\n' \
			"$name" >>"$log"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ "$f" -ne 0 ]; then
		failures+=("$name")
		# each failure with the diagnostics that follow it (got and
		# expected, where it failed): CI shows only this summary
		awk -f "$here/lib/tap-failures.awk" "$log" | sed 's/^/   /' | head -60
		kernel_report "$log"
		printf '   (log: %s)\n' "$log"
	fi
	printf '   %d passed, %d failed, %d skipped (%ds)\n' "$p" "$f" "$s" "$secs"
	return "$rc"
}

# kernel_report LOG: what the kernel said in a failed VM step: run.sh's
# "# dmpr-vm:" lines (the problem lines of the kernel log, kmemleak's
# report, a timeout), and from the VM's console log (build/vm-logs/) the
# first problem line with the 30 lines after it, where the report's call
# trace is. Nothing for a step without such lines.
kernel_report() {
	local log=$1 lines vmlog first n
	lines=$(grep '^# dmpr-vm: ' "$log" | grep -v '^# dmpr-vm: ignored, ')
	[ -n "$lines" ] || return 0
	printf '   the runner (run.sh) about the kernel:\n'
	head -n 24 <<<"$lines" | sed 's/^/   /'
	vmlog=$(sed -n 's/^run\.sh: kernel .*; log \(.*\)$/\1/p' "$log" | tail -n 1)
	first=$(sed -n '/^# dmpr-vm: \(kernel log shows\|the kernel reported\)/,$s/^# dmpr-vm:   //p' <<<"$lines" | head -n 1)
	if [ -n "$first" ] && [ -f "$vmlog" ]; then
		n=$(tr -d '\r' <"$vmlog" | grep -n -F -- "$first" | head -n 1 | cut -d: -f1)
		if [ -n "$n" ]; then
			printf '   the first report in the console log (line %d):\n' "$n"
			tr -d '\r' <"$vmlog" | sed -n "${n},$((n + 30))p" | sed 's/^/   | /'
		fi
	fi
	[ -z "$vmlog" ] || printf '   (console log: %s)\n' "$vmlog"
}

# missing WHAT: a step that cannot run because WHAT is missing
missing() {
	printf '1..1\nnot ok 1 - %s\n' "$*"
	return 1
}

# The VM steps are independent (each boots its own guest and SAN) and
# spend much of their time waiting (netem delays, multipath checker
# intervals), so up to DMPR_VM_JOBS of them run at once (default: the
# number of CPUs). Their summaries are printed in the order they were
# queued, as each one's turn comes.
vm_jobs=${DMPR_VM_JOBS:-$(nproc)}
[[ $vm_jobs =~ ^[1-9][0-9]*$ ]] || { echo "DMPR_VM_JOBS must be a positive number, not '$vm_jobs'" >&2; exit 2; }
queued=()

# queue NAME CMD...: start CMD in the background once a slot is free.
queue() {
	local name=$1
	shift
	while [ "$(jobs -rp | wc -l)" -ge "$vm_jobs" ]; do
		wait -n
	done
	(
		start=$(date +%s)
		"$@" >"$logdir/$name.log" 2>&1
		echo "$? $(($(date +%s) - start))" >"$logdir/$name.rc"
	) &
	queued+=("$name")
}

# drain: wait for every queued step and account for each, in order.
drain() {
	local name rc secs
	wait
	for name in "${queued[@]}"; do
		read -r rc secs <"$logdir/$name.rc" 2>/dev/null || { rc=1 secs=0; }
		account "$name" "$rc" "$secs" || true
	done
	queued=()
}

step deps bash "$here/deps.sh" || { echo "0 passed, 1 failed"; exit 1; }

step unit env CMOCKA_MESSAGE_OUTPUT=TAP make -C "$DMPR_TOP/userspace" check
# the parsers of untrusted input under libFuzzer, a few seconds each
step fuzz make -s -C "$DMPR_TOP/userspace" fuzz-check

# The Debian kernels first: their preparation also installs the host's
# build packages and sets up the private apt configuration, which nothing
# may do twice at once.
debug_rc=
for k in $DMPR_KERNELS; do
	[ "$k" = debug ] || step "kernel-$k" bash "$here/kernels/prepare.sh" "$k"
done
# The debug kernel is built from source: 10 to 20 minutes on two cores in
# a cold cache, longer than any other step. It builds in the background
# from here on, beside the steps that do not need it and the VM steps of
# the other kernels (which spend much of their time waiting); it counts as
# one of the VM job slots (queue() below). Its own steps are queued as
# soon as it is ready (debug_ready() below). Alone, it builds here.
if [[ " $DMPR_KERNELS " == *" debug "* ]]; then
	if [ "$DMPR_KERNELS" = debug ]; then
		step kernel-debug bash "$here/kernels/prepare.sh" debug
	else
		debug_rc=$logdir/kernel-debug.rc
		# one compile job more than the CPUs: the build is the run's
		# critical path, and the scenario beside it mostly waits
		(
			start=$(date +%s)
			DMPR_JOBS=${DMPR_JOBS:-$(($(nproc) + 1))} \
				bash "$here/kernels/prepare.sh" debug >"$logdir/kernel-debug.log" 2>&1
			echo "$? $(($(date +%s) - start))" >"$debug_rc"
		) &
	fi
fi

# the real multipath-tools for the comparison scenario (run.sh --mpt)
step mpt bash "$here/vm/mpt-prepare.sh"
# a program linked against multipath-tools' libmpathpersist.so.0 runs on ours
step abi-mpathpersist bash "$here/abi-mpathpersist.sh"

declare -A built=()
# build_module ID: the module for kernel ID, if that kernel is prepared
build_module() {
	if [ -d "$(dmpr_kdir "$1")/build" ] &&
	   step "module-$1" bash "$here/build-module.sh" "$1"; then
		built[$1]=1
	fi
}
for k in $DMPR_KERNELS; do
	[ "$k" = debug ] && [ -n "$debug_rc" ] || build_module "$k"
done
step userspace make -C "$DMPR_TOP/userspace"
# the installed module sources build with DKMS (6.1: Debian 12's kernel)
if [ -n "${built[6.1]:-}" ]; then
	step dkms-6.1 bash "$here/dkms-build.sh" 6.1
fi
step prbench gcc -std=c11 -O2 -Wall -Wextra -Werror -o "$DMPR_BUILD/prbench" "$here/bench/prbench.c"
step prstress gcc -std=c11 -O2 -Wall -Wextra -Werror -pthread -o "$DMPR_BUILD/prstress" "$here/bench/prstress.c"
step prcall gcc -std=c11 -O2 -Wall -Wextra -Werror -o "$DMPR_BUILD/prcall" "$here/bench/prcall.c"
# shellcheck disable=SC2046 # pkg-config prints several words
step nltest gcc -std=c11 -O2 -Wall -Wextra -Werror -I"$DMPR_TOP/include/uapi" \
	$(pkg-config --cflags libnl-genl-3.0) -o "$DMPR_BUILD/nltest" "$here/nltest/nltest.c" \
	$(pkg-config --libs libnl-genl-3.0)
# the netlink fuzzer of 49-netlink-fuzz (raw netlink, no libnl)
step nlfuzz gcc -std=c11 -O2 -Wall -Wextra -Werror -I"$DMPR_TOP/include/uapi" \
	-o "$DMPR_BUILD/nlfuzz" "$here/nlfuzz/nlfuzz.c"
# the malformed SG_IO PR requests of 37-sgio-malformed
step sgio-bad gcc -std=c11 -O2 -Wall -Wextra -Werror \
	-o "$DMPR_BUILD/sgio-bad" "$here/sgio-bad/sgio-bad.c"
# a PR command by the legacy SCSI_IOCTL_SEND_COMMAND, for 34-sgio-sg-persist
step scsi-send gcc -std=c11 -O2 -Wall -Wextra -Werror \
	-o "$DMPR_BUILD/scsi-send" "$here/sgio-bad/scsi-send.c"
# the skip check below fails a skip that skips.list does not allow
step selftest-skips bash "$here/selftest/skips.sh"


# run.sh reads a scenario's own needs from its "# dmpr-vm-options:" lines
# (paths relative to the top of the tree, hence the cd).
# A scenario gets 900 s in the guest; twice that on the debug kernel
# (KASAN, lockdep and kmemleak under TCG are about three times slower, and
# on a loaded machine 55-lvmpersist has needed more than 900 s there).
vm() {
	local k=$1 name=$2 limit=900
	shift 2
	[ "$k" != debug ] || limit=1800
	(cd "$DMPR_TOP" && bash "$here/vm/run.sh" --kernel "$k" --timeout "$limit" --log "$DMPR_BUILD/vm-logs/$k-$name.log" \
		--module "$(dmpr_modbuild "$k")/dm-mpath-pr.ko" \
		--bin "$DMPR_BUILD/userspace/prtool" --bin "$DMPR_BUILD/prbench" \
		--bin "$DMPR_BUILD/prstress" --bin "$DMPR_BUILD/nltest" --bin "$DMPR_BUILD/prcall" \
		--bin "$DMPR_BUILD/nlfuzz" --bin "$DMPR_BUILD/sgio-bad" --bin "$DMPR_BUILD/scsi-send" "$@")
}

# runs_on FILE ID: status 0 unless FILE's first 40 lines have a
# "# dmpr-kernels: ID..." line without ID. Benchmarks and fixture-only
# checks say so: their figures mean nothing under KASAN, or their claim
# does not depend on the kernel (Documentation/testing.md, "Which kernels").
runs_on() {
	local line
	line=$(head -n 40 "$1" | sed -n 's/^# dmpr-kernels:[[:space:]]*//p' | head -n 1)
	[ -z "$line" ] || [[ " $line " == *" $2 "* ]]
}

# The order of the VM steps. Two VMs run at once and the run ends when
# the last one does, so the long steps go first and the short ones fill
# the gaps at the end (longest first). The debug kernel's steps take
# longer than the same steps on 6.1 and 6.12 (KASAN, lockdep, kmemleak
# under TCG): queued last, they made a tail of one slot running debug
# scenarios alone for many minutes. So: the other kernels' steps while
# the debug kernel builds, scenario by scenario; once it is ready, lint
# (it runs sparse against every kernel), the debug kernel's scenarios,
# its KUnit and kmemleak self-test; then the rest of the other kernels'
# steps. Within a kernel, the scenarios in slow_first come first, in that
# order: a static order from the step times of a full run (2026-12-07; it
# is about the same on every kernel), the others after them by name.
# Nothing is measured at run time; a wrong guess costs minutes of wall
# time, never a result.
slow_first=(26-failslab 36-qemu-pr-helper 40-path-flap 31-preempt-abort 25-stress 49-netlink-fuzz
	41-fenced-flap 55-lvmpersist 51-mpathpersist-compare
	12-register-latency-iscsi 12-iscsi-preempt-abort 30-reserve 11-register-latency
	47-fenced-chaos 46-hung-path 48-hot-add 50-mpathpersist)
scenarios=()
for n in "${slow_first[@]}"; do
	[ -f "$here/scenarios/$n.sh" ] && scenarios+=("$n")
done
for s in "$here"/scenarios/[0-9]*.sh; do
	n=$(basename "$s" .sh)
	[[ " ${slow_first[*]} " == *" $n "* ]] || scenarios+=("$n")
done
kernels=()
for k in $DMPR_KERNELS; do
	[ "$k" = debug ] && [ -n "$debug_rc" ] && continue
	[ -z "${built[$k]:-}" ] || kernels+=("$k")
done

# queue_scenario ID NAME: the VM step of scenario NAME on kernel ID,
# unless DMPR_SCENARIOS or its "# dmpr-kernels:" line leave it out
queue_scenario() {
	local k=$1 n=$2
	# shellcheck disable=SC2053
	[[ $n == ${DMPR_SCENARIOS:-*} ]] || return 0
	if ! runs_on "$here/scenarios/$n.sh" "$k"; then
		not_run+=("$n on $k")
		return 0
	fi
	queue "vm-$k-$n" vm "$k" "$n" -- bash "/dmpr/tools/testing/scenarios/$n.sh"
}

# queue_selftests ID: KUnit and the kmemleak self-test, where kernel ID
# has them
queue_selftests() {
	local k=$1 kt
	kt=$(dmpr_modbuild "$k")/dm-mpath-pr-test.ko
	if [ -f "$kt" ]; then
		queue "kunit-$k" vm "$k" kunit --module "$kt" -- \
			bash /dmpr/tools/testing/scenarios/kunit.sh
	elif grep -q '^CONFIG_KUNIT=[ym]' "$(dmpr_kdir "$k")/config"; then
		# a kernel that runs KUnit must get the engine's suites: a
		# missing test module is a failure, not a step less
		step "kunit-$k" missing "$kt was not built, though kernel $k has CONFIG_KUNIT (see module-$k)"
	fi
	# the runner's kmemleak check catches a module that leaks
	if grep -q '^CONFIG_DEBUG_KMEMLEAK=y' "$(dmpr_kdir "$k")/config"; then
		queue "selftest-kmemleak-$k" bash "$here/selftest/kmemleak.sh" "$k"
	fi
}

# debug_ready: the debug kernel's build ended, accounted for; its module
# is built, and lint and its VM steps are queued
debug_ready() {
	local rc secs n
	read -r rc secs <"$debug_rc" 2>/dev/null || { rc=1 secs=0; }
	debug_rc=
	account kernel-debug "$rc" "$secs" || true
	[ "$rc" -ne 0 ] || build_module debug
	if [ "${DMPR_CHECK_SKIP_LINT:-0}" != 1 ]; then
		queue lint bash "$here/kernel-lint.sh"
	fi
	[ -n "${built[debug]:-}" ] || return 0
	for n in "${scenarios[@]}"; do
		queue_scenario debug "$n"
	done
	queue_selftests debug
}

for k in "${kernels[@]}"; do
	queue_selftests "$k"
done
for n in "${scenarios[@]}"; do
	for k in "${kernels[@]}"; do
		[ -z "$debug_rc" ] || [ ! -f "$debug_rc" ] || debug_ready
		queue_scenario "$k" "$n"
	done
done
if [ -n "$debug_rc" ]; then
	# every other step is queued: wait for the debug kernel
	while [ ! -f "$debug_rc" ]; do
		wait -n
		[ $? -ne 127 ] || break	# no job left: it died without a word
	done
	debug_ready
elif [ "${DMPR_CHECK_SKIP_LINT:-0}" != 1 ] && [[ " ${queued[*]} " != *" lint "* ]]; then
	queue lint bash "$here/kernel-lint.sh"
fi
drain
# the same return codes on every kernel (issue 3)
step rc-compare bash "$here/rc-compare.sh" "$logdir"
# every skip of this run is one that skips.list allows (issue 10)
logs=()
for f in "$logdir"/*.log; do
	[ "$f" = "$logdir/skips.log" ] || logs+=("$f")
done
step skips bash "$here/skip-check.sh" "$here/skips.list" "${logs[@]}"

echo
[ ${#not_run[@]} -eq 0 ] ||
	echo "not run by design (\"# dmpr-kernels:\" lines): ${not_run[*]}"
# the skipped tests, each with the step, the count and the reason (and
# skips.list's reason for allowing it)
if [ "$skipped" -gt 0 ]; then
	echo "skipped ($skipped):"
	awk '/^ok [0-9]+ - .* skipped: / { sub(/^ok [0-9]+ - /, "  "); print }
	     /^not ok [0-9]+ - .* skipped: / { sub(/^not ok [0-9]+ - /, "  NOT ALLOWED: "); print }' \
		"$logdir/skips.log"
fi
echo "the ten slowest steps:"
printf '%s\n' "${times[@]}" | sort -rn | head -n 10 | awk '{ printf "  %5d s  %s\n", $1, $2 }'
echo "check took $(($(date +%s) - t0))s; logs in $logdir"
[ ${#failures[@]} -eq 0 ] || echo "failed steps: ${failures[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
