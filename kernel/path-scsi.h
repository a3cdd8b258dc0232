/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PERSISTENT RESERVE IN/OUT through a path's scsi_device (path-scsi.c),
 * where sd's pr_ops fall short: before v6.3 they return raw SCSI results
 * without sense data, before v6.5 there are no read operations.
 */
#ifndef _MPR_PATH_SCSI_H
#define _MPR_PATH_SCSI_H

#if !defined(COMPAT_HAVE_PR_STATUS) || !defined(COMPAT_HAVE_PR_READ_KEYS)
#define MPR_SCSI

#include <linux/pr.h>
#include <linux/types.h>

struct block_device;
struct mpr_keys;
struct mpr_resv;
struct scsi_device;

#define MPR_PROUT_REGISTER	0x00
#define MPR_PROUT_RESERVE	0x01
#define MPR_PROUT_RELEASE	0x02
#define MPR_PROUT_CLEAR		0x03
#define MPR_PROUT_PREEMPT	0x04
#define MPR_PROUT_PREEMPT_ABORT	0x05
#define MPR_PROUT_REG_IGNORE	0x06
#define MPR_PROUT_APTPL		0x01

struct scsi_device *mpr_scsi_dev(struct block_device *bdev);
int mpr_scsi_pr_out(struct scsi_device *sdev, u8 sa, u64 key, u64 sa_key,
		    enum pr_type type, u8 flags);
int mpr_scsi_read_keys(struct scsi_device *sdev, struct mpr_keys *keys);
int mpr_scsi_read_resv(struct scsi_device *sdev, struct mpr_resv *rsv);
#endif

#endif /* _MPR_PATH_SCSI_H */
