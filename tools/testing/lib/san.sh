# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# san.sh: a small SAN inside the test VM, sourced by guest tests (bash).
#
# One LIO fileio LUN (a file on tmpfs, fixed serial, so a fixed WWID) is
# exported through one target port or session per path, on one of two
# fabrics. Every path has its own initiator name, so every path is its own
# I_T nexus, as with real multipath. Host A's paths make the dm-multipath
# map mpathA, host B's mpathB (round-robin, one path group, no features, no
# udev).
#
# Fabrics (san_setup --fabric):
#   tcm_loop  (default) one tcm_loop target port per path, in the kernel
#             only: fast. Never send PREEMPT AND ABORT over it (it deadlocks
#             LIO, see shared/TESTBED.md).
#   iscsi     LIO's iSCSI target on 127.0.0.1:3260 and open-iscsi's initiator
#             (iscsid, iscsiadm) in the same guest: one iface per path with
#             its own initiator name, one session per path. Needs run.sh
#             --iscsi (or "# dmpr-vm-options: --iscsi" in the script).
#             --latency-ms L puts a netem qdisc on lo that delays every
#             packet by L ms, so every SCSI command pays a round trip of
#             2 L ms, as on a real SAN.
#
# Paths are named by host and index: "A 1" is host A's first path. Names:
#   tcm_loop target port  naa.50014050<h>0000<iii>   h = a|b, iii = index
#            initiator    naa.50014051<h>0000<iii>   in hex (san_nexus)
#   iscsi    target       iqn.2003-01.org.linux-iscsi.dmpr:lun0
#            initiator    iqn.2003-01.org.linux-iscsi.dmpr:ini.<h>.<iii>
#            iface        dmpr-<h>-<iii>
#   map      mpathA, uuid mpath-<wwid>;  mpathB, uuid mpath-<wwid>-B
#            (dm needs unique uuids; both start with "mpath-")
#
# Setup and teardown
#   san_setup [--paths-a N] [--paths-b M] [--size MB] [--fabric tcm_loop|iscsi]
#             [--latency-ms L]     (defaults 2, 2, 64, tcm_loop, 0; L: iscsi)
#             [--map-paths K]      only the first K paths of each host in
#                                  its map (default: all; san_add_path adds
#                                  the others)
#   san_teardown          maps, (netem, iSCSI logout, iscsid,) ports,
#                         backstore, trace instance, state
#   san_fabric            tcm_loop or iscsi
#   san_set_latency MS    iscsi: change the netem delay of lo (0: none)
#   san_latency_ms        the delay set, or nothing
# Accessors
#   san_npaths H          number of paths host H has (in the map or not)
#   san_paths H           their sd names, in index order
#   san_path_name H I     sdX of path I
#   san_path_dev H I      its maj:min
#   san_nexus H I         its initiator: WWN (naa.…) or iSCSI name (iqn.…)
#   san_label NAME        the path an initiator belongs to ("A 1"), or
#                         nothing
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
#   san_new_path H        a new path for H (target port, or ACL + iface +
#                         login), not in the map yet; prints its index
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
# Which CDBs a path received (tracepoint scsi:scsi_dispatch_cmd_start, in
# the tracefs instance dmpr-san; works on both fabrics)
#   san_trace_start [OP...]  clear and start; OP: opcodes in hex (default
#                         0x5e 0x5f: PR IN/OUT), "all" for every command
#   san_trace_stop        stop (the trace stays readable)
#   san_trace_cdbs [H I]  the commands dispatched since the start, of path
#                         H I or of all: "sdX 0xOP 0xSA CDB-bytes" a line
#                         (SA = CDB byte 1 & 0x1f, the service action)
#   san_trace_sa H I [OP] the service actions of opcode OP (default 0x5f,
#                         PR OUT) path H I received, one a line: 0x04
#                         PREEMPT, 0x05 PREEMPT AND ABORT, ...
#   san_trace_end         stop and remove the instance
# The project's module
#   mod_load [NAME]       modprobe NAME (default dm_mpath_pr); bails out
#                         of the test when it cannot
#   mod_unload_all        rmmod every dm_mpath_pr* module that is loaded;
#                         dm_mpath_pr once pinned (a map was attached, see
#                         Documentation/kernel.md "Lifetime") must refuse
#                         as in use (EBUSY) and stays; fails otherwise
# The end of every scenario that loads the module (needs tap.sh, prtool,
# jq and prcall in the guest)
#   scenario_teardown     five TAP tests, whatever the scenario did:
#                         1. every map still attached is detached (each
#                            named in a diagnostic) and prtool list shows
#                            no attachment;
#                         2. stock dm answers on every multipath map left:
#                            a RELEASE with a key nobody registers (no
#                            change on the LU whatever it answers) gets
#                            dm's answer (0, a PR status, or an errno of
#                            dm such as ENODEV), not the -EOPNOTSUPP of the
#                            module's entry points on a disk whose pr_ops
#                            still point at it;
#                         3. mod_unload_all: rmmod refused as in use
#                            exactly when the module is pinned (parameter
#                            pinned), else every dm_mpath_pr* module gone;
#                         4. the kernel log shows no report (klog.sh);
#                         5. san_teardown.
#
# Functions return non-zero and print "san: ..." on stderr on failure.

[ -n "${_SAN_SH:-}" ] && return 0
_SAN_SH=1
# shellcheck source=klog.sh
. "${BASH_SOURCE[0]%/*}/klog.sh"

SAN_CFS=/sys/kernel/config/target
SAN_STATE=/run/dmpr-san
SAN_SERIAL=${SAN_SERIAL:-0d3a0c0de0000001}
SAN_MAXPATHS=16
SAN_LIO=$SAN_CFS/core/fileio_0/lun0
# the iSCSI fabric: one target, one TPG, one portal on the loopback; the
# initiator of path "A 1" is ${SAN_ISCSI_INI}a.001 (index in hex), its
# open-iscsi iface dmpr-a-001
SAN_ISCSI_IQN=iqn.2003-01.org.linux-iscsi.dmpr:lun0
SAN_ISCSI_INI=iqn.2003-01.org.linux-iscsi.dmpr:ini.
SAN_ISCSI_PORTAL=127.0.0.1:3260
SAN_ISCSI_TPG=$SAN_CFS/iscsi/$SAN_ISCSI_IQN/tpgt_1
SAN_ISCSID_LOG=/run/dmpr-iscsid.log
_SAN_ISCSI_INI_RE="^${SAN_ISCSI_INI//./\\.}([ab])\\.([0-9a-f]{3})\$"
SAN_TRACE=/sys/kernel/tracing/instances/dmpr-san

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

# _san_label NAME: set _r to "A 1" for our initiator NAME (a tcm_loop WWN
# or an iSCSI initiator name), else fail
_san_label() {
	local f
	_r=''
	[[ $1 =~ ^naa\.50014051([ab])0000([0-9a-f]{3})$ ]] ||
		[[ $1 =~ $_SAN_ISCSI_INI_RE ]] || return 1
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
	err=$(dmsetup suspend "mpath$h" 2>&1) ||
		_san_err "dmsetup suspend mpath$h failed: $err" || return 1
	# a scenario's look at the state while the new table waits for the
	# resume (SAN_BEFORE_RESUME: a command, run in this shell)
	[ -z "${SAN_BEFORE_RESUME:-}" ] || $SAN_BEFORE_RESUME
	err=$(dmsetup resume "mpath$h" 2>&1) ||
		_san_err "dmsetup resume mpath$h failed: $err" || return 1
}

# _san_find_sd HCTL: set _r to the sd name of that SCSI device, once its
# disk exists with a size and a device node (sd probes asynchronously: the
# disk's directory under the SCSI device comes before /sys/block/sdX)
_san_find_sd() {
	local b
	_r=''
	for b in "/sys/class/scsi_device/$1/device/block/"*; do
		[ -e "$b" ] || return 1
		b=${b##*/}
		[ -b "/dev/$b" ] && [ -r "/sys/block/$b/size" ] || return 1
		_san_read "/sys/block/$b/size" 2>/dev/null && [ "${_r:-0}" -gt 0 ] || return 1
		_r=$b
		return 0
	done
	return 1
}

# _san_port H I: path I of H on the SAN's fabric, up to its sd
_san_port() {
	if [ "$(<"$SAN_STATE/fabric")" = iscsi ]; then
		_san_iscsi_acl "$1" "$2" && _san_iscsi_login "$1" "$2" && _san_iscsi_path "$1" "$2"
	else
		_san_loop_port "$1" "$2"
	fi
}

# _san_loop_port H I: create target port + nexus for path I of H, find its sd
_san_loop_port() {
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

# --- the iSCSI fabric ------------------------------------------------------
# LIO's iSCSI target on 127.0.0.1:3260 (configfs only) and open-iscsi's
# initiator in the same guest. Every path is one iscsiadm iface with its own
# initiator name, so one login = one session = one I_T nexus. iscsid runs
# in the foreground of its own session (no systemd: iscsid.startup is a
# no-op), its log in $SAN_ISCSID_LOG.

# _san_iscsi_names H I: set _r to the initiator name, _f to the iface name
_san_iscsi_names() {
	local hc=b
	[ "$1" = A ] && hc=a
	printf -v _r '%s%s.%03x' "$SAN_ISCSI_INI" "$hc" "$2"
	printf -v _f 'dmpr-%s-%03x' "$hc" "$2"
}

# _san_iscsi_run ARGS: iscsiadm ARGS, its output in _r; message on failure
_san_iscsi_run() {
	_r=$(iscsiadm "$@" 2>&1) || _san_err "iscsiadm $*: $_r"
}

# _san_iscsid_up: iscsid running and listening (bounded wait)
_san_iscsid_up() {
	local line
	while IFS= read -r line; do
		[[ $line == *@ISCSIADM_ABSTRACT_NAMESPACE* ]] && return 0
	done </proc/net/unix
	return 1
}

# _san_iscsid_pid: set _r to the pid of the running iscsid
_san_iscsid_pid() {
	local c
	_r=''
	for c in /proc/[0-9]*/comm; do
		read -r _r <"$c" 2>/dev/null || continue
		[ "$_r" = iscsid ] || continue
		c=${c%/comm}
		_r=${c#/proc/}
		return 0
	done
	_r=''
	return 1
}

# _san_iscsi_target: modules, the target (TPG, LUN, portal), iscsid
_san_iscsi_target() {
	local m err line mods=(iscsi_target_mod scsi_transport_iscsi libiscsi_tcp iscsi_tcp)
	command -v iscsiadm >/dev/null && command -v iscsid >/dev/null ||
		_san_err "iscsiadm/iscsid missing in the guest (run.sh --iscsi)" || return 1
	# crc32c before any login: LIO and iscsi_tcp allocate it for the
	# digests, and the guest has no /sbin/modprobe for the kernel to call
	mods=(crc32c "${mods[@]}")
	while IFS= read -r line; do
		[[ $line =~ ^name\ +:\ crc32c$ ]] && { mods=("${mods[@]:1}"); break; }
	done </proc/crypto
	for m in "${mods[@]}"; do
		[ -d "/sys/module/$m" ] && continue
		err=$(modprobe "$m" 2>&1) ||
			_san_err "modprobe $m: $err (the guest needs run.sh --iscsi)" || return 1
	done
	[ -d "$SAN_CFS/iscsi" ] || mkdir -p "$SAN_CFS/iscsi" 2>/dev/null ||
		_san_err "no iSCSI fabric in LIO's configfs" || return 1
	read -r line </sys/class/net/lo/operstate
	[ "$line" != down ] || ip link set lo up || _san_err "cannot bring lo up" || return 1

	mkdir -p "$SAN_ISCSI_TPG/lun/lun_0" || _san_err "cannot create the iSCSI target" || return 1
	ln -s "$SAN_LIO" "$SAN_ISCSI_TPG/lun/lun_0/dmpr_port" ||
		_san_err "cannot map the LUN to the iSCSI target" || return 1
	mkdir "$SAN_ISCSI_TPG/np/$SAN_ISCSI_PORTAL" ||
		_san_err "cannot create the portal $SAN_ISCSI_PORTAL" || return 1
	echo 0 >"$SAN_ISCSI_TPG/attrib/authentication" &&
		echo 0 >"$SAN_ISCSI_TPG/attrib/generate_node_acls" &&
		echo 1 >"$SAN_ISCSI_TPG/enable" || _san_err "cannot enable the iSCSI TPG" || return 1

	# the initiator's configuration: no systemd, no noop-outs (a slow
	# guest must not drop a connection), records of our own only
	rm -rf /etc/iscsi
	mkdir -p /etc/iscsi/ifaces /run/lock/iscsi
	cat >/etc/iscsi/iscsid.conf <<-CONF
		iscsid.startup = /bin/true
		node.startup = manual
		node.session.timeo.replacement_timeout = 20
		node.conn[0].timeo.login_timeout = 15
		node.conn[0].timeo.logout_timeout = 15
		node.conn[0].timeo.noop_out_interval = 0
		node.conn[0].timeo.noop_out_timeout = 0
		node.session.initial_login_retry_max = 8
		node.session.scan = auto
		node.session.xmit_thread_priority = 0
	CONF
	echo "InitiatorName=${SAN_ISCSI_INI}default" >/etc/iscsi/initiatorname.iscsi
	if ! _san_iscsid_up; then
		setsid iscsid -f </dev/null >"$SAN_ISCSID_LOG" 2>&1 &
		# shellcheck disable=SC2016 # evaluated by _san_wait
		_san_wait 10 '_san_iscsid_up' ||
			_san_err "iscsid did not come up: $(<"$SAN_ISCSID_LOG")" || return 1
	fi
}

# _san_iscsi_acl H I: the node ACL and the iface of path I of H
_san_iscsi_acl() {
	local h=$1 i=$2 _r _f acl
	_san_iscsi_names "$h" "$i"
	acl=$SAN_ISCSI_TPG/acls/$_r
	mkdir -p "$acl/lun_0" && ln -s "$SAN_ISCSI_TPG/lun/lun_0" "$acl/lun_0/dmpr_lun" ||
		_san_err "cannot create the node ACL $_r" || return 1
	printf '%s\n' "# BEGIN RECORD" "iface.iscsi_ifacename = $_f" "iface.transport_name = tcp" \
		"iface.initiatorname = $_r" "# END RECORD" >"/etc/iscsi/ifaces/$_f"
	mkdir -p "$SAN_STATE/$h/$i"
	echo "$SAN_ISCSI_IQN" >"$SAN_STATE/$h/$i/target"
	echo "$_r" >"$SAN_STATE/$h/$i/initiator"
	echo "$_f" >"$SAN_STATE/$h/$i/iface"
}

# _san_iscsi_login [H I]: node records by SendTargets discovery and login,
# for path I of H or for every path that has an iface but no session yet
_san_iscsi_login() {
	local -a ifs=()
	local h i _n _r
	if [ "$#" -eq 2 ]; then
		ifs=(-I "$(<"$SAN_STATE/$1/$2/iface")")
	else
		for h in A B; do
			_san_npaths "$h"
			for ((i = 1; i <= _n; i++)); do
				[ -f "$SAN_STATE/$h/$i/sd" ] || ifs+=(-I "$(<"$SAN_STATE/$h/$i/iface")")
			done
		done
	fi
	[ "${#ifs[@]}" -gt 0 ] || return 0
	# one record per iface (-o new keeps the records of earlier paths)
	_san_iscsi_run -m discovery -t st -p "$SAN_ISCSI_PORTAL" "${ifs[@]}" -o new || return 1
	# node mode takes one -I; without -I, every record of the target logs
	# in, in parallel (san_setup: no session exists yet)
	[ "$#" -eq 2 ] || ifs=()
	_san_iscsi_run -m node -T "$SAN_ISCSI_IQN" -p "$SAN_ISCSI_PORTAL" "${ifs[@]}" --login || return 1
}

# _san_iscsi_find INI: set _r to "H:C:T:L sdX sessionN TARGETDIR" for the
# LUN of the session of initiator INI, once its sd device is ready
_san_iscsi_find() {
	local s name t
	for s in /sys/class/iscsi_session/session*; do
		[ -f "$s/initiatorname" ] || continue
		read -r name <"$s/initiatorname" || continue
		[ "$name" = "$1" ] || continue
		for t in "$s"/device/target*/[0-9]*:0; do
			[ -d "$t" ] || continue
			_san_find_sd "${t##*/}" || return 1
			_r="${t##*/} $_r ${s##*/} ${t%/*}"
			return 0
		done
	done
	return 1
}

# _san_iscsi_path H I: wait for the sd device of path I's session
_san_iscsi_path() {
	local d=$SAN_STATE/$1/$2 ini _r w
	ini=$(<"$d/initiator")
	# shellcheck disable=SC2016 # evaluated by _san_wait
	_san_wait 20 '_san_iscsi_find "$ini"' ||
		_san_err "no sd device appeared for the session of $ini within 20 s" || return 1
	read -r -a w <<<"$_r"
	echo "${w[0]}" >"$d/hctl"
	echo "${w[1]}" >"$d/sd"
	echo "${w[2]}" >"$d/session"
	# No runtime PM for the session's SCSI target. Logout removes the
	# target in a WQ_MEM_RECLAIM work item (__iscsi_unbind_session); had
	# the removal of its sd just queued the target's runtime-idle work on
	# pm_wq (not WQ_MEM_RECLAIM), device_del() flushes it from there and
	# the kernel warns (check_flush_dependency, seen on 6.12). With the
	# target's runtime PM forbidden, no idle work is ever queued. (A
	# kernel without CONFIG_PM, like the debug one, has no such file.)
	[ ! -f "${w[3]}/power/control" ] || echo on >"${w[3]}/power/control" ||
		_san_err "cannot forbid runtime PM of ${w[3]}" || return 1
}

# _san_iscsi_teardown: log out, stop iscsid, remove the target
_san_iscsi_teardown() {
	local rc=0 pid='' acl _r s
	if _san_iscsid_up && compgen -G "/sys/class/iscsi_session/session*" >/dev/null; then
		_san_iscsi_run -m node -T "$SAN_ISCSI_IQN" -p "$SAN_ISCSI_PORTAL" --logout || rc=1
	fi
	# logout removes the SCSI devices; wait for the sessions to be gone
	# shellcheck disable=SC2016 # evaluated by _san_wait
	_san_wait 10 '! compgen -G "/sys/class/iscsi_session/session*" >/dev/null' ||
		{ _san_err "iSCSI sessions left after logout: $(ls /sys/class/iscsi_session)"; rc=1; }
	_san_iscsid_pid && pid=$_r
	if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
		# shellcheck disable=SC2016 # evaluated by _san_wait
		_san_wait 10 '! kill -0 "$pid" 2>/dev/null' || { _san_err "iscsid ($pid) does not stop"; rc=1; }
	fi
	# the records (iscsid keeps none of them in memory)
	rm -rf /etc/iscsi/nodes /etc/iscsi/send_targets /etc/iscsi/ifaces
	if [ -d "$SAN_ISCSI_TPG" ]; then
		echo 0 >"$SAN_ISCSI_TPG/enable" 2>/dev/null
		for acl in "$SAN_ISCSI_TPG"/acls/*; do
			[ -d "$acl" ] || continue
			rm -f "$acl"/lun_0/dmpr_lun
			rmdir "$acl/lun_0" "$acl" || { _san_err "cannot remove the ACL ${acl##*/}"; rc=1; }
		done
		rm -f "$SAN_ISCSI_TPG/lun/lun_0/dmpr_port"
		rmdir "$SAN_ISCSI_TPG/lun/lun_0" "$SAN_ISCSI_TPG/np/$SAN_ISCSI_PORTAL" 2>/dev/null
		rmdir "$SAN_ISCSI_TPG" "${SAN_ISCSI_TPG%/tpgt_1}" ||
			{ _san_err "cannot remove the iSCSI target"; rc=1; }
	fi
	return $rc
}

# --- network latency (netem on lo) ----------------------------------------

san_latency_ms() {
	[ ! -f "$SAN_STATE/latency_ms" ] || echo "$(<"$SAN_STATE/latency_ms")"
}

san_set_latency() {
	local ms=$1 err
	[[ $ms =~ ^[0-9]+(\.[0-9]+)?$ ]] || _san_err "san_set_latency: '$ms' is not a number of ms" || return 1
	[ "$(<"$SAN_STATE/fabric")" = iscsi ] ||
		_san_err "san_set_latency: only the iSCSI fabric goes through the network" || return 1
	if [ -f "$SAN_STATE/latency_ms" ]; then
		err=$(tc qdisc del dev lo root 2>&1) || _san_err "tc qdisc del dev lo root: $err" || return 1
		rm -f "$SAN_STATE/latency_ms"
	fi
	[ "$ms" != 0 ] || return 0
	if [ ! -d /sys/module/sch_netem ]; then
		err=$(modprobe sch_netem 2>&1) || _san_err "modprobe sch_netem: $err (run.sh --iscsi)" || return 1
	fi
	# lo carries both directions: ms on each way, 2 ms per round trip
	err=$(tc qdisc add dev lo root netem delay "${ms}ms" 2>&1) ||
		_san_err "tc qdisc add dev lo root netem delay ${ms}ms: $err" || return 1
	echo "$ms" >"$SAN_STATE/latency_ms"
}

san_setup() {
	local na=2 nb=2 size=64 fabric=tcm_loop lat=0 mp=$SAN_MAXPATHS h i n err _r _n
	while [ "$#" -gt 0 ]; do
		case $1 in
		--paths-a) na=$2; shift 2 ;;
		--paths-b) nb=$2; shift 2 ;;
		--size) size=$2; shift 2 ;;
		--fabric) fabric=$2; shift 2 ;;
		--latency-ms) lat=$2; shift 2 ;;
		--map-paths) mp=$2; shift 2 ;;
		*) _san_err "san_setup: unknown option '$1'"; return 1 ;;
		esac
	done
	[ "$na" -ge 1 ] && [ "$na" -le "$SAN_MAXPATHS" ] && [ "$nb" -ge 0 ] && [ "$nb" -le "$SAN_MAXPATHS" ] ||
		_san_err "san_setup: paths per host must be 1..$SAN_MAXPATHS (B may be 0)" || return 1
	[[ $mp =~ ^[0-9]+$ ]] && [ "$mp" -ge 1 ] ||
		_san_err "san_setup: --map-paths must be at least 1" || return 1
	case $fabric in
	tcm_loop | loop) fabric=tcm_loop ;;
	iscsi) ;;
	*) _san_err "san_setup: unknown fabric '$fabric' (tcm_loop or iscsi)"; return 1 ;;
	esac
	[[ $lat =~ ^[0-9]+(\.[0-9]+)?$ ]] || _san_err "san_setup: --latency-ms '$lat' is not a number" || return 1
	[ "$lat" = 0 ] || [ "$fabric" = iscsi ] ||
		_san_err "san_setup: --latency-ms needs --fabric iscsi (tcm_loop has no network)" || return 1
	[ -d "$SAN_CFS" ] || _san_err "LIO configfs ($SAN_CFS) missing: target_core_mod not loaded or configfs not mounted?" || return 1
	[ ! -e "$SAN_STATE" ] || _san_err "a SAN is already set up (san_teardown first)" || return 1
	mkdir -p /etc/target/pr "$SAN_STATE/A" "$SAN_STATE/B" /dev/mapper
	echo "$fabric" >"$SAN_STATE/fabric"

	truncate -s "${size}M" /tmp/dmpr-san-lun0.img || return 1
	mkdir -p "$SAN_LIO" || _san_err "cannot create the fileio backstore" || return 1
	echo "fd_dev_name=/tmp/dmpr-san-lun0.img,fd_dev_size=$((size * 1024 * 1024))" >"$SAN_LIO/control" &&
		echo "$SAN_SERIAL" >"$SAN_LIO/wwn/vpd_unit_serial" &&
		echo 1 >"$SAN_LIO/enable" || _san_err "cannot configure the fileio backstore" || return 1

	if [ "$fabric" = iscsi ]; then
		# all ACLs and ifaces first, then one discovery and one login
		# for all paths (the sessions log in in parallel)
		_san_iscsi_target || return 1
		for h in A B; do
			[ "$h" = A ] && n=$na || n=$nb
			for ((i = 1; i <= n; i++)); do
				_san_iscsi_acl "$h" "$i" || return 1
			done
		done
		_san_iscsi_login || return 1
	fi
	for h in A B; do
		[ "$h" = A ] && n=$na || n=$nb
		for ((i = 1; i <= n; i++)); do
			if [ "$fabric" = iscsi ]; then
				_san_iscsi_path "$h" "$i" || return 1
			else
				_san_loop_port "$h" "$i" || return 1
			fi
			[ "$i" -gt "$mp" ] || : >"$SAN_STATE/$h/$i/member"
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
	[ "$lat" = 0 ] || san_set_latency "$lat" || return 1
	echo "san: LUN $(<"$SAN_STATE/wwid") (${size} MB$(
		[ "$fabric" = tcm_loop ] || echo ", iSCSI on $SAN_ISCSI_PORTAL$(
			[ "$lat" = 0 ] || echo ", +$lat ms each way")")), host A: $(san_paths A | tr '\n' ' ')-> /dev/mapper/mpathA$(
		[ "$nb" -gt 0 ] && echo ", host B: $(san_paths B | tr '\n' ' ')-> /dev/mapper/mpathB")"
}

san_fabric() { echo "$(<"$SAN_STATE/fabric")"; }

san_teardown() {
	local h tp rc=0
	if [ -f "$SAN_STATE/latency_ms" ]; then
		tc qdisc del dev lo root >/dev/null 2>&1 || { _san_err "cannot remove the netem qdisc of lo"; rc=1; }
	fi
	for h in A B; do
		# a map the test removed itself is gone already
		if dmsetup info "mpath$h" >/dev/null 2>&1; then
			if ! dmsetup remove "mpath$h" >/dev/null 2>&1 &&
				! dmsetup remove --force "mpath$h" >/dev/null 2>&1; then
				_san_err "cannot remove mpath$h"
				rc=1
			fi
		fi
	done
	if [ -d "$SAN_ISCSI_TPG" ] || [ -d /etc/iscsi/ifaces ] || _san_iscsid_up; then
		_san_iscsi_teardown || rc=1
	fi
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
	[ ! -d "$SAN_TRACE" ] || san_trace_end || rc=1
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

# san_port_cmds H I: the commands LIO received through the target port of
# host H's path I (tcm_loop: one target port per path), from LIO's SCSI MIB
# statistics; counts SG_IO passthrough commands too, which the initiator's
# disk statistics do not
san_port_cmds() {
	local _h _d
	_san_pdir "$1" "$2" || return 1
	[ "$(<"$SAN_STATE/fabric")" != iscsi ] ||
		_san_err "san_port_cmds: the iSCSI fabric shares one target port" || return 1
	echo "$(<"$SAN_CFS/loopback/$(<"$_d/target")/tpgt_1/lun/lun_0/statistics/scsi_tgt_port/in_cmds")"
}

san_key_of() {
	local _h _d wwn
	local -A _regs
	_san_pdir "$1" "$2" || return 1
	wwn=$(<"$_d/initiator")
	_san_regs
	[ -z "${_regs[$wwn]:-}" ] || echo "${_regs[$wwn]}"
}

# san_keys H: LIO's key of each nexus of host H, in path order, space
# separated (an empty field for a nexus without one)
san_keys() {
	local i n r=()
	n=$(san_npaths "$1")
	for ((i = 1; i <= n; i++)); do
		r+=("$(san_key_of "$1" "$i")")
	done
	echo "${r[*]}"
}

# san_key_count H KEY: how many of host H's nexuses carry KEY in LIO (an
# empty KEY: how many carry none)
san_key_count() {
	local i n c=0
	n=$(san_npaths "$1") || return 1
	for ((i = 1; i <= n; i++)); do
		[ "$(san_key_of "$1" "$i")" = "$2" ] && c=$((c + 1))
	done
	echo "$c"
}

# san_path_with_key H KEY: the number of host H's first path whose nexus
# carries KEY in LIO; fails if none does
san_path_with_key() {
	local i n
	n=$(san_npaths "$1") || return 1
	for ((i = 1; i <= n; i++)); do
		[ "$(san_key_of "$1" "$i")" = "$2" ] && { echo "$i"; return 0; }
	done
	_san_err "no nexus of host $1 carries $2"
}

# san_parse_keys TEXT: the keys in sg_persist -i -k's output TEXT, sorted,
# on one line
san_parse_keys() {
	grep -oE '^ *0x[0-9a-f]+' <<<"$1" | tr -d ' ' | sort | tr '\n' ' '
}

# san_clear_ua H: a TEST UNIT READY on each of host H's paths until it
# passes (3 tries): a PR change through another nexus leaves one UNIT
# ATTENTION on each, which the next command (of dm: on any path) would get
san_clear_ua() {
	local i n
	n=$(san_npaths "$1") || return 1
	for ((i = 1; i <= n; i++)); do
		for _ in 1 2 3; do
			sg_turs "/dev/$(san_path_name "$1" "$i")" >/dev/null 2>&1 && break
		done
	done
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

# san_writes MAP N: N direct 4 KiB writes through MAP (with round-robin and
# rr_min_io 1, consecutive writes take the paths in turn); prints how many
# failed
san_writes() {
	local i bad=0
	for ((i = 0; i < $2; i++)); do
		dd if=/dev/zero of="$1" bs=4k count=1 seek="$i" oflag=direct \
			conv=notrunc 2>/dev/null || bad=$((bad + 1))
	done
	echo "$bad"
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
	# the initiator column fits the fabric's names
	local iw=22
	[ "$(<"$SAN_STATE/fabric")" = tcm_loop ] || iw=$((${#SAN_ISCSI_INI} + 5))
	printf "  %-5s %-5s %-${iw}s %-8s %-3s %-18s %s\n" path sd initiator sd-state dm key holder
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
			printf "  %-5s %-5s %-${iw}s %-8s %-3s %-18s %s\n" "$h$i" "$sd" "$wwn" "$state" \
				"${_st[$_r]:--}" "$key" "$hl"
		done
	done
	# registrations of nexuses that are not ours
	for wwn in "${!_regs[@]}"; do
		_san_label "$wwn" || echo "  other: $wwn ${_regs[$wwn]}"
	done
	return 0
}

# --- which CDBs a path received (scsi:scsi_dispatch_cmd_start) -----------
# The tracepoint fires when the SCSI midlayer hands a command to the
# path's low-level driver (tcm_loop or iscsi_tcp), retries included. The
# trace lives in its own tracefs instance, so other tracing is unaffected.

# _san_trace_ev: set _r to the event's directory in our instance (made)
_san_trace_ev() {
	local root=${SAN_TRACE%/instances/*}
	_r=''
	if [ ! -d "$root/instances" ]; then
		mount -t tracefs tracefs "$root" 2>/dev/null ||
			_san_err "tracefs is not mounted on $root" || return 1
	fi
	[ -d "$SAN_TRACE" ] || mkdir "$SAN_TRACE" || _san_err "cannot create the trace instance $SAN_TRACE" || return 1
	_r=$SAN_TRACE/events/scsi/scsi_dispatch_cmd_start
	[ -d "$_r" ] || _san_err "no scsi:scsi_dispatch_cmd_start tracepoint in this kernel" || return 1
}

san_trace_start() {
	local _r ev op filter=''
	_san_trace_ev || return 1
	ev=$_r
	[ "$#" -gt 0 ] || set -- 0x5e 0x5f
	if [ "$1" != all ]; then
		for op in "$@"; do
			[[ $op =~ ^(0x)?[0-9a-fA-F]{1,2}$ ]] || _san_err "san_trace_start: '$op' is not an opcode" || return 1
			filter+="${filter:+ || }opcode == 0x${op#0x}"
		done
	fi
	echo 0 >"$ev/enable" &&
		echo "${filter:-0}" >"$ev/filter" &&
		: >"$SAN_TRACE/trace" &&
		echo 1 >"$SAN_TRACE/tracing_on" &&
		echo 1 >"$ev/enable" || _san_err "cannot start the trace" || return 1
}

san_trace_stop() {
	[ ! -d "$SAN_TRACE" ] || echo 0 >"$SAN_TRACE/events/scsi/scsi_dispatch_cmd_start/enable"
}

# san_trace_end: stop and remove the trace instance
san_trace_end() {
	[ -d "$SAN_TRACE" ] || return 0
	san_trace_stop
	rmdir "$SAN_TRACE" || _san_err "cannot remove the trace instance $SAN_TRACE"
}

san_trace_cdbs() {
	local _h _d line sd want='' b
	local -a c
	if [ "$#" -gt 0 ]; then
		_san_pdir "$1" "$2" || return 1
		want=$(<"$_d/hctl")
	fi
	[ -f "$SAN_TRACE/trace" ] || _san_err "no trace (san_trace_start first)" || return 1
	while IFS= read -r line; do
		[[ $line =~ scsi_dispatch_cmd_start:\ host_no=([0-9]+)\ channel=([0-9]+)\ id=([0-9]+)\ lun=([0-9]+)\ .*raw=([0-9a-f\ ]+)\)$ ]] ||
			continue
		b="${BASH_REMATCH[1]}:${BASH_REMATCH[2]}:${BASH_REMATCH[3]}:${BASH_REMATCH[4]}"
		[ -z "$want" ] || [ "$b" = "$want" ] || continue
		read -r -a c <<<"${BASH_REMATCH[5]}"
		sd='?'
		for sd in "/sys/class/scsi_device/$b/device/block/"*; do
			sd=${sd##*/}
		done
		[ "$sd" != '*' ] || sd='?'
		printf '%s 0x%s 0x%02x %s\n' "$sd" "${c[0]}" $((16#${c[1]:-0} & 0x1f)) "${c[*]}"
	done <"$SAN_TRACE/trace"
}

san_trace_sa() {
	local out op=${3:-0x5f} sd o sa rest
	out=$(san_trace_cdbs "$1" "$2") || return 1
	printf -v op '0x%02x' $((16#${op#0x}))
	while read -r sd o sa rest; do
		[ "$o" != "$op" ] || echo "$sa"
	done <<<"$out"
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
	local m rc=0 err pinned
	# the test module first: it depends on the main one
	for m in $(lsmod | awk '$1 ~ /^dm_mpath_pr/ { print $1 }' | sort -r); do
		pinned=N
		if [ "$m" = dm_mpath_pr ]; then
			_san_read /sys/module/dm_mpath_pr/parameters/pinned 2>/dev/null && pinned=$_r
		fi
		if [ "$pinned" = Y ]; then
			# attached once: pinned until reboot, rmmod must say busy
			if err=$(rmmod "$m" 2>&1); then
				_san_err "rmmod $m: the module was pinned, yet it unloaded"
				rc=1
			elif [[ $err != *"in use"* ]]; then
				_san_err "rmmod $m: refused, but not as in use (EBUSY): $err"
				rc=1
			fi
			continue
		fi
		err=$(rmmod "$m" 2>&1) || { _san_err "rmmod $m: $err"; rc=1; }
	done
	return $rc
}

# --- the end of a scenario -------------------------------------------------

# a key no scenario registers: scenario_teardown's RELEASE changes nothing
SAN_TEARDOWN_KEY=0x7ea2d0

scenario_teardown() {
	local out m err pinned why=() maps=() dm
	# 1. detached
	if [ -d /sys/module/dm_mpath_pr ]; then
		if out=$(prtool list --json 2>&1) && m=$(jq -r '.attachments[].map' <<<"$out" 2>&1); then
			read -r -d '' -a maps <<<"$m"
			for m in "${maps[@]}"; do
				diag "teardown: $m was still attached: detaching it"
				err=$(prtool detach "$m" 2>&1) || why+=("prtool detach $m: $err")
			done
			out=$(prtool list --json 2>&1) && out=$(jq -r '.attachments | length' <<<"$out" 2>&1) &&
				[ "$out" = 0 ] || why+=("prtool list --json after the detaches: $out")
		else
			why+=("prtool list --json: $out")
		fi
	fi
	[ "${#why[@]}" -eq 0 ]
	ok $? "teardown: every map detached, prtool list shows no attachment" ||
		diag "$(printf '%s\n' "${why[@]}")"

	# 2. dm's own pr_ops on every map left
	why=()
	if ! command -v prcall >/dev/null; then
		why+=("prcall is not in the guest (run.sh --bin build/prcall)")
	else
		while read -r dm _; do
			[ -n "$dm" ] && [ "$dm" != No ] || continue
			out=$(prcall "/dev/mapper/$dm" release "$SAN_TEARDOWN_KEY" 1 2>&1)
			# dm's answer: 0, a PR status, or dm's own errno (a map
			# whose paths are gone: ENODEV); the module's entry point
			# on a disk still hooked but not attached: EOPNOTSUPP
			[[ $out =~ ret=(-?[0-9]+) ]] && [ "${BASH_REMATCH[1]}" != -95 ] ||
				why+=("$dm: RELEASE through the map: $out")
		done < <(dmsetup ls --target multipath 2>/dev/null)
	fi
	[ "${#why[@]}" -eq 0 ]
	ok $? "teardown: stock dm answers a PR call on every map left (pr_ops restored)" ||
		diag "$(printf '%s\n' "${why[@]}")"

	# 3. rmmod refused exactly when pinned
	pinned=-
	[ ! -d /sys/module/dm_mpath_pr ] || pinned=$(cat /sys/module/dm_mpath_pr/parameters/pinned 2>&1)
	why=()
	err=$(mod_unload_all 2>&1) || why+=("$err")
	out=$(lsmod | awk '$1 ~ /^dm_mpath_pr/ { print $1 }' | tr '\n' ' ')
	case $pinned in
	Y) [ "$out" = "dm_mpath_pr " ] || why+=("pinned, yet loaded after rmmod: '$out'") ;;
	N | -) [ -z "$out" ] || why+=("not pinned, yet still loaded after rmmod: $out") ;;
	*) why+=("parameter pinned: $pinned") ;;
	esac
	[ "${#why[@]}" -eq 0 ]
	ok $? "teardown: rmmod refused as in use exactly when pinned (pinned: $pinned)" ||
		diag "$(printf '%s\n' "${why[@]}")"

	# 4. no kernel report so far (the runner checks the whole log again)
	out=$(dmesg -s 8388608 | klog_problems "$klog_pat" | sed -n 's/^P\t//p')
	is "$out" "" "teardown: the kernel log shows no BUG, WARNING, KASAN or lockdep report" ||
		diag "$(head -n 20 <<<"$out")"

	# 5. the SAN comes apart
	err=$(san_teardown 2>&1)
	ok $? "teardown: san_teardown (maps, target, backstore)" || diag "$err"
}
