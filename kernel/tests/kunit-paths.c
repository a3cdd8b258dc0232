// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite dm_mpath_pr_paths: paths that return, are added, or
 * carry a key the engine did not register.
 */

#include <kunit/test.h>

#include "fake.h"

/* ---- returning paths and fencing ------------------------------------ */

static void mpr_test_returning_path_registered(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);
	struct fake_path *p1 = env->paths[1];

	p1->down = true;
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_EXPECT_EQ(test, p1->path.reg, R_PEND);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], 0ULL);

	/* Still down: the probe leaves it pending. */
	KUNIT_EXPECT_TRUE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_EQ(test, p1->path.reg, R_PEND);

	p1->down = false;
	KUNIT_EXPECT_FALSE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_EQ(test, p1->path.reg, R_REG);
	KUNIT_EXPECT_EQ(test, p1->path.state, S_OK);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], KEY_A);
	KUNIT_EXPECT_FALSE(test, env->eng.preempted);
}

static void mpr_test_returning_path_fenced(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);
	struct fake_path *p1 = env->paths[1];

	p1->down = true;
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));

	/* Host B reserves and preempts us: our key is gone from every nexus. */
	KUNIT_ASSERT_EQ(test, 0, host_b(env, 0, MPR_OP_REGISTER, 0, KEY_B, 0));
	KUNIT_ASSERT_EQ(test, 0, host_b(env, 0, MPR_OP_RESERVE, KEY_B, 0, WE_RO));
	KUNIT_ASSERT_EQ(test, 0, host_b(env, 0, MPR_OP_PREEMPT, KEY_B, KEY_A,
					WE_RO));
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], 0ULL);

	p1->down = false;
	KUNIT_EXPECT_FALSE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_TRUE(test, env->eng.preempted);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], 0ULL);
	KUNIT_EXPECT_NE(test, p1->path.reg, R_REG);
	KUNIT_EXPECT_FALSE(test, tgt_can_write(&env->tgt, 1));

	/* And it stays fenced on later rounds. */
	mpr_engine_probe_once(&env->eng);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], 0ULL);

	/* A new REGISTER by the host lifts the mark. */
	KUNIT_EXPECT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A2, 0));
	KUNIT_EXPECT_FALSE(test, env->eng.preempted);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], KEY_A2);
}

static void mpr_test_added_path_pending(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);
	struct fake_path *p2;
	u64 keep[2] = { FAKE_ID(0), FAKE_ID(2) };

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	p2 = fake_add_path(test, env);
	KUNIT_EXPECT_EQ(test, p2->path.reg, R_PEND);
	KUNIT_EXPECT_FALSE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_EQ(test, p2->path.reg, R_REG);
	KUNIT_EXPECT_EQ(test, env->tgt.key[2], KEY_A);

	/*
	 * Sync to paths 0 and 2: path 1 departs, gives up its key at the
	 * next probe, and is released.
	 */
	mpr_engine_retain_paths(&env->eng, keep, ARRAY_SIZE(keep));
	KUNIT_EXPECT_EQ(test, env->eng.nr_paths, 2U);
	KUNIT_EXPECT_FALSE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], 0ULL);
	/* a fan-out worker drops its path reference after it reports */
	fake_quiesce(test, env);
	KUNIT_EXPECT_TRUE(test, env->released[1]);
}

static void mpr_test_adopt_key(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 3);

	/* Registered before attach through path 0 only. */
	env->tgt.key[0] = KEY_A;
	mpr_engine_adopt_key(&env->eng, KEY_A);
	cancel_delayed_work_sync(&env->eng.probe);
	KUNIT_EXPECT_FALSE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], KEY_A);
	KUNIT_EXPECT_EQ(test, env->tgt.key[2], KEY_A);
	KUNIT_EXPECT_EQ(test, env->paths[2]->path.reg, R_REG);
}

/* A stale key on a returning path is dropped when no key is wanted (#35). */
static void mpr_test_stale_key_cleared(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	env->paths[1]->down = true;
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, KEY_A, 0, 0));
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], KEY_A);
	env->paths[1]->down = false;
	KUNIT_EXPECT_FALSE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], 0ULL);
	KUNIT_EXPECT_EQ(test, env->paths[1]->path.reg, R_NONE);
}

static struct kunit_case mpr_engine_paths_cases[] = {
	KUNIT_CASE(mpr_test_returning_path_registered),
	KUNIT_CASE(mpr_test_returning_path_fenced),
	KUNIT_CASE(mpr_test_added_path_pending),
	KUNIT_CASE(mpr_test_adopt_key),
	KUNIT_CASE(mpr_test_stale_key_cleared),
	{}
};

static struct kunit_suite mpr_engine_paths_suite = {
	.name = "dm_mpath_pr_paths",
	.exit = fake_suite_exit,
	.test_cases = mpr_engine_paths_cases,
};

kunit_test_suite(mpr_engine_paths_suite);
