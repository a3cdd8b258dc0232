// SPDX-License-Identifier: GPL-2.0
/*
 * Results as the engine sees them: pr_ops results normalised to 0,
 * -errno or PR_STS_*, which of them are path errors or conflicts, and
 * names for messages.
 */

#include <linux/completion.h>
#include <linux/device-mapper.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/pr.h>
#include <linux/refcount.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <scsi/scsi_proto.h>
#include <scsi/scsi_status.h>

#include "engine-int.h"

/**
 * mpr_result_is_path_error() - does a result mean the path, not the device?
 * @result: 0, -errno or PR_STS_*
 *
 * Path errors say nothing about the reservation state of the device: the
 * command did not reach it (or its answer got lost). They are never turned
 * into a reservation conflict.
 *
 * Return: true for transport failures.
 */
bool mpr_result_is_path_error(int result)
{
	switch (result) {
	case PR_STS_PATH_FAILED:
	case PR_STS_PATH_FAST_FAILED:
	case PR_STS_RETRY_PATH_FAILURE:
	case -ENODEV:
	case -ENXIO:
	case -ENOLINK:
	case -ETIMEDOUT:
	case -EHOSTDOWN:
	case -ECONNREFUSED:
		return true;
	default:
		return false;
	}
}

/**
 * mpr_result_normalise() - turn a pr_ops result into 0, -errno or PR_STS_*
 * @r: what a path's pr_ops returned
 *
 * Before v6.3, sd's pr_ops return raw SCSI results: the host byte (bits
 * 16-23) for transport failures, e.g. 0x10000 (DID_NO_CONNECT) for an
 * offline device, and the SAM status in the low byte, e.g. 0x18
 * RESERVATION CONFLICT (0x118 with a message byte) or 2 CHECK CONDITION.
 * The PR_STS_* values of later kernels are those same raw results, so they
 * map to themselves and one function serves every kernel.
 *
 * Return: the normalised result.
 */
int mpr_result_normalise(int r)
{
	if (r <= 0)
		return r;
	switch ((r >> 16) & 0xff) {
	case 0:
		break;
	case DID_TRANSPORT_DISRUPTED:
		return PR_STS_RETRY_PATH_FAILURE;
	case DID_TRANSPORT_FAILFAST:
		return PR_STS_PATH_FAST_FAILED;
	default:
		return PR_STS_PATH_FAILED;
	}
	if ((r & 0xff) == SAM_STAT_RESERVATION_CONFLICT)
		return PR_STS_RESERVATION_CONFLICT;
	return PR_STS_IOERR;
}

/**
 * mpr_result_is_conflict() - is a result a RESERVATION CONFLICT?
 * @result: 0, -errno or PR_STS_*
 *
 * Return: true for PR_STS_RESERVATION_CONFLICT.
 */
bool mpr_result_is_conflict(int result)
{
	return result == PR_STS_RESERVATION_CONFLICT;
}

/**
 * mpr_result_name() - a result in words, for messages
 * @result: 0, -errno or PR_STS_*
 *
 * Return: a static string.
 */
const char *mpr_result_name(int result)
{
	switch (result) {
	case 0:
		return "success";
	case PR_STS_IOERR:
		return "I/O error (CHECK CONDITION)";
	case PR_STS_RESERVATION_CONFLICT:
		return "reservation conflict";
	case PR_STS_PATH_FAILED:
		return "path failed";
	case PR_STS_PATH_FAST_FAILED:
		return "path fast-failed";
	case PR_STS_RETRY_PATH_FAILURE:
		return "path failed, retryable";
	case -ETIMEDOUT:
		return "no answer before the deadline";
	case -EINVAL:
		return "ILLEGAL REQUEST (invalid field)";
	case -EOPNOTSUPP:
		return "not supported";
	case -ENODEV:
	case -ENXIO:
		return "path device gone";
	default:
		return result < 0 ? "error" : "unexpected status";
	}
}

/**
 * mpr_type_name() - a reservation type in words, for messages
 * @type: enum pr_type, or 0 for none
 *
 * Return: a static string.
 */
const char *mpr_type_name(enum pr_type type)
{
	if (!type)
		return "none";
	switch (type) {
	case PR_WRITE_EXCLUSIVE:
		return "Write Exclusive";
	case PR_EXCLUSIVE_ACCESS:
		return "Exclusive Access";
	case PR_WRITE_EXCLUSIVE_REG_ONLY:
		return "Write Exclusive, registrants only";
	case PR_EXCLUSIVE_ACCESS_REG_ONLY:
		return "Exclusive Access, registrants only";
	case PR_WRITE_EXCLUSIVE_ALL_REGS:
		return "Write Exclusive, all registrants";
	case PR_EXCLUSIVE_ACCESS_ALL_REGS:
		return "Exclusive Access, all registrants";
	default:
		return "unknown type";
	}
}
