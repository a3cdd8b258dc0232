#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mpt-prepare.sh: the real multipath-tools (mpathpersist, multipath) for the
# test VM, unpacked from Debian packages into $DMPR_CACHE/mpt/current, never
# installed on the host. run.sh --mpt ships it into the guest under /opt/mpt.
#
#   mpt-prepare.sh [--print]
#
# Debian 12 has multipath-tools 0.9.4, far from the 0.14.3 the project's
# mpathpersist front end follows; the newest multipath-tools of the archive
# (sid) needs a newer glibc, libdevmapper and liburcu than Debian 12 has.
# So the newest version is taken together with the runtime it was built
# for (libc6 with its dynamic loader and the libraries the programs load),
# all from the same archive, into one private directory: the guest runs
# the programs through that loader with that directory as the only library
# path, beside the host's own Debian 12 programs and libraries.
#
# The packages come through the private apt configuration of
# kernels/prepare.sh ($DMPR_CACHE/apt; the system's apt sources are never
# changed); run kernels/prepare.sh once first if it does not exist yet. A
# second run with nothing new reads a few small files.
#
# Layout of $DMPR_CACHE/mpt/current (a symlink to the version directory):
#   version   the multipath-tools package version (e.g. 0.15.1-1)
#   packages  name=version of every package unpacked
#   sbin/     mpathpersist, multipath
#   lib/      ld-linux-x86-64.so.2 and every library they need (closure)
#   plugins/  libmultipath's checkers and prioritizers (the guest puts them
#             in /usr/lib/multipath, the directory compiled into it)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/common.sh
. "$here/../lib/common.sh"

APTDIR=$DMPR_CACHE/apt
MPTDIR=$DMPR_CACHE/mpt
REV=1

# the packages: multipath-tools with its libraries, and the runtime they
# need from the same archive (glibc and the libraries with a newer soname or
# symbol version than Debian 12's; the rest are taken along so that the
# closure is consistent)
PKGS=(multipath-tools libmpathpersist0 libmultipath0 libmpathcmd0 libc6
	libdevmapper1.02.1 liburcu8t64 libaio1t64 libsystemd0 libudev1 libmount1
	libblkid1 libselinux1 libedit2 libgcc-s1 libcap2 libpcre2-8-0 libbsd0
	libmd0 libtinfo6)
PROGS=(mpathpersist multipath)

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

if [ "${1:-}" = --print ]; then
	[ -f "$MPTDIR/current/version" ] || dmpr_die "multipath-tools is not prepared: run $0"
	echo "$MPTDIR/current"
	exit 0
fi
[ $# -eq 0 ] || { echo "usage: ${0##*/} [--print]" >&2; exit 2; }

[ -s "$APTDIR/sources.list" ] && [ -d "$APTDIR/lists" ] ||
	dmpr_die "no private apt configuration in $APTDIR: run tools/testing/kernels/prepare.sh 6.1 first"

# name=candidate of every package
mapfile -t want < <(apt-cache "${APT_OPTS[@]}" policy "${PKGS[@]}" 2>/dev/null | awk '
	/^[^ ]/ { p = $1; sub(/:$/, "", p) }
	/^  Candidate:/ && $2 != "(none)" { print p "=" $2 }')
[ "${#want[@]}" -eq "${#PKGS[@]}" ] ||
	dmpr_die "the private apt lists lack some of: ${PKGS[*]} (found: ${want[*]})"
key="rev=$REV"$'\n'$(printf '%s\n' "${want[@]}")
ver=${want[0]#multipath-tools=}

cur=$MPTDIR/current
if [ -f "$cur/stamp" ] && [ "$(cat "$cur/stamp")" = "$key" ]; then
	dmpr_log "multipath-tools $ver: up to date ($cur)"
	exit 0
fi

mkdir -p "$MPTDIR"
new=$(mktemp -d "$MPTDIR/.new.XXXXXX")
trap 'rm -rf "$new"' EXIT
dmpr_log "multipath-tools $ver: fetching ${#want[@]} packages"
mkdir -p "$new/dl" "$new/x"
exec {lock}>"$APTDIR/.lock"
flock "$lock"
(cd "$new/dl" && apt-get "${APT_OPTS[@]}" -q download "${want[@]}" >"$new/download.log" 2>&1) || {
	tail -n 20 "$new/download.log" >&2
	dmpr_die "apt-get download failed"
}
exec {lock}>&-
for d in "$new"/dl/*.deb; do
	dpkg-deb -x "$d" "$new/x"
done

mkdir -p "$new/sbin" "$new/lib" "$new/plugins" "$new/all"
for p in "${PROGS[@]}"; do
	cp "$new/x/usr/sbin/$p" "$new/sbin/"
done
cp "$new"/x/usr/lib/multipath/*.so "$new/plugins/"
# every library of the packages, flat (symlinks resolved), to compute the
# closure from
for d in "$new/x/usr/lib/x86_64-linux-gnu" "$new/x/usr/lib"; do
	find "$d" -maxdepth 1 \( -name '*.so.*' -o -name 'ld-linux-x86-64.so.2' \) \
		-exec cp -L -n {} "$new/all/" \;
done
ld=$new/all/ld-linux-x86-64.so.2
[ -x "$ld" ] || dmpr_die "no dynamic loader in libc6"
cp "$ld" "$new/lib/"

# the closure: what the loader resolves for the programs and plugins, all of
# it from the private directory
for f in "$new"/sbin/* "$new"/plugins/*; do
	out=$("$ld" --library-path "$new/all" --list "$f" 2>&1) ||
		dmpr_die "cannot resolve the libraries of ${f##*/}: $out"
	while read -r name arrow path _; do
		[ "$arrow" = '=>' ] || continue
		case $path in
		"$new/all/"*) cp -n "$path" "$new/lib/" ;;
		*) dmpr_die "${f##*/} needs $name from outside the packages ($path): add its package to PKGS" ;;
		esac
	done <<<"$out"
done

# a smoke test on the host: the program starts and knows its options
out=$("$ld" --library-path "$new/lib" --argv0 mpathpersist "$new/sbin/mpathpersist" -h 2>&1) ||
	dmpr_die "mpathpersist -h fails with the private runtime: $out"
grep -q 'read-full-status' <<<"$out" || dmpr_die "mpathpersist -h prints no usage: $out"

printf '%s\n' "$ver" >"$new/version"
printf '%s\n' "${want[@]}" >"$new/packages"
rm -rf "$new/dl" "$new/x" "$new/all" "$new/download.log"
printf '%s\n' "$key" >"$new/stamp"
dest=$MPTDIR/$ver
rm -rf "$dest"
mv "$new" "$dest"
trap - EXIT
ln -sfn "$ver" "$MPTDIR/.current.tmp"
mv -T "$MPTDIR/.current.tmp" "$cur"
dmpr_log "multipath-tools $ver: ready in $dest ($(du -sh "$dest" | cut -f1))"
