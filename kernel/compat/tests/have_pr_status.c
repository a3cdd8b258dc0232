// SPDX-License-Identifier: GPL-2.0
/*
 * enum pr_status (PR_STS_*) replaced the raw SCSI results that pr_ops
 * returned before, in v6.3 by commit ("block: Add error codes
 * for common PR failures").
 */
#include <linux/blkdev.h>
#include <linux/pr.h>

static __maybe_unused int probe(void)
{
	return PR_STS_RESERVATION_CONFLICT + PR_STS_PATH_FAILED;
}
