// SPDX-License-Identifier: GPL-2.0
/*
 * The end of an attachment: DETACH, and free_disk when the dm device goes
 * away. Three steps, so that no device's wait holds up another's:
 *  1. unlink, under mpr_attach_lock: new lookups miss the attachment, an
 *     ATTACH of its disk waits until step 3 is done;
 *  2. halt, without any lock of ours: wait for the lookups in progress
 *     (mpr_srcu, short), for the callers inside this device's engine (its
 *     own SRCU domain, bounded by their deadline), stop probe and audit;
 *  3. free: wait for the path commands still in flight, close the paths,
 *     free. DETACH answers after step 2 and leaves step 3 to a work item:
 *     a command stuck on a hung path ends only when its transport gives
 *     up, and neither the caller nor generic netlink should wait for that.
 */

#include <linux/blkdev.h>
#include <linux/device-mapper.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "attach.h"
#include "dm-internal.h"
#include "engine.h"
#include "hook.h"
#include "netlink.h"

#define DM_MSG_PREFIX "mpath-pr"

/*
 * Detached attachments whose engine still has path commands in flight,
 * under mpr_attach_lock. An ATTACH of such a disk waits until it is freed
 * (mpr_detach_gen changes, mpr_detach_wq is woken): two engines never
 * send to the paths of one map.
 */
LIST_HEAD(mpr_detaching);
unsigned long mpr_detach_gen;
DECLARE_WAIT_QUEUE_HEAD(mpr_detach_wq);
static void mpr_fops_free_rcu(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct mpr_fops, rcu));
}

/**
 * mpr_attach_unlink() - first step of taking an attachment down
 * @att: the attachment; its fops are no longer published (or the disk is
 *	being released)
 *
 * Caller holds mpr_attach_lock. New lookups no longer find @att; an ATTACH
 * of its disk waits until mpr_attach_free() is done.
 */
void mpr_attach_unlink(struct mpr_attach *att)
{
	lockdep_assert_held(&mpr_attach_lock);

	list_del_rcu(&att->node);
	list_add_tail(&att->dying, &mpr_detaching);
	mpr_attach_changed();
}

/**
 * mpr_attach_halt() - second step: no caller inside, nothing new sent
 * @att: an unlinked attachment
 *
 * Waits for the lookups in progress, then for the callers inside this
 * device's engine (each operation ends at its deadline), then halts the
 * engine (probe and audit). Neither wait depends on another device, and
 * the caller holds no lock of ours. Events of the commands still in flight
 * are not sent from then on: DETACHED is the attachment's last word.
 */
static void mpr_attach_halt(struct mpr_attach *att)
{
	synchronize_srcu(&mpr_srcu);
	synchronize_srcu(&att->srcu);
	mpr_engine_halt(&att->eng);
	WRITE_ONCE(att->halted, true);
}

/**
 * mpr_attach_free() - last step: stragglers, paths, memory
 * @att: a halted attachment
 *
 * Waits for the path commands still in flight (a command on a hung path
 * ends only when its transport gives up), closes the paths, and schedules
 * the fops copy to be freed after an RCU-tasks grace period.
 */
static void mpr_attach_free(struct mpr_attach *att)
{
	mpr_engine_stop(&att->eng);
	cleanup_srcu_struct(&att->srcu);

	mutex_lock(&mpr_attach_lock);
	list_del(&att->dying);
	mpr_detach_gen++;
	mutex_unlock(&mpr_attach_lock);
	wake_up_all(&mpr_detach_wq);

	call_rcu_tasks(&att->fops->rcu, mpr_fops_free_rcu);
	kfree(att);
}

void mpr_attach_free_work(struct work_struct *work)
{
	mpr_attach_free(container_of(work, struct mpr_attach, free_work));
}

/* Is an attachment of @disk still being taken down? Under the lock. */
bool mpr_attach_dying(struct gendisk *disk)
{
	struct mpr_attach *att;

	lockdep_assert_held(&mpr_attach_lock);
	list_for_each_entry(att, &mpr_detaching, dying)
		if (att->disk == disk)
			return true;
	return false;
}

/**
 * mpr_free_disk() - free_disk of the interposed operations
 * @disk: the dm disk, being released
 *
 * The dm device is gone (dmsetup remove): the attachment goes with it,
 * then the original free_disk, if any, runs. The module is pinned
 * (mpr_pin()), so this code stays.
 */
void mpr_free_disk(struct gendisk *disk)
{
	void (*orig_free_disk)(struct gendisk *disk) = NULL;
	struct mpr_attach *att;

	mutex_lock(&mpr_attach_lock);
	att = mpr_attach_find_locked(disk);
	if (WARN_ON_ONCE(!att)) {
		mutex_unlock(&mpr_attach_lock);
		return;
	}
	orig_free_disk = att->orig_fops->free_disk;
	/* Nothing should look at fops any more; leave the original there. */
	cmpxchg(&disk->fops, &att->fops->ops, att->orig_fops);
	DMINFO("%s: device removed, detached", att->name);
	mpr_attach_unlink(att);
	mutex_unlock(&mpr_attach_lock);
	/* The engine is done with the disk before the disk goes. */
	mpr_attach_halt(att);
	mpr_attach_free(att);
	mpr_netlink_detached(disk_devt(disk), disk->disk_name);

	if (orig_free_disk)
		orig_free_disk(disk);
}

/**
 * mpr_hook_detach() - DETACH: restore a disk's operations
 * @dev: the dm disk
 * @dev_attr: the attribute that named it, for extack
 * @extack: for the reason of a rejection
 *
 * Refused if the disk's operations are no longer ours (someone interposed
 * on top of us): restoring would drop their pointer, and freeing ours would
 * leave them calling freed code. The attachment then stays until the
 * device is removed.
 *
 * Return: 0 or -errno.
 */
int mpr_hook_detach(dev_t dev, const struct nlattr *dev_attr,
		    struct netlink_ext_ack *extack)
{
	struct mpr_attach *att = NULL;
	char name[DISK_NAME_LEN];
	struct mapped_device *md;
	struct gendisk *disk;
	int r = 0;

	mutex_lock(&mpr_attach_lock);
	md = mpr_get_md(dev, dev_attr, extack);
	if (!md) {
		r = -ENODEV;
		goto out;
	}
	disk = dm_disk(md);
	att = mpr_attach_find_locked(disk);
	if (!att) {
		NL_SET_BAD_ATTR(extack, dev_attr);
		mpr_set_err(extack, "device is not attached", "%s",
			    disk->disk_name);
		r = -ENOENT;
	} else if (cmpxchg(&disk->fops, &att->fops->ops, att->orig_fops) !=
		   &att->fops->ops) {
		NL_SET_BAD_ATTR(extack, dev_attr);
		mpr_set_err(extack, "device operations replaced since attach",
			    "%s", disk->disk_name);
		DMERR("%s: cannot detach: block_device_operations replaced since attach",
		      att->name);
		r = -EBUSY;
	} else {
		DMINFO("%s: detached", att->name);
		strscpy(name, att->name, sizeof(name));
		mpr_attach_unlink(att);
	}
	dm_put(md);
out:
	mutex_unlock(&mpr_attach_lock);
	if (r)
		return r;
	/*
	 * Without our lock: the waits are for this device's callers and
	 * its probe, which their deadline bounds. The commands still in
	 * flight are waited for by a work item: one stuck on a hung path
	 * must not hold up the answer (nor generic netlink's cb_lock).
	 */
	mpr_attach_halt(att);
	queue_work(system_long_wq, &att->free_work);
	mpr_netlink_detached(dev, name);
	return 0;
}
