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

#endif /* _MPR_COMPAT_H */
