// SPDX-License-Identifier: GPL-2.0
/*
 * <asm/unaligned.h> moved to <linux/unaligned.h> in v6.12 (commit "move
 * asm/unaligned.h to linux/unaligned.h").
 */
#include <linux/unaligned.h>

static __maybe_unused u32 probe(const void *p)
{
	return get_unaligned_be32(p);
}
