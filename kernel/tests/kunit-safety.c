// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite dm_mpath_pr_safety: the safety promises of issue 9 under
 * faults, one or more cases per defect.
 */

#include <kunit/test.h>
#include <linux/ktime.h>

#include "fake.h"

/* ---- issue 9: safety under faults ------------------------------------ */

/*
 * Defect 8: a large cluster. The host's key comes after 300 other keys in
 * READ KEYS; before the fix the engine read 256, missed it and took the
 * host for preempted.
 */
static void mpr_test_many_keys(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);
	struct fake_path *p1 = env->paths[1];

	env->tgt.others = 300;
	p1->down = true;
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_EXPECT_EQ(test, mpr_engine_audit_once(&env->eng), 1);
	KUNIT_EXPECT_FALSE(test, env->eng.preempted);

	/* The returning path is registered: the key was found. */
	p1->down = false;
	KUNIT_EXPECT_FALSE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], KEY_A);
	KUNIT_EXPECT_EQ(test, p1->path.reg, R_REG);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PREEMPTED, ANY_PATH), 0U);

	/* A host that really is preempted is still seen as such. */
	fake_race_preempt(env);
	KUNIT_EXPECT_EQ(test, mpr_engine_audit_once(&env->eng), 0);
	KUNIT_EXPECT_TRUE(test, env->eng.preempted);
	fake_check_invariants(test, env);
}

/*
 * Defect 4: a path that hangs holds nobody past the deadline. The audit's
 * READ KEYS goes to the settled path 0, which hangs for ten deadlines;
 * before the fix the audit waited for it (under the operation mutex).
 */
static void mpr_test_hung_reader_bounded(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);
	unsigned int deadline = 300;
	ktime_t t0;
	s64 ms;

	env->params.op_timeout_ms = deadline;
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	env->paths[0]->delay_ms = 10 * deadline;
	t0 = ktime_get();
	KUNIT_EXPECT_EQ(test, mpr_engine_audit_once(&env->eng), 1);
	ms = ktime_ms_delta(ktime_get(), t0);
	kunit_info(test, "audit with a hung path: %lld ms, deadline %u ms",
		   ms, deadline);
	KUNIT_EXPECT_LT(test, ms, 2 * (s64)deadline);
	KUNIT_EXPECT_FALSE(test, env->eng.preempted);
	fake_quiesce(test, env);
	fake_check_invariants(test, env);
}

/*
 * Defect 3, first way: the probe's registration of a returning path lands
 * after the deadline, and host B preempted host A just before it landed.
 * Before the fix the late answer was folded in as "registered" without a
 * re-count, and the fenced host kept its key on that nexus.
 */
static void mpr_test_late_probe_registration_fenced(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);
	struct fake_path *p1 = env->paths[1];

	env->params.op_timeout_ms = 300;
	p1->down = true;
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	p1->down = false;
	p1->reg_delay_ms = 600;
	p1->race_before = true;
	mpr_engine_probe_once(&env->eng);
	fake_quiesce(test, env);
	/* The late registration landed: host A is back on nexus 1 for now. */
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], 0ULL);
	KUNIT_EXPECT_NE(test, p1->path.reg, R_REG);

	p1->reg_delay_ms = 0;
	mpr_engine_probe_once(&env->eng);
	KUNIT_EXPECT_EQ_MSG(test, env->tgt.key[1], 0ULL,
			    "the fenced host kept its key on a nexus");
	KUNIT_EXPECT_TRUE(test, env->eng.preempted);
	KUNIT_EXPECT_NE(test, p1->path.reg, R_REG);
	fake_check_invariants(test, env);
}

/*
 * The same, but the device is detached before the next probe: the late
 * registration is re-counted when the engine stops, not left behind.
 * Before, mpr_engine_stop() only waited for it, and the fenced host kept
 * its key on nexus 1 after the detach.
 */
static void mpr_test_late_registration_fenced_at_stop(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);
	struct fake_path *p1 = env->paths[1];

	env->params.op_timeout_ms = 300;
	p1->down = true;
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	p1->down = false;
	p1->reg_delay_ms = 600;
	p1->race_before = true;
	mpr_engine_probe_once(&env->eng);
	fake_quiesce(test, env);
	p1->reg_delay_ms = 0;
	fake_env_done(test, env);
	KUNIT_EXPECT_EQ_MSG(test, env->tgt.key[1], 0ULL,
			    "the fenced host kept its key on a nexus after the stop");
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], 0ULL);
	fake_check_invariants(test, env);
}

/* A late registration of a host that is still registered stands. */
static void mpr_test_late_registration_kept(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);
	struct fake_path *p1 = env->paths[1];

	env->params.op_timeout_ms = 300;
	p1->down = true;
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	p1->down = false;
	p1->reg_delay_ms = 600;
	mpr_engine_probe_once(&env->eng);
	fake_quiesce(test, env);
	p1->reg_delay_ms = 0;
	KUNIT_EXPECT_FALSE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], KEY_A);
	KUNIT_EXPECT_EQ(test, p1->path.reg, R_REG);
	KUNIT_EXPECT_EQ(test, p1->path.unverified_key, 0ULL);
	KUNIT_EXPECT_FALSE(test, env->eng.preempted);
	fake_check_invariants(test, env);
}

/*
 * Defect 3, second way: a REGISTER succeeds on path 0 and conflicts on
 * path 1 (another key there); host B preempts host A just before the
 * REGISTER AND IGNORE retry reaches path 1. Before the fix the retry put
 * host A's key back on nexus 1.
 */
static void mpr_test_register_retry_fenced(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);
	struct fake_path *p1 = env->paths[1];
	int r;

	env->tgt.key[1] = KEY_OTHER;
	p1->race_at = 2;
	r = mpr_engine_register(&env->eng, 0, KEY_A, 0);
	fake_quiesce(test, env);
	KUNIT_EXPECT_EQ(test, r, CONFLICT);
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], 0ULL);
	KUNIT_EXPECT_NE_MSG(test, env->tgt.key[1], KEY_A,
			    "the retry registered a fenced host");
	KUNIT_EXPECT_TRUE(test, env->eng.preempted);
	KUNIT_EXPECT_NE(test, p1->path.reg, R_REG);
	fake_check_invariants(test, env);
}

/*
 * Defect 3, third way: host A preempts its own key (the issuer keeps it,
 * the other nexuses lose it), and host B preempts host A before the
 * restore reaches path 1. Before the fix the restore registered every live
 * path again without looking.
 */
static void mpr_test_self_preempt_restore_fenced(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 3);
	unsigned int i;

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	env->paths[1]->race_at = 2;
	mpr_engine_preempt(&env->eng, KEY_A, KEY_A, WE_RO, false);
	fake_quiesce(test, env);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ_MSG(test, env->tgt.key[i], 0ULL,
				    "nexus %u: the fenced host's key came back", i);
	KUNIT_EXPECT_TRUE(test, env->eng.preempted);
	fake_check_invariants(test, env);
}

/* Without a racing preempt the restore registers every live path. */
static void mpr_test_self_preempt_restore(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 3);
	unsigned int i;

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_EXPECT_EQ(test, 0, mpr_engine_preempt(&env->eng, KEY_A, KEY_A,
						    WE_RO, false));
	fake_quiesce(test, env);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ_MSG(test, env->tgt.key[i], KEY_A, "nexus %u", i);
		KUNIT_EXPECT_EQ_MSG(test, env->paths[i]->path.reg, R_REG,
				    "path %u", i);
	}
	KUNIT_EXPECT_FALSE(test, env->eng.preempted);
	fake_check_invariants(test, env);
}

/*
 * Defect 11: RELEASE with a key that does not hold the reservation. The
 * holder nexus (this host's, holding with another key) refuses; a
 * registered non-holder nexus answers GOOD and changes nothing. Before the
 * fix the engine reported success.
 */
static void mpr_test_release_wrong_key(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);

	env->tgt.key[0] = KEY_A;
	env->tgt.key[1] = KEY_A2;
	env->tgt.type = WE_RO;
	env->tgt.holder = 0;
	KUNIT_EXPECT_EQ(test, mpr_engine_release(&env->eng, KEY_A2, WE_RO),
			CONFLICT);
	KUNIT_EXPECT_EQ(test, (int)env->tgt.type, (int)WE_RO);
	KUNIT_EXPECT_EQ(test, env->tgt.holder, 0);

	/* The holder's own key releases it. */
	KUNIT_EXPECT_EQ(test, mpr_engine_release(&env->eng, KEY_A, WE_RO), 0);
	KUNIT_EXPECT_EQ(test, (int)env->tgt.type, 0);
	fake_check_invariants(test, env);
}

/*
 * Defect 2: on SCSI a nexus that silently lost its key (an iSCSI session
 * reset on LIO) conflicts on the next key change. Before the fix the
 * engine took that for per-host registrations, switched the device to
 * sending REGISTER to one path, and left the nexus without the key.
 */
static void mpr_test_scsi_lost_key_not_per_host(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	env->tgt.key[1] = 0;
	KUNIT_EXPECT_EQ(test, 0,
			mpr_engine_register(&env->eng, KEY_A, KEY_A2, 0));
	KUNIT_EXPECT_FALSE(test, env->eng.per_host);
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], KEY_A2);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], KEY_A2);

	/* And the unregister reaches every nexus. */
	KUNIT_EXPECT_EQ(test, 0, mpr_engine_register(&env->eng, KEY_A2, 0, 0));
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], 0ULL);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], 0ULL);
	fake_check_invariants(test, env);
}

/*
 * Defect 10: a nexus loses its registration while its path stays up (a
 * target session reset). Before the fix the audit only checked that the
 * key was somewhere on the device, and the nexus stayed without it.
 */
static void mpr_test_audit_restores_lost_key(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 3);

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	env->tgt.key[1] = 0;
	KUNIT_EXPECT_EQ(test, mpr_engine_audit_once(&env->eng), 1);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], KEY_A);
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], KEY_A);
	KUNIT_EXPECT_EQ(test, env->tgt.key[2], KEY_A);
	KUNIT_EXPECT_FALSE(test, env->eng.preempted);

	/* Nothing lost: the audit sends no PR OUT. */
	KUNIT_EXPECT_EQ(test, mpr_engine_audit_once(&env->eng), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->paths[2]->op_calls[MPR_OP_REGISTER]), 2);

	/* A preempted host is not restored. */
	fake_race_preempt(env);
	KUNIT_EXPECT_EQ(test, mpr_engine_audit_once(&env->eng), 0);
	KUNIT_EXPECT_TRUE(test, env->eng.preempted);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], 0ULL);
	fake_check_invariants(test, env);
}

/*
 * Defect 6: PREEMPT of a key that is not registered can only conflict.
 * Before the fix the engine suspended the map for it first, so any writer
 * of the device could freeze the map's I/O at will.
 */
static void mpr_test_preempt_unregistered_no_suspend(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);

	KUNIT_EXPECT_EQ(test, mpr_engine_preempt(&env->eng, KEY_OTHER,
						 KEY_OTHER, WE_RO, false),
			CONFLICT);
	KUNIT_EXPECT_EQ(test, env->suspends, 0U);
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_EXPECT_EQ(test, mpr_engine_preempt(&env->eng, KEY_OTHER,
						 KEY_OTHER, WE_RO, false),
			CONFLICT);
	KUNIT_EXPECT_EQ(test, env->suspends, 0U);
	fake_check_invariants(test, env);
}

/*
 * While a host is fenced, events and the path states say what happened:
 * a path that comes back gets no key, and its PATH_RESTORED event carries
 * none (before, it carried the host's old key, and the path showed as
 * registered under PREEMPTED).
 */
static void mpr_test_fenced_events_truthful(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);
	struct fake_path *p1 = env->paths[1];
	struct fake_event fe;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	fake_race_preempt(env);
	KUNIT_EXPECT_EQ(test, mpr_engine_audit_once(&env->eng), 0);
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_NE_MSG(test, env->paths[i]->path.reg, R_REG,
				    "path %u shown registered under PREEMPTED", i);
	mpr_engine_path_hint(&env->eng, FAKE_ID(1), true);
	p1->down = false;
	mpr_engine_probe_once(&env->eng);
	KUNIT_ASSERT_TRUE(test, fake_last_ev(env, MPR_EV_PATH_RESTORED, &fe));
	KUNIT_EXPECT_EQ(test, fe.path_id, FAKE_ID(1));
	KUNIT_EXPECT_EQ(test, fe.key, 0ULL);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], 0ULL);
	KUNIT_EXPECT_NE(test, p1->path.reg, R_REG);
	fake_check_invariants(test, env);
}

/*
 * Defect 12: a path that leaves the device gives up the host's key: at
 * once while it is reachable, when it is reachable again otherwise. Before
 * the fix SYNC forgot the path and its nexus kept the key for good, so
 * after the host unregistered through the map other hosts still saw it.
 */
static void mpr_test_departed_path_unregistered(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 3);
	u64 keep01[2] = { FAKE_ID(0), FAKE_ID(1) };
	u64 keep0[1] = { FAKE_ID(0) };
	struct fake_event fe;

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));

	/* Path 2 leaves while unreachable: it keeps the key until it is back. */
	env->paths[2]->down = true;
	mpr_engine_retain_paths(&env->eng, keep01, ARRAY_SIZE(keep01));
	KUNIT_EXPECT_EQ(test, env->eng.nr_paths, 2U);
	KUNIT_EXPECT_TRUE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_EQ(test, env->tgt.key[2], KEY_A);
	KUNIT_EXPECT_FALSE(test, env->released[2]);

	/* Path 1 leaves while reachable: unregistered by the next probe. */
	mpr_engine_retain_paths(&env->eng, keep0, ARRAY_SIZE(keep0));
	mpr_engine_probe_once(&env->eng);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], 0ULL);
	/* a fan-out worker drops its path reference after it reports */
	fake_quiesce(test, env);
	KUNIT_EXPECT_TRUE(test, env->released[1]);
	KUNIT_ASSERT_TRUE(test, fake_last_ev(env, MPR_EV_PATH_UNREGISTERED, &fe));
	KUNIT_EXPECT_EQ(test, fe.path_id, FAKE_ID(1));
	KUNIT_EXPECT_EQ(test, fe.key, KEY_A);

	/* Path 2 is reachable again. */
	env->paths[2]->down = false;
	KUNIT_EXPECT_FALSE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_EQ(test, env->tgt.key[2], 0ULL);
	/* a fan-out worker drops its path reference after it reports */
	fake_quiesce(test, env);
	KUNIT_EXPECT_TRUE(test, env->released[2]);

	/* The path that stays keeps the key; nothing else changed. */
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], KEY_A);
	KUNIT_EXPECT_EQ(test, env->eng.nr_departed, 0U);
	KUNIT_EXPECT_FALSE(test, env->eng.preempted);
	fake_check_invariants(test, env);
}

/*
 * A departed path never gets a key back: if the host was preempted
 * meanwhile, its unregistration (REGISTER AND IGNORE with key 0) leaves the
 * nexus unregistered, and no REGISTER with a key is sent.
 */
static void mpr_test_departed_path_fenced(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);
	u64 keep0[1] = { FAKE_ID(0) };

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	env->paths[1]->down = true;
	mpr_engine_retain_paths(&env->eng, keep0, ARRAY_SIZE(keep0));
	mpr_engine_probe_once(&env->eng);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], KEY_A);

	/* Host B fences A. */
	fake_race_preempt(env);
	env->paths[1]->down = false;
	mpr_engine_probe_once(&env->eng);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], 0ULL);
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], 0ULL);
	/* a fan-out worker drops its path reference after it reports */
	fake_quiesce(test, env);
	KUNIT_EXPECT_TRUE(test, env->released[1]);
	KUNIT_EXPECT_EQ(test, env->eng.nr_departed, 0U);
	fake_check_invariants(test, env);
}

/*
 * A departed path that held the host's reservation keeps its registration
 * (the reservation needs it) until the host releases; then it gives it up.
 */
static void mpr_test_departed_holder(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);
	int h, stay;
	u64 keep[1];

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_reserve(&env->eng, KEY_A, WE_RO, 0));
	h = env->tgt.holder;
	KUNIT_ASSERT_TRUE(test, h == 0 || h == 1);
	stay = !h;
	keep[0] = FAKE_ID(stay);
	mpr_engine_retain_paths(&env->eng, keep, ARRAY_SIZE(keep));
	mpr_engine_probe_once(&env->eng);
	KUNIT_EXPECT_EQ(test, env->tgt.key[h], KEY_A);
	KUNIT_EXPECT_EQ(test, env->tgt.holder, h);
	KUNIT_EXPECT_EQ(test, env->eng.nr_departed, 1U);

	/*
	 * Once the host holds no reservation with the key (here: CLEAR,
	 * which also removes every registration), the departed path is
	 * done with: its unregistration conflicts, nothing else changes.
	 */
	KUNIT_EXPECT_EQ(test, 0, mpr_engine_clear(&env->eng, KEY_A));
	KUNIT_EXPECT_EQ(test, env->tgt.holder, -1);
	mpr_engine_probe_once(&env->eng);
	KUNIT_EXPECT_EQ(test, env->eng.nr_departed, 0U);
	/* a fan-out worker drops its path reference after it reports */
	fake_quiesce(test, env);
	KUNIT_EXPECT_TRUE(test, env->released[h]);
	fake_check_invariants(test, env);
}

/*
 * Defect 4, the internal suspend: a PREEMPT of the host's own key
 * suspends the map, and the suspend waits for the map's I/O in flight,
 * which a hung path holds until its transport gives up. Before the fix
 * the caller waited for as long as the suspend took (here 2 s, deadline
 * 300 ms); now it gets -ETIMEDOUT at the deadline, nothing was sent, the
 * suspend is undone when it ends, and meanwhile another suspend is refused
 * at once.
 */
static void mpr_test_suspend_bounded(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);
	unsigned int deadline = 300;
	ktime_t t0;
	s64 ms;

	env->params.op_timeout_ms = deadline;
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_reserve(&env->eng, KEY_A, WE_RO, 0));
	WRITE_ONCE(env->suspend_delay_ms, 2000);

	t0 = ktime_get();
	KUNIT_EXPECT_EQ(test, mpr_engine_preempt(&env->eng, KEY_A, KEY_A,
						 WE_RO, false), -ETIMEDOUT);
	ms = ktime_ms_delta(ktime_get(), t0);
	kunit_info(test, "self PREEMPT with a 2000 ms suspend: %lld ms, deadline %u ms",
		   ms, deadline);
	KUNIT_EXPECT_LT(test, ms, 3 * (s64)deadline);
	/* Nothing was sent: A's registrations and reservation stand. */
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], KEY_A);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], KEY_A);
	KUNIT_EXPECT_EQ(test, env->self_preempt_unsuspended, 0U);

	/* The abandoned suspend has not ended: the next one fails at once. */
	t0 = ktime_get();
	KUNIT_EXPECT_EQ(test, mpr_engine_preempt(&env->eng, KEY_A, KEY_A,
						 WE_RO, false), -EBUSY);
	KUNIT_EXPECT_LT(test, ktime_ms_delta(ktime_get(), t0), (s64)deadline);

	/* It ends, and is undone. */
	fake_quiesce(test, env);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(env->suspended));
	KUNIT_EXPECT_EQ(test, env->suspends, env->resumes);
	KUNIT_EXPECT_EQ(test, READ_ONCE(env->eng.susp_state), MPR_SUSP_IDLE);

	/* A quick suspend works again. */
	WRITE_ONCE(env->suspend_delay_ms, 0);
	KUNIT_EXPECT_EQ(test, 0, mpr_engine_preempt(&env->eng, KEY_A, KEY_A,
						    WE_RO, false));
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], KEY_A);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], KEY_A);
	fake_check_invariants(test, env);
}

static struct kunit_case mpr_engine_safety_cases[] = {
	KUNIT_CASE(mpr_test_many_keys),
	KUNIT_CASE(mpr_test_hung_reader_bounded),
	KUNIT_CASE(mpr_test_late_probe_registration_fenced),
	KUNIT_CASE(mpr_test_late_registration_fenced_at_stop),
	KUNIT_CASE(mpr_test_late_registration_kept),
	KUNIT_CASE(mpr_test_register_retry_fenced),
	KUNIT_CASE(mpr_test_self_preempt_restore_fenced),
	KUNIT_CASE(mpr_test_self_preempt_restore),
	KUNIT_CASE(mpr_test_release_wrong_key),
	KUNIT_CASE(mpr_test_scsi_lost_key_not_per_host),
	KUNIT_CASE(mpr_test_audit_restores_lost_key),
	KUNIT_CASE(mpr_test_preempt_unregistered_no_suspend),
	KUNIT_CASE(mpr_test_fenced_events_truthful),
	KUNIT_CASE(mpr_test_departed_path_unregistered),
	KUNIT_CASE(mpr_test_departed_path_fenced),
	KUNIT_CASE(mpr_test_departed_holder),
	KUNIT_CASE(mpr_test_suspend_bounded),
	{}
};

static struct kunit_suite mpr_engine_safety_suite = {
	.name = "dm_mpath_pr_safety",
	.exit = fake_suite_exit,
	.test_cases = mpr_engine_safety_cases,
};

kunit_test_suite(mpr_engine_safety_suite);
