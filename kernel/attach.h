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

#include "engine.h"

struct mapped_device;
struct mpr_fops;

/**
 * struct mpr_attach - one interposed dm disk
 * @node: entry in mpr_attachments (SRCU-protected for readers)
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
/* Readers: every pr_ops entry point. */
extern struct srcu_struct mpr_srcu;
/* What the interposed operations of every attached disk point to. */
extern const struct pr_ops mpr_pr_ops;

/*
 * Generation of the list and of the path lists (never 0), for dumps;
 * under mpr_attach_lock. mpr_attach_changed() bumps it.
 */
extern unsigned int mpr_attach_gen;

void mpr_attach_changed(void);

#endif /* _MPR_ATTACH_H */
