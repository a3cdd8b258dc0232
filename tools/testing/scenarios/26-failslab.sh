#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-kernels: debug
# (fault injection: only the debug kernel has CONFIG_FAULT_INJECTION)
# dmpr-vm-options: --timeout 900
#
# Allocation failures aimed at the module (issue 10, point 7).
#
# failslab with its stack-trace filter set to the module's text (from
# /proc/kallsyms): only allocations made with the module's code on the
# stack can fail, the module's own and those of the kernel functions it
# calls (opening a path's block device, building a netlink reply, ...).
# fail_page_alloc is kept out (its filter matches nothing): its failures
# inside vmalloc print a "vmalloc error" backtrace, which the runner
# would count as a problem; the module's buffers are slab-sized.
#
# 1. Each allocation of the calling task, one at a time (fail-nth: the
#    tools write N to /proc/thread-self/fail-nth before the call and read
#    back whether it was used): ATTACH, SYNC, GET, DETACH (netlink, nltest)
#    and REGISTER, RESERVE, RELEASE, PREEMPT, CLEAR, unregister (ioctls on
#    the map, prcall), N = 1, 2, ... until a call makes fewer than N
#    allocations, i.e. runs clean. After every call that had an
#    allocation fail: if it returned an error, nothing changed (no
#    half-attached map: the attachments and the path list as before; LIO's
#    registrations and reservation per nexus as before); if it returned
#    success, the state is the one of a clean success. The clean run (the
#    retry) succeeds. At the end the module's view (prtool list: key,
#    every path registered) matches LIO.
#    This covers the caller's allocations: the path commands themselves
#    run in the engine's work items, where fail-nth does not reach.
# 2. The work items: failslab in probability mode (FS_PROB percent,
#    default 20, of the module's allocations in any task, work items
#    included) while register, reserve, release, unregister, resync and
#    sync run in a loop (FS_ROUNDS, default 6); the number of failures
#    injected is printed (times). Then, without injection, a resync and a
#    REGISTER bring A to a consistent state: LIO shows the key on both
#    nexuses, the module shows both paths registered.
# No BUG, WARNING, KASAN or lockdep report in the kernel log (from
# /dev/kmsg, and the runner's own check and kmemleak scans after the
# scenario).
# shellcheck disable=SC2016 # state and restore commands are eval'ed by walk
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
. "$DMPR_LIB/kmsg.sh"
tap_plan 53

FS=/sys/kernel/debug/failslab
FP=/sys/kernel/debug/fail_page_alloc
MAXN=${FS_MAXN:-200}
FS_PROB=${FS_PROB:-20}
FS_ROUNDS=${FS_ROUNDS:-6}
KA=0xa1 KB=0xb1

if [ ! -d $FS ] || [ ! -e /proc/self/fail-nth ]; then
	tap_bail "no failslab or fail-nth in this kernel (CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS)"
fi
san_setup --paths-a 2 --paths-b 2 || tap_bail "SAN setup failed"
mod_load
MA=$(san_map A) MB=$(san_map B)
DA=$(san_map_devno A)
PA1=$(san_path_dev A 1) PA2=$(san_path_dev A 2)
kmsg_watch_start /tmp/kmsg-problems

# the module's text: from its lowest to its highest function, plus a page
lo='' hi=''
while read -r addr type _ mod; do
	[ "$mod" = "[dm_mpath_pr]" ] || continue
	[[ $type == [tT] ]] || continue
	a=$((16#$addr))
	if [ -z "$lo" ] || [ "$a" -lt "$lo" ]; then lo=$a; fi
	if [ -z "$hi" ] || [ "$a" -gt "$hi" ]; then hi=$a; fi
done < <(grep '\[dm_mpath_pr\]$' /proc/kallsyms)
[ -n "$lo" ]
ok $? "the module's text in /proc/kallsyms: $(printf '0x%x-0x%x' "${lo:-0}" "${hi:-0}")"
LO=$(printf '0x%x' "${lo:-0}") HI=$(printf '0x%x' $((${hi:-0} + 4096)))

# failslab: GFP_KERNEL too, any task, quiet (verbose prints a backtrace per
# failure), only with the module on the stack; fail-nth needs no
# probability. fail_page_alloc: a stack filter nothing matches.
fs_setup() {
	echo 0 >$FS/verbose && echo N >$FS/ignore-gfp-wait && echo N >$FS/task-filter &&
		echo 0 >$FS/probability && echo 1 >$FS/interval && echo -1 >$FS/times &&
		echo 0 >$FS/space && echo 32 >$FS/stacktrace-depth &&
		echo "$LO" >$FS/require-start && echo "$HI" >$FS/require-end &&
		echo 0 >$FP/verbose && echo 0 >$FP/probability &&
		echo 0 >$FP/require-start && echo 1 >$FP/require-end
}
fs_setup
ok $? "failslab aimed at $LO-$HI, fail_page_alloc kept out"

# ---- state, as the tools and LIO see it --------------------------------------
# Forks and execs cost ~0.2-1 s each on the debug kernel under TCG, and a
# walk reads the state after every call: LIO is read with bash builtins
# (san.sh's internals), the module with one nltest.

# lio_get: LIO = keys of A1 A2 B1 B2, the holder's host and the type
lio_get() {
	local _h _d _r _k line hp r=''
	local -A _regs
	_san_regs
	for hp in "A 1" "A 2" "B 1" "B 2"; do
		# shellcheck disable=SC2086 # host and index
		_san_pdir $hp || return 1
		_san_read "$_d/initiator"
		r+="${_regs[$_r]:-},"
	done
	_san_read "$SAN_LIO/pr/res_holder"
	line=$_r _r=''
	[[ $line =~ $_SAN_HOLDER_RE ]] && _san_label "${BASH_REMATCH[1]}"
	LIO="${r%,} holder=${_r%% *} type=$(san_res_type)"
}
lio() { lio_get; echo "$LIO"; }
# nl_get: NL = how many maps the module has and how many paths (a GET dump:
# only A is ever attached here)
nl_get() {
	local out
	out=$(nltest --fail-nth 0 --dump get 2>&1)
	[[ $out =~ messages=([0-9]+)\ paths=([0-9]+) ]] &&
		NL="maps=${BASH_REMATCH[1]} paths=${BASH_REMATCH[2]}" || NL="? $out"
}
# nstate_get: STATE = the module's attachments and LIO (netlink walks)
nstate_get() { nl_get; lio_get; STATE="$NL $LIO"; }
# lio_state_get: STATE = LIO (the walks of PR operations)
lio_state_get() { lio_get; STATE=$LIO; }
# pcall ARGS: prcall without injection on A's map; fails unless ret=0
pcall() {
	local out
	out=$(prcall "$MA" "$@" 2>&1)
	[ "$out" = "ret=0" ] || { diag "prcall $MA $*: $out"; return 1; }
}
reg() { pcall register $KA; }
unreg() { pcall register 0 $KA; }
# nlcall ARGS: nltest without injection; fails unless errno=0
nlcall() {
	local out
	out=$(nltest "$@" 2>&1)
	[[ $out == errno=0* ]] || { diag "nltest $*: $out"; return 1; }
}

# walk NAME GET POST RESTORE -- TOOL ARGS...: TOOL (nltest or prcall) with
# --fail-nth N for N = 1, 2, ... until a call runs clean. GET is a function
# that sets STATE; POST is the state a clean success leaves; RESTORE (a
# bash command) brings the state back to the one before, after a call that
# succeeded. Sets w_n (allocations failed), w_err (calls that returned an
# error), w_ok (calls that succeeded anyway), w_bad (calls after which the
# state was neither the one before nor POST), w_clean (the clean call's
# output), w_secs.
walk() {
	local name=$1 get=$2 post=$3 restore=$4 n out pre rc t0=$EPOCHREALTIME
	shift 5
	w_n=0 w_err=0 w_ok=0 w_bad=0 w_clean='' w_errs=''
	$get
	pre=$STATE
	for ((n = 1; n <= MAXN; n++)); do
		out=$("$1" --fail-nth "$n" "${@:2}" 2>&1)
		if [[ $out != *fail-nth=injected* ]]; then
			w_clean=$out
			break
		fi
		w_n=$((w_n + 1))
		if [[ $out == errno=0* || $out == ret=0\ * ]]; then
			rc=ok
		else
			rc=err
			[[ $out =~ ^errno=([A-Z0-9]+)|^ret=-[0-9]+\ ([A-Z0-9]+)|^ret=([0-9]+) ]] &&
				w_errs+=" ${BASH_REMATCH[1]}${BASH_REMATCH[2]}${BASH_REMATCH[3]}"
		fi
		$get
		if [ $rc = err ]; then
			w_err=$((w_err + 1))
			if [ "$STATE" != "$pre" ]; then
				w_bad=$((w_bad + 1))
				diag "$name, allocation $n failed: $out; the state is '$STATE', before it was '$pre'"
			fi
		else
			w_ok=$((w_ok + 1))
			if [ "$STATE" != "$post" ]; then
				w_bad=$((w_bad + 1))
				diag "$name, allocation $n failed: $out (success), but the state is '$STATE', not '$post'"
			fi
			eval "$restore" || diag "$name: restoring after allocation $n failed"
		fi
	done
	w_secs=$(($(elapsed_ms "$t0") / 1000))
	diag "$name: $w_n allocations failed one at a time: $w_err errors (${w_errs# }), $w_ok successes, ${w_secs} s; clean call: $w_clean"
}

# one_walk NAME GET POST RESTORE -- TOOL ARGS: walk, then two results;
# W_MIN=1: the call must make at least one allocation (the filter works)
one_walk() {
	local name=$1
	walk "$@"
	ok $((w_bad + (w_n < ${W_MIN:-0}))) "$name: each of its $w_n allocations failed once: an error and nothing changed, or a success ($w_err errors, $w_ok successes)"
	like "$w_clean" '^(errno=0|ret=0) ' "$name: the call without injection succeeds"
}

# ---- 1. fail-nth: ATTACH, SYNC, GET, DETACH ----------------------------------
lio_get
L0=$LIO
W_MIN=1 one_walk ATTACH nstate_get "maps=1 paths=2 $L0" 'nlcall detach dev=$DA' -- \
	nltest attach dev="$DA" path="$PA1" path="$PA2"
nstate_get
is "$STATE" "maps=1 paths=2 $L0" "after ATTACH: A attached with both paths, LIO unchanged"

nlcall sync dev="$DA" path="$PA1"
nstate_get
is "$STATE" "maps=1 paths=1 $L0" "SYNC to A's first path alone (no injection)"
one_walk SYNC nstate_get "maps=1 paths=2 $L0" 'nlcall sync dev=$DA path=$PA1' -- \
	nltest sync dev="$DA" path="$PA1" path="$PA2"
nstate_get
is "$STATE" "maps=1 paths=2 $L0" "after SYNC: A has both paths"

one_walk GET nstate_get "maps=1 paths=2 $L0" true -- nltest get dev="$DA"

# ---- 1. fail-nth: the PR operations through A's map ---------------------------
W_MIN=1 one_walk REGISTER lio_state_get "$KA,$KA,, holder= type=" unreg -- \
	prcall "$MA" register $KA
is "$(lio)" "$KA,$KA,, holder= type=" "after REGISTER: LIO shows A's key on both nexuses"

one_walk RESERVE lio_state_get "$KA,$KA,, holder=A type=5" 'pcall release $KA 3' -- \
	prcall "$MA" reserve $KA 3
is "$(lio)" "$KA,$KA,, holder=A type=5" "after RESERVE: a nexus of A holds WE_RO"

one_walk RELEASE lio_state_get "$KA,$KA,, holder= type=" 'pcall reserve $KA 3' -- \
	prcall "$MA" release $KA 3
is "$(lio)" "$KA,$KA,, holder= type=" "after RELEASE: no reservation, A still registered"

# PREEMPT of B, registered through stock dm on B's map
bcall() { [ "$(prcall "$MB" "$@" 2>&1)" = "ret=0" ]; }
bcall register $KB
is "$(lio)" "$KA,$KA,$KB,$KB holder= type=" "B registers through its map (stock dm)"
one_walk PREEMPT lio_state_get "$KA,$KA,, holder= type=" 'bcall register $KB' -- \
	prcall "$MA" preempt $KA $KB 3
is "$(lio)" "$KA,$KA,, holder= type=" "after PREEMPT: B's registrations gone, A registered"

pcall reserve $KA 3
ok $? "A reserves WE_RO again (no injection)"
one_walk CLEAR lio_state_get ",,, holder= type=" 'reg && pcall reserve $KA 3' -- \
	prcall "$MA" clear $KA
is "$(lio)" ",,, holder= type=" "after CLEAR: no registration, no reservation"

reg
ok $? "A registers again (no injection)"
one_walk unregister lio_state_get ",,, holder= type=" reg -- \
	prcall "$MA" register 0 $KA
is "$(lio)" ",,, holder= type=" "after unregister: no registration"

# the module's view against LIO's after all of that: register once more
reg
ok $? "A registers (no injection)"
got=$(prtool list --json | jq -r '.attachments[] | select(.map == "mpathA") |
	"\(.key) \([.paths[].registration] | join(" "))"')
is "$got:$(lio)" "$KA registered registered:$KA,$KA,, holder= type=" \
	"the module's view (key, both paths registered) matches LIO's"

lio_get
one_walk DETACH nstate_get "maps=0 paths=0 $LIO" 'nlcall attach dev=$DA path=$PA1 path=$PA2' -- \
	nltest detach dev="$DA"
nstate_get
is "$STATE" "maps=0 paths=0 $KA,$KA,, holder= type=" "after DETACH: nothing attached, LIO unchanged"

# ---- 2. probability mode: the engine's work items too ---------------------------
prtool attach mpathA
ok $? "attach mpathA again"
fs_prob() { echo 100000 >$FS/times && echo "$FS_PROB" >$FS/probability; }
fs_prob
ok $? "failslab: $FS_PROB% of the module's allocations fail, in every task"
for ((r = 1; r <= FS_ROUNDS; r++)); do
	for op in "register 0 $KA" "reserve $KA 3" "release $KA 3" "register $KA $KA" \
		"register 0 $KA"; do
		# shellcheck disable=SC2086 # op is several words
		prcall "$MA" $op >/dev/null 2>&1
	done
	prtool resync mpathA >/dev/null 2>&1
	nltest sync dev="$DA" path="$PA1" path="$PA2" >/dev/null 2>&1
	nltest get dev="$DA" >/dev/null 2>&1
	prcall "$MA" register $KA 0 >/dev/null 2>&1
done
echo 0 >$FS/probability
left=$(<$FS/times)
injected=$((100000 - left))
diag "probability mode: $injected allocation failures injected in $FS_ROUNDS rounds"
[ "$injected" -gt 0 ]
ok $? "allocations failed in probability mode ($injected)"

# without injection: the module gets A consistent again
nlcall sync dev="$DA" path="$PA1" path="$PA2"
ok $? "SYNC of A after the failures"
prtool resync mpathA >/dev/null 2>&1
# whatever is left of the reservation and the key
prcall "$MA" release $KA 3 >/dev/null 2>&1
prcall "$MA" register 0 $KA >/dev/null 2>&1
reg
ok $? "REGISTER of A after the failures"
poll 10 '[ "$(lio)" = "$KA,$KA,, holder= type=" ]' 0.2
is "$(lio)" "$KA,$KA,, holder= type=" "LIO: A's key on both nexuses, nothing else"
got=$(prtool list --json | jq -r '.attachments[] | select(.map == "mpathA") |
	"\(.key) \([.paths[].registration] | join(" "))"')
is "$got" "$KA registered registered" "the module: A's key, both paths registered"
unreg
ok $? "unregister of A"
is "$(lio)" ",,, holder= type=" "LIO: nothing registered"
prtool detach mpathA
ok $? "detach mpathA"

kmsg_watch_stop
is "$(</tmp/kmsg-problems)" "" "kernel log: no BUG, WARNING, KASAN, lockdep or other problem"
scenario_teardown
tap_done
