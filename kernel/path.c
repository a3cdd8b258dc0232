// SPDX-License-Identifier: GPL-2.0
/*
 * Paths as block devices: the backend of the engine's struct mpr_path_ops.
 *
 * A path is opened non-exclusively, read-only (pr_ops do not care about the
 * open mode), and its disk's pr_ops are called directly. Results are
 * normalised by mpr_result_normalise().
 */

#include <linux/blkdev.h>
#include <linux/device-mapper.h>
#include <linux/fs.h>
#include <linux/kernfs.h>
#include <linux/pr.h>
#include <linux/slab.h>
#include <scsi/scsi_proto.h>
#ifndef COMPAT_HAVE_PR_READ_KEYS
#include <linux/dma-direction.h>
#include <asm/unaligned.h>
#include <scsi/scsi_device.h>
#endif

#include "engine.h"
#include "path.h"

#define DM_MSG_PREFIX "mpath-pr"

/**
 * struct mpr_bpath - a path that is a block device
 * @path: the engine's part
 * @devt: the block device number
 * @open_lock: protects @handle and @bdev
 * @handle: what the open returned (a file on v6.9+, else the bdev)
 * @bdev: the open block device, or NULL while it cannot be opened
 */
struct mpr_bpath {
	struct mpr_path path;
	dev_t devt;
	struct mutex open_lock;	/* opens and closes of @bdev */
#ifdef COMPAT_HAVE_BDEV_FILE_OPEN_BY_DEV
	struct file *handle;
#else
	struct block_device *handle;
#endif
	struct block_device *bdev;
};

static struct mpr_bpath *to_bpath(struct mpr_path *path)
{
	return container_of(path, struct mpr_bpath, path);
}

/* Open the path's block device if it is not open; caller holds open_lock. */
static int mpr_bpath_open_locked(struct mpr_bpath *bp)
{
	lockdep_assert_held(&bp->open_lock);
	if (bp->bdev)
		return 0;
#if defined(COMPAT_HAVE_BDEV_FILE_OPEN_BY_DEV)
	bp->handle = bdev_file_open_by_dev(bp->devt, BLK_OPEN_READ, NULL, NULL);
	if (IS_ERR(bp->handle))
		return PTR_ERR(bp->handle);
	bp->bdev = file_bdev(bp->handle);
#elif defined(COMPAT_HAVE_BLKDEV_GET_BY_DEV_HOPS)
	bp->handle = blkdev_get_by_dev(bp->devt, BLK_OPEN_READ, NULL, NULL);
	if (IS_ERR(bp->handle))
		return PTR_ERR(bp->handle);
	bp->bdev = bp->handle;
#else
	bp->handle = blkdev_get_by_dev(bp->devt, FMODE_READ, NULL);
	if (IS_ERR(bp->handle))
		return PTR_ERR(bp->handle);
	bp->bdev = bp->handle;
#endif
	return 0;
}

static void mpr_bpath_close(struct mpr_bpath *bp)
{
	if (!bp->bdev)
		return;
#if defined(COMPAT_HAVE_BDEV_FILE_OPEN_BY_DEV)
	fput(bp->handle);
#elif defined(COMPAT_HAVE_BLKDEV_GET_BY_DEV_HOPS)
	blkdev_put(bp->handle, NULL);
#else
	blkdev_put(bp->handle, FMODE_READ);
#endif
	bp->handle = NULL;
	bp->bdev = NULL;
}

/*
 * Get the path's open block device, opening it if needed. Returns with
 * open_lock held on success.
 */
static int mpr_bpath_get(struct mpr_bpath *bp, const struct pr_ops **ops)
{
	int r;

	mutex_lock(&bp->open_lock);
	r = mpr_bpath_open_locked(bp);
	if (r) {
		mutex_unlock(&bp->open_lock);
		/* An sd device that is offline cannot be opened. */
		return r == -ENXIO || r == -ENODEV || r == -ENOMEDIUM ?
		       PR_STS_PATH_FAILED : r;
	}
	*ops = bp->bdev->bd_disk->fops->pr_ops;
	return 0;
}

static int mpr_bpath_register(struct mpr_path *path, u64 old_key, u64 new_key,
			      u32 flags)
{
	struct mpr_bpath *bp = to_bpath(path);
	const struct pr_ops *ops;
	int r;

	r = mpr_bpath_get(bp, &ops);
	if (r)
		return r;
	if (ops && ops->pr_register)
		r = mpr_result_normalise(ops->pr_register(bp->bdev, old_key,
							  new_key, flags));
	else
		r = -EOPNOTSUPP;
	mutex_unlock(&bp->open_lock);
	return r;
}

#ifdef COMPAT_HAVE_PR_READ_KEYS
static int mpr_bpath_read_keys(struct mpr_path *path, struct mpr_keys *keys)
{
	struct mpr_bpath *bp = to_bpath(path);
	const struct pr_ops *ops;
	struct pr_keys *pk;
	u32 room = keys->num_keys;
	int r;

	pk = kzalloc(struct_size(pk, keys, room), GFP_KERNEL);
	if (!pk)
		return -ENOMEM;
	pk->num_keys = room;

	r = mpr_bpath_get(bp, &ops);
	if (r)
		goto out;
	if (ops && ops->pr_read_keys)
		r = mpr_result_normalise(ops->pr_read_keys(bp->bdev, pk));
	else
		r = -EOPNOTSUPP;
	mutex_unlock(&bp->open_lock);
	if (!r) {
		keys->generation = pk->generation;
		keys->num_keys = pk->num_keys;
		memcpy(keys->keys, pk->keys, min(room, pk->num_keys) * sizeof(u64));
	}
out:
	kfree(pk);
	return r;
}
#else
#define MPR_SCSI_TIMEOUT	(30 * HZ)
#define MPR_SCSI_RETRIES	3
#define MPR_PRIN_READ_KEYS	0x00

/**
 * mpr_scsi_read_keys() - PERSISTENT RESERVE IN READ KEYS on a SCSI disk
 * @bdev: the path's block device
 * @keys: result; @keys->num_keys is the room on entry
 *
 * For kernels whose pr_ops have no pr_read_keys (before v6.5). The
 * scsi_device is the parent of an sd disk's device.
 *
 * Return: 0, -errno or PR_STS_*.
 */
static int mpr_scsi_read_keys(struct block_device *bdev, struct mpr_keys *keys)
{
	struct device *parent = disk_to_dev(bdev->bd_disk)->parent;
	u8 cdb[10] = { PERSISTENT_RESERVE_IN, MPR_PRIN_READ_KEYS };
	u32 room = keys->num_keys, len, have, i;
	struct scsi_sense_hdr sshdr;
	struct scsi_device *sdev;
	u8 *buf;
	int r;

	if (!parent || !scsi_is_sdev_device(parent))
		return -EOPNOTSUPP;
	sdev = to_scsi_device(parent);

	len = min_t(u32, 8 + 8 * room, U16_MAX);
	buf = kzalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	put_unaligned_be16(len, &cdb[7]);

	if (scsi_device_get(sdev)) {
		kfree(buf);
		return PR_STS_PATH_FAILED;
	}
#ifdef COMPAT_HAVE_SCSI_EXECUTE_CMD
	{
		const struct scsi_exec_args args = { .sshdr = &sshdr };

		r = scsi_execute_cmd(sdev, cdb, REQ_OP_DRV_IN, buf, len,
				     MPR_SCSI_TIMEOUT, MPR_SCSI_RETRIES, &args);
	}
#else
	r = scsi_execute_req(sdev, cdb, DMA_FROM_DEVICE, buf, len, &sshdr,
			     MPR_SCSI_TIMEOUT, MPR_SCSI_RETRIES, NULL);
#endif
	scsi_device_put(sdev);

	r = mpr_result_normalise(r);
	if (!r) {
		keys->generation = get_unaligned_be32(&buf[0]);
		keys->num_keys = get_unaligned_be32(&buf[4]) / 8;
		have = min3(room, keys->num_keys, (len - 8) / 8);
		for (i = 0; i < have; i++)
			keys->keys[i] = get_unaligned_be64(&buf[8 + 8 * i]);
	}
	kfree(buf);
	return r;
}

static int mpr_bpath_read_keys(struct mpr_path *path, struct mpr_keys *keys)
{
	struct mpr_bpath *bp = to_bpath(path);
	const struct pr_ops *ops;
	int r;

	r = mpr_bpath_get(bp, &ops);
	if (r)
		return r;
	r = mpr_scsi_read_keys(bp->bdev, keys);
	mutex_unlock(&bp->open_lock);
	return r;
}
#endif

static void mpr_bpath_release(struct mpr_path *path)
{
	struct mpr_bpath *bp = to_bpath(path);

	mpr_bpath_close(bp);
	mutex_destroy(&bp->open_lock);
	kfree(bp);
}

static const struct mpr_path_ops mpr_bpath_ops = {
	.pr_register	= mpr_bpath_register,
	.read_keys	= mpr_bpath_read_keys,
	.release	= mpr_bpath_release,
};

/**
 * mpr_path_check_slave() - is a block device a slave of a disk?
 * @disk: the dm disk
 * @devt: the candidate path
 * @name: where the path's name goes
 * @len: room in @name
 *
 * dm links every device its table uses into the disk's "slaves" directory
 * (bd_link_disk_holder()), under the device's kobject name. The block device
 * is found by number in the block class without opening it, so that a path
 * that is offline right now can still be validated.
 *
 * Return: 0, -ENODEV if no block device has that number, -EXDEV if it is
 * not a slave of @disk.
 */
int mpr_path_check_slave(struct gendisk *disk, dev_t devt, char *name,
			 size_t len)
{
	struct kernfs_node *kn;
	struct device *dev;

	dev = class_find_device_by_devt(disk_to_dev(disk)->class, devt);
	if (!dev)
		return -ENODEV;
	strscpy(name, dev_name(dev), len);
	put_device(dev);

	if (!disk->slave_dir)
		return -EXDEV;
	kn = kernfs_find_and_get(disk->slave_dir->sd, name);
	if (!kn)
		return -EXDEV;
	kernfs_put(kn);
	return 0;
}

/**
 * mpr_path_create() - a new path on a block device
 * @devt: the block device number
 * @name: its name, for messages
 *
 * The device is opened now if possible; a path that cannot be opened (an
 * offline SCSI device refuses opens) starts out failed and is opened again
 * by the next command on it.
 *
 * Return: the path with one reference, or NULL without memory.
 */
struct mpr_path *mpr_path_create(dev_t devt, const char *name)
{
	struct mpr_bpath *bp;
	int r;

	bp = kzalloc_obj(*bp, GFP_KERNEL);
	if (!bp)
		return NULL;
	bp->devt = devt;
	mutex_init(&bp->open_lock);
	mpr_path_init(&bp->path, &mpr_bpath_ops, devt, name);

	mutex_lock(&bp->open_lock);
	r = mpr_bpath_open_locked(bp);
	mutex_unlock(&bp->open_lock);
	if (r) {
		DMWARN("path %s (%u:%u) cannot be opened now (%d); marked failed",
		       name, MAJOR(devt), MINOR(devt), r);
		bp->path.state = DM_MPATH_PR_PATH_FAILED;
		bp->path.last_result = r;
	}
	return &bp->path;
}
