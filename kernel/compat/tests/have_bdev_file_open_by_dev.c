// SPDX-License-Identifier: GPL-2.0
/*
 * Block devices are opened as struct file since v6.9, commit
 * ("bdev: open block device as files"); blkdev_get_by_dev() went away.
 */
#include <linux/blkdev.h>
#include <linux/fs.h>

static __maybe_unused struct file *probe(dev_t dev)
{
	return bdev_file_open_by_dev(dev, BLK_OPEN_READ, NULL, NULL);
}
