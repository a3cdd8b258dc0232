# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# san.sh: a small SAN inside the test VM, sourced by guest tests (bash).
#
# One LIO fileio LUN (a file on tmpfs, fixed serial, so a fixed WWID) is
# exported through one tcm_loop target port per path. Every path has its
# own initiator WWN, so every path is its own I_T nexus, as with real
# multipath. Host A's paths make the dm-multipath map mpathA, host B's
# mpathB (round-robin, one path group, no features, no udev).
#
# Paths are named by host and index: "A 1" is host A's first path. Names:
#   target port  naa.50014050<h>0000<iii>   h = a|b, iii = index in hex
#   initiator    naa.50014051<h>0000<iii>   (san_nexus)
#   map          mpathA, uuid mpath-<wwid>;  mpathB, uuid mpath-<wwid>-B
#                (dm needs unique uuids; both start with "mpath-")
#
# Setup and teardown
#   san_setup [--paths-a N] [--paths-b M] [--size MB]   (defaults 2, 2, 64)
#   san_teardown
# Accessors
#   san_npaths H          number of paths host H has (in the map or not)
#   san_paths H           their sd names, in index order
#   san_path_name H I     sdX of path I
#   san_path_dev H I      its maj:min
#   san_nexus H I         its initiator WWN (naa.…)
#   san_label WWN         the path a WWN belongs to ("A 1"), or nothing
#   san_map H             /dev/mapper/mpathH
#   san_dm_name H         mpathH
#   san_dm_dev H          /dev/dm-N
#   san_map_devno H       the map's maj:min
#   san_uuid H            the map's dm uuid
#   san_wwid              the LUN's WWID (3 + NAA, like scsi_id)
#   san_in_map H I        status 0 if path I is in H's table
#   san_path_state H I    dm's view: A (active), F (failed), - (not in map)
#   san_lio_dir           the backstore's configfs directory
# Path control
#   san_fail_path H I     sd offline + dm fail_path
#   san_restore_path H I  sd running + dm reinstate_path
#   san_remove_path H I   reload H's table without path I (sd stays)
#   san_add_path H I      reload H's table with path I again
#   san_new_path H        a new target port for H, not in the map yet;
#                         prints its index
#   san_add_new_path H    san_new_path + san_add_path; prints the index
# Ground truth, from LIO (per I_T nexus, also for offline paths)
#   san_registrations     one line per registration: "A 1 0xkey" (a nexus
#                         that is not ours shows its WWN instead of "A 1")
#   san_key_of H I        the key path I's nexus registered (0x…, lower
#                         case, no leading zeros), or nothing
#   san_holder            the path holding the reservation ("A 1"), or
#                         nothing
#   san_res_type          its type: 1 WE, 3 EA, 5 WE-RO, 6 EA-RO, 7 WE-AR,
#                         8 EA-AR, or nothing
#   san_res_type_name     the same by name
#   san_generation        the PR generation, decimal
#   san_dump              a readable per-nexus table
#   san_sg_keys H I       the keys sg_persist reads through path I (one a
#                         line; the path must be online)
#   san_sg_persist ARGS   sg_persist -n ARGS, run again after a UNIT
#                         ATTENTION (status 6); sg_persist's status
# The project's module
#   mod_load [NAME]       modprobe NAME (default dm_mpath_pr); bails out
#                         of the test when it cannot
#   mod_unload_all        rmmod every dm_mpath_pr* module that is loaded
#
# Functions return non-zero and print "san: ..." on stderr on failure.

[ -n "${_SAN_SH:-}" ] && return 0
_SAN_SH=1

SAN_CFS=/sys/kernel/config/target
SAN_STATE=/run/dmpr-san
SAN_SERIAL=${SAN_SERIAL:-0d3a0c0de0000001}
SAN_MAXPATHS=16

_san_err() {
	echo "san: $*" >&2
	return 1
}

# _san_host H: validate and normalise the host name
_san_host() {
	case $1 in
	A | a) echo A ;;
	B | b) echo B ;;
	*) _san_err "unknown host '$1' (A or B)" ;;
	esac
}

# _san_pdir H I: the state directory of a path (must exist)
_san_pdir() {
	local h d
	h=$(_san_host "$1") || return 1
	d=$SAN_STATE/$h/$2
	[ -n "${2:-}" ] && [ -d "$d" ] || _san_err "host $h has no path '${2:-}'" || return 1
	echo "$d"
}

_san_get() {
	local d
	d=$(_san_pdir "$1" "$2") || return 1
	cat "$d/$3"
}

# _san_wait SECONDS CMD: poll a bash condition (bounded)
_san_wait() {
	local _w_n=$(($1 * 20)) _w_cmd=$2 _w_i
	for ((_w_i = 0; _w_i < _w_n; _w_i++)); do
		eval "$_w_cmd" && return 0
		sleep 0.05
	done
	eval "$_w_cmd"
}

_san_hexid() {
	local h=$1 kind=$2 i=$3 hc
	[ "$h" = A ] && hc=a || hc=b
	printf 'naa.5001405%s%s0000%03x' "$kind" "$hc" "$i"
}

san_lio_dir() { echo "$SAN_CFS/core/fileio_0/lun0"; }

san_wwid() { cat "$SAN_STATE/wwid"; }

san_uuid() {
	local h
	h=$(_san_host "$1") || return 1
	if [ "$h" = A ]; then
		echo "mpath-$(san_wwid)"
	else
		echo "mpath-$(san_wwid)-B"
	fi
}

san_dm_name() {
	local h
	h=$(_san_host "$1") || return 1
	echo "mpath$h"
}

san_map() {
	local n
	n=$(san_dm_name "$1") || return 1
	echo "/dev/mapper/$n"
}

san_map_devno() {
	local n
	n=$(san_dm_name "$1") || return 1
	dmsetup info -c --noheadings -o major,minor --separator : "$n"
}

san_dm_dev() {
	local d
	d=$(san_map_devno "$1") || return 1
	echo "/dev/$(basename "$(readlink -f "/sys/dev/block/$d")")"
}

san_npaths() {
	local h n=0
	h=$(_san_host "$1") || return 1
	while [ -d "$SAN_STATE/$h/$((n + 1))" ]; do n=$((n + 1)); done
	echo "$n"
}

san_path_name() { _san_get "$1" "$2" sd; }

san_path_dev() {
	local sd
	sd=$(_san_get "$1" "$2" sd) || return 1
	cat "/sys/block/$sd/dev"
}

san_nexus() { _san_get "$1" "$2" initiator; }

san_paths() {
	local h i n
	h=$(_san_host "$1") || return 1
	n=$(san_npaths "$h")
	for ((i = 1; i <= n; i++)); do
		cat "$SAN_STATE/$h/$i/sd"
	done
}

san_label() {
	local f
	for f in "$SAN_STATE"/[AB]/*/initiator; do
		[ -f "$f" ] || continue
		if [ "$(cat "$f")" = "$1" ]; then
			f=${f%/initiator}
			echo "$(basename "$(dirname "$f")") $(basename "$f")"
			return 0
		fi
	done
	return 1
}

san_in_map() { [ -f "$(_san_pdir "$1" "$2")/member" ]; }

san_path_state() {
	local dev map st
	dev=$(san_path_dev "$1" "$2") || return 1
	map=$(san_dm_name "$1")
	st=$(dmsetup status "$map" | awk -v d="$dev" '{ for (i = 1; i < NF; i++) if ($i == d) { print $(i + 1); exit } }')
	echo "${st:--}"
}

# _san_table H: the table of H's map over the paths marked member
_san_table() {
	local h=$1 i n devs=() sectors=''
	n=$(san_npaths "$h")
	for ((i = 1; i <= n; i++)); do
		[ -f "$SAN_STATE/$h/$i/member" ] || continue
		devs+=("$(san_path_dev "$h" "$i")") || return 1
		[ -n "$sectors" ] || sectors=$(cat "/sys/block/$(cat "$SAN_STATE/$h/$i/sd")/size")
	done
	[ "${#devs[@]}" -gt 0 ] || _san_err "host $h would have no path left in its map" || return 1
	local t="0 $sectors multipath 0 0 1 1 round-robin 0 ${#devs[@]} 1"
	for i in "${devs[@]}"; do t+=" $i 1"; done
	echo "$t"
}

# _san_reload H: load the member paths' table into H's map
_san_reload() {
	local h=$1 name t err
	name=$(san_dm_name "$h")
	t=$(_san_table "$h") || return 1
	err=$(dmsetup load "$name" --table "$t" 2>&1) ||
		_san_err "dmsetup load $name failed: $err" || return 1
	err=$(dmsetup suspend "$name" 2>&1 && dmsetup resume "$name" 2>&1) ||
		_san_err "dmsetup suspend/resume $name failed: $err" || return 1
}

# _san_port H I: create target port + nexus for path I of H, find its sd
_san_port() {
	local h=$1 i=$2 d tgt ini tp addr sd=''
	d=$SAN_STATE/$h/$i
	tgt=$(_san_hexid "$h" 0 "$i")
	ini=$(_san_hexid "$h" 1 "$i")
	tp=$SAN_CFS/loopback/$tgt/tpgt_1
	mkdir -p "$tp/lun/lun_0" || _san_err "cannot create tcm_loop port $tgt" || return 1
	echo "$ini" >"$tp/nexus" || _san_err "cannot create the nexus $ini on $tgt" || return 1
	ln -s "$(san_lio_dir)" "$tp/lun/lun_0/dmpr_port" ||
		_san_err "cannot map the LUN to $tgt" || return 1
	addr=$(cat "$tp/address")
	# the sd device: host:channel:target from tcm_loop, LUN 0; sd probes
	# asynchronously, devtmpfs makes the node when the disk is added
	# shellcheck disable=SC2016 # evaluated by _san_wait
	_san_wait 10 '[ -d "/sys/class/scsi_device/$addr:0/device/block" ] &&
		sd=$(ls "/sys/class/scsi_device/$addr:0/device/block") && [ -n "$sd" ] &&
		[ -b "/dev/$sd" ] && [ "$(cat "/sys/block/$sd/size")" -gt 0 ]' ||
		_san_err "no sd device appeared for $h $i ($addr:0) within 10 s" || return 1
	mkdir -p "$d"
	echo "$tgt" >"$d/target"
	echo "$ini" >"$d/initiator"
	echo "$addr:0" >"$d/hctl"
	echo "$sd" >"$d/sd"
}

san_setup() {
	local na=2 nb=2 size=64 h i n lio err t
	while [ "$#" -gt 0 ]; do
		case $1 in
		--paths-a) na=$2; shift 2 ;;
		--paths-b) nb=$2; shift 2 ;;
		--size) size=$2; shift 2 ;;
		*) _san_err "san_setup: unknown option '$1'"; return 1 ;;
		esac
	done
	[ "$na" -ge 1 ] && [ "$na" -le "$SAN_MAXPATHS" ] && [ "$nb" -ge 0 ] && [ "$nb" -le "$SAN_MAXPATHS" ] ||
		_san_err "san_setup: paths per host must be 1..$SAN_MAXPATHS (B may be 0)" || return 1
	[ -d "$SAN_CFS" ] || _san_err "LIO configfs ($SAN_CFS) missing: target_core_mod not loaded or configfs not mounted?" || return 1
	[ ! -e "$SAN_STATE" ] || _san_err "a SAN is already set up (san_teardown first)" || return 1
	mkdir -p /etc/target/pr "$SAN_STATE/A" "$SAN_STATE/B" /dev/mapper

	lio=$(san_lio_dir)
	truncate -s "${size}M" /tmp/dmpr-san-lun0.img || return 1
	mkdir -p "$lio" || _san_err "cannot create the fileio backstore" || return 1
	echo "fd_dev_name=/tmp/dmpr-san-lun0.img,fd_dev_size=$((size * 1024 * 1024))" >"$lio/control" &&
		echo "$SAN_SERIAL" >"$lio/wwn/vpd_unit_serial" &&
		echo 1 >"$lio/enable" || _san_err "cannot configure the fileio backstore" || return 1

	for h in A B; do
		[ "$h" = A ] && n=$na || n=$nb
		for ((i = 1; i <= n; i++)); do
			_san_port "$h" "$i" || return 1
			: >"$SAN_STATE/$h/$i/member"
		done
	done
	# the WWID as multipath-tools' scsi_id has it: 3 + the NAA designator
	t=$(cat "/sys/block/$(cat "$SAN_STATE/A/1/sd")/device/wwid" 2>/dev/null)
	case $t in
	naa.*) echo "3${t#naa.}" >"$SAN_STATE/wwid" ;;
	*) echo "3$(sg_inq -p 0x83 "/dev/$(cat "$SAN_STATE/A/1/sd")" |
		sed -n 's/^ *\[0x\([0-9a-f]*\)\]$/\1/p' | head -n 1)" >"$SAN_STATE/wwid" ;;
	esac
	for h in A B; do
		[ "$(san_npaths "$h")" -gt 0 ] || continue
		t=$(_san_table "$h") || return 1
		err=$(dmsetup create "$(san_dm_name "$h")" --uuid "$(san_uuid "$h")" --table "$t" 2>&1) ||
			_san_err "dmsetup create $(san_dm_name "$h") failed: $err" || return 1
		# no udev: dmsetup made the node itself (DM_DISABLE_UDEV=1); make sure
		[ -b "$(san_map "$h")" ] || dmsetup mknodes "$(san_dm_name "$h")" >/dev/null 2>&1
		# shellcheck disable=SC2016 # evaluated by _san_wait
		_san_wait 5 '[ -b "$(san_map "$h")" ] && [ -b "$(san_dm_dev "$h")" ]' ||
			_san_err "no device node for $(san_map "$h")" || return 1
	done
	echo "san: LUN $(san_wwid) (${size} MB), host A: $(san_paths A | tr '\n' ' ')-> $(san_map A)$(
		[ "$nb" -gt 0 ] && echo ", host B: $(san_paths B | tr '\n' ' ')-> $(san_map B)")"
}

san_teardown() {
	local h n tp lio rc=0
	for h in A B; do
		n=mpath$h
		if dmsetup info "$n" >/dev/null 2>&1; then
			dmsetup remove "$n" >/dev/null 2>&1 ||
				dmsetup remove --force "$n" >/dev/null 2>&1 ||
				{ _san_err "cannot remove $n"; rc=1; }
		fi
	done
	for tp in "$SAN_CFS"/loopback/naa.*/tpgt_1; do
		[ -d "$tp" ] || continue
		rm -f "$tp"/lun/lun_0/dmpr_port
		rmdir "$tp/lun/lun_0" "$tp" "$(dirname "$tp")" 2>/dev/null ||
			{ _san_err "cannot remove the port $(dirname "$tp")"; rc=1; }
	done
	lio=$(san_lio_dir)
	if [ -d "$lio" ]; then
		rmdir "$lio" "$(dirname "$lio")" 2>/dev/null || { _san_err "cannot remove the backstore"; rc=1; }
	fi
	rm -f /tmp/dmpr-san-lun0.img /etc/target/pr/aptpl_"$SAN_SERIAL"
	rm -rf "$SAN_STATE"
	return $rc
}

san_fail_path() {
	local d sd dev err
	d=$(_san_pdir "$1" "$2") || return 1
	sd=$(cat "$d/sd")
	dev=$(cat "/sys/block/$sd/dev")
	echo offline >"/sys/block/$sd/device/state" || _san_err "cannot set $sd offline" || return 1
	if [ -f "$d/member" ]; then
		err=$(dmsetup message "$(san_dm_name "$1")" 0 fail_path "$dev" 2>&1) ||
			_san_err "dm fail_path $dev: $err" || return 1
	fi
}

san_restore_path() {
	local d sd dev err
	d=$(_san_pdir "$1" "$2") || return 1
	sd=$(cat "$d/sd")
	dev=$(cat "/sys/block/$sd/dev")
	echo running >"/sys/block/$sd/device/state" || _san_err "cannot set $sd running" || return 1
	if [ -f "$d/member" ]; then
		err=$(dmsetup message "$(san_dm_name "$1")" 0 reinstate_path "$dev" 2>&1) ||
			_san_err "dm reinstate_path $dev: $err" || return 1
	fi
}

san_remove_path() {
	local d h
	d=$(_san_pdir "$1" "$2") || return 1
	h=$(_san_host "$1")
	[ -f "$d/member" ] || _san_err "path $h $2 is not in the map" || return 1
	rm -f "$d/member"
	_san_reload "$h" || { : >"$d/member"; return 1; }
}

san_add_path() {
	local d h
	d=$(_san_pdir "$1" "$2") || return 1
	h=$(_san_host "$1")
	[ ! -f "$d/member" ] || _san_err "path $h $2 is already in the map" || return 1
	: >"$d/member"
	_san_reload "$h" || { rm -f "$d/member"; return 1; }
}

san_new_path() {
	local h i
	h=$(_san_host "$1") || return 1
	i=$(($(san_npaths "$h") + 1))
	[ "$i" -le "$SAN_MAXPATHS" ] || _san_err "host $h has $SAN_MAXPATHS paths already" || return 1
	_san_port "$h" "$i" || return 1
	echo "$i"
}

san_add_new_path() {
	local i
	i=$(san_new_path "$1") || return 1
	san_add_path "$1" "$i" || return 1
	echo "$i"
}

# --- ground truth from LIO ------------------------------------------------

# "<fabric> Node: <initiator>[,i,0x<isid>] Key: 0x<key> PRgen: 0x<gen>"
_SAN_REG_RE='Node: ([^ ,]+)[^ ]* Key: (0x[0-9a-fA-F]+)'
# "SPC-3 Reservation: <fabric> Initiator: <initiator>[,i,0x<isid>]"
_SAN_HOLDER_RE='Initiator: ([^ ,]+)'

# _san_key KEY: 0x0000000000000abc -> 0xabc
_san_key() {
	local k=${1#0x}
	k=${k#"${k%%[!0]*}"}
	k=${k,,}
	echo "0x${k:-0}"
}

san_registrations() {
	local line wwn key label
	# "<fabric> Node: <initiator>[,i,0x<isid>] Key: 0x<key> PRgen: 0x<gen>"
	while IFS= read -r line; do
		[[ $line =~ $_SAN_REG_RE ]] || continue
		wwn=${BASH_REMATCH[1]}
		key=$(_san_key "${BASH_REMATCH[2]}")
		label=$(san_label "$wwn") || label=$wwn
		echo "$label $key"
	done <"$(san_lio_dir)/pr/res_pr_registered_i_pts"
}

san_key_of() {
	local wwn line
	wwn=$(san_nexus "$1" "$2") || return 1
	while IFS= read -r line; do
		if [[ $line =~ $_SAN_REG_RE ]] &&
			[ "${BASH_REMATCH[1]}" = "$wwn" ]; then
			_san_key "${BASH_REMATCH[2]}"
			return 0
		fi
	done <"$(san_lio_dir)/pr/res_pr_registered_i_pts"
}

san_holder() {
	local line
	# "SPC-3 Reservation: <fabric> Initiator: <initiator>[,i,0x<isid>]"
	line=$(cat "$(san_lio_dir)/pr/res_holder")
	[[ $line =~ $_SAN_HOLDER_RE ]] || return 0
	san_label "${BASH_REMATCH[1]}" || echo "${BASH_REMATCH[1]}"
}

san_res_type_name() {
	local line
	line=$(cat "$(san_lio_dir)/pr/res_pr_type")
	case $line in
	*'Reservation Type: '*) echo "${line#*Reservation Type: }" ;;
	esac
}

san_res_type() {
	case $(san_res_type_name) in
	'Write Exclusive Access') echo 1 ;;
	'Exclusive Access') echo 3 ;;
	'Write Exclusive Access, Registrants Only') echo 5 ;;
	'Exclusive Access, Registrants Only') echo 6 ;;
	'Write Exclusive Access, All Registrants') echo 7 ;;
	'Exclusive Access, All Registrants') echo 8 ;;
	'') ;;
	*) echo '?' ;;
	esac
}

san_generation() {
	local g
	g=$(cat "$(san_lio_dir)/pr/res_pr_generation")
	echo $((g))
}

san_sg_persist() {
	local out rc
	# a PR change through another nexus leaves one UNIT ATTENTION here
	# (sg_persist status 6): the command did not run, so run it again
	for _ in 1 2 3; do
		out=$(sg_persist -n "$@" 2>&1)
		rc=$?
		[ "$rc" = 6 ] || break
	done
	[ -z "$out" ] || printf '%s\n' "$out"
	return "$rc"
}

san_sg_keys() {
	local sd out
	sd=$(san_path_name "$1" "$2") || return 1
	out=$(san_sg_persist -i -k "/dev/$sd") || { _san_err "sg_persist -i -k on $sd: $out"; return 1; }
	sed -n 's/^ *\(0x[0-9a-fA-F]*\)$/\1/p' <<<"$out" | while read -r k; do _san_key "$k"; done
}

san_dump() {
	local h i n holder hlabel key
	holder=$(san_holder)
	printf 'LUN %s  PR generation %s  reservation: %s\n' "$(san_wwid)" "$(san_generation)" \
		"$( [ -n "$holder" ] && echo "$(san_res_type_name) held by $holder" || echo none)"
	printf '  %-5s %-5s %-22s %-8s %-6s %-18s %s\n' path sd initiator sd-state dm key holder
	for h in A B; do
		n=$(san_npaths "$h")
		for ((i = 1; i <= n; i++)); do
			key=$(san_key_of "$h" "$i")
			hlabel=''
			[ "$holder" != "$h $i" ] || hlabel='<== holder'
			printf '  %-5s %-5s %-22s %-8s %-6s %-18s %s\n' "$h$i" "$(san_path_name "$h" "$i")" \
				"$(san_nexus "$h" "$i")" \
				"$(cat "/sys/block/$(san_path_name "$h" "$i")/device/state")" \
				"$(san_path_state "$h" "$i")" "${key:--}" "$hlabel"
		done
	done
	# registrations of nexuses that are not ours
	san_registrations | grep -v '^[AB] ' | sed 's/^/  other: /'
	return 0
}

# --- the project's module -------------------------------------------------

mod_load() {
	local m=${1:-dm_mpath_pr} err
	[ -d "/sys/module/$m" ] && return 0
	if ! err=$(modprobe "$m" 2>&1); then
		if declare -F tap_bail >/dev/null; then
			tap_bail "cannot load module $m: $err"
		fi
		_san_err "cannot load module $m: $err"
		return 1
	fi
}

mod_unload_all() {
	local m rc=0 err
	# the test module first: it depends on the main one
	for m in $(lsmod | awk '$1 ~ /^dm_mpath_pr/ { print $1 }' | sort -r); do
		err=$(rmmod "$m" 2>&1) || { _san_err "rmmod $m: $err"; rc=1; }
	done
	return $rc
}
