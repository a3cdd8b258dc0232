// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite dm_mpath_pr_rules: the rules core (rules.c), without a
 * target: each operation's plan and conclusion, driven with tables.
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

/* ---- plan ----------------------------------------------------------------- */

/**
 * struct rule_type_case - the single-holder policy
 * @desc: case name
 * @type: the type asked
 * @nr: the device's paths
 * @mode: the single_holder parameter
 * @verdict: enum mpr_type_verdict
 * @send: the type sent (unless refused)
 */
struct rule_type_case {
	const char *desc;
	enum pr_type type;
	unsigned int nr;
	enum mpr_single_holder mode;
	enum mpr_type_verdict verdict;
	enum pr_type send;
};

static const struct rule_type_case rule_type_cases[] = {
	{ "registrants only: as asked", WE_RO, 4, MPR_SH_REFUSE, MPR_TYPE_AS_IS, WE_RO },
	{ "all registrants: as asked", PR_EXCLUSIVE_ACCESS_ALL_REGS, 4, MPR_SH_REFUSE,
	  MPR_TYPE_AS_IS, PR_EXCLUSIVE_ACCESS_ALL_REGS },
	{ "WE on one path: as asked", WE, 1, MPR_SH_REFUSE, MPR_TYPE_AS_IS, WE },
	{ "WE on two paths: refused", WE, 2, MPR_SH_REFUSE, MPR_TYPE_REFUSED, WE },
	{ "EA on two paths: refused", EA, 2, MPR_SH_REFUSE, MPR_TYPE_REFUSED, EA },
	{ "WE translated", WE, 2, MPR_SH_TRANSLATE, MPR_TYPE_TRANSLATED, WE_RO },
	{ "EA translated", EA, 3, MPR_SH_TRANSLATE, MPR_TYPE_TRANSLATED, EA_RO },
	{ "WE passed through, unsafe", WE, 2, MPR_SH_PASSTHROUGH, MPR_TYPE_UNSAFE, WE },
};

static void rule_type_desc(const struct rule_type_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rule_type, rule_type_cases, rule_type_desc);

static void mpr_test_rule_type(struct kunit *test)
{
	const struct rule_type_case *c = test->param_value;
	enum pr_type send = 0;

	KUNIT_EXPECT_EQ(test, (int)mpr_rule_type(c->type, c->nr, c->mode, &send),
			(int)c->verdict);
	if (c->verdict != MPR_TYPE_REFUSED)
		KUNIT_EXPECT_EQ(test, (int)send, (int)c->send);
}

/**
 * struct rule_preempt_case - which case a PREEMPT is
 * @desc: case name
 * @known: READ RESERVATION answered
 * @rsv_type: the reservation it showed (0: none)
 * @rsv_key: ...and its key
 * @sa_key: the key preempted (the host's key is KEY_A)
 * @suspended: expected plan
 * @takes_res: ...
 * @type_matters: ...
 */
struct rule_preempt_case {
	const char *desc;
	bool known;
	enum pr_type rsv_type;
	u64 rsv_key, sa_key;
	bool suspended, takes_res, type_matters;
};

static const struct rule_preempt_case rule_preempt_cases[] = {
	{ "fence another host, no reservation", true, 0, 0, KEY_B,
	  false, false, false },
	{ "fence the holder", true, WE_RO, KEY_B, KEY_B, false, true, true },
	{ "fence a non-holder", true, WE_RO, KEY_OTHER, KEY_B, false, false, false },
	{ "own key", true, 0, 0, KEY_A, true, false, true },
	{ "own key, held by us", true, WE_RO, KEY_A, KEY_A, true, true, true },
	{ "all registrants, key 0", true, PR_WRITE_EXCLUSIVE_ALL_REGS, 0, 0,
	  true, true, true },
	{ "all registrants, one key", true, PR_WRITE_EXCLUSIVE_ALL_REGS, 0, KEY_B,
	  false, false, false },
	{ "unknown reservation", false, 0, 0, KEY_B, false, false, true },
	{ "unknown reservation, own key", false, 0, 0, KEY_A, true, false, true },
};

static void rule_preempt_desc(const struct rule_preempt_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rule_preempt, rule_preempt_cases, rule_preempt_desc);

static void mpr_test_rule_preempt_plan(struct kunit *test)
{
	const struct rule_preempt_case *c = test->param_value;
	struct mpr_resv rsv = { .type = c->rsv_type, .key = c->rsv_key };
	struct mpr_preempt_plan plan;

	mpr_rule_preempt_plan(c->known ? &rsv : NULL, KEY_A, c->sa_key, &plan);
	KUNIT_EXPECT_EQ(test, plan.suspended, c->suspended);
	KUNIT_EXPECT_EQ(test, plan.takes_res, c->takes_res);
	KUNIT_EXPECT_EQ(test, plan.type_matters, c->type_matters);
}

#define NEXT_UNREG MPR_CONFLICT_NEXT_UNREG

/* A one-path command: which answers move on to the next path. */
static void mpr_test_rule_send_next(struct kunit *test)
{
	/* success and plain errors end the step */
	KUNIT_EXPECT_FALSE(test, mpr_rule_send_next(0, MPR_CONFLICT_NEXT, false, false));
	KUNIT_EXPECT_FALSE(test, mpr_rule_send_next(-EINVAL, MPR_CONFLICT_NEXT, false, true));
	KUNIT_EXPECT_FALSE(test, mpr_rule_send_next(-ENOMEM, MPR_CONFLICT_NEXT, false, true));
	/* conflicts, by rule */
	KUNIT_EXPECT_FALSE(test, mpr_rule_send_next(CONFLICT, MPR_CONFLICT_STOP, false, false));
	KUNIT_EXPECT_TRUE(test, mpr_rule_send_next(CONFLICT, MPR_CONFLICT_NEXT, true, false));
	/* ...the next path, unless this one is known to carry the key */
	KUNIT_EXPECT_TRUE(test, mpr_rule_send_next(CONFLICT, NEXT_UNREG, false, false));
	KUNIT_EXPECT_FALSE(test, mpr_rule_send_next(CONFLICT, NEXT_UNREG, true, false));
	/* path errors move on; a PR OUT without an answer is not resent */
	KUNIT_EXPECT_TRUE(test, mpr_rule_send_next(PATH_FAILED, MPR_CONFLICT_STOP, true, false));
	KUNIT_EXPECT_FALSE(test, mpr_rule_send_next(-ETIMEDOUT, MPR_CONFLICT_NEXT, true, false));
	KUNIT_EXPECT_TRUE(test, mpr_rule_send_next(-ETIMEDOUT, MPR_CONFLICT_STOP, true, true));
	/* out of paths: a conflict if any, never for path errors alone */
	KUNIT_EXPECT_EQ(test, mpr_rule_send_result(1), CONFLICT);
	KUNIT_EXPECT_EQ(test, mpr_rule_send_result(0), PATH_FAILED);
}

/* ---- conclude, beyond REGISTER and RELEASE --------------------------------- */

/* RESERVE that conflicted on every reachable path. */
static void mpr_test_rule_reserve_held(struct kunit *test)
{
	struct mpr_resv rsv = { .type = WE_RO, .key = KEY_A };

	KUNIT_EXPECT_TRUE(test, mpr_rule_reserve_held(&rsv, KEY_A, WE_RO));
	KUNIT_EXPECT_FALSE(test, mpr_rule_reserve_held(&rsv, KEY_A, EA_RO));
	KUNIT_EXPECT_FALSE(test, mpr_rule_reserve_held(&rsv, KEY_B, WE_RO));
	rsv.key = 0;
	KUNIT_EXPECT_FALSE(test, mpr_rule_reserve_held(&rsv, 0, WE_RO));
	rsv = (struct mpr_resv){ 0 };
	KUNIT_EXPECT_FALSE(test, mpr_rule_reserve_held(&rsv, KEY_A, WE_RO));
}

/* READ RESERVATION against the reservation the engine believes it holds. */
static void mpr_test_rule_belief(struct kunit *test)
{
	struct mpr_resv none = { 0 };
	struct mpr_resv ours = { .type = WE_RO, .key = KEY_A };
	struct mpr_resv theirs = { .type = WE_RO, .key = KEY_B };
	struct mpr_resv allregs = { .type = PR_WRITE_EXCLUSIVE_ALL_REGS, .key = 0 };

	KUNIT_EXPECT_EQ(test, (int)mpr_rule_belief(0, 0, &ours), (int)MPR_BELIEF_NONE);
	KUNIT_EXPECT_EQ(test, (int)mpr_rule_belief(WE_RO, KEY_A, &none),
			(int)MPR_BELIEF_FORGET);
	KUNIT_EXPECT_EQ(test, (int)mpr_rule_belief(WE_RO, KEY_A, &theirs),
			(int)MPR_BELIEF_FORGET);
	KUNIT_EXPECT_EQ(test, (int)mpr_rule_belief(WE_RO, KEY_A, &ours),
			(int)MPR_BELIEF_ASKED_TYPE);
	/* taken as EA_RO (translated EA), now WE_RO with our key: kept as is */
	KUNIT_EXPECT_EQ(test, (int)mpr_rule_belief(EA_RO, KEY_A, &ours),
			(int)MPR_BELIEF_NONE);
	/* an all-registrants reservation has no single key */
	KUNIT_EXPECT_EQ(test, (int)mpr_rule_belief(WE_RO, KEY_A, &allregs),
			(int)MPR_BELIEF_NONE);
}

/* After a self-preempt: who is registered again (fencing, defect 3). */
static void mpr_test_rule_restore(struct kunit *test)
{
	struct mpr_fence before = { .count = 4, .gen = 41 };

	KUNIT_EXPECT_EQ(test, (int)mpr_rule_restore(-EIO, &before, 42),
			(int)MPR_RESTORE_UNKNOWN);
	KUNIT_EXPECT_EQ(test, (int)mpr_rule_restore(PATH_FAILED, &before, 42),
			(int)MPR_RESTORE_UNKNOWN);
	KUNIT_EXPECT_EQ(test, (int)mpr_rule_restore(1, &before, 50),
			(int)MPR_RESTORE_OTHERS);
	KUNIT_EXPECT_EQ(test, (int)mpr_rule_restore(1, NULL, 50),
			(int)MPR_RESTORE_OTHERS);
	/* gone by our own PREEMPT: the generation moved by exactly one */
	KUNIT_EXPECT_EQ(test, (int)mpr_rule_restore(0, &before, 42),
			(int)MPR_RESTORE_ALL);
	/* gone, and something else happened too: another host preempted us */
	KUNIT_EXPECT_EQ(test, (int)mpr_rule_restore(0, &before, 43),
			(int)MPR_RESTORE_FENCED);
	KUNIT_EXPECT_EQ(test, (int)mpr_rule_restore(0, NULL, 42),
			(int)MPR_RESTORE_FENCED);
	/* the generation wraps */
	before.gen = U32_MAX;
	KUNIT_EXPECT_EQ(test, (int)mpr_rule_restore(0, &before, 0),
			(int)MPR_RESTORE_ALL);
}

static struct kunit_case mpr_engine_rules_cases[] = {
	KUNIT_CASE_PARAM(mpr_test_rule_register, rule_reg_gen_params),
	KUNIT_CASE(mpr_test_rule_register_path),
	KUNIT_CASE_PARAM(mpr_test_rule_release, rule_rel_gen_params),
	KUNIT_CASE(mpr_test_rule_release_sent),
	KUNIT_CASE_PARAM(mpr_test_rule_type, rule_type_gen_params),
	KUNIT_CASE_PARAM(mpr_test_rule_preempt_plan, rule_preempt_gen_params),
	KUNIT_CASE(mpr_test_rule_send_next),
	KUNIT_CASE(mpr_test_rule_reserve_held),
	KUNIT_CASE(mpr_test_rule_belief),
	KUNIT_CASE(mpr_test_rule_restore),
	{}
};

static struct kunit_suite mpr_engine_rules_suite = {
	.name = "dm_mpath_pr_rules",
	.test_cases = mpr_engine_rules_cases,
};

kunit_test_suite(mpr_engine_rules_suite);
