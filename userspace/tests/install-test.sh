#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install, into scratch DESTDIRs, produces the documented tree
# (userspace/README.md, "Install"): nothing missing, nothing else. Then
# the installed pieces work: prtool runs, a program builds against the
# installed headers and libprtool.pc and runs with the installed library,
# the bash completion loads, the unit runs the installed prtool daemon and
# the udev rule starts it, the DKMS
# tree has what kbuild needs and the version of dkms.conf. A second
# install with INSTALL_COMPAT_NAMES=1 adds the mpathpersist and lvmpersist
# names. TAP on stdout.
#
#   O=build/userspace bash userspace/tests/install-test.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build/userspace}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prtool-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}
# skip WHAT WHY: a check that cannot run here, as a TAP skip (make check's
# skip check then fails it unless tools/testing/skips.list allows it)
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

is() {
	n=$((n + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $n - $3"
	else
		echo "not ok $n - $3"
		printf '#   got:      %s\n#   expected: %s\n' "${1//$'\n'/ }" "${2//$'\n'/ }"
		failed=$((failed + 1))
	fi
}

version=$(sed -n 's/^VERSION := //p' "$top/userspace/Makefile")
src=usr/src/dm-mpath-pr-$version

# The documented tree of "make install DESTDIR=D PREFIX=/usr".
want() {
	cat <<-LIST
		usr/include/prtool/mpath_persist_compat.h
		usr/include/prtool/prtool.h
		usr/lib/libprtool.so -> libprtool.so.0
		usr/lib/libprtool.so.0 -> libprtool.so.$version
		usr/lib/libprtool.so.$version
		usr/lib/pkgconfig/libprtool.pc
		usr/lib/systemd/system/prtool-daemon.service
		usr/lib/udev/rules.d/70-dm-mpath-pr.rules
		usr/sbin/prtool
		usr/share/bash-completion/completions/prtool
		usr/share/man/man3/libprtool.3
		usr/share/man/man8/prtool.8
		$src/Kbuild
		$src/dkms.conf
	LIST
	(cd "$top" && ls kernel/*.c kernel/*.h kernel/compat/tests/*.c \
		kernel/tests/*.[ch] include/uapi/linux/dm-mpath-pr.h) |
		grep -v '^kernel/compat-autoconf.h$' | sed "s|^|$src/|"
}

# tree D: what D holds, files and links (with their targets)
tree() {
	(cd "$1" && find . \( -type f -o -type l \) -printf '%P\n' | LC_ALL=C sort |
		while IFS= read -r f; do
			if [ -L "$f" ]; then
				echo "$f -> $(readlink "$f")"
			else
				echo "$f"
			fi
		done)
}

d=$tmp/a
make -s -C "$top" install DESTDIR="$d" PREFIX=/usr O="$O" >"$tmp/log" 2>&1
rc=$?
ok "$rc" "make install DESTDIR=... PREFIX=/usr"
[ "$rc" = 0 ] || sed 's/^/# /' "$tmp/log"
is "$(tree "$d")" "$(want | LC_ALL=C sort)" "the installed tree is the documented one"
is "$(stat -c %a "$d/usr/sbin/prtool" "$d/usr/lib/libprtool.so.$version" \
	"$d/usr/lib/pkgconfig/libprtool.pc" "$d/usr/share/man/man8/prtool.8" | tr '\n' ' ')" \
	"755 755 644 644 " "modes: programs 755, data 644"
is "$("$d/usr/sbin/prtool" --version)" "prtool $version" "the installed prtool runs"
is "$(readelf -d "$d/usr/lib/libprtool.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')" \
	"libprtool.so.0" "libprtool's SONAME is libprtool.so.0"

# A program against the installed tree, found through pkg-config.
pc() {
	PKG_CONFIG_SYSROOT_DIR=$d PKG_CONFIG_PATH=$d/usr/lib/pkgconfig \
		pkg-config "$@" libprtool
}
is "$(pc --modversion)" "$version" "libprtool.pc: version"
is "$(sed -n 's/^prefix=//p' "$d/usr/lib/pkgconfig/libprtool.pc")" /usr "libprtool.pc: prefix=/usr"
is "$(pc --cflags --libs | tr -s ' ' | sed 's/ $//')" "-I$d/usr/include -L$d/usr/lib -lprtool" \
	"libprtool.pc: flags for the installed headers and library"
# shellcheck disable=SC2046 # the flags are words
cc -std=c11 -D_GNU_SOURCE -Wall -Werror -o "$tmp/mpp-demo" "$top/userspace/examples/mpp-demo.c" \
	$(pc --cflags --libs) >"$tmp/cc.log" 2>&1
rc=$?
ok "$rc" "mpp-demo builds against the installed headers and libprtool.pc"
[ "$rc" = 0 ] || sed 's/^/# /' "$tmp/cc.log"
LD_LIBRARY_PATH=$d/usr/lib "$tmp/mpp-demo" >/dev/null 2>"$tmp/demo.err"
rc=$?
is "$rc:$(cat "$tmp/demo.err")" "1:Usage: mpp-demo [-u] DEVICE KEY" \
	"... and runs with the installed library (usage, MPATH_PR_SYNTAX_ERROR)"
is "$(LD_LIBRARY_PATH=$d/usr/lib ldd "$tmp/mpp-demo" | sed -n 's/.*libprtool.so.0 => \([^ ]*\).*/\1/p')" \
	"$d/usr/lib/libprtool.so.0" "... the installed one"

# bash completion: loads and completes the commands
out=$(bash -c '
	_init_completion() { words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; }
	_filedir() { :; }
	. "$1"
	COMP_WORDS=(prtool lvm); COMP_CWORD=1; _prtool
	echo "${COMPREPLY[*]}"
	COMP_WORDS=(prtool lvmpersist st); COMP_CWORD=2; _prtool
	echo "${COMPREPLY[*]}"
	COMP_WORDS=(prtool mo); COMP_CWORD=1; _prtool
	echo "${COMPREPLY[*]}"
	COMP_WORDS=(prtool path-state mpatha sdb ""); COMP_CWORD=4; _prtool
	echo "${COMPREPLY[*]}"
	COMP_WORDS=(prtool daemon --a); COMP_CWORD=2; _prtool
	echo "${COMPREPLY[*]}"
	COMP_WORDS=(prtool reserve mpatha -t we-r); COMP_CWORD=4; _prtool
	echo "${COMPREPLY[*]}"
	COMPREPLY=(); COMP_WORDS=(prtool monitor -t ""); COMP_CWORD=3; _prtool
	echo "monitor -t: ${COMPREPLY[*]}"
	complete -p prtool' _ "$d/usr/share/bash-completion/completions/prtool" 2>&1)
is "$out" "lvmpersist
start stop
monitor
failed active
--attach-new
we-ro
monitor -t: 
complete -F _prtool prtool" "bash completion: prtool's commands, -t of reserve (--type) and of monitor (--timeout)"

is "$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$d/$src/dkms.conf"):$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$d/$src/dkms.conf")" \
	"$version:dm-mpath-pr" "dkms.conf: dm-mpath-pr, the version of userspace/Makefile"
is "$(grep -c '^BUILT_MODULE_NAME\[0\]="dm-mpath-pr"$' "$d/$src/dkms.conf")" 1 "dkms.conf: builds dm-mpath-pr.ko"
if command -v man >/dev/null; then
	err=$(MANWIDTH=80 man --warnings -l "$d/usr/share/man/man8/prtool.8" "$d/usr/share/man/man3/libprtool.3" 2>&1 >/dev/null)
	is "$err" "" "the man pages render without warnings"
else
	skip "the man pages render without warnings" "man is not installed"
fi

unit=$d/usr/lib/systemd/system/prtool-daemon.service
is "$(grep -c '^ExecStart=/usr/sbin/prtool daemon --foreground $PRTOOL_DAEMON_OPTS$' "$unit")" 1 \
	"systemd unit: ExecStart=/usr/sbin/prtool daemon --foreground \$PRTOOL_DAEMON_OPTS"
is "$(grep -c '^EnvironmentFile=-/etc/default/prtool-daemon$' "$unit")" 1 \
	"systemd unit: options from /etc/default/prtool-daemon, if it exists"
is "$(grep -c 'ENV{DM_UUID}=="mpath-?\*", TAG+="systemd", ENV{SYSTEMD_WANTS}+="prtool-daemon.service"' \
	"$d/usr/lib/udev/rules.d/70-dm-mpath-pr.rules")" 1 "udev rule: multipath maps want prtool-daemon.service"
# The daemon the unit starts exists and takes those options.
"$d/usr/sbin/prtool" daemon --help >"$tmp/daemon.out" 2>&1
is "$?:$(sed -n 1p "$tmp/daemon.out")" \
	"0:Usage: prtool daemon [--attach-new [--key KEY]] [--foreground]" \
	"the installed prtool has the daemon the unit runs"
# Verified inside the installed tree (--root): the unit's ExecStart is the
# installed prtool, so nothing needs filtering; any complaint (a fatal
# error of the unit included) fails.
if command -v systemd-analyze >/dev/null; then
	err=$(systemd-analyze verify --man=no --root="$d" \
		/usr/lib/systemd/system/prtool-daemon.service 2>&1)
	rc=$?
	is "$rc:$err" "0:" "systemd-analyze verify --root: no complaint about the unit"
else
	skip "systemd-analyze verify of the unit" "systemd-analyze is not installed"
fi

d=$tmp/b
make -s -C "$top" install DESTDIR="$d" PREFIX=/usr O="$O" INSTALL_COMPAT_NAMES=1 >"$tmp/log" 2>&1
ok $? "make install ... INSTALL_COMPAT_NAMES=1"
is "$(tree "$d" | grep -v "^$src/")" "$( (want | grep -v "^$src/"
	echo 'usr/lib/libmpathpersist.so.0'
	echo 'usr/sbin/lvmpersist -> prtool'
	echo 'usr/sbin/mpathpersist -> prtool') | LC_ALL=C sort)" \
	"... adds mpathpersist and lvmpersist (links to prtool) and libmpathpersist.so.0"
is "$(objdump -T "$d/usr/lib/libmpathpersist.so.0" | awk '$NF == "mpath_persistent_reserve_in" { print $(NF - 1) }')" \
	LIBMPATHPERSIST_2.1.0 "libmpathpersist.so.0: mpath_persistent_reserve_in@LIBMPATHPERSIST_2.1.0"
"$d/usr/sbin/mpathpersist" -h 2>"$tmp/mpp.err"
rc=$?
is "$rc:$(sed -n 2p "$tmp/mpp.err")" "0:Usage: mpathpersist [OPTIONS] [DEVICE]" "mpathpersist answers as mpathpersist"
is "$("$d/usr/sbin/lvmpersist" help | sed -n 3p)" "  lvmpersist start --ourkey KEY DEST" "lvmpersist answers as lvmpersist"

echo "1..$n"
echo "install: $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
