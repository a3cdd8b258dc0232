// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite dm_mpath_pr_events: the events of an operation, hints,
 * resync and changed settings.
 */

#include <kunit/test.h>
#include <linux/delay.h>

#include "fake.h"

/* ---- events ------------------------------------------------------------ */

/*
 * Every operation ends with one OP_DONE: the caller's result, its wait,
 * and one entry per command sent; path and reservation changes come as
 * their own events, before it.
 */
static void mpr_test_events_op_done(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 3);
	struct fake_event ev;
	u32 gen, nr = 8;
	u64 keys[8];
	struct mpr_resv rsv;

	env->paths[2]->down = true;
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_OP_DONE, ANY_PATH), 1U);
	KUNIT_ASSERT_TRUE(test, fake_last_ev(env, MPR_EV_OP_DONE, &ev));
	KUNIT_EXPECT_EQ(test, ev.op, (u32)DM_MPATH_PR_OP_REGISTER);
	KUNIT_EXPECT_EQ(test, ev.result, 0);
	KUNIT_EXPECT_EQ(test, ev.key, KEY_A);
	KUNIT_EXPECT_EQ(test, ev.nr_results, 3U);
	KUNIT_EXPECT_EQ(test, ev.res[0], 0);
	KUNIT_EXPECT_EQ(test, ev.res[1], 0);
	KUNIT_EXPECT_EQ(test, ev.res_id[2], FAKE_ID(2));
	KUNIT_EXPECT_EQ(test, ev.res[2], PATH_FAILED);
	KUNIT_EXPECT_GT(test, ev.latency_us, 0ULL);
	KUNIT_EXPECT_LE(test, ev.res_latency_us[0], ev.latency_us);
	/* The down path failed, with the cause; nothing else changed. */
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PATH_FAILED, FAKE_ID(2)), 1U);
	KUNIT_ASSERT_TRUE(test, fake_last_ev(env, MPR_EV_PATH_FAILED, &ev));
	KUNIT_EXPECT_EQ(test, ev.result, PATH_FAILED);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_RESERVATION, ANY_PATH), 0U);
	KUNIT_EXPECT_EQ(test, env->nr_ev, 2U);
	/* The failed event came before the operation's end. */
	KUNIT_EXPECT_EQ(test, env->ev[0].type, MPR_EV_PATH_FAILED);
	KUNIT_EXPECT_EQ(test, env->ev[1].type, MPR_EV_OP_DONE);

	fake_clear_ev(env);
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_reserve(&env->eng, KEY_A, WE_RO, 0));
	KUNIT_EXPECT_EQ(test, env->nr_ev, 2U);
	KUNIT_ASSERT_TRUE(test, fake_last_ev(env, MPR_EV_RESERVATION, &ev));
	KUNIT_EXPECT_EQ(test, ev.key, KEY_A);
	KUNIT_EXPECT_EQ(test, ev.res_type, WE_RO);
	KUNIT_EXPECT_EQ(test, ev.holder_id, FAKE_ID(0));
	KUNIT_ASSERT_TRUE(test, fake_last_ev(env, MPR_EV_OP_DONE, &ev));
	KUNIT_EXPECT_EQ(test, ev.op, (u32)DM_MPATH_PR_OP_RESERVE);
	KUNIT_EXPECT_EQ(test, ev.nr_results, 1U);

	/* Reserving again changes nothing: no RESERVATION event. */
	fake_clear_ev(env);
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_reserve(&env->eng, KEY_A, WE_RO, 0));
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_RESERVATION, ANY_PATH), 0U);

	fake_clear_ev(env);
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_release(&env->eng, KEY_A, WE_RO));
	KUNIT_ASSERT_TRUE(test, fake_last_ev(env, MPR_EV_RESERVATION, &ev));
	KUNIT_EXPECT_EQ(test, ev.res_type, 0);
	KUNIT_ASSERT_TRUE(test, fake_last_ev(env, MPR_EV_OP_DONE, &ev));
	KUNIT_EXPECT_EQ(test, ev.op, (u32)DM_MPATH_PR_OP_RELEASE);

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_read_keys(&env->eng, &gen, &nr, keys));
	KUNIT_ASSERT_TRUE(test, fake_last_ev(env, MPR_EV_OP_DONE, &ev));
	KUNIT_EXPECT_EQ(test, ev.op, (u32)DM_MPATH_PR_OP_READ_KEYS);
	KUNIT_EXPECT_EQ(test, ev.nr_results, 1U);
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_read_reservation(&env->eng, &rsv));
	KUNIT_ASSERT_TRUE(test, fake_last_ev(env, MPR_EV_OP_DONE, &ev));
	KUNIT_EXPECT_EQ(test, ev.op, (u32)DM_MPATH_PR_OP_READ_RESERVATION);

	/* Refused before any command: OP_DONE with the result, no paths. */
	KUNIT_EXPECT_EQ(test, mpr_engine_reserve(&env->eng, KEY_A, WE, 0),
			-EOPNOTSUPP);
	KUNIT_ASSERT_TRUE(test, fake_last_ev(env, MPR_EV_OP_DONE, &ev));
	KUNIT_EXPECT_EQ(test, ev.result, -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, ev.nr_results, 0U);
	KUNIT_EXPECT_EQ(test, mpr_engine_preempt(&env->eng, KEY_A, KEY_OTHER,
						 WE_RO, true), CONFLICT);
	KUNIT_ASSERT_TRUE(test, fake_last_ev(env, MPR_EV_OP_DONE, &ev));
	KUNIT_EXPECT_EQ(test, ev.op, (u32)DM_MPATH_PR_OP_PREEMPT_ABORT);
	KUNIT_EXPECT_EQ(test, ev.result, CONFLICT);
	fake_check_invariants(test, env);
}

/* A path that does not answer in time shows as -ETIMEDOUT in OP_DONE. */
static void mpr_test_events_slow_path(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);
	struct fake_event ev;

	env->params.op_timeout_ms = 1000;
	env->paths[1]->delay_ms = 2500;
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_ASSERT_TRUE(test, fake_last_ev(env, MPR_EV_OP_DONE, &ev));
	KUNIT_EXPECT_EQ(test, ev.res[1], -ETIMEDOUT);
	KUNIT_EXPECT_GE(test, ev.res_latency_us[1], 900 * USEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PATH_FAILED, FAKE_ID(1)), 1U);
	/* The late answer restores the path. */
	fake_quiesce(test, env);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PATH_RESTORED, FAKE_ID(1)), 1U);
	fake_check_invariants(test, env);
}

/* Suspended sequences report only after the resume. */
static void mpr_test_events_not_suspended(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 3);

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_reserve(&env->eng, KEY_A, EA_RO, 0));
	env->paths[0]->down = true;
	fake_clear_ev(env);
	KUNIT_EXPECT_EQ(test, mpr_engine_release(&env->eng, KEY_A, EA_RO), 0);
	KUNIT_EXPECT_EQ(test, env->suspends, 1U);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PATH_FAILED, FAKE_ID(0)), 1U);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_RESERVATION, ANY_PATH), 1U);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_OP_DONE, ANY_PATH), 1U);
	fake_check_invariants(test, env);
}

/* ---- hints, resync, settings ------------------------------------------ */

static void mpr_test_hint(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);
	struct fake_path *p0 = env->paths[0];
	struct fake_event ev;

	mpr_engine_path_hint(&env->eng, FAKE_ID(0), true);
	KUNIT_EXPECT_EQ(test, p0->path.state, S_FAIL);
	KUNIT_ASSERT_TRUE(test, fake_last_ev(env, MPR_EV_PATH_FAILED, &ev));
	KUNIT_EXPECT_EQ(test, ev.path_id, FAKE_ID(0));
	KUNIT_EXPECT_EQ(test, ev.result, 0);
	/* Unknown paths are ignored; a second hint reports nothing new. */
	mpr_engine_path_hint(&env->eng, 42, true);
	mpr_engine_path_hint(&env->eng, FAKE_ID(0), true);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PATH_FAILED, ANY_PATH), 1U);

	/* The failed path is left out and pending. */
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_EXPECT_EQ(test, atomic_read(&p0->op_calls[MPR_OP_REGISTER]), 0);
	KUNIT_EXPECT_EQ(test, p0->path.reg, R_PEND);

	/* Reinstated: probed and registered now, not at the next interval. */
	mpr_engine_path_hint(&env->eng, FAKE_ID(0), false);
	flush_delayed_work(&env->eng.probe);
	KUNIT_EXPECT_EQ(test, p0->path.state, S_OK);
	KUNIT_EXPECT_EQ(test, p0->path.reg, R_REG);
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], KEY_A);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PATH_RESTORED, FAKE_ID(0)), 1U);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PATH_REGISTERED, FAKE_ID(0)), 1U);
	KUNIT_ASSERT_TRUE(test, fake_last_ev(env, MPR_EV_PATH_REGISTERED, &ev));
	KUNIT_EXPECT_EQ(test, ev.key, KEY_A);
	fake_check_invariants(test, env);
}

static void mpr_test_resync(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 3);
	unsigned int i;
	int before[3];

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	for (i = 0; i < 3; i++)
		before[i] = atomic_read(&env->paths[i]->op_calls[MPR_OP_READ_KEYS]);
	fake_race_preempt(env);
	mpr_engine_resync(&env->eng);
	flush_delayed_work(&env->eng.probe);
	flush_delayed_work(&env->eng.audit);
	/* Every path was asked, and the audit found the key gone. */
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_GT_MSG(test,
				    atomic_read(&env->paths[i]->op_calls[MPR_OP_READ_KEYS]),
				    before[i], "path %u", i);
	KUNIT_EXPECT_TRUE(test, env->eng.preempted);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PREEMPTED, ANY_PATH), 1U);
	fake_check_invariants(test, env);
}

/* Wait up to @ms for path @fp to reach @reg. */
static bool fake_wait_reg(struct fake_path *fp, enum dm_mpath_pr_reg_state reg,
			  unsigned int ms)
{
	for (; ms >= 20 && READ_ONCE(fp->path.reg) != reg; ms -= 20)
		msleep(20);
	return READ_ONCE(fp->path.reg) == reg;
}

/* Wait up to @ms for @nr events of @type. */
static bool fake_wait_ev(struct fake_env *env, enum mpr_event_type type,
			 unsigned int nr, unsigned int ms)
{
	for (; ms >= 20 && fake_nr_ev(env, type, ANY_PATH) < nr; ms -= 20)
		msleep(20);
	return fake_nr_ev(env, type, ANY_PATH) == nr;
}

static void mpr_test_params_changed(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);
	struct fake_path *p1 = env->paths[1];

	p1->down = true;
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	/* The probe waits an hour... */
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&env->eng.probe));
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&env->eng.audit));
	p1->down = false;
	msleep(100);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], 0ULL);
	/* ...until the interval changes. */
	WRITE_ONCE(env->params.probe_interval_ms, 50);
	mpr_engine_params_changed(&env->eng);
	KUNIT_EXPECT_TRUE(test, fake_wait_reg(p1, R_REG, 2000));
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], KEY_A);

	/* The audit starts with a non-zero interval and stops with 0. */
	WRITE_ONCE(env->params.audit_interval_ms, 50);
	mpr_engine_params_changed(&env->eng);
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&env->eng.audit));
	fake_race_preempt(env);
	KUNIT_EXPECT_TRUE(test, fake_wait_ev(env, MPR_EV_PREEMPTED, 1, 2000));
	KUNIT_EXPECT_TRUE(test, READ_ONCE(env->eng.preempted));
	/* Preempted: nothing left to audit until the host registers. */
	msleep(200);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PREEMPTED, ANY_PATH), 1U);
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&env->eng.audit));
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A2, 0));
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&env->eng.audit));
	WRITE_ONCE(env->params.audit_interval_ms, 0);
	mpr_engine_params_changed(&env->eng);
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&env->eng.audit));
	fake_check_invariants(test, env);
}

static struct kunit_case mpr_engine_events_cases[] = {
	KUNIT_CASE(mpr_test_events_op_done),
	KUNIT_CASE(mpr_test_events_slow_path),
	KUNIT_CASE(mpr_test_events_not_suspended),
	KUNIT_CASE(mpr_test_hint),
	KUNIT_CASE(mpr_test_resync),
	KUNIT_CASE(mpr_test_params_changed),
	{}
};

static struct kunit_suite mpr_engine_events_suite = {
	.name = "dm_mpath_pr_events",
	.exit = fake_suite_exit,
	.test_cases = mpr_engine_events_cases,
};

kunit_test_suite(mpr_engine_events_suite);
