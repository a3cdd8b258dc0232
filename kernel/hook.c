// SPDX-License-Identifier: GPL-2.0
/*
 * Attachments: the module interposes on one dm-multipath gendisk at a time
 * by publishing a copy of the disk's block_device_operations whose pr_ops
 * point here and whose free_disk tells us when the disk goes away. Every
 * other member, owner included, is copied unchanged.
 *
 * Lifetime, in short (Documentation/kernel.md has the long version):
 *  - the first publication of our pr_ops pins the module until reboot
 *    (mpr_pin());
 *  - every pr_ops entry point (entry.c) looks the attachment up inside
 *    mpr_srcu and runs the operation inside the attachment's own SRCU
 *    domain; detach unpublishes it, then waits for mpr_srcu (lookups only)
 *    and for the device's own callers, so a caller that enters after that
 *    finds nothing and uses the disk's original pr_ops. No wait of one
 *    device holds up another: mpr_attach_lock is never held across one;
 *  - the engine is halted before DETACH answers; a work item waits for the
 *    path commands still in flight and frees the attachment;
 *  - the fops copy is freed after an RCU-tasks grace period, because
 *    callers load disk->fops and dereference it outside any lock;
 *  - so module exit runs only if nothing was ever attached.
 */

#include <linux/blkdev.h>
#include <linux/device-mapper.h>
#include <linux/dm-ioctl.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/pr.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/workqueue.h>

#include "attach.h"
#include "dm-internal.h"
#include "engine.h"
#include "hook.h"
#include "main.h"
#include "netlink.h"
#include "path.h"
#include "sgio.h"

#define DM_MSG_PREFIX "mpath-pr"

#define MPR_UUID_PREFIX "mpath-"

/**
 * struct mpr_path_seen - what validating a path of ATTACH or SYNC found
 * @name: the path's kobject name ("sdc")
 * @diskseq: the disk sequence number of its disk
 */
struct mpr_path_seen {
	char name[32];
	u64 diskseq;
};

/* Serialises attach, detach, free_disk and walks of the list. */
DEFINE_MUTEX(mpr_attach_lock);
LIST_HEAD(mpr_attachments);
/*
 * Changes of the list or of a path list, under mpr_attach_lock: a dump
 * that sees it change is flagged NLM_F_DUMP_INTR. Never 0 (0 is "no
 * generation" to genl_dump_check_consistent()).
 */
unsigned int mpr_attach_gen = 1;

/**
 * mpr_attach_changed() - the list or a path list changed
 *
 * Caller holds mpr_attach_lock.
 */
void mpr_attach_changed(void)
{
	lockdep_assert_held(&mpr_attach_lock);
	if (!++mpr_attach_gen)
		mpr_attach_gen = 1;
}

/* Readers: the lookups of the pr_ops entry points. */
struct srcu_struct mpr_srcu;
/* Path commands and probes of every attachment. */
static struct workqueue_struct *mpr_wq;

static void mpr_reap_fn(struct work_struct *work);
/*
 * Drops the paths that can never be used again (disk deleted, or not the
 * disk or not the slave of the map that ATTACH or SYNC validated) from
 * every attachment.
 */
static DECLARE_WORK(mpr_reap_work, mpr_reap_fn);

struct mpr_attach *mpr_attach_find_locked(struct gendisk *disk)
{
	struct mpr_attach *att;

	lockdep_assert_held(&mpr_attach_lock);
	list_for_each_entry(att, &mpr_attachments, node)
		if (att->disk == disk)
			return att;
	return NULL;
}

/**
 * mpr_dm_suspend() - &mpr_dev_ops.suspend: internal suspend of the map
 * @eng: the attachment's engine, op_mutex held
 *
 * dm_internal_suspend_noflush() waits for the I/O in flight and holds new
 * I/O back without failing it (multipath requeues); the paths themselves,
 * which the engine's PR commands go to directly, are not affected. The
 * mapped device is held only until mpr_dm_resume(): a dm device being
 * removed cannot be taken (-ENODEV), and its removal waits for the hold.
 *
 * Return: 0 or -ENODEV.
 */
static int mpr_dm_suspend(struct mpr_engine *eng)
{
	struct mpr_attach *att = container_of(eng, struct mpr_attach, eng);
	struct mapped_device *md;

	md = dm_get_md(att->devt);
	if (!md)
		return -ENODEV;
	dm_internal_suspend_noflush(md);
	att->suspended = md;
	return 0;
}

/**
 * mpr_dm_resume() - &mpr_dev_ops.resume
 * @eng: the attachment's engine, op_mutex held
 */
static void mpr_dm_resume(struct mpr_engine *eng)
{
	struct mpr_attach *att = container_of(eng, struct mpr_attach, eng);
	struct mapped_device *md = att->suspended;

	att->suspended = NULL;
	dm_internal_resume(md);
	dm_put(md);
}

/**
 * mpr_dm_event() - &mpr_dev_ops.event: tell the "events" group
 * @eng: the attachment's engine
 * @ev: what happened
 *
 * The engine calls this in process context without its lock, while the
 * attachment exists (teardown stops the engine before it frees it).
 */
static void mpr_dm_event(struct mpr_engine *eng, const struct mpr_event *ev)
{
	struct mpr_attach *att = container_of(eng, struct mpr_attach, eng);

	/* After DETACHED, userspace hears nothing more of this attachment. */
	if (READ_ONCE(att->halted))
		return;
	mpr_netlink_event(att->devt, att->name, ev);
}

static const struct mpr_dev_ops mpr_dm_ops = {
	.suspend	= mpr_dm_suspend,
	.resume		= mpr_dm_resume,
	.event		= mpr_dm_event,
};

/*
 * Hold the dm device while attach or detach works on it. dm waits for such
 * holds before it destroys a device, so free_disk cannot run concurrently;
 * the hold is dropped before returning, never kept.
 */
struct mapped_device *mpr_get_md(dev_t dev, const struct nlattr *attr,
				 struct netlink_ext_ack *extack)
{
	struct mapped_device *md = dm_get_md(dev);

	if (!md) {
		NL_SET_BAD_ATTR(extack, attr);
		mpr_set_err(extack, "no such device-mapper device", "%u:%u",
			    MAJOR(dev), MINOR(dev));
	}
	return md;
}

static int mpr_check_mpath(struct mapped_device *md, struct gendisk *disk,
			   const struct nlattr *attr,
			   struct netlink_ext_ack *extack)
{
	char name[DM_NAME_LEN], uuid[DM_UUID_LEN];

	if (dm_copy_name_and_uuid(md, name, uuid)) {
		NL_SET_BAD_ATTR(extack, attr);
		NL_SET_ERR_MSG_MOD(extack, "device-mapper device has no name");
		return -ENODEV;
	}
	if (strncmp(uuid, MPR_UUID_PREFIX, strlen(MPR_UUID_PREFIX))) {
		NL_SET_BAD_ATTR(extack, attr);
		mpr_set_err(extack, "not a multipath map (uuid not mpath-*)",
			    "%s", disk->disk_name);
		return -EINVAL;
	}
	if (!get_capacity(disk)) {
		NL_SET_BAD_ATTR(extack, attr);
		mpr_set_err(extack, "multipath map has no live table", "%s",
			    disk->disk_name);
		return -ENXIO;
	}
	return 0;
}

/* Validate the path list; @seen gets each path's name and diskseq. */
static int mpr_check_paths(const struct mpr_attach_req *req,
			   struct gendisk *disk, struct mpr_path_seen *seen,
			   struct netlink_ext_ack *extack)
{
	unsigned int i, j;
	int r;

	if (!req->nr_paths) {
		NL_SET_ERR_MSG_MOD(extack, "at least one path is required");
		return -EINVAL;
	}
	for (i = 0; i < req->nr_paths; i++) {
		dev_t p = req->paths[i];

		for (j = 0; j < i; j++) {
			if (req->paths[j] == p) {
				NL_SET_BAD_ATTR(extack, req->path_attrs[i]);
				mpr_set_err(extack, "path given twice",
					    "%u:%u", MAJOR(p), MINOR(p));
				return -EINVAL;
			}
		}
		r = mpr_path_check_slave(disk, p, seen[i].name,
					 sizeof(seen[i].name), &seen[i].diskseq);
		if (r == -ENODEV) {
			NL_SET_BAD_ATTR(extack, req->path_attrs[i]);
			mpr_set_err(extack, "no such block device", "%u:%u",
				    MAJOR(p), MINOR(p));
			return r;
		}
		if (r) {
			NL_SET_BAD_ATTR(extack, req->path_attrs[i]);
			mpr_set_err(extack, "path is not a slave of the device",
				    "%s not in %s/slaves", seen[i].name,
				    disk->disk_name);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Add the paths of @req that @att does not have. A path it has under the
 * same number but for another disk (another disk sequence number), or one
 * that can never be used again, is replaced: the number is a new device.
 */
static int mpr_add_paths(struct mpr_attach *att,
			 const struct mpr_attach_req *req,
			 const struct mpr_path_seen *seen)
{
	unsigned int i;

	for (i = 0; i < req->nr_paths; i++) {
		struct mpr_path *path = mpr_engine_find_path(&att->eng,
							     req->paths[i]);

		if (path && !mpr_path_is_dead(path) &&
		    mpr_path_diskseq(path) == seen[i].diskseq) {
			mpr_path_put(path);
			continue;
		}
		if (path) {
			DMINFO("%s: path %s replaced: %s is another disk now",
			       att->name, path->name, seen[i].name);
			mpr_engine_remove_path(&att->eng, path);
			mpr_path_put(path);
		}
		path = mpr_path_create(req->paths[i], seen[i].name,
				       seen[i].diskseq, att->disk);
		if (!path)
			return -ENOMEM;
		mpr_engine_add_path(&att->eng, path);
	}
	/* The paths of a map share one transport. */
	if (req->nr_paths)
		mpr_engine_set_per_host(&att->eng,
					mpr_path_per_host(att->disk,
							  req->paths[0]));
	return 0;
}

/* ATTACH on an attached device: make the path list what userspace says. */
static int mpr_attach_sync(struct mpr_attach *att,
			   const struct mpr_attach_req *req,
			   const struct mpr_path_seen *seen)
{
	u64 ids[DM_MPATH_PR_MAX_PATHS];
	unsigned int i;
	int r;

	for (i = 0; i < req->nr_paths; i++)
		ids[i] = req->paths[i];
	mpr_engine_retain_paths(&att->eng, ids, req->nr_paths);
	r = mpr_add_paths(att, req, seen);
	mpr_attach_changed();
	if (req->has_key)
		mpr_engine_adopt_key(&att->eng, req->key);
	mpr_engine_kick(&att->eng);
	DMINFO("%s: path list synced, %u path(s)", att->name, req->nr_paths);
	return r;
}

/**
 * mpr_pin() - keep the module loaded until reboot
 *
 * Called before our pr_ops are published in a disk's operations for the
 * first time. From then on any caller may hold a pointer into the module
 * and call through it at any later time: block/ioctl.c loads
 * disk->fops->pr_ops, then copies the ioctl argument from user space
 * (which can sleep on a fault), then calls; LIO's iblock pass-through and
 * nfsd's pNFS block layout load the ops and allocate before the call.
 * Neither SRCU in the entry points (the caller is not in them yet) nor an
 * RCU-tasks grace period (a voluntary sleep is a quiescent state for it)
 * covers such a caller, so no moment after the publication is provably
 * free of them, and module text must never go away: the module takes a
 * reference on itself that it never drops. rmmod gets EBUSY from then on,
 * detached or not (Documentation/kernel.md, "Lifetime").
 *
 * Caller holds mpr_attach_lock.
 *
 * Return: true if this call pinned the module (mpr_unpin() undoes it while
 * nothing was published yet).
 */
static bool mpr_pin(void)
{
	lockdep_assert_held(&mpr_attach_lock);
	if (mpr_pinned)
		return false;
	__module_get(THIS_MODULE);
	WRITE_ONCE(mpr_pinned, true);
	return true;
}

/*
 * Undo mpr_pin() when the publication it was for did not happen. Runs in a
 * netlink handler: module exit unregisters the family first.
 */
static void mpr_unpin(void)
{
	lockdep_assert_held(&mpr_attach_lock);
	WRITE_ONCE(mpr_pinned, false);
	module_put(THIS_MODULE);
}

static int mpr_attach_new(struct gendisk *disk,
			  const struct mpr_attach_req *req,
			  const struct mpr_path_seen *seen,
			  struct netlink_ext_ack *extack)
{
	const struct block_device_operations *orig = READ_ONCE(disk->fops);
	struct mpr_attach *att;
	bool pinned;
	int r;

	if (orig->pr_ops == &mpr_pr_ops) {
		mpr_set_err(extack, "device operations are a copy of ours",
			    "%s", disk->disk_name);
		return -EBUSY;
	}

	att = kzalloc_obj(*att, GFP_KERNEL);
	if (!att)
		return -ENOMEM;
	att->fops = kmalloc_obj(*att->fops, GFP_KERNEL);
	if (!att->fops) {
		kfree(att);
		return -ENOMEM;
	}
	r = init_srcu_struct(&att->srcu);
	if (r) {
		kfree(att->fops);
		kfree(att);
		return r;
	}
	INIT_WORK(&att->free_work, mpr_attach_free_work);
	att->disk = disk;
	att->devt = disk_devt(disk);
	strscpy(att->name, disk->disk_name, sizeof(att->name));
	att->params.op_timeout_ms = READ_ONCE(mpr_params.op_timeout_ms);
	att->params.probe_interval_ms = READ_ONCE(mpr_params.probe_interval_ms);
	att->params.audit_interval_ms = READ_ONCE(mpr_params.audit_interval_ms);
	att->params.single_holder = READ_ONCE(mpr_params.single_holder);
	att->params.sgio = true;
	mpr_engine_init(&att->eng, att->name, &att->params, &mpr_dm_ops,
			mpr_wq);

	r = mpr_add_paths(att, req, seen);
	if (r)
		goto err;

	att->orig_fops = orig;
	att->fops->ops = *orig;
	att->fops->ops.pr_ops = &mpr_pr_ops;
	att->fops->ops.ioctl = mpr_blk_ioctl;
	att->fops->ops.free_disk = mpr_free_disk;

	/*
	 * The attachment is findable before the copy is published, and stays
	 * so until after it is unpublished: whoever finds our pr_ops in
	 * disk->fops finds the attachment too. The module is pinned before
	 * anyone can load our pr_ops.
	 */
	pinned = mpr_pin();
	list_add_tail_rcu(&att->node, &mpr_attachments);
	if (cmpxchg(&disk->fops, orig, &att->fops->ops) != orig) {
		/* A caller holding an older copy may have found @att. */
		list_del_rcu(&att->node);
		synchronize_srcu(&mpr_srcu);
		synchronize_srcu(&att->srcu);
		if (pinned)
			mpr_unpin();
		mpr_set_err(extack, "device operations changed during attach",
			    "%s", disk->disk_name);
		r = -EBUSY;
		goto err;
	}

	mpr_attach_changed();
	if (req->has_key)
		mpr_engine_adopt_key(&att->eng, req->key);
	mpr_engine_kick(&att->eng);
	DMINFO("%s: attached, %u path(s)", att->name, req->nr_paths);
	if (pinned)
		DMINFO("module pinned: it cannot be unloaded until reboot");
	return 0;

err:
	mpr_engine_stop(&att->eng);
	cleanup_srcu_struct(&att->srcu);
	kfree(att->fops);
	kfree(att);
	return r;
}

/**
 * mpr_hook_attach() - ATTACH: interpose on a dm-multipath disk, or sync it
 * @req: device, paths and optional key; SYNC if @req->sync_only
 * @extack: for the reason of a rejection
 *
 * Return: 0 or -errno.
 */
int mpr_hook_attach(const struct mpr_attach_req *req,
		    struct netlink_ext_ack *extack)
{
	struct mpr_path_seen *seen;
	struct mapped_device *md;
	struct mpr_attach *att;
	struct gendisk *disk;
	int r;

	seen = kcalloc(DM_MPATH_PR_MAX_PATHS, sizeof(*seen), GFP_KERNEL);
	if (!seen)
		return -ENOMEM;

again:
	mutex_lock(&mpr_attach_lock);
	md = mpr_get_md(req->dev, req->dev_attr, extack);
	if (!md) {
		r = -ENODEV;
		goto out;
	}
	disk = dm_disk(md);
	if (!req->sync_only && mpr_attach_dying(disk)) {
		/*
		 * Its last attachment still has commands in flight: wait
		 * until they ended, or the caller gives up.
		 */
		unsigned long gen = mpr_detach_gen;

		dm_put(md);
		mutex_unlock(&mpr_attach_lock);
		r = wait_event_killable(mpr_detach_wq,
					READ_ONCE(mpr_detach_gen) != gen);
		if (r) {
			kfree(seen);
			return -EINTR;
		}
		goto again;
	}
	r = mpr_check_mpath(md, disk, req->dev_attr, extack);
	if (!r)
		r = mpr_check_paths(req, disk, seen, extack);
	if (!r) {
		att = mpr_attach_find_locked(disk);
		if (att) {
			r = mpr_attach_sync(att, req, seen);
		} else if (req->sync_only) {
			NL_SET_BAD_ATTR(extack, req->dev_attr);
			mpr_set_err(extack, "device is not attached", "%s",
				    disk->disk_name);
			r = -ENOENT;
		} else {
			r = mpr_attach_new(disk, req, seen, extack);
		}
	}
	dm_put(md);
out:
	mutex_unlock(&mpr_attach_lock);
	kfree(seen);
	return r;
}

/*
 * Tell the events group that a path that is being dropped failed, unless
 * the engine reported it failed already: the drop may come before the
 * operation whose command found the path unusable noted the result.
 */
static void mpr_attach_report_dropped(struct mpr_attach *att,
				      struct mpr_path *path)
{
	struct mpr_event ev = {
		.type = MPR_EV_PATH_FAILED,
		.path = path,
		.result = mpr_path_dead_result(path),
	};
	bool reported;

	spin_lock(&att->eng.lock);
	reported = path->ev_state == DM_MPATH_PR_PATH_FAILED;
	ev.key = att->eng.key;
	spin_unlock(&att->eng.lock);
	if (!reported)
		mpr_netlink_event(att->devt, att->name, &ev);
}

/* Forget the dead paths of @att; caller holds mpr_attach_lock. */
static void mpr_attach_reap(struct mpr_attach *att)
{
	u64 ids[DM_MPATH_PR_MAX_PATHS];
	struct mpr_path *path;
	unsigned int nr = 0, i;

	lockdep_assert_held(&mpr_attach_lock);
	spin_lock(&att->eng.lock);
	list_for_each_entry(path, &att->eng.paths, node)
		if (nr < ARRAY_SIZE(ids) && mpr_path_is_dead(path))
			ids[nr++] = path->id;
	spin_unlock(&att->eng.lock);

	/* Only holders of mpr_attach_lock remove paths: still listed. */
	for (i = 0; i < nr; i++) {
		path = mpr_engine_find_path(&att->eng, ids[i]);
		if (!path)
			continue;
		if (!mpr_path_is_dead(path)) {
			mpr_path_put(path);
			continue;
		}
		DMWARN("%s: path %s (%u:%u) dropped: %s; no command goes to it",
		       att->name, path->name, MAJOR(path->id),
		       MINOR(path->id), mpr_path_dead_reason(path));
		mpr_attach_report_dropped(att, path);
		if (mpr_path_left_map(path))
			mpr_engine_depart_path(&att->eng, path);
		else
			mpr_engine_remove_path(&att->eng, path);
		mpr_path_put(path);
		mpr_attach_changed();
	}
}

static void mpr_reap_fn(struct work_struct *work)
{
	struct mpr_attach *att;

	mutex_lock(&mpr_attach_lock);
	list_for_each_entry(att, &mpr_attachments, node)
		mpr_attach_reap(att);
	mutex_unlock(&mpr_attach_lock);
}

/**
 * mpr_hook_path_died() - a path was found unusable for good
 *
 * Called by the path backend, in process context, once per path, when the
 * path's disk was deleted or the path is no longer the disk or the slave of
 * the map that ATTACH or SYNC validated (mpr_path_is_dead()). The path
 * is dropped from its device's path list (as a SYNC without it would), by
 * a work item, as the caller may run inside an operation of the engine.
 */
void mpr_hook_path_died(void)
{
	queue_work(mpr_wq, &mpr_reap_work);
}

/**
 * mpr_hook_init() - set up attachment bookkeeping
 *
 * Return: 0 or -errno.
 */
int mpr_hook_init(void)
{
	int r;

	r = init_srcu_struct(&mpr_srcu);
	if (r)
		return r;
	mpr_wq = alloc_workqueue("dm_mpath_pr", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!mpr_wq) {
		cleanup_srcu_struct(&mpr_srcu);
		return -ENOMEM;
	}
	return 0;
}

/**
 * mpr_hook_exit() - tear attachment bookkeeping down
 *
 * Runs only if our pr_ops were never published (mpr_pin()), so no
 * attachment exists and no caller can hold a pointer into the module. The
 * RCU-tasks waits are defensive: no fops copy was ever handed to
 * call_rcu_tasks() then.
 */
void mpr_hook_exit(void)
{
	WARN_ON(!list_empty(&mpr_attachments));
	WARN_ON(!list_empty(&mpr_detaching));
	cancel_work_sync(&mpr_reap_work);
	synchronize_rcu_tasks();
	mpr_rcu_tasks_barrier();
	destroy_workqueue(mpr_wq);
	cleanup_srcu_struct(&mpr_srcu);
}
