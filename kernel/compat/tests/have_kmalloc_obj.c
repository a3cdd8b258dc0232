// SPDX-License-Identifier: GPL-2.0
/*
 * Typed allocation helpers, kmalloc_obj() and friends, appeared after v6.12
 * (present in the 7.2 tree, include/linux/slab.h: "kmalloc_obj - Allocate a
 * single instance of the given type"); checkpatch prefers them.
 */
#include <linux/slab.h>

static __maybe_unused int *probe(void)
{
	int *p = kmalloc_obj(*p, GFP_KERNEL);

	return p;
}
