// SPDX-License-Identifier: GPL-2.0
/*
 * The deadline fan-out: every command to a path runs as a work item, the
 * caller waits at most the deadline, and an answer that comes later is
 * folded into the path state when it does.
 */

#include <linux/completion.h>
#include <linux/device-mapper.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/pr.h>
#include <linux/refcount.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <scsi/scsi_proto.h>
#include <scsi/scsi_status.h>

#include "engine-int.h"

const char *mpr_cmd_name(const struct mpr_cmd *cmd)
{
	switch (cmd->op) {
	case MPR_OP_REGISTER:
		if (cmd->flags & PR_FL_IGNORE_KEY)
			return "REGISTER AND IGNORE";
		return cmd->sa_key ? "REGISTER" : "unregister";
	case MPR_OP_RESERVE:
		return "RESERVE";
	case MPR_OP_RELEASE:
		return "RELEASE";
	case MPR_OP_PREEMPT:
		return cmd->abort ? "PREEMPT AND ABORT" : "PREEMPT";
	case MPR_OP_CLEAR:
		return "CLEAR";
	case MPR_OP_READ_KEYS:
		return "READ KEYS";
	case MPR_OP_READ_RESV:
		return "READ RESERVATION";
	}
	return "?";
}

/* PR IN: no state changes, safe to send again on another path. */
bool mpr_cmd_is_read(const struct mpr_cmd *cmd)
{
	return cmd->op == MPR_OP_READ_KEYS || cmd->op == MPR_OP_READ_RESV;
}

/*
 * Fan-out: one work item per path, a refcounted context shared by the
 * caller and the work items. The caller waits until every path answered or
 * the deadline passed. After the deadline it "abandons" the context under
 * eng->lock; a work item finishing later sees that and folds its result
 * into the path state itself. Every slot is thus processed exactly once,
 * either by the caller or by its work item, and the context lives until
 * the last of them drops its reference. Commands on a single path use a
 * fan-out of one, so that no caller waits for a path past the deadline.
 */
static void mpr_fanout_free(struct mpr_fanout *fo)
{
	unsigned int i;

	for (i = 0; i < fo->max; i++)
		kvfree(fo->slot[i].keys);
	kfree(fo);
}

struct mpr_fanout *mpr_fanout_alloc(struct mpr_engine *eng,
				    unsigned int max,
				    const struct mpr_cmd *cmd)
{
	struct mpr_fanout *fo;
	unsigned int i;

	fo = kzalloc(struct_size(fo, slot, max), GFP_KERNEL);
	if (!fo)
		return NULL;
	refcount_set(&fo->ref, 1);
	fo->eng = eng;
	init_completion(&fo->done);
	fo->cmd = *cmd;
	fo->max = max;
	if (cmd->op != MPR_OP_READ_KEYS)
		return fo;
	for (i = 0; i < max; i++) {
		fo->slot[i].keys = kvzalloc(struct_size(fo->slot[i].keys, keys,
							cmd->room), GFP_KERNEL);
		if (!fo->slot[i].keys) {
			mpr_fanout_free(fo);
			return NULL;
		}
	}
	return fo;
}

static void mpr_fanout_put(struct mpr_fanout *fo)
{
	if (refcount_dec_and_test(&fo->ref))
		mpr_fanout_free(fo);
}

/*
 * Add @path to @fo and mark it busy; caller holds eng->lock. Paths added to
 * the device since @fo was sized are left for the probe.
 */
void mpr_fanout_add_locked(struct mpr_fanout *fo, struct mpr_path *path,
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
 * mpr_path_exec() - one command on one path, retrying UNIT ATTENTION
 * @path: the path
 * @cmd: the command
 * @slot: flags for the command, and where PR IN answers go
 *
 * After a PR change, every other I_T nexus gets a UNIT ATTENTION once; the
 * target has not executed the command that reported it, so sending it again
 * is safe. Where pr_ops do not tell a UNIT ATTENTION from other CHECK
 * CONDITIONs, any CHECK CONDITION is retried a few times.
 *
 * Return: the last result.
 */
static int mpr_path_exec(struct mpr_path *path, const struct mpr_cmd *cmd,
			 struct mpr_slot *slot)
{
	const struct mpr_path_ops *ops = path->ops;
	unsigned int tries = 0;
	int r;

	do {
		switch (cmd->op) {
		case MPR_OP_REGISTER:
			r = ops->pr_register(path, cmd->key, cmd->sa_key,
					     slot->flags);
			break;
		case MPR_OP_RESERVE:
			r = ops->pr_reserve(path, cmd->key, cmd->type,
					    slot->flags);
			break;
		case MPR_OP_RELEASE:
			r = ops->pr_release(path, cmd->key, cmd->type);
			break;
		case MPR_OP_PREEMPT:
			r = ops->pr_preempt(path, cmd->key, cmd->sa_key,
					    cmd->type, cmd->abort);
			break;
		case MPR_OP_CLEAR:
			r = ops->pr_clear(path, cmd->key);
			break;
		case MPR_OP_READ_KEYS:
			slot->keys->num_keys = cmd->room;
			r = ops->read_keys(path, slot->keys);
			break;
		case MPR_OP_READ_RESV:
			memset(&slot->resv, 0, sizeof(slot->resv));
			r = ops->read_reservation(path, &slot->resv);
			break;
		default:
			r = -EOPNOTSUPP;
			break;
		}
	} while (r == PR_STS_IOERR && ++tries <= MPR_UA_RETRIES);
	return r;
}

/* Path state after a command's result; caller holds eng->lock. */
void mpr_path_note_locked(struct mpr_engine *eng, struct mpr_path *path,
			  int result)
{
	lockdep_assert_held(&eng->lock);
	if (path->removed)
		return;
	if (mpr_result_is_path_error(result)) {
		mpr_path_set_state_locked(path, DM_MPATH_PR_PATH_FAILED, result);
		mpr_engine_schedule_probe_locked(eng);
	} else {
		mpr_path_set_state_locked(path, DM_MPATH_PR_PATH_ACTIVE, 0);
		/* back: the probe brings it to the wanted registration */
		if (path->reg == DM_MPATH_PR_REG_PENDING)
			mpr_engine_schedule_probe_locked(eng);
	}
	if (result == -ETIMEDOUT)
		path->last_result = result;
}

/*
 * A result that arrived after the caller gave up. The caller has marked the
 * path failed (and pending, for a registration) already; correct that with
 * what the path says.
 */
void mpr_fold_late_locked(struct mpr_engine *eng, struct mpr_path *path,
			  const struct mpr_cmd *cmd, int result)
{
	if (path->removed)
		return;
	mpr_path_note_locked(eng, path, result);
	switch (cmd->op) {
	case MPR_OP_REGISTER:
		if (result)
			break;
		/*
		 * Nobody re-counted this registration: a preempt may have
		 * come before it landed, and then it is all that is left of
		 * the host. It stands only once the probe verified it
		 * (mpr_fence_verify_late()); until then the path is pending,
		 * never shown registered. Without a wanted key the engine
		 * has nothing to verify it against: the caller was told the
		 * outcome is unknown, and the path's state is.
		 */
		if (cmd->sa_key && eng->wanted) {
			path->unverified_key = cmd->sa_key;
			path->reg = DM_MPATH_PR_REG_PENDING;
			mpr_engine_schedule_probe_locked(eng);
		} else if (eng->wanted && !eng->key) {
			path->reg = DM_MPATH_PR_REG_NONE;
		} else if (eng->wanted) {
			path->reg = DM_MPATH_PR_REG_PENDING;
		} else {
			path->reg = DM_MPATH_PR_REG_UNKNOWN;
		}
		break;
	case MPR_OP_RESERVE:
		/* The caller was told -ETIMEDOUT; the device says otherwise. */
		if (!result)
			mpr_set_holder_locked(eng, path, cmd->key, cmd->type,
					      cmd->asked);
		break;
	default:
		break;
	}
	if (path->reg == DM_MPATH_PR_REG_PENDING)
		mpr_engine_schedule_probe_locked(eng);
}

static void mpr_slot_work(struct work_struct *work)
{
	struct mpr_slot *slot = container_of(work, struct mpr_slot, work);
	struct mpr_fanout *fo = slot->fo;
	struct mpr_engine *eng = fo->eng;
	struct mpr_path *path = slot->path;
	unsigned int noio;
	bool late;
	u64 us;
	int r;

	/*
	 * The device may be suspended (mpr_preempt_suspended()): reclaim
	 * must not wait for I/O to it while a path command allocates.
	 */
	noio = memalloc_noio_save();
	r = mpr_path_exec(path, &fo->cmd, slot);
	memalloc_noio_restore(noio);
	us = ktime_us_delta(ktime_get(), slot->start);

	spin_lock(&eng->lock);
	path->busy = false;
	mpr_path_account(path, r);
	slot->result = r;
	slot->latency_us = us;
	slot->done = true;
	late = fo->abandoned;
	if (late) {
		mpr_fold_late_locked(eng, path, &fo->cmd, r);
		DMINFO("%s: late result of %s on path %s after the deadline: %s (%d)",
		       eng->name, mpr_cmd_name(&fo->cmd), path->name,
		       mpr_result_name(r), r);
	}
	spin_unlock(&eng->lock);
	/* A late answer may have restored the path. */
	if (late)
		mpr_flush_events(eng);

	if (atomic_dec_and_test(&fo->pending))
		complete(&fo->done);
	/* @slot lives in @fo: no access after this put. */
	mpr_fanout_put(fo);
	mpr_path_put(path);
	mpr_engine_inflight_put(eng);
}

static void mpr_slot_queue(struct mpr_fanout *fo, struct mpr_slot *slot)
{
	/* The work item's references; the slot keeps the caller's. */
	refcount_inc(&fo->ref);
	kref_get(&slot->path->ref);
	mpr_engine_inflight_get(fo->eng);
	slot->start = ktime_get();
	INIT_WORK(&slot->work, mpr_slot_work);
	queue_work(fo->eng->wq, &slot->work);
}

/**
 * mpr_fanout_run() - send the commands of a fan-out and wait for them
 * @fo: prepared fan-out
 * @deadline: jiffies by which the caller stops waiting
 *
 * The commands go out at once, but for the slot of &mpr_fanout.last (if
 * set and not alone): that one goes out when the others finished, or at
 * the deadline if they did not.
 *
 * On return every slot either has its result (done) or belongs to a work
 * item that will fold its result in later.
 */
void mpr_fanout_run(struct mpr_fanout *fo, unsigned long deadline)
{
	struct mpr_slot *last = NULL;
	unsigned int i;
	long left;

	for (i = 0; fo->last && fo->nr > 1 && i < fo->nr; i++)
		if (fo->slot[i].path == fo->last)
			last = &fo->slot[i];

	atomic_set(&fo->pending, fo->nr - (last ? 1 : 0));
	if (!fo->nr)
		complete(&fo->done);
	for (i = 0; i < fo->nr; i++)
		if (&fo->slot[i] != last)
			mpr_slot_queue(fo, &fo->slot[i]);

	if (last) {
		left = (long)(deadline - jiffies);
		/*
		 * Completed: every other slot is done, nobody completes it
		 * again before the last slot does. At the deadline late
		 * slots may still do so; the wait below is over by then.
		 */
		if (left > 0 && wait_for_completion_timeout(&fo->done, left))
			reinit_completion(&fo->done);
		atomic_inc(&fo->pending);
		mpr_slot_queue(fo, last);
	}

	left = (long)(deadline - jiffies);
	if (left > 0)
		wait_for_completion_timeout(&fo->done, left);

	spin_lock(&fo->eng->lock);
	fo->abandoned = true;
	spin_unlock(&fo->eng->lock);
}

/* Result of a slot for the caller: late slots count as timed out. */
int mpr_slot_result(const struct mpr_slot *slot)
{
	return slot->done ? slot->result : -ETIMEDOUT;
}

struct mpr_slot *mpr_fanout_find(struct mpr_fanout *fo,
				 struct mpr_path *path)
{
	unsigned int i;

	for (i = 0; fo && i < fo->nr; i++)
		if (fo->slot[i].path == path)
			return &fo->slot[i];
	return NULL;
}

/*
 * Record the results of a fan-out in the operation's log, as the caller
 * sees them: a command that did not answer in time counts as -ETIMEDOUT
 * after the time waited.
 */
static void mpr_fanout_log(struct mpr_fanout *fo)
{
	struct mpr_engine *eng = fo->eng;
	struct mpr_op_log *log = eng->log;
	ktime_t now = ktime_get();
	unsigned int i;

	if (!log)
		return;
	spin_lock(&eng->lock);
	for (i = 0; i < fo->nr; i++) {
		struct mpr_slot *slot = &fo->slot[i];
		struct mpr_event_result *res;

		if (log->nr == MPR_OP_LOG_MAX) {
			log->dropped++;
			continue;
		}
		res = &log->res[log->nr];
		strscpy(log->name[log->nr], slot->path->name,
			sizeof(log->name[0]));
		res->name = log->name[log->nr];
		res->id = slot->path->id;
		res->result = mpr_slot_result(slot);
		res->latency_us = slot->done ? slot->latency_us :
				  ktime_us_delta(now, slot->start);
		log->nr++;
	}
	spin_unlock(&eng->lock);
}

void mpr_fanout_release(struct mpr_fanout *fo)
{
	unsigned int i;

	if (!fo)
		return;
	mpr_fanout_log(fo);
	for (i = 0; i < fo->nr; i++)
		mpr_path_put(fo->slot[i].path);
	mpr_fanout_put(fo);
}

/**
 * mpr_fanout_prepare() - a command for every usable path
 * @eng: the device, op_mutex held
 * @cmd: the command
 *
 * All usable paths: active and without a command in flight. If no path is
 * active, every idle path is tried: a stale failed mark must not make the
 * device unusable.
 *
 * Return: the fan-out or NULL without memory.
 */
struct mpr_fanout *mpr_fanout_prepare(struct mpr_engine *eng,
				      const struct mpr_cmd *cmd)
{
	struct mpr_fanout *fo;
	struct mpr_path *path;
	bool any_active = false;

	fo = mpr_fanout_alloc(eng, READ_ONCE(eng->nr_paths), cmd);
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
		mpr_fanout_add_locked(fo, path, cmd->flags);
	}
	spin_unlock(&eng->lock);
	return fo;
}

void mpr_tally_add(struct mpr_tally *t, int r)
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
