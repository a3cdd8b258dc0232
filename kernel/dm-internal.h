/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Functions dm-mod exports (EXPORT_SYMBOL_GPL in drivers/md/dm.c, on every
 * kernel since v4.0) but declares only in its private drivers/md/dm.h.
 */
#ifndef _MPR_DM_INTERNAL_H
#define _MPR_DM_INTERNAL_H

struct mapped_device;

/*
 * Suspend a mapped device from inside the kernel without flushing: I/O
 * that is queued (multipath requeues it) waits for dm_internal_resume().
 * Nests with userspace suspends.
 */
void dm_internal_suspend_noflush(struct mapped_device *md);
void dm_internal_resume(struct mapped_device *md);

#endif /* _MPR_DM_INTERNAL_H */
