# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # io_* and st_* are results for the caller
#
# flap.sh: path flaps, background writers and small statistics for guest
# tests. Source it after san.sh.
#
# A flap in two halves, as a real path failure and multipathd see it:
#   flap_down H I         the SCSI device goes offline (I/O on it fails at
#                         once) and dm fails the path (fail_path), as
#                         san_fail_path
#   flap_sd_up H I        the SCSI device runs again (the path is back on
#                         the fabric); dm still has the path failed
#   flap_dm_fail H I, flap_sd_down H I
#                         the two halves of flap_down on their own (dm
#                         first leaves the SCSI device usable for a moment
#                         while dm routes no I/O to it)
#   flap_reinstate H I    dm reinstates the path, as multipathd does at its
#                         next checker tick (reinstate_path)
#   key_is H I KEY        status 0 if LIO shows KEY (0x…, as san_key_of
#                         prints it) on path I's nexus; KEY '' : no key.
#                         Like [ "$(san_key_of H I)" = KEY ] without a fork
#   keys_all H KEY        status 0 if every one of the NPATHS (the caller's
#                         variable) nexuses of H carries KEY
#   keys_of H             "H1=0x.. H2=" for H's NPATHS nexuses (empty: none)
#   key_anywhere H [KEY]  status 0 if any of H's NPATHS nexuses carries KEY
#                         (without KEY: any key)
#   drop_reg H I          the target forgets the registration of path I's
#                         nexus while the path stays up (REGISTER AND IGNORE
#                         with key 0 sent on its own SCSI device; GOOD also
#                         where it has none), as a target session reset does
#   ms_since T0           set ms to the ms since T0=$EPOCHREALTIME (no fork)
# Writers (one per NAME; dd oflag=direct in a loop, 4 x 64 KiB a round,
# IO_PAUSE s (default 0.1) between rounds)
#   io_writer_start NAME DEV [SEEK]   start writing to DEV at 64 KiB block
#                         SEEK (default 0), in the background
#   io_writer_counts NAME set io_ok, io_err: rounds that worked and failed
#                         so far
#   io_writer_stop NAME   stop it, then set io_ok, io_err as above; the
#                         first few errors dd printed are in io_errmsg
#   io_writer_running NAME  status 0 while the writer runs
#   sleep_until T0 SECS   sleep until SECS (e.g. 2, 0.5) after T0=$EPOCHREALTIME
#                         (not at all if that is past)
# Statistics
#   stats_median_max N... set st_median, st_max, st_n of the integers
#
# Functions return non-zero and print "flap: ..." on stderr on failure.

[ -n "${_FLAP_SH:-}" ] && return 0
_FLAP_SH=1
io_ok='' io_err='' io_errmsg='' st_n='' st_median='' st_max=''

FLAP_STATE=/run/dmpr-flap
# seconds a writer rests between rounds (leaves CPU to the rest of the test)
IO_PAUSE=${IO_PAUSE:-0.1}

_flap_err() {
	echo "flap: $*" >&2
	return 1
}

# _flap_sd H I STATE: set the SCSI device state of path I of H
_flap_sd() {
	local _h _d _r sd
	_san_pdir "$1" "$2" || return 1
	_san_read "$_d/sd"
	sd=$_r
	echo "$3" >"/sys/block/$sd/device/state" || _flap_err "cannot set $sd $3"
}

# _flap_dm H I MSG: fail_path or reinstate_path of path I in H's map
_flap_dm() {
	local _h _d _r
	_san_pdir "$1" "$2" || return 1
	[ -f "$_d/member" ] || _flap_err "path $_h $2 is not in the map" || return 1
	_san_read "$_d/sd"
	_san_devno "$_r"
	mkdir -p "$FLAP_STATE"
	# (no $(...) around dmsetup: one fork less per call)
	dmsetup message "mpath$_h" 0 "$3" "$_r" 2>"$FLAP_STATE/dm.err" ||
		_flap_err "dm $3 $_r on mpath$_h: $(<"$FLAP_STATE/dm.err")"
}

flap_down() { _flap_sd "$1" "$2" offline && _flap_dm "$1" "$2" fail_path; }

flap_sd_up() { _flap_sd "$1" "$2" running; }

flap_dm_fail() { _flap_dm "$1" "$2" fail_path; }

flap_sd_down() { _flap_sd "$1" "$2" offline; }

flap_reinstate() { _flap_dm "$1" "$2" reinstate_path; }

key_is() {
	local _h _d wwn
	local -A _regs
	_san_pdir "$1" "$2" || return 1
	wwn=$(<"$_d/initiator")
	_san_regs
	[ "${_regs[$wwn]:-}" = "$3" ]
}

keys_all() {
	local i
	for ((i = 1; i <= NPATHS; i++)); do
		key_is "$1" "$i" "$2" || return 1
	done
}

keys_of() {
	local i r=''
	for ((i = 1; i <= NPATHS; i++)); do
		r+=" $1$i=$(san_key_of "$1" "$i")"
	done
	echo "${r# }"
}

key_anywhere() {
	local i
	for ((i = 1; i <= NPATHS; i++)); do
		if [ -n "${2:-}" ]; then
			key_is "$1" "$i" "$2" && return 0
		else
			key_is "$1" "$i" '' || return 0
		fi
	done
	return 1
}

drop_reg() {
	local err
	err=$(sg_persist -n --out --register-ignore --param-sark=0 \
		"/dev/$(san_path_name "$1" "$2")" 2>&1 >/dev/null) ||
		_flap_err "drop_reg $1 $2: $err"
}

ms_since() {
	ms=$(((${EPOCHREALTIME/./} - ${1/./}) / 1000))
}

# _io_loop DEV SEEK STATE: the writer; "ok err" in STATE after every round,
# dd's messages of failed rounds appended to STATE.err (first 20)
_io_loop() {
	local dev=$1 seek=$2 st=$3 ok=0 err=0 msg fd _
	trap 'echo "$ok $err" >"$st"; exit 0' TERM
	# the pause between rounds: a read that times out on a FIFO nobody
	# writes to (a builtin, no fork: forks are dear under TCG and KASAN)
	mkfifo "$st.fifo" && exec {fd}<>"$st.fifo" || return 1
	while :; do
		read -r -t "$IO_PAUSE" -u "$fd" _
		if dd if=/dev/zero of="$dev" bs=64k count=4 seek="$seek" \
			oflag=direct conv=notrunc 2>"$st.msg"; then
			ok=$((ok + 1))
		else
			err=$((err + 1))
			msg=$(<"$st.msg")
			[ "$err" -gt 20 ] || echo "$EPOCHREALTIME ${msg//$'\n'/ | }" >>"$st.err"
		fi
		echo "$ok $err" >"$st"
	done
}

io_writer_start() {
	local name=$1 dev=$2 seek=${3:-0}
	[ -b "$dev" ] || _flap_err "io_writer_start: $dev is not a block device" || return 1
	mkdir -p "$FLAP_STATE"
	[ ! -f "$FLAP_STATE/$name.pid" ] || _flap_err "writer $name runs already" || return 1
	echo "0 0" >"$FLAP_STATE/$name"
	rm -f "$FLAP_STATE/$name.err" "$FLAP_STATE/$name.fifo"
	_io_loop "$dev" "$seek" "$FLAP_STATE/$name" </dev/null >/dev/null 2>&1 &
	echo $! >"$FLAP_STATE/$name.pid"
}

io_writer_running() {
	local pid
	[ -f "$FLAP_STATE/$1.pid" ] || return 1
	pid=$(<"$FLAP_STATE/$1.pid")
	kill -0 "$pid" 2>/dev/null
}

io_writer_counts() {
	local _
	io_ok='' io_err=''
	[ -f "$FLAP_STATE/$1" ] || _flap_err "no writer $1" || return 1
	# the writer rewrites the file every round: a read can fall between
	# its truncation and its write
	for _ in 1 2 3 4 5; do
		read -r io_ok io_err <"$FLAP_STATE/$1" 2>/dev/null
		[ -z "$io_err" ] || return 0
		sleep 0.01
	done
	_flap_err "cannot read the counts of writer $1"
}

io_writer_stop() {
	local name=$1 pid
	io_errmsg=''
	[ -f "$FLAP_STATE/$name.pid" ] || _flap_err "no writer $name" || return 1
	pid=$(<"$FLAP_STATE/$name.pid")
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$FLAP_STATE/$name.pid"
	[ ! -f "$FLAP_STATE/$name.err" ] || io_errmsg=$(head -n 5 "$FLAP_STATE/$name.err")
	io_writer_counts "$name"
}

# _flap_us SECONDS: set _r to SECONDS (2, 0.5) in microseconds
_flap_us() {
	local int=${1%%.*} frac=
	[[ $1 == *.* ]] && frac=${1#*.}
	frac=${frac}000000
	_r=$((10#${int:-0} * 1000000 + 10#${frac:0:6}))
}

sleep_until() {
	local _r left
	_flap_us "$2"
	left=$((${1/./} + _r - ${EPOCHREALTIME/./}))
	[ "$left" -gt 0 ] || return 0
	sleep "$((left / 1000000)).$(printf '%06d' $((left % 1000000)))"
}

stats_median_max() {
	local -a s
	st_n=$# st_median='' st_max=''
	[ "$#" -gt 0 ] || return 0
	mapfile -t s < <(printf '%s\n' "$@" | sort -n)
	st_max=${s[$# - 1]}
	if (($# % 2)); then
		st_median=${s[$# / 2]}
	else
		st_median=$(((s[$# / 2 - 1] + s[$# / 2]) / 2))
	fi
}
