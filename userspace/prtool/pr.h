/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prtool: persistent reservation commands on a block device.
 *
 * Commands go through the IOC_PR_* ioctls, so that a dm-multipath device
 * handles them with its pr_ops (and with dm-mpath-pr when it is attached).
 * The read commands fall back to SCSI PERSISTENT RESERVE IN over SG_IO when
 * the kernel has no IOC_PR_READ_KEYS / IOC_PR_READ_RESERVATION.
 *
 * Results follow the kernel's conventions: 0, a negative errno, or a
 * positive PR status (see status.h).
 */
#ifndef PRTOOL_PR_H
#define PRTOOL_PR_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * struct pr_dev - an open block device
 * @fd: the descriptor
 * @rw: @fd is open read-write
 * @path: the path that was opened
 * @major: device number of the block device
 * @minor: device number
 * @rw_errno: errno of a failed attempt to reopen read-write, 0 if none
 * @detail: more about the last failure (SG_IO sense data), or ""
 */
struct pr_dev {
	int fd;
	bool rw;
	char path[PATH_MAX];
	unsigned int major;
	unsigned int minor;
	int rw_errno;
	char detail[160];
};

/* Where a read result came from. */
enum pr_source {
	PR_SRC_IOCTL,
	PR_SRC_SG_IO,
};

/**
 * struct pr_keys - result of READ KEYS
 * @generation: PR generation
 * @num_keys: number of keys in @keys
 * @keys: one entry per registration (I_T nexus), in device order
 * @source: ioctl or SG_IO
 */
struct pr_keys {
	uint32_t generation;
	uint32_t num_keys;
	uint64_t *keys;
	enum pr_source source;
};

/**
 * struct pr_resv - result of READ RESERVATION
 * @generation: PR generation
 * @held: a reservation exists
 * @key: the holder's key
 * @type: enum pr_type of the reservation (0 if unknown to the kernel)
 * @scsi_type: SPC-4 type code, when read over SG_IO (else 0)
 * @source: ioctl or SG_IO
 */
struct pr_resv {
	uint32_t generation;
	bool held;
	uint64_t key;
	uint32_t type;
	uint32_t scsi_type;
	enum pr_source source;
};

/**
 * pr_dev_open() - open a block device for PR commands
 * @d: the device
 * @arg: /dev/... path, a dm name (/dev/mapper/NAME) or a kernel name
 *	(/dev/NAME)
 *
 * Opens read-only: with CAP_SYS_ADMIN every kernel accepts PR ioctls on a
 * read-only descriptor, and a read-write one makes udev rescan the device
 * when it is closed. A command that gets EPERM is retried once on a
 * read-write descriptor (Linux 6.5 and later allow PR commands without
 * CAP_SYS_ADMIN on a device opened for writing).
 *
 * Return: PRTOOL_EXIT_OK, or the exit code after printing why it failed.
 */
int pr_dev_open(struct pr_dev *d, const char *arg);
void pr_dev_close(struct pr_dev *d);

/* IOC_PR_REGISTER. @flags: PR_FL_IGNORE_KEY or 0. */
int pr_register(struct pr_dev *d, uint64_t old_key, uint64_t new_key,
		uint32_t flags);

/* READ KEYS; on success @k->keys must be freed. */
int pr_read_keys(struct pr_dev *d, struct pr_keys *k);

/* READ RESERVATION. */
int pr_read_reservation(struct pr_dev *d, struct pr_resv *r);

/*
 * Print "prtool: OP on PATH: REASON" for result @ret (non-zero) of
 * operation @op, with a hint for the usual errno values, and return the
 * exit code.
 */
int pr_report_failure(struct pr_dev *d, const char *op, int ret);

/*
 * Parse PERSISTENT RESERVE IN responses of @len valid bytes (exposed for
 * the unit tests). pr_parse_read_keys() stores the keys that fit in @buf
 * (allocating @k->keys) and returns the length the whole response needs,
 * so that the caller can retry with a larger buffer. Both return
 * -EBADMSG (negative) for a response shorter than its 8-byte header.
 */
long pr_parse_read_keys(const uint8_t *buf, size_t len, struct pr_keys *k);
int pr_parse_read_reservation(const uint8_t *buf, size_t len,
			      struct pr_resv *r);

#endif /* PRTOOL_PR_H */
