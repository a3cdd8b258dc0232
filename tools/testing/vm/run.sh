#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh: boot a test kernel in QEMU with a generated initramfs and run one
# command (a test) in it. See tools/testing/vm/README.md.
#
#   run.sh (--kernel ID | --kdir DIR) [options] -- COMMAND [ARGS...]
#
# The guest's /init (tools/testing/vm/init.sh) mounts the usual file
# systems, loads the SAN fixture modules, runs COMMAND under bash with a
# timeout, checks the kernel log (and kmemleak) and prints
# "DMPR-VM-EXIT=<rc>" before it reboots. The command's output travels on
# its own serial port (ttyS1 = QEMU's stdio), so kernel messages never cut
# into a TAP line; the console (ttyS0: kernel, init and a copy of the
# command's output) goes to the log file.
#
# Exit status: the guest command's status; 1 if it passed but the kernel
# log shows a problem; 124 on a timeout (guest or host side); 125 if the
# guest died without reporting (panic, crash); 2 on a usage or setup error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$here/../lib/common.sh"

prog=run.sh
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 2; }
say() { printf '%s: %s\n' "$prog" "$*" >&2; }

usage() {
	cat <<'EOF'
usage: run.sh (--kernel ID | --kdir DIR) [options] -- COMMAND [ARGS...]

Boot a test kernel in QEMU and run COMMAND in it (as root, cwd /dmpr = the
project's test files). One argument is a bash command line; several are
executed as they are.

kernel:
  --kernel ID          a prepared kernel of the cache: $(dmpr_kdir ID)
  --kdir DIR           any directory with the same layout (vmlinuz, release,
                       root/lib/modules/<release>/)
guest content:
  --module FILE.ko     a project module, installed under
                       /lib/modules/<release>/extra (modprobe finds it);
                       not loaded automatically (repeatable)
  --kmod NAME          one more module of the kernel (with its dependencies),
                       not loaded automatically (repeatable)
  --bin PROGRAM        a host program (PATH name or path) with its shared
                       libraries, installed in /usr/bin (repeatable)
  --file SRC[:DEST]    a host file or directory; DEST defaults to
                       /dmpr/<path in the tree> for files of the tree, else
                       /dmpr/files/<name> (repeatable)
  --iscsi              the iSCSI fabric of san.sh: iscsid, iscsiadm, tc and
                       the modules iscsi_tcp, iscsi_target_mod, crc32c,
                       sch_netem (not loaded automatically)
  --mpt                the real multipath-tools of vm/mpt-prepare.sh
                       (mpathpersist, multipath) with the runtime it was
                       built for, under /opt/mpt (run as
                       /opt/mpt/bin/mpathpersist; not in PATH)
  --nested             what a nested QEMU guest needs (lib/nested.sh):
                       qemu-system-x86_64, Debian's qemu-pr-helper, the
                       firmware to boot a kernel, this kernel as
                       /dmpr/nested/vmlinuz and its virtio-scsi modules
machine:
  --timeout SEC        limit for COMMAND in the guest (default 300); the host
                       kills QEMU at SEC + boot allowance
  --mem MB             guest memory (default 2048)
  --smp N              guest CPUs (default 2)
  --accel tcg|kvm|auto default tcg (env DMPR_VM_ACCEL); auto uses KVM only if
                       /dev/kvm exists and a probe boot reaches userspace
  --append "ARGS"      more kernel command line arguments
  --interactive        a shell on the serial console (after COMMAND, if
                       one is given); QEMU quits with Ctrl-A x or when the
                       shell exits
  --no-kernel-check    do not fail on kernel log problems (BUG, WARNING, ...)
output:
  --log FILE           the console log (default
                       build/vm-logs/<kernel>-<name>.log)
  --name NAME          the <name> of the default log (default: derived from
                       COMMAND)
  --passthrough        print all of COMMAND's output, not only TAP lines
  -v, --verbose        print the whole console live (kernel, init, COMMAND)
  -h, --help           this text

A script named in COMMAND (/dmpr/X.sh is X.sh of the tree) may ask for
what it needs in lines "# dmpr-vm-options: OPTIONS" among its first 40:
--iscsi, --mpt, --nested, --kmod, --bin, --file, --timeout, --mem, --smp,
--no-kernel-check (relative paths there are paths of the tree). They come before the command
line's options (which win).

Exit status: COMMAND's; 1 if it passed but the kernel log shows a problem;
124 timeout; 125 guest died without reporting; 126 the kernel reported a
problem while booting, before init ran, on two boots in a row (after the
first such boot the guest is booted once more); 2 usage/setup error.
EOF
}

# ---------------------------------------------------------------- options
need_arg() { [ "$#" -ge 2 ] || die "option $1 needs an argument (see --help)"; }

# defaults: set every option variable
defaults() {
	kid='' kdir='' timeout=300 mem=2048 smp=2 accel=${DMPR_VM_ACCEL:-tcg}
	append='' interactive=0 kcheck=1 log='' name='' passthrough=0 verbose=0
	iscsi=0 mpt=0 nested=0 modules=() kmods=() bins=() files=() cmd=()
}

# parse_opts FROM ARGS...: FROM is "cli" (the command line) or the path of
# a script whose "# dmpr-vm-options:" lines are parsed (only the options
# that describe what the guest needs are allowed there)
parse_opts() {
	local from=$1
	shift
	while [ "$#" -gt 0 ]; do
		if [ "$from" != cli ]; then
			case $1 in
			--iscsi | --mpt | --nested | --kmod | --timeout | --mem | --smp | --no-kernel-check) ;;
			--bin | --file)
				# a relative path is one of the tree, wherever
				# run.sh runs from (a --bin NAME stays a PATH name)
				need_arg "$@"
				if [[ $2 != /* ]] && { [ "$1" = --file ] || [[ $2 == */* ]]; }; then
					set -- "$1" "$DMPR_TOP/$2" "${@:3}"
				fi
				;;
			*) die "$from: option '$1' is not allowed in a dmpr-vm-options line" ;;
			esac
		fi
		case $1 in
		--kernel) need_arg "$@"; kid=$2; shift 2 ;;
		--kdir) need_arg "$@"; kdir=$2; shift 2 ;;
		--module) need_arg "$@"; modules+=("$2"); shift 2 ;;
		--kmod) need_arg "$@"; kmods+=("$2"); shift 2 ;;
		--bin) need_arg "$@"; bins+=("$2"); shift 2 ;;
		--file) need_arg "$@"; files+=("$2"); shift 2 ;;
		--iscsi) iscsi=1; shift ;;
		--mpt) mpt=1; shift ;;
		--nested) nested=1; shift ;;
		--timeout) need_arg "$@"; timeout=$2; shift 2 ;;
		--mem) need_arg "$@"; mem=$2; shift 2 ;;
		--smp) need_arg "$@"; smp=$2; shift 2 ;;
		--accel) need_arg "$@"; accel=$2; shift 2 ;;
		--append) need_arg "$@"; append=$2; shift 2 ;;
		--interactive) interactive=1; shift ;;
		--no-kernel-check) kcheck=0; shift ;;
		--log) need_arg "$@"; log=$2; shift 2 ;;
		--name) need_arg "$@"; name=$2; shift 2 ;;
		--passthrough) passthrough=1; shift ;;
		-v | --verbose) verbose=1; shift ;;
		-h | --help) usage; exit 0 ;;
		--) shift; cmd=("$@"); break ;;
		*) die "unknown argument '$1' (the command goes after --; see --help)" ;;
		esac
	done
}

# script_opts: the options the command's script asks for, in the array
# sopts, and the script in sfile. The script is the first word of the
# command that ends in .sh and exists in the tree (/dmpr/X is X of the
# tree) or on the host; its "# dmpr-vm-options: OPTIONS" lines (among the
# first 40) name them.
script_opts() {
	local words w f line o
	sopts=() sfile=''
	read -r -a words <<<"${cmd[*]}"
	for w in "${words[@]}"; do
		w=${w%;}
		[[ $w == *.sh ]] || continue
		case $w in
		/dmpr/*) f=$DMPR_TOP/${w#/dmpr/} ;;
		*) f=$w ;;
		esac
		[ -f "$f" ] || continue
		sfile=$f
		while IFS= read -r line; do
			[[ $line =~ ^#\ dmpr-vm-options:(.*)$ ]] || continue
			read -r -a o <<<"${BASH_REMATCH[1]}"
			sopts+=("${o[@]}")
		done < <(head -n 40 "$f")
		return 0
	done
}

defaults
cli=("$@")
parse_opts cli "${cli[@]}"
script_opts
if [ "${#sopts[@]}" -gt 0 ]; then
	# the script's options first, the command line's after them (it wins)
	defaults
	parse_opts "$sfile" "${sopts[@]}"
	parse_opts cli "${cli[@]}"
	say "options of ${sfile#"$DMPR_TOP"/}: ${sopts[*]}"
fi

for n in "$timeout" "$mem" "$smp"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "'$n' is not a positive number"
done
case $accel in tcg | kvm | auto) ;; *) die "--accel must be tcg, kvm or auto, not '$accel'" ;; esac
[ "${#cmd[@]}" -gt 0 ] || [ "$interactive" = 1 ] ||
	die "no command given (run.sh --kernel ID -- COMMAND; see --help)"

if [ -n "$kid" ] && [ -n "$kdir" ]; then
	die "--kernel and --kdir exclude each other"
elif [ -n "$kid" ]; then
	kdir=$(dmpr_kdir "$kid")
	[ -d "$kdir" ] || die "kernel '$kid' is not prepared ($kdir is missing): run tools/testing/kernels/prepare.sh $kid"
elif [ -n "$kdir" ]; then
	[ -d "$kdir" ] || die "--kdir $kdir: no such directory"
	kdir=$(cd "$kdir" && pwd)
	kid=$(basename "$kdir")
else
	die "which kernel? --kernel ID or --kdir DIR (see --help)"
fi
[ -f "$kdir/vmlinuz" ] || die "$kdir/vmlinuz is missing (kernel '$kid' not fully prepared?)"
[ -s "$kdir/release" ] || die "$kdir/release is missing (kernel '$kid' not fully prepared?)"
release=$(<"$kdir/release")
modroot=$kdir/root
moddir=$modroot/lib/modules/$release

command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
command -v cpio >/dev/null || die "cpio not found (apt-get install cpio)"

if [ -z "$name" ]; then
	if [ "${#cmd[@]}" -eq 0 ]; then
		name=interactive
	else
		# the first word that looks like a script, else the first word
		read -r -a words <<<"${cmd[*]}"
		name=${words[0]}
		for a in "${words[@]}"; do
			case ${a%;} in *.sh) name=${a%;}; break ;; esac
		done
		name=$(basename "$name")
		name=${name%.sh}
	fi
	name=${name//[^A-Za-z0-9._-]/_}
fi
[ -n "$log" ] || log=$DMPR_BUILD/vm-logs/$kid-$name.log
mkdir -p "$(dirname "$log")" || die "cannot create the log directory of $log"
log=$(cd "$(dirname "$log")" && pwd)/$(basename "$log")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dmpr-vm.XXXXXX")
tailpid=''
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	[ -z "$tailpid" ] || kill "$tailpid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# ---------------------------------------------------------------- initramfs
# The image is described by a manifest, one entry a line:
#   f DEST SRC      copy of a host file (symlinks followed)
#   x DEST SRC      a kernel module, decompressed if .ko.xz/.zst/.gz
#   l DEST TARGET   symlink
#   d DEST          directory
# Its hash (manifest + contents of every source + this script and init.sh)
# names the cached cpio, so an unchanged image is never rebuilt.
manifest=$tmp/manifest
: >"$manifest"
gen=$tmp/gen # generated files that go into the image
mkdir -p "$gen"

add() { printf '%s\t%s\t%s\n' "$1" "$2" "${3:-}" >>"$manifest"; }

# The fixture modules, loaded by init in this order.
fixture_mods=(configfs target_core_mod target_core_file target_core_iblock
	tcm_loop sd_mod sg dm_mod dm_multipath dm_round_robin)

# add_kmod NAME: NAME and what it depends on (soft dependencies too);
# kmod_builtin=1 if NAME itself is built in
add_kmod() {
	local m=$1 out kind path rel
	out=$(modprobe -d "$modroot" -S "$release" --show-depends "$m" 2>&1) ||
		die "kernel '$kid': module '$m' is neither built in nor in $moddir: $out"
	kmod_builtin=0
	[[ ${out##*$'\n'} != builtin* ]] || kmod_builtin=1
	while read -r kind path _; do
		case $kind in
		insmod)
			rel=${path#*/lib/modules/"$release"/}
			rel=${rel%.xz}
			rel=${rel%.zst}
			rel=${rel%.gz}
			add x "lib/modules/$release/$rel" "$path"
			;;
		builtin) ;;
		*) die "kernel '$kid': unexpected modprobe output for $m: $kind $path" ;;
		esac
	done <<<"$out"
}

# add_libs FILE: the shared libraries FILE needs (ldd closure)
add_libs() {
	local f=$1 out line lib dir
	out=$(ldd "$f" 2>&1) || {
		case $out in *'not a dynamic executable'* | *'statically linked'*) return 0 ;; esac
		die "ldd $f failed: $out"
	}
	case $out in *'not found'*) die "$f needs libraries the host lacks: $(grep 'not found' <<<"$out" | tr -s '\t\n' '  ')" ;; esac
	while read -r line; do
		case $line in
		*'=> /'*) lib=${line#*=> }; lib=${lib%% *} ;;
		/*) lib=${line%% *} ;;
		*) continue ;;
		esac
		dir=$(cd "$(dirname "$lib")" && pwd -P)
		# A library of the tree (libprtool): the binary's RUNPATH names
		# the build directory, which the guest does not have (and under
		# /tmp, init's tmpfs would hide it); the loader's default
		# directory finds it whatever the RUNPATH says.
		case $dir/ in
		"$(cd "$DMPR_TOP" && pwd -P)"/* | "$(cd "$DMPR_BUILD" 2>/dev/null && pwd -P)"/*) dir=/usr/lib ;;
		esac
		add f "${dir#/}/$(basename "$lib")" "$lib"
	done <<<"$out"
}

# add_bin NAME|PATH: a program and its libraries, in /usr/bin
add_bin() {
	local p real base rbase
	if [[ $1 == */* ]]; then
		p=$1
		[ -f "$p" ] || die "--bin $1: no such file"
	else
		p=$(command -v "$1") || die "program '$1' not found on the host"
	fi
	[ -x "$p" ] || die "--bin $p is not executable"
	real=$(readlink -f "$p")
	base=$(basename "$p")
	rbase=$(basename "$real")
	add f "usr/bin/$rbase" "$real"
	[ "$base" = "$rbase" ] || add l "usr/bin/$base" "$rbase"
	add_libs "$real"
}

# add_tree DIR DEST: every file below DIR
add_tree() {
	local src=$1 dest=$2 f
	while IFS= read -r -d '' f; do
		add f "$dest/${f#"$src"/}" "$f"
	done < <(find "$src" -type f ! -name '*~' ! -name '.*.swp' -print0 | LC_ALL=C sort -z)
}

for d in dev proc sys tmp run root etc usr/bin usr/sbin usr/lib usr/lib64 \
	sys/kernel/config sys/kernel/debug mnt var/tmp; do
	add d "$d"
done
add l bin usr/bin
add l sbin usr/sbin
add l lib usr/lib
add l lib64 usr/lib64
add l var/run ../run

# --iscsi: what san_setup --fabric iscsi needs: the open-iscsi initiator
# (iscsid, iscsiadm), tc for the netem latency, and the kernel modules of
# both iSCSI ends, crc32c (iSCSI digests need it before any login) and netem
if [ "$iscsi" = 1 ]; then
	for b in iscsid iscsiadm tc; do
		p=$(PATH=$PATH:/usr/sbin:/sbin command -v "$b") ||
			die "--iscsi: '$b' not found on the host (apt-get install open-iscsi iproute2, or tools/testing/deps.sh)"
		bins+=("$p")
	done
	kmods+=(iscsi_tcp iscsi_target_mod crc32c sch_netem)
fi

# --mpt: the real multipath-tools (vm/mpt-prepare.sh) in /opt/mpt, with its
# own dynamic loader and libraries (a newer glibc than the host's), so that
# it can never pick up a host library nor be taken for prtool's
# mpathpersist front end. Its checkers and prioritizers go to
# /usr/lib/multipath, the directory compiled into libmultipath; the wrappers
# in /opt/mpt/bin start a program through the private loader under its own
# name.
if [ "$mpt" = 1 ]; then
	mptdir=$DMPR_CACHE/mpt/current
	[ -f "$mptdir/version" ] ||
		die "--mpt: multipath-tools is not prepared ($mptdir): run tools/testing/vm/mpt-prepare.sh"
	mptdir=$(cd "$mptdir" && pwd -P)
	add_tree "$mptdir/lib" opt/mpt/lib
	add_tree "$mptdir/sbin" opt/mpt/sbin
	add_tree "$mptdir/plugins" usr/lib/multipath
	add f opt/mpt/version "$mptdir/version"
	mkdir -p "$gen/mpt"
	for f in "$mptdir"/sbin/*; do
		b=$(basename "$f")
		printf '#!/bin/sh\nexec /opt/mpt/lib/ld-linux-x86-64.so.2 --library-path /opt/mpt/lib --argv0 %s /opt/mpt/sbin/%s "$@"\n' \
			"$b" "$b" >"$gen/mpt/$b"
		chmod 755 "$gen/mpt/$b"
		add f "opt/mpt/bin/$b" "$gen/mpt/$b"
	done
fi

# --nested: a QEMU guest inside the guest (lib/nested.sh), as a real SG_IO
# client: the emulator, Debian's qemu-pr-helper, the firmware that boots a
# kernel given with -kernel (SeaBIOS, QEMU's linuxboot option ROM), the
# kernel being tested (the nested guest boots it too) and the modules its
# virtio-scsi disk needs
if [ "$nested" = 1 ]; then
	for b in qemu-system-x86_64 qemu-pr-helper; do
		command -v "$b" >/dev/null ||
			die "--nested: '$b' not found on the host (apt-get install qemu-system-x86, or tools/testing/deps.sh)"
		bins+=("$b")
	done
	# (Debian builds QEMU with loadable modules: TCG is one of them)
	for f in /usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin \
		/usr/share/qemu/kvmvapic.bin /usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so; do
		[ -f "$f" ] || die "--nested: $f not found on the host (apt-get install qemu-system-x86 seabios)"
		add f "${f#/}" "$f"
	done
	add f dmpr/nested/vmlinuz "$kdir/vmlinuz"
	kmods+=(virtio_pci virtio_scsi)
fi

# programs: the listed ones, a few optional helpers if the host has them
for b in bash dmsetup sg_persist sg_inq sg_raw sg_turs setpriv kmod modprobe \
	insmod rmmod lsmod modinfo depmod; do
	add_bin "$b"
done
for b in sg_readcap sg_vpd sg_requests jq; do
	if command -v "$b" >/dev/null; then add_bin "$b"; fi
done
for b in "${bins[@]}"; do
	add_bin "$b"
done
# (no early exit in a pipeline: with pipefail, a SIGPIPE upstream fails it)
libgcc=$(ldconfig -p | awk '$1 == "libgcc_s.so.1" && /x86-64/ && !n++ { print $NF }')
[ -n "$libgcc" ] || die "libgcc_s.so.1 (x86-64) not found on the host (apt-get install libgcc-s1)"
add f "$(cd "$(dirname "$libgcc")" && pwd -P | cut -c2-)/libgcc_s.so.1" "$libgcc"

# busybox and its applets, where no real program of that name is present
bb=$(command -v busybox) || die "busybox not found (apt-get install busybox-static)"
add_libs "$bb"
add f usr/bin/busybox "$bb"
declare -A have=()
while IFS=$'\t' read -r type dest _; do
	case $type:$dest in [fl]:usr/bin/*) have[${dest#usr/bin/}]=1 ;; esac
done <"$manifest"
while read -r a; do
	a=${a##*/}
	if [ -n "$a" ] && [ "$a" != busybox ] && [ -z "${have[$a]:-}" ]; then
		add l "usr/bin/$a" busybox
	fi
done < <("$bb" --list-full)

# kernel modules
if [ -f "$moddir/modules.dep" ]; then
	# init loads only the fixture modules that are not built in (an exec
	# costs on a KASAN kernel)
	load_mods=()
	for m in "${fixture_mods[@]}"; do
		add_kmod "$m"
		[ "$kmod_builtin" = 1 ] || load_mods+=("$m")
	done
	for m in "${kmods[@]}"; do
		add_kmod "$m"
	done
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		[ ! -f "$moddir/$f" ] || add f "lib/modules/$release/$f" "$moddir/$f"
	done
else
	# a kernel with everything built in may ship no modules at all
	[ "${#kmods[@]}" -eq 0 ] || die "kernel '$kid' has no $moddir/modules.dep, cannot add --kmod ${kmods[*]}"
	say "note: $moddir/modules.dep missing, assuming the fixture modules are built in"
	load_mods=()
fi
for m in "${modules[@]}"; do
	[ -f "$m" ] || die "--module $m: no such file"
	b=$(basename "$m")
	b=${b%.xz}
	b=${b%.zst}
	b=${b%.gz}
	[[ $b == *.ko ]] || die "--module $m: not a .ko file"
	vm=$(modinfo -F vermagic "$m" 2>/dev/null) || die "--module $m: modinfo cannot read it"
	[ "${vm%% *}" = "$release" ] ||
		die "--module $m was built for ${vm%% *}, kernel '$kid' is $release (rebuild it for this kernel)"
	add x "lib/modules/$release/extra/$b" "$(readlink -f "$m")"
done

# the project's test files
add f init "$here/init.sh"
for d in tools/testing/lib tools/testing/vm/guest tools/testing/scenarios; do
	[ ! -d "$DMPR_TOP/$d" ] || add_tree "$DMPR_TOP/$d" "dmpr/$d"
done
for spec in "${files[@]}"; do
	src=${spec%%:*}
	dest=''
	[ "$src" = "$spec" ] || dest=${spec#*:}
	[ -e "$src" ] || die "--file $src: no such file or directory"
	srcabs=$(readlink -f "$src")
	if [ -z "$dest" ]; then
		case $srcabs in
		"$DMPR_TOP"/*) dest=/dmpr/${srcabs#"$DMPR_TOP"/} ;;
		*) dest=/dmpr/files/$(basename "$srcabs") ;;
		esac
	fi
	[[ $dest == /* ]] || die "--file $spec: DEST must be an absolute path"
	dest=${dest#/}
	if [ -d "$srcabs" ]; then
		add_tree "$srcabs" "$dest"
	else
		add f "$dest" "$srcabs"
	fi
done

# small generated files
mkdir -p "$gen/etc"
printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$gen/etc/passwd"
printf 'root:x:0:\ndisk:x:6:\nnogroup:x:65534:\n' >"$gen/etc/group"
printf 'dmpr-vm\n' >"$gen/etc/hostname"
printf '%s\n' "$kid" >"$gen/etc/dmpr-kernel"
for f in passwd group hostname dmpr-kernel; do
	add f "etc/$f" "$gen/etc/$f"
done

# the cache key
key=$( {
	echo "dmpr-initramfs v1"
	sha256sum "$here/run.sh" | cut -d' ' -f1
	sed "s|$tmp|TMP|g" "$manifest"
	cut -f3 "$manifest" | sed -n 's/^\(\/.*\)$/\1/p' | while IFS= read -r f; do
		[ -f "$f" ] && printf '%s\0' "$f"
	done | xargs -0 -r sha256sum | cut -d' ' -f1
} | sha256sum | cut -c1-16)
imgdir=$DMPR_CACHE/initramfs
mkdir -p "$imgdir" || die "cannot create $imgdir"
img=$imgdir/$kid-$key.cpio

build_image() {
	local stage=$tmp/stage type dest src
	mkdir -p "$stage"
	while IFS=$'\t' read -r type dest src; do
		case $type in
		d) mkdir -p "$stage/$dest" ;;
		l) mkdir -p "$(dirname "$stage/$dest")"; ln -sfn "$src" "$stage/$dest" ;;
		f)
			mkdir -p "$(dirname "$stage/$dest")"
			cp -L --preserve=mode "$src" "$stage/$dest"
			;;
		x)
			mkdir -p "$(dirname "$stage/$dest")"
			case $src in
			*.xz) xz -dc "$src" >"$stage/$dest" ;;
			*.zst) zstd -qdc "$src" >"$stage/$dest" ;;
			*.gz) gzip -dc "$src" >"$stage/$dest" ;;
			*) cp -L "$src" "$stage/$dest" ;;
			esac
			;;
		esac
	done <"$manifest"
	if [ -d "$stage/lib/modules/$release" ]; then
		local out
		out=$(depmod -b "$stage" "$release" 2>&1) || die "depmod for the image failed: $out"
	fi
	# init opens the console itself if this node cannot be made
	mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) >"$img.tmp.$$" ||
		die "cpio failed while writing $img"
	mv -f "$img.tmp.$$" "$img"
	rm -rf "$stage"
}

t_build=$EPOCHREALTIME
if [ -f "$img" ]; then
	touch "$img"
else
	build_image
	say "built initramfs $(basename "$img") ($(du -m "$img" | cut -f1) MB) in $(awk -v a="$t_build" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
	# keep the 24 newest images
	find "$imgdir" -maxdepth 1 -name '*.cpio' -printf '%T@ %p\n' | sort -rn |
		tail -n +25 | cut -d' ' -f2- | xargs -r rm -f
fi

# The per-run layer: the command and settings, appended as a second cpio
# archive (the kernel unpacks concatenated archives in order).
rows=0 cols=0
if [ "$interactive" = 1 ]; then
	if ! [ -t 0 ] || ! [ -t 1 ]; then
		die "--interactive needs a terminal on stdin and stdout"
	fi
	read -r rows cols < <(stty size 2>/dev/null || echo '0 0')
fi
mod_names=()
for m in "${modules[@]}"; do
	b=$(basename "$m")
	b=${b%%.ko*}
	mod_names+=("${b//-/_}")
done
mkdir -p "$tmp/run/dmpr"
{
	echo "# generated by run.sh for one run"
	DMPR_KERNEL_ID=$kid
	DMPR_CMD=("${cmd[@]}")
	DMPR_TIMEOUT=$timeout
	DMPR_INTERACTIVE=$interactive
	DMPR_KCHECK=$kcheck
	DMPR_MODULES="${mod_names[*]}"
	DMPR_FIXTURE_MODULES="${load_mods[*]}"
	DMPR_TERM_SIZE="$rows $cols"
	# make soak: the scenarios run their full lengths
	DMPR_SOAK=${DMPR_SOAK:-0}
	declare -p DMPR_KERNEL_ID DMPR_CMD DMPR_TIMEOUT DMPR_INTERACTIVE DMPR_KCHECK \
		DMPR_MODULES DMPR_FIXTURE_MODULES DMPR_TERM_SIZE DMPR_SOAK
} >"$tmp/run/dmpr/run.conf"
(cd "$tmp/run" && find . -mindepth 1 | cpio -o -H newc -R 0:0 --quiet) >"$tmp/run.cpio"
cat "$img" "$tmp/run.cpio" >"$tmp/initrd"

# ---------------------------------------------------------------- QEMU
# no_timer_check: under TCG on a loaded host the emulated timer interrupt
# can arrive too late for the kernel's IO-APIC timer check, and the boot
# ends in "Kernel panic - not syncing: IO-APIC + timer doesn't work!" (seen
# on 6.12 with a host load average of 13); virtual machines skip that check.
kargs="console=ttyS0 panic=-1 mitigations=off log_buf_len=4M printk.devkmsg=on no_timer_check"
[ -z "$append" ] || kargs="$kargs $append"

# kvm_works: a probe boot under KVM must reach userspace quickly. The answer
# is kept per host boot (KVM hangs on some hosts).
kvm_works() {
	local bootid probe rc
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	bootid=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)
	probe=$DMPR_CACHE/kvm-probe-$bootid-$kid
	if [ ! -f "$probe" ]; then
		rm -f "$DMPR_CACHE"/kvm-probe-* 2>/dev/null || true
		say "probing KVM (a boot of kernel '$kid' must reach userspace within 15 s)"
		mkdir -p "$tmp/probe/dmpr"
		{
			DMPR_CMD=(true) DMPR_TIMEOUT=5 DMPR_INTERACTIVE=0 DMPR_KCHECK=0
			DMPR_KERNEL_ID=$kid DMPR_MODULES='' DMPR_FIXTURE_MODULES='' DMPR_TERM_SIZE='0 0'
			declare -p DMPR_KERNEL_ID DMPR_CMD DMPR_TIMEOUT DMPR_INTERACTIVE DMPR_KCHECK \
				DMPR_MODULES DMPR_FIXTURE_MODULES DMPR_TERM_SIZE
		} >"$tmp/probe/dmpr/run.conf"
		(cd "$tmp/probe" && find . -mindepth 1 | cpio -o -H newc -R 0:0 --quiet) >"$tmp/probe.cpio"
		cat "$img" "$tmp/probe.cpio" >"$tmp/probe.initrd"
		rc=1
		timeout -k 2 15 qemu-system-x86_64 -accel kvm -cpu host -nodefaults \
			-display none -no-reboot -m 512 -smp 1 -kernel "$kdir/vmlinuz" \
			-initrd "$tmp/probe.initrd" -append "$kargs" \
			-serial null -serial stdio </dev/null >"$tmp/probe.out" 2>/dev/null || true
		! grep -q '^DMPR-VM-EXIT=0' "$tmp/probe.out" || rc=0
		echo "$rc" >"$probe"
		rm -f "$tmp/probe.initrd"
	fi
	[ "$(cat "$probe")" = 0 ]
}

qaccel=(-accel tcg -cpu max)
if [ "$accel" = kvm ] || { [ "$accel" = auto ] && kvm_works; }; then
	qaccel=(-accel kvm -cpu host)
fi

qemu=(qemu-system-x86_64 "${qaccel[@]}" -nodefaults -display none -no-reboot
	-m "$mem" -smp "$smp" -kernel "$kdir/vmlinuz" -initrd "$tmp/initrd"
	-append "$kargs")

if [ "$interactive" = 1 ]; then
	say "kernel '$kid' ($release), ${qaccel[1]}; console log: $log; quit with Ctrl-A x"
	"${qemu[@]}" -chardev "stdio,id=con,mux=on,signal=off,logfile=$log" \
		-serial chardev:con -mon chardev=con,mode=readline -serial null
	exit $?
fi

# the host's limit: the guest's own timeout plus boot, fixture and checks
hard=$((timeout + 180))
# filter MODE: the command's output, live: MODE 0 TAP/KTAP lines only, 1
# everything, 2 nothing (-v shows the console, which has a copy); never
# the markers (a line without its newline may carry one at its end)
# Once the exit marker has come, QEMU gets 20 s to end by itself (a
# guest whose reboot hangs is killed then, not at the hard limit).
filter() {
	awk -v mode="$1" -v pidf="$tmp/qemu.pid" '
		{ sub(/\r$/, "") }
		/DMPR-VM-EXIT=/ && !killer {
			killer = 1
			system("p=$(cat " pidf " 2>/dev/null); (sleep 20; " \
				"[ \"$(cat /proc/$p/comm 2>/dev/null)\" = qemu-system-x86 ] && kill $p) " \
				">/dev/null 2>&1 </dev/null &")
		}
		mode == 2 { next }
		(i = index($0, "DMPR-VM-")) > 0 {
			$0 = substr($0, 1, i - 1)
			if ($0 == "") next
		}
		mode == 1 || /^[ \t]*(ok|not ok|1\.\.[0-9]|#|TAP version|KTAP version|Bail out!)/ {
			print; fflush()
		}'
}
fmode=0
[ "$passthrough" = 0 ] || fmode=1
[ "$verbose" = 0 ] || fmode=2

# The marker comes on the command's port; a kernel without a second UART
# makes init fall back to the console, so look there too.
marker() { tr -d '\r' <"$1" | sed -n 's/^.*DMPR-VM-EXIT=\([0-9][0-9]*\).*$/\1/p' | tail -n 1; }

# Status 126: the kernel reported a problem while booting, before init ran
# and before the command (see init.sh); no TAP was printed. Boot once more,
# keeping the first console log; a second such boot fails the run.
for attempt in 1 2; do
	rm -f "$tmp/qemu.pid"
	: >"$log"
	if [ "$verbose" = 1 ]; then
		# the console as it is written, until QEMU is gone
		(
			for _ in $(seq 100); do
				[ -s "$tmp/qemu.pid" ] && break
				sleep 0.1
			done
			[ -s "$tmp/qemu.pid" ] && exec tail -n +1 -s 0.2 -f --pid="$(cat "$tmp/qemu.pid")" "$log"
		) &
		tailpid=$!
	fi
	t0=$EPOCHREALTIME
	set +e
	timeout --foreground -k 5 "$hard" "${qemu[@]}" -pidfile "$tmp/qemu.pid" \
		-chardev "file,id=con,path=$log" -serial chardev:con -serial stdio \
		</dev/null 2>"$tmp/qemu.err" | tee "$tmp/out" | filter "$fmode"
	st=("${PIPESTATUS[@]}")
	set -e
	wall=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	if [ -n "$tailpid" ]; then
		# tail ends by itself once it has printed the rest (bounded)
		for _ in $(seq 30); do
			kill -0 "$tailpid" 2>/dev/null || break
			sleep 0.1
		done
		kill "$tailpid" 2>/dev/null || true
		wait "$tailpid" 2>/dev/null || true
		tailpid=''
	fi

	rc=$(marker "$tmp/out")
	src=$tmp/out
	if [ -z "$rc" ]; then
		rc=$(marker "$log")
		src=$log
		if [ -n "$rc" ]; then
			# the command's output only exists in the console log
			tr -d '\r' <"$log" | sed -n '/^DMPR-VM-BEGIN$/,/^DMPR-VM-END$/p' |
				sed '1d;$d' | filter "$fmode"
		fi
	fi
	times=$(tr -d '\r' <"$src" | sed -n 's/^.*DMPR-VM-TIMES //p' | tail -n 1)
	if [ "$rc" = 126 ] && [ "$attempt" = 1 ]; then
		say "kernel '$kid': the kernel log shows a problem from before init ran (no test code had run); booting once more (first console log: $log.boot1)"
		mv -f "$log" "$log.boot1"
		continue
	fi
	break
done

if [ -n "$rc" ]; then
	accel_name=${qaccel[1]}
	say "kernel '$kid': $times, wall ${wall}s ($accel_name); status $rc; log $log"
	exit "$rc"
fi

# no marker: find out why
if [ "${st[0]}" = 124 ] || [ "${st[0]}" = 137 ]; then
	say "kernel '$kid': TIMEOUT: no exit marker after ${hard}s (host limit), QEMU killed; the guest hung"
	rc=124
elif grep -q 'Kernel panic' "$log"; then
	say "kernel '$kid': CRASH: kernel panic before the command finished"
	rc=125
elif [ -s "$tmp/qemu.err" ] && [ "${st[0]}" != 0 ]; then
	say "kernel '$kid': QEMU failed (status ${st[0]}): $(head -c 2000 "$tmp/qemu.err")"
	rc=125
else
	say "kernel '$kid': CRASH: the guest stopped without an exit marker (QEMU status ${st[0]})"
	rc=125
fi
say "last console lines ($log):"
tr -d '\r' <"$log" | tail -n 30 | sed 's/^/  | /' >&2
exit "$rc"
