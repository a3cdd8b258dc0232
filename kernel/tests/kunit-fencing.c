// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite dm_mpath_pr_fencing: the audit, and a host fenced by
 * another one while it registers.
 */

#include <kunit/test.h>
#include <linux/ktime.h>

#include "fake.h"

/* ---- audit and fencing --------------------------------------------------- */

static void mpr_test_audit_preempted_once(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 3);
	struct fake_event ev;

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_EXPECT_EQ(test, mpr_engine_audit_once(&env->eng), 1);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PREEMPTED, ANY_PATH), 0U);

	env->paths[2]->down = true;
	fake_race_preempt(env);
	KUNIT_EXPECT_EQ(test, mpr_engine_audit_once(&env->eng), 0);
	KUNIT_EXPECT_TRUE(test, env->eng.preempted);
	KUNIT_ASSERT_TRUE(test, fake_last_ev(env, MPR_EV_PREEMPTED, &ev));
	KUNIT_EXPECT_EQ(test, ev.key, KEY_A);
	/* Exactly once, however often it is seen. */
	mpr_engine_audit_once(&env->eng);
	mpr_engine_probe_once(&env->eng);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PREEMPTED, ANY_PATH), 1U);

	/* The returning path is not registered. */
	env->paths[2]->down = false;
	spin_lock(&env->eng.lock);
	env->paths[2]->path.reg = R_PEND;
	spin_unlock(&env->eng.lock);
	mpr_engine_probe_once(&env->eng);
	KUNIT_EXPECT_EQ(test, env->tgt.key[2], 0ULL);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PATH_REGISTERED, ANY_PATH), 0U);

	/* Registering again lifts it; a second preempt is reported again. */
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_EXPECT_FALSE(test, env->eng.preempted);
	fake_race_preempt(env);
	KUNIT_EXPECT_EQ(test, mpr_engine_audit_once(&env->eng), 0);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PREEMPTED, ANY_PATH), 2U);
	fake_check_invariants(test, env);
}

/* A conflict on the host's key leads to the same check (and state). */
static void mpr_test_conflict_shows_preempt(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	fake_race_preempt(env);
	KUNIT_EXPECT_EQ(test, mpr_engine_reserve(&env->eng, KEY_A, WE_RO, 0),
			CONFLICT);
	KUNIT_EXPECT_TRUE(test, env->eng.preempted);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PREEMPTED, ANY_PATH), 1U);
	fake_check_invariants(test, env);
}

/* ... but not when the key is still there (another host holds). */
static void mpr_test_conflict_not_preempt(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_ASSERT_EQ(test, 0, host_b(env, 0, MPR_OP_REGISTER, 0, KEY_B, 0));
	KUNIT_ASSERT_EQ(test, 0, host_b(env, 0, MPR_OP_RESERVE, KEY_B, 0, WE_RO));
	KUNIT_EXPECT_EQ(test, mpr_engine_reserve(&env->eng, KEY_A, WE_RO, 0),
			CONFLICT);
	KUNIT_EXPECT_FALSE(test, env->eng.preempted);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PREEMPTED, ANY_PATH), 0U);
	fake_check_invariants(test, env);
}

/*
 * A preempt lands between the probe's check and its REGISTER AND IGNORE
 * (before), or between the REGISTER and the re-count (after): the
 * returning path must end without the key, the host preempted.
 */
static void mpr_test_recount_race(struct kunit *test, bool before)
{
	struct fake_env *env = fake_env_new(test, 3);
	struct fake_path *p2 = env->paths[2];

	p2->down = true;
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	p2->down = false;
	if (before)
		p2->race_before = true;
	else
		p2->race_after = true;
	mpr_engine_probe_once(&env->eng);
	fake_quiesce(test, env);
	KUNIT_EXPECT_EQ(test, env->tgt.key[0] | env->tgt.key[1] |
			env->tgt.key[2], 0ULL);
	KUNIT_EXPECT_TRUE(test, env->eng.preempted);
	KUNIT_EXPECT_NE(test, p2->path.reg, R_REG);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PREEMPTED, ANY_PATH), 1U);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PATH_REGISTERED, FAKE_ID(2)), 1U);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PATH_UNREGISTERED, FAKE_ID(2)), 1U);
	/* It stays so. */
	mpr_engine_probe_once(&env->eng);
	KUNIT_EXPECT_EQ(test, env->tgt.key[2], 0ULL);
	fake_check_invariants(test, env);
}

static void mpr_test_recount_race_before(struct kunit *test)
{
	mpr_test_recount_race(test, true);
}

static void mpr_test_recount_race_after(struct kunit *test)
{
	mpr_test_recount_race(test, false);
}

/* No race: the re-count keeps the returning path registered. */
static void mpr_test_recount_no_race(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 3);

	env->paths[1]->down = true;
	env->paths[2]->fault = F_LOSE;
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	/* Path 2 carries the key already (its answer was lost). */
	KUNIT_EXPECT_EQ(test, env->tgt.key[2], KEY_A);
	env->paths[1]->down = false;
	fake_set_fault(env->paths[2], F_NONE, 0);
	KUNIT_EXPECT_FALSE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_FALSE(test, env->eng.preempted);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], KEY_A);
	KUNIT_EXPECT_EQ(test, env->tgt.key[2], KEY_A);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PATH_REGISTERED, ANY_PATH), 2U);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PATH_UNREGISTERED, ANY_PATH), 0U);
	fake_check_invariants(test, env);
}

/* A path down during an unregister loses its stale key when it returns. */
static void mpr_test_stale_key_event(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 3);
	struct fake_event ev;

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	env->paths[1]->down = true;
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, KEY_A, 0, 0));
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], KEY_A);
	env->paths[1]->down = false;
	mpr_engine_path_hint(&env->eng, FAKE_ID(1), false);
	flush_delayed_work(&env->eng.probe);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], 0ULL);
	KUNIT_EXPECT_EQ(test, env->paths[1]->path.reg, R_NONE);
	KUNIT_ASSERT_TRUE(test, fake_last_ev(env, MPR_EV_PATH_UNREGISTERED, &ev));
	KUNIT_EXPECT_EQ(test, ev.path_id, FAKE_ID(1));
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PATH_UNREGISTERED, ANY_PATH), 1U);
	KUNIT_EXPECT_FALSE(test, env->eng.preempted);
	fake_check_invariants(test, env);
}

/*
 * A path that fails and returns gets the key again: the target may have
 * dropped that nexus's registration meanwhile (LIO does when the session of
 * a dynamic ACL ends). Where the key stayed, registering again changes
 * nothing and is no reason to think the host was preempted.
 */
static void mpr_test_returned_path(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 3);
	struct fake_path *p1 = env->paths[1];
	int calls;

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_ASSERT_EQ(test, p1->path.reg, R_REG);

	/* Lost at the target while the path was down. */
	p1->down = true;
	mpr_engine_path_hint(&env->eng, FAKE_ID(1), true);
	env->tgt.key[1] = 0;
	env->tgt.generation++;
	KUNIT_EXPECT_TRUE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_EQ(test, p1->path.state, S_FAIL);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], 0ULL);
	p1->down = false;
	fake_clear_ev(env);
	mpr_engine_path_hint(&env->eng, FAKE_ID(1), false);
	flush_delayed_work(&env->eng.probe);
	KUNIT_EXPECT_EQ(test, p1->path.state, S_OK);
	KUNIT_EXPECT_EQ(test, p1->path.reg, R_REG);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], KEY_A);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PATH_REGISTERED, FAKE_ID(1)), 1U);
	KUNIT_EXPECT_FALSE(test, env->eng.preempted);

	/* Kept at the target: registered again, nothing else changes. */
	calls = atomic_read(&p1->op_calls[MPR_OP_REGISTER]);
	p1->down = true;
	mpr_engine_path_hint(&env->eng, FAKE_ID(1), true);
	p1->down = false;
	mpr_engine_path_hint(&env->eng, FAKE_ID(1), false);
	flush_delayed_work(&env->eng.probe);
	KUNIT_EXPECT_EQ(test, atomic_read(&p1->op_calls[MPR_OP_REGISTER]), calls + 1);
	KUNIT_EXPECT_EQ(test, p1->path.reg, R_REG);
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], KEY_A);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], KEY_A);
	KUNIT_EXPECT_EQ(test, env->tgt.key[2], KEY_A);
	KUNIT_EXPECT_FALSE(test, env->eng.preempted);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PATH_UNREGISTERED, ANY_PATH), 0U);
	fake_check_invariants(test, env);
}

/* A path of a fenced host that fails and returns is not registered. */
static void mpr_test_returned_path_fenced(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 3);
	struct fake_path *p2 = env->paths[2];
	int calls;

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	p2->down = true;
	mpr_engine_path_hint(&env->eng, FAKE_ID(2), true);
	fake_race_preempt(env);
	calls = atomic_read(&p2->op_calls[MPR_OP_REGISTER]);
	p2->down = false;
	mpr_engine_path_hint(&env->eng, FAKE_ID(2), false);
	flush_delayed_work(&env->eng.probe);
	KUNIT_EXPECT_EQ(test, atomic_read(&p2->op_calls[MPR_OP_REGISTER]), calls);
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], 0ULL);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], 0ULL);
	KUNIT_EXPECT_TRUE(test, env->eng.preempted);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PREEMPTED, ANY_PATH), 1U);
	fake_check_invariants(test, env);
}

/*
 * Unregistering under the host's all-registrants reservation: the nexus
 * that took it is unregistered after the others (LIO's holder moves on
 * its unregister); under other types all paths are sent to at once.
 */
static void mpr_test_unregister_holder_last(struct kunit *test)
{
	static const enum pr_type types[] = { WE_AR, EA_AR, WE_RO };
	unsigned int t, i;

	for (t = 0; t < ARRAY_SIZE(types); t++) {
		struct fake_env *env = fake_env_new(test, 3);
		bool all_regs = types[t] != WE_RO;
		struct fake_path *h;

		KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
		KUNIT_ASSERT_EQ(test, 0, mpr_engine_reserve(&env->eng, KEY_A,
							    types[t], 0));
		KUNIT_ASSERT_NOT_NULL(test, env->eng.holder);
		h = container_of(env->eng.holder, struct fake_path, path);
		for (i = 0; i < 3; i++)
			env->paths[i]->delay_ms = 50;
		KUNIT_EXPECT_EQ(test, mpr_engine_register(&env->eng, KEY_A, 0, 0), 0);
		for (i = 0; i < 3; i++) {
			struct fake_path *p = env->paths[i];

			KUNIT_EXPECT_EQ(test, env->tgt.key[i], 0ULL);
			if (p == h)
				continue;
			/* after every other path finished, or overlapping */
			KUNIT_EXPECT_EQ_MSG(test,
					    ktime_compare(h->t_start, p->t_end) >= 0,
					    all_regs, "type %d, path %u", types[t], i);
		}
		KUNIT_EXPECT_EQ(test, (int)env->tgt.type, 0);
		fake_check_invariants(test, env);
	}
}

static struct kunit_case mpr_engine_fencing_cases[] = {
	KUNIT_CASE(mpr_test_audit_preempted_once),
	KUNIT_CASE(mpr_test_conflict_shows_preempt),
	KUNIT_CASE(mpr_test_conflict_not_preempt),
	KUNIT_CASE(mpr_test_recount_race_before),
	KUNIT_CASE(mpr_test_recount_race_after),
	KUNIT_CASE(mpr_test_recount_no_race),
	KUNIT_CASE(mpr_test_stale_key_event),
	KUNIT_CASE(mpr_test_returned_path),
	KUNIT_CASE(mpr_test_returned_path_fenced),
	KUNIT_CASE(mpr_test_unregister_holder_last),
	{}
};

static struct kunit_suite mpr_engine_fencing_suite = {
	.name = "dm_mpath_pr_fencing",
	.exit = fake_suite_exit,
	.test_cases = mpr_engine_fencing_cases,
};

kunit_test_suite(mpr_engine_fencing_suite);
