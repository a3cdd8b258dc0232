// SPDX-License-Identifier: GPL-2.0
/*
 * Paths as block devices: the backend of the engine's struct mpr_path_ops.
 *
 * A path is opened non-exclusively, read-only (pr_ops do not care about the
 * open mode), and its disk's pr_ops are called directly; on kernels whose sd
 * pr_ops fall short, SCSI paths get the PERSISTENT RESERVE commands through
 * their scsi_device instead. Results are normalised by
 * mpr_result_normalise(), so that they are the same on every kernel.
 *
 * Every command first checks that the path is still what ATTACH or SYNC
 * validated: the same disk (its disk sequence number) and still a slave of
 * the map. A path that is not is never addressed again: the command fails
 * with -ENOLINK (a path error, so the engine moves on to another path) and
 * the hook drops the path from its device.
 */

#include <linux/blkdev.h>
#include <linux/device-mapper.h>
#include <linux/fs.h>
#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/pr.h>
#include <linux/slab.h>
#include <scsi/scsi_proto.h>

#include "engine.h"
#include "hook.h"
#include "path.h"

#define DM_MSG_PREFIX "mpath-pr"

/**
 * enum mpr_bpath_gone - why a path can never be used again
 * @MPR_GONE_NOT: it can be used
 * @MPR_GONE_DELETED: its disk was deleted (del_gendisk(), e.g. the SCSI
 *	device was removed)
 * @MPR_GONE_OTHER_DISK: its device number now belongs to another disk (a
 *	disk sequence number other than the one recorded at ATTACH or SYNC)
 * @MPR_GONE_NOT_SLAVE: the disk is no longer a slave of the map (a table
 *	reload without it, and no SYNC since)
 */
enum mpr_bpath_gone {
	MPR_GONE_NOT,
	MPR_GONE_DELETED,
	MPR_GONE_OTHER_DISK,
	MPR_GONE_NOT_SLAVE,
};

/**
 * struct mpr_bpath - a path that is a block device
 * @path: the engine's part
 * @devt: the block device number
 * @diskseq: the disk sequence number of the disk that had @devt when
 *	ATTACH or SYNC validated the path
 * @map: the dm disk; valid while the path's device is attached, which
 *	is as long as commands run on the path
 * @map_devt: its device number
 * @open_lock: protects @handle and @bdev
 * @handle: what the open returned (a file on v6.9+, else the bdev)
 * @bdev: the open block device, or NULL while it cannot be opened
 * @gone: enum mpr_bpath_gone; once set, it stays, but for
 *	MPR_GONE_NOT_SLAVE of a path that departed (&mpr_path.departed):
 *	leaving the map is what departing means
 */
struct mpr_bpath {
	struct mpr_path path;
	dev_t devt;
	u64 diskseq;
	struct gendisk *map;
	dev_t map_devt;
	struct mutex open_lock;	/* opens and closes of @bdev */
#ifdef COMPAT_HAVE_BDEV_FILE_OPEN_BY_DEV
	struct file *handle;
#else
	struct block_device *handle;
#endif
	struct block_device *bdev;
	int gone;
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

/**
 * mpr_slave_link_is() - is a block device linked into a disk's slaves?
 * @disk: the dm disk
 * @kobj: the block device's kobject (bdev_kobj())
 *
 * bd_link_disk_holder() links every device of a dm table into the dm
 * disk's "slaves" directory, under the device's kobject name, pointing at
 * the device's sysfs directory. The name alone could be a stale link of
 * a deleted disk whose name a new disk took: the link must point at
 * @kobj itself.
 *
 * Caller keeps @disk->slave_dir alive: it holds the mapped device
 * (dm_get_md()), and dm deletes the disk only after such holds are gone.
 *
 * Return: true if @kobj is a slave of @disk.
 */
static bool mpr_slave_link_is(struct gendisk *disk, struct kobject *kobj)
{
	struct kernfs_node *kn, *target = READ_ONCE(kobj->sd);
	bool r;

	if (!disk->slave_dir || !target)
		return false;
	kn = kernfs_find_and_get(disk->slave_dir->sd, kobject_name(kobj));
	if (!kn)
		return false;
	r = kernfs_type(kn) == KERNFS_LINK && kn->symlink.target_kn == target;
	kernfs_put(kn);
	return r;
}

/**
 * mpr_bpath_identity() - is the open path still the one userspace gave?
 * @bp: the path, open, open_lock held
 *
 * Checked before every command: the disk is live, it is the disk ATTACH
 * or SYNC validated (same disk sequence number: a deleted disk's device
 * number can be reused by another disk, a LUN can be remapped), and it is
 * still a slave of the map (a table reload may have dropped it).
 *
 * Return: MPR_GONE_NOT, another enum mpr_bpath_gone, or -ENODEV if the map
 * itself is being removed (the attachment goes with it).
 */
static int mpr_bpath_identity(struct mpr_bpath *bp)
{
	struct gendisk *disk = bp->bdev->bd_disk;
	struct mapped_device *md;
	bool slave;

	if (!disk_live(disk))
		return MPR_GONE_DELETED;
	if (disk->diskseq != bp->diskseq)
		return MPR_GONE_OTHER_DISK;
	/* A departed path is no slave any more; it is still its disk. */
	if (READ_ONCE(bp->path.departed))
		return MPR_GONE_NOT;
	md = dm_get_md(bp->map_devt);
	if (!md)
		return -ENODEV;
	slave = dm_disk(md) == bp->map &&
		mpr_slave_link_is(bp->map, bdev_kobj(bp->bdev));
	dm_put(md);
	return slave ? MPR_GONE_NOT : MPR_GONE_NOT_SLAVE;
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

/* Kernels whose sd pr_ops fall short: see path-scsi.c. */
#include "path-scsi.h"

/*
 * Every PR command of a path: the path's pr_ops, or, where those fall
 * short (see above), the SCSI command itself.
 */
enum mpr_bpath_op {
	MPR_BP_REGISTER,
	MPR_BP_RESERVE,
	MPR_BP_RELEASE,
	MPR_BP_PREEMPT,
	MPR_BP_CLEAR,
	MPR_BP_READ_KEYS,
	MPR_BP_READ_RESV,
};

/**
 * struct mpr_bpath_args - arguments of one command
 * @key: reservation key (REGISTER: old key)
 * @sa_key: REGISTER: new key; PREEMPT: the key preempted
 * @type: reservation type
 * @flags: pr_ops flags
 * @abort: PREEMPT AND ABORT
 * @keys: READ KEYS answer
 * @rsv: READ RESERVATION answer
 */
struct mpr_bpath_args {
	u64 key;
	u64 sa_key;
	enum pr_type type;
	u32 flags;
	bool abort;
	struct mpr_keys *keys;
	struct mpr_resv *rsv;
};

#ifdef MPR_SCSI
/* mpr_bpath_scsi() leaves the command to pr_ops. */
#define MPR_SCSI_NOT_HANDLED	1

/* The SCSI command for @op, or MPR_SCSI_NOT_HANDLED. */
static int mpr_bpath_scsi(struct block_device *bdev, enum mpr_bpath_op op,
			  const struct mpr_bpath_args *a)
{
	struct scsi_device *sdev = mpr_scsi_dev(bdev);

	if (!sdev)
		return MPR_SCSI_NOT_HANDLED;
	switch (op) {
#ifndef COMPAT_HAVE_PR_STATUS
	case MPR_BP_REGISTER:
		/* APTPL, as sd sets it. */
		return mpr_scsi_pr_out(sdev, a->flags & PR_FL_IGNORE_KEY ?
				       MPR_PROUT_REG_IGNORE : MPR_PROUT_REGISTER,
				       a->key, a->sa_key, 0, MPR_PROUT_APTPL);
	case MPR_BP_RESERVE:
		return mpr_scsi_pr_out(sdev, MPR_PROUT_RESERVE, a->key, 0,
				       a->type, 0);
	case MPR_BP_RELEASE:
		return mpr_scsi_pr_out(sdev, MPR_PROUT_RELEASE, a->key, 0,
				       a->type, 0);
	case MPR_BP_PREEMPT:
		return mpr_scsi_pr_out(sdev, a->abort ? MPR_PROUT_PREEMPT_ABORT :
				       MPR_PROUT_PREEMPT, a->key, a->sa_key,
				       a->type, 0);
	case MPR_BP_CLEAR:
		return mpr_scsi_pr_out(sdev, MPR_PROUT_CLEAR, a->key, 0, 0, 0);
#endif
#ifndef COMPAT_HAVE_PR_READ_KEYS
	case MPR_BP_READ_KEYS:
		return mpr_scsi_read_keys(sdev, a->keys);
	case MPR_BP_READ_RESV:
		return mpr_scsi_read_resv(sdev, a->rsv);
#endif
	default:
		return MPR_SCSI_NOT_HANDLED;
	}
}
#endif

/* The command through the path disk's pr_ops. */
static int mpr_bpath_pr_ops(struct block_device *bdev,
			    const struct pr_ops *ops, enum mpr_bpath_op op,
			    const struct mpr_bpath_args *a)
{
	int r = -EOPNOTSUPP;

	if (!ops)
		return r;
	switch (op) {
	case MPR_BP_REGISTER:
		if (ops->pr_register)
			r = ops->pr_register(bdev, a->key, a->sa_key, a->flags);
		break;
	case MPR_BP_RESERVE:
		if (ops->pr_reserve)
			r = ops->pr_reserve(bdev, a->key, a->type, a->flags);
		break;
	case MPR_BP_RELEASE:
		if (ops->pr_release)
			r = ops->pr_release(bdev, a->key, a->type);
		break;
	case MPR_BP_PREEMPT:
		/* The abort flag goes down as given (dm's own drops it). */
		if (ops->pr_preempt)
			r = ops->pr_preempt(bdev, a->key, a->sa_key, a->type,
					    a->abort);
		break;
	case MPR_BP_CLEAR:
		if (ops->pr_clear)
			r = ops->pr_clear(bdev, a->key);
		break;
#ifdef COMPAT_HAVE_PR_READ_KEYS
	case MPR_BP_READ_KEYS: {
		u32 room = a->keys->num_keys;
		struct pr_keys *pk;

		if (!ops->pr_read_keys)
			break;
		pk = kzalloc(struct_size(pk, keys, room), GFP_KERNEL);
		if (!pk)
			return -ENOMEM;
		pk->num_keys = room;
		r = ops->pr_read_keys(bdev, pk);
		if (!r) {
			a->keys->generation = pk->generation;
			a->keys->num_keys = pk->num_keys;
			memcpy(a->keys->keys, pk->keys,
			       min(room, pk->num_keys) * sizeof(u64));
		}
		kfree(pk);
		break;
	}
	case MPR_BP_READ_RESV: {
		struct pr_held_reservation h = { 0 };

		if (!ops->pr_read_reservation)
			break;
		r = ops->pr_read_reservation(bdev, &h);
		if (!r) {
			a->rsv->key = h.key;
			a->rsv->generation = h.generation;
			a->rsv->type = h.type;
		}
		break;
	}
#endif
	default:
		break;
	}
	return r;
}

static int mpr_bpath_do(struct mpr_path *path, enum mpr_bpath_op op,
			const struct mpr_bpath_args *a)
{
	struct mpr_bpath *bp = to_bpath(path);
	bool departed = READ_ONCE(path->departed);
	const struct pr_ops *ops;
	bool died = false;
	int r;

	/*
	 * A path that left the map gets one command only: a REGISTER with
	 * the new key 0, which unregisters its nexus and can add nothing.
	 */
	if (departed && (op != MPR_BP_REGISTER || a->sa_key))
		return -EPERM;
	r = mpr_bpath_get(bp, &ops);
	if (r)
		return r;
	/* It left because it is no slave: it may still be its disk. */
	if (departed && bp->gone == MPR_GONE_NOT_SLAVE)
		WRITE_ONCE(bp->gone, MPR_GONE_NOT);
	if (!bp->gone) {
		r = mpr_bpath_identity(bp);
		if (r < 0) {
			mutex_unlock(&bp->open_lock);
			return r;
		}
		died = r != MPR_GONE_NOT;
		if (died)
			WRITE_ONCE(bp->gone, r);
	}
	if (bp->gone) {
		/* Never addressed again; only a SYNC can add the device. */
		r = mpr_path_dead_result(path);
		mutex_unlock(&bp->open_lock);
		if (died)
			mpr_hook_path_died();
		return r;
	}
#ifdef MPR_SCSI
	r = mpr_bpath_scsi(bp->bdev, op, a);
	if (r == MPR_SCSI_NOT_HANDLED)
		r = mpr_result_normalise(mpr_bpath_pr_ops(bp->bdev, ops, op, a));
#else
	r = mpr_result_normalise(mpr_bpath_pr_ops(bp->bdev, ops, op, a));
#endif
	/*
	 * A deleted disk stays dead: a new disk with the same number is
	 * another device, which only a SYNC from userspace can add. Have the
	 * path dropped from its device.
	 */
	died = r && !disk_live(bp->bdev->bd_disk);
	if (died)
		WRITE_ONCE(bp->gone, MPR_GONE_DELETED);
	mutex_unlock(&bp->open_lock);
	if (died) {
		mpr_hook_path_died();
		r = -ENODEV;
	}
	return r;
}

static int mpr_bpath_register(struct mpr_path *path, u64 old_key, u64 new_key,
			      u32 flags)
{
	const struct mpr_bpath_args a = {
		.key = old_key, .sa_key = new_key, .flags = flags,
	};

	return mpr_bpath_do(path, MPR_BP_REGISTER, &a);
}

static int mpr_bpath_reserve(struct mpr_path *path, u64 key,
			     enum pr_type type, u32 flags)
{
	const struct mpr_bpath_args a = {
		.key = key, .type = type, .flags = flags,
	};

	return mpr_bpath_do(path, MPR_BP_RESERVE, &a);
}

static int mpr_bpath_release_resv(struct mpr_path *path, u64 key,
				  enum pr_type type)
{
	const struct mpr_bpath_args a = { .key = key, .type = type };

	return mpr_bpath_do(path, MPR_BP_RELEASE, &a);
}

static int mpr_bpath_preempt(struct mpr_path *path, u64 old_key, u64 new_key,
			     enum pr_type type, bool abort)
{
	const struct mpr_bpath_args a = {
		.key = old_key, .sa_key = new_key, .type = type, .abort = abort,
	};

	return mpr_bpath_do(path, MPR_BP_PREEMPT, &a);
}

static int mpr_bpath_clear(struct mpr_path *path, u64 key)
{
	const struct mpr_bpath_args a = { .key = key };

	return mpr_bpath_do(path, MPR_BP_CLEAR, &a);
}

static int mpr_bpath_read_keys(struct mpr_path *path, struct mpr_keys *keys)
{
	const struct mpr_bpath_args a = { .keys = keys };

	return mpr_bpath_do(path, MPR_BP_READ_KEYS, &a);
}

static int mpr_bpath_read_resv(struct mpr_path *path, struct mpr_resv *rsv)
{
	const struct mpr_bpath_args a = { .rsv = rsv };

	return mpr_bpath_do(path, MPR_BP_READ_RESV, &a);
}

static void mpr_bpath_free(struct mpr_path *path)
{
	struct mpr_bpath *bp = to_bpath(path);

	mpr_bpath_close(bp);
	mutex_destroy(&bp->open_lock);
	kfree(bp);
}

static const struct mpr_path_ops mpr_bpath_ops = {
	.pr_register		= mpr_bpath_register,
	.pr_reserve		= mpr_bpath_reserve,
	.pr_release		= mpr_bpath_release_resv,
	.pr_preempt		= mpr_bpath_preempt,
	.pr_clear		= mpr_bpath_clear,
	.read_keys		= mpr_bpath_read_keys,
	.read_reservation	= mpr_bpath_read_resv,
	.free			= mpr_bpath_free,
};

/**
 * mpr_path_is_dead() - can the path never be used again?
 * @path: a path made by mpr_path_create()
 *
 * Return: true once a command found the path's disk deleted, or the path
 * no longer the disk or the slave of the map that ATTACH or SYNC validated;
 * it stays true.
 */
bool mpr_path_is_dead(struct mpr_path *path)
{
	return READ_ONCE(to_bpath(path)->gone) != MPR_GONE_NOT;
}

/**
 * mpr_path_left_map() - is the path dead only because it left the map?
 * @path: a path made by mpr_path_create()
 *
 * Return: true if its disk is still the one validated, but no longer a
 * slave of the map: it departs (mpr_engine_depart_path()) rather than
 * being forgotten, so that it gives up the host's key.
 */
bool mpr_path_left_map(struct mpr_path *path)
{
	return READ_ONCE(to_bpath(path)->gone) == MPR_GONE_NOT_SLAVE;
}

/**
 * mpr_path_dead_reason() - why mpr_path_is_dead(), for messages
 * @path: a path made by mpr_path_create()
 *
 * Return: a static string.
 */
const char *mpr_path_dead_reason(struct mpr_path *path)
{
	switch (READ_ONCE(to_bpath(path)->gone)) {
	case MPR_GONE_DELETED:
		return "its disk was deleted";
	case MPR_GONE_OTHER_DISK:
		return "its device number belongs to another disk now";
	case MPR_GONE_NOT_SLAVE:
		return "it is no longer a slave of the map (table reloaded without it, no sync)";
	default:
		return "it is usable";
	}
}

/**
 * mpr_path_dead_result() - what commands on a dead path fail with
 * @path: a path made by mpr_path_create(), mpr_path_is_dead()
 *
 * Return: -ENODEV if its disk was deleted, else -ENOLINK.
 */
int mpr_path_dead_result(struct mpr_path *path)
{
	return READ_ONCE(to_bpath(path)->gone) == MPR_GONE_DELETED ? -ENODEV :
	       -ENOLINK;
}

/**
 * mpr_path_diskseq() - the disk sequence number recorded for the path
 * @path: a path made by mpr_path_create()
 *
 * Return: the disk sequence number ATTACH or SYNC validated.
 */
u64 mpr_path_diskseq(struct mpr_path *path)
{
	return to_bpath(path)->diskseq;
}

/**
 * mpr_path_check_slave() - is a block device a slave of a disk?
 * @disk: the dm disk
 * @devt: the candidate path
 * @name: where the path's name goes
 * @len: room in @name
 * @diskseq: where the disk sequence number of the path's disk goes
 *
 * dm links every device its table uses into the disk's "slaves" directory
 * (bd_link_disk_holder()), under the device's kobject name. The block device
 * is found by number in the block class without opening it, so that a path
 * that is offline right now can still be validated; the link must point at
 * that very device. Caller holds the mapped device (dm_get_md()).
 *
 * Return: 0, -ENODEV if no block device has that number, -EXDEV if it is
 * not a slave of @disk.
 */
int mpr_path_check_slave(struct gendisk *disk, dev_t devt, char *name,
			 size_t len, u64 *diskseq)
{
	struct device *dev;
	bool slave;

	dev = class_find_device_by_devt(disk_to_dev(disk)->class, devt);
	if (!dev)
		return -ENODEV;
	strscpy(name, dev_name(dev), len);
	*diskseq = dev_to_disk(dev)->diskseq;
	slave = mpr_slave_link_is(disk, &dev->kobj);
	put_device(dev);
	return slave ? 0 : -EXDEV;
}

/**
 * mpr_path_per_host() - are the registrations of a path's transport per host?
 * @disk: the dm disk (for the block device class)
 * @devt: the path's block device
 *
 * NVMe reservations belong to the host (its Host Identifier), whichever
 * controller a command comes through; SCSI ones belong to each I_T nexus.
 * An NVMe namespace's disk is a child of its controller (class "nvme"; of
 * the subsystem, class "nvme-subsystem", under NVMe's own multipathing).
 * Every other transport is taken to follow SPC-4: registrations per nexus.
 * The engine is told, never left to guess from answers (a SCSI nexus that
 * lost its key answers like a per-host registration would).
 *
 * Return: true for an NVMe namespace.
 */
bool mpr_path_per_host(struct gendisk *disk, dev_t devt)
{
	const struct device *parent;
	struct device *dev;
	bool nvme = false;

	dev = class_find_device_by_devt(disk_to_dev(disk)->class, devt);
	if (!dev)
		return false;
	parent = dev->parent;
	if (parent && parent->class)
		nvme = !strcmp(parent->class->name, "nvme") ||
		       !strcmp(parent->class->name, "nvme-subsystem");
	put_device(dev);
	return nvme;
}

/**
 * mpr_path_create() - a new path on a block device
 * @devt: the block device number
 * @name: its name, for messages
 * @diskseq: the disk sequence number mpr_path_check_slave() found
 * @map: the dm disk the path must stay a slave of
 *
 * The device is opened now if possible; a path that cannot be opened (an
 * offline SCSI device refuses opens) starts out failed and is opened again
 * by the next command on it.
 *
 * Return: the path with one reference, or NULL without memory.
 */
struct mpr_path *mpr_path_create(dev_t devt, const char *name, u64 diskseq,
				 struct gendisk *map)
{
	struct mpr_bpath *bp;
	int r;

	bp = kzalloc_obj(*bp, GFP_KERNEL);
	if (!bp)
		return NULL;
	bp->devt = devt;
	bp->diskseq = diskseq;
	bp->map = map;
	bp->map_devt = disk_devt(map);
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
