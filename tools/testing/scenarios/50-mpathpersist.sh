#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-kernels: 6.1
# (the mpathpersist front end, userspace: the kernel paths it drives are the
# pr_ops the kernel scenarios run on the debug kernel too)
#
# The mpathpersist front end against LIO (issue 5).
#
# Host A (mpathA, 2 paths) and host B (mpathB, 2 paths) are attached to the
# module, on the iSCSI fabric: PREEMPT AND ABORT (-A) deadlocks LIO over
# tcm_loop (shared/TESTBED.md, SAN fixture 7), and over iSCSI it reaches
# the target (the CDB trace shows service action 0x05 at the path). Every
# PR OUT action of `mpathpersist` (prtool under that name, and
# `prtool mpathpersist`) must show up in LIO on every nexus; the PR IN reads
# must print what LIO holds, in mpathpersist 0.14.3's format; the exit codes
# for success, conflict, bad option, missing device, non-multipath device
# and non-root are those of the reference. The libmpathpersist-style demo
# program (userspace/examples/mpp-demo) runs when the VM has it:
#   run.sh ... --bin build/userspace/examples/mpp-demo
# Every --json read of prtool is parsed with jq.
#
# dmpr-vm-options: --iscsi --bin build/userspace/examples/mpp-demo
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
tap_plan 93

san_setup --fabric iscsi --paths-a 2 --paths-b 2 || tap_bail "SAN setup failed"
mod_load

# mpathpersist is prtool under another name
mkdir -p /tmp/mpp-bin
ln -sf "$(command -v prtool)" /tmp/mpp-bin/mpathpersist
PATH=/tmp/mpp-bin:$PATH
MA=$(san_map A) MB=$(san_map B)

# run CMD...: set $out, $err and $rc
run() {
	local e=/tmp/mpp-err
	out=$("$@" 2>"$e")
	rc=$?
	rc_note "$*" "$rc"
	err=$(<"$e")
}


# gen: LIO's PR generation as mpathpersist prints it
gen() { printf '0x%x' "$(san_generation)"; }

# holder_host: A or B, the host of the nexus LIO has as holder
holder_host() { local h; h=$(san_holder); echo "${h%% *}"; }

prtool attach mpathA && prtool attach mpathB
ok $? "attach mpathA and mpathB"

# ---- PR OUT: register, register-ignore ---------------------------------
run mpathpersist --out --register --param-sark=a1 "$MA"
is "$rc:$out" "0:" "mpathpersist -o -G -S a1: status 0, nothing on stdout"
is "$(san_keys A)" "0xa1 0xa1" "LIO: both nexuses of A carry 0xa1"

run mpathpersist -o -I -S 0xa2 "$MA"
is "$rc" 0 "mpathpersist -o -I -S 0xa2 (register-ignore) succeeds"
is "$(san_keys A)" "0xa2 0xa2" "LIO: register-ignore replaced A's key on both nexuses"

run prtool mpathpersist --out --register --param-rk=0 --param-sark=b1 "$MB"
is "$rc" 0 "prtool mpathpersist -o -G -S b1 on mpathB succeeds"
is "$(san_keys B)" "0xb1 0xb1" "LIO: both nexuses of B carry 0xb1"
is "$(san_keys A)" "0xa2 0xa2" "B's registration left A's alone"

# ---- PR IN: read keys ---------------------------------------------------
run mpathpersist -i -k "$MA"
want="  PR generation=$(gen), "$'\t'"4 registered reservation keys follow:"
is "$rc" 0 "mpathpersist -i -k: status 0"
is "$(head -n 1 <<<"$out")" "$want" "-i -k: header with LIO's generation and count"
is "$(tail -n +2 <<<"$out" | sort | tr '\n' ' ')" \
	"$(san_registrations | awk '{ print "    " $3 }' | sort | tr '\n' ' ')" \
	"-i -k: the keys are LIO's registrations"

# --json reads of prtool, parsed with jq
j=$(prtool read-keys "$MA" --json)
ok $? "prtool read-keys --json"
is "$(jq -r '.keys | sort | join(" ")' <<<"$j")" "0xa2 0xa2 0xb1 0xb1" \
	"read-keys --json: keys (jq)"
is "$(jq -r '.generation' <<<"$j")" "$(san_generation)" "read-keys --json: generation (jq)"

# ---- PR OUT: reserve with every type; release ---------------------------
for t in 1 3 5 6 7 8; do
	run mpathpersist --out --reserve --param-rk=a2 --prout-type=$t "$MA"
	is "$rc" 0 "mpathpersist -o -R -K a2 -T $t succeeds"
	is "$(san_res_type)" "$t" "LIO: reservation type $t"
	if [ "$t" -lt 7 ]; then
		is "$(holder_host)" A "LIO: a nexus of A holds the type $t reservation"
	fi
	run mpathpersist --out --release --param-rk=a2 --prout-type=$t "$MA"
	is "$rc:$(san_res_type)" "0:" "mpathpersist -o -L -K a2 -T $t releases it"
done

run mpathpersist -o -R -K a2 -T 5 "$MA"
is "$rc:$(san_res_type):$(holder_host)" "0:5:A" "A reserves Write Exclusive, registrants only"

# ---- PR IN: read reservation, full status, capabilities -----------------
run mpathpersist -i -r "$MA"
want="  PR generation=$(gen), Reservation follows:
   Key = 0xa2
  scope = LU_SCOPE, type = Write Exclusive, registrants only"
is "$rc" 0 "mpathpersist -i -r: status 0"
is "$out" "$want" "-i -r prints LIO's reservation"

j=$(prtool read-reservation "$MB" --json)
is "$(jq -r '[.reservation.key, .reservation.type, .generation] | join(" ")' <<<"$j")" \
	"0xa2 write-exclusive-reg-only $(san_generation)" "read-reservation --json (jq)"

run mpathpersist -i -s "$MA"
is "$rc" 0 "mpathpersist -i -s: status 0"
is "$(head -n 1 <<<"$out")" "  PR generation=$(gen) " "-i -s: header"
is "$(grep -c '^   Key = ' <<<"$out")" 4 "-i -s: one descriptor per LIO registration"
is "$(grep -c '<< Reservation holder >>' <<<"$out")" 1 "-i -s: one holder"
is "$(grep -B3 '<< Reservation holder >>' <<<"$out" | sed -n 's/^   Key = //p')" 0xa2 \
	"-i -s: the holder's key is A's"
is "$(grep -c 'scope: LU_SCOPE,  type: Write Exclusive, registrants only' <<<"$out")" 1 \
	"-i -s: the holder's scope and type"

run mpathpersist -i -c "$MA"
is "$rc:$(head -n 1 <<<"$out")" "0:Report capabilities response:" "mpathpersist -i -c"
sgc=$(san_sg_persist -i -c "/dev/$(san_path_name A 1)")
bad=''
for label in 'Compatible Reservation Handling(CRH)' 'Specify Initiator Ports Capable(SIP_C)' \
	'All Target Ports Capable(ATP_C)' 'Persist Through Power Loss Capable(PTPL_C)' \
	'Type Mask Valid(TMV)' 'Persist Through Power Loss Active(PTPL_A)' \
	'Write Exclusive, all registrants' 'Exclusive Access, registrants only' \
	'Write Exclusive, registrants only' 'Exclusive Access' 'Write Exclusive' \
	'Exclusive Access, all registrants'; do
	a=$(grep -m1 -F "  $label: " <<<"$out" | sed 's/.*: //')
	b=$(grep -m1 -F "  $label: " <<<"$sgc" | sed 's/.*: //')
	[ -n "$a" ] && [ "$a" = "$b" ] || bad+=" [$label: '$a' vs sg_persist '$b']"
done
is "$bad" "" "-i -c: every capability bit matches sg_persist on a raw path"

# ---- conflict ------------------------------------------------------------
run mpathpersist -o -R -K b1 -T 5 "$MB"
is "$rc" 11 "B's RESERVE while A holds: status 11 (RESERVATION CONFLICT)"
is "$out" "persistent reserve out: scsi status: Reservation Conflict
PR out: command failed" "conflict: mpathpersist's two lines on stdout"
is "$(san_res_type):$(holder_host)" "5:A" "LIO: A still holds the reservation"

# ---- preempt, preempt-abort ---------------------------------------------
run mpathpersist -o -P -K b1 -S a2 -T 5 "$MB"
is "$rc" 0 "mpathpersist -o -P -K b1 -S a2 -T 5: B preempts A"
is "$(san_keys A)" " " "LIO: A's key is gone from both of its nexuses"
is "$(san_keys B)" "0xb1 0xb1" "LIO: B's nexuses keep their key"
is "$(san_res_type):$(holder_host)" "5:B" "LIO: a nexus of B holds the reservation now"

# PREEMPT AND ABORT: A registers again and takes the reservation, B
# preempts it with the abort flag; LIO per nexus, and the service action
# the path received (the module keeps the flag; stock dm drops it)
run mpathpersist -o -G -S a5 "$MA"
run mpathpersist -o -L -K b1 -T 5 "$MB"
run mpathpersist -o -R -K a5 -T 5 "$MA"
is "$rc:$(san_keys A):$(san_res_type):$(holder_host)" "0:0xa5 0xa5:5:A" \
	"A registers again (0xa5) and holds the reservation (B released it)"
san_trace_start 0x5f
run mpathpersist -o -A -K b1 -S a5 -T 5 "$MB"
san_trace_stop
is "$rc" 0 "mpathpersist -o -A -K b1 -S a5 -T 5: B preempts A and aborts its tasks"
is "$(san_keys A)" " " "LIO: A's key is gone from both of its nexuses"
is "$(san_keys B):$(san_res_type):$(holder_host)" "0xb1 0xb1:5:B" \
	"LIO: B's nexuses keep their key, a nexus of B holds the reservation"
is "$(san_trace_cdbs | awk '$2 == "0x5f" { print $3 }' | sort -u | tr '\n' ' ')" "0x05 " \
	"the PR OUT that reached the target was PREEMPT AND ABORT (0x05), no PREEMPT (0x04)"

j=$(prtool show mpathB --json)
is "$(jq -r '[.map, .key, (.paths | map(.registration) | join(","))] | join(" ")' <<<"$j")" \
	"mpathB 0xb1 registered,registered" "prtool show mpathB --json: B's key on both paths (jq)"
j=$(prtool list --json)
is "$(jq -r '.attachments | map(.map) | sort | join(" ")' <<<"$j")" "mpathA mpathB" \
	"prtool list --json: both maps attached (jq)"

# ---- clear; unregister ---------------------------------------------------
run mpathpersist -o -G -S a3 "$MA"
is "$rc:$(san_keys A)" "0:0xa3 0xa3" "A registers again (0xa3)"
run mpathpersist --out --clear --param-rk=b1 "$MB"
is "$rc" 0 "mpathpersist -o -C -K b1 succeeds"
is "$(san_registrations | wc -l):$(san_res_type)" "0:" "LIO: no registration and no reservation left"

run mpathpersist -o -G -S a4 "$MA"
run mpathpersist -o -G -K a4 "$MA"
is "$rc:$(san_keys A)" "0: " "mpathpersist -o -G -K a4 (SARK 0) unregisters both nexuses"
run mpathpersist -i -k "$MA"
is "$out" "  PR generation=$(gen), "$'\t'"0 registered reservation key." "-i -k with no key"
run mpathpersist -i -r "$MA"
is "$out" "  PR generation=$(gen), there is NO reservation held " "-i -r with no reservation"

# ---- batch file -----------------------------------------------------------
printf '%s\n' '# register and reserve' "mpathpersist -o -G -S c1 $MA" \
	"-o -R -K c1 -T 7 $MA" >/tmp/mpp-batch
run mpathpersist -f /tmp/mpp-batch
is "$rc:$(san_keys A):$(san_res_type)" "0:0xc1 0xc1:7" "batch file: register and reserve (WE, all registrants)"
run mpathpersist -o -C -K c1 "$MA"
is "$rc:$(san_registrations | wc -l)" "0:0" "clear again"

# ---- exit codes -----------------------------------------------------------
run mpathpersist
is "$rc" 1 "no arguments: status 1"
like "$err" "No parameter used" "no arguments: 'No parameter used'"
run mpathpersist --bogus -i -k "$MA"
is "$rc" 1 "unknown option: status 1"
like "$err" "unrecognised switch code 0x3f" "unknown option: mpathpersist's message"
run mpathpersist -i "$MA"
is "$rc" 1 "-i without an action: status 1"
run mpathpersist -i -k /dev/mapper/no-such-map
is "$rc" 12 "missing device: status 12"
like "$err" "error opening file \(rw\) fd=-1" "missing device: 'error opening file'"
run mpathpersist -i -k "/dev/$(san_path_name A 1)"
is "$rc" 13 "a raw sd path (not a multipath map): status 13"
run mpathpersist -o -G -S d1 "/dev/$(san_path_name A 1)"
is "$rc:$(san_registrations | wc -l)" "13:0" "PR OUT on a raw sd path: status 13, nothing registered"
run setpriv --reuid=65534 --regid=65534 --clear-groups mpathpersist -i -k "$MA"
is "$rc" 1 "not root: status 1"
like "$err" "need to be root" "not root: 'need to be root'"
run mpathpersist -h
is "$rc" 0 "-h: status 0"

# ---- mpp-demo: libmpathpersist's API, through libprtool ------------------
if command -v mpp-demo >/dev/null; then
	run mpp-demo "$MA" e1
	is "$rc" 0 "mpp-demo registers, reserves, reads keys, releases"
	like "$out" "read keys +generation 0x[0-9a-f]+, 2 key\(s\)" "mpp-demo read both of A's registrations"
	like "$out" "read reservation +key 0xe1, type 0x5" "mpp-demo read its reservation"
	is "$(san_keys A):$(san_res_type)" "0xe1 0xe1:" "LIO: mpp-demo's key on both nexuses, reservation released"
	diag "$out"
	run mpathpersist -o -G -K e1 "$MA"
	run mpp-demo -u "$MA" e2
	is "$rc:$(san_keys A)" "0: " "mpp-demo -u: key changed, then unregistered"
else
	skip "mpp-demo is not in the VM (run.sh --bin build/userspace/examples/mpp-demo)" 5
fi

san_dump
prtool detach mpathA && prtool detach mpathB
ok $? "detach both maps"
scenario_teardown
tap_done
