// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite dm_mpath_pr_nvme: the fake target with registrations per
 * host, as NVMe keeps them.
 */

#include <kunit/test.h>

#include "fake.h"

/* ---- NVMe: registrations per host ------------------------------------- */

static struct fake_env *nvme_env_new(struct kunit *test, unsigned int nr)
{
	struct fake_env *env = fake_env_new(test, nr);

	env->tgt.per_host = true;
	/* Declared by the backend from the transport (NVMe). */
	mpr_engine_set_per_host(&env->eng, true);
	return env;
}

static u32 nvme_nr_keys(struct fake_env *env)
{
	u32 n = 0;
	unsigned int m;

	for (m = 0; m < FAKE_MAX_NEXUS; m++)
		n += env->tgt.key[m] != 0;
	return n;
}

static int nvme_register_calls(struct fake_env *env)
{
	unsigned int i;
	int n = 0;

	for (i = 0; i < env->nr; i++)
		n += atomic_read(&env->paths[i]->op_calls[MPR_OP_REGISTER]);
	return n;
}

static void nvme_expect_reg(struct kunit *test, struct fake_env *env,
			    enum dm_mpath_pr_reg_state reg)
{
	unsigned int i;

	for (i = 0; i < env->nr; i++)
		KUNIT_EXPECT_EQ_MSG(test, env->paths[i]->path.reg, reg,
				    "path %u", i);
}

/*
 * A per-host target, declared so: one REGISTER for the host, every path
 * shares it; a key change and the unregister leave no registrant behind
 * (TESTBED.md: stock dm leaves one with key 0 on 7.2).
 */
static void mpr_test_nvme_detect(struct kunit *test, unsigned int nr)
{
	struct fake_env *env = nvme_env_new(test, nr);
	u32 gen, nkeys = 8;
	u64 keys[8];

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], KEY_A);
	KUNIT_EXPECT_EQ(test, nvme_nr_keys(env), 1U);
	nvme_expect_reg(test, env, R_REG);

	KUNIT_EXPECT_EQ(test, 0, mpr_engine_register(&env->eng, KEY_A, KEY_A2, 0));
	KUNIT_EXPECT_TRUE(test, env->eng.per_host);
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], KEY_A2);
	nvme_expect_reg(test, env, R_REG);

	KUNIT_EXPECT_EQ(test, 0, mpr_engine_register(&env->eng, KEY_A2, 0, 0));
	KUNIT_EXPECT_EQ(test, 0,
			mpr_engine_read_keys(&env->eng, &gen, &nkeys, keys));
	KUNIT_EXPECT_EQ(test, nkeys, 0U);
	nvme_expect_reg(test, env, R_NONE);
	/* Nothing left pending: the probe sends nothing. */
	nkeys = nvme_register_calls(env);
	KUNIT_EXPECT_FALSE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_EQ(test, nvme_register_calls(env), (int)nkeys);
	fake_check_invariants(test, env);
}

static void mpr_test_nvme_detect_2(struct kunit *test)
{
	mpr_test_nvme_detect(test, 2);
}

static void mpr_test_nvme_detect_4(struct kunit *test)
{
	mpr_test_nvme_detect(test, 4);
}

/* Unregister right after register: detected there, no registrant left. */
static void mpr_test_nvme_unregister(struct kunit *test)
{
	struct fake_env *env = nvme_env_new(test, 3);

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_EXPECT_EQ(test, 0, mpr_engine_register(&env->eng, KEY_A, 0, 0));
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], 0ULL);
	KUNIT_EXPECT_EQ(test, nvme_nr_keys(env), 0U);
	KUNIT_EXPECT_TRUE(test, env->eng.per_host);
	nvme_expect_reg(test, env, R_NONE);
	fake_check_invariants(test, env);
}

/*
 * Known per host: every operation through one path, the reservation
 * held by the host (all its paths may write), preempts between hosts.
 */
static void mpr_test_nvme_ops(struct kunit *test, unsigned int nr)
{
	struct fake_env *env = nvme_env_new(test, nr);
	unsigned int i;

	mpr_engine_set_per_host(&env->eng, true);
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	KUNIT_EXPECT_EQ(test, nvme_register_calls(env), 1);
	nvme_expect_reg(test, env, R_REG);

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_reserve(&env->eng, KEY_A, WE_RO, 0));
	KUNIT_EXPECT_EQ(test, env->tgt.type, WE_RO);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_TRUE_MSG(test, tgt_can_write(&env->tgt, i),
				      "path %u", i);
	KUNIT_EXPECT_FALSE(test, tgt_can_write(&env->tgt, FAKE_HOST_B));
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_release(&env->eng, KEY_A, WE_RO));
	KUNIT_EXPECT_EQ(test, env->tgt.type, 0);

	/* Host B reserves; host A preempts it and holds. */
	KUNIT_ASSERT_EQ(test, 0, host_b(env, 0, MPR_OP_REGISTER, 0, KEY_B, 0));
	KUNIT_ASSERT_EQ(test, 0, host_b(env, 0, MPR_OP_RESERVE, KEY_B, 0, EA_RO));
	KUNIT_EXPECT_EQ(test, mpr_engine_reserve(&env->eng, KEY_A, EA_RO, 0),
			CONFLICT);
	KUNIT_EXPECT_FALSE(test, env->eng.preempted);
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_preempt(&env->eng, KEY_A, KEY_B,
						    EA_RO, false));
	KUNIT_EXPECT_EQ(test, env->tgt.key[FAKE_HOST_B], 0ULL);
	KUNIT_EXPECT_EQ(test, env->tgt.type, EA_RO);
	KUNIT_EXPECT_EQ(test, env->tgt.holder, 0);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_TRUE(test, tgt_can_write(&env->tgt, i));

	/* A path down: the others carry on; it needs nothing when back. */
	env->paths[nr - 1]->down = true;
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, KEY_A, KEY_A2, 0));
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], KEY_A2);
	env->paths[nr - 1]->down = false;
	i = nvme_register_calls(env);
	mpr_engine_probe_once(&env->eng);
	KUNIT_EXPECT_EQ(test, nvme_register_calls(env), (int)i);
	nvme_expect_reg(test, env, R_REG);

	/* Unregister once: the reservation goes with it. */
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, KEY_A2, 0, 0));
	KUNIT_EXPECT_EQ(test, nvme_register_calls(env), (int)i + 1);
	KUNIT_EXPECT_EQ(test, nvme_nr_keys(env), 0U);
	KUNIT_EXPECT_EQ(test, env->tgt.type, 0);
	nvme_expect_reg(test, env, R_NONE);
	fake_check_invariants(test, env);
}

static void mpr_test_nvme_ops_2(struct kunit *test)
{
	mpr_test_nvme_ops(test, 2);
}

static void mpr_test_nvme_ops_4(struct kunit *test)
{
	mpr_test_nvme_ops(test, 4);
}

/* Per host: a preempted host is seen by the audit; no path brings it back. */
static void mpr_test_nvme_fenced(struct kunit *test)
{
	struct fake_env *env = nvme_env_new(test, 3);

	mpr_engine_set_per_host(&env->eng, true);
	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	env->paths[2]->down = true;
	mpr_engine_path_hint(&env->eng, FAKE_ID(2), true);
	fake_race_preempt(env);
	KUNIT_EXPECT_EQ(test, mpr_engine_audit_once(&env->eng), 0);
	KUNIT_EXPECT_EQ(test, fake_nr_ev(env, MPR_EV_PREEMPTED, ANY_PATH), 1U);
	env->paths[2]->down = false;
	mpr_engine_probe_once(&env->eng);
	KUNIT_EXPECT_EQ(test, env->tgt.key[0], 0ULL);
	KUNIT_EXPECT_EQ(test, nvme_register_calls(env), 1);
	fake_check_invariants(test, env);
}

static struct kunit_case mpr_engine_nvme_cases[] = {
	KUNIT_CASE(mpr_test_nvme_detect_2),
	KUNIT_CASE(mpr_test_nvme_detect_4),
	KUNIT_CASE(mpr_test_nvme_unregister),
	KUNIT_CASE(mpr_test_nvme_ops_2),
	KUNIT_CASE(mpr_test_nvme_ops_4),
	KUNIT_CASE(mpr_test_nvme_fenced),
	{}
};

static struct kunit_suite mpr_engine_nvme_suite = {
	.name = "dm_mpath_pr_nvme",
	.exit = fake_suite_exit,
	.test_cases = mpr_engine_nvme_cases,
};

kunit_test_suite(mpr_engine_nvme_suite);
