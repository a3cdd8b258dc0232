// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite dm_mpath_pr_ops: every PR operation in every situation
 * of kunit-ops-cases.h against the SPC-4 model, and whole sequences.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/workqueue.h>

#include "fake.h"

#include "kunit-ops-cases.h"

static void op_case_desc(const struct op_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(op, op_cases, op_case_desc);

/* Bring the target and the engine to the state a case starts from. */
static void op_setup(struct kunit *test, struct fake_env *env,
		     const struct op_case *c, unsigned int nr)
{
	struct fake_target *t = &env->tgt;
	struct mpr_engine *eng = &env->eng;
	unsigned int i;

	for (i = 0; i < nr && c->a_reg; i++)
		if (!(c->a_unreg & BIT(i)))
			t->key[i] = KEY_A;
	if (c->b_reg) {
		t->key[FAKE_HOST_B] = KEY_B;
		t->key[FAKE_HOST_B + 1] = KEY_B;
	}
	if (c->a_type) {
		t->type = c->a_type;
		t->holder = c->a_holder - 1;
	}
	if (c->b_type) {
		t->type = c->b_type;
		t->holder = FAKE_HOST_B;
	}
	t->ua = c->ua_pending;
	t->lio = c->lio;

	spin_lock(&eng->lock);
	if (c->a_reg) {
		eng->key = KEY_A;
		eng->wanted = true;
		for (i = 0; i < nr; i++)
			env->paths[i]->path.reg = c->a_unreg & BIT(i) ?
						  R_PEND : R_REG;
	}
	if (c->a_type && !c->a_not_ours) {
		int h = c->a_stale_holder ? c->a_stale_holder : c->a_holder;

		mpr_set_holder_locked(eng, c->a_holder_unknown ? NULL :
				      &env->paths[h - 1]->path, KEY_A,
				      c->a_type,
				      c->a_asked ? c->a_asked : c->a_type);
	}
	spin_unlock(&eng->lock);
	if (c->a_gone)
		for (i = 0; i < nr; i++)
			t->key[i] = 0;

	for (i = 0; i < nr; i++) {
		/* A short deadline for slow paths: the test stays quick. */
		if (c->fault[i] == F_SLOW)
			env->params.op_timeout_ms = 200;
	}
	for (i = 0; i < nr; i++)
		fake_set_fault(env->paths[i], c->fault[i],
			       env->params.op_timeout_ms);
	env->params.single_holder = c->policy;
	env->suspend_fails = c->suspend_fails;
}

static int op_run(struct kunit *test, struct fake_env *env,
		  const struct op_case *c)
{
	struct mpr_engine *eng = &env->eng;
	struct mpr_resv rsv = { 0 };
	u32 gen = 0, room = c->room ? c->room : 8;
	u64 keys[8];
	int r;

	switch (c->op) {
	case MPR_OP_REGISTER:
		return mpr_engine_register(eng, c->key, c->sa_key, c->flags);
	case MPR_OP_RESERVE:
		return mpr_engine_reserve(eng, c->key, c->type, 0);
	case MPR_OP_RELEASE:
		return mpr_engine_release(eng, c->key, c->type);
	case MPR_OP_PREEMPT:
		return mpr_engine_preempt(eng, c->key, c->sa_key, c->type,
					  c->abort);
	case MPR_OP_CLEAR:
		return mpr_engine_clear(eng, c->key);
	case MPR_OP_READ_KEYS:
		r = mpr_engine_read_keys(eng, &gen, &room, keys);
		if (!r) {
			KUNIT_EXPECT_EQ(test, room, c->rd_nkeys);
			KUNIT_EXPECT_EQ(test, keys[0], env->tgt.key[0] ?
					env->tgt.key[0] : env->tgt.key[1]);
		}
		return r;
	case MPR_OP_READ_RESV:
		r = mpr_engine_read_reservation(eng, &rsv);
		if (!r) {
			KUNIT_EXPECT_EQ(test, rsv.type, c->rd_type);
			KUNIT_EXPECT_EQ(test, rsv.key, c->rd_key);
		}
		return r;
	}
	return -EINVAL;
}

/* Can every reachable path of host A write? */
static int op_a_io(struct fake_env *env)
{
	unsigned int i;

	for (i = 0; i < env->nr; i++) {
		enum fake_fault f = env->paths[i]->fault;

		if (f == F_DOWN || f == F_DOWN_AFTER1 || f == F_LOSE)
			continue;
		if (!tgt_can_write(&env->tgt, i))
			return -1;
	}
	return 1;
}

static void mpr_test_op(struct kunit *test)
{
	const struct op_case *c = test->param_value;
	unsigned int nr = c->nr ? c->nr : 2, i;
	struct fake_env *env = fake_env_new(test, nr);
	struct fake_target *t = &env->tgt;
	int r;

	op_setup(test, env, c, nr);
	r = op_run(test, env, c);
	KUNIT_EXPECT_EQ(test, r, c->ret);
	fake_quiesce(test, env);

	for (i = 0; i < FAKE_MAX_NEXUS; i++)
		KUNIT_EXPECT_EQ_MSG(test, t->key[i], c->post[i], "nexus %u", i);
	KUNIT_EXPECT_EQ(test, t->type, c->post_type);
	if (c->post_type && !mpr_type_all_regs(c->post_type))
		KUNIT_EXPECT_EQ(test, t->holder, c->post_holder - 1);
	KUNIT_EXPECT_EQ(test, env->suspends, c->suspends);
	KUNIT_EXPECT_EQ(test, (unsigned int)t->aborted, c->aborted);
	for (i = 0; i < nr; i++) {
		struct fake_path *fp = env->paths[i];

		if (c->not_sent & BIT(i))
			KUNIT_EXPECT_EQ_MSG(test, atomic_read(&fp->op_calls[c->op]),
					    0, "path %u", i);
		/* The abort flag arrives as the caller gave it. */
		if (c->op == MPR_OP_PREEMPT) {
			KUNIT_EXPECT_FALSE(test, c->abort ?
					   fp->plain_preempt_seen :
					   fp->abort_seen);
		}
	}
	if (c->op == MPR_OP_PREEMPT && c->abort)
		KUNIT_EXPECT_TRUE(test, env->paths[0]->abort_seen ||
				  env->paths[1]->abort_seen);
	if (c->a_io)
		KUNIT_EXPECT_EQ(test, op_a_io(env), c->a_io);
	if (c->b_io)
		KUNIT_EXPECT_EQ(test, tgt_can_write(t, FAKE_HOST_B) ? 1 : -1,
				c->b_io);
	if (c->check_eng) {
		spin_lock(&env->eng.lock);
		KUNIT_EXPECT_PTR_EQ(test, env->eng.holder,
				    c->eng_holder ?
				    &env->paths[c->eng_holder - 1]->path : NULL);
		KUNIT_EXPECT_EQ(test, env->eng.res_type, c->eng_type);
		spin_unlock(&env->eng.lock);
	}
	fake_check_invariants(test, env);

	if (!c->probe)
		return;
	for (i = 0; i < nr; i++)
		fake_set_fault(env->paths[i], F_NONE, 0);
	mpr_engine_probe_once(&env->eng);
	mpr_engine_probe_once(&env->eng);
	fake_quiesce(test, env);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ_MSG(test, t->key[i], c->post_probe[i],
				    "nexus %u after the probe", i);
	fake_check_invariants(test, env);
}

/*
 * A RESERVE whose answer comes after the deadline is not sent again on
 * another path (its outcome is unknown); the late answer records the
 * holder.
 */
static void mpr_test_slow_reserve(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	env->params.op_timeout_ms = 100;
	env->paths[0]->delay_ms = 400;
	KUNIT_EXPECT_EQ(test, mpr_engine_reserve(&env->eng, KEY_A, WE_RO, 0),
			-ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->paths[1]->op_calls[MPR_OP_RESERVE]),
			0);
	fake_quiesce(test, env);
	KUNIT_EXPECT_EQ(test, env->tgt.type, WE_RO);
	KUNIT_EXPECT_EQ(test, env->tgt.holder, 0);
	KUNIT_EXPECT_PTR_EQ(test, env->eng.holder, &env->paths[0]->path);
	KUNIT_EXPECT_EQ(test, env->eng.res_type, WE_RO);
	/* Asking again now answers from the holder. */
	env->paths[0]->delay_ms = 0;
	KUNIT_EXPECT_EQ(test, mpr_engine_reserve(&env->eng, KEY_A, WE_RO, 0), 0);
}

/* ---- whole sequences --------------------------------------------------- */

/*
 * Two hosts through their own engines' view: A registers and reserves, B
 * registers and preempts A; A's paths are all unregistered, A cannot
 * write, and A's probe does not bring A back on a returning path.
 */
static void mpr_test_fenced_by_preempt(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 3);

	env->paths[2]->down = true;
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_reserve(&env->eng, KEY_A, WE_RO, 0));
	KUNIT_ASSERT_EQ(test, 0, host_b(env, 0, MPR_OP_REGISTER, 0, KEY_B, 0));
	KUNIT_ASSERT_EQ(test, 0, host_b(env, 0, MPR_OP_PREEMPT, KEY_B, KEY_A,
					WE_RO));
	KUNIT_EXPECT_EQ(test, env->tgt.key[0] | env->tgt.key[1] |
			env->tgt.key[2], 0ULL);
	KUNIT_EXPECT_FALSE(test, tgt_can_write(&env->tgt, 0));

	/* A's RESERVE now conflicts; the returning path stays unregistered. */
	KUNIT_EXPECT_EQ(test, mpr_engine_reserve(&env->eng, KEY_A, WE_RO, 0),
			CONFLICT);
	env->paths[2]->down = false;
	mpr_engine_probe_once(&env->eng);
	KUNIT_EXPECT_TRUE(test, env->eng.preempted);
	KUNIT_EXPECT_EQ(test, env->tgt.key[2], 0ULL);
	fake_check_invariants(test, env);
}

/*
 * The whole life of a reservation through the engine: register with a
 * path down, reserve, the holder path dies, release, the path returns.
 */
static void mpr_test_reservation_life(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 4);
	struct mpr_resv rsv;
	unsigned int i;

	env->paths[3]->down = true;
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_reserve(&env->eng, KEY_A, EA_RO, 0));
	KUNIT_EXPECT_EQ(test, env->tgt.holder, 0);
	KUNIT_EXPECT_EQ(test, op_a_io(env), -1);	/* path 3 is down */
	env->paths[3]->down = false;
	KUNIT_EXPECT_FALSE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_EQ(test, op_a_io(env), 1);

	env->paths[0]->down = true;
	KUNIT_EXPECT_EQ(test, mpr_engine_release(&env->eng, KEY_A, EA_RO), 0);
	KUNIT_EXPECT_EQ(test, env->tgt.type, 0);
	KUNIT_EXPECT_EQ(test, env->suspends, 1U);
	for (i = 1; i < 4; i++)
		KUNIT_EXPECT_EQ(test, env->tgt.key[i], KEY_A);
	KUNIT_EXPECT_EQ(test, mpr_engine_read_reservation(&env->eng, &rsv), 0);
	KUNIT_EXPECT_EQ(test, rsv.type, 0);

	env->paths[0]->down = false;
	mpr_engine_probe_once(&env->eng);
	mpr_engine_probe_once(&env->eng);
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], KEY_A);
	fake_check_invariants(test, env);
}

/*
 * One operation at a time: a REGISTER and a RESERVE started together both
 * complete, and never overlap on the device.
 */
struct mpr_race {
	struct work_struct work;
	struct fake_env *env;
	int r;
};

static void mpr_race_reserve(struct work_struct *work)
{
	struct mpr_race *race = container_of(work, struct mpr_race, work);

	race->r = mpr_engine_reserve(&race->env->eng, KEY_A, WE_RO, 0);
}

static void mpr_test_one_op_at_a_time(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);
	struct mpr_race race = { .env = env };

	env->paths[0]->delay_ms = 100;
	env->paths[1]->delay_ms = 100;
	INIT_WORK_ONSTACK(&race.work, mpr_race_reserve);
	mutex_lock(&env->eng.op_mutex);
	schedule_work(&race.work);
	msleep(50);
	/* The RESERVE waits for the operation in progress. */
	KUNIT_EXPECT_EQ(test, atomic_read(&env->paths[0]->calls), 0);
	mutex_unlock(&env->eng.op_mutex);
	KUNIT_EXPECT_EQ(test, mpr_engine_register(&env->eng, 0, KEY_A, 0), 0);
	flush_work(&race.work);
	destroy_work_on_stack(&race.work);
	/* Registered first or not, the RESERVE gave a clear answer. */
	KUNIT_EXPECT_TRUE(test, race.r == 0 || race.r == CONFLICT);
	fake_check_invariants(test, env);
}

static struct kunit_case mpr_engine_ops_cases[] = {
	KUNIT_CASE_PARAM(mpr_test_op, op_gen_params),
	KUNIT_CASE(mpr_test_slow_reserve),
	KUNIT_CASE(mpr_test_fenced_by_preempt),
	KUNIT_CASE(mpr_test_reservation_life),
	KUNIT_CASE(mpr_test_one_op_at_a_time),
	{}
};

static struct kunit_suite mpr_engine_ops_suite = {
	.name = "dm_mpath_pr_ops",
	.exit = fake_suite_exit,
	.test_cases = mpr_engine_ops_cases,
};

kunit_test_suite(mpr_engine_ops_suite);
