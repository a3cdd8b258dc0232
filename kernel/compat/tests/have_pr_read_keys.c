// SPDX-License-Identifier: GPL-2.0
/*
 * pr_ops gained pr_read_keys and pr_read_reservation in v6.5,
 * ("block: Add PR callouts for read keys and reservation").
 */
#include <linux/blkdev.h>
#include <linux/pr.h>

static __maybe_unused int probe(struct block_device *bdev,
				struct pr_keys *keys,
				struct pr_held_reservation *rsv)
{
	const struct pr_ops ops = { 0 };

	return ops.pr_read_keys(bdev, keys) + ops.pr_read_reservation(bdev, rsv);
}
