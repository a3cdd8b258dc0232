/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attachments as the files of the hook share them: hook.c (attach, detach,
 * lifetime), entry.c (the pr_ops entry points) and control.c (what netlink
 * asks of an attached device). Not for the engine or the path backend.
 */
#ifndef _MPR_ATTACH_H
#define _MPR_ATTACH_H

#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pr.h>
#include <linux/srcu.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "engine.h"

struct mapped_device;
struct nlattr;
struct netlink_ext_ack;

/**
 * struct mpr_fops - the interposed operations of one disk
 * @ops: copy of the disk's operations with our pr_ops and free_disk;
 *	written once before it is published, read-only afterwards
 * @rcu: frees the copy after an RCU-tasks grace period
 */
struct mpr_fops {
	struct block_device_operations ops;
	struct rcu_head rcu;
};

/**
 * struct mpr_attach - one interposed dm disk
 * @node: entry in mpr_attachments (SRCU-protected for readers)
 * @dying: entry in mpr_detaching from the detach until the attachment is
 *	freed; under mpr_attach_lock
 * @srcu: the pr_ops calls inside this device's engine (entry.c); a detach
 *	of this device waits for them, nothing else does
 * @free_work: frees a detached attachment once its last path command ended
 * @halted: the engine sends nothing new any more, DETACHED is (about to be)
 *	sent: events of commands still in flight are not; WRITE_ONCE/READ_ONCE
 * @disk: the dm disk; valid until its free_disk, which detaches us
 * @devt: the disk's device number
 * @name: the disk's name, for messages
 * @orig_fops: the disk's operations before attach
 * @fops: our copy, published in @disk->fops
 * @suspended: the mapped device while the engine has it suspended (held
 *	with dm_get_md() for that long only); under &mpr_engine.op_mutex
 * @params: the device's settings: the module parameters at attach, then
 *	what SET says; written with WRITE_ONCE(), read with READ_ONCE()
 * @eng: PR state and paths
 */
struct mpr_attach {
	struct list_head node;
	struct list_head dying;
	struct srcu_struct srcu;
	struct work_struct free_work;
	bool halted;
	struct gendisk *disk;
	dev_t devt;
	char name[DISK_NAME_LEN];
	const struct block_device_operations *orig_fops;
	struct mpr_fops *fops;
	struct mapped_device *suspended;
	struct mpr_engine_params params;
	struct mpr_engine eng;
};

/* Serialises attach, detach, free_disk and walks of the list. */
extern struct mutex mpr_attach_lock;
/* Every attachment; readers in an mpr_srcu section or under the lock. */
extern struct list_head mpr_attachments;
/* Readers: the lookups of the pr_ops entry points, never longer. */
extern struct srcu_struct mpr_srcu;
/* What the interposed operations of every attached disk point to. */
extern const struct pr_ops mpr_pr_ops;

/*
 * Generation of the list and of the path lists (never 0), for dumps;
 * under mpr_attach_lock. mpr_attach_changed() bumps it.
 */
extern unsigned int mpr_attach_gen;

void mpr_attach_changed(void);
struct mpr_attach *mpr_attach_find_locked(struct gendisk *disk);
struct mapped_device *mpr_get_md(dev_t dev, const struct nlattr *attr,
				 struct netlink_ext_ack *extack);

/* Ending attachments (detach.c). */
extern struct list_head mpr_detaching;
extern unsigned long mpr_detach_gen;
extern struct wait_queue_head mpr_detach_wq;

/**
 * struct mpr_call - where one pr_ops (or SG_IO PR) call goes
 * @att: the attachment, whose engine runs the call; NULL to forward it
 * @ops: the pr_ops a forwarded call goes to (NULL: none)
 * @idx: the read section of @att->srcu the call runs in
 */
struct mpr_call {
	struct mpr_attach *att;
	const struct pr_ops *ops;
	int idx;
};

/* The entry points' lookup (entry.c): begin and end every call. */
void mpr_call_begin(struct block_device *bdev, struct mpr_call *call)
	__acquires(call);
void mpr_call_end(struct mpr_call *call)
	__releases(call);
const struct block_device_operations *mpr_orig_fops(struct gendisk *disk);
bool mpr_sgio_on(struct gendisk *disk);

void mpr_attach_unlink(struct mpr_attach *att);
void mpr_attach_free_work(struct work_struct *work);
bool mpr_attach_dying(struct gendisk *disk);
void mpr_free_disk(struct gendisk *disk);

#endif /* _MPR_ATTACH_H */
