// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: names for PR results and for the module's path states.
 */
#include <stdio.h>
#include <string.h>

#include <linux/dm-mpath-pr.h>

#include "lpt.h"
#include "pr_compat.h"
#include "status.h"

struct status_name {
	unsigned int value;
	enum pr_status_class class;
	const char *name;
};

/* SAM-5 status codes (the low byte of a SCSI result). */
static const struct status_name sam_status[] = {
	{ 0x02, PR_CLASS_IO, "I/O error (check condition)" },
	{ 0x04, PR_CLASS_IO, "condition met" },
	{ 0x08, PR_CLASS_IO, "device busy" },
	{ 0x10, PR_CLASS_IO, "intermediate (obsolete status)" },
	{ 0x14, PR_CLASS_IO, "intermediate, condition met (obsolete status)" },
	{ PRTOOL_PR_STS_RESERVATION_CONFLICT, PR_CLASS_CONFLICT,
	  "Reservation conflict" },
	{ 0x22, PR_CLASS_IO, "command terminated (obsolete status)" },
	{ 0x28, PR_CLASS_IO, "task set full" },
	{ 0x30, PR_CLASS_IO, "ACA active" },
	{ 0x40, PR_CLASS_IO, "task aborted by the device" },
};

/* SCSI host bytes (DID_*, include/scsi/scsi_status.h). */
static const struct status_name host_byte[] = {
	{ 0x01, PR_CLASS_PATH, "path failed (no connection to the target)" },
	{ 0x02, PR_CLASS_PATH, "path failed (bus busy)" },
	{ 0x03, PR_CLASS_PATH, "command timed out" },
	{ 0x04, PR_CLASS_PATH, "path failed (bad target)" },
	{ 0x05, PR_CLASS_PATH, "command aborted" },
	{ 0x06, PR_CLASS_PATH, "path failed (parity error)" },
	{ 0x07, PR_CLASS_PATH, "path failed (host adapter error)" },
	{ 0x08, PR_CLASS_PATH, "command reset" },
	{ 0x09, PR_CLASS_PATH, "path failed (bad interrupt)" },
	{ 0x0a, PR_CLASS_PATH, "passthrough error" },
	{ 0x0b, PR_CLASS_PATH, "soft error, retry" },
	{ 0x0c, PR_CLASS_PATH, "retry immediately" },
	{ 0x0d, PR_CLASS_PATH, "requeued" },
	{ 0x0e, PR_CLASS_PATH, "path failure, retry on another path "
			       "(transport disrupted)" },
	{ 0x0f, PR_CLASS_PATH, "path fast-failed (transport fast-fail timer)" },
	{ 0x10, PR_CLASS_IO, "target failure" },
	{ 0x11, PR_CLASS_CONFLICT, "Reservation conflict (nexus failure)" },
	{ 0x12, PR_CLASS_IO, "space allocation failure" },
	{ 0x13, PR_CLASS_IO, "medium error" },
	{ 0x14, PR_CLASS_PATH, "path marginal (transport marginal)" },
};

/*
 * scsi-ml internal byte (bits 8-15 of a SCSI result since Linux 5.19,
 * SCSIML_STAT_*): a 6.1 kernel returns e.g. 0x118 for a conflict.
 */
static const struct status_name ml_byte[] = {
	{ 0x01, PR_CLASS_CONFLICT, "Reservation conflict" },
	{ 0x02, PR_CLASS_IO, "space allocation failure" },
	{ 0x03, PR_CLASS_IO, "medium error" },
	{ 0x04, PR_CLASS_IO, "target failure" },
	{ 0x05, PR_CLASS_IO, "command duration limit timeout" },
};

/* NVMe status codes (status code type << 8 | status code). */
static const struct status_name nvme_status[] = {
	{ 0x001, PR_CLASS_IO, "invalid command opcode (NVMe)" },
	{ 0x004, PR_CLASS_IO, "data transfer error (NVMe)" },
	{ 0x006, PR_CLASS_IO, "internal error (NVMe)" },
	{ 0x007, PR_CLASS_IO, "command aborted (NVMe)" },
	{ 0x00b, PR_CLASS_IO, "invalid namespace (NVMe)" },
	{ 0x083, PR_CLASS_CONFLICT, "Reservation conflict" },
	{ 0x370, PR_CLASS_PATH, "path failed (NVMe host path error)" },
	{ 0x371, PR_CLASS_PATH, "command aborted by host (NVMe)" },
	{ 0x372, PR_CLASS_PATH, "path failed (NVMe controller unavailable)" },
};

static const struct status_name *lookup(const struct status_name *t,
					size_t n, unsigned int v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].value == v)
			return &t[i];
	return NULL;
}

/*
 * Decode a positive result. When nothing matches, NULL is returned and
 * *unknown is the text that names the value (followed by it in hex).
 */
static const struct status_name *decode(unsigned int r, const char **unknown)
{
	unsigned int driver = (r >> 24) & 0xff;
	unsigned int host = (r >> 16) & 0xff;
	unsigned int ml = (r >> 8) & 0xff;
	unsigned int st = r & 0xff;
	const struct status_name *s;

	*unknown = NULL;
	if (driver) {
		*unknown = "SCSI driver error, result";
		return NULL;
	}
	if (host) {
		/* Host byte (PR_STS_*PATH* have this form too). */
		s = lookup(host_byte, ARRAY_SIZE(host_byte), host);
		if (s)
			return s;
		*unknown = "SCSI host error, result";
		return NULL;
	}
	s = lookup(sam_status, ARRAY_SIZE(sam_status), st);
	if (s && !ml)
		return s;
	if (s) {
		s = lookup(ml_byte, ARRAY_SIZE(ml_byte), ml);
		if (s)
			return s;
	}
	/* Not a SCSI result: an NVMe status from a kernel before 6.5. */
	s = lookup(nvme_status, ARRAY_SIZE(nvme_status), r & 0x7ff);
	if (s)
		return s;
	*unknown = "unknown PR status";
	return NULL;
}

enum pr_status_class pr_status_classify(int status)
{
	const struct status_name *s;
	const char *unknown;

	if (status == 0)
		return PR_CLASS_OK;
	if (status < 0)
		return PR_CLASS_ERRNO;
	s = decode((unsigned int)status, &unknown);
	if (s)
		return s->class;
	/* An unknown host byte is still a path problem. */
	if (((unsigned int)status >> 16) & 0xff)
		return PR_CLASS_PATH;
	return PR_CLASS_OTHER;
}

const char *pr_status_str(int status, char *buf, size_t len)
{
	const struct status_name *s;
	const char *unknown;

	if (status == 0) {
		snprintf(buf, len, "success");
	} else if (status < 0) {
		snprintf(buf, len, "%s", strerror(-status));
	} else {
		s = decode((unsigned int)status, &unknown);
		if (s)
			snprintf(buf, len, "%s", s->name);
		else
			snprintf(buf, len, "%s 0x%x", unknown,
				 (unsigned int)status);
	}
	return buf;
}

const char *scsi_sense_key_name(unsigned int key)
{
	static const char *const names[] = {
		"NO SENSE",	   "RECOVERED ERROR", "NOT READY",
		"MEDIUM ERROR",	   "HARDWARE ERROR",  "ILLEGAL REQUEST",
		"UNIT ATTENTION",  "DATA PROTECT",    "BLANK CHECK",
		"VENDOR SPECIFIC", "COPY ABORTED",    "ABORTED COMMAND",
		"EQUAL (obsolete)", "VOLUME OVERFLOW", "MISCOMPARE",
		"COMPLETED",
	};

	return key < ARRAY_SIZE(names) ? names[key] : "invalid sense key";
}

const char *mpr_path_state_name(uint32_t state)
{
	switch (state) {
	case DM_MPATH_PR_PATH_ACTIVE:
		return "active";
	case DM_MPATH_PR_PATH_FAILED:
		return "failed";
	default:
		return "unknown";
	}
}

const char *mpr_reg_state_name(uint32_t reg)
{
	switch (reg) {
	case DM_MPATH_PR_REG_UNKNOWN:
		return "unknown";
	case DM_MPATH_PR_REG_NONE:
		return "none";
	case DM_MPATH_PR_REG_REGISTERED:
		return "registered";
	case DM_MPATH_PR_REG_PENDING:
		return "pending";
	default:
		return "invalid";
	}
}
