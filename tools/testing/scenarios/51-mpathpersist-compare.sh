#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dmpr-kernels: 6.1
# (the front end's output against the real mpathpersist: userspace, the same
# on every kernel)
#
# The mpathpersist front end against the real mpathpersist (issue 5,
# acceptance point 1).
#
# The real multipath-tools (Debian's newest, prepared by vm/mpt-prepare.sh
# with the runtime it was built for, run.sh --mpt puts it under /opt/mpt)
# and prtool's front end read the same LU states of the LIO fixture
# through the same maps: `mpathpersist -i -k|-r|-s|-c -d MAP` must print
# the same bytes on stdout and stderr and exit with the same code. The maps
# are attached to the module (prtool's reads go through the map's pr_ops);
# the real tool sends SG_IO down the paths itself, as it always does. It
# needs neither multipathd nor udevd for PR IN: libmultipath finds the
# paths in the map's table and sysfs.
#
# LU states: nothing registered; two hosts registered; a reservation of
# every type (1 3 5 6 7 8); keys of every width, one per nexus; 32
# registrations (READ FULL STATUS in full and cut by -l 1000). Exit codes
# compared with the real tool:
# success, reservation conflict (PR OUT RESERVE; the real tool checks RK
# against multipath.conf's reservation_key, set here), bad option,
# missing device, non-multipath device, no arguments, -h, bad action sets.
# Where the reference (shared/reference/mpathpersist-spec.md §5) lists a
# real-tool bug that the front end fixes on purpose, the case is named
# and the front end's documented behaviour is asserted instead.
#
# dmpr-vm-options: --mpt
set -u
. "$DMPR_LIB/tap.sh"
. "$DMPR_LIB/san.sh"
tap_plan 95

REAL=/opt/mpt/bin/mpathpersist
[ -x "$REAL" ] || tap_bail "the real mpathpersist is not in the VM (run.sh --mpt, vm/mpt-prepare.sh)"
diag "real mpathpersist: multipath-tools $(cat /opt/mpt/version)"

# 16 nexuses per host, all created now (a path added later costs a SCSI
# scan), 4 of them in each map; the other 12 register in the
# 32-registration state at the end
san_setup --paths-a 16 --paths-b 16 --map-paths 4 || tap_bail "SAN setup failed"
mod_load
prtool attach mpathA && prtool attach mpathB
ok $? "attach mpathA and mpathB"
MA=$(san_map A) MB=$(san_map B)

# the real tool's configuration: the key it checks PR OUT's RK against (it
# reads no file otherwise; multipathd is not running)
mkdir -p /etc/multipath
# and the TUR checker: the built-in default for LIO, directio, reads the
# LU, and a non-holder's reads conflict under an Exclusive Access
# reservation, so every path of host B would count as down and the real
# tool would fail the PR IN with 13 (no usable path)
printf 'defaults {\n\treservation_key 0xb1\n}\noverrides {\n\tpath_checker tur\n}\n' \
	>/etc/multipath.conf

# both ARGS...: run the real tool and the front end with ARGS; their
# stdout, stderr and status in /tmp/cmp/{real,ours}.{out,err,rc}
both() {
	mkdir -p /tmp/cmp
	"$REAL" "$@" >/tmp/cmp/real.out 2>/tmp/cmp/real.err
	echo $? >/tmp/cmp/real.rc
	prtool mpathpersist "$@" >/tmp/cmp/ours.out 2>/tmp/cmp/ours.err
	echo $? >/tmp/cmp/ours.rc
}

# The usage text is the one deliberate difference of the CLI: its banner
# names prtool, and it fixes 0.14.3's text (-v 4 does not exist, the quote
# after ALL_TG_PT, the second --read-keys line, the -X forms). stderr is
# compared up to the usage banner; both must print the usage after it.
cut_usage() {
	local f=$1 n
	n=$(grep -n -m1 -E '^(multipath-tools v|mpathpersist \(prtool )' "$f" | cut -d: -f1)
	[ -n "$n" ] || return 0
	if sed -n "$((n + 1))p" "$f" | grep -qx 'Usage: mpathpersist \[OPTIONS\] \[DEVICE\]'; then
		head -n "$((n - 1))" "$f" >"$f.tmp"
		echo '<usage>' >>"$f.tmp"
		mv "$f.tmp" "$f"
	fi
}

# same NAME: the last both() printed the same bytes and exited alike;
# shows the differences otherwise
same() {
	local f d='' rc
	cut_usage /tmp/cmp/real.err
	cut_usage /tmp/cmp/ours.err
	for f in out err rc; do
		cmp -s /tmp/cmp/real.$f /tmp/cmp/ours.$f && continue
		d+="--- $f differs (real mpathpersist, then prtool mpathpersist):"$'\n'
		d+=$(diff -u --label real --label ours /tmp/cmp/real.$f /tmp/cmp/ours.$f | cat -A)$'\n'
	done
	rc=$(</tmp/cmp/ours.rc)
	if [ -z "$d" ]; then
		pass "$1 (status $rc, $(wc -l </tmp/cmp/ours.out) lines)"
	else
		fail "$1"
		diag "$d"
	fi
}

# compare NAME ARGS...: both, then same
compare() {
	local name=$1
	shift
	both "$@"
	same "$name"
}

# reads STATE MAP...: the three reads on each MAP
reads() {
	local a m s=$1
	shift
	for m in "$@"; do
		for a in k r s; do
			compare "$s: -i -$a -d ${m##*/}" -i -"$a" -d "$m"
		done
	done
}

# ---- nothing registered --------------------------------------------------
reads "empty LU" "$MA"
compare "empty LU: -i -c -d mpathA" -i -c -d "$MA"
compare "empty LU: long options --in --read-keys --device=mpathB" --in --read-keys --device="$MB"
compare "empty LU: positional device, -l 4096" -i -s -l 4096 "$MA"

# ---- two hosts registered (through the front end: APTPL, every nexus) ----
prtool mpathpersist -o -G -S a1 "$MA" && prtool mpathpersist -o -G -S b1 "$MB"
ok $? "A registers 0xa1, B 0xb1 (front end)"
is "$(san_registrations | wc -l)" 8 "LIO: 8 registrations"
reads "two hosts" "$MA" "$MB"
compare "two hosts: -i -c (PTPL_A set by sd's APTPL)" -i -c "$MB"

# ---- a reservation of every type ------------------------------------------
for t in 1 3 5 6 7 8; do
	prtool mpathpersist -o -R -K a1 -T "$t" "$MA" >/dev/null
	is "$(san_res_type)" "$t" "A reserves type $t (front end)"
	compare "type $t held by A: -i -r -d mpathB" -i -r "$MB"
	compare "type $t held by A: -i -s -d mpathA" -i -s "$MA"
	prtool mpathpersist -o -L -K a1 -T "$t" "$MA" >/dev/null
done

# ---- exit codes ---------------------------------------------------------------
prtool mpathpersist -o -R -K a1 -T 5 "$MA" >/dev/null
is "$(san_res_type)" 5 "A holds Write Exclusive, registrants only"
compare "conflict: B's RESERVE while A holds (status 11)" -o -R -K b1 -T 5 -d "$MB"
is "$(</tmp/cmp/real.rc):$(</tmp/cmp/ours.rc)" "11:11" "conflict: both exit 11 (MPATH_PR_RESERV_CONFLICT)"
is "$(san_res_type):$(san_holder)" "5:A 1" "LIO: A still holds it"

compare "bad option --bogus (status 1)" --bogus -i -k "$MA"
is "$(</tmp/cmp/ours.rc)" 1 "bad option: status 1 (SYNTAX_ERROR)"
compare "bad option -V" -V
compare "missing device (status 12)" -i -k -d /dev/mapper/no-such-map
is "$(</tmp/cmp/ours.rc)" 12 "missing device: status 12 (FILE_ERROR)"
compare "non-multipath device: a raw sd path (status 13)" -i -k -d "/dev/$(san_path_name A 1)"
is "$(</tmp/cmp/ours.rc)" 13 "non-multipath device: status 13 (DMMP_ERROR)"
compare "non-multipath device: /dev/null (status 12)" -i -r -d /dev/null
compare "no arguments" 
compare "-h" -h
compare "-i without an action" -i "$MA"
compare "-i and -o" -i -o -k "$MA"
compare "-i with two actions" -i -k -r "$MA"
compare "-o without an action" -o "$MA"
compare "-i with an OUT action" -i -G "$MA"
compare "no device" -i -k
compare "extra argument" -i -k "$MA" "$MB"
compare "-v without its argument" -i -k "$MA" -v

# ---- real-tool bugs the front end fixes on purpose ----------------------------
# batch file exit code (spec §1.1): the real tool returns the status of
# the last failing line, the man page (and the front end) the first one
printf '%s\n' "-i -k -d /dev/mapper/no-such-map" "-i -k -d /dev/$(san_path_name A 1)" \
	"-i -k -d $MA" >/tmp/mpp-batch
both -f /tmp/mpp-batch
is "$(</tmp/cmp/real.rc)" 13 "batch, known bug: the real tool exits with the last failure (13)"
is "$(</tmp/cmp/ours.rc)" 12 "batch, deliberate fix: the front end exits with the first failure (12)"
is "$(tail -n 3 /tmp/cmp/ours.out)" "$(tail -n 3 /tmp/cmp/real.out)" \
	"batch: both still ran the good line after the failing ones"

# -X transport IDs (spec §5): the real tool takes any string as an all-zero
# TransportID; the front end refuses it (not sent to the real tool: it
# would register a nexus nobody asked for)
run_ours() { prtool mpathpersist "$@" >/tmp/cmp/ours.out 2>/tmp/cmp/ours.err; echo $?; }
is "$(run_ours -o -G -S b2 -X nonsense "$MB")" 1 \
	"-X nonsense, deliberate fix: the front end refuses it (status 1)"
like "$(</tmp/cmp/ours.err)" "unknown TransportID form: nonsense" "-X nonsense: the front end names the bad TransportID"
is "$(san_registrations | awk '$3 == "0xb2"' | wc -l)" 0 "-X nonsense: nothing registered"

prtool mpathpersist -o -L -K a1 -T 5 "$MA" >/dev/null
is "$(san_res_type)" "" "A releases"

# ---- several keys of every width, one per nexus ----------------------------
keys=(0x1 0xabc 0xbeef01 0xdeadbeef 0xabcdef0123 0x1000000000000 0x123456789abcdef0
	0xffffffffffffffff)
prtool mpathpersist -o -C -K a1 "$MA" >/dev/null
is "$(san_registrations | wc -l)" 0 "clear: no registration left"
i=0 bad=''
for h in A B; do
	for ((p = 1; p <= 4; p++)); do
		san_sg_persist -o -G -S "${keys[i]}" "/dev/$(san_path_name "$h" "$p")" >/dev/null || bad+=" $h$p"
		i=$((i + 1))
	done
done
is "$bad:$(san_registrations | wc -l)" ":8" "8 nexuses registered with keys of every width (sg_persist)"
san_sg_persist -o -R -K 0x123456789abcdef0 -T 6 "/dev/$(san_path_name B 3)" >/dev/null
is "$(san_res_type):$(san_holder)" "6:B 3" "B's 3rd nexus holds Exclusive Access, registrants only"
reads "8 keys" "$MA"
compare "8 keys: -i -s -d mpathB" -i -s "$MB"
is "$(grep -B3 '<< Reservation holder >>' /tmp/cmp/ours.out | sed -n 's/^   Key = //p')" \
	0x123456789abcdef0 "8 keys: -i -s: the holder's descriptor is B's 3rd nexus' key"
want=$(san_registrations | awk '{ print $3 }' | sort | tr '\n' ' ')
is "$(sed -n 's/^   Key = //p' /tmp/cmp/ours.out | sort | tr '\n' ' ')" "$want" \
	"8 keys: -i -s: the descriptors carry LIO's keys"
san_sg_persist -o -C -K 0x123456789abcdef0 "/dev/$(san_path_name B 3)" >/dev/null
is "$(san_registrations | wc -l):$(san_res_type)" "0:" "clear: nothing left"

# ---- 32 registrations: every path of both hosts -----------------------------
prtool mpathpersist -o -G -S a1 "$MA" && prtool mpathpersist -o -G -S b1 "$MB"
ok $? "A registers 0xa1, B 0xb1 on the paths of their maps (front end)"
bad=''
for h in A B; do
	for ((p = 5; p <= 16; p++)); do
		san_sg_persist -o -G -S "${h,,}1" "/dev/$(san_path_name "$h" "$p")" >/dev/null || bad+=" $h$p"
	done
done
is "$bad" "" "the 24 nexuses outside the maps register too (sg_persist)"
is "$(san_registrations | wc -l)" 32 "LIO: 32 registrations"
compare "32 registrations: -i -k -d mpathA" -i -k -d "$MA"
compare "32 registrations: -i -r -d mpathB" -i -r -d "$MB"

# READ FULL STATUS overflow (spec section 5): the real tool decodes every
# descriptor into 270 bytes of an 8192-byte buffer, so it prints only the
# first 30 or so of 32; the front end prints all of them
both -i -s -d "$MA"
nd() { grep -c '^   Key = ' "$1"; }
is "$(</tmp/cmp/ours.rc):$(nd /tmp/cmp/ours.out)" "0:32" \
	"full-status overflow, deliberate fix: the front end prints all 32 descriptors"
is "$(sed -n 's/^   Key = //p' /tmp/cmp/ours.out | sort | uniq -c | tr -s ' ')" \
	"$(printf ' 16 0xa1\n 16 0xb1')" "full-status overflow: the descriptors carry LIO's 32 keys"
n=$(wc -l </tmp/cmp/real.out)
is "$(</tmp/cmp/real.rc):$(</tmp/cmp/real.err)" "0:" "full-status overflow: the real tool exits 0, nothing on stderr"
is "$(head -n "$n" /tmp/cmp/ours.out)" "$(</tmp/cmp/real.out)" \
	"full-status overflow: the real tool's $(nd /tmp/cmp/real.out) descriptors are the front end's first ones"
cmp -s /tmp/cmp/ours.err /tmp/cmp/real.err
ok $? "full-status overflow: the same (empty) stderr"

# cut by -l 1000 inside the 21st descriptor's TransportID: both print 21
# descriptors, the last one with the bytes that arrived, and no message.
# LIO writes the 21st descriptor whole, 16 bytes past the allocation
# length (its room check forgets the 24-byte descriptor header); the real
# tool's 8192-byte buffer takes them and it prints them; the front end
# drops them (and no longer aborts on what they overwrote: status 134)
both -i -s -l 1000 -d "$MA"
is "$(</tmp/cmp/ours.rc):$(</tmp/cmp/real.rc)" "0:0" "-l 1000 cut: both exit 0"
is "$(nd /tmp/cmp/ours.out):$(nd /tmp/cmp/real.out)" "21:21" "-l 1000 cut: both print 21 descriptors"
is "$(</tmp/cmp/ours.err)$(</tmp/cmp/real.err)" "" "-l 1000 cut: nothing on stderr from either"
is "$(head -n -1 /tmp/cmp/ours.out)" "$(head -n -1 /tmp/cmp/real.out)" \
	"-l 1000 cut: the same lines up to the cut TransportID"
is "$(tail -n 1 /tmp/cmp/ours.out)" "   SAS         50 01 40 51 00 00 00 00" \
	"-l 1000 cut, deliberate difference: the cut SAS address shows the 4 bytes that arrived"
diag "-l 1000 cut: the real tool's last line: $(tail -n 1 /tmp/cmp/real.out)"
prtool mpathpersist -o -C -K a1 "$MA" >/dev/null
is "$(san_registrations | wc -l)" 0 "clear: no registration left"

prtool detach mpathA && prtool detach mpathB
ok $? "detach both maps"
scenario_teardown
tap_done
