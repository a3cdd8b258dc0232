// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite dm_mpath_pr_rules: the rules core (rules.c), without a
 * target.
 */

#include <kunit/test.h>

#include "fake.h"

/* ---- the rules, without a target ----------------------------------------- */

/**
 * struct rule_reg_case - one REGISTER outcome and what the rules make of it
 * @desc: case name
 * @ok: paths that succeeded
 * @conflict: ...answered RESERVATION CONFLICT
 * @path_err: ...could not be reached
 * @other: ...failed otherwise, with @first_other the first
 * @first_other: see @other
 * @ret: the caller's result
 */
struct rule_reg_case {
	const char *desc;
	unsigned int ok, conflict, path_err, other;
	int first_other;
	int ret;
};

static const struct rule_reg_case rule_reg_cases[] = {
	{ "all good", 4, 0, 0, 0, 0, 0 },
	{ "one good, others down", 1, 0, 3, 0, 0, 0 },
	{ "one good, one ILLEGAL REQUEST: done", 1, 0, 0, 1, -EINVAL, 0 },
	{ "one good, one conflict: done", 1, 1, 0, 0, 0, 0 },
	{ "conflict and down", 0, 1, 1, 0, 0, CONFLICT },
	{ "conflict and ILLEGAL REQUEST", 0, 1, 0, 1, -EINVAL, CONFLICT },
	{ "ILLEGAL REQUEST and down", 0, 0, 1, 1, -EINVAL, -EINVAL },
	{ "all down: a path error, never a conflict", 0, 0, 4, 0, 0, PATH_FAILED },
};

static void rule_reg_desc(const struct rule_reg_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rule_reg, rule_reg_cases, rule_reg_desc);

static void mpr_test_rule_register(struct kunit *test)
{
	const struct rule_reg_case *c = test->param_value;
	struct mpr_tally t = {
		.ok = c->ok, .conflict = c->conflict, .path_err = c->path_err,
		.other = c->other, .first_other = c->first_other,
	};

	KUNIT_EXPECT_EQ(test, mpr_rule_register_result(&t), c->ret);
}

/* Each path's state after a REGISTER, from the rules alone. */
static void mpr_test_rule_register_path(struct kunit *test)
{
	enum dm_mpath_pr_path_state st;
	enum dm_mpath_pr_reg_state reg;

	/* took the key */
	reg = R_UNK;
	st = S_FAIL;
	mpr_rule_register_path(true, true, 0, KEY_A, false, &reg, &st);
	KUNIT_EXPECT_EQ(test, reg, R_REG);
	KUNIT_EXPECT_EQ(test, st, S_OK);
	/* took key 0 */
	reg = R_REG;
	mpr_rule_register_path(true, true, 0, 0, false, &reg, &st);
	KUNIT_EXPECT_EQ(test, reg, R_NONE);
	/* took the key, but the host was found preempted: never registered */
	reg = R_UNK;
	mpr_rule_register_path(true, true, 0, KEY_A, true, &reg, &st);
	KUNIT_EXPECT_EQ(test, reg, R_NONE);
	/* down while done elsewhere: failed and pending */
	reg = R_REG;
	st = S_OK;
	mpr_rule_register_path(true, true, PATH_FAILED, KEY_A, false, &reg, &st);
	KUNIT_EXPECT_EQ(test, reg, R_PEND);
	KUNIT_EXPECT_EQ(test, st, S_FAIL);
	/* refused while done elsewhere: works, pending */
	reg = R_REG;
	st = S_FAIL;
	mpr_rule_register_path(true, true, CONFLICT, KEY_A, false, &reg, &st);
	KUNIT_EXPECT_EQ(test, reg, R_PEND);
	KUNIT_EXPECT_EQ(test, st, S_OK);
	/* refused and done nowhere: nothing changes but the path state */
	reg = R_REG;
	st = S_OK;
	mpr_rule_register_path(false, true, PATH_FAILED, KEY_A, false, &reg, &st);
	KUNIT_EXPECT_EQ(test, reg, R_REG);
	KUNIT_EXPECT_EQ(test, st, S_FAIL);
	/* not asked (failed or busy): pending if done elsewhere */
	reg = R_REG;
	st = S_FAIL;
	mpr_rule_register_path(true, false, 0, KEY_A, false, &reg, &st);
	KUNIT_EXPECT_EQ(test, reg, R_PEND);
	KUNIT_EXPECT_EQ(test, st, S_FAIL);
	reg = R_REG;
	mpr_rule_register_path(false, false, 0, KEY_A, false, &reg, &st);
	KUNIT_EXPECT_EQ(test, reg, R_REG);
}

/**
 * struct rule_rel_case - a RELEASE outcome and READ RESERVATION after it
 * @desc: case name
 * @ok: paths that answered GOOD
 * @conflict: ...RESERVATION CONFLICT
 * @other: ...another error (-EINVAL)
 * @rsv_type: the reservation READ RESERVATION shows (0: none)
 * @rsv_key: ...and its key
 * @all: every path was asked
 * @ours: the engine took the reservation
 * @verdict: enum mpr_release_verdict
 * @ret: the caller's result (MPR_REL_DONE, MPR_REL_GONE)
 */
struct rule_rel_case {
	const char *desc;
	unsigned int ok, conflict, other;
	enum pr_type rsv_type;
	u64 rsv_key;
	bool all, ours;
	enum mpr_release_verdict verdict;
	int ret;
};

static const struct rule_rel_case rule_rel_cases[] = {
	{ "released", 1, 0, 0, 0, 0, false, true, MPR_REL_GONE, 0 },
	{ "released; an unregistered nexus conflicted", 1, 1, 0, 0, 0, true, true,
	  MPR_REL_GONE, 0 },
	{ "another host's, every nexus GOOD", 2, 0, 0, WE_RO, KEY_B, true, false,
	  MPR_REL_GONE, 0 },
	{ "held with another key, the holder refused (#11)", 1, 1, 0, WE_RO,
	  KEY_A2, true, false, MPR_REL_GONE, CONFLICT },
	{ "still ours, ILLEGAL REQUEST", 1, 0, 1, WE_RO, KEY_A, true, true,
	  MPR_REL_DONE, -EINVAL },
	{ "still ours, another type", 2, 0, 0, EA_RO, KEY_A, true, true,
	  MPR_REL_DONE, CONFLICT },
	{ "still ours, only the known holder asked", 1, 0, 0, WE_RO, KEY_A, false,
	  true, MPR_REL_ASK_ALL, 0 },
	{ "still ours after all asked: holder unreachable", 2, 0, 0, WE_RO, KEY_A,
	  true, true, MPR_REL_SELF_PREEMPT, 0 },
	{ "held with the key, not taken by the engine", 2, 0, 0, WE_RO, KEY_A,
	  true, false, MPR_REL_LEAVE, 0 },
};

static void rule_rel_desc(const struct rule_rel_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rule_rel, rule_rel_cases, rule_rel_desc);

static void mpr_test_rule_release(struct kunit *test)
{
	const struct rule_rel_case *c = test->param_value;
	struct mpr_tally t = {
		.ok = c->ok, .conflict = c->conflict, .other = c->other,
		.first_other = c->other ? -EINVAL : 0,
	};
	struct mpr_resv rsv = { .type = c->rsv_type, .key = c->rsv_key };
	enum mpr_release_verdict v;
	int ret = 12345;

	KUNIT_EXPECT_FALSE(test, mpr_rule_release_sent(&t, &ret));
	v = mpr_rule_release_verified(&t, &rsv, KEY_A, WE_RO, c->all, c->ours,
				      &ret);
	KUNIT_EXPECT_EQ(test, (int)v, (int)c->verdict);
	if (c->verdict == MPR_REL_DONE || c->verdict == MPR_REL_GONE)
		KUNIT_EXPECT_EQ(test, ret, c->ret);
}

/* No GOOD answer: the RELEASE's result is known without reading. */
static void mpr_test_rule_release_sent(struct kunit *test)
{
	struct mpr_tally t = { .conflict = 1, .path_err = 1 };
	int ret = 0;

	KUNIT_EXPECT_TRUE(test, mpr_rule_release_sent(&t, &ret));
	KUNIT_EXPECT_EQ(test, ret, CONFLICT);
	t = (struct mpr_tally){ .other = 1, .first_other = -EINVAL };
	KUNIT_EXPECT_TRUE(test, mpr_rule_release_sent(&t, &ret));
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	t = (struct mpr_tally){ .path_err = 2 };
	KUNIT_EXPECT_TRUE(test, mpr_rule_release_sent(&t, &ret));
	KUNIT_EXPECT_EQ(test, ret, PATH_FAILED);
}

static struct kunit_case mpr_engine_rules_cases[] = {
	KUNIT_CASE_PARAM(mpr_test_rule_register, rule_reg_gen_params),
	KUNIT_CASE(mpr_test_rule_register_path),
	KUNIT_CASE_PARAM(mpr_test_rule_release, rule_rel_gen_params),
	KUNIT_CASE(mpr_test_rule_release_sent),
	{}
};

static struct kunit_suite mpr_engine_rules_suite = {
	.name = "dm_mpath_pr_rules",
	.test_cases = mpr_engine_rules_cases,
};

kunit_test_suite(mpr_engine_rules_suite);
