// SPDX-License-Identifier: GPL-2.0
/*
 * Not a kernel fact: this probe must always compile. If it does not, the
 * probe compiler flags are wrong for this kernel and every other answer
 * would be meaningless, so the build stops.
 */
#include <linux/module.h>

static __maybe_unused int probe(void)
{
	return 0;
}
