/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Definitions from <linux/pr.h> that older kernel headers lack.
 *
 * Debian 12's linux-libc-dev (6.1) has neither the PR_STS_* codes (Linux
 * 6.5, "block: Add error codes for common PR failures") nor the read
 * ioctls (Linux 6.19, commits 22a1ffea5f80 "block: add IOC_PR_READ_KEYS
 * ioctl" and 3e2cb9ee76c2 "block: add IOC_PR_READ_RESERVATION ioctl").
 * The layouts and numbers below are the upstream UAPI ones; each block is
 * guarded so that newer headers win.
 */
#ifndef PRTOOL_PR_COMPAT_H
#define PRTOOL_PR_COMPAT_H

#include <linux/ioctl.h>
#include <linux/pr.h>
#include <linux/types.h>

/*
 * enum pr_status (the positive results of the PR ioctls since Linux 6.5).
 * Upstream it is an enum, which the preprocessor cannot probe, so the
 * values carry a prefix of their own. They were chosen to equal the SCSI
 * results that 6.1 returns raw (status byte, host byte << 16).
 */
#define PRTOOL_PR_STS_SUCCESS			0x0
#define PRTOOL_PR_STS_IOERR			0x2
#define PRTOOL_PR_STS_RESERVATION_CONFLICT	0x18
#define PRTOOL_PR_STS_RETRY_PATH_FAILURE	0xe0000
#define PRTOOL_PR_STS_PATH_FAST_FAILED		0xf0000
#define PRTOOL_PR_STS_PATH_FAILED		0x10000

#ifndef IOC_PR_READ_KEYS
/**
 * struct pr_read_keys - argument of IOC_PR_READ_KEYS
 * @generation: out: PR generation counter
 * @num_keys: in: room in @keys_ptr (number of keys); out: number of keys
 *	the device has, which may be more than fitted
 * @keys_ptr: user pointer to an array of __u64 keys
 */
struct pr_read_keys {
	__u32 generation;
	__u32 num_keys;
	__u64 keys_ptr;
};
#define IOC_PR_READ_KEYS	_IOWR('p', 206, struct pr_read_keys)
#endif

#ifndef IOC_PR_READ_RESERVATION
/**
 * struct pr_read_reservation - argument of IOC_PR_READ_RESERVATION
 * @key: key of the reservation holder (0 if there is no reservation)
 * @generation: PR generation counter
 * @type: enum pr_type of the reservation, 0 if there is none
 */
struct pr_read_reservation {
	__u64 key;
	__u32 generation;
	__u32 type;
};
#define IOC_PR_READ_RESERVATION	_IOR('p', 207, struct pr_read_reservation)
#endif

#endif /* PRTOOL_PR_COMPAT_H */
