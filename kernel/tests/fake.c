// SPDX-License-Identifier: GPL-2.0
/*
 * The fake SPC-4 (and NVMe) target and the test's device, shared by every
 * KUnit suite of the engine: fake.h describes the model.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/slab.h>

#include "fake.h"

/* Where the state of nexus @n lives: its own, or its host's (NVMe). */
static unsigned int tgt_slot(const struct fake_target *t, unsigned int n)
{
	if (!t->per_host)
		return n;
	return n < FAKE_HOST_B ? 0 : FAKE_HOST_B;
}

static struct fake_path *to_fake(struct mpr_path *path)
{
	return container_of(path, struct fake_path, path);
}

/* ---- the target ------------------------------------------------------ */

static bool tgt_all_regs(const struct fake_target *t)
{
	return mpr_type_all_regs(t->type);
}

static bool tgt_is_holder(const struct fake_target *t, unsigned int n)
{
	if (!t->type || !t->key[n])
		return false;
	return tgt_all_regs(t) || t->holder == n;
}

/* The RESERVATION KEY of READ RESERVATION: 0 for all-registrants. */
static u64 tgt_res_key(const struct fake_target *t)
{
	if (!t->type || tgt_all_regs(t))
		return 0;
	return t->key[t->holder];
}

/* UNIT ATTENTION to every registered nexus but @n. */
static void tgt_ua_registrants(struct fake_target *t, unsigned int n)
{
	unsigned int m;

	for (m = 0; m < FAKE_MAX_NEXUS; m++)
		if (m != n && t->key[m])
			__set_bit(m, &t->ua);
}

static void tgt_release(struct fake_target *t, unsigned int n)
{
	enum pr_type old = t->type;

	t->type = 0;
	t->holder = -1;
	if (!mpr_type_single_holder(old))
		tgt_ua_registrants(t, n);
}

/* Remove the registration of @m on behalf of @n. */
static void tgt_unregister(struct fake_target *t, unsigned int n,
			   unsigned int m, bool abort)
{
	t->key[m] = 0;
	if (m != n)
		__set_bit(m, &t->ua);
	if (abort)
		__set_bit(m, &t->aborted);
}

/* Access rules of SPC-4 table 5.14: may nexus @n write? */
bool tgt_can_write(struct fake_target *t, unsigned int n)
{
	bool ok;

	n = tgt_slot(t, n);
	spin_lock(&t->lock);
	if (!t->type) {
		spin_unlock(&t->lock);
		return true;
	}
	switch (t->type) {
	case PR_WRITE_EXCLUSIVE:
	case PR_EXCLUSIVE_ACCESS:
		ok = t->holder == n && t->key[n];
		break;
	default:
		ok = t->key[n];
		break;
	}
	spin_unlock(&t->lock);
	return ok;
}

static int tgt_register(struct fake_target *t, unsigned int n,
			const struct mpr_cmd *c, u32 flags)
{
	u64 new_key = c->sa_key;

	if (!(flags & PR_FL_IGNORE_KEY) && c->key != t->key[n])
		return CONFLICT;
	if (!new_key) {
		if (!t->key[n])
			return 0;
		if (tgt_is_holder(t, n)) {
			if (!tgt_all_regs(t)) {
				tgt_release(t, n);
			} else {
				unsigned int m, left = 0;

				for (m = 0; m < FAKE_MAX_NEXUS; m++)
					left += m != n && t->key[m];
				if (!left)
					tgt_release(t, n);
			}
		}
		t->key[n] = 0;
	} else {
		t->key[n] = new_key;
	}
	t->generation++;
	return 0;
}

/*
 * NVMe Reservation Register of host slot @n (drivers/nvme/target/pr.c):
 * Register, Unregister or Replace, as a backend maps pr_ops to them.
 */
static int tgt_register_nvme(struct fake_target *t, unsigned int n,
			     const struct mpr_cmd *c, u32 flags)
{
	bool ignore = flags & PR_FL_IGNORE_KEY;
	u64 new_key = c->sa_key;

	if (!c->key && !ignore) {
		/* Register: GOOD again with the same key. */
		if (t->key[n])
			return t->key[n] == new_key ? 0 : CONFLICT;
		if (!new_key)
			return -EINVAL;
		t->key[n] = new_key;
	} else if (!new_key) {
		/* Unregister: a host that is not registered conflicts. */
		if (!t->key[n] || (!ignore && t->key[n] != c->key))
			return CONFLICT;
		if (tgt_is_holder(t, n))
			tgt_release(t, n);
		t->key[n] = 0;
	} else {
		/* Replace. */
		if (!t->key[n] && !ignore)
			return CONFLICT;
		if (t->key[n] && !ignore && t->key[n] != c->key)
			return CONFLICT;
		t->key[n] = new_key;
	}
	t->generation++;
	return 0;
}

static int tgt_reserve(struct fake_target *t, unsigned int n,
		       const struct mpr_cmd *c)
{
	if (!t->key[n] || t->key[n] != c->key)
		return CONFLICT;
	if (t->type)
		return tgt_is_holder(t, n) && t->type == c->type ? 0 : CONFLICT;
	t->type = c->type;
	t->holder = n;
	return 0;
}

static int tgt_release_cmd(struct fake_target *t, unsigned int n,
			   const struct mpr_cmd *c)
{
	if (!t->key[n] || t->key[n] != c->key)
		return CONFLICT;
	if (!t->type || !tgt_is_holder(t, n))
		return 0;
	if (t->type != c->type)
		return t->lio ? CONFLICT : -EINVAL;
	tgt_release(t, n);
	return 0;
}

static int tgt_clear(struct fake_target *t, unsigned int n,
		     const struct mpr_cmd *c)
{
	unsigned int m;

	if (!t->key[n] || t->key[n] != c->key)
		return CONFLICT;
	t->type = 0;
	t->holder = -1;
	for (m = 0; m < FAKE_MAX_NEXUS; m++)
		if (t->key[m])
			tgt_unregister(t, n, m, false);
	t->generation++;
	return 0;
}

/* PREEMPT as SPC-4 5.14.11.4 and LIO's core_scsi3_emulate_pro_preempt(). */
static int tgt_preempt(struct fake_target *t, unsigned int n,
		       const struct mpr_cmd *c)
{
	bool all_regs = tgt_all_regs(t), takes, matched = false;
	u64 sark = c->sa_key;
	unsigned int m;

	if (!t->key[n] || t->key[n] != c->key)
		return CONFLICT;
	if (!all_regs && !sark)
		return -EINVAL;
	takes = t->type && (all_regs ? !sark : tgt_res_key(t) == sark);
	if (!takes) {
		/* Registrations only; the issuer too (no reservation of it). */
		for (m = 0; m < FAKE_MAX_NEXUS; m++) {
			if (!t->key[m] || t->key[m] != sark ||
			    (all_regs && m == n))
				continue;
			matched = true;
			tgt_unregister(t, n, m, c->abort);
		}
		if (!matched)
			return CONFLICT;
		t->generation++;
		return 0;
	}
	for (m = 0; m < FAKE_MAX_NEXUS; m++) {
		if (m == n || !t->key[m] || (sark && t->key[m] != sark))
			continue;
		tgt_unregister(t, n, m, c->abort);
	}
	if (t->type != c->type)
		tgt_ua_registrants(t, n);
	t->type = c->type;
	t->holder = n;
	t->generation++;
	return 0;
}

static int tgt_read_keys(struct fake_target *t, struct mpr_keys *keys)
{
	u32 room = keys->num_keys, nr = 0;
	unsigned int m;

	keys->generation = t->generation;
	for (m = 0; m < t->others; m++) {
		if (nr < room)
			keys->keys[nr] = KEY_OTHER + 0x100 + m;
		nr++;
	}
	for (m = 0; m < FAKE_MAX_NEXUS; m++) {
		if (!t->key[m])
			continue;
		if (nr < room)
			keys->keys[nr] = t->key[m];
		nr++;
	}
	keys->num_keys = nr;
	return 0;
}

static int tgt_read_resv(struct fake_target *t, struct mpr_resv *rsv)
{
	rsv->generation = t->generation;
	rsv->type = t->type;
	rsv->key = tgt_res_key(t);
	return 0;
}

/**
 * tgt_exec() - one command on one nexus
 * @t: the target
 * @n: the nexus
 * @c: the command
 * @flags: REGISTER and RESERVE flags
 * @keys: READ KEYS answer
 * @rsv: READ RESERVATION answer
 *
 * Return: 0, PR_STS_* or -EINVAL, as a path would after normalisation.
 */
static int tgt_exec(struct fake_target *t, unsigned int n,
		    const struct mpr_cmd *c, u32 flags, struct mpr_keys *keys,
		    struct mpr_resv *rsv)
{
	int r;

	n = tgt_slot(t, n);
	spin_lock(&t->lock);
	if (!t->per_host && __test_and_clear_bit(n, &t->ua)) {
		spin_unlock(&t->lock);
		return IOERR;
	}
	switch (c->op) {
	case MPR_OP_REGISTER:
		if (t->per_host)
			r = tgt_register_nvme(t, n, c, flags);
		else
			r = tgt_register(t, n, c, flags);
		break;
	case MPR_OP_RESERVE:
		r = tgt_reserve(t, n, c);
		break;
	case MPR_OP_RELEASE:
		r = tgt_release_cmd(t, n, c);
		break;
	case MPR_OP_PREEMPT:
		r = tgt_preempt(t, n, c);
		break;
	case MPR_OP_CLEAR:
		r = tgt_clear(t, n, c);
		break;
	case MPR_OP_READ_KEYS:
		r = tgt_read_keys(t, keys);
		break;
	case MPR_OP_READ_RESV:
		r = tgt_read_resv(t, rsv);
		break;
	default:
		r = -EOPNOTSUPP;
		break;
	}
	spin_unlock(&t->lock);
	return r;
}

/* Host B's commands, straight to its nexus. */
int host_b(struct fake_env *env, unsigned int i, enum mpr_op op,
	   u64 key, u64 sa_key, enum pr_type type)
{
	struct mpr_cmd c = { .op = op, .key = key, .sa_key = sa_key,
			     .type = type };

	return tgt_exec(&env->tgt, FAKE_HOST_B + i, &c, 0, NULL, NULL);
}

/* ---- the paths --------------------------------------------------------- */

static bool fake_is_self_preempt(struct fake_env *env, unsigned int n,
				 const struct mpr_cmd *c)
{
	struct fake_target *t = &env->tgt;
	bool self;

	if (c->op != MPR_OP_PREEMPT || n >= FAKE_HOST_B)
		return false;
	n = tgt_slot(t, n);
	spin_lock(&t->lock);
	self = c->sa_key == t->key[n] || (!c->sa_key && tgt_all_regs(t));
	spin_unlock(&t->lock);
	return self;
}

/* Host B registers and preempts host A's key (no reservation needed). */
void fake_race_preempt(struct fake_env *env)
{
	host_b(env, 0, MPR_OP_REGISTER, 0, KEY_B, 0);
	host_b(env, 0, MPR_OP_PREEMPT, KEY_B, KEY_A, 0);
}

/* A command of host A on path @fp, with its scripted faults. */
static int fake_cmd(struct fake_path *fp, const struct mpr_cmd *c, u32 flags,
		    struct mpr_keys *keys, struct mpr_resv *rsv)
{
	struct fake_env *env = fp->env;
	unsigned int nr;
	int r;

	nr = atomic_inc_return(&fp->calls);
	atomic_inc(&fp->op_calls[c->op]);
	fp->t_start = ktime_get();
	if (c->op == MPR_OP_PREEMPT) {
		if (c->abort)
			WRITE_ONCE(fp->abort_seen, true);
		else
			WRITE_ONCE(fp->plain_preempt_seen, true);
	}
	if (fp->delay_ms)
		msleep(fp->delay_ms);
	if (c->op == MPR_OP_REGISTER && fp->reg_delay_ms)
		msleep(fp->reg_delay_ms);
	fp->t_end = ktime_get();
	if (READ_ONCE(fp->down))
		return PATH_FAILED;
	if (fp->fault == F_DOWN_AFTER1 && nr > 1)
		return PATH_FAILED;
	if (atomic_add_unless(&fp->ua, -1, 0))
		return IOERR;
	if (fp->fault == F_ILLEGAL)
		return -EINVAL;
	if (fp->fault == F_CONFLICT && !mpr_cmd_is_read(c))
		return CONFLICT;
	if (fake_is_self_preempt(env, fp->nexus, c) && !READ_ONCE(env->suspended))
		env->self_preempt_unsuspended++;
	if (c->op == MPR_OP_REGISTER && READ_ONCE(fp->race_before)) {
		WRITE_ONCE(fp->race_before, false);
		fake_race_preempt(env);
	}
	if (c->op == MPR_OP_REGISTER && READ_ONCE(fp->race_at) &&
	    atomic_read(&fp->op_calls[MPR_OP_REGISTER]) == READ_ONCE(fp->race_at)) {
		WRITE_ONCE(fp->race_at, 0);
		fake_race_preempt(env);
	}
	r = tgt_exec(&env->tgt, fp->nexus, c, flags, keys, rsv);
	if (c->op == MPR_OP_REGISTER && READ_ONCE(fp->race_after)) {
		WRITE_ONCE(fp->race_after, false);
		fake_race_preempt(env);
	}
	if (fp->fault == F_LOSE)
		return PATH_FAILED;
	return r;
}

static int fake_register(struct mpr_path *path, u64 old_key, u64 new_key,
			 u32 flags)
{
	struct mpr_cmd c = { .op = MPR_OP_REGISTER, .key = old_key,
			     .sa_key = new_key };

	return fake_cmd(to_fake(path), &c, flags, NULL, NULL);
}

static int fake_reserve(struct mpr_path *path, u64 key, enum pr_type type,
			u32 flags)
{
	struct mpr_cmd c = { .op = MPR_OP_RESERVE, .key = key, .type = type };

	return fake_cmd(to_fake(path), &c, flags, NULL, NULL);
}

static int fake_release_resv(struct mpr_path *path, u64 key,
			     enum pr_type type)
{
	struct mpr_cmd c = { .op = MPR_OP_RELEASE, .key = key, .type = type };

	return fake_cmd(to_fake(path), &c, 0, NULL, NULL);
}

static int fake_preempt(struct mpr_path *path, u64 old_key, u64 new_key,
			enum pr_type type, bool abort)
{
	struct mpr_cmd c = { .op = MPR_OP_PREEMPT, .key = old_key,
			     .sa_key = new_key, .type = type, .abort = abort };

	return fake_cmd(to_fake(path), &c, 0, NULL, NULL);
}

static int fake_clear(struct mpr_path *path, u64 key)
{
	struct mpr_cmd c = { .op = MPR_OP_CLEAR, .key = key };

	return fake_cmd(to_fake(path), &c, 0, NULL, NULL);
}

static int fake_read_keys(struct mpr_path *path, struct mpr_keys *keys)
{
	struct mpr_cmd c = { .op = MPR_OP_READ_KEYS };

	return fake_cmd(to_fake(path), &c, 0, keys, NULL);
}

static int fake_read_resv(struct mpr_path *path, struct mpr_resv *rsv)
{
	struct mpr_cmd c = { .op = MPR_OP_READ_RESV };

	return fake_cmd(to_fake(path), &c, 0, NULL, rsv);
}

static void fake_free(struct mpr_path *path)
{
	struct fake_path *fp = to_fake(path);

	fp->env->released[fp->nexus] = true;
	kfree(fp);
}

static const struct mpr_path_ops fake_ops = {
	.pr_register		= fake_register,
	.pr_reserve		= fake_reserve,
	.pr_release		= fake_release_resv,
	.pr_preempt		= fake_preempt,
	.pr_clear		= fake_clear,
	.read_keys		= fake_read_keys,
	.read_reservation	= fake_read_resv,
	.free			= fake_free,
};

/* ---- the device ---------------------------------------------------------- */

static int fake_suspend(struct mpr_engine *eng)
{
	struct fake_env *env = container_of(eng, struct fake_env, eng);

	if (env->suspend_fails)
		return -ENODEV;
	if (READ_ONCE(env->suspend_delay_ms))
		msleep(READ_ONCE(env->suspend_delay_ms));
	WARN_ON(env->suspended);
	WRITE_ONCE(env->suspended, true);
	env->suspends++;
	return 0;
}

/*
 * At resume, host I/O flows again: every path of host A that the target
 * can reach must carry the wanted key, or its I/O fails.
 */
static void fake_resume(struct mpr_engine *eng)
{
	struct fake_env *env = container_of(eng, struct fake_env, eng);
	unsigned int i;
	u64 key;

	WARN_ON(!env->suspended);
	spin_lock(&eng->lock);
	/* A fenced host's I/O is meant to fail. */
	key = eng->wanted && !eng->preempted ? eng->key : 0;
	spin_unlock(&eng->lock);
	spin_lock(&env->tgt.lock);
	for (i = 0; i < env->nr; i++)
		if (key && !READ_ONCE(env->paths[i]->down) &&
		    env->paths[i]->fault != F_DOWN_AFTER1 &&
		    env->tgt.key[tgt_slot(&env->tgt, i)] != key)
			env->resume_unregistered++;
	spin_unlock(&env->tgt.lock);
	env->resumes++;
	WRITE_ONCE(env->suspended, false);
}

static void fake_event(struct mpr_engine *eng, const struct mpr_event *ev)
{
	struct fake_env *env = container_of(eng, struct fake_env, eng);
	struct fake_event *fe;
	unsigned int i;

	/* Process context, without the engine's lock, device not suspended. */
	might_sleep();
	lockdep_assert_not_held(&eng->lock);
	spin_lock(&env->ev_lock);
	if (READ_ONCE(env->suspended))
		env->ev_suspended++;
	if (env->nr_ev == FAKE_MAX_EVENTS) {
		env->ev_lost++;
		spin_unlock(&env->ev_lock);
		return;
	}
	fe = &env->ev[env->nr_ev++];
	fe->type = ev->type;
	fe->path_id = ev->path ? ev->path->id : U64_MAX;
	fe->key = ev->key;
	fe->result = ev->result;
	fe->op = ev->op;
	fe->latency_us = ev->latency_us;
	fe->res_type = ev->res_type;
	fe->holder_id = ev->holder_id;
	fe->nr_results = ev->nr_results;
	for (i = 0; i < min_t(unsigned int, ev->nr_results, FAKE_EV_RESULTS);
	     i++) {
		fe->res_id[i] = ev->results[i].id;
		fe->res[i] = ev->results[i].result;
		fe->res_latency_us[i] = ev->results[i].latency_us;
		/* The name is readable for the call. */
		WARN_ON(!ev->results[i].name[0]);
	}
	spin_unlock(&env->ev_lock);
}

static const struct mpr_dev_ops fake_dev_ops = {
	.suspend	= fake_suspend,
	.resume		= fake_resume,
	.event		= fake_event,
};

/* Events of @type (about path @id, or ANY_PATH) so far. */
unsigned int fake_nr_ev(struct fake_env *env, enum mpr_event_type type,
			u64 id)
{
	unsigned int i, nr = 0;

	spin_lock(&env->ev_lock);
	for (i = 0; i < env->nr_ev; i++)
		if (env->ev[i].type == type &&
		    (id == ANY_PATH || env->ev[i].path_id == id))
			nr++;
	spin_unlock(&env->ev_lock);
	return nr;
}

/* The last event of @type, copied to @out; false if there is none. */
bool fake_last_ev(struct fake_env *env, enum mpr_event_type type,
		  struct fake_event *out)
{
	bool found = false;
	unsigned int i;

	spin_lock(&env->ev_lock);
	for (i = env->nr_ev; i-- > 0;) {
		if (env->ev[i].type == type) {
			*out = env->ev[i];
			found = true;
			break;
		}
	}
	spin_unlock(&env->ev_lock);
	return found;
}

/* Forget the events so far. */
void fake_clear_ev(struct fake_env *env)
{
	spin_lock(&env->ev_lock);
	env->nr_ev = 0;
	spin_unlock(&env->ev_lock);
}

struct fake_path *fake_add_path(struct kunit *test, struct fake_env *env)
{
	unsigned int i = env->nr;
	struct fake_path *fp;
	char name[16];

	KUNIT_ASSERT_LT(test, i, FAKE_HOST_B);
	fp = kzalloc_obj(*fp, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fp);
	fp->env = env;
	fp->nexus = i;
	snprintf(name, sizeof(name), "fake%u", i);
	mpr_path_init(&fp->path, &fake_ops, FAKE_ID(i), name);
	mpr_engine_add_path(&env->eng, &fp->path);
	env->paths[i] = fp;
	env->nr++;
	return fp;
}

/* Script a path's behaviour. */
void fake_set_fault(struct fake_path *fp, enum fake_fault f,
		    unsigned int deadline_ms)
{
	fp->fault = f;
	fp->down = f == F_DOWN;
	fp->delay_ms = f == F_SLOW ? deadline_ms + 300 : 0;
	atomic_set(&fp->ua, f == F_UA ? 1 : f == F_UA_MANY ? 1000 : 0);
}

/* Wait until no path command is in flight (stragglers included). */
void fake_quiesce(struct kunit *test, struct fake_env *env)
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

struct fake_env *fake_env_new(struct kunit *test, unsigned int nr)
{
	struct fake_env *env;
	unsigned int i;

	env = kunit_kzalloc(test, sizeof(*env), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, env);
	env->params.op_timeout_ms = 2000;
	/* The tests run the probe themselves, with mpr_engine_probe_once(). */
	env->params.probe_interval_ms = 3600 * 1000;
	env->params.single_holder = MPR_SH_REFUSE;
	env->wq = alloc_workqueue("mpr_kunit", WQ_UNBOUND, 0);
	KUNIT_ASSERT_NOT_NULL(test, env->wq);
	spin_lock_init(&env->tgt.lock);
	spin_lock_init(&env->ev_lock);
	env->tgt.holder = -1;
	mpr_engine_init(&env->eng, "kunit", &env->params, &fake_dev_ops,
			env->wq);
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
void fake_env_done(struct kunit *test, struct fake_env *env)
{
#ifdef COMPAT_HAVE_KUNIT_ADD_ACTION
	kunit_release_action(test, fake_env_stop, env);
#else
	fake_env_stop(env);
	test->priv = NULL;
#endif
}

void fake_suite_exit(struct kunit *test)
{
#ifndef COMPAT_HAVE_KUNIT_ADD_ACTION
	if (test->priv)
		fake_env_stop(test->priv);
#endif
}

/* Invariants every test ends with. */
void fake_check_invariants(struct kunit *test, struct fake_env *env)
{
	KUNIT_EXPECT_EQ(test, env->suspends, env->resumes);
	KUNIT_EXPECT_FALSE(test, env->suspended);
	KUNIT_EXPECT_EQ_MSG(test, env->self_preempt_unsuspended, 0U,
			    "a PREEMPT stripped host A's nexuses while I/O could flow");
	KUNIT_EXPECT_EQ_MSG(test, env->resume_unregistered, 0U,
			    "a reachable path lacked the key when I/O resumed");
	KUNIT_EXPECT_EQ_MSG(test, env->ev_suspended, 0U,
			    "an event was sent while the device was suspended");
	KUNIT_EXPECT_EQ(test, env->ev_lost, 0U);
}
