// SPDX-License-Identifier: GPL-2.0
/*
 * PERSISTENT RESERVE IN/OUT through a path's scsi_device, for kernels
 * whose sd pr_ops fall short (6.1). Empty where they do not.
 */

#include <linux/blkdev.h>
#include <linux/pr.h>
#include <linux/slab.h>
#include <scsi/scsi_proto.h>

#include "engine.h"
#include "path-scsi.h"
#include "sgio.h"

#ifdef MPR_SCSI
#include <linux/delay.h>
#include <linux/dma-direction.h>
#include <asm/unaligned.h>
#include <scsi/scsi_common.h>
#include <scsi/scsi_device.h>

/*
 * The SCSI commands themselves, for kernels whose sd pr_ops fall short:
 * before v6.3 (no PR_STS_*) they return raw SCSI results, without the
 * sense data that tells a UNIT ATTENTION from an ILLEGAL REQUEST, and
 * before v6.5 there is no pr_read_keys/pr_read_reservation. On such kernels
 * an sd path gets PERSISTENT RESERVE IN/OUT through its scsi_device (the
 * parent of an sd disk's device; scsi_device_from_queue() is not exported
 * on 6.1), with the sense handling of later sd_pr_*(): UNIT ATTENTION
 * retried, ILLEGAL REQUEST with an invalid field is -EINVAL, so that every
 * kernel gives the same answers.
 */
#define MPR_SCSI_TIMEOUT	(30 * HZ)
#define MPR_SCSI_RETRIES	3
/* UNIT ATTENTIONs and "operation in progress" a command is sent again for. */
#define MPR_SCSI_UA_RETRIES	5

#define MPR_PRIN_READ_KEYS	0x00
#define MPR_PRIN_READ_RESV	0x01

/**
 * mpr_scsi_dev() - the scsi_device of an sd path
 * @bdev: the path
 *
 * Return: the SCSI device, or NULL if the path is not SCSI.
 */
struct scsi_device *mpr_scsi_dev(struct block_device *bdev)
{
	struct device *parent = disk_to_dev(bdev->bd_disk)->parent;

	if (!parent || !scsi_is_sdev_device(parent))
		return NULL;
	return to_scsi_device(parent);
}

/**
 * mpr_scsi_exec() - one PERSISTENT RESERVE IN or OUT, as later sd does it
 * @sdev: the path's SCSI device
 * @cdb: the command
 * @out: data goes to the device
 * @buf: the data (kmalloc'ed)
 * @len: its length
 *
 * Return: 0, -errno or PR_STS_*: host byte errors as in
 * mpr_result_normalise(), RESERVATION CONFLICT, -EINVAL for ILLEGAL
 * REQUEST with INVALID FIELD IN CDB or PARAMETER LIST, else PR_STS_IOERR.
 */
static int mpr_scsi_exec(struct scsi_device *sdev, const u8 *cdb, bool out,
			 void *buf, unsigned int len)
{
	struct scsi_sense_hdr sshdr;
	unsigned int tries = 0;
	int r;

	if (scsi_device_get(sdev))
		return PR_STS_PATH_FAILED;
	for (;;) {
		memset(&sshdr, 0, sizeof(sshdr));
#ifdef COMPAT_HAVE_SCSI_EXECUTE_CMD
		{
			const struct scsi_exec_args args = { .sshdr = &sshdr };

			r = scsi_execute_cmd(sdev, cdb, out ? REQ_OP_DRV_OUT :
					     REQ_OP_DRV_IN, buf, len,
					     MPR_SCSI_TIMEOUT, MPR_SCSI_RETRIES,
					     &args);
		}
#else
		r = scsi_execute_req(sdev, cdb, out ? DMA_TO_DEVICE :
				     DMA_FROM_DEVICE, buf, len, &sshdr,
				     MPR_SCSI_TIMEOUT, MPR_SCSI_RETRIES, NULL);
#endif
		if (r <= 0 || !scsi_status_is_check_condition(r) ||
		    !scsi_sense_valid(&sshdr))
			break;
		if (sshdr.sense_key == UNIT_ATTENTION &&
		    ++tries <= MPR_SCSI_UA_RETRIES)
			continue;
		if (sshdr.sense_key == NOT_READY && sshdr.asc == 0x04 &&
		    sshdr.ascq == 0x07 && ++tries <= MPR_SCSI_UA_RETRIES) {
			usleep_range(1000, 2000);
			continue;
		}
		if (sshdr.sense_key == ILLEGAL_REQUEST &&
		    (sshdr.asc == 0x24 || sshdr.asc == 0x26))
			r = -EINVAL;
		break;
	}
	scsi_device_put(sdev);
	return r < 0 ? r : mpr_result_normalise(r);
}

/**
 * mpr_scsi_pr_out() - PERSISTENT RESERVE OUT with sd's 24-byte parameter list
 * @sdev: the path's SCSI device
 * @sa: the service action (MPR_PROUT_*)
 * @key: the reservation key
 * @sa_key: the service action reservation key
 * @type: the reservation type (block enum pr_type), 0 for none
 * @flags: byte 20 of the parameter list (MPR_PROUT_APTPL)
 *
 * Return: 0, -errno or PR_STS_*.
 */
int mpr_scsi_pr_out(struct scsi_device *sdev, u8 sa, u64 key, u64 sa_key,
		    enum pr_type type, u8 flags)
{
	u8 cdb[10] = { PERSISTENT_RESERVE_OUT, sa };
	u8 *data;
	int r;

	data = kzalloc(24, GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	cdb[2] = mpr_block_type_to_scsi(type);
	put_unaligned_be32(24, &cdb[5]);
	put_unaligned_be64(key, &data[0]);
	put_unaligned_be64(sa_key, &data[8]);
	data[20] = flags;
	r = mpr_scsi_exec(sdev, cdb, true, data, 24);
	kfree(data);
	return r;
}

/**
 * mpr_scsi_read_keys() - PERSISTENT RESERVE IN READ KEYS
 * @sdev: the path's SCSI device
 * @keys: result; @keys->num_keys is the room on entry
 *
 * Return: 0, -errno or PR_STS_*.
 */
int mpr_scsi_read_keys(struct scsi_device *sdev, struct mpr_keys *keys)
{
	u8 cdb[10] = { PERSISTENT_RESERVE_IN, MPR_PRIN_READ_KEYS };
	u32 room = keys->num_keys, len, have, i;
	u8 *buf;
	int r;

	len = min_t(u32, 8 + 8 * room, U16_MAX);
	buf = kzalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	put_unaligned_be16(len, &cdb[7]);
	r = mpr_scsi_exec(sdev, cdb, false, buf, len);
	if (!r) {
		keys->generation = get_unaligned_be32(&buf[0]);
		keys->num_keys = get_unaligned_be32(&buf[4]) / 8;
		have = min3(room, keys->num_keys, (len - 8) / 8);
		for (i = 0; i < have; i++)
			keys->keys[i] = get_unaligned_be64(&buf[8 + 8 * i]);
	}
	kfree(buf);
	return r;
}

/**
 * mpr_scsi_read_resv() - PERSISTENT RESERVE IN READ RESERVATION
 * @sdev: the path's SCSI device
 * @rsv: result, zeroed by the caller
 *
 * Return: 0, -errno or PR_STS_*.
 */
int mpr_scsi_read_resv(struct scsi_device *sdev, struct mpr_resv *rsv)
{
	u8 cdb[10] = { PERSISTENT_RESERVE_IN, MPR_PRIN_READ_RESV };
	u8 *buf;
	int r;

	buf = kzalloc(24, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	put_unaligned_be16(24, &cdb[7]);
	r = mpr_scsi_exec(sdev, cdb, false, buf, 24);
	if (!r) {
		rsv->generation = get_unaligned_be32(&buf[0]);
		/* ADDITIONAL LENGTH 0: no reservation. */
		if (get_unaligned_be32(&buf[4]) >= 16) {
			rsv->key = get_unaligned_be64(&buf[8]);
			rsv->type = mpr_scsi_type_to_block(buf[21] & 0x0f);
		}
	}
	kfree(buf);
	return r;
}
#endif /* MPR_SCSI */
