// SPDX-License-Identifier: GPL-2.0
/*
 * dmpr_leaky: a module that leaks on purpose, for the test harness's own
 * test (tools/testing/selftest/kmemleak.sh). Loading it allocates
 * LEAKY_COUNT objects and forgets the pointers; kmemleak must report them,
 * and the VM runner must then fail the run. Never built into the project's
 * module.
 *
 * Why objects larger than KMALLOC_MAX_CACHE_SIZE (they come from the page
 * allocator): on the debug kernel (7.2.13, SLUB, KASAN generic) kmemleak
 * reports no leaked slab object at all. kmalloc(96) and kmem_cache objects
 * leaked this way were never reported, after two scans, 6 s and more of
 * age, with task stack scanning off and after shrinking every slab cache:
 * "dump=" shows count = 1 for each (something still points to it) and the
 * checksum never computed; the same module's 20000-byte kmallocs were all
 * reported. So the runner catches a leaked large kmalloc, not (yet) a
 * leaked slab object; see tools/testing/vm/README.md.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#define LEAKY_MAGIC "dmpr-leaky: leaked on purpose"
#define LEAKY_COUNT 4
#define LEAKY_SIZE (4 * PAGE_SIZE)

/* noinline: the report's backtrace names this function */
static noinline int leaky_leak(void)
{
	char *obj = kzalloc(LEAKY_SIZE, GFP_KERNEL);

	if (!obj)
		return -ENOMEM;
	strscpy(obj, LEAKY_MAGIC, LEAKY_SIZE);
	/* the only reference dies with this frame */
	return 0;
}

static int __init leaky_init(void)
{
	int i, ret;

	for (i = 0; i < LEAKY_COUNT; i++) {
		ret = leaky_leak();
		if (ret)
			return ret;
	}
	return 0;
}

static void __exit leaky_exit(void)
{
}

module_init(leaky_init);
module_exit(leaky_exit);
MODULE_DESCRIPTION("dm-mpath-pr test harness self-test: leaks on purpose");
MODULE_LICENSE("GPL");
