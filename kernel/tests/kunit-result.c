// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite dm_mpath_pr_result: the normalisation of a raw pr_ops
 * result (result.c), without a target.
 */

#include <kunit/test.h>

#include "fake.h"

/* ---- result normalisation ------------------------------------------ */

/**
 * struct norm_case - one raw pr_ops result and what it must become
 * @raw: as returned by sd (raw SCSI result before v6.3, PR_STS_* after)
 * @want: normalised result
 * @path_error: whether it counts as a path (transport) error
 * @desc: case name
 */
struct norm_case {
	int raw;
	int want;
	bool path_error;
	const char *desc;
};

static const struct norm_case norm_cases[] = {
	{ 0, 0, false, "success" },
	{ 0x18, PR_STS_RESERVATION_CONFLICT, false, "6.12 conflict" },
	{ 0x118, PR_STS_RESERVATION_CONFLICT, false, "6.1 conflict with message byte" },
	{ 0x10000, PR_STS_PATH_FAILED, true, "6.1 offline (DID_NO_CONNECT)" },
	{ 0x2, PR_STS_IOERR, false, "CHECK CONDITION" },
	{ 0xe0000, PR_STS_RETRY_PATH_FAILURE, true, "transport disrupted" },
	{ 0xf0000, PR_STS_PATH_FAST_FAILED, true, "transport fast-failed" },
	{ 0x30000, PR_STS_PATH_FAILED, true, "DID_TIME_OUT" },
	{ 0x8, PR_STS_IOERR, false, "BUSY status" },
	{ -ENODEV, -ENODEV, true, "device gone" },
	{ -EINVAL, -EINVAL, false, "invalid" },
	{ -EOPNOTSUPP, -EOPNOTSUPP, false, "not supported" },
};

static void norm_case_desc(const struct norm_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(norm, norm_cases, norm_case_desc);

static void mpr_test_normalise(struct kunit *test)
{
	const struct norm_case *c = test->param_value;
	int r = mpr_result_normalise(c->raw);

	KUNIT_EXPECT_EQ(test, r, c->want);
	KUNIT_EXPECT_EQ(test, mpr_result_is_path_error(r), c->path_error);
	/* A path error is never a conflict. */
	if (c->path_error)
		KUNIT_EXPECT_FALSE(test, mpr_result_is_conflict(r));
}

static struct kunit_case mpr_engine_result_cases[] = {
	KUNIT_CASE_PARAM(mpr_test_normalise, norm_gen_params),
	{}
};

static struct kunit_suite mpr_engine_result_suite = {
	.name = "dm_mpath_pr_result",
	.test_cases = mpr_engine_result_cases,
};

kunit_test_suite(mpr_engine_result_suite);
