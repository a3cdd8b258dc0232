/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprtool: persistent reservations on block devices, the C API that the
 * prtool command is built on. See libprtool(3).
 *
 * Commands go through the kernel's IOC_PR_* ioctls, so that a dm-multipath
 * map runs them with its own pr_ops: those of the dm_mpath_pr module when
 * the map is attached to it (every path, failed paths tracked), device
 * mapper's otherwise. Reads use IOC_PR_READ_KEYS/IOC_PR_READ_RESERVATION
 * where the kernel has them and SCSI PERSISTENT RESERVE IN over SG_IO
 * otherwise; READ FULL STATUS and REPORT CAPABILITIES always use SG_IO.
 *
 * Results of the PR functions follow the kernel's convention: 0, a negative
 * errno (the command did not run, or the kernel refused it), or a positive
 * PR status (PR_STS_* on Linux 6.5 and later, the raw SCSI or NVMe result
 * on older kernels, a SCSI result for commands sent over SG_IO).
 * prtool_status_str() names every one of them.
 *
 * The libmpathpersist-compatible API is in <prtool/mpath_persist_compat.h>.
 *
 * Link with: pkg-config --cflags --libs libprtool
 */
#ifndef LIBPRTOOL_PRTOOL_H
#define LIBPRTOOL_PRTOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of this header; prtool_version() gives that of the library. */
#define LIBPRTOOL_VERSION_MAJOR 0
#define LIBPRTOOL_VERSION_MINOR 1

/* The library version, "MAJOR.MINOR.PATCH". */
const char *prtool_version(void);

/**
 * struct prtool_dev - an open block device (opaque)
 */
struct prtool_dev;

/**
 * prtool_open() - open a block device for PR commands
 * @name: a path (/dev/sdb, /dev/dm-3, /dev/mapper/mpatha), or a bare name
 *	looked up as /dev/mapper/NAME and then /dev/NAME
 * @devp: receives the device
 *
 * The device is opened read-only; a command refused with EPERM is retried
 * once on a read-write descriptor (Linux 6.5 and later accept PR commands
 * without CAP_SYS_ADMIN on a device opened for writing).
 *
 * Return: 0, -EINVAL for an empty name, -ENOENT for a bare name that is
 * not found, -ENOTBLK if it is not a block device, -ENOMEM, or the errno
 * of open().
 */
int prtool_open(const char *name, struct prtool_dev **devp);

/**
 * prtool_open_fd() - use a descriptor the caller opened
 * @fd: an open block device; it stays the caller's (prtool_close() does
 *	not close it, and no read-write descriptor is opened in its place)
 * @devp: receives the device
 *
 * Return: 0, -ENOTBLK, -EBADF, -ENOMEM.
 */
int prtool_open_fd(int fd, struct prtool_dev **devp);

/* Close the device (not a descriptor given to prtool_open_fd()). */
void prtool_close(struct prtool_dev *dev);

/* The descriptor in use, and the path it was opened by. */
int prtool_dev_fd(const struct prtool_dev *dev);
const char *prtool_dev_path(const struct prtool_dev *dev);

/*
 * More about the last failure on @dev: the decoded sense data of a SCSI
 * command sent over SG_IO ("sense key ILLEGAL REQUEST, additional sense
 * 0x24/0x00 (invalid field in CDB)"), or "".
 */
const char *prtool_dev_detail(const struct prtool_dev *dev);

/*
 * Reservation types: the values of enum pr_type (<linux/pr.h>), which is
 * what the IOC_PR_* ioctls take. They differ from the SPC-4 type codes
 * (prtool_type_to_scsi()).
 */
#define PRTOOL_TYPE_WRITE_EXCLUSIVE		1 /* SCSI 0x1 */
#define PRTOOL_TYPE_EXCLUSIVE_ACCESS		2 /* SCSI 0x3 */
#define PRTOOL_TYPE_WRITE_EXCLUSIVE_REG_ONLY	3 /* SCSI 0x5 */
#define PRTOOL_TYPE_EXCLUSIVE_ACCESS_REG_ONLY	4 /* SCSI 0x6 */
#define PRTOOL_TYPE_WRITE_EXCLUSIVE_ALL_REGS	5 /* SCSI 0x7 */
#define PRTOOL_TYPE_EXCLUSIVE_ACCESS_ALL_REGS	6 /* SCSI 0x8 */

/* prtool_register() flag: REGISTER AND IGNORE EXISTING KEY. */
#define PRTOOL_REG_IGNORE_KEY	(1u << 0)

/**
 * prtool_register() - register, change or remove this host's key
 * @dev: the device
 * @old_key: the key registered now (0: none); ignored with
 *	PRTOOL_REG_IGNORE_KEY
 * @new_key: the key to register (0: remove the registration)
 * @flags: 0 or PRTOOL_REG_IGNORE_KEY
 *
 * On a multipath map every path (I_T nexus) is registered.
 * Return: 0, -errno or a PR status.
 */
int prtool_register(struct prtool_dev *dev, uint64_t old_key,
		    uint64_t new_key, unsigned int flags);

/* RESERVE and RELEASE with this host's @key and a PRTOOL_TYPE_* @type. */
int prtool_reserve(struct prtool_dev *dev, uint64_t key, unsigned int type);
int prtool_release(struct prtool_dev *dev, uint64_t key, unsigned int type);

/**
 * prtool_preempt() - PREEMPT, or PREEMPT AND ABORT
 * @dev: the device
 * @key: this host's key
 * @victim: the key whose registrations (and reservation) are removed
 * @type: PRTOOL_TYPE_* of the reservation to create if @victim holds one
 * @abort: PREEMPT AND ABORT: also abort the victim's outstanding commands
 *
 * Return: 0, -errno or a PR status.
 */
int prtool_preempt(struct prtool_dev *dev, uint64_t key, uint64_t victim,
		   unsigned int type, bool abort);

/* CLEAR: remove the reservation and every registration. */
int prtool_clear(struct prtool_dev *dev, uint64_t key);

/* Where a read result came from. */
enum prtool_source {
	PRTOOL_SRC_IOCTL,
	PRTOOL_SRC_SG_IO,
};

/**
 * struct prtool_keys - result of READ KEYS
 * @generation: PR generation
 * @num_keys: number of keys in @keys
 * @keys: one key per registration (I_T nexus), in device order
 * @source: ioctl or SG_IO
 */
struct prtool_keys {
	uint32_t generation;
	uint32_t num_keys;
	uint64_t *keys;
	enum prtool_source source;
};

/* READ KEYS; free the result with prtool_keys_free(). */
int prtool_read_keys(struct prtool_dev *dev, struct prtool_keys *keys);
void prtool_keys_free(struct prtool_keys *keys);

/**
 * struct prtool_reservation - result of READ RESERVATION
 * @generation: PR generation
 * @held: a reservation exists
 * @key: the holder's key (0 for an all-registrants reservation)
 * @type: PRTOOL_TYPE_* of the reservation, 0 if it has none
 * @scsi_type: SPC-4 type code (from @type when read by ioctl)
 * @scope: SPC-4 scope (0, LU_SCOPE, when read by ioctl)
 * @source: ioctl or SG_IO
 */
struct prtool_reservation {
	uint32_t generation;
	bool held;
	uint64_t key;
	unsigned int type;
	unsigned int scsi_type;
	unsigned int scope;
	enum prtool_source source;
};

int prtool_read_reservation(struct prtool_dev *dev,
			    struct prtool_reservation *res);

/**
 * struct prtool_capabilities - REPORT CAPABILITIES (SPC-4 6.15.4)
 * @length: the LENGTH field (8 for a complete response)
 * @rlr_c: Replace Lost Reservation Capable
 * @crh: Compatible Reservation Handling
 * @sip_c: Specify Initiator Ports Capable
 * @atp_c: All Target Ports Capable
 * @ptpl_c: Persist Through Power Loss Capable
 * @tmv: Type Mask Valid
 * @allow_commands: the 3-bit ALLOW COMMANDS field
 * @ptpl_a: Persist Through Power Loss Active
 * @type_mask: bytes 4-5 of the response, big-endian: 0x8000 Write
 *	Exclusive all registrants, 0x4000 Exclusive Access registrants only,
 *	0x2000 Write Exclusive registrants only, 0x0800 Exclusive Access,
 *	0x0200 Write Exclusive, 0x0001 Exclusive Access all registrants
 */
struct prtool_capabilities {
	uint16_t length;
	bool rlr_c;
	bool crh;
	bool sip_c;
	bool atp_c;
	bool ptpl_c;
	bool tmv;
	uint8_t allow_commands;
	bool ptpl_a;
	uint16_t type_mask;
};

/* REPORT CAPABILITIES, over SG_IO. */
int prtool_report_capabilities(struct prtool_dev *dev,
			       struct prtool_capabilities *caps);

/*
 * Decode a REPORT CAPABILITIES response of @len bytes; bytes past @len
 * count as zero. Never fails.
 */
void prtool_parse_capabilities(const uint8_t *buf, size_t len,
			       struct prtool_capabilities *caps);

/* TransportID protocol identifiers (SPC-4 7.6.1). */
#define PRTOOL_PROTO_FC		0x0
#define PRTOOL_PROTO_SAS	0x6
#define PRTOOL_PROTO_ISCSI	0x5

#define PRTOOL_TID_MAX		256 /* bytes of a TransportID kept */

/**
 * struct prtool_registrant - one descriptor of READ FULL STATUS
 * @key: the registration's key
 * @all_tg_pt: registered through every target port (ALL_TG_PT)
 * @holder: this registration holds the reservation (R_HOLDER)
 * @scope: scope of the reservation, if @holder
 * @type: SPC-4 type code of the reservation, if @holder
 * @rtpi: relative target port identifier
 * @protocol_id: protocol of the TransportID (PRTOOL_PROTO_*)
 * @format_code: format code of the TransportID (0-3)
 * @tid_len: length of the TransportID in the response
 * @tid: the TransportID, its first PRTOOL_TID_MAX bytes
 */
struct prtool_registrant {
	uint64_t key;
	bool all_tg_pt;
	bool holder;
	uint8_t scope;
	uint8_t type;
	uint16_t rtpi;
	uint8_t protocol_id;
	uint8_t format_code;
	uint32_t tid_len;
	uint8_t tid[PRTOOL_TID_MAX];
};

/**
 * struct prtool_full_status - result of READ FULL STATUS
 * @generation: PR generation
 * @additional_length: the ADDITIONAL LENGTH the device reported
 * @num: number of descriptors in @regs
 * @regs: the descriptors
 * @truncated: the response announced more than the allocation length
 *	let through; @regs holds the descriptors that arrived whole
 */
struct prtool_full_status {
	uint32_t generation;
	uint32_t additional_length;
	uint32_t num;
	struct prtool_registrant *regs;
	bool truncated;
};

/*
 * READ FULL STATUS over SG_IO, growing the allocation length (up to 64 KiB)
 * until every descriptor fits. Free the result with
 * prtool_full_status_free().
 */
int prtool_read_full_status(struct prtool_dev *dev,
			    struct prtool_full_status *fs);

/*
 * Decode a READ FULL STATUS response of @len bytes. Descriptors whose
 * lengths run past the data are dropped (@truncated), never read beyond
 * @len. Return: 0, -EBADMSG for less than the 8-byte header, -ENOMEM.
 */
int prtool_parse_full_status(const uint8_t *buf, size_t len,
			     struct prtool_full_status *fs);
void prtool_full_status_free(struct prtool_full_status *fs);

/**
 * prtool_pr_in() - any PERSISTENT RESERVE IN service action over SG_IO
 * @dev: the device
 * @sa: service action: 0 READ KEYS, 1 READ RESERVATION, 2 REPORT
 *	CAPABILITIES, 3 READ FULL STATUS
 * @buf: receives the response; what the device did not send is zero
 * @len: allocation length, at most 65528
 * @got: receives the number of bytes sent
 *
 * Return: 0, -errno, or a SCSI result (status byte, host byte << 16,
 * driver byte << 24); prtool_dev_detail() and prtool_last_scsi() tell more.
 */
int prtool_pr_in(struct prtool_dev *dev, unsigned int sa, uint8_t *buf,
		 size_t len, size_t *got);

/**
 * prtool_pr_out() - any PERSISTENT RESERVE OUT service action over SG_IO
 * @dev: the device
 * @sa: service action (0-7)
 * @scope_type: CDB byte 2: scope << 4 | SPC-4 type code
 * @param: the parameter list
 * @plen: its length (24, more with SPEC_I_PT transport IDs)
 *
 * SG_IO on a multipath map reaches one path only, bypassing the map's
 * pr_ops: use the PR functions above unless the ioctls cannot express the
 * command. Return as for prtool_pr_in().
 */
int prtool_pr_out(struct prtool_dev *dev, unsigned int sa,
		  uint8_t scope_type, const uint8_t *param, size_t plen);

/**
 * prtool_test_unit_ready() - SCSI TEST UNIT READY over SG_IO
 * @dev: the device
 *
 * Takes a pending UNIT ATTENTION off the I_T nexus the command reaches (on
 * a multipath map: the path device-mapper picks), as LVM's lvmpersist does
 * before reading the keys. Return as for prtool_pr_in().
 */
int prtool_test_unit_ready(struct prtool_dev *dev);

/**
 * prtool_mpath_prin() - PERSISTENT RESERVE IN as libmpathpersist sends it
 * @fd: descriptor of a multipath map (or of another block device)
 * @sa: service action (MPATH_PRIN_*_SA)
 * @buf: receives the raw response, zero-filled after *@got bytes
 * @len: size of @buf, prtool_mpath_prin_len(@sa) to read what
 *	libmpathpersist reads
 * @got: receives the length of the response
 * @noisy: dump the response on stderr (as libmpathpersist's @noisy does)
 *
 * The engine of mpath_persistent_reserve_in() without its parsing into
 * struct prin_resp: the IOC_PR_READ_* ioctls where the kernel has them,
 * SG_IO otherwise, on the map and then on each of its paths until one
 * answers, with libmpathpersist's UNIT ATTENTION retries. For a program
 * that prints the response as sent (prtool's mpathpersist front end).
 *
 * Return: an MPATH_PR_* code, as mpath_persistent_reserve_in().
 */
int prtool_mpath_prin(int fd, int sa, uint8_t *buf, size_t len, size_t *got,
		      int noisy);

/* The allocation length libmpathpersist uses for service action @sa. */
unsigned int prtool_mpath_prin_len(int sa);

/* A diagnostic of priority @prio (0 error ... 3 debug), without newline. */
typedef void prtool_log_fn(void *arg, int prio, const char *msg);

/**
 * prtool_mpath_set_log() - receive the libmpathpersist API's diagnostics
 * @fn: called for each message up to the verbosity of the last
 *	mpath_persistent_reserve_init_vecs() or @verbose argument; NULL (the
 *	default) drops them
 * @arg: passed to @fn
 *
 * libmpathpersist prints these on stderr; libprtool never prints, so they
 * reach only @fn (one setting for the process, like the verbosity).
 */
void prtool_mpath_set_log(prtool_log_fn *fn, void *arg);

/**
 * struct prtool_scsi_outcome - the last command sent over SG_IO
 * @status: SAM status byte
 * @host: host byte
 * @driver: driver byte
 * @sense_key: sense key, -1 without sense data
 * @asc: additional sense code
 * @ascq: additional sense code qualifier
 */
struct prtool_scsi_outcome {
	uint8_t status;
	uint8_t host;
	uint8_t driver;
	int sense_key;
	uint8_t asc;
	uint8_t ascq;
};

/* The outcome of the last SG_IO command on @dev: 0, or -ENODATA if none. */
int prtool_last_scsi(const struct prtool_dev *dev,
		     struct prtool_scsi_outcome *out);

/* What kind of result a PR function had. */
enum prtool_status_class {
	PRTOOL_CLASS_OK,	/* success */
	PRTOOL_CLASS_ERRNO,	/* a negative errno */
	PRTOOL_CLASS_CONFLICT,	/* RESERVATION CONFLICT */
	PRTOOL_CLASS_PATH,	/* path or transport failure */
	PRTOOL_CLASS_IO,	/* the device failed the command */
	PRTOOL_CLASS_OTHER,	/* a positive status not known */
};

enum prtool_status_class prtool_status_classify(int status);

/*
 * A name for a PR result (never a bare number), written to @buf, which is
 * returned: "success", strerror() for an errno, "Reservation conflict",
 * "path failed (no connection to the target)", ...
 */
const char *prtool_status_str(int status, char *buf, size_t len);

/* Name of a SCSI sense key (0-15): "ILLEGAL REQUEST". */
const char *prtool_sense_key_name(unsigned int key);

/**
 * prtool_parse_key() - parse a reservation key
 * @s: 0x-prefixed hex or decimal, 0 to 2^64-1; no sign, blanks, size
 *	suffix or octal
 * @key: the result
 * @why: on failure, a reason for the user
 *
 * Return: 0, or -1 on failure.
 */
int prtool_parse_key(const char *s, uint64_t *key, const char **why);

/*
 * Parse a type by name ("write-exclusive-reg-only"), short name ("wero")
 * or PRTOOL_TYPE_* number. Return: 0, or -1 on failure.
 */
int prtool_parse_type(const char *s, unsigned int *type);

/*
 * Names of a PRTOOL_TYPE_* value: the canonical name
 * ("write-exclusive-reg-only") and the SPC wording ("Write Exclusive,
 * registrants only"). NULL for an unknown value.
 */
const char *prtool_type_name(unsigned int type);
const char *prtool_type_description(unsigned int type);

/* SPC-4 type code of a PRTOOL_TYPE_* value, and back; 0 if none. */
unsigned int prtool_type_to_scsi(unsigned int type);
unsigned int prtool_type_from_scsi(unsigned int scsi_type);

#ifdef __cplusplus
}
#endif

#endif /* LIBPRTOOL_PRTOOL_H */
