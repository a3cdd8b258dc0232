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
 * struct pr_sg_status - outcome of the last SCSI command sent over SG_IO
 * @valid: a command was sent and these fields are set
 * @status: SAM status byte
 * @host: host byte (DID_*)
 * @driver: driver byte (DRIVER_SENSE, 0x08, alone is not an error)
 * @sense_key: sense key (fixed or descriptor format), -1 without sense
 * @asc: additional sense code
 * @ascq: additional sense code qualifier
 */
struct pr_sg_status {
	bool valid;
	uint8_t status;
	uint8_t host;
	uint8_t driver;
	int sense_key;
	uint8_t asc;
	uint8_t ascq;
};

/**
 * struct pr_dev - an open block device
 * @fd: the descriptor
 * @rw: @fd is open read-write
 * @borrowed: @fd belongs to the caller (pr_dev_use_fd()); it is never
 *	closed here, and an EPERM is not retried on a read-write descriptor
 * @path: the path that was opened
 * @major: device number of the block device
 * @minor: device number
 * @rw_errno: errno of a failed attempt to reopen read-write, 0 if none
 * @sg: outcome of the last SG_IO command
 * @detail: more about the last failure (SG_IO sense data), or ""
 */
struct pr_dev {
	int fd;
	bool rw;
	bool borrowed;
	char path[PATH_MAX];
	unsigned int major;
	unsigned int minor;
	int rw_errno;
	struct pr_sg_status sg;
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
 * @scope: SPC-4 scope, when read over SG_IO (else 0, LU_SCOPE)
 * @source: ioctl or SG_IO
 */
struct pr_resv {
	uint32_t generation;
	bool held;
	uint64_t key;
	uint32_t type;
	uint32_t scsi_type;
	uint32_t scope;
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
 * CAP_SYS_ADMIN on a device opened for writing). Prints nothing.
 *
 * Return: 0, or a negative errno with @d->detail saying why: -EINVAL for
 * an empty name, -ENOENT for a bare name found neither under /dev/mapper
 * nor /dev, -ENOTBLK for something that is not a block device, or the
 * errno of stat()/open()/fstat().
 */
int pr_dev_open(struct pr_dev *d, const char *arg);

/**
 * pr_dev_use_fd() - run PR commands on a descriptor the caller owns
 * @d: the device
 * @fd: an open block device; pr_dev_close() leaves it open
 *
 * Return: 0, -ENOTBLK if @fd is not a block device, or the errno of
 * fstat()/fcntl() (-EBADF for a bad descriptor).
 */
int pr_dev_use_fd(struct pr_dev *d, int fd);
void pr_dev_close(struct pr_dev *d);

/* IOC_PR_REGISTER. @flags: PR_FL_IGNORE_KEY or 0. */
int pr_register(struct pr_dev *d, uint64_t old_key, uint64_t new_key,
		uint32_t flags);

/*
 * IOC_PR_RESERVE, IOC_PR_RELEASE, IOC_PR_PREEMPT(_ABORT) and IOC_PR_CLEAR.
 * @type is an enum pr_type value (the kernel's drivers send 0 for a value
 * they do not know). For pr_preempt(), @old_key is the caller's own key and
 * @new_key the key to preempt, as in struct pr_preempt.
 */
int pr_reserve(struct pr_dev *d, uint64_t key, uint32_t type, uint32_t flags);
int pr_release(struct pr_dev *d, uint64_t key, uint32_t type);
int pr_preempt(struct pr_dev *d, uint64_t old_key, uint64_t new_key,
	       uint32_t type, bool abort);
int pr_clear(struct pr_dev *d, uint64_t key);

/*
 * Service actions of SCSI PERSISTENT RESERVE IN and OUT (SPC-4 6.15, 6.16).
 */
#define PR_IN_READ_KEYS			0x00
#define PR_IN_READ_RESERVATION		0x01
#define PR_IN_REPORT_CAPABILITIES	0x02
#define PR_IN_READ_FULL_STATUS		0x03
#define PR_IN_MAX_ALLOC			0xfff8 /* 16-bit length, 8-aligned */

#define PR_OUT_REGISTER			0x00
#define PR_OUT_RESERVE			0x01
#define PR_OUT_RELEASE			0x02
#define PR_OUT_CLEAR			0x03
#define PR_OUT_PREEMPT			0x04
#define PR_OUT_PREEMPT_AND_ABORT	0x05
#define PR_OUT_REGISTER_AND_IGNORE	0x06

/**
 * pr_in() - SCSI PERSISTENT RESERVE IN over SG_IO
 * @d: the device (a dm-multipath map passes SG_IO to one of its paths)
 * @sa: service action (PR_IN_*)
 * @buf: receives the response; bytes not sent by the device are zero
 * @len: allocation length, at most PR_IN_MAX_ALLOC
 * @got: receives the number of bytes the device sent
 *
 * Return: 0; a negative errno if SG_IO itself failed; or a positive SCSI
 * result: the status byte, host byte << 16, driver byte << 24. d->sg holds
 * the outcome (with the sense key) and d->detail describes the sense data.
 */
int pr_in(struct pr_dev *d, unsigned int sa, uint8_t *buf, size_t len,
	  size_t *got);

/* UNIT ATTENTION retries of pr_in_retry(). */
#define PR_IN_UA_RETRIES	3

/*
 * pr_in(), read again (up to PR_IN_UA_RETRIES times) while the device
 * answers UNIT ATTENTION: the command did not run. Used by the reads of
 * prtool and the native API; the libmpathpersist engine counts its own
 * retries.
 */
int pr_in_retry(struct pr_dev *d, unsigned int sa, uint8_t *buf, size_t len,
		size_t *got);

/*
 * SCSI TEST UNIT READY over SG_IO: takes a pending UNIT ATTENTION off the
 * I_T nexus it reaches (for a map: the path device-mapper picks). Return
 * and d->sg as for pr_in().
 */
int pr_test_unit_ready(struct pr_dev *d);

/**
 * pr_out() - SCSI PERSISTENT RESERVE OUT over SG_IO
 * @d: the device
 * @sa: service action (PR_OUT_*)
 * @scope_type: byte 2 of the CDB: scope << 4 | SPC-4 type code
 * @param: the parameter list (24 bytes, plus transport IDs with SPEC_I_PT)
 * @plen: its length
 *
 * For what the IOC_PR_* ioctls cannot express. Return and d->sg as for
 * pr_in().
 */
int pr_out(struct pr_dev *d, unsigned int sa, uint8_t scope_type,
	   const uint8_t *param, size_t plen);

/* READ KEYS; on success @k->keys must be freed. */
int pr_read_keys(struct pr_dev *d, struct pr_keys *k);

/* READ RESERVATION. */
int pr_read_reservation(struct pr_dev *d, struct pr_resv *r);

/*
 * The same through IOC_PR_READ_KEYS / IOC_PR_READ_RESERVATION only, without
 * the SG_IO fallback; pr_read_ioctl_missing() tells whether a failure means
 * that the kernel or the driver has no such ioctl.
 */
int pr_read_keys_ioctl(struct pr_dev *d, struct pr_keys *k);
int pr_read_reservation_ioctl(struct pr_dev *d, struct pr_resv *r);
bool pr_read_ioctl_missing(int ret);

/*
 * Describe result @ret (non-zero) of operation @op on @d in @buf
 * ("OP on PATH: REASON (HINT)"), with a hint for the usual errno values or
 * @d->detail; returns @buf.
 */
const char *pr_failure_text(const struct pr_dev *d, const char *op,
			    int ret, char *buf, size_t len);

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
