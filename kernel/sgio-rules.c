// SPDX-License-Identifier: GPL-2.0
/*
 * The rules of PERSISTENT RESERVE IN/OUT by SG_IO on an attached map, pure:
 * no locks, no sleeping, no user memory. sgio.c copies the request in,
 * asks these what it is, runs it through the engine and has these write
 * the answer: SAM status, sense data and PR IN responses, as SPC-4 lays
 * them out.
 *
 * What is answered here rather than by a device server (Documentation/
 * kernel.md, "SG_IO"):
 *  - REGISTER AND MOVE: ILLEGAL REQUEST, INVALID FIELD IN CDB; moving the
 *    reservation to another I_T nexus has no meaning through a map;
 *  - a parameter list with SPEC_I_PT, ALL_TG_PT or APTPL set, or longer
 *    than the basic 24 bytes: ILLEGAL REQUEST, INVALID FIELD IN PARAMETER
 *    LIST; the engine registers every path itself and keeps no
 *    persist-through-power-loss state;
 *  - a parameter list length other than 24, or less data than it says:
 *    ILLEGAL REQUEST, PARAMETER LIST LENGTH ERROR;
 *  - a scope other than LU_SCOPE, or a type that is not one of the six,
 *    where the service action uses them: ILLEGAL REQUEST, INVALID FIELD IN
 *    CDB.
 * A CDB shorter than 10 bytes, a PR IN service action other than READ
 * KEYS and READ RESERVATION, and a PR OUT service action above 7 go to
 * dm unchanged: the device server answers them, with no side effect.
 */

#ifdef COMPAT_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#include "sgio.h"

#define SENSE_ILLEGAL_REQUEST	0x05
#define SENSE_ABORTED_COMMAND	0x0b
#define ASC_PARAM_LIST_LENGTH	0x1a
#define ASC_INVALID_FIELD_CDB	0x24
#define ASC_INVALID_FIELD_PARAM	0x26

/**
 * mpr_scsi_type_to_block() - an SPC-4 reservation type code, as enum pr_type
 * @type: the TYPE field (0-15)
 *
 * Return: the block layer's type, or 0 for a code that is none of the six.
 */
enum pr_type mpr_scsi_type_to_block(u8 type)
{
	switch (type) {
	case 0x01:
		return PR_WRITE_EXCLUSIVE;
	case 0x03:
		return PR_EXCLUSIVE_ACCESS;
	case 0x05:
		return PR_WRITE_EXCLUSIVE_REG_ONLY;
	case 0x06:
		return PR_EXCLUSIVE_ACCESS_REG_ONLY;
	case 0x07:
		return PR_WRITE_EXCLUSIVE_ALL_REGS;
	case 0x08:
		return PR_EXCLUSIVE_ACCESS_ALL_REGS;
	default:
		return 0;
	}
}

/**
 * mpr_block_type_to_scsi() - enum pr_type as an SPC-4 reservation type code
 * @type: the block layer's type
 *
 * Return: the TYPE field, 0 for none.
 */
u8 mpr_block_type_to_scsi(enum pr_type type)
{
	switch (type) {
	case PR_WRITE_EXCLUSIVE:
		return 0x01;
	case PR_EXCLUSIVE_ACCESS:
		return 0x03;
	case PR_WRITE_EXCLUSIVE_REG_ONLY:
		return 0x05;
	case PR_EXCLUSIVE_ACCESS_REG_ONLY:
		return 0x06;
	case PR_WRITE_EXCLUSIVE_ALL_REGS:
		return 0x07;
	case PR_EXCLUSIVE_ACCESS_ALL_REGS:
		return 0x08;
	default:
		return 0;
	}
}

static enum mpr_sgio_verdict check(struct mpr_sgio_req *req, u8 key, u8 asc)
{
	req->sense.key = key;
	req->sense.asc = asc;
	req->sense.ascq = 0;
	return MPR_SGIO_CHECK;
}

/* The service actions that use the CDB's SCOPE and TYPE. */
static bool out_sa_has_type(u8 sa)
{
	return sa == MPR_PR_OUT_RESERVE || sa == MPR_PR_OUT_RELEASE ||
	       sa == MPR_PR_OUT_PREEMPT || sa == MPR_PR_OUT_PREEMPT_ABORT;
}

/**
 * mpr_sgio_decode_cdb() - what an SG_IO CDB is to the module
 * @cdb: the CDB
 * @len: its length (sg_io_hdr's cmd_len)
 * @req: filled in for MPR_SGIO_RUN (and .sense for MPR_SGIO_CHECK)
 *
 * For PR OUT, MPR_SGIO_RUN means "read @req->plen bytes of parameter list
 * and call mpr_sgio_decode_param()".
 *
 * Return: the verdict.
 */
enum mpr_sgio_verdict mpr_sgio_decode_cdb(const u8 *cdb, unsigned int len,
					  struct mpr_sgio_req *req)
{
	u8 scope;

	memset(req, 0, sizeof(*req));
	if (len < MPR_PR_CDB_LEN ||
	    (cdb[0] != MPR_PR_IN_OPCODE && cdb[0] != MPR_PR_OUT_OPCODE))
		return MPR_SGIO_PASS;
	req->sa = cdb[1] & 0x1f;
	if (cdb[0] == MPR_PR_IN_OPCODE) {
		if (req->sa != MPR_PR_IN_READ_KEYS &&
		    req->sa != MPR_PR_IN_READ_RESERVATION)
			return MPR_SGIO_PASS;
		req->in = true;
		req->alloc_len = get_unaligned_be16(&cdb[7]);
		return MPR_SGIO_RUN;
	}
	if (req->sa > MPR_PR_OUT_REGISTER_MOVE)
		return MPR_SGIO_PASS;
	if (req->sa == MPR_PR_OUT_REGISTER_MOVE)
		return check(req, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_CDB);
	req->plen = get_unaligned_be32(&cdb[5]);
	if (out_sa_has_type(req->sa)) {
		scope = cdb[2] >> 4;
		req->type = mpr_scsi_type_to_block(cdb[2] & 0x0f);
		/* PREEMPT of a key that holds no reservation ignores TYPE. */
		if (scope || (!req->type && req->sa != MPR_PR_OUT_PREEMPT &&
			      req->sa != MPR_PR_OUT_PREEMPT_ABORT))
			return check(req, SENSE_ILLEGAL_REQUEST,
				     ASC_INVALID_FIELD_CDB);
	}
	if (req->plen != MPR_PR_OUT_PLEN)
		return check(req, SENSE_ILLEGAL_REQUEST, ASC_PARAM_LIST_LENGTH);
	return MPR_SGIO_RUN;
}

/**
 * mpr_sgio_decode_param() - the PR OUT parameter list
 * @param: what the caller sent
 * @got: how many bytes of it there are (at most @req->plen are looked at)
 * @req: the request mpr_sgio_decode_cdb() accepted
 *
 * Return: MPR_SGIO_RUN, or MPR_SGIO_CHECK with @req->sense.
 */
enum mpr_sgio_verdict mpr_sgio_decode_param(const u8 *param, u32 got,
					    struct mpr_sgio_req *req)
{
	if (got < req->plen)
		return check(req, SENSE_ILLEGAL_REQUEST, ASC_PARAM_LIST_LENGTH);
	if (param[20] & (MPR_PR_OUT_SPEC_I_PT | MPR_PR_OUT_ALL_TG_PT |
			 MPR_PR_OUT_APTPL))
		return check(req, SENSE_ILLEGAL_REQUEST,
			     ASC_INVALID_FIELD_PARAM);
	req->key = get_unaligned_be64(&param[0]);
	req->sa_key = get_unaligned_be64(&param[8]);
	return MPR_SGIO_RUN;
}

/**
 * mpr_sgio_check() - a CHECK CONDITION answer with @sense
 * @sense: the sense
 * @st: the answer
 */
void mpr_sgio_check(const struct mpr_sgio_sense *sense,
		    struct mpr_sgio_status *st)
{
	memset(st, 0, sizeof(*st));
	st->status = MPR_SAM_CHECK_CONDITION;
	st->sense = *sense;
}

/**
 * mpr_sgio_status() - an engine result as SCSI status
 * @result: 0, -errno or PR_STS_* (the engine's result of the operation)
 * @st: the answer
 *
 * 0 is GOOD and a reservation conflict RESERVATION CONFLICT, as a device
 * server answers them. A path error (no path could carry the command)
 * fails the ioctl with -EIO, as dm fails an SG_IO it has no path for:
 * a host byte alone, with GOOD status, is taken for success by callers
 * that look at the status only. An I/O error is CHECK CONDITION, ABORTED
 * COMMAND: the engine does not keep the paths' sense data (yet), so it
 * cannot give theirs. -EINVAL and
 * -EOPNOTSUPP, the answers of the paths' drivers to ILLEGAL REQUEST, are
 * ILLEGAL REQUEST, INVALID FIELD IN CDB. Any other errno (the deadline,
 * a signal, no memory) fails the ioctl itself, as it would fail SG_IO.
 */
void mpr_sgio_status(int result, struct mpr_sgio_status *st)
{
	static const struct mpr_sgio_sense aborted = { SENSE_ABORTED_COMMAND };
	static const struct mpr_sgio_sense invalid = {
		SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_CDB
	};

	memset(st, 0, sizeof(*st));
	switch (result) {
	case 0:
		return;
	case PR_STS_RESERVATION_CONFLICT:
		st->status = MPR_SAM_RESERVATION_CONFLICT;
		return;
	case PR_STS_IOERR:
		mpr_sgio_check(&aborted, st);
		return;
	case -EINVAL:
	case -EOPNOTSUPP:
		mpr_sgio_check(&invalid, st);
		return;
	}
	if (result < 0) {
		st->err = result;
		return;
	}
	/* PR_STS_PATH_* (a host byte): no path; dm's answer is EIO. */
	if (result >> 16) {
		st->err = -EIO;
		return;
	}
	st->status = result & 0xff;
}

/**
 * mpr_sgio_fill_sense() - fixed-format sense data (SPC-4 4.5.3)
 * @sense: key, ASC, ASCQ
 * @buf: receives the 18 bytes
 */
void mpr_sgio_fill_sense(const struct mpr_sgio_sense *sense,
			 u8 buf[MPR_SENSE_LEN])
{
	memset(buf, 0, MPR_SENSE_LEN);
	buf[0] = 0x70;			/* current error, fixed format */
	buf[2] = sense->key & 0x0f;
	buf[7] = MPR_SENSE_LEN - 8;	/* additional sense length */
	buf[12] = sense->asc;
	buf[13] = sense->ascq;
}

/**
 * mpr_sgio_read_keys_resp() - a READ KEYS response (SPC-4 6.15.2)
 * @buf: receives it
 * @len: room in @buf
 * @generation: PRgeneration
 * @keys: the keys
 * @num_keys: how many the device reported (may exceed @room)
 * @room: how many @keys holds
 *
 * ADDITIONAL LENGTH counts every key the device reported, as a device
 * server's does when the allocation length cuts the list; the cut may
 * fall inside a key (SPC-4 4.2.5.6: the transfer ends at the allocation
 * length).
 *
 * Return: the bytes written (the response, cut to @len).
 */
size_t mpr_sgio_read_keys_resp(u8 *buf, size_t len, u32 generation,
			       const u64 *keys, u32 num_keys, u32 room)
{
	u8 hdr[8], key[8];
	size_t n = 0, c;
	u32 i;

	put_unaligned_be32(generation, &hdr[0]);
	put_unaligned_be32(num_keys * 8, &hdr[4]);
	n = min(len, sizeof(hdr));
	memcpy(buf, hdr, n);
	/* A device server stops at the allocation length, in a key too. */
	for (i = 0; i < min(num_keys, room) && n < len; i++, n += c) {
		put_unaligned_be64(keys[i], key);
		c = min(len - n, sizeof(key));
		memcpy(&buf[n], key, c);
	}
	return n;
}

/**
 * mpr_sgio_read_resv_resp() - a READ RESERVATION response (SPC-4 6.15.3)
 * @buf: receives it
 * @len: room in @buf
 * @generation: PRgeneration
 * @key: the reservation key
 * @type: the reservation's type, 0 for none
 *
 * Return: the bytes written (the response, cut to @len).
 */
size_t mpr_sgio_read_resv_resp(u8 *buf, size_t len, u32 generation,
			       u64 key, enum pr_type type)
{
	u8 resp[24] = { 0 };
	size_t n = 8;

	put_unaligned_be32(generation, &resp[0]);
	if (type) {
		put_unaligned_be32(16, &resp[4]);
		put_unaligned_be64(key, &resp[8]);
		resp[21] = mpr_block_type_to_scsi(type);	/* LU_SCOPE */
		n = sizeof(resp);
	}
	n = min(len, n);
	memcpy(buf, resp, n);
	return n;
}
