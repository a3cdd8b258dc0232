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
SAN_LIO=$SAN_CFS/core/fileio_0/lun0

# Speed: a fork costs ~10 ms on the Debian kernels under TCG and ~120 ms on
# the debug kernel (KASAN), an exec more. So the internals pass results in
# variables (_r, _d, ...), read files with read/$(<), and run external
# programs only where a kernel interface needs them (dmsetup, sg_persist).
# State lives in files under $SAN_STATE so that a function run in a
# command substitution, i=$(san_add_new_path A), still changes it.

_san_err() {
	echo "san: $*" >&2
	return 1
}

# _san_host H: validate H, set _h to A or B
_san_host() {
	case $1 in
	A | a) _h=A ;;
	B | b) _h=B ;;
	*) _san_err "unknown host '$1' (A or B)" ;;
	esac
}

# _san_pdir H I: set _h and _d, the state directory of path I of H
_san_pdir() {
	_san_host "$1" || return 1
	_d=$SAN_STATE/$_h/${2:-}
	if [ -z "${2:-}" ] || [ ! -d "$_d" ]; then
		_san_err "host $_h has no path '${2:-}'"
	fi
}

# _san_read FILE: set _r to its first line
_san_read() {
	_r=''
	read -r _r <"$1" || [ -n "$_r" ]
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
	local hc=b
	[ "$1" = A ] && hc=a
	printf -v _r 'naa.5001405%s%s0000%03x' "$2" "$hc" "$3"
}

# _san_npaths H: set _n
_san_npaths() {
	_n=0
	while [ -d "$SAN_STATE/$1/$((_n + 1))" ]; do _n=$((_n + 1)); done
}

# _san_devno SD: set _r to maj:min of /dev/SD
_san_devno() { _san_read "/sys/block/$1/dev"; }

san_lio_dir() { echo "$SAN_LIO"; }

san_wwid() { echo "$(<"$SAN_STATE/wwid")"; }

san_uuid() {
	local _h
	_san_host "$1" || return 1
	if [ "$_h" = A ]; then
		echo "mpath-$(<"$SAN_STATE/wwid")"
	else
		echo "mpath-$(<"$SAN_STATE/wwid")-B"
	fi
}

san_dm_name() {
	local _h
	_san_host "$1" || return 1
	echo "mpath$_h"
}

san_map() {
	local _h
	_san_host "$1" || return 1
	echo "/dev/mapper/mpath$_h"
}

san_map_devno() {
	local _h
	_san_host "$1" || return 1
	echo "$(<"$SAN_STATE/$_h/map_devno")"
}

san_dm_dev() {
	local _h
	_san_host "$1" || return 1
	echo "/dev/$(<"$SAN_STATE/$_h/map_kname")"
}

san_npaths() {
	local _h _n
	_san_host "$1" || return 1
	_san_npaths "$_h"
	echo "$_n"
}

san_path_name() {
	local _h _d
	_san_pdir "$1" "$2" || return 1
	echo "$(<"$_d/sd")"
}

san_path_dev() {
	local _h _d _r
	_san_pdir "$1" "$2" || return 1
	_san_devno "$(<"$_d/sd")"
	echo "$_r"
}

san_nexus() {
	local _h _d
	_san_pdir "$1" "$2" || return 1
	echo "$(<"$_d/initiator")"
}

san_paths() {
	local _h _n i
	_san_host "$1" || return 1
	_san_npaths "$_h"
	for ((i = 1; i <= _n; i++)); do
		echo "$(<"$SAN_STATE/$_h/$i/sd")"
	done
}

# _san_label WWN: set _r to "A 1" for our nexus WWN, else fail
_san_label() {
	local f
	_r=''
	[[ $1 =~ ^naa\.50014051([ab])0000([0-9a-f]{3})$ ]] || return 1
	f=$SAN_STATE/${BASH_REMATCH[1]^^}/$((16#${BASH_REMATCH[2]}))
	[ -f "$f/initiator" ] || return 1
	_r="${BASH_REMATCH[1]^^} $((16#${BASH_REMATCH[2]}))"
}

san_label() {
	local _r
	_san_label "$1" || return 1
	echo "$_r"
}

san_in_map() {
	local _h _d
	_san_pdir "$1" "$2" && [ -f "$_d/member" ]
}

# _san_dm_states H: fill the associative array _st (maj:min -> A|F) from
# dm's status of H's map
_san_dm_states() {
	local -a w
	local i
	_st=()
	read -r -a w < <(dmsetup status "mpath$1" 2>/dev/null)
	for ((i = 0; i + 1 < ${#w[@]}; i++)); do
		[[ ${w[i]} =~ ^[0-9]+:[0-9]+$ ]] && _st[${w[i]}]=${w[i + 1]}
	done
}

san_path_state() {
	local _h _d _r
	local -A _st
	_san_pdir "$1" "$2" || return 1
	_san_devno "$(<"$_d/sd")"
	_san_dm_states "$_h"
	echo "${_st[$_r]:--}"
}

# _san_table H: set _r to the table of H's map over its member paths
_san_table() {
	local h=$1 i _n t='' sectors='' np=0 sd
	_san_npaths "$h"
	for ((i = 1; i <= _n; i++)); do
		[ -f "$SAN_STATE/$h/$i/member" ] || continue
		_san_read "$SAN_STATE/$h/$i/sd"
		sd=$_r
		[ -n "$sectors" ] || sectors=$(<"/sys/block/$sd/size")
		_san_devno "$sd"
		t+=" $_r 1"
		np=$((np + 1))
	done
	[ "$np" -gt 0 ] || _san_err "host $h would have no path left in its map" || return 1
	_r="0 $sectors multipath 0 0 1 1 round-robin 0 $np 1$t"
}

# _san_reload H: load the member paths' table into H's map
_san_reload() {
	local h=$1 _r err
	_san_table "$h" || return 1
	err=$(dmsetup load "mpath$h" --table "$_r" 2>&1) ||
		_san_err "dmsetup load mpath$h failed: $err" || return 1
	err=$(dmsetup suspend "mpath$h" 2>&1 && dmsetup resume "mpath$h" 2>&1) ||
		_san_err "dmsetup suspend/resume mpath$h failed: $err" || return 1
}

# _san_find_sd HCTL: set _r to the sd name of that SCSI device, once its
# disk exists with a size and a device node (sd probes asynchronously)
_san_find_sd() {
	local b
	_r=''
	for b in "/sys/class/scsi_device/$1/device/block/"*; do
		[ -e "$b" ] || return 1
		b=${b##*/}
		[ -b "/dev/$b" ] && [ "$(<"/sys/block/$b/size")" -gt 0 ] || return 1
		_r=$b
		return 0
	done
	return 1
}

# _san_port H I: create target port + nexus for path I of H, find its sd
_san_port() {
	local h=$1 i=$2 d tgt ini tp addr _r
	d=$SAN_STATE/$h/$i
	_san_hexid "$h" 0 "$i"
	tgt=$_r
	_san_hexid "$h" 1 "$i"
	ini=$_r
	tp=$SAN_CFS/loopback/$tgt/tpgt_1
	mkdir -p "$tp/lun/lun_0" || _san_err "cannot create tcm_loop port $tgt" || return 1
	echo "$ini" >"$tp/nexus" || _san_err "cannot create the nexus $ini on $tgt" || return 1
	ln -s "$SAN_LIO" "$tp/lun/lun_0/dmpr_port" ||
		_san_err "cannot map the LUN to $tgt" || return 1
	# host:channel:target of the new SCSI host, LUN 0
	addr=$(<"$tp/address")
	# shellcheck disable=SC2016 # evaluated by _san_wait
	_san_wait 10 '_san_find_sd "$addr:0"' ||
		_san_err "no sd device appeared for $h $i ($addr:0) within 10 s" || return 1
	mkdir -p "$d"
	echo "$tgt" >"$d/target"
	echo "$ini" >"$d/initiator"
	echo "$addr:0" >"$d/hctl"
	echo "$_r" >"$d/sd"
}

san_setup() {
	local na=2 nb=2 size=64 h i n err _r _n
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

	truncate -s "${size}M" /tmp/dmpr-san-lun0.img || return 1
	mkdir -p "$SAN_LIO" || _san_err "cannot create the fileio backstore" || return 1
	echo "fd_dev_name=/tmp/dmpr-san-lun0.img,fd_dev_size=$((size * 1024 * 1024))" >"$SAN_LIO/control" &&
		echo "$SAN_SERIAL" >"$SAN_LIO/wwn/vpd_unit_serial" &&
		echo 1 >"$SAN_LIO/enable" || _san_err "cannot configure the fileio backstore" || return 1

	for h in A B; do
		[ "$h" = A ] && n=$na || n=$nb
		for ((i = 1; i <= n; i++)); do
			_san_port "$h" "$i" || return 1
			: >"$SAN_STATE/$h/$i/member"
		done
	done
	# the WWID as multipath-tools' scsi_id has it: 3 + the NAA designator
	_san_read "$SAN_STATE/A/1/sd"
	if [ -f "/sys/block/$_r/device/wwid" ] && _san_read "/sys/block/$_r/device/wwid" &&
		[[ $_r == naa.* ]]; then
		echo "3${_r#naa.}" >"$SAN_STATE/wwid"
	else
		_san_read "$SAN_STATE/A/1/sd"
		echo "3$(sg_inq -p 0x83 "/dev/$_r" | sed -n 's/^ *\[0x\([0-9a-f]*\)\]$/\1/p' | head -n 1)" \
			>"$SAN_STATE/wwid"
	fi
	for h in A B; do
		_san_npaths "$h"
		[ "$_n" -gt 0 ] || continue
		_san_table "$h" || return 1
		err=$(dmsetup create "mpath$h" --uuid "$(san_uuid "$h")" --table "$_r" 2>&1) ||
			_san_err "dmsetup create mpath$h failed: $err" || return 1
		err=$(dmsetup info -c --noheadings -o major,minor,blkdevname --separator ' ' "mpath$h" 2>&1) ||
			_san_err "dmsetup info mpath$h failed: $err" || return 1
		read -r i n _r <<<"$err"
		echo "$i:$n" >"$SAN_STATE/$h/map_devno"
		echo "$_r" >"$SAN_STATE/$h/map_kname"
		# no udev: dmsetup made /dev/mapper/mpathX itself (DM_DISABLE_UDEV=1)
		[ -b "/dev/mapper/mpath$h" ] || dmsetup mknodes "mpath$h" >/dev/null 2>&1
		# shellcheck disable=SC2016 # evaluated by _san_wait
		_san_wait 5 '[ -b "/dev/mapper/mpath$h" ] && [ -b "/dev/$_r" ]' ||
			_san_err "no device node for /dev/mapper/mpath$h or /dev/$_r" || return 1
	done
	echo "san: LUN $(<"$SAN_STATE/wwid") (${size} MB), host A: $(san_paths A | tr '\n' ' ')-> /dev/mapper/mpathA$(
		[ "$nb" -gt 0 ] && echo ", host B: $(san_paths B | tr '\n' ' ')-> /dev/mapper/mpathB")"
}

san_teardown() {
	local h tp rc=0
	for h in A B; do
		if [ -e "$SAN_STATE/$h/map_devno" ] || dmsetup info "mpath$h" >/dev/null 2>&1; then
			if ! dmsetup remove "mpath$h" >/dev/null 2>&1 &&
				! dmsetup remove --force "mpath$h" >/dev/null 2>&1; then
				_san_err "cannot remove mpath$h"
				rc=1
			fi
		fi
	done
	for tp in "$SAN_CFS"/loopback/naa.*/tpgt_1; do
		[ -d "$tp" ] || continue
		rm -f "$tp"/lun/lun_0/dmpr_port
		rmdir "$tp/lun/lun_0" "$tp" "${tp%/tpgt_1}" 2>/dev/null ||
			{ _san_err "cannot remove the port ${tp%/tpgt_1}"; rc=1; }
	done
	if [ -d "$SAN_LIO" ]; then
		rmdir "$SAN_LIO" "${SAN_LIO%/*}" 2>/dev/null || { _san_err "cannot remove the backstore"; rc=1; }
	fi
	rm -f /tmp/dmpr-san-lun0.img /etc/target/pr/aptpl_"$SAN_SERIAL"
	rm -rf "$SAN_STATE"
	return $rc
}

# _san_sd_state H I STATE DMMSG: set the sd state, tell dm if in the map
_san_sd_state() {
	local _h _d _r sd err
	_san_pdir "$1" "$2" || return 1
	_san_read "$_d/sd"
	sd=$_r
	echo "$3" >"/sys/block/$sd/device/state" || _san_err "cannot set $sd $3" || return 1
	if [ -f "$_d/member" ]; then
		_san_devno "$sd"
		err=$(dmsetup message "mpath$_h" 0 "$4" "$_r" 2>&1) ||
			_san_err "dm $4 $_r ($sd) on mpath$_h: $err" || return 1
	fi
}

san_fail_path() { _san_sd_state "$1" "$2" offline fail_path; }

san_restore_path() { _san_sd_state "$1" "$2" running reinstate_path; }

san_remove_path() {
	local _h _d
	_san_pdir "$1" "$2" || return 1
	[ -f "$_d/member" ] || _san_err "path $_h $2 is not in the map" || return 1
	rm -f "$_d/member"
	_san_reload "$_h" || { : >"$_d/member"; return 1; }
}

san_add_path() {
	local _h _d
	_san_pdir "$1" "$2" || return 1
	[ ! -f "$_d/member" ] || _san_err "path $_h $2 is already in the map" || return 1
	: >"$_d/member"
	_san_reload "$_h" || { rm -f "$_d/member"; return 1; }
}

san_new_path() {
	local _h _n
	_san_host "$1" || return 1
	_san_npaths "$_h"
	[ "$_n" -lt "$SAN_MAXPATHS" ] || _san_err "host $_h has $SAN_MAXPATHS paths already" || return 1
	_san_port "$_h" "$((_n + 1))" || return 1
	echo "$((_n + 1))"
}

san_add_new_path() {
	local i
	i=$(san_new_path "$1") || return 1
	san_add_path "$1" "$i" || return 1
	echo "$i"
}

# --- ground truth from LIO ------------------------------------------------

# "<fabric> Node: <initiator>[,i,0x<isid>] Key: 0x<key> PRgen: 0x<gen>"
_SAN_REG_RE='Node: ([^ ,]+)[^ ]* Key: 0x([0-9a-fA-F]+)'
# "SPC-3 Reservation: <fabric> Initiator: <initiator>[,i,0x<isid>]"
_SAN_HOLDER_RE='Initiator: ([^ ,]+)'

# _san_key HEX: set _k to 0x<HEX> in lower case without leading zeros
_san_key() {
	local k=${1#0x}
	k=${k#"${k%%[!0]*}"}
	k=${k,,}
	_k=0x${k:-0}
}

# _san_regs: fill _regs (WWN -> key) from LIO's registration list
_san_regs() {
	local line _k
	_regs=()
	while IFS= read -r line; do
		[[ $line =~ $_SAN_REG_RE ]] || continue
		_san_key "${BASH_REMATCH[2]}"
		_regs[${BASH_REMATCH[1]}]=$_k
	done <"$SAN_LIO/pr/res_pr_registered_i_pts"
}

san_registrations() {
	local line _k _r
	while IFS= read -r line; do
		[[ $line =~ $_SAN_REG_RE ]] || continue
		_san_key "${BASH_REMATCH[2]}"
		_san_label "${BASH_REMATCH[1]}" || _r=${BASH_REMATCH[1]}
		echo "$_r $_k"
	done <"$SAN_LIO/pr/res_pr_registered_i_pts"
}

san_key_of() {
	local _h _d wwn
	local -A _regs
	_san_pdir "$1" "$2" || return 1
	wwn=$(<"$_d/initiator")
	_san_regs
	[ -z "${_regs[$wwn]:-}" ] || echo "${_regs[$wwn]}"
}

san_holder() {
	local line _r
	line=$(<"$SAN_LIO/pr/res_holder")
	[[ $line =~ $_SAN_HOLDER_RE ]] || return 0
	_san_label "${BASH_REMATCH[1]}" || _r=${BASH_REMATCH[1]}
	echo "$_r"
}

san_res_type_name() {
	local line
	line=$(<"$SAN_LIO/pr/res_pr_type")
	case $line in
	*'Reservation Type: '*) echo "${line#*Reservation Type: }" ;;
	esac
}

san_res_type() {
	local line
	line=$(<"$SAN_LIO/pr/res_pr_type")
	case ${line#*Reservation Type: } in
	"$line") ;;
	'Write Exclusive Access') echo 1 ;;
	'Exclusive Access') echo 3 ;;
	'Write Exclusive Access, Registrants Only') echo 5 ;;
	'Exclusive Access, Registrants Only') echo 6 ;;
	'Write Exclusive Access, All Registrants') echo 7 ;;
	'Exclusive Access, All Registrants') echo 8 ;;
	*) echo '?' ;;
	esac
}

san_generation() {
	local g
	g=$(<"$SAN_LIO/pr/res_pr_generation")
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
	local _h _d out line _k
	_san_pdir "$1" "$2" || return 1
	out=$(san_sg_persist -i -k "/dev/$(<"$_d/sd")") ||
		{ _san_err "sg_persist -i -k on $(<"$_d/sd"): $out"; return 1; }
	while read -r line; do
		[[ $line =~ ^0x([0-9a-fA-F]+)$ ]] || continue
		_san_key "${BASH_REMATCH[1]}"
		echo "$_k"
	done <<<"$out"
}

san_dump() {
	local h i _n _r holder hl key sd state wwn type gen
	local -A _regs _st
	holder=$(san_holder)
	type=$(san_res_type_name)
	gen=$(san_generation)
	_san_regs
	printf 'LUN %s  PR generation %s  reservation: %s\n' "$(<"$SAN_STATE/wwid")" "$gen" \
		"$([ -n "$holder" ] && echo "$type held by $holder" || echo none)"
	printf '  %-5s %-5s %-22s %-8s %-3s %-18s %s\n' path sd initiator sd-state dm key holder
	for h in A B; do
		_san_npaths "$h"
		[ "$_n" -gt 0 ] || continue
		_san_dm_states "$h"
		for ((i = 1; i <= _n; i++)); do
			sd=$(<"$SAN_STATE/$h/$i/sd")
			wwn=$(<"$SAN_STATE/$h/$i/initiator")
			state=$(<"/sys/block/$sd/device/state")
			_san_devno "$sd"
			key=${_regs[$wwn]:--}
			hl=''
			[ "$holder" != "$h $i" ] || hl='<== holder'
			printf '  %-5s %-5s %-22s %-8s %-3s %-18s %s\n' "$h$i" "$sd" "$wwn" "$state" \
				"${_st[$_r]:--}" "$key" "$hl"
		done
	done
	# registrations of nexuses that are not ours
	for wwn in "${!_regs[@]}"; do
		_san_label "$wwn" || echo "  other: $wwn ${_regs[$wwn]}"
	done
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
