#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare the kernels the project is tested on into $(dmpr_kdir ID), with the
# layout documented in ../lib/common.sh. See README.md beside this file.
#
#   prepare.sh [--force] [--refresh] ID...    ID: 6.1 6.12 debug all
#   prepare.sh --print ID                     print the kdir of a prepared kernel
#
# A kernel whose stamp (cache key) is unchanged is left alone: a second run
# reads a few small files and takes well under a second. A kernel is prepared in a fresh
# directory beside the others and only then published by atomically
# replacing the symlink $(dmpr_kdir ID): an interrupted run never leaves
# a half-prepared kernel that looks complete.
#
# Debian packages come through a private apt configuration under
# $DMPR_CACHE/apt; the system's apt sources are only read (for the archive
# hosts), never changed. The system apt is used only to install missing host
# build dependencies.

set -euo pipefail
shopt -s extglob

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/../lib/common.sh
. "$here/../lib/common.sh"

# Revision of this script's way of preparing kernels, part of every cache
# key: bump it to make every cache prepare its kernels again.
REV=2
# Debian release of the host and of the 6.1/6.12 kernels.
SUITE=bookworm
# Host packages needed to build the debug kernel and out-of-tree modules
# (dwarves: pahole, for the BTF of modules built against 6.12).
HOST_DEPS=(make gcc libc6-dev binutils bc flex bison libelf-dev libssl-dev
	dwarves xz-utils zstd cpio kmod rsync)
JOBS=${DMPR_JOBS:-$(nproc)}

KERNELS=$DMPR_CACHE/kernels
APTDIR=$DMPR_CACHE/apt
LOGDIR=$DMPR_CACHE/logs

# Options that make apt-get/apt-cache use only the private configuration.
# The binary caches are named explicitly because the system's docker-clean
# configuration disables them (every query would then parse all the lists,
# ~1 s); the sandbox user is ourselves because _apt cannot write the cache.
APT_OPTS=(
	-o "Dir::Etc::SourceList=$APTDIR/sources.list"
	-o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$APTDIR/lists"
	-o "Dir::Cache=$APTDIR/cache"
	-o Dir::State::status=/var/lib/dpkg/status
	-o Debug::NoLocking=1
	-o Dir::Cache::pkgcache=pkgcache.bin
	-o Dir::Cache::srcpkgcache=srcpkgcache.bin
	-o "APT::Sandbox::User=$(id -un)"
)
# shellcheck disable=SC2317 # also called through logged()
papt_get() { apt-get "${APT_OPTS[@]}" "$@"; }
papt_cache() { apt-cache "${APT_OPTS[@]}" "$@"; }

usage() {
	cat >&2 <<-EOF
	usage: ${0##*/} [--force] [--refresh] ID...   prepare kernels (ID: ${DMPR_KERNELS} all)
	       ${0##*/} --print ID                    print the kdir of a prepared kernel

	  --force    prepare again even if the stamp (cache key) is unchanged
	  --refresh  update the private apt lists first (to pick up newer kernels)
	EOF
	exit 2
}

# Seconds since $1 (an $EPOCHREALTIME value), one decimal.
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# Run "$@" with its output in log file $1; show the log's end if it fails.
logged() {
	local log=$1
	shift
	if ! "$@" >>"$log" 2>&1; then
		tail -n 40 "$log" >&2
		dmpr_die "failed: $* (log: $log)"
	fi
}

# --- Host build dependencies ----------------------------------------------

ensure_host_deps() {
	local installed p missing=()
	installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' \
		"${HOST_DEPS[@]}" 2>/dev/null | awk '$1 == "ii" { print $2 }') || true
	for p in "${HOST_DEPS[@]}"; do
		grep -qxF "$p" <<<"$installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return
	[ "$(id -u)" -eq 0 ] || dmpr_die "missing host packages: ${missing[*]} (install them as root)"
	dmpr_log "installing host packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# The system's lists may be missing or stale: update only if needed.
	apt-get install -y -q --no-install-recommends "${missing[@]}" ||
		{ apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } ||
		dmpr_die "cannot install ${missing[*]}"
}

# --- Private apt configuration --------------------------------------------

# First URI of the system's enabled Debian sources for suite $1 (deb822
# *.sources or one-line *.list files), empty if there is none.
system_uri() {
	local f uris=""
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		uris+=$(awk -v s="$1" '
			BEGIN { RS = ""; FS = "\n" }
			{
				uri = ""; deb = 0; suite = 0; on = 1
				for (i = 1; i <= NF; i++) {
					n = split($i, w, /[ \t]+/)
					if (w[1] == "URIs:") uri = w[2]
					else if (w[1] == "Enabled:" && w[2] == "no") on = 0
					for (j = 2; j <= n; j++) {
						if (w[1] == "Types:" && w[j] == "deb") deb = 1
						if (w[1] == "Suites:" && w[j] == s) suite = 1
					}
				}
				if (uri != "" && deb && suite && on) print uri
			}' "$f")$'\n'
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		uris+=$(awk -v s="$1" '$1 == "deb" {
				i = 2
				if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
				if ($(i + 1) == s) print $i
			}' "$f")$'\n'
	done
	uris=${uris##*([[:space:]])}
	echo "${uris%%$'\n'*}"
}

# Write the private sources.list and update the private lists when they are
# missing, when the sources changed, or when --refresh asked for it.
setup_apt() {
	local archive security key=/usr/share/keyrings/debian-archive-keyring.gpg
	local list s tmp
	archive=$(system_uri "$SUITE")
	security=$(system_uri "$SUITE-security")
	[ -n "$archive" ] || dmpr_die "no Debian archive for $SUITE in /etc/apt"
	[ -r "$key" ] || dmpr_die "missing $key (package debian-archive-keyring)"
	list="# Generated by ${0##*/}: kernels for dm-mpath-pr tests."$'\n'
	for s in "$SUITE" "$SUITE-updates" "$SUITE-backports" sid; do
		list+="deb [signed-by=$key] $archive $s main"$'\n'
	done
	[ -z "$security" ] || list+="deb [signed-by=$key] $security $SUITE-security main"$'\n'

	mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
	if [ "$(cat "$APTDIR/sources.list" 2>/dev/null)" != "${list%$'\n'}" ]; then
		tmp=$(mktemp "$APTDIR/.sources.XXXXXX")
		printf '%s' "$list" >"$tmp"
		chmod 644 "$tmp"
		mv "$tmp" "$APTDIR/sources.list"
		rm -f "$APTDIR/updated"
	fi
	if [ "$REFRESH" = 1 ] || [ ! -e "$APTDIR/updated" ]; then
		exec {aptlock}>"$APTDIR/.lock"
		flock "$aptlock"
		dmpr_log "updating the private apt lists ($APTDIR)"
		logged "$LOGDIR/apt-update.log" papt_get -q update --error-on=any
		touch "$APTDIR/updated"
		exec {aptlock}>&-
		REFRESH=0
	fi
}

# Download packages ("name=version" words) into directory $1 and unpack
# them all into directory $2.
fetch_debs() {
	local dl=$1 x=$2 deb
	shift 2
	mkdir -p "$dl" "$x"
	exec {aptlock}>"$APTDIR/.lock"
	flock "$aptlock"
	(cd "$dl" && logged "$LOG" papt_get -q download "$@")
	exec {aptlock}>&-
	for deb in "$dl"/*.deb; do
		dpkg-deb -x "$deb" "$x"
	done
	rm -rf "$dl"
}

# Read "package version" lines; print the one with the highest version.
newest() {
	local best="" bestv="" p v
	while read -r p v; do
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$bestv"; then
			best=$p bestv=$v
		fi
	done
	[ -n "$best" ] && echo "$best $bestv"
}

# "package candidate-version" for each named package that has a candidate.
candidates() {
	papt_cache policy "$@" 2>/dev/null | awk '
		/^[^ ]/ { p = $1; sub(/:$/, "", p) }
		/^  Candidate:/ && $2 != "(none)" { print p, $2 }'
}

# --- Cache keys -------------------------------------------------------------

# resolve_pkgs ID: set PKGS, the packages (name=version) to download.
resolve_pkgs() {
	local id=$1 re names img ver abi kbuild src
	case $id in
	debug)
		# The newest linux-source-X.Y of all suites (sid's, in practice).
		mapfile -t names < <(papt_cache pkgnames linux-source- |
			grep -E '^linux-source-[0-9]+\.[0-9]+$' || true)
		[ ${#names[@]} -gt 0 ] || dmpr_die "no linux-source-* package in the private lists"
		read -r src ver < <(candidates "${names[@]}" | newest) ||
			dmpr_die "no installable linux-source-* package"
		PKGS=("$src=$ver")
		;;
	*)
		# linux-image-<abi>-amd64-unsigned, <abi> being 6.1.0-56 or
		# 6.12.117+deb12; the newest version wins, whichever suite has it.
		re="^linux-image-${id//./\\.}\\.[0-9][^-]*(-[0-9]+)?-amd64-unsigned\$"
		mapfile -t names < <(papt_cache pkgnames "linux-image-$id." | grep -E "$re" || true)
		[ ${#names[@]} -gt 0 ] || dmpr_die "no linux-image-$id.*-amd64-unsigned in the private lists"
		read -r img ver < <(candidates "${names[@]}" | newest) ||
			dmpr_die "no installable linux-image-$id.*-amd64-unsigned"
		abi=${img#linux-image-}
		abi=${abi%-amd64-unsigned}
		# 6.12 has a kbuild package per ABI, 6.1 one per major version.
		kbuild=linux-kbuild-$abi
		[ -n "$(candidates "$kbuild")" ] || kbuild=linux-kbuild-$id
		PKGS=("$img=$ver" "linux-headers-$abi-amd64=$ver"
			"linux-headers-$abi-common=$ver" "$kbuild=$ver")
		;;
	esac
}

# resolve ID: set PKGS and KEY, the cache key written to the stamp. The
# packages depend only on the private lists: they are remembered until the
# next update, which keeps a run with nothing to do fast (and independent
# of apt's binary cache, which any dpkg run on the host invalidates).
resolve() {
	local id=$1 memo=$APTDIR/resolved.$1 sha gcc
	if [ "$memo" -nt "$APTDIR/updated" ]; then
		mapfile -t PKGS <"$memo"
	else
		resolve_pkgs "$id"
		printf '%s\n' "${PKGS[@]}" >"$memo.tmp.$$"
		mv "$memo.tmp.$$" "$memo"
	fi
	KEY="rev=$REV id=$id"$'\n'$(printf '%s\n' "${PKGS[@]}")
	if [ "$id" = debug ]; then
		read -r sha _ < <(sha256sum "$here/debug.config")
		gcc=$(gcc --version) && gcc=${gcc%%$'\n'*}
		KEY+=$'\n'"debug.config=$sha"$'\n'"gcc=$gcc"
	fi
}

# --- Preparing --------------------------------------------------------------

# Unpack Debian's image, headers and kbuild into the new kdir $1.
prepare_binary() {
	local new=$1 x=$1/x img rel hdr link target t
	t=$EPOCHREALTIME
	fetch_debs "$new/dl" "$x" "${PKGS[@]}"
	T_FETCH=$(since "$t")

	t=$EPOCHREALTIME
	img=$(find "$x/boot" -maxdepth 1 -name 'vmlinuz-*' -print -quit)
	[ -n "$img" ] || dmpr_die "no /boot/vmlinuz-* in ${PKGS[0]}"
	rel=${img##*/vmlinuz-}
	mv "$img" "$new/vmlinuz"
	mv "$x/boot/config-$rel" "$new/config"
	echo "$rel" >"$new/release"
	mkdir -p "$new/root/lib/modules" "$new/headers/src" "$new/headers/lib"
	mv "$x/lib/modules/$rel" "$new/root/lib/modules/"
	# headers/ mirrors /usr: the headers' relative links into
	# ../../lib/linux-kbuild-* keep working.
	mv "$x"/usr/src/* "$new/headers/src/"
	mv "$x"/usr/lib/linux-kbuild-* "$new/headers/lib/"
	rm -rf "$x"

	hdr=headers/src/linux-headers-$rel
	ln -s "$hdr" "$new/build"
	# The arch Makefile includes the -common one by its absolute
	# /usr/src/ path: make it relative to the Makefile itself.
	# shellcheck disable=SC2016 # $(...) is make syntax here
	sed -i -E 's|^include /usr/src/([^/]+)/Makefile$|include $(dir $(realpath $(lastword $(MAKEFILE_LIST))))../\1/Makefile|' \
		"$new/$hdr/Makefile"
	! grep -q '/usr/src' "$new/$hdr/Makefile" ||
		dmpr_die "unexpected absolute path left in $hdr/Makefile"
	# lib/modules/<rel>/{build,source} point to /usr/src/...: relink them
	# into this kdir (root/lib/modules/<rel>/../../../.. is the kdir).
	for link in "$new/root/lib/modules/$rel"/{build,source}; do
		[ -L "$link" ] || continue
		target=$(readlink "$link")
		ln -sfn "../../../../headers/src/${target#/usr/src/}" "$link"
	done
	depmod -b "$new/root" "$rel"
	T_BUILD=$(since "$t")
}

# Check that each option set (or unset) in fragment $1 is so in .config $2;
# an unset option may also be absent (its dependencies hide it).
check_config() {
	local line opt missing=()
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF -- "$line" "$2" || missing+=("$line (got: $(grep -E "^(# )?${line%%=*}[= ]" "$2" || echo absent))")
			;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }
			opt=${opt%% *}
			! grep -qE "^$opt=" "$2" || missing+=("$line (got: $(grep -E "^$opt=" "$2"))")
			;;
		esac
	done <"$1"
	if [ ${#missing[@]} -gt 0 ]; then
		printf 'error: option not as asked by %s: %s\n' "${1##*/}" "${missing[@]}" >&2
		dmpr_die "${#missing[@]} option(s) of ${1##*/} did not survive olddefconfig"
	fi
}

# Build the newest Debian kernel source into the new kdir $1.
prepare_debug() {
	local new=$1 x=$1/x src tarball rel t
	t=$EPOCHREALTIME
	fetch_debs "$new/dl" "$x" "${PKGS[@]}"
	src=${PKGS[0]%%=*}
	tarball=$x/usr/src/$src.tar.xz
	[ -f "$tarball" ] || dmpr_die "no $tarball in ${PKGS[0]}"
	tar -xf "$tarball" -C "$new"
	rm -rf "$x"
	mv "$new/$src" "$new/src"
	T_FETCH=$(since "$t")

	t=$EPOCHREALTIME
	cd "$new/src"
	# ARCH=x86_64 makes tinyconfig 64-bit; later runs (and out-of-tree
	# module builds) use the default ARCH=x86, which keeps it.
	logged "$LOG" make ARCH=x86_64 tinyconfig
	logged "$LOG" scripts/kconfig/merge_config.sh -m .config "$here/debug.config"
	logged "$LOG" make olddefconfig
	check_config "$here/debug.config" .config
	dmpr_log "debug: building $(make -s kernelversion) with $JOBS jobs (log: $LOG)"
	logged "$LOG" make -j"$JOBS" bzImage modules
	logged "$LOG" make modules_install INSTALL_MOD_PATH="$new/root" DEPMOD=true
	rel=$(make -s kernelrelease)
	cp arch/x86/boot/bzImage "$new/vmlinuz"
	cp .config "$new/config"
	echo "$rel" >"$new/release"
	cd - >/dev/null
	ln -s src "$new/build"
	ln -sfn ../../../../build "$new/root/lib/modules/$rel/build"
	rm -f "$new/root/lib/modules/$rel/source"
	depmod -b "$new/root" "$rel"
	# Out-of-tree builds need neither objects, nor other architectures,
	# nor the documentation (the verification below checks it); keep the
	# objects of scripts/ and tools/ (modpost, objtool) and vmlinux, and
	# the netlink schemas (Documentation/netlink/*.yaml) that the ynl
	# generator validates our spec against (tools/netlink-regen.sh).
	find "$new/src/arch" -mindepth 1 -maxdepth 1 -type d ! -name x86 -exec rm -rf {} +
	find "$new/src/Documentation" -mindepth 1 -maxdepth 1 ! -name netlink -exec rm -rf {} +
	rm -rf "$new/src/Documentation/netlink/specs" "$new/src/vmlinux.unstripped"
	find "$new/src" -path "$new/src/scripts" -prune -o -path "$new/src/tools" -prune -o \
		\( -name '*.o' -o -name '*.a' -o -name '.tmp_vmlinux*' \) -type f -print0 |
		xargs -0r rm -f
	T_BUILD=$(since "$t")
}

# Check the prepared kernel in $1: an out-of-tree module builds against
# build/ for the right release, depmod ran, modprobe resolves dm-multipath.
verify() {
	local kdir=$1 rel tmp magic deps
	rel=$(cat "$kdir/release")
	tmp=$(mktemp -d /tmp/dmpr-kmod.XXXXXX)
	cat >"$tmp/dmpr_hello.c" <<-'EOF'
	// SPDX-License-Identifier: GPL-2.0
	#include <linux/module.h>
	static int __init dmpr_hello_init(void) { return 0; }
	static void __exit dmpr_hello_exit(void) { }
	module_init(dmpr_hello_init);
	module_exit(dmpr_hello_exit);
	MODULE_DESCRIPTION("prepare.sh build check");
	MODULE_LICENSE("GPL");
	EOF
	echo 'obj-m := dmpr_hello.o' >"$tmp/Kbuild"
	logged "$LOG" make -C "$kdir/build" M="$tmp" modules
	magic=$(modinfo -F vermagic "$tmp/dmpr_hello.ko")
	[ "${magic%% *}" = "$rel" ] || dmpr_die "test module has vermagic '$magic', expected $rel"
	rm -rf "$tmp"
	[ -f "$kdir/root/lib/modules/$rel/modules.dep" ] ||
		dmpr_die "no modules.dep in $kdir/root/lib/modules/$rel"
	deps=$(modprobe -d "$kdir/root" -S "$rel" --show-depends dm-multipath) ||
		dmpr_die "modprobe cannot resolve dm-multipath for $rel"
	case $deps in
	*dm-multipath.ko* | "builtin dm_multipath"*) ;;
	*) dmpr_die "unexpected modprobe answer for dm-multipath: $deps" ;;
	esac
}

# Publish the new kdir $2 as $(dmpr_kdir $1): replace the symlink by a
# rename (atomic), then drop every other directory of that kernel.
publish() {
	local id=$1 new=$2 link d
	link=$(dmpr_kdir "$id")
	ln -sfn "${new##*/}" "$KERNELS/.$id.link"
	# A real directory (not made by this script) cannot be renamed over.
	if [ -d "$link" ] && [ ! -L "$link" ]; then rm -rf "$link"; fi
	mv -T "$KERNELS/.$id.link" "$link"
	for d in "$KERNELS/.$id.d."*; do
		[ "$d" = "$new" ] || rm -rf "$d"
	done
}

prepare() {
	local id=$1 kdir new d t tv lock msg
	kdir=$(dmpr_kdir "$id")
	resolve "$id"
	if [ "$FORCE" = 0 ] && [ "$(cat "$kdir/stamp" 2>/dev/null)" = "$KEY" ]; then
		dmpr_log "$id: up to date: $kdir"
		return
	fi
	# One preparation per kernel at a time; the winner of a race has
	# already done the work.
	exec {lock}>"$KERNELS/.$id.lock"
	flock "$lock"
	if [ "$FORCE" = 0 ] && [ "$(cat "$kdir/stamp" 2>/dev/null)" = "$KEY" ]; then
		dmpr_log "$id: up to date: $kdir"
		exec {lock}>&-
		return
	fi
	# Leftovers of interrupted runs (not the published directory).
	for d in "$KERNELS/.$id.d."*; do
		[ "$(readlink -f "$d")" = "$(readlink -f "$kdir")" ] || rm -rf "$d"
	done
	dmpr_log "$id: preparing ${PKGS[*]}"
	t=$EPOCHREALTIME
	new=$(mktemp -d "$KERNELS/.$id.d.XXXXXX")
	chmod 755 "$new"
	INPROGRESS=$new
	LOG=$LOGDIR/$id.log
	: >"$LOG"
	case $id in
	debug) prepare_debug "$new" ;;
	*) prepare_binary "$new" ;;
	esac
	tv=$EPOCHREALTIME
	verify "$new"
	T_VERIFY=$(since "$tv")
	printf '%s\n' "$KEY" >"$new/stamp"
	publish "$id" "$new"
	INPROGRESS=
	exec {lock}>&-
	msg="$id: prepared $(cat "$kdir/release") in $(since "$t") s (download+unpack $T_FETCH s, build/install $T_BUILD s, verify $T_VERIFY s)"
	dmpr_log "$msg"
	printf '%s %s\n' "$(date -u +%FT%TZ)" "$msg" >>"$LOGDIR/times.log"
}

main() {
	local ids=() id print=0 all
	FORCE=0 REFRESH=0
	while [ $# -gt 0 ]; do
		case $1 in
		--force) FORCE=1 ;;
		--refresh) REFRESH=1 ;;
		--print) print=1 ;;
		-h | --help) usage ;;
		-*) usage ;;
		all) read -ra all <<<"$DMPR_KERNELS" && ids+=("${all[@]}") ;;
		*) ids+=("$1") ;;
		esac
		shift
	done
	[ ${#ids[@]} -gt 0 ] || usage
	for id in "${ids[@]}"; do
		case " $DMPR_KERNELS " in
		*" $id "*) ;;
		*) dmpr_die "unknown kernel id '$id' (known: $DMPR_KERNELS all)" ;;
		esac
	done

	if [ "$print" = 1 ]; then
		[ ${#ids[@]} -eq 1 ] || usage
		[ -f "$(dmpr_kdir "${ids[0]}")/stamp" ] || exit 1
		dmpr_kdir "${ids[0]}"
		return
	fi

	mkdir -p "$KERNELS" "$LOGDIR"
	INPROGRESS=
	trap '[ -z "$INPROGRESS" ] || rm -rf "$INPROGRESS"' EXIT
	trap 'exit 130' INT TERM
	ensure_host_deps
	setup_apt
	for id in "${ids[@]}"; do
		prepare "$id"
	done
}

# (exit on the same line: a run never reads a file edited meanwhile)
{ main "$@"; exit; }
