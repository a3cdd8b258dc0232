# SPDX-License-Identifier: GPL-2.0
#
# A QEMU guest inside the test VM, as a real SG_IO client of a map: QEMU's
# scsi-block disk on the map with a pr-manager-helper object, Debian's
# qemu-pr-helper behind it (the VM must be booted with run.sh --nested).
# The nested guest boots the same kernel from a small initramfs (busybox,
# sg_persist, the virtio-scsi modules) and runs the command lines it reads
# on its serial console, one at a time, answering each with its output and
# a "@@rc=N" line. So a scenario drives it step by step and checks LIO
# between the steps.
#
#   nested_start MAP       build the initramfs, start qemu-pr-helper and
#                          the guest with MAP as its disk (/dev/sda there)
#   nested_run CMDLINE     run CMDLINE (sh) in the guest: $nout, $nrc;
#                          there, "sgp ARGS" is sg_persist -n ARGS /dev/sda
#                          (again after a UNIT ATTENTION) and "writes N"
#                          prints how many of N direct writes failed
#   nested_stop            power the guest off, stop the helper
#   nested_report          the logs' last lines, for a failure's report
#
# NESTED_DIR (default /tmp/nested) holds the initramfs, the helper's socket
# and the logs (qemu.log: QEMU's stderr; console.log: everything the guest
# printed; helper.log: qemu-pr-helper's output; errors: this file's).

NESTED_DIR=${NESTED_DIR:-/tmp/nested}
NESTED_BOOT_TIMEOUT=${NESTED_BOOT_TIMEOUT:-600}
NESTED_CMD_TIMEOUT=${NESTED_CMD_TIMEOUT:-300}
# QEMU under QEMU (TCG in TCG) now and then crashes the nested guest's
# kernel in its first seconds, before anything of the test runs (seen:
# a fault on text_poke_early()'s IRET, "Attempted to kill the idle
# task"): such a boot is tried again, up to NESTED_BOOT_TRIES boots in
# all; $NESTED_BOOTS says how many it took. Any other failure is not.
NESTED_BOOT_TRIES=${NESTED_BOOT_TRIES:-3}
NESTED_KERNEL=${NESTED_KERNEL:-/dmpr/nested/vmlinuz}
# shellcheck disable=SC2034 # for the caller: nested_start's boot time,
# nested_run's output and status
NESTED_PID='' NESTED_HELPER_PID='' NESTED_BOOT_SECONDS='' NESTED_BOOTS=0 nout='' nrc=''

# (errors go to stderr and to $NESTED_DIR/errors, for the test's report)
_nested_err() {
	echo "nested: $*" >&2
	echo "$*" >>"$NESTED_DIR/errors" 2>/dev/null
}

# nested_report: what went wrong, for a test's diagnostics
nested_report() {
	local f
	for f in errors qemu.log helper.log console.log; do
		[ -s "$NESTED_DIR/$f" ] || continue
		echo "--- $f (last lines)"
		tail -n 15 "$NESTED_DIR/$f"
	done
}

# _nested_copy SRC: SRC into the staging tree at the same path
_nested_copy() {
	mkdir -p "$NESTED_DIR/root$(dirname "$1")" &&
		cp -L "$1" "$NESTED_DIR/root$1"
}

# _nested_libs PROG: PROG's shared libraries into the staging tree (the
# dynamic loader lists them, as ldd would)
_nested_libs() {
	local ld=/lib64/ld-linux-x86-64.so.2 out line lib
	out=$("$ld" --list "$1" 2>&1) || {
		case $out in *'not a dynamic executable'*) return 0 ;; esac
		_nested_err "cannot list the libraries of $1: $out"
		return 1
	}
	_nested_copy "$ld" || return 1
	while read -r line; do
		case $line in
		*'=> /'*) lib=${line#*=> }; lib=${lib%% *} ;;
		/*) lib=${line%% *} ;;
		*) continue ;;
		esac
		_nested_copy "$lib" || return 1
	done <<<"$out"
}

# nested_initrd FILE: the nested guest's initramfs
nested_initrd() {
	local out=$1 root=$NESTED_DIR/root kind path m a
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules} || return 1
	ln -s bin "$root/sbin"
	ln -s lib "$root/lib64"
	cp /usr/bin/busybox "$root/bin/busybox" || return 1
	for a in $(busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
	done
	for a in sg_persist sg_turs; do
		rm -f "$root/bin/$a"
		_nested_copy "/usr/bin/$a" && _nested_libs "/usr/bin/$a" || return 1
	done
	# the disk's driver stack, in load order (what is built in is skipped)
	: >"$root/modules.load"
	for m in virtio_pci virtio_scsi sd_mod sg; do
		while read -r kind path _; do
			[ "$kind" = insmod ] || continue
			grep -qxF "$path" "$root/modules.load" && continue
			_nested_copy "$path" || return 1
			echo "$path" >>"$root/modules.load"
		done < <(modprobe --show-depends "$m" 2>&1)
	done
	cat >"$root/init" <<'EOF'
#!/bin/sh
# the nested guest: set up, then run the console's command lines
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
dmesg -n 1
while read -r m; do
	insmod "$m" || echo "@@error insmod $m"
done </modules.load
i=0
while [ ! -b /dev/sda ] && [ "$i" -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -b /dev/sda ] || echo "@@error no /dev/sda"
# sgp ARGS...: sg_persist -n ARGS on the disk; again after a UNIT
# ATTENTION (status 6: the command did not run), as an initiator would
sgp() {
	for _ in 1 2 3; do
		sg_persist -n "$@" /dev/sda
		r=$?
		[ "$r" = 6 ] || return "$r"
	done
	return "$r"
}
# writes N: N direct 4 KiB writes to the disk; prints how many failed
writes() {
	i=0 bad=0
	while [ "$i" -lt "$1" ]; do
		dd if=/dev/zero of=/dev/sda bs=4k count=1 seek="$i" oflag=direct \
			conv=notrunc 2>/dev/null || bad=$((bad + 1))
		i=$((i + 1))
	done
	echo "$bad"
}
stty -echo
echo "@@ready"
while IFS= read -r line; do
	[ "$line" = @@poweroff ] && break
	out=$(eval "$line" 2>&1)
	rc=$?
	[ -z "$out" ] || printf '%s\n' "$out"
	echo "@@rc=$rc"
done
poweroff -f
EOF
	chmod 755 "$root/init"
	(cd "$root" && find . -mindepth 1 | sort | cpio -o -H newc 2>/dev/null) >"$out" ||
		{ _nested_err "cpio failed"; return 1; }
}

# _nested_read_until PATTERN TIMEOUT: read console lines (into $nout, \r
# stripped, PATTERN's line excluded) until one matches PATTERN (an ERE);
# the matching line in $nline
_nested_read_until() {
	local line rc end=$((SECONDS + $2))
	nout='' nline=''
	while :; do
		if [ "$SECONDS" -ge "$end" ]; then
			_nested_err "no '$1' within $2 s"
			return 1
		fi
		rc=1
		[ -z "${NESTED_Q[0]:-}" ] ||
			{ IFS= read -r -t $((end - SECONDS + 1)) line <&"${NESTED_Q[0]}" && rc=0 || rc=$?; }
		# (over 128: the time is up, checked above; else EOF: QEMU is gone)
		[ "$rc" -gt 128 ] && continue
		if [ "$rc" != 0 ]; then
			_nested_err "QEMU exited: $(tail -n 5 "$NESTED_DIR/qemu.log" 2>/dev/null)"
			return 1
		fi
		line=${line%$'\r'}
		printf '%s\n' "$line" >>"$NESTED_DIR/console.log"
		if [[ $line =~ $1 ]]; then
			nline=$line
			return 0
		fi
		case $line in
		@@error*) _nested_err "${line#@@error }" ;;
		esac
		nout+=${nout:+$'\n'}$line
	done
}

# nested_start MAP
nested_start() {
	local map=$1 t0=$SECONDS
	[ -f "$NESTED_KERNEL" ] || { _nested_err "$NESTED_KERNEL missing (boot the VM with run.sh --nested)"; return 1; }
	mkdir -p "$NESTED_DIR" || return 1
	rm -f "$NESTED_DIR"/{console,qemu,helper}.log "$NESTED_DIR"/{pr.sock,errors}
	nested_initrd "$NESTED_DIR/initrd" || return 1
	# Debian's qemu-pr-helper, as QEMU's documentation sets it up: it
	# drops its capabilities to CAP_SYS_RAWIO and sends the guest's PR
	# commands by SG_IO on the descriptor QEMU passes for the disk
	qemu-pr-helper -k "$NESTED_DIR/pr.sock" -f "$NESTED_DIR/helper.pid" \
		>"$NESTED_DIR/helper.log" 2>&1 &
	NESTED_HELPER_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		[ -S "$NESTED_DIR/pr.sock" ] && break
		sleep 0.1
	done
	[ -S "$NESTED_DIR/pr.sock" ] ||
		{ _nested_err "qemu-pr-helper did not create its socket: $(cat "$NESTED_DIR/helper.log")"; return 1; }
	local try
	for ((try = 1; try <= NESTED_BOOT_TRIES; try++)); do
		# shellcheck disable=SC2034 # for the caller
		NESTED_BOOTS=$try
		echo "@@boot $try" >>"$NESTED_DIR/console.log"
		if _nested_boot "$map"; then
			# shellcheck disable=SC2034 # for the caller
			NESTED_BOOT_SECONDS=$((SECONDS - t0))
			return 0
		fi
		_nested_qemu_stop
		# only a guest kernel that crashed while it booted is tried again
		sed -n '/^@@boot '"$try"'$/,$p' "$NESTED_DIR/console.log" |
			grep -q 'Kernel panic' || return 1
		_nested_err "boot $try of $NESTED_BOOT_TRIES: the nested guest's kernel crashed while it booted"
	done
	return 1
}

# _nested_boot MAP: start QEMU, wait for the guest's prompt
_nested_boot() {
	coproc NESTED_Q {
		exec qemu-system-x86_64 -accel tcg -cpu max -M pc -m 256 -smp 1 \
			-nodefaults -display none -no-reboot -serial stdio \
			-kernel "$NESTED_KERNEL" -initrd "$NESTED_DIR/initrd" \
			-append "console=ttyS0 panic=-1 mitigations=off quiet loglevel=1" \
			-object pr-manager-helper,id=pr0,path="$NESTED_DIR/pr.sock" \
			-device virtio-scsi-pci,id=scsi0 \
			-blockdev node-name=disk0,driver=host_device,filename="$1",pr-manager=pr0,cache.direct=on \
			-device scsi-block,bus=scsi0.0,drive=disk0 \
			2>>"$NESTED_DIR/qemu.log"
	}
	# shellcheck disable=SC2153 # bash's coproc sets NESTED_Q_PID
	NESTED_PID=$NESTED_Q_PID
	_nested_read_until '^@@ready$' "$NESTED_BOOT_TIMEOUT"
}

# _nested_qemu_stop: power the guest off (or kill QEMU)
_nested_qemu_stop() {
	local i
	[ -n "${NESTED_PID:-}" ] || return 0
	# (in a subshell: if QEMU is gone, the write's SIGPIPE ends only that)
	if [ -n "${NESTED_Q[1]:-}" ] && kill -0 "$NESTED_PID" 2>/dev/null; then
		(printf '@@poweroff\n' >&"${NESTED_Q[1]}") 2>/dev/null
	fi
	for ((i = 0; i < 300; i++)); do
		kill -0 "$NESTED_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$NESTED_PID" 2>/dev/null
	wait "$NESTED_PID" 2>/dev/null
	NESTED_PID=''
}

# nested_run CMDLINE: $nout (its output), $nrc (its status)
nested_run() {
	nrc=''
	printf '%s\n' "$*" >&"${NESTED_Q[1]}" || { _nested_err "cannot write to QEMU"; return 1; }
	_nested_read_until '^@@rc=[0-9]+$' "$NESTED_CMD_TIMEOUT" || return 1
	# shellcheck disable=SC2034 # for the caller
	nrc=${nline#@@rc=}
}

# nested_stop: power the guest off (or kill it), stop the helper
nested_stop() {
	_nested_qemu_stop
	if [ -n "${NESTED_HELPER_PID:-}" ]; then
		kill "$NESTED_HELPER_PID" 2>/dev/null
		wait "$NESTED_HELPER_PID" 2>/dev/null
		NESTED_HELPER_PID=''
	fi
}
