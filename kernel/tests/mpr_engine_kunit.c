// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the PR engine against a fake SPC-4 target.
 *
 * The fake target models persistent reservations per I_T nexus, as SPC-4
 * (and LIO, where the two differ and the engine must cope with both)
 * describes them: a key per nexus, the reservation (type and holder
 * nexus; every registrant holds an all-registrants one), the PRgeneration,
 * a UNIT ATTENTION for the other nexuses after a PREEMPT, RELEASE or CLEAR,
 * the conflict rules of every PR OUT command, the access rules of every
 * reservation type (which nexus may write), and PREEMPT AND ABORT (the
 * aborted nexuses are recorded). Nexuses 0..3 are host A's paths, driven
 * by the engine under test; nexuses 4..7 are another host, B, that the
 * tests drive directly.
 *
 * Every path has scripted faults: down before the command reaches the
 * target, down after (the target executes it, the answer is lost), down
 * after its first command (during an operation), slower than the deadline,
 * UNIT ATTENTIONs, a target that refuses with RESERVATION CONFLICT, and
 * ILLEGAL REQUEST. The device's suspend and resume are recorded, and a
 * PREEMPT that strips host A's own nexuses while host I/O could flow is
 * counted as a violation.
 *
 * With per_host set, the target models NVMe instead: a registration (and
 * the reservation) belongs to the host, and every path of the host shares
 * it. REGISTER is mapped to the NVMe Reservation Register actions as a
 * backend sends them: an old key of 0 without IGNORE is Register (GOOD if
 * the host is registered with that key already), a new key of 0 is
 * Unregister, anything else is Replace.
 *
 * Every event of the engine is recorded, with checks that none is sent
 * under the engine's lock or while the device is suspended.
 *
 * The engine's files are compiled into this module (the engine is not
 * exported by dm-mpath-pr.ko), so the tests need nothing but KUnit.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/slab.h>

#include "../result.c"
#include "../rules.c"
#include "../engine.c"
#include "../events.c"
#include "../fanout.c"
#include "../send.c"
#include "../fence.c"
#include "../register.c"
#include "../reserve.c"
#include "../probe.c"

#define FAKE_MAX_NEXUS	8
#define FAKE_HOST_B	4	/* first nexus of host B */
#define KEY_A		0xaaaa0001ULL
#define KEY_A2		0xaaaa0002ULL
#define KEY_B		0xbbbb0002ULL
#define KEY_OTHER	0x99990009ULL

#define WE		PR_WRITE_EXCLUSIVE
#define EA		PR_EXCLUSIVE_ACCESS
#define WE_RO		PR_WRITE_EXCLUSIVE_REG_ONLY
#define EA_RO		PR_EXCLUSIVE_ACCESS_REG_ONLY
#define WE_AR		PR_WRITE_EXCLUSIVE_ALL_REGS
#define EA_AR		PR_EXCLUSIVE_ACCESS_ALL_REGS

/* Backend identity of host A's path @i (never 0, like a dev_t). */
#define FAKE_ID(i)	(100ULL + (i))

/* A nexus number in a table where 0 means "none". */
#define NX(n)		((n) + 1)

#define CONFLICT	PR_STS_RESERVATION_CONFLICT
#define PATH_FAILED	PR_STS_PATH_FAILED
#define IOERR		PR_STS_IOERR

/**
 * struct fake_target - the device server's persistent reservation state
 * @lock: protects everything below
 * @generation: PRgeneration
 * @key: key of each nexus, 0 if it is not registered
 * @type: type of the reservation, 0 if there is none
 * @holder: the holder nexus of a reservation that is not all-registrants
 * @ua: nexuses with a UNIT ATTENTION pending
 * @aborted: nexuses whose tasks a PREEMPT AND ABORT aborted
 * @lio: RELEASE with the wrong type answers RESERVATION CONFLICT, as LIO
 *	does (SPC-4 says ILLEGAL REQUEST)
 * @per_host: NVMe: registrations per host; host A's state is kept in
 *	nexus 0, host B's in nexus FAKE_HOST_B
 * @others: registrations of further hosts (a large cluster), which READ
 *	KEYS reports before those of the modelled nexuses
 */
struct fake_target {
	spinlock_t lock;	/* the target's state */
	u32 generation;
	u64 key[FAKE_MAX_NEXUS];
	enum pr_type type;
	int holder;
	unsigned long ua;
	unsigned long aborted;
	bool lio;
	bool per_host;
	u32 others;
};

/* Where the state of nexus @n lives: its own, or its host's (NVMe). */
static unsigned int tgt_slot(const struct fake_target *t, unsigned int n)
{
	if (!t->per_host)
		return n;
	return n < FAKE_HOST_B ? 0 : FAKE_HOST_B;
}

/**
 * enum fake_fault - scripted behaviour of a path
 * @F_NONE: works
 * @F_DOWN: every command fails with a transport error before reaching the
 *	target
 * @F_LOSE: the target executes every command, the answer is lost
 *	(transport error)
 * @F_DOWN_AFTER1: the first command works, then the path is down
 * @F_SLOW: every command takes longer than the deadline, then works
 * @F_UA: the first command gets a UNIT ATTENTION (CHECK CONDITION)
 * @F_UA_MANY: every command gets a UNIT ATTENTION
 * @F_CONFLICT: the target answers every PR OUT with RESERVATION CONFLICT
 * @F_ILLEGAL: every command is rejected with ILLEGAL REQUEST (-EINVAL)
 */
enum fake_fault {
	F_NONE,
	F_DOWN,
	F_LOSE,
	F_DOWN_AFTER1,
	F_SLOW,
	F_UA,
	F_UA_MANY,
	F_CONFLICT,
	F_ILLEGAL,
};

struct fake_env;

#define FAKE_MAX_EVENTS		128
#define FAKE_EV_RESULTS		8

/**
 * struct fake_event - a copy of one event of the engine
 * @type: enum mpr_event_type
 * @path_id: &mpr_path.id of a path event
 * @key: the key
 * @result: the result
 * @op: OP_DONE: enum dm_mpath_pr_op
 * @latency_us: OP_DONE: the caller's wait
 * @res_type: RESERVATION: the type
 * @holder_id: RESERVATION: the holder path
 * @nr_results: OP_DONE: per-path results
 * @res_id: ...their paths
 * @res: ...their results
 * @res_latency_us: ...their latencies
 */
struct fake_event {
	enum mpr_event_type type;
	u64 path_id;
	u64 key;
	int result;
	u32 op;
	u64 latency_us;
	enum pr_type res_type;
	u64 holder_id;
	unsigned int nr_results;
	u64 res_id[FAKE_EV_RESULTS];
	int res[FAKE_EV_RESULTS];
	u64 res_latency_us[FAKE_EV_RESULTS];
};

/**
 * struct fake_path - a path to the fake target, with scripted faults
 * @path: the engine's part
 * @env: the test's device
 * @nexus: index of the path's I_T nexus
 * @fault: enum fake_fault
 * @down: commands fail with PR_STS_PATH_FAILED before the target
 * @ua: number of commands that still get a UNIT ATTENTION
 * @delay_ms: latency of every command
 * @calls: commands received
 * @op_calls: of which per enum mpr_op
 * @abort_seen: a PREEMPT arrived with the abort flag set
 * @plain_preempt_seen: a PREEMPT arrived without it
 * @race_before: host B preempts host A just before the next REGISTER on
 *	this path reaches the target
 * @race_after: ...just after it
 * @race_at: ...just before the REGISTER with this number (counted from 1)
 *	reaches the target (0: never)
 * @reg_delay_ms: latency of every REGISTER (on top of @delay_ms)
 * @t_start: when the last command arrived
 * @t_end: when it reached the target (after @delay_ms)
 */
struct fake_path {
	struct mpr_path path;
	struct fake_env *env;
	unsigned int nexus;
	enum fake_fault fault;
	bool down;
	atomic_t ua;
	unsigned int delay_ms;
	atomic_t calls;
	atomic_t op_calls[MPR_OP_READ_RESV + 1];
	bool abort_seen;
	bool plain_preempt_seen;
	bool race_before;
	bool race_after;
	int race_at;
	unsigned int reg_delay_ms;
	ktime_t t_start;
	ktime_t t_end;
};

/**
 * struct fake_env - one test's device
 * @eng: the engine under test
 * @params: its tunables
 * @wq: its workqueue
 * @tgt: the fake target
 * @paths: the paths of host A
 * @released: the free callback ran, per path
 * @nr: number of paths
 * @suspended: the device is suspended now
 * @suspend_fails: the next suspends fail with -ENODEV
 * @suspend_delay_ms: suspends take this long (I/O in flight on a hung path)
 * @suspends: suspends
 * @resumes: resumes
 * @self_preempt_unsuspended: PREEMPTs of host A's own key (or of all
 *	registrants) by host A while the device was not suspended
 * @resume_unregistered: at a resume, reachable paths of host A whose
 *	nexus lacked the wanted key (their I/O would have failed)
 * @ev_lock: protects the events
 * @ev: the events the engine sent, in order
 * @nr_ev: entries in @ev
 * @ev_lost: events that did not fit
 * @ev_suspended: events sent while the device was suspended
 */
struct fake_env {
	struct mpr_engine eng;
	struct mpr_engine_params params;
	struct workqueue_struct *wq;
	struct fake_target tgt;
	struct fake_path *paths[FAKE_HOST_B];
	bool released[FAKE_HOST_B];
	unsigned int nr;
	bool suspended;
	bool suspend_fails;
	unsigned int suspend_delay_ms;
	unsigned int suspends;
	unsigned int resumes;
	unsigned int self_preempt_unsuspended;
	unsigned int resume_unregistered;
	spinlock_t ev_lock;	/* the events */
	struct fake_event ev[FAKE_MAX_EVENTS];
	unsigned int nr_ev;
	unsigned int ev_lost;
	unsigned int ev_suspended;
};

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
static bool tgt_can_write(struct fake_target *t, unsigned int n)
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
static int host_b(struct fake_env *env, unsigned int i, enum mpr_op op,
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
static void fake_race_preempt(struct fake_env *env)
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

#define ANY_PATH	U64_MAX

/* Events of @type (about path @id, or ANY_PATH) so far. */
static unsigned int fake_nr_ev(struct fake_env *env, enum mpr_event_type type,
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
static bool fake_last_ev(struct fake_env *env, enum mpr_event_type type,
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
static void fake_clear_ev(struct fake_env *env)
{
	spin_lock(&env->ev_lock);
	env->nr_ev = 0;
	spin_unlock(&env->ev_lock);
}

static struct fake_path *fake_add_path(struct kunit *test, struct fake_env *env)
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
static void fake_set_fault(struct fake_path *fp, enum fake_fault f,
			   unsigned int deadline_ms)
{
	fp->fault = f;
	fp->down = f == F_DOWN;
	fp->delay_ms = f == F_SLOW ? deadline_ms + 300 : 0;
	atomic_set(&fp->ua, f == F_UA ? 1 : f == F_UA_MANY ? 1000 : 0);
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

/* Invariants every test ends with. */
static void fake_check_invariants(struct kunit *test, struct fake_env *env)
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

/* ---- every operation x path outcome, against the SPC-4 model -------- */

/**
 * struct op_case - one operation in one situation
 * @desc: case name; "(#N)" names the item of the reference's §2.10
 *	checklist it covers (Documentation/pr-checklist.md)
 * @nr: paths of host A (default 2)
 * @a_reg: host A's nexuses carry KEY_A and the engine wants it
 * @a_unreg: ...except these, which the engine has pending
 * @a_gone: host A's keys were removed behind the engine's back
 * @a_type: host A holds a reservation of this type...
 * @a_asked: ...which the caller asked as this type (default @a_type)
 * @a_holder: ...through nexus NX(n)
 * @a_holder_unknown: the engine does not know which path holds it
 * @a_stale_holder: the engine believes path NX(n) holds it
 * @a_not_ours: the engine did not take it (e.g. reserved before attach)
 * @b_reg: host B's nexuses 4 and 5 carry KEY_B
 * @b_type: host B holds a reservation of this type through nexus 4
 * @ua_pending: nexuses with a UNIT ATTENTION pending from earlier changes
 * @fault: scripted fault of each path of host A
 * @lio: the target answers RELEASE with the wrong type like LIO
 * @policy: single_holder
 * @suspend_fails: the device cannot be suspended
 * @op: the operation
 * @key: its reservation key (REGISTER: old key)
 * @sa_key: REGISTER: new key; PREEMPT: the key preempted
 * @type: its type
 * @abort: PREEMPT AND ABORT
 * @flags: REGISTER flags
 * @room: READ KEYS: room for keys (default 8)
 * @ret: expected result
 * @post: expected key of each nexus afterwards
 * @post_type: expected reservation type afterwards
 * @post_holder: expected holder nexus NX(n) (not checked for
 *	all-registrants)
 * @suspends: expected suspends of the device
 * @aborted: nexuses whose tasks must have been aborted
 * @not_sent: paths that must not have received the operation's command
 * @a_io: 1: every reachable path of host A can write; -1: one cannot
 * @b_io: 1: host B's nexus 4 can write; -1: it cannot
 * @check_eng: check @eng_holder and @eng_type
 * @eng_holder: the path NX(n) the engine believes holds the reservation
 * @eng_type: the type the engine believes it holds
 * @rd_nkeys: READ KEYS: keys reported
 * @rd_type: READ RESERVATION: type reported
 * @rd_key: READ RESERVATION: key reported
 * @probe: then the faults go away and the probe runs...
 * @post_probe: ...and host A's nexuses carry these keys
 */
struct op_case {
	const char *desc;
	unsigned int nr;
	bool a_reg;
	unsigned int a_unreg;
	bool a_gone;
	enum pr_type a_type;
	enum pr_type a_asked;
	int a_holder;
	bool a_holder_unknown;
	int a_stale_holder;
	bool a_not_ours;
	bool b_reg;
	enum pr_type b_type;
	unsigned int ua_pending;
	enum fake_fault fault[4];
	bool lio;
	int policy;
	bool suspend_fails;
	enum mpr_op op;
	u64 key;
	u64 sa_key;
	enum pr_type type;
	bool abort;
	u32 flags;
	u32 room;
	int ret;
	u64 post[FAKE_MAX_NEXUS];
	enum pr_type post_type;
	int post_holder;
	unsigned int suspends;
	unsigned int aborted;
	unsigned int not_sent;
	int a_io;
	int b_io;
	bool check_eng;
	int eng_holder;
	enum pr_type eng_type;
	u32 rd_nkeys;
	enum pr_type rd_type;
	u64 rd_key;
	bool probe;
	u64 post_probe[4];
};

#define A	KEY_A
#define A2	KEY_A2
#define B	KEY_B

static const struct op_case op_cases[] = {
	/* RESERVE */
	{
		.desc = "reserve WE_RO on the first path",
		.a_reg = true, .op = MPR_OP_RESERVE, .key = A, .type = WE_RO,
		.post = { A, A }, .post_type = WE_RO, .post_holder = NX(0),
		.a_io = 1, .check_eng = true, .eng_holder = NX(0),
		.eng_type = WE_RO, .not_sent = BIT(1),
	},
	{
		.desc = "reserve EA_RO",
		.a_reg = true, .op = MPR_OP_RESERVE, .key = A, .type = EA_RO,
		.post = { A, A }, .post_type = EA_RO, .post_holder = NX(0),
		.a_io = 1,
	},
	{
		.desc = "reserve WE_AR",
		.a_reg = true, .b_reg = true, .op = MPR_OP_RESERVE, .key = A,
		.type = WE_AR, .post = { A, A, 0, 0, B, B }, .post_type = WE_AR,
		.a_io = 1, .b_io = 1,
	},
	{
		.desc = "reserve EA_AR",
		.a_reg = true, .op = MPR_OP_RESERVE, .key = A, .type = EA_AR,
		.post = { A, A }, .post_type = EA_AR, .a_io = 1, .b_io = -1,
	},
	{
		.desc = "reserve, first path down: the next one holds",
		.a_reg = true, .fault = { F_DOWN }, .op = MPR_OP_RESERVE,
		.key = A, .type = WE_RO, .post = { A, A }, .post_type = WE_RO,
		.post_holder = NX(1), .check_eng = true, .eng_holder = NX(1),
		.eng_type = WE_RO,
	},
	{
		.desc = "reserve, conflict of an unregistered path moves on (#18)",
		.a_reg = true, .a_unreg = BIT(0), .op = MPR_OP_RESERVE, .key = A,
		.type = WE_RO, .post = { 0, A }, .post_type = WE_RO,
		.post_holder = NX(1),
	},
	{
		.desc = "reserve again, holder path unknown: conflict moves on (#18)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(1),
		.a_holder_unknown = true, .op = MPR_OP_RESERVE, .key = A,
		.type = WE_RO, .post = { A, A }, .post_type = WE_RO,
		.post_holder = NX(1), .check_eng = true, .eng_holder = NX(1),
		.eng_type = WE_RO,
	},
	{
		.desc = "reserve held through a down path, same type: 0 (#19)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.fault = { F_DOWN }, .op = MPR_OP_RESERVE, .key = A,
		.type = WE_RO, .post = { A, A }, .post_type = WE_RO,
		.post_holder = NX(0),
	},
	{
		.desc = "reserve held through a down path, other type: conflict (#19)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.fault = { F_DOWN }, .op = MPR_OP_RESERVE, .key = A,
		.type = EA_RO, .ret = CONFLICT, .post = { A, A },
		.post_type = WE_RO, .post_holder = NX(0),
	},
	{
		.desc = "reserve while host B holds: conflict",
		.a_reg = true, .b_reg = true, .b_type = WE_RO,
		.op = MPR_OP_RESERVE, .key = A, .type = WE_RO, .ret = CONFLICT,
		.post = { A, A, 0, 0, B, B }, .post_type = WE_RO,
		.post_holder = NX(4), .b_io = 1,
	},
	{
		.desc = "reserve, all paths down: path error, not conflict (#31)",
		.a_reg = true, .fault = { F_DOWN, F_DOWN }, .op = MPR_OP_RESERVE,
		.key = A, .type = WE_RO, .ret = PATH_FAILED, .post = { A, A },
	},
	{
		.desc = "reserve, unit attention retried (#29)",
		.a_reg = true, .fault = { F_UA }, .op = MPR_OP_RESERVE, .key = A,
		.type = WE_RO, .post = { A, A }, .post_type = WE_RO,
		.post_holder = NX(0),
	},
	{
		.desc = "reserve, host not registered: conflict",
		.op = MPR_OP_RESERVE, .key = A, .type = WE_RO, .ret = CONFLICT,
	},
	{
		.desc = "reserve WE refused on a multipath device (refuse)",
		.a_reg = true, .op = MPR_OP_RESERVE, .key = A, .type = WE,
		.ret = -EOPNOTSUPP, .post = { A, A }, .not_sent = BIT(0) | BIT(1),
	},
	{
		.desc = "reserve EA refused on a multipath device (refuse)",
		.a_reg = true, .op = MPR_OP_RESERVE, .key = A, .type = EA,
		.ret = -EOPNOTSUPP, .post = { A, A }, .not_sent = BIT(0) | BIT(1),
	},
	{
		.desc = "reserve WE translated to WE_RO (translate)",
		.a_reg = true, .policy = MPR_SH_TRANSLATE, .op = MPR_OP_RESERVE,
		.key = A, .type = WE, .post = { A, A }, .post_type = WE_RO,
		.post_holder = NX(0), .a_io = 1, .b_io = -1, .check_eng = true,
		.eng_holder = NX(0), .eng_type = WE_RO,
	},
	{
		.desc = "reserve WE passed through: the other path cannot write",
		.a_reg = true, .policy = MPR_SH_PASSTHROUGH, .op = MPR_OP_RESERVE,
		.key = A, .type = WE, .post = { A, A }, .post_type = WE,
		.post_holder = NX(0), .a_io = -1,
	},
	{
		.desc = "reserve WE on a single-path device: sent as is",
		.nr = 1, .a_reg = true, .op = MPR_OP_RESERVE, .key = A, .type = WE,
		.post = { A }, .post_type = WE, .post_holder = NX(0), .a_io = 1,
	},
	{
		.desc = "reserve, answer lost after the target reserved: 0",
		.a_reg = true, .fault = { F_LOSE }, .op = MPR_OP_RESERVE, .key = A,
		.type = WE_RO, .post = { A, A }, .post_type = WE_RO,
		.post_holder = NX(0),
	},

	/* RELEASE */
	{
		.desc = "release on the known holder path only",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.op = MPR_OP_RELEASE, .key = A, .type = WE_RO, .post = { A, A },
		.not_sent = BIT(1), .check_eng = true, .a_io = 1,
	},
	{
		.desc = "release, holder unknown: every path, then verified",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(1),
		.a_holder_unknown = true, .op = MPR_OP_RELEASE, .key = A,
		.type = WE_RO, .post = { A, A }, .check_eng = true,
	},
	{
		.desc = "release, known holder is stale: every path asked, no suspend",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(1),
		.a_stale_holder = NX(0), .op = MPR_OP_RELEASE, .key = A,
		.type = WE_RO, .post = { A, A }, .check_eng = true, .a_io = 1,
	},
	{
		.desc = "release, unit attentions on other paths retried, not returned",
		.nr = 4, .a_reg = true, .a_type = EA_RO, .a_holder = NX(2),
		.a_holder_unknown = true, .ua_pending = 0xf,
		.op = MPR_OP_RELEASE, .key = A, .type = EA_RO,
		.post = { A, A, A, A }, .a_io = 1,
	},
	{
		.desc = "release, holder path down: suspended self-preempt (#23)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.fault = { F_DOWN }, .op = MPR_OP_RELEASE, .key = A,
		.type = WE_RO, .post = { 0, A }, .suspends = 1, .a_io = 1,
		.check_eng = true, .probe = true, .post_probe = { A, A },
	},
	{
		.desc = "release, unknown holder path down: suspended self-preempt (#23)",
		.nr = 3, .a_reg = true, .a_type = WE_RO, .a_holder = NX(1),
		.a_holder_unknown = true, .fault = { F_NONE, F_DOWN },
		.op = MPR_OP_RELEASE, .key = A, .type = WE_RO,
		.post = { A, 0, A }, .suspends = 1, .a_io = 1, .probe = true,
		.post_probe = { A, A, A },
	},
	{
		.desc = "release, holder down, another path fails mid-sequence (#23)",
		.nr = 3, .a_reg = true, .a_type = EA_RO, .a_holder = NX(0),
		.fault = { F_DOWN, F_DOWN_AFTER1 }, .op = MPR_OP_RELEASE,
		.key = A, .type = EA_RO, .post = { 0, 0, A }, .suspends = 1,
		.a_io = 1, .probe = true, .post_probe = { A, A, A },
	},
	{
		.desc = "release, holder down, the only other path fails: path error",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.fault = { F_DOWN, F_DOWN_AFTER1 }, .op = MPR_OP_RELEASE, .key = A,
		.type = WE_RO, .ret = PATH_FAILED, .post = { A, A },
		.post_type = WE_RO, .post_holder = NX(0),
	},
	{
		.desc = "release while host B holds: 0, nothing changes (#22)",
		.a_reg = true, .b_reg = true, .b_type = WE_RO,
		.op = MPR_OP_RELEASE, .key = A, .type = WE_RO,
		.post = { A, A, 0, 0, B, B }, .post_type = WE_RO,
		.post_holder = NX(4), .b_io = 1,
	},
	{
		.desc = "release with the wrong type while holding: -EINVAL (#21)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.op = MPR_OP_RELEASE, .key = A, .type = EA_RO, .ret = -EINVAL,
		.post = { A, A }, .post_type = WE_RO, .post_holder = NX(0),
	},
	{
		.desc = "release with the wrong type, LIO answers conflict (#21)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0), .lio = true,
		.op = MPR_OP_RELEASE, .key = A, .type = EA_RO, .ret = CONFLICT,
		.post = { A, A }, .post_type = WE_RO, .post_holder = NX(0),
	},
	{
		.desc = "release, all paths down: path error (#24)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.fault = { F_DOWN, F_DOWN }, .op = MPR_OP_RELEASE, .key = A,
		.type = WE_RO, .ret = PATH_FAILED, .post = { A, A },
		.post_type = WE_RO, .post_holder = NX(0),
	},
	{
		.desc = "release, host not registered: conflict (#24)",
		.op = MPR_OP_RELEASE, .key = A, .type = WE_RO, .ret = CONFLICT,
	},
	{
		.desc = "release without a reservation: 0",
		.a_reg = true, .op = MPR_OP_RELEASE, .key = A, .type = WE_RO,
		.post = { A, A },
	},
	{
		.desc = "release, holder down, not reserved by this host: left alone",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.a_not_ours = true, .fault = { F_DOWN }, .op = MPR_OP_RELEASE,
		.key = A, .type = WE_RO, .post = { A, A }, .post_type = WE_RO,
		.post_holder = NX(0),
	},
	{
		.desc = "release of an all-registrants reservation",
		.a_reg = true, .b_reg = true, .a_type = WE_AR, .a_holder = NX(0),
		.op = MPR_OP_RELEASE, .key = A, .type = WE_AR,
		.post = { A, A, 0, 0, B, B }, .a_io = 1, .b_io = 1,
	},
	{
		.desc = "release, holder down, suspend fails: error, unchanged (#28)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.fault = { F_DOWN }, .suspend_fails = true, .op = MPR_OP_RELEASE,
		.key = A, .type = WE_RO, .ret = -ENODEV, .post = { A, A },
		.post_type = WE_RO, .post_holder = NX(0),
	},
	{
		.desc = "release WE of a translated reservation (translate)",
		.a_reg = true, .a_type = WE_RO, .a_asked = WE, .a_holder = NX(0),
		.policy = MPR_SH_TRANSLATE, .op = MPR_OP_RELEASE, .key = A,
		.type = WE, .post = { A, A },
	},

	/* PREEMPT */
	{
		.desc = "preempt host B's reservation: A's path holds it (#27)",
		.a_reg = true, .b_reg = true, .b_type = WE_RO,
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = B, .type = WE_RO,
		.post = { A, A }, .post_type = WE_RO, .post_holder = NX(0),
		.a_io = 1, .b_io = -1, .check_eng = true, .eng_holder = NX(0),
		.eng_type = WE_RO, .not_sent = BIT(1),
	},
	{
		.desc = "preempt and abort host B: the abort reaches the path",
		.a_reg = true, .b_reg = true, .b_type = EA_RO,
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = B, .type = EA_RO,
		.abort = true, .post = { A, A }, .post_type = EA_RO,
		.post_holder = NX(0), .aborted = BIT(4) | BIT(5), .b_io = -1,
	},
	{
		.desc = "preempt host B's registrations (no reservation)",
		.a_reg = true, .b_reg = true, .op = MPR_OP_PREEMPT, .key = A,
		.sa_key = B, .type = WE_RO, .post = { A, A },
	},
	{
		.desc = "preempt own key while holding: suspended, re-registered (#25)",
		.nr = 3, .a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = A, .type = EA_RO,
		.post = { A, A, A }, .post_type = EA_RO, .post_holder = NX(0),
		.suspends = 1, .a_io = 1, .check_eng = true, .eng_holder = NX(0),
		.eng_type = EA_RO,
	},
	{
		.desc = "preempt own key, no reservation: re-registered (#25)",
		.a_reg = true, .op = MPR_OP_PREEMPT, .key = A, .sa_key = A,
		.type = WE_RO, .post = { A, A }, .suspends = 1, .a_io = 1,
	},
	{
		.desc = "preempt own key, a path down: pending, then registered",
		.nr = 3, .a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.fault = { F_NONE, F_NONE, F_DOWN }, .op = MPR_OP_PREEMPT,
		.key = A, .sa_key = A, .type = WE_RO, .post = { A, A, 0 },
		.post_type = WE_RO, .post_holder = NX(0), .suspends = 1,
		.a_io = 1, .probe = true, .post_probe = { A, A, A },
	},
	{
		.desc = "preempt and abort own key: suspended, abort passed on",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(1),
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = A, .type = WE_RO,
		.abort = true, .post = { A, A }, .post_type = WE_RO,
		.post_holder = NX(0), .suspends = 1, .aborted = BIT(1), .a_io = 1,
	},
	{
		.desc = "preempt all registrants (SARK 0, WE_AR held) (#26)",
		.a_reg = true, .b_reg = true, .b_type = WE_AR,
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = 0, .type = WE_RO,
		.post = { A, A }, .post_type = WE_RO, .post_holder = NX(0),
		.suspends = 1, .a_io = 1, .b_io = -1, .check_eng = true,
		.eng_holder = NX(0), .eng_type = WE_RO,
	},
	{
		.desc = "preempt SARK 0 of a registrants-only type: -EINVAL, no fail-over",
		.a_reg = true, .b_reg = true, .b_type = WE_RO,
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = 0, .type = WE_RO,
		.ret = -EINVAL, .post = { A, A, 0, 0, B, B }, .post_type = WE_RO,
		.post_holder = NX(4), .not_sent = BIT(1),
	},
	{
		.desc = "preempt, conflict of an unregistered path moves on (#20)",
		.a_reg = true, .a_unreg = BIT(0), .b_reg = true, .b_type = WE_RO,
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = B, .type = WE_RO,
		.post = { 0, A }, .post_type = WE_RO, .post_holder = NX(1),
	},
	{
		.desc = "preempt, a registered path conflicts: host was fenced",
		.a_reg = true, .a_gone = true, .b_reg = true, .b_type = WE_RO,
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = B, .type = WE_RO,
		.ret = CONFLICT, .post = { 0, 0, 0, 0, B, B }, .post_type = WE_RO,
		.post_holder = NX(4), .not_sent = BIT(1),
	},
	{
		.desc = "preempt, all paths down: path error (#31)",
		.a_reg = true, .b_reg = true, .b_type = WE_RO,
		.fault = { F_DOWN, F_DOWN }, .op = MPR_OP_PREEMPT, .key = A,
		.sa_key = B, .type = WE_RO, .ret = PATH_FAILED,
		.post = { A, A, 0, 0, B, B }, .post_type = WE_RO,
		.post_holder = NX(4),
	},
	{
		.desc = "preempt taking a reservation as WE: refused",
		.a_reg = true, .b_reg = true, .b_type = WE_RO,
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = B, .type = WE,
		.ret = -EOPNOTSUPP, .post = { A, A, 0, 0, B, B },
		.post_type = WE_RO, .post_holder = NX(4),
		.not_sent = BIT(0) | BIT(1),
	},
	{
		.desc = "preempt own key, suspend fails: error, unchanged (#28)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.suspend_fails = true, .op = MPR_OP_PREEMPT, .key = A, .sa_key = A,
		.type = WE_RO, .ret = -ENODEV, .post = { A, A },
		.post_type = WE_RO, .post_holder = NX(0),
		.not_sent = BIT(0) | BIT(1),
	},
	{
		.desc = "preempt host B, unit attention retried (#29)",
		.a_reg = true, .b_reg = true, .b_type = WE_RO, .fault = { F_UA },
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = B, .type = WE_RO,
		.post = { A, A }, .post_type = WE_RO, .post_holder = NX(0),
	},

	/* CLEAR */
	{
		.desc = "clear: no key anywhere, none wanted, the down nexus too",
		.nr = 3, .a_reg = true, .b_reg = true, .a_type = WE_RO,
		.a_holder = NX(0), .fault = { F_NONE, F_NONE, F_DOWN },
		.op = MPR_OP_CLEAR, .key = A, .check_eng = true,
		.probe = true, .post_probe = { 0, 0, 0 },
	},
	{
		.desc = "clear, conflict of an unregistered path moves on (#20)",
		.a_reg = true, .a_unreg = BIT(0), .op = MPR_OP_CLEAR, .key = A,
	},
	{
		.desc = "clear, all paths down: path error (#31)",
		.a_reg = true, .fault = { F_DOWN, F_DOWN }, .op = MPR_OP_CLEAR,
		.key = A, .ret = PATH_FAILED, .post = { A, A },
	},
	{
		.desc = "clear with a wrong key: conflict, nothing changes",
		.a_reg = true, .op = MPR_OP_CLEAR, .key = KEY_OTHER,
		.ret = CONFLICT, .post = { A, A }, .not_sent = BIT(1),
	},

	/* READ KEYS */
	{
		.desc = "read keys through the first path",
		.a_reg = true, .b_reg = true, .op = MPR_OP_READ_KEYS,
		.post = { A, A, 0, 0, B, B }, .rd_nkeys = 4, .not_sent = BIT(1),
	},
	{
		.desc = "read keys, first path down: next path",
		.a_reg = true, .fault = { F_DOWN }, .op = MPR_OP_READ_KEYS,
		.post = { A, A }, .rd_nkeys = 2,
	},
	{
		.desc = "read keys, ILLEGAL REQUEST: no fail-over (#32)",
		.a_reg = true, .fault = { F_ILLEGAL }, .op = MPR_OP_READ_KEYS,
		.ret = -EINVAL, .post = { A, A }, .not_sent = BIT(1),
	},
	{
		.desc = "read keys, all paths down: path error (#31)",
		.a_reg = true, .fault = { F_DOWN, F_DOWN }, .op = MPR_OP_READ_KEYS,
		.ret = PATH_FAILED, .post = { A, A },
	},
	{
		.desc = "read keys, more keys than room: all counted (#33)",
		.a_reg = true, .b_reg = true, .op = MPR_OP_READ_KEYS, .room = 1,
		.post = { A, A, 0, 0, B, B }, .rd_nkeys = 4,
	},
	{
		.desc = "read keys, no answer before the deadline: next path",
		.a_reg = true, .fault = { F_SLOW }, .op = MPR_OP_READ_KEYS,
		.post = { A, A }, .rd_nkeys = 2,
	},
	{
		.desc = "read keys, unit attention retried on the same path (#29)",
		.a_reg = true, .fault = { F_UA }, .op = MPR_OP_READ_KEYS,
		.post = { A, A }, .rd_nkeys = 2, .not_sent = BIT(1),
	},

	/* READ RESERVATION */
	{
		.desc = "read reservation held by host B",
		.a_reg = true, .b_reg = true, .b_type = WE_RO,
		.op = MPR_OP_READ_RESV, .post = { A, A, 0, 0, B, B },
		.post_type = WE_RO, .post_holder = NX(4), .rd_type = WE_RO,
		.rd_key = B,
	},
	{
		.desc = "read reservation, first path down: next path",
		.a_reg = true, .a_type = EA_RO, .a_holder = NX(1),
		.fault = { F_DOWN }, .op = MPR_OP_READ_RESV, .post = { A, A },
		.post_type = EA_RO, .post_holder = NX(1), .rd_type = EA_RO,
		.rd_key = A,
	},
	{
		.desc = "read reservation, ILLEGAL REQUEST: no fail-over (#32)",
		.a_reg = true, .fault = { F_ILLEGAL }, .op = MPR_OP_READ_RESV,
		.ret = -EINVAL, .post = { A, A }, .not_sent = BIT(1),
	},
	{
		.desc = "read reservation of a translated type: as asked",
		.a_reg = true, .a_type = WE_RO, .a_asked = WE, .a_holder = NX(0),
		.policy = MPR_SH_TRANSLATE, .op = MPR_OP_READ_RESV,
		.post = { A, A }, .post_type = WE_RO, .post_holder = NX(0),
		.rd_type = WE, .rd_key = A,
	},
	{
		.desc = "read reservation of an all-registrants type: key 0",
		.a_reg = true, .a_type = EA_AR, .a_holder = NX(0),
		.op = MPR_OP_READ_RESV, .post = { A, A }, .post_type = EA_AR,
		.rd_type = EA_AR, .rd_key = 0,
	},

	/* REGISTER while holding a reservation */
	{
		.desc = "key change, holder path down: the reservation follows (#10)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.fault = { F_DOWN }, .op = MPR_OP_REGISTER, .key = A, .sa_key = A2,
		.post = { 0, A2 }, .post_type = WE_RO, .post_holder = NX(1),
		.a_io = 1, .check_eng = true, .eng_holder = NX(1),
		.eng_type = WE_RO, .probe = true, .post_probe = { A2, A2 },
	},
	{
		.desc = "key change, holder down, not reserved by this host: no preempt (#11)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.a_not_ours = true, .fault = { F_DOWN }, .op = MPR_OP_REGISTER,
		.key = A, .sa_key = A2, .post = { A, A2 }, .post_type = WE_RO,
		.post_holder = NX(0),
	},
	{
		.desc = "key change, holder path up: the holder keeps it",
		.a_reg = true, .a_type = EA_RO, .a_holder = NX(1),
		.op = MPR_OP_REGISTER, .key = A, .sa_key = A2, .post = { A2, A2 },
		.post_type = EA_RO, .post_holder = NX(1), .a_io = 1,
		.check_eng = true, .eng_holder = NX(1), .eng_type = EA_RO,
	},
	{
		.desc = "key change by REGISTER AND IGNORE, holder down (#12)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.fault = { F_DOWN }, .op = MPR_OP_REGISTER, .sa_key = A2,
		.flags = PR_FL_IGNORE_KEY, .post = { 0, A2 }, .post_type = WE_RO,
		.post_holder = NX(1),
	},
	{
		.desc = "unregister while holding: released, then unregistered (#13)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.op = MPR_OP_REGISTER, .key = A, .sa_key = 0, .check_eng = true,
	},
	{
		.desc = "unregister while holding through a down path (#13)",
		.a_reg = true, .a_type = EA_RO, .a_holder = NX(0),
		.fault = { F_DOWN }, .op = MPR_OP_REGISTER, .key = A, .sa_key = 0,
		.suspends = 1, .check_eng = true, .probe = true,
		.post_probe = { 0, 0 },
	},
	{
		.desc = "unregister by REGISTER AND IGNORE (#14)",
		.a_reg = true, .op = MPR_OP_REGISTER, .sa_key = 0,
		.flags = PR_FL_IGNORE_KEY,
	},
};

#undef A
#undef A2
#undef B

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
	KUNIT_EXPECT_TRUE(test, env->released[1]);
	KUNIT_ASSERT_TRUE(test, fake_last_ev(env, MPR_EV_PATH_UNREGISTERED, &fe));
	KUNIT_EXPECT_EQ(test, fe.path_id, FAKE_ID(1));
	KUNIT_EXPECT_EQ(test, fe.key, KEY_A);

	/* Path 2 is reachable again. */
	env->paths[2]->down = false;
	KUNIT_EXPECT_FALSE(test, mpr_engine_probe_once(&env->eng));
	KUNIT_EXPECT_EQ(test, env->tgt.key[2], 0ULL);
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
	KUNIT_CASE(mpr_test_stale_key_cleared),
	{}
};

static struct kunit_case mpr_engine_events_cases[] = {
	KUNIT_CASE(mpr_test_events_op_done),
	KUNIT_CASE(mpr_test_events_slow_path),
	KUNIT_CASE(mpr_test_events_not_suspended),
	KUNIT_CASE(mpr_test_hint),
	KUNIT_CASE(mpr_test_resync),
	KUNIT_CASE(mpr_test_params_changed),
	{}
};

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

static struct kunit_case mpr_engine_nvme_cases[] = {
	KUNIT_CASE(mpr_test_nvme_detect_2),
	KUNIT_CASE(mpr_test_nvme_detect_4),
	KUNIT_CASE(mpr_test_nvme_unregister),
	KUNIT_CASE(mpr_test_nvme_ops_2),
	KUNIT_CASE(mpr_test_nvme_ops_4),
	KUNIT_CASE(mpr_test_nvme_fenced),
	{}
};

static struct kunit_case mpr_engine_ops_cases[] = {
	KUNIT_CASE_PARAM(mpr_test_op, op_gen_params),
	KUNIT_CASE(mpr_test_slow_reserve),
	KUNIT_CASE(mpr_test_fenced_by_preempt),
	KUNIT_CASE(mpr_test_reservation_life),
	KUNIT_CASE(mpr_test_one_op_at_a_time),
	{}
};

static struct kunit_case mpr_engine_safety_cases[] = {
	KUNIT_CASE(mpr_test_many_keys),
	KUNIT_CASE(mpr_test_hung_reader_bounded),
	KUNIT_CASE(mpr_test_late_probe_registration_fenced),
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

static struct kunit_case mpr_engine_rules_cases[] = {
	KUNIT_CASE_PARAM(mpr_test_rule_register, rule_reg_gen_params),
	KUNIT_CASE(mpr_test_rule_register_path),
	KUNIT_CASE_PARAM(mpr_test_rule_release, rule_rel_gen_params),
	KUNIT_CASE(mpr_test_rule_release_sent),
	{}
};

static struct kunit_suite mpr_engine_rules_suite = {
	.name = "dm_mpath_pr_rules",
	.test_cases = mpr_engine_rules_cases,
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

static struct kunit_suite mpr_engine_ops_suite = {
	.name = "dm_mpath_pr_ops",
	.exit = fake_suite_exit,
	.test_cases = mpr_engine_ops_cases,
};

static struct kunit_suite mpr_engine_events_suite = {
	.name = "dm_mpath_pr_events",
	.exit = fake_suite_exit,
	.test_cases = mpr_engine_events_cases,
};

static struct kunit_suite mpr_engine_fencing_suite = {
	.name = "dm_mpath_pr_fencing",
	.exit = fake_suite_exit,
	.test_cases = mpr_engine_fencing_cases,
};

static struct kunit_suite mpr_engine_safety_suite = {
	.name = "dm_mpath_pr_safety",
	.exit = fake_suite_exit,
	.test_cases = mpr_engine_safety_cases,
};

static struct kunit_suite mpr_engine_nvme_suite = {
	.name = "dm_mpath_pr_nvme",
	.exit = fake_suite_exit,
	.test_cases = mpr_engine_nvme_cases,
};

kunit_test_suites(&mpr_engine_result_suite, &mpr_engine_register_suite,
		  &mpr_engine_paths_suite, &mpr_engine_ops_suite,
		  &mpr_engine_events_suite, &mpr_engine_fencing_suite,
		  &mpr_engine_nvme_suite, &mpr_engine_safety_suite,
		  &mpr_engine_rules_suite);

MODULE_DESCRIPTION("KUnit tests of the dm-mpath-pr engine");
MODULE_LICENSE("GPL");
