// SPDX-License-Identifier: GPL-2.0
/*
 * blkdev_get_by_dev() takes a blk_mode_t and a holder_ops argument since
 * v6.5 by commit ("block: introduce holder ops") and commit
 * ("block: replace fmode_t with a block-specific type
 * for block open flags"); blkdev_put() takes the holder instead of a mode.
 */
#include <linux/blkdev.h>

static __maybe_unused struct block_device *probe(dev_t dev)
{
	struct block_device *bdev = blkdev_get_by_dev(dev, BLK_OPEN_READ, NULL, NULL);

	blkdev_put(bdev, NULL);
	return bdev;
}
