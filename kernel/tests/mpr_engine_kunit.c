// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the PR engine against a fake SPC-4 target.
 *
 * The fake models one I_T nexus per path: each nexus holds at most one
 * key, REGISTER needs the nexus' current key as old key (else RESERVATION
 * CONFLICT), REGISTER AND IGNORE EXISTING KEY does not, new key 0
 * unregisters, and every change bumps the PRgeneration. Each path can be
 * scripted to be down, slow, always conflicting, or to report a UNIT
 * ATTENTION (CHECK CONDITION) a number of times.
 *
 * The engine is compiled into this module (it is not exported by
 * dm-mpath-pr.ko), so the tests need nothing but KUnit.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/slab.h>

#include "../engine.c"

#define FAKE_MAX_PATHS	8
#define KEY_A		0xaaaa0001ULL
#define KEY_B		0xbbbb0002ULL
#define KEY_OTHER	0x99990009ULL

/**
 * struct fake_target - the device server's registrations
 * @lock: protects everything below
 * @generation: PRgeneration
 * @key: key of each nexus, 0 if it is not registered
 */
struct fake_target {
	spinlock_t lock;	/* the target's registrations */
	u32 generation;
	u64 key[FAKE_MAX_PATHS];
};

/**
 * struct fake_path - a path to the fake target, with scripted faults
 * @path: the engine's part
 * @tgt: the target
 * @nexus: index of the path's I_T nexus
 * @down: commands fail with PR_STS_PATH_FAILED
 * @conflict: REGISTER commands fail with RESERVATION CONFLICT
 * @ua: number of commands that still get a UNIT ATTENTION
 * @delay_ms: latency of every command
 * @calls: commands received
 * @released: set by the release callback
 */
struct fake_path {
	struct mpr_path path;
	struct fake_target *tgt;
	unsigned int nexus;
	bool down;
	bool conflict;
	atomic_t ua;
	unsigned int delay_ms;
	atomic_t calls;
	bool *released;
};

/**
 * struct fake_env - one test's device
 * @eng: the engine under test
 * @params: its tunables
 * @wq: its workqueue
 * @tgt: the fake target
 * @paths: the paths
 * @released: release callback seen, per path
 * @nr: number of paths
 */
struct fake_env {
	struct mpr_engine eng;
	struct mpr_engine_params params;
	struct workqueue_struct *wq;
	struct fake_target tgt;
	struct fake_path *paths[FAKE_MAX_PATHS];
	bool released[FAKE_MAX_PATHS];
	unsigned int nr;
};

static struct fake_path *to_fake(struct mpr_path *path)
{
	return container_of(path, struct fake_path, path);
}

/* Scripted faults that hit before the target sees the command. */
static int fake_fault(struct fake_path *fp)
{
	atomic_inc(&fp->calls);
	if (fp->delay_ms)
		msleep(fp->delay_ms);
	if (READ_ONCE(fp->down))
		return PR_STS_PATH_FAILED;
	if (atomic_add_unless(&fp->ua, -1, 0))
		return PR_STS_IOERR;
	return 0;
}

static int fake_register(struct mpr_path *path, u64 old_key, u64 new_key,
			 u32 flags)
{
	struct fake_path *fp = to_fake(path);
	struct fake_target *tgt = fp->tgt;
	u64 *key = &tgt->key[fp->nexus];
	int r;

	r = fake_fault(fp);
	if (r)
		return r;
	if (READ_ONCE(fp->conflict))
		return PR_STS_RESERVATION_CONFLICT;

	spin_lock(&tgt->lock);
	if (!(flags & PR_FL_IGNORE_KEY) && old_key != *key) {
		/* SPC-4 5.14.7: REGISTER with a wrong reservation key. */
		spin_unlock(&tgt->lock);
		return PR_STS_RESERVATION_CONFLICT;
	}
	if (*key != new_key) {
		*key = new_key;
		tgt->generation++;
	}
	spin_unlock(&tgt->lock);
	return 0;
}

static int fake_read_keys(struct mpr_path *path, struct mpr_keys *keys)
{
	struct fake_path *fp = to_fake(path);
	struct fake_target *tgt = fp->tgt;
	u32 room = keys->num_keys, n = 0;
	unsigned int i;
	int r;

	r = fake_fault(fp);
	if (r)
		return r;
	spin_lock(&tgt->lock);
	keys->generation = tgt->generation;
	for (i = 0; i < FAKE_MAX_PATHS; i++) {
		if (!tgt->key[i])
			continue;
		if (n < room)
			keys->keys[n] = tgt->key[i];
		n++;
	}
	keys->num_keys = n;
	spin_unlock(&tgt->lock);
	return 0;
}

static void fake_release(struct mpr_path *path)
{
	struct fake_path *fp = to_fake(path);

	*fp->released = true;
	kfree(fp);
}

static const struct mpr_path_ops fake_ops = {
	.pr_register	= fake_register,
	.read_keys	= fake_read_keys,
	.release	= fake_release,
};

static struct fake_path *fake_add_path(struct kunit *test, struct fake_env *env)
{
	unsigned int i = env->nr;
	struct fake_path *fp;
	char name[16];

	KUNIT_ASSERT_LT(test, i, FAKE_MAX_PATHS);
	fp = kzalloc_obj(*fp, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fp);
	fp->tgt = &env->tgt;
	fp->nexus = i;
	fp->released = &env->released[i];
	atomic_set(&fp->ua, 0);
	atomic_set(&fp->calls, 0);
	snprintf(name, sizeof(name), "fake%u", i);
	mpr_path_init(&fp->path, &fake_ops, i, name);
	mpr_engine_add_path(&env->eng, &fp->path);
	env->paths[i] = fp;
	env->nr++;
	return fp;
}

/* Wait until no path command is in flight (stragglers included). */
static void fake_quiesce(struct kunit *test, struct fake_env *env)
{
	long left;

	left = wait_var_event_timeout(&env->eng.inflight,
				      !atomic_read(&env->eng.inflight), 10 * HZ);
	KUNIT_ASSERT_GT(test, left, 0);
}

static void fake_env_stop(void *data)
{
	struct fake_env *env = data;
	unsigned int i;

	mpr_engine_stop(&env->eng);
	destroy_workqueue(env->wq);
	for (i = 0; i < env->nr; i++)
		WARN_ON(!env->released[i]);
}

static struct fake_env *fake_env_new(struct kunit *test, unsigned int nr)
{
	struct fake_env *env;
	unsigned int i;

	env = kunit_kzalloc(test, sizeof(*env), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, env);
	env->params.op_timeout_ms = 2000;
	/* The tests run the probe themselves, with mpr_engine_probe_once(). */
	env->params.probe_interval_ms = 3600 * 1000;
	env->wq = alloc_workqueue("mpr_kunit", WQ_UNBOUND, 0);
	KUNIT_ASSERT_NOT_NULL(test, env->wq);
	spin_lock_init(&env->tgt.lock);
	mpr_engine_init(&env->eng, "kunit", &env->params, env->wq);
#ifdef COMPAT_HAVE_KUNIT_ADD_ACTION
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, fake_env_stop, env));
#else
	test->priv = env;
#endif
	for (i = 0; i < nr; i++)
		fake_add_path(test, env);
	return env;
}

/* Stop a device before the end of the test. */
static void fake_env_done(struct kunit *test, struct fake_env *env)
{
#ifdef COMPAT_HAVE_KUNIT_ADD_ACTION
	kunit_release_action(test, fake_env_stop, env);
#else
	fake_env_stop(env);
	test->priv = NULL;
#endif
}

static void fake_suite_exit(struct kunit *test)
{
#ifndef COMPAT_HAVE_KUNIT_ADD_ACTION
	if (test->priv)
		fake_env_stop(test->priv);
#endif
}

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

/* ---- register fan-out: operation x path outcome --------------------- */

enum fake_fault_kind {
	F_NONE,
	F_DOWN,		/* transport failure */
	F_CONFLICT,	/* target always answers RESERVATION CONFLICT */
	F_UA,		/* one UNIT ATTENTION, then normal */
};

/**
 * struct reg_case - one register fan-out scenario
 * @desc: case name
 * @nr: number of paths
 * @pre: key of each nexus before the operation
 * @fault: scripted fault of each path
 * @old_key: old key of the operation
 * @new_key: new key of the operation
 * @flags: PR flags
 * @ret: expected result
 * @reg: expected registration state of each path
 * @state: expected path state of each path
 * @post: expected key of each nexus afterwards
 */
struct reg_case {
	const char *desc;
	unsigned int nr;
	u64 pre[4];
	enum fake_fault_kind fault[4];
	u64 old_key;
	u64 new_key;
	u32 flags;
	int ret;
	enum dm_mpath_pr_reg_state reg[4];
	enum dm_mpath_pr_path_state state[4];
	u64 post[4];
};

#define R_REG	DM_MPATH_PR_REG_REGISTERED
#define R_NONE	DM_MPATH_PR_REG_NONE
#define R_PEND	DM_MPATH_PR_REG_PENDING
#define R_UNK	DM_MPATH_PR_REG_UNKNOWN
#define S_OK	DM_MPATH_PR_PATH_ACTIVE
#define S_FAIL	DM_MPATH_PR_PATH_FAILED

static const struct reg_case reg_cases[] = {
	{
		.desc = "register, all paths good",
		.nr = 4, .new_key = KEY_A, .ret = 0,
		.reg = { R_REG, R_REG, R_REG, R_REG },
		.state = { S_OK, S_OK, S_OK, S_OK },
		.post = { KEY_A, KEY_A, KEY_A, KEY_A },
	},
	{
		.desc = "register, one path down: success, path pending",
		.nr = 4, .fault = { F_NONE, F_DOWN }, .new_key = KEY_A, .ret = 0,
		.reg = { R_REG, R_PEND, R_REG, R_REG },
		.state = { S_OK, S_FAIL, S_OK, S_OK },
		.post = { KEY_A, 0, KEY_A, KEY_A },
	},
	{
		.desc = "key change, nexuses without the old key retried with ignore",
		.nr = 4, .pre = { KEY_A, KEY_A, 0, 0 },
		.old_key = KEY_A, .new_key = KEY_B, .ret = 0,
		.reg = { R_REG, R_REG, R_REG, R_REG },
		.state = { S_OK, S_OK, S_OK, S_OK },
		.post = { KEY_B, KEY_B, KEY_B, KEY_B },
	},
	{
		.desc = "wrong old key on every path: conflict, nothing changes",
		.nr = 3, .pre = { KEY_OTHER, KEY_OTHER, KEY_OTHER },
		.old_key = KEY_A, .new_key = KEY_B,
		.ret = PR_STS_RESERVATION_CONFLICT,
		.reg = { R_UNK, R_UNK, R_UNK },
		.state = { S_OK, S_OK, S_OK },
		.post = { KEY_OTHER, KEY_OTHER, KEY_OTHER },
	},
	{
		.desc = "all paths down: path error, not conflict",
		.nr = 2, .fault = { F_DOWN, F_DOWN }, .new_key = KEY_A,
		.ret = PR_STS_PATH_FAILED,
		.reg = { R_UNK, R_UNK },
		.state = { S_FAIL, S_FAIL },
		.post = { 0, 0 },
	},
	{
		.desc = "conflict on one path, the other down: conflict",
		.nr = 2, .pre = { KEY_OTHER, 0 }, .fault = { F_NONE, F_DOWN },
		.old_key = KEY_A, .new_key = KEY_B,
		.ret = PR_STS_RESERVATION_CONFLICT,
		.reg = { R_UNK, R_UNK },
		.state = { S_OK, S_FAIL },
		.post = { KEY_OTHER, 0 },
	},
	{
		.desc = "unit attention once: retried",
		.nr = 3, .fault = { F_NONE, F_UA, F_UA }, .new_key = KEY_A, .ret = 0,
		.reg = { R_REG, R_REG, R_REG },
		.state = { S_OK, S_OK, S_OK },
		.post = { KEY_A, KEY_A, KEY_A },
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
		env->paths[i]->down = c->fault[i] == F_DOWN;
		env->paths[i]->conflict = c->fault[i] == F_CONFLICT;
		atomic_set(&env->paths[i]->ua, c->fault[i] == F_UA ? 1 : 0);
	}

	r = mpr_engine_register(&env->eng, c->old_key, c->new_key, c->flags);
	KUNIT_EXPECT_EQ(test, r, c->ret);
	fake_quiesce(test, env);

	for (i = 0; i < c->nr; i++) {
		struct mpr_path *p = &env->paths[i]->path;

		KUNIT_EXPECT_EQ_MSG(test, p->reg, c->reg[i], "path %u", i);
		KUNIT_EXPECT_EQ_MSG(test, p->state, c->state[i], "path %u", i);
		KUNIT_EXPECT_EQ_MSG(test, env->tgt.key[i], c->post[i],
				    "nexus %u", i);
		if (c->fault[i] == F_UA)
			KUNIT_EXPECT_GE(test, atomic_read(&env->paths[i]->calls), 2);
	}
	if (!c->ret) {
		KUNIT_EXPECT_TRUE(test, env->eng.wanted);
		KUNIT_EXPECT_EQ(test, env->eng.key, c->new_key);
	} else {
		KUNIT_EXPECT_FALSE(test, env->eng.wanted);
	}
}

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

	/* Another host preempts us: our key is gone from every nexus. */
	spin_lock(&env->tgt.lock);
	env->tgt.key[0] = 0;
	env->tgt.key[1] = 0;
	env->tgt.generation++;
	spin_unlock(&env->tgt.lock);

	p1->down = false;
	KUNIT_EXPECT_FALSE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_TRUE(test, env->eng.preempted);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], 0ULL);
	KUNIT_EXPECT_NE(test, p1->path.reg, R_REG);

	/* And it stays fenced on later rounds. */
	mpr_engine_probe_once(&env->eng);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], 0ULL);

	/* A new REGISTER by the host lifts the mark. */
	KUNIT_EXPECT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_B, 0));
	KUNIT_EXPECT_FALSE(test, env->eng.preempted);
	KUNIT_EXPECT_EQ(test, env->tgt.key[1], KEY_B);
}

static void mpr_test_added_path_pending(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 2);
	struct fake_path *p2;
	u64 keep[2] = { 0, 2 };

	KUNIT_ASSERT_EQ(test, 0, mpr_engine_register(&env->eng, 0, KEY_A, 0));
	p2 = fake_add_path(test, env);
	KUNIT_EXPECT_EQ(test, p2->path.reg, R_PEND);
	KUNIT_EXPECT_FALSE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_EQ(test, p2->path.reg, R_REG);
	KUNIT_EXPECT_EQ(test, env->tgt.key[2], KEY_A);

	/* Sync to paths 0 and 2: path 1 is dropped and released. */
	mpr_engine_retain_paths(&env->eng, keep, ARRAY_SIZE(keep));
	KUNIT_EXPECT_EQ(test, env->eng.nr_paths, 2U);
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

/* ---- deadline and stragglers ---------------------------------------- */

static void mpr_test_slow_path_deadline(struct kunit *test)
{
	struct fake_env *env = fake_env_new(test, 3);
	struct fake_path *slow = env->paths[2];
	ktime_t t0;
	s64 ms;
	int r;

	env->params.op_timeout_ms = 200;
	slow->delay_ms = 800;

	t0 = ktime_get();
	r = mpr_engine_register(&env->eng, 0, KEY_A, 0);
	ms = ktime_ms_delta(ktime_get(), t0);
	kunit_info(test, "REGISTER with a path 800 ms slow returned after %lld ms",
		   ms);
	KUNIT_EXPECT_EQ(test, r, 0);
	KUNIT_EXPECT_LT(test, ms, 700);
	/* Not answered in time: treated as a path failure for now. */
	KUNIT_EXPECT_EQ(test, slow->path.state, S_FAIL);
	KUNIT_EXPECT_EQ(test, slow->path.reg, R_PEND);

	/* The late answer is folded in when it arrives. */
	fake_quiesce(test, env);
	KUNIT_EXPECT_EQ(test, slow->path.state, S_OK);
	KUNIT_EXPECT_EQ(test, slow->path.reg, R_REG);
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
			PR_STS_PATH_FAILED);
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
	s64 one = mpr_time_register(test, 1, 50);
	s64 eight = mpr_time_register(test, 8, 50);

	kunit_info(test, "REGISTER, 50 ms per path: 1 path %lld us, 8 paths %lld us, ratio %lld.%02lld (sequential would be 8)",
		   one, eight, eight / max_t(s64, one, 1),
		   (eight * 100 / max_t(s64, one, 1)) % 100);
}

static struct kunit_case mpr_engine_result_cases[] = {
	KUNIT_CASE_PARAM(mpr_test_normalise, norm_gen_params),
	{}
};

static struct kunit_case mpr_engine_register_cases[] = {
	KUNIT_CASE_PARAM(mpr_test_register_fanout, reg_gen_params),
	KUNIT_CASE(mpr_test_slow_path_deadline),
	KUNIT_CASE(mpr_test_all_slow_paths),
	KUNIT_CASE(mpr_test_parallel_fanout),
	{}
};

static struct kunit_case mpr_engine_paths_cases[] = {
	KUNIT_CASE(mpr_test_returning_path_registered),
	KUNIT_CASE(mpr_test_returning_path_fenced),
	KUNIT_CASE(mpr_test_added_path_pending),
	KUNIT_CASE(mpr_test_adopt_key),
	{}
};

static struct kunit_suite mpr_engine_result_suite = {
	.name = "dm_mpath_pr_result",
	.test_cases = mpr_engine_result_cases,
};

static struct kunit_suite mpr_engine_register_suite = {
	.name = "dm_mpath_pr_register",
	.exit = fake_suite_exit,
	.test_cases = mpr_engine_register_cases,
};

static struct kunit_suite mpr_engine_paths_suite = {
	.name = "dm_mpath_pr_paths",
	.exit = fake_suite_exit,
	.test_cases = mpr_engine_paths_cases,
};

kunit_test_suites(&mpr_engine_result_suite, &mpr_engine_register_suite,
		  &mpr_engine_paths_suite);

MODULE_DESCRIPTION("KUnit tests of the dm-mpath-pr engine");
MODULE_LICENSE("GPL");
