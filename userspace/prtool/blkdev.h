/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prtool: what kind of block device a path names (sysfs).
 */
#ifndef PRTOOL_BLKDEV_H
#define PRTOOL_BLKDEV_H

#include <stddef.h>

enum blkdev_kind {
	BLKDEV_SCSI,	/* an sd disk */
	BLKDEV_NVME,	/* an NVMe namespace */
	BLKDEV_MPATH,	/* a device-mapper map with an "mpath-" uuid */
	BLKDEV_DM,	/* another device-mapper device */
	BLKDEV_OTHER,	/* anything else */
};

/**
 * struct blkdev_info - a block device
 * @kind: what it is
 * @major: device number
 * @minor: device number
 * @kname: the kernel's name ("sdb", "dm-3", "nvme0n1")
 * @dm_uuid: the dm uuid of a device-mapper device, else ""
 */
struct blkdev_info {
	enum blkdev_kind kind;
	unsigned int major;
	unsigned int minor;
	char kname[64];
	char dm_uuid[130];
};

/**
 * blkdev_classify() - find out what @path is
 * @path: a path to a block device (symlinks are followed)
 * @bi: the result
 *
 * Return: 0; -ENOTBLK if @path is not a block device; the errno of stat()
 * or of reading sysfs.
 */
int blkdev_classify(const char *path, struct blkdev_info *bi);

#endif /* PRTOOL_BLKDEV_H */
