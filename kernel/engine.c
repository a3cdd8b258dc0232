// SPDX-License-Identifier: GPL-2.0
/*
 * The PR engine: registration fan-out over all paths of a device, result
 * rules, and the work that brings returning paths to the wanted state.
 *
 * Pure logic: paths are reached only through struct mpr_path_ops, so the
 * KUnit tests drive this file against a fake SPC-4 target.
 */

#include <linux/completion.h>
#include <linux/device-mapper.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/pr.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <scsi/scsi_proto.h>
#include <scsi/scsi_status.h>

#include "engine.h"

#define DM_MSG_PREFIX "mpath-pr"

#define MPR_MIN_TIMEOUT_MS	100
#define MPR_MAX_TIMEOUT_MS	(300 * MSEC_PER_SEC)
#define MPR_MIN_PROBE_MS	50

/**
 * mpr_result_is_path_error() - does a result mean the path, not the device?
 * @result: 0, -errno or PR_STS_*
 *
 * Path errors say nothing about the reservation state of the device: the
 * command did not reach it (or its answer got lost). They are never turned
 * into a reservation conflict.
 *
 * Return: true for transport failures.
 */
bool mpr_result_is_path_error(int result)
{
	switch (result) {
	case PR_STS_PATH_FAILED:
	case PR_STS_PATH_FAST_FAILED:
	case PR_STS_RETRY_PATH_FAILURE:
	case -ENODEV:
	case -ENXIO:
	case -ENOLINK:
	case -ETIMEDOUT:
	case -EHOSTDOWN:
	case -ECONNREFUSED:
		return true;
	default:
		return false;
	}
}

/**
 * mpr_result_normalise() - turn a pr_ops result into 0, -errno or PR_STS_*
 * @r: what a path's pr_ops returned
 *
 * Before v6.3, sd's pr_ops return raw SCSI results: the host byte (bits
 * 16-23) for transport failures, e.g. 0x10000 (DID_NO_CONNECT) for an
 * offline device, and the SAM status in the low byte, e.g. 0x18
 * RESERVATION CONFLICT (0x118 with a message byte) or 2 CHECK CONDITION.
 * The PR_STS_* values of later kernels are those same raw results, so they
 * map to themselves and one function serves every kernel.
 *
 * Return: the normalised result.
 */
int mpr_result_normalise(int r)
{
	if (r <= 0)
		return r;
	switch ((r >> 16) & 0xff) {
	case 0:
		break;
	case DID_TRANSPORT_DISRUPTED:
		return PR_STS_RETRY_PATH_FAILURE;
	case DID_TRANSPORT_FAILFAST:
		return PR_STS_PATH_FAST_FAILED;
	default:
		return PR_STS_PATH_FAILED;
	}
	if ((r & 0xff) == SAM_STAT_RESERVATION_CONFLICT)
		return PR_STS_RESERVATION_CONFLICT;
	return PR_STS_IOERR;
}

/**
 * mpr_result_is_conflict() - is a result a RESERVATION CONFLICT?
 * @result: 0, -errno or PR_STS_*
 *
 * Return: true for PR_STS_RESERVATION_CONFLICT.
 */
bool mpr_result_is_conflict(int result)
{
	return result == PR_STS_RESERVATION_CONFLICT;
}

/**
 * mpr_result_name() - a result in words, for messages
 * @result: 0, -errno or PR_STS_*
 *
 * Return: a static string.
 */
const char *mpr_result_name(int result)
{
	switch (result) {
	case 0:
		return "success";
	case PR_STS_IOERR:
		return "I/O error (CHECK CONDITION)";
	case PR_STS_RESERVATION_CONFLICT:
		return "reservation conflict";
	case PR_STS_PATH_FAILED:
		return "path failed";
	case PR_STS_PATH_FAST_FAILED:
		return "path fast-failed";
	case PR_STS_RETRY_PATH_FAILURE:
		return "path failed, retryable";
	case -ETIMEDOUT:
		return "no answer before the deadline";
	case -EOPNOTSUPP:
		return "not supported by the path";
	case -ENODEV:
	case -ENXIO:
		return "path device gone";
	default:
		return result < 0 ? "error" : "unexpected status";
	}
}

static unsigned int mpr_op_timeout_ms(const struct mpr_engine *eng)
{
	return clamp_t(unsigned int, READ_ONCE(eng->params->op_timeout_ms),
		       MPR_MIN_TIMEOUT_MS, MPR_MAX_TIMEOUT_MS);
}

static unsigned long mpr_probe_delay(const struct mpr_engine *eng)
{
	unsigned int ms = READ_ONCE(eng->params->probe_interval_ms);

	return msecs_to_jiffies(max_t(unsigned int, ms, MPR_MIN_PROBE_MS));
}

static enum dm_mpath_pr_reg_state mpr_reg_of_key(u64 key)
{
	return key ? DM_MPATH_PR_REG_REGISTERED : DM_MPATH_PR_REG_NONE;
}

/* Schedule the probe one interval from now, unless it is queued already. */
static void mpr_engine_schedule_probe_locked(struct mpr_engine *eng)
{
	lockdep_assert_held(&eng->lock);
	if (!eng->stopping)
		queue_delayed_work(eng->wq, &eng->probe, mpr_probe_delay(eng));
}

/**
 * mpr_engine_kick() - run the probe now
 * @eng: the device
 *
 * Used when paths were added or a key was adopted, so that they are brought
 * to the wanted state without waiting for the next interval.
 */
void mpr_engine_kick(struct mpr_engine *eng)
{
	spin_lock(&eng->lock);
	if (!eng->stopping)
		mod_delayed_work(eng->wq, &eng->probe, 0);
	spin_unlock(&eng->lock);
}

static void mpr_path_release_kref(struct kref *ref)
{
	struct mpr_path *path = container_of(ref, struct mpr_path, ref);

	path->ops->release(path);
}

/**
 * mpr_path_put() - drop a reference to a path
 * @path: the path
 *
 * The last reference calls &mpr_path_ops.release. May sleep.
 */
void mpr_path_put(struct mpr_path *path)
{
	kref_put(&path->ref, mpr_path_release_kref);
}

/**
 * mpr_path_init() - initialise the engine part of a backend's path
 * @path: the path, embedded in the backend's structure
 * @ops: backend operations
 * @id: backend identity, unique within a device
 * @name: for messages; truncated to fit
 *
 * The caller owns the one reference; mpr_engine_add_path() hands it to the
 * device's path list.
 */
void mpr_path_init(struct mpr_path *path, const struct mpr_path_ops *ops,
		   u64 id, const char *name)
{
	INIT_LIST_HEAD(&path->node);
	kref_init(&path->ref);
	path->ops = ops;
	path->id = id;
	strscpy(path->name, name, sizeof(path->name));
	path->state = DM_MPATH_PR_PATH_ACTIVE;
	path->reg = DM_MPATH_PR_REG_UNKNOWN;
}

/**
 * mpr_engine_add_path() - add a path to a device
 * @eng: the device
 * @path: initialised by mpr_path_init(); its reference moves to the list
 *
 * If the device has a wanted registration state, the new path is marked
 * pending: the probe brings it there (after checking that the host is
 * still registered). Call mpr_engine_kick() after adding paths.
 */
void mpr_engine_add_path(struct mpr_engine *eng, struct mpr_path *path)
{
	spin_lock(&eng->lock);
	path->eng = eng;
	if (eng->wanted)
		path->reg = DM_MPATH_PR_REG_PENDING;
	list_add_tail(&path->node, &eng->paths);
	eng->nr_paths++;
	spin_unlock(&eng->lock);
}

/**
 * mpr_engine_remove_path() - forget a path
 * @eng: the device
 * @path: a path of @eng
 *
 * A command still in flight on the path keeps it (and the backend's
 * transport) alive until it finishes; its result is then ignored.
 * May sleep.
 */
void mpr_engine_remove_path(struct mpr_engine *eng, struct mpr_path *path)
{
	spin_lock(&eng->lock);
	list_del_init(&path->node);
	path->removed = true;
	eng->nr_paths--;
	spin_unlock(&eng->lock);
	mpr_path_put(path);
}

/**
 * mpr_engine_retain_paths() - forget every path not in a list
 * @eng: the device
 * @ids: backend identities of the paths to keep
 * @nr: entries in @ids
 *
 * May sleep.
 */
void mpr_engine_retain_paths(struct mpr_engine *eng, const u64 *ids,
			     unsigned int nr)
{
	struct mpr_path *path;
	unsigned int i;
	bool keep;

	for (;;) {
		struct mpr_path *gone = NULL;

		spin_lock(&eng->lock);
		list_for_each_entry(path, &eng->paths, node) {
			for (i = 0, keep = false; i < nr && !keep; i++)
				keep = path->id == ids[i];
			if (!keep) {
				gone = path;
				break;
			}
		}
		spin_unlock(&eng->lock);
		if (!gone)
			break;
		DMINFO("%s: path %s removed", eng->name, gone->name);
		mpr_engine_remove_path(eng, gone);
	}
}

/**
 * mpr_engine_find_path() - look a path up by backend identity
 * @eng: the device
 * @id: as given to mpr_path_init()
 *
 * Return: the path with a new reference, or NULL.
 */
struct mpr_path *mpr_engine_find_path(struct mpr_engine *eng, u64 id)
{
	struct mpr_path *path, *found = NULL;

	spin_lock(&eng->lock);
	list_for_each_entry(path, &eng->paths, node) {
		if (path->id == id) {
			kref_get(&path->ref);
			found = path;
			break;
		}
	}
	spin_unlock(&eng->lock);
	return found;
}

/**
 * mpr_engine_adopt_key() - take over a registration made before attach
 * @eng: the device
 * @key: the host's key, non-zero
 *
 * Every path becomes pending with @key as the wanted state; the probe
 * verifies that @key is registered on the device and registers it on every
 * path (REGISTER AND IGNORE EXISTING KEY is idempotent on paths that carry
 * it already).
 */
void mpr_engine_adopt_key(struct mpr_engine *eng, u64 key)
{
	struct mpr_path *path;

	spin_lock(&eng->lock);
	eng->key = key;
	eng->wanted = true;
	eng->preempted = false;
	list_for_each_entry(path, &eng->paths, node)
		path->reg = DM_MPATH_PR_REG_PENDING;
	spin_unlock(&eng->lock);
	mpr_engine_kick(eng);
}

/* Inflight accounting: mpr_engine_stop() waits for the count to drop. */
static void mpr_engine_inflight_get(struct mpr_engine *eng)
{
	atomic_inc(&eng->inflight);
}

static void mpr_engine_inflight_put(struct mpr_engine *eng)
{
	/*
	 * wake_up_var() only hashes the address, so it is fine if the waiter
	 * frees @eng as soon as it sees zero.
	 */
	if (atomic_dec_and_test(&eng->inflight))
		wake_up_var(&eng->inflight);
}

/* Update counters after a command; caller holds eng->lock. */
static void mpr_path_account(struct mpr_path *path, int result)
{
	path->cmds++;
	if (result)
		path->errors++;
	path->last_result = result;
}

/*
 * Fan-out: one work item per path, a refcounted context shared by the
 * caller and the work items. The caller waits until every path answered or
 * the deadline passed. After the deadline it "abandons" the context under
 * eng->lock; a work item finishing later sees that and folds its result
 * into the path state itself. Every slot is thus processed exactly once,
 * either by the caller or by its work item, and the context lives until
 * the last of them drops its reference.
 */
struct mpr_fanout;

/**
 * struct mpr_slot - one path's part of a fan-out
 * @work: runs the command
 * @fo: the fan-out
 * @path: the path (a reference is held)
 * @flags: PR flags for this path's command
 * @result: the command's result, valid if @done
 * @done: the command finished (under &mpr_engine.lock)
 */
struct mpr_slot {
	struct work_struct work;
	struct mpr_fanout *fo;
	struct mpr_path *path;
	u32 flags;
	int result;
	bool done;
};

/**
 * struct mpr_fanout - one REGISTER (or REGISTER AND IGNORE) over paths
 * @ref: the caller's reference and one per queued slot
 * @eng: the device
 * @done: completed when the last slot finished
 * @pending: slots not finished
 * @abandoned: the caller stopped waiting (under &mpr_engine.lock)
 * @old_key: old key of the command
 * @new_key: new key of the command
 * @max: room in @slot
 * @nr: used slots
 * @slot: one per path
 */
struct mpr_fanout {
	refcount_t ref;
	struct mpr_engine *eng;
	struct completion done;
	atomic_t pending;
	bool abandoned;
	u64 old_key;
	u64 new_key;
	unsigned int max;
	unsigned int nr;
	struct mpr_slot slot[];
};

static struct mpr_fanout *mpr_fanout_alloc(struct mpr_engine *eng,
					   unsigned int max, u64 old_key,
					   u64 new_key)
{
	struct mpr_fanout *fo;

	fo = kzalloc(struct_size(fo, slot, max), GFP_KERNEL);
	if (!fo)
		return NULL;
	refcount_set(&fo->ref, 1);
	fo->eng = eng;
	init_completion(&fo->done);
	fo->old_key = old_key;
	fo->new_key = new_key;
	fo->max = max;
	return fo;
}

static void mpr_fanout_put(struct mpr_fanout *fo)
{
	if (refcount_dec_and_test(&fo->ref))
		kfree(fo);
}

/*
 * Add @path to @fo and mark it busy; caller holds eng->lock. Paths added to
 * the device since @fo was sized are left for the probe.
 */
static void mpr_fanout_add_locked(struct mpr_fanout *fo, struct mpr_path *path,
				  u32 flags)
{
	struct mpr_slot *slot;

	if (fo->nr == fo->max)
		return;
	slot = &fo->slot[fo->nr++];
	kref_get(&path->ref);
	path->busy = true;
	slot->fo = fo;
	slot->path = path;
	slot->flags = flags;
}

/**
 * mpr_path_register_retry() - REGISTER on one path, retrying UNIT ATTENTION
 * @path: the path
 * @old_key: old key
 * @new_key: new key
 * @flags: PR flags
 *
 * After a PR change, every other I_T nexus gets a UNIT ATTENTION once; the
 * target has not executed the command that reported it, so sending it again
 * is safe. pr_ops do not tell a UNIT ATTENTION from other CHECK CONDITIONs,
 * so any CHECK CONDITION is retried a few times.
 *
 * Return: the last result.
 */
static int mpr_path_register_retry(struct mpr_path *path, u64 old_key,
				   u64 new_key, u32 flags)
{
	unsigned int tries = 0;
	int r;

	do {
		r = path->ops->pr_register(path, old_key, new_key, flags);
	} while (r == PR_STS_IOERR && ++tries <= MPR_UA_RETRIES);
	return r;
}

/*
 * A result that arrived after the caller gave up. The caller has marked the
 * path failed and pending already; correct that with what the path says.
 */
static void mpr_fold_late_locked(struct mpr_engine *eng, struct mpr_path *path,
				 u64 new_key, int result)
{
	if (path->removed)
		return;
	if (!result) {
		path->state = DM_MPATH_PR_PATH_ACTIVE;
		if (eng->wanted && eng->key == new_key)
			path->reg = mpr_reg_of_key(new_key);
		else if (eng->wanted)
			path->reg = DM_MPATH_PR_REG_PENDING;
		else
			path->reg = DM_MPATH_PR_REG_UNKNOWN;
	} else if (mpr_result_is_path_error(result)) {
		path->state = DM_MPATH_PR_PATH_FAILED;
	} else {
		path->state = DM_MPATH_PR_PATH_ACTIVE;
	}
	if (path->reg == DM_MPATH_PR_REG_PENDING ||
	    path->state == DM_MPATH_PR_PATH_FAILED)
		mpr_engine_schedule_probe_locked(eng);
}

static void mpr_slot_work(struct work_struct *work)
{
	struct mpr_slot *slot = container_of(work, struct mpr_slot, work);
	struct mpr_fanout *fo = slot->fo;
	struct mpr_engine *eng = fo->eng;
	struct mpr_path *path = slot->path;
	int r;

	r = mpr_path_register_retry(path, fo->old_key, fo->new_key,
				    slot->flags);

	spin_lock(&eng->lock);
	path->busy = false;
	mpr_path_account(path, r);
	slot->result = r;
	slot->done = true;
	if (fo->abandoned) {
		mpr_fold_late_locked(eng, path, fo->new_key, r);
		DMINFO("%s: late result on path %s after the deadline: %s (%d)",
		       eng->name, path->name, mpr_result_name(r), r);
	}
	spin_unlock(&eng->lock);

	if (atomic_dec_and_test(&fo->pending))
		complete(&fo->done);
	/* @slot lives in @fo: no access after this put. */
	mpr_fanout_put(fo);
	mpr_path_put(path);
	mpr_engine_inflight_put(eng);
}

/**
 * mpr_fanout_run() - send the commands of a fan-out and wait for them
 * @fo: prepared fan-out
 * @deadline: jiffies by which the caller stops waiting
 *
 * On return every slot either has its result (done) or belongs to a work
 * item that will fold its result in later.
 */
static void mpr_fanout_run(struct mpr_fanout *fo, unsigned long deadline)
{
	struct mpr_engine *eng = fo->eng;
	unsigned int i;
	long left;

	atomic_set(&fo->pending, fo->nr);
	if (!fo->nr)
		complete(&fo->done);
	for (i = 0; i < fo->nr; i++) {
		struct mpr_slot *slot = &fo->slot[i];

		/* The work item's references; the slot keeps the caller's. */
		refcount_inc(&fo->ref);
		kref_get(&slot->path->ref);
		mpr_engine_inflight_get(eng);
		INIT_WORK(&slot->work, mpr_slot_work);
		queue_work(eng->wq, &slot->work);
	}

	left = (long)(deadline - jiffies);
	if (left > 0)
		wait_for_completion_timeout(&fo->done, left);

	spin_lock(&eng->lock);
	fo->abandoned = true;
	spin_unlock(&eng->lock);
}

/* Result of a slot for the caller: late slots count as timed out. */
static int mpr_slot_result(const struct mpr_slot *slot)
{
	return slot->done ? slot->result : -ETIMEDOUT;
}

static struct mpr_slot *mpr_fanout_find(struct mpr_fanout *fo,
					struct mpr_path *path)
{
	unsigned int i;

	for (i = 0; fo && i < fo->nr; i++)
		if (fo->slot[i].path == path)
			return &fo->slot[i];
	return NULL;
}

static void mpr_fanout_release(struct mpr_fanout *fo)
{
	unsigned int i;

	if (!fo)
		return;
	for (i = 0; i < fo->nr; i++)
		mpr_path_put(fo->slot[i].path);
	mpr_fanout_put(fo);
}

/**
 * mpr_register_prepare() - choose the paths of a REGISTER
 * @eng: the device, op_mutex held
 * @old_key: old key
 * @new_key: new key
 * @flags: PR flags
 *
 * All usable paths: active and without a command in flight. If no path is
 * active, every idle path is tried: a stale failed mark must not make the
 * device unusable.
 *
 * Return: the fan-out or NULL without memory.
 */
static struct mpr_fanout *mpr_register_prepare(struct mpr_engine *eng,
					       u64 old_key, u64 new_key,
					       u32 flags)
{
	struct mpr_fanout *fo;
	struct mpr_path *path;
	bool any_active = false;

	fo = mpr_fanout_alloc(eng, READ_ONCE(eng->nr_paths), old_key, new_key);
	if (!fo)
		return NULL;

	spin_lock(&eng->lock);
	list_for_each_entry(path, &eng->paths, node)
		if (!path->busy && path->state == DM_MPATH_PR_PATH_ACTIVE)
			any_active = true;
	list_for_each_entry(path, &eng->paths, node) {
		if (path->busy)
			continue;
		if (any_active && path->state != DM_MPATH_PR_PATH_ACTIVE)
			continue;
		mpr_fanout_add_locked(fo, path, flags);
	}
	spin_unlock(&eng->lock);
	return fo;
}

/**
 * struct mpr_tally - outcome of a fan-out, per kind of result
 * @ok: paths that succeeded
 * @conflict: paths that answered RESERVATION CONFLICT
 * @path_err: paths that could not be reached
 * @other: paths that failed otherwise
 * @first_other: the first of those results
 */
struct mpr_tally {
	unsigned int ok;
	unsigned int conflict;
	unsigned int path_err;
	unsigned int other;
	int first_other;
};

static void mpr_tally_add(struct mpr_tally *t, int r)
{
	if (!r) {
		t->ok++;
	} else if (mpr_result_is_conflict(r)) {
		t->conflict++;
	} else if (mpr_result_is_path_error(r)) {
		t->path_err++;
	} else {
		if (!t->other++)
			t->first_other = r;
	}
}

/* Final result of @path in a REGISTER: the retry's if there was one. */
static int mpr_register_result(struct mpr_fanout *fo, struct mpr_fanout *retry,
			       struct mpr_slot *slot)
{
	struct mpr_slot *again = mpr_fanout_find(retry, slot->path);

	return mpr_slot_result(again ? again : slot);
}

/**
 * mpr_register_conclude() - apply the REGISTER result rules
 * @eng: the device, op_mutex held
 * @fo: the fan-out of the REGISTER
 * @retry: the REGISTER AND IGNORE retry of conflicting paths, or NULL
 * @new_key: the key asked for
 * @op: name of the operation, for messages
 *
 * Rules (DESIGN.md §3.2):
 *  - a path succeeded: the operation succeeded unless a path failed with
 *    an error that is neither a path error nor a conflict (that error is
 *    returned); @new_key becomes the wanted state; every path that did not
 *    get it is marked pending and is brought there when possible;
 *  - no path succeeded, some conflicted: PR_STS_RESERVATION_CONFLICT;
 *  - no path succeeded, some failed otherwise: the first such error;
 *  - no path was reachable: PR_STS_PATH_FAILED. A path error is never
 *    reported as a conflict.
 *
 * Return: the operation's result.
 */
static int mpr_register_conclude(struct mpr_engine *eng,
				 struct mpr_fanout *fo,
				 struct mpr_fanout *retry, u64 new_key,
				 const char *op)
{
	struct mpr_tally t = { 0 };
	struct mpr_path *path;
	bool probe = false;
	unsigned int i;
	int ret;

	spin_lock(&eng->lock);
	for (i = 0; i < fo->nr; i++)
		mpr_tally_add(&t, mpr_register_result(fo, retry, &fo->slot[i]));

	if (t.ok) {
		eng->key = new_key;
		eng->wanted = true;
		if (new_key)
			eng->preempted = false;
	}

	list_for_each_entry(path, &eng->paths, node) {
		struct mpr_slot *slot = mpr_fanout_find(fo, path);
		int r;

		if (!slot) {
			/* Not asked: failed or busy. */
			if (t.ok)
				path->reg = DM_MPATH_PR_REG_PENDING;
			goto next;
		}
		r = mpr_register_result(fo, retry, slot);
		if (!r) {
			path->state = DM_MPATH_PR_PATH_ACTIVE;
			path->reg = mpr_reg_of_key(new_key);
			continue;
		}
		if (mpr_result_is_path_error(r))
			path->state = DM_MPATH_PR_PATH_FAILED;
		else
			path->state = DM_MPATH_PR_PATH_ACTIVE;
		if (t.ok)
			path->reg = DM_MPATH_PR_REG_PENDING;
		if (r == -ETIMEDOUT)
			path->last_result = r;
		DMWARN("%s: %s on path %s failed: %s (%d)", eng->name, op,
		       path->name, mpr_result_name(r), r);
next:
		if (path->reg == DM_MPATH_PR_REG_PENDING ||
		    path->state == DM_MPATH_PR_PATH_FAILED)
			probe = true;
	}
	if (probe)
		mpr_engine_schedule_probe_locked(eng);
	eng->ops_run++;
	spin_unlock(&eng->lock);

	if (t.ok)
		ret = t.other ? t.first_other : 0;
	else if (t.conflict)
		ret = PR_STS_RESERVATION_CONFLICT;
	else if (t.other)
		ret = t.first_other;
	else
		ret = PR_STS_PATH_FAILED;

	if (ret)
		DMERR("%s: %s failed: %s (%d); paths: %u ok, %u conflict, %u down, %u other",
		      eng->name, op, mpr_result_name(ret), ret, t.ok,
		      t.conflict, t.path_err, t.other);
	else if (t.conflict || t.path_err || t.other)
		DMINFO("%s: %s done on %u path(s); %u path(s) pending",
		       eng->name, op, t.ok, fo->nr - t.ok);
	return ret;
}

/**
 * mpr_engine_op_begin() - start an operation the engine does not run itself
 * @eng: the device
 *
 * Operations forwarded elsewhere (to dm's own pr_ops) still count and still
 * run one at a time with the engine's own. Pair with mpr_engine_op_end().
 */
void mpr_engine_op_begin(struct mpr_engine *eng)
{
	mutex_lock(&eng->op_mutex);
}

/**
 * mpr_engine_op_end() - end an operation started by mpr_engine_op_begin()
 * @eng: the device
 */
void mpr_engine_op_end(struct mpr_engine *eng)
{
	spin_lock(&eng->lock);
	eng->ops_run++;
	spin_unlock(&eng->lock);
	mutex_unlock(&eng->op_mutex);
}

/**
 * mpr_engine_register() - REGISTER, REGISTER AND IGNORE, or unregister
 * @eng: the device
 * @old_key: current key of the host (ignored with PR_FL_IGNORE_KEY)
 * @new_key: key to register; 0 unregisters
 * @flags: PR_FL_IGNORE_KEY or 0
 *
 * Sent to all usable paths in parallel. A plain REGISTER that conflicts on
 * some paths while it succeeded on others is retried on those as REGISTER
 * AND IGNORE EXISTING KEY: the host proved it owns @old_key, and those
 * nexuses just lack it (they were down when it was registered, or were
 * added later). The caller waits at most the operation timeout; stragglers
 * are folded in when they finish.
 *
 * Return: 0, -errno, or PR_STS_* (see mpr_register_conclude()).
 */
int mpr_engine_register(struct mpr_engine *eng, u64 old_key, u64 new_key,
			u32 flags)
{
	const char *op = flags & PR_FL_IGNORE_KEY ? "REGISTER AND IGNORE" :
			 new_key ? "REGISTER" : "unregister";
	struct mpr_fanout *fo, *retry = NULL;
	unsigned long deadline;
	unsigned int i;
	int ret;

	if (flags & ~PR_FL_IGNORE_KEY)
		return -EOPNOTSUPP;

	mutex_lock(&eng->op_mutex);
	deadline = jiffies + msecs_to_jiffies(mpr_op_timeout_ms(eng));

	fo = mpr_register_prepare(eng, old_key, new_key, flags);
	if (!fo) {
		ret = -ENOMEM;
		goto out;
	}
	mpr_fanout_run(fo, deadline);

	if (!(flags & PR_FL_IGNORE_KEY)) {
		struct mpr_tally t = { 0 };
		unsigned int nr_conflict = 0;

		spin_lock(&eng->lock);
		for (i = 0; i < fo->nr; i++) {
			int r = mpr_slot_result(&fo->slot[i]);

			mpr_tally_add(&t, r);
			if (mpr_result_is_conflict(r))
				nr_conflict++;
		}
		spin_unlock(&eng->lock);

		if (t.ok && nr_conflict) {
			retry = mpr_fanout_alloc(eng, nr_conflict, 0, new_key);
			if (!retry) {
				ret = -ENOMEM;
				goto out_release;
			}
			spin_lock(&eng->lock);
			for (i = 0; i < fo->nr; i++) {
				struct mpr_slot *slot = &fo->slot[i];

				if (slot->done && mpr_result_is_conflict(slot->result) &&
				    !slot->path->busy && !slot->path->removed)
					mpr_fanout_add_locked(retry, slot->path,
							      flags | PR_FL_IGNORE_KEY);
			}
			spin_unlock(&eng->lock);
			mpr_fanout_run(retry, deadline);
		}
	}

	ret = mpr_register_conclude(eng, fo, retry, new_key, op);
out_release:
	mpr_fanout_release(retry);
	mpr_fanout_release(fo);
out:
	mutex_unlock(&eng->op_mutex);
	return ret;
}

/**
 * mpr_key_present() - READ KEYS through one path and look for a key
 * @eng: the device
 * @path: the path to ask (a reference is held)
 * @keys: buffer with room for MPR_MAX_KEYS keys
 * @key: the key to look for
 * @present: set to whether @key is registered
 *
 * Return: the result of READ KEYS.
 */
static int mpr_key_present(struct mpr_engine *eng, struct mpr_path *path,
			   struct mpr_keys *keys, u64 key, bool *present)
{
	unsigned int i;
	int r;

	keys->num_keys = MPR_MAX_KEYS;
	r = path->ops->read_keys(path, keys);

	spin_lock(&eng->lock);
	path->busy = false;
	mpr_path_account(path, r);
	if (!r)
		path->state = DM_MPATH_PR_PATH_ACTIVE;
	else if (mpr_result_is_path_error(r))
		path->state = DM_MPATH_PR_PATH_FAILED;
	spin_unlock(&eng->lock);
	if (r)
		return r;

	*present = false;
	for (i = 0; i < min_t(u32, keys->num_keys, MPR_MAX_KEYS); i++)
		if (keys->keys[i] == key)
			*present = true;
	if (keys->num_keys > MPR_MAX_KEYS && !*present)
		DMWARN_LIMIT("%s: device reports %u keys, only %u examined",
			     eng->name, keys->num_keys, MPR_MAX_KEYS);
	return 0;
}

/* Next path to ask for READ KEYS: active settled paths first, then others. */
static struct mpr_path *mpr_next_reader_locked(struct mpr_engine *eng,
					       bool settled)
{
	struct mpr_path *path;

	list_for_each_entry(path, &eng->paths, node) {
		if (path->busy)
			continue;
		if (settled != (path->state == DM_MPATH_PR_PATH_ACTIVE &&
				path->reg != DM_MPATH_PR_REG_PENDING))
			continue;
		kref_get(&path->ref);
		path->busy = true;
		return path;
	}
	return NULL;
}

/**
 * mpr_probe_key_check() - is the host still registered on the device?
 * @eng: the device, op_mutex held
 * @key: the host's key
 *
 * READ KEYS through a working path: settled active paths first, then the
 * others, failing over on path errors. Paths answer or are marked failed
 * on the way.
 *
 * Return: 1 if @key is registered, 0 if it is not, or a negative errno /
 * PR_STS_* if no path could tell.
 */
static int mpr_probe_key_check(struct mpr_engine *eng, u64 key)
{
	struct mpr_keys *keys;
	int ret = PR_STS_PATH_FAILED;
	bool settled = true;

	keys = kmalloc(struct_size(keys, keys, MPR_MAX_KEYS), GFP_KERNEL);
	if (!keys)
		return -ENOMEM;

	for (;;) {
		struct mpr_path *path;
		bool present;
		int r;

		spin_lock(&eng->lock);
		path = mpr_next_reader_locked(eng, settled);
		spin_unlock(&eng->lock);
		if (!path) {
			if (!settled)
				break;
			settled = false;
			continue;
		}
		r = mpr_key_present(eng, path, keys, key, &present);
		mpr_path_put(path);
		if (!r) {
			ret = present;
			break;
		}
		ret = r;
		if (!mpr_result_is_path_error(r))
			break;
	}
	kfree(keys);
	return ret;
}

/* Pending paths that a probe round registers: reachable and idle. */
static bool mpr_probe_pending_locked(const struct mpr_path *path)
{
	return !path->busy && !path->removed &&
	       path->state == DM_MPATH_PR_PATH_ACTIVE &&
	       path->reg == DM_MPATH_PR_REG_PENDING;
}

/*
 * Failed paths get a READ KEYS (a cheap PERSISTENT RESERVE IN) to see
 * whether they work again; those that answer become active.
 */
static void mpr_probe_failed_paths(struct mpr_engine *eng)
{
	struct mpr_keys *keys;
	struct mpr_path *path;

	keys = kmalloc(struct_size(keys, keys, MPR_MAX_KEYS), GFP_KERNEL);
	if (!keys)
		return;
	for (;;) {
		bool present, found = false;

		spin_lock(&eng->lock);
		list_for_each_entry(path, &eng->paths, node) {
			if (path->busy || path->probed ||
			    path->state != DM_MPATH_PR_PATH_FAILED)
				continue;
			kref_get(&path->ref);
			path->busy = true;
			path->probed = true;
			found = true;
			break;
		}
		spin_unlock(&eng->lock);
		if (!found)
			break;
		mpr_key_present(eng, path, keys, 0, &present);
		mpr_path_put(path);
	}
	spin_lock(&eng->lock);
	list_for_each_entry(path, &eng->paths, node)
		path->probed = false;
	spin_unlock(&eng->lock);
	kfree(keys);
}

/**
 * mpr_engine_probe_once() - one round of bringing paths to the wanted state
 * @eng: the device
 *
 * Failed paths get a READ KEYS to see whether they are back. Pending paths
 * that work get REGISTER AND IGNORE EXISTING KEY with the wanted key (or 0
 * to drop a stale key). Fencing safety: a key is registered on a
 * returning path only if READ KEYS through a working path still shows it;
 * if the key is gone, the host was preempted: the device is marked so and
 * no path is registered until the next successful REGISTER.
 *
 * Return: true if paths still need attention (the caller probes again).
 */
bool mpr_engine_probe_once(struct mpr_engine *eng)
{
	struct mpr_fanout *fo;
	struct mpr_path *path;
	bool pending = false, again = false;
	unsigned int i;
	u64 key = 0;
	int r;

	mutex_lock(&eng->op_mutex);

	mpr_probe_failed_paths(eng);

	spin_lock(&eng->lock);
	list_for_each_entry(path, &eng->paths, node)
		if (mpr_probe_pending_locked(path))
			pending = true;
	if (pending && eng->wanted) {
		key = eng->key;
		if (key && eng->preempted)
			pending = false;
	} else {
		pending = false;
	}
	spin_unlock(&eng->lock);
	if (!pending)
		goto out;

	if (key) {
		r = mpr_probe_key_check(eng, key);
		if (r == 0) {
			spin_lock(&eng->lock);
			if (!eng->preempted)
				DMWARN("%s: key 0x%llx gone: host preempted, no re-registration",
				       eng->name, key);
			eng->preempted = true;
			spin_unlock(&eng->lock);
			goto out;
		}
		if (r < 0 || r > 1) {
			/* Nobody could tell: try again later. */
			again = true;
			goto out;
		}
	}

	fo = mpr_fanout_alloc(eng, READ_ONCE(eng->nr_paths), 0, key);
	if (!fo) {
		again = true;
		goto out;
	}
	spin_lock(&eng->lock);
	list_for_each_entry(path, &eng->paths, node)
		if (mpr_probe_pending_locked(path))
			mpr_fanout_add_locked(fo, path, PR_FL_IGNORE_KEY);
	spin_unlock(&eng->lock);

	mpr_fanout_run(fo, jiffies + msecs_to_jiffies(mpr_op_timeout_ms(eng)));

	spin_lock(&eng->lock);
	for (i = 0; i < fo->nr; i++) {
		struct mpr_slot *slot = &fo->slot[i];

		path = slot->path;
		if (path->removed)
			continue;
		r = mpr_slot_result(slot);
		if (!r && eng->key == key && eng->wanted) {
			path->state = DM_MPATH_PR_PATH_ACTIVE;
			path->reg = mpr_reg_of_key(key);
			DMINFO("%s: path %s %s", eng->name, path->name,
			       key ? "registered" : "unregistered");
		} else if (mpr_result_is_path_error(r)) {
			path->state = DM_MPATH_PR_PATH_FAILED;
		} else if (r) {
			path->state = DM_MPATH_PR_PATH_ACTIVE;
			DMWARN_LIMIT("%s: bringing path %s to the wanted state failed: %s (%d)",
				     eng->name, path->name, mpr_result_name(r), r);
		}
	}
	spin_unlock(&eng->lock);
	mpr_fanout_release(fo);

out:
	spin_lock(&eng->lock);
	list_for_each_entry(path, &eng->paths, node)
		if (path->state == DM_MPATH_PR_PATH_FAILED ||
		    (path->reg == DM_MPATH_PR_REG_PENDING && !eng->preempted))
			again = true;
	spin_unlock(&eng->lock);
	mutex_unlock(&eng->op_mutex);
	return again;
}

static void mpr_probe_work(struct work_struct *work)
{
	struct mpr_engine *eng = container_of(to_delayed_work(work),
					      struct mpr_engine, probe);

	if (mpr_engine_probe_once(eng)) {
		spin_lock(&eng->lock);
		mpr_engine_schedule_probe_locked(eng);
		spin_unlock(&eng->lock);
	}
}

/**
 * mpr_engine_init() - set up a device's engine
 * @eng: zeroed structure
 * @name: the device's name, for messages; must outlive @eng
 * @params: tunables; must outlive @eng
 * @wq: unbound workqueue for path commands and the probe
 */
void mpr_engine_init(struct mpr_engine *eng, const char *name,
		     const struct mpr_engine_params *params,
		     struct workqueue_struct *wq)
{
	eng->name = name;
	eng->params = params;
	eng->wq = wq;
	mutex_init(&eng->op_mutex);
	spin_lock_init(&eng->lock);
	INIT_LIST_HEAD(&eng->paths);
	atomic_set(&eng->inflight, 0);
	INIT_DELAYED_WORK(&eng->probe, mpr_probe_work);
}

/**
 * mpr_engine_stop() - tear a device's engine down
 * @eng: the device; no caller may be inside an operation any more
 *
 * Stops the probe, waits until every path command finished (stragglers
 * included), and drops the device's paths. May sleep for as long as the
 * slowest path command takes.
 */
void mpr_engine_stop(struct mpr_engine *eng)
{
	struct mpr_path *path, *tmp;
	LIST_HEAD(paths);

	spin_lock(&eng->lock);
	eng->stopping = true;
	spin_unlock(&eng->lock);

	cancel_delayed_work_sync(&eng->probe);
	wait_var_event(&eng->inflight, !atomic_read(&eng->inflight));

	spin_lock(&eng->lock);
	list_splice_init(&eng->paths, &paths);
	list_for_each_entry(path, &paths, node)
		path->removed = true;
	eng->nr_paths = 0;
	spin_unlock(&eng->lock);

	list_for_each_entry_safe(path, tmp, &paths, node) {
		list_del_init(&path->node);
		mpr_path_put(path);
	}
	mutex_destroy(&eng->op_mutex);
}
