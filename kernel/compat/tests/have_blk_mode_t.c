// SPDX-License-Identifier: GPL-2.0
/*
 * Block device operations take a blk_mode_t instead of an fmode_t since
 * v6.5 (commit "block: replace fmode_t with a block-specific type for
 * block open flags").
 */
#include <linux/blkdev.h>

static __maybe_unused int probe(struct block_device *bdev, blk_mode_t mode,
				unsigned int cmd, unsigned long arg)
{
	return mode & BLK_OPEN_WRITE;
}

static const struct block_device_operations ops __maybe_unused = {
	.ioctl = probe,
};
