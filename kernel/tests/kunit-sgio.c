// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite dm_mpath_pr_sgio: the rules of PR commands by SG_IO
 * (sgio-rules.c): which CDBs are the module's, what a malformed one is
 * answered, how engine results become SAM status and sense, and the PR IN
 * responses.
 */

#include <kunit/test.h>
#ifdef COMPAT_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#include "../sgio.h"

#define ILLEGAL_REQUEST	0x05
#define ABORTED_COMMAND	0x0b

/**
 * struct sgio_cdb_case - one CDB and what the rules make of it
 * @desc: case name
 * @cdb: the CDB (10 bytes)
 * @len: cmd_len
 * @verdict: the expected verdict
 * @sa: for RUN, the service action
 * @type: for RUN, the block layer's type
 * @asc: for CHECK, the ASC (the sense key is ILLEGAL REQUEST)
 */
struct sgio_cdb_case {
	const char *desc;
	u8 cdb[10];
	unsigned int len;
	enum mpr_sgio_verdict verdict;
	u8 sa;
	enum pr_type type;
	u8 asc;
};

#define OUT(sa, st)	{ 0x5f, sa, st, 0, 0, 0, 0, 0, 24, 0 }
#define IN(sa)		{ 0x5e, sa, 0, 0, 0, 0, 0, 0x20, 0, 0 }

static const struct sgio_cdb_case sgio_cdb_cases[] = {
	{ "READ(10) is dm's", { 0x28 }, 10, MPR_SGIO_PASS },
	{ "INQUIRY is dm's", { 0x12, 0, 0, 0, 96 }, 6, MPR_SGIO_PASS },
	{ "a PR OUT CDB cut to 6 bytes is the device's", OUT(0, 0), 6,
	  MPR_SGIO_PASS },
	{ "REGISTER", OUT(0, 0), 10, MPR_SGIO_RUN, 0, 0 },
	{ "REGISTER in a 16-byte cmd_len", OUT(0, 0), 16, MPR_SGIO_RUN, 0, 0 },
	{ "REGISTER AND IGNORE EXISTING KEY", OUT(6, 0), 10, MPR_SGIO_RUN, 6 },
	{ "REGISTER ignores scope and type", OUT(0, 0x1f), 10, MPR_SGIO_RUN },
	{ "RESERVE Write Exclusive", OUT(1, 0x01), 10, MPR_SGIO_RUN, 1,
	  PR_WRITE_EXCLUSIVE },
	{ "RESERVE WE Registrants Only", OUT(1, 0x05), 10, MPR_SGIO_RUN, 1,
	  PR_WRITE_EXCLUSIVE_REG_ONLY },
	{ "RESERVE EA All Registrants", OUT(1, 0x08), 10, MPR_SGIO_RUN, 1,
	  PR_EXCLUSIVE_ACCESS_ALL_REGS },
	{ "RELEASE EA Registrants Only", OUT(2, 0x06), 10, MPR_SGIO_RUN, 2,
	  PR_EXCLUSIVE_ACCESS_REG_ONLY },
	{ "CLEAR", OUT(3, 0), 10, MPR_SGIO_RUN, 3 },
	{ "PREEMPT WE All Registrants", OUT(4, 0x07), 10, MPR_SGIO_RUN, 4,
	  PR_WRITE_EXCLUSIVE_ALL_REGS },
	{ "PREEMPT AND ABORT Exclusive Access", OUT(5, 0x03), 10,
	  MPR_SGIO_RUN, 5, PR_EXCLUSIVE_ACCESS },
	{ "PREEMPT without a type (no reservation to take)", OUT(4, 0), 10,
	  MPR_SGIO_RUN, 4, 0 },
	{ "REGISTER AND MOVE is refused", OUT(7, 0x01), 10, MPR_SGIO_CHECK,
	  .asc = 0x24 },
	{ "service action 9 is the device's", OUT(9, 0), 10, MPR_SGIO_PASS },
	{ "RESERVE type 2 (obsolete) is refused", OUT(1, 0x02), 10,
	  MPR_SGIO_CHECK, .asc = 0x24 },
	{ "RESERVE without a type is refused", OUT(1, 0x00), 10,
	  MPR_SGIO_CHECK, .asc = 0x24 },
	{ "RESERVE with element scope is refused", OUT(1, 0x21), 10,
	  MPR_SGIO_CHECK, .asc = 0x24 },
	{ "PREEMPT with scope 1 is refused", OUT(4, 0x11), 10,
	  MPR_SGIO_CHECK, .asc = 0x24 },
	{ "a 0-byte parameter list", { 0x5f, 0 }, 10, MPR_SGIO_CHECK,
	  .asc = 0x1a },
	{ "a 32-byte parameter list (SPEC_I_PT's)",
	  { 0x5f, 0, 0, 0, 0, 0, 0, 0, 32, 0 }, 10, MPR_SGIO_CHECK,
	  .asc = 0x1a },
	{ "READ KEYS", IN(0), 10, MPR_SGIO_RUN, 0 },
	{ "READ RESERVATION", IN(1), 10, MPR_SGIO_RUN, 1 },
	{ "REPORT CAPABILITIES is a path's", IN(2), 10, MPR_SGIO_PASS },
	{ "READ FULL STATUS is a path's", IN(3), 10, MPR_SGIO_PASS },
	{ "PR IN service action 5 is the device's", IN(5), 10, MPR_SGIO_PASS },
};

KUNIT_ARRAY_PARAM_DESC(sgio_cdb, sgio_cdb_cases, desc);

static void mpr_test_sgio_cdb(struct kunit *test)
{
	const struct sgio_cdb_case *c = test->param_value;
	struct mpr_sgio_req req;

	KUNIT_ASSERT_EQ(test, (int)mpr_sgio_decode_cdb(c->cdb, c->len, &req),
			(int)c->verdict);
	if (c->verdict == MPR_SGIO_RUN) {
		KUNIT_EXPECT_EQ(test, req.sa, c->sa);
		KUNIT_EXPECT_EQ(test, req.in, c->cdb[0] == MPR_PR_IN_OPCODE);
		if (req.in)
			KUNIT_EXPECT_EQ(test, req.alloc_len, 0x2000U);
		else
			KUNIT_EXPECT_EQ(test, (int)req.type, (int)c->type);
	}
	if (c->verdict == MPR_SGIO_CHECK) {
		KUNIT_EXPECT_EQ(test, req.sense.key, ILLEGAL_REQUEST);
		KUNIT_EXPECT_EQ(test, req.sense.asc, c->asc);
		KUNIT_EXPECT_EQ(test, req.sense.ascq, 0);
	}
}

/* The parameter list: keys, the flags answered here, a short transfer. */
static void mpr_test_sgio_param(struct kunit *test)
{
	static const u8 cdb[10] = { 0x5f, 0x04, 0x05, 0, 0, 0, 0, 0, 24, 0 };
	u8 p[24] = { 0 };
	struct mpr_sgio_req req;
	unsigned int i;

	put_unaligned_be64(0x1122334455667788ULL, &p[0]);
	put_unaligned_be64(0xabcULL, &p[8]);
	KUNIT_ASSERT_EQ(test, (int)mpr_sgio_decode_cdb(cdb, 10, &req),
			(int)MPR_SGIO_RUN);
	KUNIT_ASSERT_EQ(test, (int)mpr_sgio_decode_param(p, 24, &req),
			(int)MPR_SGIO_RUN);
	KUNIT_EXPECT_EQ(test, req.key, 0x1122334455667788ULL);
	KUNIT_EXPECT_EQ(test, req.sa_key, 0xabcULL);

	/* SPEC_I_PT, ALL_TG_PT, APTPL: INVALID FIELD IN PARAMETER LIST */
	for (i = 0; i < 3; i++) {
		static const u8 flag[] = { 0x08, 0x04, 0x01 };

		p[20] = flag[i];
		KUNIT_EXPECT_EQ(test, (int)mpr_sgio_decode_param(p, 24, &req),
				(int)MPR_SGIO_CHECK);
		KUNIT_EXPECT_EQ(test, req.sense.key, ILLEGAL_REQUEST);
		KUNIT_EXPECT_EQ(test, req.sense.asc, 0x26);
	}
	p[20] = 0;
	/* less data than the CDB says: PARAMETER LIST LENGTH ERROR */
	KUNIT_EXPECT_EQ(test, (int)mpr_sgio_decode_param(p, 23, &req),
			(int)MPR_SGIO_CHECK);
	KUNIT_EXPECT_EQ(test, req.sense.asc, 0x1a);
	KUNIT_EXPECT_EQ(test, (int)mpr_sgio_decode_param(p, 0, &req),
			(int)MPR_SGIO_CHECK);
}

/* Engine results as a device server's answer, or the ioctl's errno. */
static void mpr_test_sgio_status(struct kunit *test)
{
	struct mpr_sgio_status st;

	mpr_sgio_status(0, &st);
	KUNIT_EXPECT_EQ(test, st.status, MPR_SAM_GOOD);
	KUNIT_EXPECT_EQ(test, st.err, 0);

	mpr_sgio_status(PR_STS_RESERVATION_CONFLICT, &st);
	KUNIT_EXPECT_EQ(test, st.status, MPR_SAM_RESERVATION_CONFLICT);
	KUNIT_EXPECT_EQ(test, st.err, 0);

	mpr_sgio_status(PR_STS_IOERR, &st);
	KUNIT_EXPECT_EQ(test, st.status, MPR_SAM_CHECK_CONDITION);
	KUNIT_EXPECT_EQ(test, st.sense.key, ABORTED_COMMAND);

	mpr_sgio_status(-EINVAL, &st);
	KUNIT_EXPECT_EQ(test, st.status, MPR_SAM_CHECK_CONDITION);
	KUNIT_EXPECT_EQ(test, st.sense.key, ILLEGAL_REQUEST);
	KUNIT_EXPECT_EQ(test, st.sense.asc, 0x24);
	KUNIT_EXPECT_EQ(test, st.err, 0);

	/* no path: the ioctl fails (EIO, as dm's), never a bare host byte */
	mpr_sgio_status(PR_STS_PATH_FAILED, &st);
	KUNIT_EXPECT_EQ(test, st.err, -EIO);
	mpr_sgio_status(PR_STS_PATH_FAST_FAILED, &st);
	KUNIT_EXPECT_EQ(test, st.err, -EIO);
	mpr_sgio_status(PR_STS_RETRY_PATH_FAILURE, &st);
	KUNIT_EXPECT_EQ(test, st.err, -EIO);

	mpr_sgio_status(-ETIMEDOUT, &st);
	KUNIT_EXPECT_EQ(test, st.err, -ETIMEDOUT);
	mpr_sgio_status(-EINTR, &st);
	KUNIT_EXPECT_EQ(test, st.err, -EINTR);
}

static void mpr_test_sgio_sense(struct kunit *test)
{
	static const struct mpr_sgio_sense s = { 0x05, 0x26, 0x00 };
	u8 buf[MPR_SENSE_LEN];

	mpr_sgio_fill_sense(&s, buf);
	KUNIT_EXPECT_EQ(test, buf[0], 0x70);
	KUNIT_EXPECT_EQ(test, buf[2], 0x05);
	KUNIT_EXPECT_EQ(test, buf[7], 10);
	KUNIT_EXPECT_EQ(test, buf[12], 0x26);
	KUNIT_EXPECT_EQ(test, buf[13], 0x00);
}

static void mpr_test_sgio_read_keys(struct kunit *test)
{
	static const u64 keys[] = { 0xa, 0xb, 0xc };
	u8 buf[64];
	size_t n;

	memset(buf, 0xee, sizeof(buf));
	n = mpr_sgio_read_keys_resp(buf, sizeof(buf), 7, keys, 3, 3);
	KUNIT_EXPECT_EQ(test, n, (size_t)32);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(&buf[0]), 7U);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(&buf[4]), 24U);
	KUNIT_EXPECT_EQ(test, get_unaligned_be64(&buf[8]), 0xaULL);
	KUNIT_EXPECT_EQ(test, get_unaligned_be64(&buf[24]), 0xcULL);
	KUNIT_EXPECT_EQ(test, buf[32], 0xee);

	/*
	 * cut by the allocation length: the length still counts them all,
	 * and the cut falls inside the second key, as LIO's does
	 */
	memset(buf, 0xee, sizeof(buf));
	n = mpr_sgio_read_keys_resp(buf, 20, 7, keys, 3, 3);
	KUNIT_EXPECT_EQ(test, n, (size_t)20);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(&buf[4]), 24U);
	KUNIT_EXPECT_EQ(test, get_unaligned_be64(&buf[8]), 0xaULL);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(&buf[16]), 0U);
	KUNIT_EXPECT_EQ(test, buf[20], 0xee);
	/* half of the only key the room holds */
	n = mpr_sgio_read_keys_resp(buf, 12, 7, keys, 3, 1);
	KUNIT_EXPECT_EQ(test, n, (size_t)12);
	/* more keys than the room the engine had */
	n = mpr_sgio_read_keys_resp(buf, sizeof(buf), 7, keys, 9, 3);
	KUNIT_EXPECT_EQ(test, n, (size_t)32);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(&buf[4]), 72U);
	/* an allocation length under the header */
	n = mpr_sgio_read_keys_resp(buf, 4, 7, keys, 3, 3);
	KUNIT_EXPECT_EQ(test, n, (size_t)4);
	KUNIT_EXPECT_EQ(test, mpr_sgio_read_keys_resp(buf, 0, 7, keys, 3, 3),
			(size_t)0);
}

static void mpr_test_sgio_read_resv(struct kunit *test)
{
	u8 buf[32];
	size_t n;

	n = mpr_sgio_read_resv_resp(buf, sizeof(buf), 3, 0xabc,
				    PR_WRITE_EXCLUSIVE_REG_ONLY);
	KUNIT_EXPECT_EQ(test, n, (size_t)24);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(&buf[0]), 3U);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(&buf[4]), 16U);
	KUNIT_EXPECT_EQ(test, get_unaligned_be64(&buf[8]), 0xabcULL);
	KUNIT_EXPECT_EQ(test, buf[21], 0x05);

	n = mpr_sgio_read_resv_resp(buf, sizeof(buf), 3, 0, 0);
	KUNIT_EXPECT_EQ(test, n, (size_t)8);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(&buf[4]), 0U);

	n = mpr_sgio_read_resv_resp(buf, 10, 3, 0xabc, PR_EXCLUSIVE_ACCESS);
	KUNIT_EXPECT_EQ(test, n, (size_t)10);
}

/* The type codes both ways: the six types, nothing else. */
static void mpr_test_sgio_types(struct kunit *test)
{
	unsigned int code, found = 0;

	for (code = 0; code < 16; code++) {
		enum pr_type t = mpr_scsi_type_to_block(code);

		if (!t)
			continue;
		found++;
		KUNIT_EXPECT_EQ(test, mpr_block_type_to_scsi(t), code);
	}
	KUNIT_EXPECT_EQ(test, found, 6U);
	KUNIT_EXPECT_EQ(test, mpr_block_type_to_scsi(0), 0);
}

static struct kunit_case mpr_sgio_cases[] = {
	KUNIT_CASE_PARAM(mpr_test_sgio_cdb, sgio_cdb_gen_params),
	KUNIT_CASE(mpr_test_sgio_param),
	KUNIT_CASE(mpr_test_sgio_status),
	KUNIT_CASE(mpr_test_sgio_sense),
	KUNIT_CASE(mpr_test_sgio_read_keys),
	KUNIT_CASE(mpr_test_sgio_read_resv),
	KUNIT_CASE(mpr_test_sgio_types),
	{}
};

static struct kunit_suite mpr_sgio_suite = {
	.name = "dm_mpath_pr_sgio",
	.test_cases = mpr_sgio_cases,
};

kunit_test_suite(mpr_sgio_suite);
