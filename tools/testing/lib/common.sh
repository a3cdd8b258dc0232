# SPDX-License-Identifier: GPL-2.0
# Shared settings of the test tooling. Source it; it defines no side effects.
#
# The cache lives outside the work tree so that a fresh clone (CI) reuses
# kernels that an earlier run on the same machine prepared. Override with
# DMPR_CACHE=/some/dir.

DMPR_TOP=${DMPR_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
DMPR_CACHE=${DMPR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dm-mpath-pr}
DMPR_BUILD=${DMPR_BUILD:-$DMPR_TOP/build}

# The kernels the project is tested on, by id:
#   6.1    Debian 12 (bookworm) image and headers
#   6.12   bookworm-backports image, headers and kbuild
#   debug  the newest Debian kernel source (sid), built here with KUnit,
#          KASAN, lockdep, kmemleak
DMPR_KERNELS=${DMPR_KERNELS:-"6.1 6.12 debug"}

# Layout of one prepared kernel, $(dmpr_kdir ID):
#   vmlinuz   the bootable image
#   release   the uname -r string
#   build/    KDIR for out-of-tree module builds (make -C build M=...)
#   root/     lib/modules/<release>/ with modules.dep (depmod run)
#   config    the kernel's .config
#   stamp     cache key the kernel was prepared with
dmpr_kdir() { echo "$DMPR_CACHE/kernels/$1"; }

# Where the module built for kernel ID lands: $(dmpr_modbuild ID)/dm-mpath-pr.ko
dmpr_modbuild() { echo "$DMPR_BUILD/module/$1"; }

dmpr_log() { printf '%s\n' "$*" >&2; }
dmpr_die() { printf 'error: %s\n' "$*" >&2; exit 1; }
