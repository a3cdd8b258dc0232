/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel differences, in one place. Force-included into every object.
 *
 * The COMPAT_HAVE_* answers come from compile probes
 * (kernel/compat/tests/have_*.c) run against the target kernel tree; each
 * probe names the change it detects. Nothing here looks at version numbers:
 * distribution kernels carry backports that a version check would get wrong.
 */
#ifndef _MPR_COMPAT_H
#define _MPR_COMPAT_H

#include "compat-autoconf.h"

#include <linux/blkdev.h>
#include <linux/netlink.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/pr.h>
#include <linux/rcupdate.h>

/*
 * Before v6.3 pr_ops returned raw SCSI results: host byte << 16 for
 * transport errors, the SAM status in the low byte. The PR_STS_* values
 * chosen later keep those numbers, so the definitions below keep one
 * vocabulary on every kernel.
 */
#ifndef COMPAT_HAVE_PR_STATUS
enum pr_status {
	PR_STS_SUCCESS			= 0x0,
	PR_STS_IOERR			= 0x2,
	PR_STS_RESERVATION_CONFLICT	= 0x18,
	PR_STS_RETRY_PATH_FAILURE	= 0xe0000,
	PR_STS_PATH_FAST_FAILED		= 0xf0000,
	PR_STS_PATH_FAILED		= 0x10000,
};
#endif

/*
 * mpr_set_err() - extack message: a fixed reason, plus details where the
 * kernel can format extack messages (v6.2+). Without that, the fixed reason
 * and the attribute pointed at by NL_SET_BAD_ATTR() have to do.
 */
#ifdef COMPAT_HAVE_NL_SET_ERR_MSG_FMT
#define mpr_set_err(extack, msg, fmt, args...) \
	NL_SET_ERR_MSG_FMT_MOD(extack, msg ": " fmt, ##args)
#else
#define mpr_set_err(extack, msg, fmt, args...) do {	\
	NL_SET_ERR_MSG_MOD(extack, msg);			\
	no_printk(fmt, ##args);					\
} while (0)
#endif

#ifndef COMPAT_HAVE_KMALLOC_OBJ
/* Typed allocation helpers of newer kernels; single objects suffice here. */
#define kmalloc_obj(P, gfp)	kmalloc(sizeof(P), gfp)
#define kzalloc_obj(P, gfp)	kzalloc(sizeof(P), gfp)
#endif

/**
 * mpr_rcu_tasks_barrier() - wait for pending call_rcu_tasks() callbacks
 *
 * Without CONFIG_TASKS_RCU, call_rcu_tasks() is call_rcu() and
 * rcu_barrier_tasks() is declared but not built.
 */
static inline void mpr_rcu_tasks_barrier(void)
{
	if (IS_ENABLED(CONFIG_TASKS_RCU))
		rcu_barrier_tasks();
	else
		rcu_barrier();
}

/*
 * The open mode block device operations get: blk_mode_t since v6.5,
 * fmode_t before. mpr_mode_write() tells whether it includes writing.
 */
#ifdef COMPAT_HAVE_BLK_MODE_T
#define mpr_mode_t		blk_mode_t
#define mpr_mode_write(mode)	(!!((mode) & BLK_OPEN_WRITE))
#else
#define mpr_mode_t		fmode_t
#define mpr_mode_write(mode)	(!!((mode) & FMODE_WRITE))
#endif

/*
 * The block layer's permission check of a SCSI command sent by SG_IO
 * (scsi_cmd_allowed(): its second argument was the fmode_t before v6.5).
 */
#if defined(COMPAT_HAVE_BLK_MODE_T) && !defined(COMPAT_HAVE_SCSI_CMD_ALLOWED_BOOL)
/* Both changed in v6.5: a probe that fails here would pass a mode as bool. */
#error "blk_mode_t without the bool scsi_cmd_allowed(): check the compat probes"
#endif
#ifdef COMPAT_HAVE_SCSI_CMD_ALLOWED_BOOL
#define mpr_scsi_cmd_allowed(cdb, mode) \
	scsi_cmd_allowed(cdb, mpr_mode_write(mode))
#else
#define mpr_scsi_cmd_allowed(cdb, mode)	scsi_cmd_allowed(cdb, mode)
#endif

#endif /* _MPR_COMPAT_H */
