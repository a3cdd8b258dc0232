/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PERSISTENT RESERVE IN/OUT CDBs that arrive by SG_IO on an attached map:
 * the pure rules (sgio-rules.c: decoding the CDB and parameter list,
 * encoding responses, status and sense) and the ioctl entry (sgio.c).
 */
#ifndef _MPR_SGIO_H
#define _MPR_SGIO_H

#include <linux/blkdev.h>
#include <linux/pr.h>
#include <linux/types.h>

#define MPR_PR_IN_OPCODE	0x5e
#define MPR_PR_OUT_OPCODE	0x5f
#define MPR_PR_CDB_LEN		10
/* The basic PERSISTENT RESERVE OUT parameter list (SPC-4 6.16.3). */
#define MPR_PR_OUT_PLEN		24

/* PERSISTENT RESERVE OUT service actions (SPC-4 6.16.2). */
enum mpr_pr_out_sa {
	MPR_PR_OUT_REGISTER		= 0,
	MPR_PR_OUT_RESERVE		= 1,
	MPR_PR_OUT_RELEASE		= 2,
	MPR_PR_OUT_CLEAR		= 3,
	MPR_PR_OUT_PREEMPT		= 4,
	MPR_PR_OUT_PREEMPT_ABORT	= 5,
	MPR_PR_OUT_REGISTER_IGNORE	= 6,
	MPR_PR_OUT_REGISTER_MOVE	= 7,
};

/* PERSISTENT RESERVE IN service actions (SPC-4 6.15.1). */
enum mpr_pr_in_sa {
	MPR_PR_IN_READ_KEYS		= 0,
	MPR_PR_IN_READ_RESERVATION	= 1,
	MPR_PR_IN_REPORT_CAPABILITIES	= 2,
	MPR_PR_IN_READ_FULL_STATUS	= 3,
};

/* Parameter list byte 20 (SPC-4 table 166). */
#define MPR_PR_OUT_SPEC_I_PT	0x08
#define MPR_PR_OUT_ALL_TG_PT	0x04
#define MPR_PR_OUT_APTPL	0x01

/**
 * enum mpr_sgio_verdict - what to do with an SG_IO request
 * @MPR_SGIO_PASS: not ours (another opcode, or a request the device
 *	itself answers without side effects): dm gets it unchanged
 * @MPR_SGIO_RUN: run it through the engine (struct mpr_sgio_req)
 * @MPR_SGIO_CHECK: answer CHECK CONDITION with the sense in the request
 */
enum mpr_sgio_verdict {
	MPR_SGIO_PASS,
	MPR_SGIO_RUN,
	MPR_SGIO_CHECK,
};

/**
 * struct mpr_sgio_sense - the sense of a CHECK CONDITION answer
 * @key: sense key
 * @asc: additional sense code
 * @ascq: additional sense code qualifier
 */
struct mpr_sgio_sense {
	u8 key;
	u8 asc;
	u8 ascq;
};

/**
 * struct mpr_sgio_req - one PR command, decoded
 * @in: PERSISTENT RESERVE IN (else OUT)
 * @sa: service action
 * @alloc_len: PR IN: the allocation length of the CDB
 * @plen: PR OUT: the parameter list length of the CDB
 * @key: PR OUT: RESERVATION KEY
 * @sa_key: PR OUT: SERVICE ACTION RESERVATION KEY
 * @type: PR OUT: the reservation type, as the block layer names it (0 if
 *	the service action takes none)
 * @sense: for MPR_SGIO_CHECK, the answer
 */
struct mpr_sgio_req {
	bool in;
	u8 sa;
	u32 alloc_len;
	u32 plen;
	u64 key;
	u64 sa_key;
	enum pr_type type;
	struct mpr_sgio_sense sense;
};

/**
 * struct mpr_sgio_status - how a command ended, as sg_io_hdr reports it
 * @status: SAM status byte
 * @sense: valid when @status is CHECK CONDITION
 * @err: a negative errno for the ioctl itself (0: the ioctl succeeds)
 */
struct mpr_sgio_status {
	u8 status;
	struct mpr_sgio_sense sense;
	int err;
};

#define MPR_SAM_GOOD			0x00
#define MPR_SAM_CHECK_CONDITION		0x02
#define MPR_SAM_RESERVATION_CONFLICT	0x18

#define MPR_SENSE_LEN			18

enum pr_type mpr_scsi_type_to_block(u8 type);
u8 mpr_block_type_to_scsi(enum pr_type type);

enum mpr_sgio_verdict mpr_sgio_decode_cdb(const u8 *cdb, unsigned int len,
					  struct mpr_sgio_req *req);
enum mpr_sgio_verdict mpr_sgio_decode_param(const u8 *param, u32 got,
					    struct mpr_sgio_req *req);
void mpr_sgio_status(int result, struct mpr_sgio_status *st);
void mpr_sgio_check(const struct mpr_sgio_sense *sense,
		    struct mpr_sgio_status *st);
void mpr_sgio_fill_sense(const struct mpr_sgio_sense *sense,
			 u8 buf[MPR_SENSE_LEN]);
size_t mpr_sgio_read_keys_resp(u8 *buf, size_t len, u32 generation,
			       const u64 *keys, u32 num_keys, u32 room);
size_t mpr_sgio_read_resv_resp(u8 *buf, size_t len, u32 generation,
			       u64 key, enum pr_type type);

int mpr_blk_ioctl(struct block_device *bdev, mpr_mode_t mode,
		  unsigned int cmd, unsigned long arg);

#endif /* _MPR_SGIO_H */
