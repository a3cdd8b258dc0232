// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite dm_mpath_pr_register: REGISTER fanned out over the paths
 * of the fake target, one case per operation and path outcome; the
 * deadline, stragglers and the parallel fan-out.
 */

#include <kunit/test.h>
#include <linux/ktime.h>

#include "fake.h"

/* ---- register fan-out: operation x path outcome --------------------- */

/**
 * struct reg_case - one register fan-out scenario
 * @desc: case name
 * @nr: number of paths
 * @pre: key of each nexus before the operation
 * @fault: scripted fault of each path (enum fake_fault)
 * @old_key: old key of the operation
 * @new_key: new key of the operation
 * @flags: PR flags
 * @ret: expected result
 * @reg: expected registration state of each path
 * @state: expected path state of each path
 * @post: expected key of each nexus afterwards
 * @calls: if not 0, expected commands on each path
 */
struct reg_case {
	const char *desc;
	unsigned int nr;
	u64 pre[4];
	enum fake_fault fault[4];
	u64 old_key;
	u64 new_key;
	u32 flags;
	int ret;
	enum dm_mpath_pr_reg_state reg[4];
	enum dm_mpath_pr_path_state state[4];
	u64 post[4];
	unsigned int calls;
};

static const struct reg_case reg_cases[] = {
	{
		.desc = "register, all paths good",
		.nr = 4, .new_key = KEY_A, .ret = 0,
		.reg = { R_REG, R_REG, R_REG, R_REG },
		.state = { S_OK, S_OK, S_OK, S_OK },
		.post = { KEY_A, KEY_A, KEY_A, KEY_A },
	},
	{
		.desc = "register, one path down: success, path pending (#5)",
		.nr = 4, .fault = { F_NONE, F_DOWN }, .new_key = KEY_A, .ret = 0,
		.reg = { R_REG, R_PEND, R_REG, R_REG },
		.state = { S_OK, S_FAIL, S_OK, S_OK },
		.post = { KEY_A, 0, KEY_A, KEY_A },
	},
	{
		.desc = "key change, nexuses without the old key retried with ignore (#1)",
		.nr = 4, .pre = { KEY_A, KEY_A, 0, 0 },
		.old_key = KEY_A, .new_key = KEY_B, .ret = 0,
		.reg = { R_REG, R_REG, R_REG, R_REG },
		.state = { S_OK, S_OK, S_OK, S_OK },
		.post = { KEY_B, KEY_B, KEY_B, KEY_B },
	},
	{
		.desc = "wrong old key on every path: conflict, nothing changes (#2)",
		.nr = 3, .pre = { KEY_OTHER, KEY_OTHER, KEY_OTHER },
		.old_key = KEY_A, .new_key = KEY_B,
		.ret = CONFLICT,
		.reg = { R_UNK, R_UNK, R_UNK },
		.state = { S_OK, S_OK, S_OK },
		.post = { KEY_OTHER, KEY_OTHER, KEY_OTHER },
	},
	{
		.desc = "all paths down: path error, not conflict (#6, #31)",
		.nr = 2, .fault = { F_DOWN, F_DOWN }, .new_key = KEY_A,
		.ret = PATH_FAILED,
		.reg = { R_UNK, R_UNK },
		.state = { S_FAIL, S_FAIL },
		.post = { 0, 0 },
	},
	{
		.desc = "conflict on one path, the other down: conflict (#3)",
		.nr = 2, .pre = { KEY_OTHER, 0 }, .fault = { F_NONE, F_DOWN },
		.old_key = KEY_A, .new_key = KEY_B,
		.ret = CONFLICT,
		.reg = { R_UNK, R_UNK },
		.state = { S_OK, S_FAIL },
		.post = { KEY_OTHER, 0 },
	},
	{
		.desc = "conflict on one path, ILLEGAL REQUEST on the other: conflict (#3)",
		.nr = 2, .pre = { KEY_OTHER, 0 }, .fault = { F_NONE, F_ILLEGAL },
		.old_key = KEY_A, .new_key = KEY_B,
		.ret = CONFLICT,
		.reg = { R_UNK, R_UNK },
		.state = { S_OK, S_OK },
		.post = { KEY_OTHER, 0 },
	},
	{
		.desc = "register, ILLEGAL REQUEST on one path: success, path pending (issue 9 #9)",
		.nr = 2, .fault = { F_NONE, F_ILLEGAL }, .new_key = KEY_A,
		.ret = 0,
		.reg = { R_REG, R_PEND },
		.state = { S_OK, S_OK },
		.post = { KEY_A, 0 },
	},
	{
		.desc = "register and ignore refused everywhere: conflict, not retried (#4)",
		.nr = 2, .fault = { F_CONFLICT, F_CONFLICT },
		.new_key = KEY_A, .flags = PR_FL_IGNORE_KEY,
		.ret = CONFLICT,
		.reg = { R_UNK, R_UNK },
		.state = { S_OK, S_OK },
		.post = { 0, 0 },
		.calls = 1,
	},
	{
		.desc = "unit attention once: retried",
		.nr = 3, .fault = { F_NONE, F_UA, F_UA }, .new_key = KEY_A, .ret = 0,
		.reg = { R_REG, R_REG, R_REG },
		.state = { S_OK, S_OK, S_OK },
		.post = { KEY_A, KEY_A, KEY_A },
		.calls = 0,
	},
	{
		.desc = "unit attention that persists: I/O error after retries (#29)",
		.nr = 1, .fault = { F_UA_MANY }, .new_key = KEY_A, .ret = IOERR,
		.reg = { R_UNK },
		.state = { S_OK },
		.post = { 0 },
		.calls = MPR_UA_RETRIES + 1,
	},
	{
		.desc = "unregister with one path down",
		.nr = 3, .pre = { KEY_A, KEY_A, KEY_A }, .fault = { F_NONE, F_NONE, F_DOWN },
		.old_key = KEY_A, .new_key = 0, .ret = 0,
		.reg = { R_NONE, R_NONE, R_PEND },
		.state = { S_OK, S_OK, S_FAIL },
		.post = { 0, 0, KEY_A },
	},
	{
		.desc = "register and ignore over stale keys",
		.nr = 3, .pre = { KEY_OTHER, 0, KEY_B },
		.new_key = KEY_A, .flags = PR_FL_IGNORE_KEY, .ret = 0,
		.reg = { R_REG, R_REG, R_REG },
		.state = { S_OK, S_OK, S_OK },
		.post = { KEY_A, KEY_A, KEY_A },
	},
	{
		.desc = "target refuses one path even with ignore: success, pending",
		.nr = 3, .fault = { F_NONE, F_CONFLICT, F_NONE }, .new_key = KEY_A,
		.ret = 0,
		.reg = { R_REG, R_PEND, R_REG },
		.state = { S_OK, S_OK, S_OK },
		.post = { KEY_A, 0, KEY_A },
	},
	{
		/*
		 * dm's rollback bug: stock dm_pr_register() re-registers the
		 * old key on the paths that succeeded when one path failed,
		 * which with REGISTER semantics unregisters them: the healthy
		 * path ends up without a key, the dead one with the old key.
		 */
		.desc = "dm rollback bug: key change with path 1 down keeps the new key",
		.nr = 2, .pre = { KEY_A, KEY_A }, .fault = { F_NONE, F_DOWN },
		.old_key = KEY_A, .new_key = KEY_A2, .ret = 0,
		.reg = { R_REG, R_PEND },
		.state = { S_OK, S_FAIL },
		.post = { KEY_A2, KEY_A },
	},
	{
		.desc = "dm rollback bug: key change with path 0 down keeps the new key",
		.nr = 2, .pre = { KEY_A, KEY_A }, .fault = { F_DOWN, F_NONE },
		.old_key = KEY_A, .new_key = KEY_A2, .ret = 0,
		.reg = { R_PEND, R_REG },
		.state = { S_FAIL, S_OK },
		.post = { KEY_A, KEY_A2 },
	},
	{
		.desc = "answer lost after the target registered: pending, not failed op",
		.nr = 2, .fault = { F_NONE, F_LOSE }, .new_key = KEY_A, .ret = 0,
		.reg = { R_REG, R_PEND },
		.state = { S_OK, S_FAIL },
		.post = { KEY_A, KEY_A },
	},
};

static void reg_case_desc(const struct reg_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(reg, reg_cases, reg_case_desc);

static void mpr_test_register_fanout(struct kunit *test)
{
	const struct reg_case *c = test->param_value;
	struct fake_env *env = fake_env_new(test, c->nr);
	unsigned int i;
	int r;

	for (i = 0; i < c->nr; i++) {
		env->tgt.key[i] = c->pre[i];
		fake_set_fault(env->paths[i], c->fault[i], 0);
	}

	r = mpr_engine_register(&env->eng, c->old_key, c->new_key, c->flags);
	KUNIT_EXPECT_EQ(test, r, c->ret);
	fake_quiesce(test, env);

	for (i = 0; i < c->nr; i++) {
		struct fake_path *fp = env->paths[i];

		KUNIT_EXPECT_EQ_MSG(test, fp->path.reg, c->reg[i], "path %u", i);
		KUNIT_EXPECT_EQ_MSG(test, fp->path.state, c->state[i], "path %u", i);
		KUNIT_EXPECT_EQ_MSG(test, env->tgt.key[i], c->post[i],
				    "nexus %u", i);
		if (c->fault[i] == F_UA)
			KUNIT_EXPECT_GE(test, atomic_read(&fp->calls), 2);
		if (c->calls)
			KUNIT_EXPECT_EQ_MSG(test, atomic_read(&fp->calls),
					    (int)c->calls, "path %u", i);
	}
	if (!c->ret) {
		KUNIT_EXPECT_TRUE(test, env->eng.wanted);
		KUNIT_EXPECT_EQ(test, env->eng.key, c->new_key);
	} else {
		KUNIT_EXPECT_FALSE(test, env->eng.wanted);
	}
	fake_check_invariants(test, env);
}

/* ---- deadline and stragglers ---------------------------------------- */

static void mpr_test_slow_path_deadline(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 3);
	struct fake_path *slow = env->paths[2];
	ktime_t t0;
	s64 ms;
	int r;

	/*
	 * A deadline with room for a loaded TCG guest: the fast paths must
	 * answer within it.
	 */
	env->params.op_timeout_ms = 1000;
	slow->delay_ms = 3000;

	t0 = ktime_get();
	r = mpr_engine_register(&env->eng, 0, KEY_A, 0);
	ms = ktime_ms_delta(ktime_get(), t0);
	kunit_info(test, "REGISTER, one path 3 s slow, deadline 1 s: returned after %lld ms",
		   ms);
	KUNIT_EXPECT_EQ(test, r, 0);
	KUNIT_EXPECT_LT(test, ms, 2500);
	/* Not answered in time: treated as a path failure for now. */
	KUNIT_EXPECT_EQ(test, slow->path.state, S_FAIL);
	KUNIT_EXPECT_EQ(test, slow->path.reg, R_PEND);

	/*
	 * The late answer is folded in when it arrives: the path works, and
	 * its registration waits for the probe's re-count (fencing safety).
	 */
	fake_quiesce(test, env);
	KUNIT_EXPECT_EQ(test, slow->path.state, S_OK);
	KUNIT_EXPECT_EQ(test, slow->path.reg, R_PEND);
	KUNIT_EXPECT_EQ(test, slow->path.unverified_key, KEY_A);
	KUNIT_EXPECT_EQ(test, env->tgt.key[2], KEY_A);
	slow->delay_ms = 0;
	KUNIT_EXPECT_FALSE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_EQ(test, slow->path.reg, R_REG);
	KUNIT_EXPECT_EQ(test, slow->path.unverified_key, 0ULL);
	KUNIT_EXPECT_EQ(test, env->tgt.key[2], KEY_A);
}

static void mpr_test_all_slow_paths(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);

	env->params.op_timeout_ms = 100;
	env->paths[0]->delay_ms = 400;
	env->paths[1]->delay_ms = 400;

	/* Nobody answered in time: a path error, never a conflict. */
	KUNIT_EXPECT_EQ(test, mpr_engine_register(&env->eng, 0, KEY_A, 0),
			PATH_FAILED);
	fake_quiesce(test, env);
	KUNIT_EXPECT_EQ(test, env->paths[0]->path.state, S_OK);
	/* Registered late, but the operation failed: state is unknown. */
	KUNIT_EXPECT_EQ(test, env->paths[0]->path.reg, R_UNK);
}

/* ---- parallelism ----------------------------------------------------- */

static s64 mpr_time_register(struct kunit *test, unsigned int nr,
			     unsigned int delay_ms)
{
	struct fake_env *env = fake_env_new(test, nr);
	unsigned int i;
	ktime_t t0;
	s64 us;

	for (i = 0; i < nr; i++)
		env->paths[i]->delay_ms = delay_ms;
	t0 = ktime_get();
	KUNIT_EXPECT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	us = ktime_us_delta(ktime_get(), t0);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ(test, env->tgt.key[i], KEY_A);
	fake_env_done(test, env);
	return us;
}

static void mpr_test_parallel_fanout(struct kunit *test)
{
	s64 one, four;

	/* The best of two runs each: a starved TCG guest adds noise. */
	one = min(mpr_time_register(test, 1, 200),
		  mpr_time_register(test, 1, 200));
	four = min(mpr_time_register(test, 4, 200),
		   mpr_time_register(test, 4, 200));
	kunit_info(test, "REGISTER, 200 ms per path: 1 path %lld us, 4 paths %lld us, ratio %lld.%02lld (sequential would be 4)",
		   one, four, four / max_t(s64, one, 1),
		   (four * 100 / max_t(s64, one, 1)) % 100);
	/* Sequential would take four times as long as one path. */
	KUNIT_EXPECT_LT(test, four, 3 * one);
	KUNIT_EXPECT_GE(test, one, 200 * USEC_PER_MSEC);
}

static struct kunit_case mpr_engine_register_cases[] = {
	KUNIT_CASE_PARAM(mpr_test_register_fanout, reg_gen_params),
	KUNIT_CASE(mpr_test_slow_path_deadline),
	KUNIT_CASE(mpr_test_all_slow_paths),
	KUNIT_CASE(mpr_test_parallel_fanout),
	{}
};

static struct kunit_suite mpr_engine_register_suite = {
	.name = "dm_mpath_pr_register",
	.exit = fake_suite_exit,
	.test_cases = mpr_engine_register_cases,
};

kunit_test_suite(mpr_engine_register_suite);
