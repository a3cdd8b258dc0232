#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Generate the netlink code from Documentation/netlink/specs/dm-mpath-pr.yaml
# with the kernel's own generator (tools/net/ynl/pyynl/ynl_gen_c.py):
#
#   include/uapi/linux/dm-mpath-pr.h     --mode uapi
#   kernel/netlink-gen.h                 --mode kernel --header
#   kernel/netlink-gen.c                 --mode kernel --source
#
#   netlink-regen.sh [--check] [--ksrc DIR]
#
# --check generates into a temporary directory and fails (exit 1, with a
# diff) if any file of the tree differs from what the spec gives.
# --ksrc is a kernel source tree with tools/net/ynl; default the debug
# kernel's tree in the cache ($DMPR_CACHE/kernels/debug/src).
#
# The generator validates the spec against the JSON schema of its protocol
# (Documentation/netlink/genetlink-legacy.yaml in a kernel tree; prepare.sh
# keeps Documentation/netlink/ of the debug kernel's tree for it), or the
# one in $DMPR_YNL_SCHEMA_DIR. Without a schema, --check fails; a plain
# regeneration goes on with the generator's own parsing and says so.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cache=${DMPR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dm-mpath-pr}
ksrc=$cache/kernels/debug/src
check=0
while [ $# -gt 0 ]; do
	case $1 in
	--check) check=1; shift ;;
	--ksrc) ksrc=${2:?}; shift 2 ;;
	-h|--help) sed -n '4,21s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "netlink-regen.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

gen=$ksrc/tools/net/ynl/pyynl/ynl_gen_c.py
if ! [ -f "$gen" ]; then
	echo "netlink-regen.sh: no generator at $gen (make kernels, or --ksrc)" >&2
	exit 2
fi
schema_dir=
for d in "${DMPR_YNL_SCHEMA_DIR:-}" "$ksrc/Documentation/netlink"; do
	if [ -n "$d" ] && [ -f "$d/genetlink-legacy.yaml" ]; then
		schema_dir=$d
		break
	fi
done

# A Python with the generator's modules (yaml; jsonschema to validate):
# the first python3 in PATH may be another installation than Debian's,
# which deps.sh equips (python3-yaml, python3-jsonschema).
py=
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null && "$p" -c 'import yaml, jsonschema' 2>/dev/null; then
		py=$p
		break
	fi
done
if [ -z "$py" ]; then
	echo "netlink-regen.sh: no python3 with the yaml and jsonschema modules (tools/testing/deps.sh installs them)" >&2
	exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The generator names the spec by its path below the directory that holds
# MAINTAINERS, and looks for the schema two levels above the spec: give it
# a tree of that shape.
mkdir -p "$tmp/tree/Documentation/netlink/specs" "$tmp/out"
: >"$tmp/tree/MAINTAINERS"
cp "$top/Documentation/netlink/specs/dm-mpath-pr.yaml" \
	"$tmp/tree/Documentation/netlink/specs/"
spec=$tmp/tree/Documentation/netlink/specs/dm-mpath-pr.yaml
if [ -n "$schema_dir" ]; then
	cp "$schema_dir/genetlink-legacy.yaml" "$tmp/tree/Documentation/netlink/"
	validate=yes
elif [ $check -eq 1 ]; then
	echo "netlink-regen.sh: no genetlink-legacy.yaml schema in $ksrc/Documentation/netlink" \
		"(a debug kernel prepared before it was kept: kernels/prepare.sh --force debug)" \
		"or \$DMPR_YNL_SCHEMA_DIR: the spec cannot be validated" >&2
	exit 1
else
	echo "netlink-regen.sh: no genetlink-legacy.yaml schema, spec not validated against it" >&2
	validate=no
fi

# Run the generator unchanged; only the schema path is passed in.
ynl_gen() { # OUT ARGS...
	local out=$1
	shift
	"$py" - "$gen" "$validate" "$out" "$@" <<'EOF'
import os, runpy, sys
gen, validate, out, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
sys.path.insert(0, os.path.dirname(gen))
if validate == 'no':
    import lib.nlspec
    init = lib.nlspec.SpecFamily.__init__
    def no_schema(self, spec_path, schema_path=None, exclude_ops=None):
        init(self, spec_path, '', exclude_ops)
    lib.nlspec.SpecFamily.__init__ = no_schema
sys.argv = [gen] + args + ['-o', out]
runpy.run_path(gen, run_name='__main__')
EOF
}

kernel_args=(--function-prefix mpr-nl)

ynl_gen "$tmp/out/dm-mpath-pr.h" --mode uapi --spec "$spec" --header
ynl_gen "$tmp/out/netlink-gen.h" --mode kernel --spec "$spec" "${kernel_args[@]}" --header
ynl_gen "$tmp/out/netlink-gen.c" --mode kernel --spec "$spec" "${kernel_args[@]}" --source

files=(include/uapi/linux/dm-mpath-pr.h kernel/netlink-gen.h kernel/netlink-gen.c)
rc=0
for f in "${files[@]}"; do
	new=$tmp/out/$(basename "$f")
	if [ $check -eq 1 ]; then
		if ! cmp -s "$new" "$top/$f"; then
			echo "netlink-regen.sh: $f differs from the spec's output:" >&2
			diff -u "$top/$f" "$new" >&2 || true
			rc=1
		fi
	elif ! cmp -s "$new" "$top/$f"; then
		cp "$new" "$top/$f"
		echo "  GEN     $f"
	fi
done
if [ $rc -ne 0 ]; then
	echo "netlink-regen.sh: run tools/netlink-regen.sh (or make netlink-gen)" >&2
fi
exit $rc
