#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Lint the kernel module: checkpatch --strict, sparse and kernel-doc, and
# check that the netlink code is what tools/netlink-regen.sh generates.
#
#   kernel-lint.sh [--tree DIR] [--sparse-kernel ID]...
#
# checkpatch.pl (with spelling.txt and const_structs.checkpatch next to it)
# and kernel-doc come from a kernel source tree: --tree, else the debug
# kernel's tree in the cache, else linux-source-6.1 unpacked under
# $DMPR_CACHE/lint (fetched with apt-get download on first use).
# sparse runs through "make C=2" against each --sparse-kernel, default every
# prepared kernel of $DMPR_KERNELS.
# Any finding fails. Prints TAP and "N passed, N failed".
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

tree=
sparse_kernels=()
while [ $# -gt 0 ]; do
	case $1 in
	--tree) tree=${2:?}; shift 2 ;;
	--sparse-kernel) sparse_kernels+=("${2:?}"); shift 2 ;;
	-h|--help) sed -n '4,15s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) dmpr_die "unknown argument $1" ;;
	esac
done

# A kernel tree with checkpatch.pl and kernel-doc.
find_tree() {
	local d src deb tmp
	for d in "$tree" "$(dmpr_kdir debug)/src" "$DMPR_CACHE/lint/linux-source-6.1"; do
		if [ -n "$d" ] && [ -f "$d/scripts/checkpatch.pl" ] &&
		   [ -f "$d/scripts/kernel-doc" ]; then
			echo "$d"
			return 0
		fi
	done
	[ -z "$tree" ] || return 1
	# Only scripts/ is needed: checkpatch, its data files, kernel-doc.
	tmp=$(mktemp -d) || return 1
	(cd "$tmp" && apt-get download linux-source-6.1 >/dev/null) || { rm -rf "$tmp"; return 1; }
	deb=$(ls "$tmp"/linux-source-6.1_*.deb) &&
	dpkg-deb -x "$deb" "$tmp/x" &&
	src=$(ls "$tmp"/x/usr/src/linux-source-6.1.tar.*) &&
	mkdir -p "$DMPR_CACHE/lint" &&
	tar -C "$DMPR_CACHE/lint" -xf "$src" --wildcards 'linux-source-6.1/scripts/*'
	local rc=$?
	rm -rf "$tmp"
	[ $rc -eq 0 ] && echo "$DMPR_CACHE/lint/linux-source-6.1"
}

n=0 failed=0
result() { # result OK|FAIL DESCRIPTION [LOGFILE]
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		[ -z "${3:-}" ] || sed 's/^/#   /' "$3"
	fi
}

# checkpatch findings accepted on purpose, FILE:TYPE, each with its reason.
checkpatch_exceptions=(
	# struct mpr_fops holds the interposed copy of a disk's
	# block_device_operations: it has to be written (copied, then pr_ops
	# and free_disk replaced) before it is published.
	kernel/attach.h:CONST_STRUCT
)

checkpatch_ignore() { # FILE -> --ignore argument, if any
	local e types=
	for e in "${checkpatch_exceptions[@]}"; do
		[ "${e%%:*}" = "$1" ] && types=${types:+$types,}${e#*:}
	done
	[ -z "$types" ] || echo "--ignore=$types"
}

cd "$DMPR_TOP" || exit 1
mapfile -t files < <(find kernel -name '*.[ch]' ! -name 'compat-autoconf.h' | sort)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

ktree=$(find_tree)
if [ -z "$ktree" ]; then
	result FAIL "find a kernel tree with checkpatch.pl and kernel-doc"
else
	echo "# checkpatch and kernel-doc from $ktree"
	for f in "${files[@]}"; do
		# shellcheck disable=SC2046
		if perl "$ktree/scripts/checkpatch.pl" --strict --no-tree \
			--terse --show-types --no-summary $(checkpatch_ignore "$f") \
			-f "$f" >"$log" 2>&1 &&
		   ! [ -s "$log" ]; then
			result OK "checkpatch $f"
		else
			result FAIL "checkpatch $f" "$log"
		fi
	done
	for f in "${files[@]}"; do
		if "$ktree/scripts/kernel-doc" -none -Wall "$f" >"$log" 2>&1 &&
		   ! [ -s "$log" ]; then
			result OK "kernel-doc $f"
		else
			result FAIL "kernel-doc $f" "$log"
		fi
	done
fi

# The netlink code generated from the spec must be what the tree holds.
if bash "$DMPR_TOP/tools/netlink-regen.sh" --check >"$log" 2>&1; then
	result OK "netlink code generated from Documentation/netlink/specs/dm-mpath-pr.yaml"
else
	result FAIL "netlink code generated from Documentation/netlink/specs/dm-mpath-pr.yaml" "$log"
fi

# sparse: a full C=2 build in its own directory, per kernel.
if [ ${#sparse_kernels[@]} -eq 0 ]; then
	for k in $DMPR_KERNELS; do
		[ -d "$(dmpr_kdir "$k")/build" ] && sparse_kernels+=("$k")
	done
fi
if ! command -v sparse >/dev/null; then
	result FAIL "sparse (not installed: apt-get install sparse)"
elif [ ${#sparse_kernels[@]} -eq 0 ]; then
	result FAIL "sparse (no prepared kernel)"
fi
for k in "${sparse_kernels[@]}"; do
	command -v sparse >/dev/null || break
	if ! [ -d "$(dmpr_kdir "$k")/build" ]; then
		result FAIL "sparse (kernel $k not prepared)"
		continue
	fi
	out=$(dmpr_modbuild "$k")-sparse
	if bash "$here/build-module.sh" "$k" --out "$out" -- C=2 >"$log" 2>&1; then
		result OK "sparse (C=2) against $k"
	else
		grep -E '^# .*(warning|error):|^not ok' "$log" >"$log.f"
		result FAIL "sparse (C=2) against $k" "$log.f"
		rm -f "$log.f"
	fi
done

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
