/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prtool: names for PR results and for the module's path states.
 */
#ifndef PRTOOL_STATUS_H
#define PRTOOL_STATUS_H

#include <stddef.h>
#include <stdint.h>

/**
 * enum pr_status_class - what kind of result a PR operation had
 * @PR_CLASS_OK: success
 * @PR_CLASS_ERRNO: negative errno (the command did not run, or the kernel
 *	refused it)
 * @PR_CLASS_CONFLICT: the device answered RESERVATION CONFLICT
 * @PR_CLASS_PATH: the path or transport failed; the device may not have
 *	seen the command
 * @PR_CLASS_IO: the device failed the command (CHECK CONDITION, busy, ...)
 * @PR_CLASS_OTHER: a positive result prtool does not know
 */
enum pr_status_class {
	PR_CLASS_OK,
	PR_CLASS_ERRNO,
	PR_CLASS_CONFLICT,
	PR_CLASS_PATH,
	PR_CLASS_IO,
	PR_CLASS_OTHER,
};

/*
 * A PR result as the kernel returns it from the IOC_PR_* ioctls, from
 * pr_ops, and in DM_MPATH_PR_A_PATH_LAST_ERROR: 0, a negative errno, or a
 * positive status. The positive status is a PR_STS_* value on Linux 6.5 and
 * later; on older kernels it is the raw SCSI result (SAM status byte, host
 * byte << 16) or, for NVMe, the raw NVMe status. PR_STS_* values equal the
 * SCSI results they stand for, so one decoder normalises all of them.
 */
enum pr_status_class pr_status_classify(int status);

/*
 * A human name for @status, written to @buf (which is returned). Never a
 * bare number: an unknown value is named as such, with its value.
 */
const char *pr_status_str(int status, char *buf, size_t len);

/* Name of a SCSI sense key (0-15). */
const char *scsi_sense_key_name(unsigned int key);

/* Names of enum dm_mpath_pr_path_state and enum dm_mpath_pr_reg_state. */
const char *mpr_path_state_name(uint32_t state);
const char *mpr_reg_state_name(uint32_t reg);

#endif /* PRTOOL_STATUS_H */
