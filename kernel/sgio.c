// SPDX-License-Identifier: GPL-2.0
/*
 * SG_IO on an attached map: PERSISTENT RESERVE IN/OUT CDBs go through the
 * engine, everything else to dm unchanged.
 *
 * Many PR users send the CDBs themselves (sg_persist, QEMU's
 * qemu-pr-helper without libmpathpersist, fence_scsi). dm forwards SG_IO to
 * one path, so their key lands on one I_T nexus. Here the interposed
 * block_device_operations take the ioctl first: a PR OUT runs as the
 * corresponding pr_ops call would (every path, the fencing rules), a READ
 * KEYS or READ RESERVATION through the engine's fail-over, and the caller
 * gets its sg_io_hdr back as a device server would fill it: SAM status,
 * sense data, residual. The rules are in sgio-rules.c; Documentation/
 * kernel.md, "SG_IO", lists what is answered here and what goes to dm.
 *
 * Permission is the block layer's check for the same CDB on a path
 * (scsi_cmd_allowed(): PR IN/OUT need CAP_SYS_RAWIO). The caller's timeout
 * is not used: the operation deadline of the attachment bounds the call.
 *
 * A map's SGIO setting (netlink SET, "prtool set MAP --sgio off") turns
 * this off: every SG_IO of that map then goes to dm before anything of it
 * is read, exactly as on a map that is not attached.
 */

#include <linux/blkdev.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_ioctl.h>
#include <scsi/sg.h>

#include "attach.h"
#include "engine.h"
#include "sgio.h"

/* The driver byte that flags sense data in sg_io_hdr (scsi/sg.h). */
#define MPR_DRIVER_SENSE	0x08

/* Not handled here: the caller forwards the ioctl to dm. */
#define MPR_SGIO_FORWARD	(-ENOIOCTLCMD)

/**
 * struct mpr_sgio - one SG_IO request on its way through
 * @hdr: the caller's header
 * @req: its PR command, decoded
 * @st: how it ended
 * @xfer: bytes of data transferred (sent for OUT, returned for IN)
 */
struct mpr_sgio {
	struct sg_io_hdr hdr;
	struct mpr_sgio_req req;
	struct mpr_sgio_status st;
	u32 xfer;
};

static int mpr_sgio_out(struct mpr_engine *eng, const struct mpr_sgio_req *req)
{
	switch (req->sa) {
	case MPR_PR_OUT_REGISTER:
		return mpr_engine_register(eng, req->key, req->sa_key, 0);
	case MPR_PR_OUT_REGISTER_IGNORE:
		return mpr_engine_register(eng, req->key, req->sa_key,
					   PR_FL_IGNORE_KEY);
	case MPR_PR_OUT_RESERVE:
		return mpr_engine_reserve(eng, req->key, req->type, 0);
	case MPR_PR_OUT_RELEASE:
		return mpr_engine_release(eng, req->key, req->type);
	case MPR_PR_OUT_CLEAR:
		return mpr_engine_clear(eng, req->key);
	case MPR_PR_OUT_PREEMPT:
	case MPR_PR_OUT_PREEMPT_ABORT:
		return mpr_engine_preempt(eng, req->key, req->sa_key,
					  req->type,
					  req->sa == MPR_PR_OUT_PREEMPT_ABORT);
	}
	return -EINVAL;	/* mpr_sgio_decode_cdb() lets no other through */
}

/* READ KEYS or READ RESERVATION into @buf (@len bytes); sets @s->xfer. */
static int mpr_sgio_in(struct mpr_engine *eng, struct mpr_sgio *s, u8 *buf,
		       size_t len)
{
	struct mpr_resv rsv = { 0 };
	u32 generation = 0, num = 0, room;
	u64 *keys;
	int r;

	if (s->req.sa == MPR_PR_IN_READ_RESERVATION) {
		r = mpr_engine_read_reservation(eng, &rsv);
		if (!r)
			s->xfer = mpr_sgio_read_resv_resp(buf, len,
							  rsv.generation,
							  rsv.key, rsv.type);
		return r;
	}
	room = len > 8 ? DIV_ROUND_UP(len - 8, 8) : 0;
	keys = kcalloc(max(room, 1U), sizeof(*keys), GFP_KERNEL);
	if (!keys)
		return -ENOMEM;
	num = room;
	r = mpr_engine_read_keys(eng, &generation, &num, keys);
	if (!r)
		s->xfer = mpr_sgio_read_keys_resp(buf, len, generation, keys,
						  num, room);
	kfree(keys);
	return r;
}

/* Run the decoded command through the engine of @bdev's attachment. */
static int mpr_sgio_run(struct block_device *bdev, struct mpr_sgio *s,
			u8 *buf, size_t len)
{
	struct mpr_call call;
	int r;

	mpr_call_begin(bdev, &call);
	if (!call.att)
		r = MPR_SGIO_FORWARD;	/* detached meanwhile: dm answers */
	else if (s->req.in)
		r = mpr_sgio_in(&call.att->eng, s, buf, len);
	else
		r = mpr_sgio_out(&call.att->eng, &s->req);
	mpr_call_end(&call);
	return r;
}

/*
 * Run @s through the engine and say how it ended in @s->st: 0 (the status
 * is in @s->st), an errno for the ioctl, or MPR_SGIO_FORWARD.
 */
static int mpr_sgio_exec(struct block_device *bdev, struct mpr_sgio *s,
			 u8 *buf, size_t len)
{
	int r = mpr_sgio_run(bdev, s, buf, len);

	if (r == MPR_SGIO_FORWARD)
		return r;
	mpr_sgio_status(r, &s->st);
	return s->st.err;
}

/* Fill in the caller's header from @s and copy it, with sense, back. */
static int mpr_sgio_answer(struct mpr_sgio *s, void __user *argp,
			   unsigned long start)
{
	struct sg_io_hdr *hdr = &s->hdr;
	u8 sense[MPR_SENSE_LEN];
	u8 n;

	hdr->status = s->st.status;
	hdr->masked_status = s->st.status >> 1;
	hdr->msg_status = 0;
	hdr->host_status = 0;
	hdr->driver_status = 0;
	hdr->sb_len_wr = 0;
	if (s->st.status == MPR_SAM_CHECK_CONDITION) {
		hdr->driver_status = MPR_DRIVER_SENSE;
		n = min_t(u8, hdr->mx_sb_len, MPR_SENSE_LEN);
		if (n && hdr->sbp) {
			mpr_sgio_fill_sense(&s->st.sense, sense);
			if (copy_to_user(hdr->sbp, sense, n))
				return -EFAULT;
			hdr->sb_len_wr = n;
		}
	}
	hdr->resid = hdr->dxfer_len - s->xfer;
	hdr->duration = jiffies_to_msecs(jiffies - start);
	hdr->info = hdr->status || hdr->host_status || hdr->driver_status ?
		    SG_INFO_CHECK : SG_INFO_OK;
	return put_sg_io_hdr(hdr, argp);
}

/* The PR OUT parameter list from the caller; @s->xfer says how much. */
static int mpr_sgio_param(struct mpr_sgio *s, u8 param[MPR_PR_OUT_PLEN])
{
	u32 got = 0;

	memset(param, 0, MPR_PR_OUT_PLEN);
	if (s->hdr.dxfer_direction == SG_DXFER_TO_DEV)
		got = min3(s->hdr.dxfer_len, s->req.plen, (u32)MPR_PR_OUT_PLEN);
	if (got && copy_from_user(param, s->hdr.dxferp, got))
		return -EFAULT;
	s->xfer = got;
	return 0;
}

/*
 * What the block layer's sg_io() refuses in the header before it sends
 * anything, in its order (dm would hand the header to it on a path): a
 * transfer longer than the queue takes (EIO), data with no direction or
 * one that does not exist, a CDB longer than a scsi_cmnd holds (EINVAL).
 */
static int mpr_sgio_hdr_err(struct block_device *bdev,
			    const struct sg_io_hdr *hdr)
{
	if (hdr->dxfer_len > (queue_max_hw_sectors(bdev_get_queue(bdev)) << 9))
		return -EIO;
	if (hdr->dxfer_len) {
		switch (hdr->dxfer_direction) {
		case SG_DXFER_TO_DEV:
		case SG_DXFER_TO_FROM_DEV:
		case SG_DXFER_FROM_DEV:
			break;
		default:
			return -EINVAL;
		}
	}
	if (hdr->cmd_len > sizeof_field(struct scsi_cmnd, cmnd))
		return -EINVAL;
	return 0;
}

/* SG_IO: ours if it is a PR command; MPR_SGIO_FORWARD if not. */
static int mpr_sgio(struct block_device *bdev, mpr_mode_t mode,
		    void __user *argp)
{
	unsigned long start = jiffies;
	u8 cdb[MPR_PR_CDB_LEN], param[MPR_PR_OUT_PLEN];
	enum mpr_sgio_verdict v;
	struct mpr_sgio s = { 0 };
	size_t len = 0;
	u8 *buf = NULL;
	int r, hdr_err;

	if (get_sg_io_hdr(&s.hdr, argp))
		return -EFAULT;
	if (s.hdr.interface_id != 'S' || s.hdr.cmd_len < MPR_PR_CDB_LEN)
		return MPR_SGIO_FORWARD;
	/* sg_io() checks the header before it reads the CDB */
	hdr_err = mpr_sgio_hdr_err(bdev, &s.hdr);
	if (copy_from_user(cdb, s.hdr.cmdp, sizeof(cdb)))
		return hdr_err ?: -EFAULT;
	v = mpr_sgio_decode_cdb(cdb, s.hdr.cmd_len, &s.req);
	if (v == MPR_SGIO_PASS)
		return MPR_SGIO_FORWARD;
	if (hdr_err)
		return hdr_err;
	if (!mpr_scsi_cmd_allowed(cdb, mode))
		return -EPERM;
	/* Scatter lists are not taken apart here (see kernel.md). */
	if (s.hdr.iovec_count)
		return -EOPNOTSUPP;

	if (v == MPR_SGIO_RUN && !s.req.in) {
		r = mpr_sgio_param(&s, param);
		if (r)
			return r;
		v = mpr_sgio_decode_param(param, s.xfer, &s.req);
	}
	if (v == MPR_SGIO_CHECK) {
		s.xfer = 0;
		mpr_sgio_check(&s.req.sense, &s.st);
		return mpr_sgio_answer(&s, argp, start);
	}

	if (s.req.in && s.hdr.dxfer_direction == SG_DXFER_FROM_DEV) {
		len = min(s.req.alloc_len, s.hdr.dxfer_len);
		buf = kzalloc(max_t(size_t, len, 1), GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}
	r = mpr_sgio_exec(bdev, &s, buf, len);
	if (r)
		goto out;
	if (!s.req.in && s.st.status != MPR_SAM_GOOD)
		s.xfer = 0;
	if (s.xfer && buf && copy_to_user(s.hdr.dxferp, buf, s.xfer)) {
		r = -EFAULT;
		goto out;
	}
	r = mpr_sgio_answer(&s, argp, start);
out:
	kfree(buf);
	return r;
}

/* The sense the legacy interface returns, at most (scsi_ioctl.c). */
#define MPR_SEND_SENSE_LEN	16

/*
 * SCSI_IOCTL_SEND_COMMAND, the legacy interface (sg_scsi_ioctl()), which
 * dm forwards to one path like SG_IO: @sic holds inlen, outlen, then the
 * CDB (10 bytes for PR IN/OUT) and inlen bytes of data out. The device
 * sees max(inlen, outlen) bytes of data, out if inlen is not 0. The
 * return value is the SCSI status; outlen bytes of data come back for
 * GOOD, else the sense (16 bytes at most, CHECK CONDITION only). What is
 * not a PR command, or cannot be read, goes to dm, which answers as sd.
 */
static int mpr_scsi_send(struct block_device *bdev, mpr_mode_t mode,
			 struct scsi_ioctl_command __user *sic)
{
	u8 cdb[MPR_PR_CDB_LEN], param[MPR_PR_OUT_PLEN] = { 0 };
	unsigned int in_len, out_len, bytes;
	u8 sense[MPR_SENSE_LEN];
	enum mpr_sgio_verdict v;
	struct mpr_sgio s = { 0 };
	size_t len = 0;
	u8 *buf;
	int r;

	if (!sic || get_user(in_len, &sic->inlen) ||
	    get_user(out_len, &sic->outlen) ||
	    copy_from_user(cdb, sic->data, sizeof(cdb)))
		return MPR_SGIO_FORWARD;
	v = mpr_sgio_decode_cdb(cdb, sizeof(cdb), &s.req);
	if (v == MPR_SGIO_PASS)
		return MPR_SGIO_FORWARD;
	if (in_len > PAGE_SIZE || out_len > PAGE_SIZE)
		return -EINVAL;
	bytes = max(in_len, out_len);
	buf = kzalloc(max(bytes, 1U), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	r = -EFAULT;
	if (in_len && copy_from_user(buf, sic->data + sizeof(cdb), in_len))
		goto out;
	r = -EPERM;
	if (!mpr_scsi_cmd_allowed(cdb, mode))
		goto out;

	if (v == MPR_SGIO_RUN && !s.req.in) {
		s.xfer = in_len ? min3(bytes, s.req.plen, (u32)MPR_PR_OUT_PLEN) : 0;
		memcpy(param, buf, s.xfer);
		v = mpr_sgio_decode_param(param, s.xfer, &s.req);
	}
	if (v == MPR_SGIO_CHECK) {
		mpr_sgio_check(&s.req.sense, &s.st);
	} else {
		if (s.req.in)
			len = min(s.req.alloc_len, bytes);
		r = mpr_sgio_exec(bdev, &s, buf, len);
		if (r)
			goto out;
	}
	r = s.st.status;
	if (r == MPR_SAM_GOOD) {
		if (copy_to_user(sic->data, buf, out_len))
			r = -EFAULT;
	} else if (r == MPR_SAM_CHECK_CONDITION) {
		mpr_sgio_fill_sense(&s.st.sense, sense);
		if (copy_to_user(sic->data, sense, MPR_SEND_SENSE_LEN))
			r = -EFAULT;
	}
out:
	kfree(buf);
	return r;
}

/**
 * mpr_blk_ioctl() - the ioctl of an attached map's interposed operations
 * @bdev: the map
 * @mode: the caller's open mode
 * @cmd: the ioctl
 * @arg: its argument
 *
 * Return: what the ioctl returns: the SG_IO or SCSI_IOCTL_SEND_COMMAND
 * of a PR command from here (unless the map's SGIO setting is off),
 * anything else from dm's own ioctl.
 */
int mpr_blk_ioctl(struct block_device *bdev, mpr_mode_t mode,
		  unsigned int cmd, unsigned long arg)
{
	const struct block_device_operations *fops;
	int r;

	if ((cmd == SG_IO || cmd == SCSI_IOCTL_SEND_COMMAND) &&
	    mpr_sgio_on(bdev->bd_disk)) {
		if (cmd == SG_IO)
			r = mpr_sgio(bdev, mode, (void __user *)arg);
		else
			r = mpr_scsi_send(bdev, mode, (void __user *)arg);
		if (r != MPR_SGIO_FORWARD)
			return r;
	}
	fops = mpr_orig_fops(bdev->bd_disk);
	if (!fops || !fops->ioctl)
		return -ENOTTY;
	return fops->ioctl(bdev, mode, cmd, arg);
}
