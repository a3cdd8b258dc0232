// SPDX-License-Identifier: GPL-2.0
/*
 * Commands that go to one path at a time, failing over to the next path
 * as the result says; and the device's suspend and resume.
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

/*
 * ---- one path at a time --------------------------------------------------
 *
 * RESERVE, RELEASE on a known holder, PREEMPT, CLEAR and the PR IN commands
 * go to one path; the next path is tried according to the result. Each
 * step of an operation numbers itself (op_seq), and a path gets at most one
 * command per step.
 */

/* Start a step: every path may be tried once again. */
void mpr_step_begin(struct mpr_engine *eng)
{
	lockdep_assert_held(&eng->op_mutex);
	spin_lock(&eng->lock);
	eng->op_seq++;
	spin_unlock(&eng->lock);
}

bool mpr_pickable_locked(const struct mpr_engine *eng,
			 const struct mpr_path *path)
{
	return !path->busy && !path->removed && path->tried != eng->op_seq;
}

/*
 * The next path of this step: the known holder if @prefer_holder (and the
 * command's key is the one the reservation was taken with), then active
 * paths in list order (the order userspace gave: dm's path groups), then
 * failed ones. Caller holds eng->lock.
 */
static struct mpr_path *mpr_pick_locked(struct mpr_engine *eng,
					const struct mpr_cmd *cmd,
					bool prefer_holder)
{
	struct mpr_path *path, *holder = eng->holder;

	if (prefer_holder && holder && eng->res_key == cmd->key &&
	    holder->state == DM_MPATH_PR_PATH_ACTIVE &&
	    mpr_pickable_locked(eng, holder))
		return holder;
	list_for_each_entry(path, &eng->paths, node)
		if (path->state == DM_MPATH_PR_PATH_ACTIVE &&
		    mpr_pickable_locked(eng, path))
			return path;
	list_for_each_entry(path, &eng->paths, node)
		if (mpr_pickable_locked(eng, path))
			return path;
	return NULL;
}

/* Run a fan-out of one and collect its result. */
static int mpr_exec_run(struct mpr_engine *eng, struct mpr_fanout *fo,
			struct mpr_in *in)
{
	struct mpr_slot *slot = &fo->slot[0];
	int r;

	mpr_fanout_run(fo, mpr_deadline(eng));
	spin_lock(&eng->lock);
	r = mpr_slot_result(slot);
	mpr_path_note_locked(eng, slot->path, r);
	spin_unlock(&eng->lock);

	if (r) {
		DMWARN_LIMIT("%s: %s on path %s failed: %s (%d)", eng->name,
			     mpr_cmd_name(&fo->cmd), slot->path->name,
			     mpr_result_name(r), r);
		return r;
	}
	if (!in)
		return 0;
	if (fo->cmd.op == MPR_OP_READ_RESV && in->resv) {
		*in->resv = slot->resv;
	} else if (fo->cmd.op == MPR_OP_READ_KEYS && in->keys) {
		*in->generation = slot->keys->generation;
		*in->num_keys = slot->keys->num_keys;
		memcpy(in->keys, slot->keys->keys,
		       min(fo->cmd.room, slot->keys->num_keys) * sizeof(u64));
	}
	return 0;
}

/**
 * mpr_exec_on() - one command on a given path
 * @eng: the device, op_mutex held
 * @path: the path (the caller holds a reference)
 * @cmd: the command
 * @in: where a PR IN answer goes, or NULL
 *
 * Return: the result; -ENODEV if the path left the device or is busy.
 */
int mpr_exec_on(struct mpr_engine *eng, struct mpr_path *path,
		const struct mpr_cmd *cmd, struct mpr_in *in)
{
	struct mpr_fanout *fo;
	bool added = false;
	int r = -ENODEV;

	fo = mpr_fanout_alloc(eng, 1, cmd);
	if (!fo)
		return -ENOMEM;
	spin_lock(&eng->lock);
	if (!path->busy && !path->removed) {
		path->tried = eng->op_seq;
		mpr_fanout_add_locked(fo, path, cmd->flags);
		added = true;
	}
	spin_unlock(&eng->lock);
	if (added)
		r = mpr_exec_run(eng, fo, in);
	mpr_fanout_release(fo);
	return r;
}

/**
 * mpr_exec_next() - one command on the next path of the step
 * @eng: the device, op_mutex held
 * @cmd: the command
 * @prefer_holder: try the known holder first
 * @used: set to the path used, with a reference, or NULL if no path was
 *	left (or no memory)
 * @in: where a PR IN answer goes, or NULL
 *
 * Return: the result; 0 or -ENOMEM if *@used is NULL.
 */
static int mpr_exec_next(struct mpr_engine *eng, const struct mpr_cmd *cmd,
			 bool prefer_holder, struct mpr_path **used,
			 struct mpr_in *in)
{
	struct mpr_fanout *fo;
	struct mpr_path *path;
	int r;

	*used = NULL;
	fo = mpr_fanout_alloc(eng, 1, cmd);
	if (!fo)
		return -ENOMEM;
	spin_lock(&eng->lock);
	path = mpr_pick_locked(eng, cmd, prefer_holder);
	if (path) {
		path->tried = eng->op_seq;
		kref_get(&path->ref);
		mpr_fanout_add_locked(fo, path, cmd->flags);
	}
	spin_unlock(&eng->lock);
	r = path ? mpr_exec_run(eng, fo, in) : 0;
	mpr_fanout_release(fo);
	*used = path;
	return r;
}

/**
 * mpr_send_one() - a command on one path, failing over
 * @eng: the device, op_mutex held
 * @cmd: the command
 * @prefer_holder: try the known holder first
 * @rule: what a conflict means
 * @used: if not NULL, set to the path that succeeded (with a reference)
 * @in: where a PR IN answer goes, or NULL
 *
 * Paths are tried one at a time: success ends the step; a path error moves
 * on to the next path, except for a PR OUT that got no answer before the
 * deadline (its outcome is unknown, so it is not repeated elsewhere); a
 * conflict moves on as @rule says; anything else is the answer (for PR IN:
 * an ILLEGAL REQUEST is not retried on another path).
 *
 * Return: 0, the answer, PR_STS_RESERVATION_CONFLICT if paths conflicted
 * and no path succeeded, or PR_STS_PATH_FAILED if no path could be reached
 * (a path error is never reported as a conflict).
 */
int mpr_send_one(struct mpr_engine *eng, const struct mpr_cmd *cmd,
		 bool prefer_holder, enum mpr_conflict_rule rule,
		 struct mpr_path **used, struct mpr_in *in)
{
	unsigned int conflicts = 0, down = 0;
	struct mpr_path *path;
	bool next, registered;
	int r;

	if (used)
		*used = NULL;
	mpr_step_begin(eng);
	for (;;) {
		r = mpr_exec_next(eng, cmd, prefer_holder, &path, in);
		if (!path) {
			if (r)
				return r;
			break;
		}
		if (!r) {
			if (used)
				*used = path;
			else
				mpr_path_put(path);
			return 0;
		}
		spin_lock(&eng->lock);
		registered = path->reg == DM_MPATH_PR_REG_REGISTERED;
		spin_unlock(&eng->lock);
		next = mpr_rule_send_next(r, rule, registered,
					  mpr_cmd_is_read(cmd));
		if (mpr_result_is_conflict(r)) {
			conflicts++;
		} else if (mpr_result_is_path_error(r)) {
			down++;
			if (!next)
				DMERR("%s: %s on path %s: no answer in time; not resent",
				      eng->name, mpr_cmd_name(cmd), path->name);
		}
		mpr_path_put(path);
		if (!next)
			return r;
	}
	if (!conflicts && !down)
		DMERR("%s: %s: no path to send it on", eng->name,
		      mpr_cmd_name(cmd));
	return mpr_rule_send_result(conflicts);
}

/**
 * mpr_read_resv() - READ RESERVATION through the first path that answers
 * @eng: the device, op_mutex held
 * @rsv: the answer
 *
 * Return: 0, or the result of the last path.
 */
int mpr_read_resv(struct mpr_engine *eng, struct mpr_resv *rsv)
{
	struct mpr_cmd cmd = { .op = MPR_OP_READ_RESV };
	struct mpr_in in = { .resv = rsv };

	memset(rsv, 0, sizeof(*rsv));
	return mpr_send_one(eng, &cmd, false, MPR_CONFLICT_STOP, NULL, &in);
}

/*
 * The device's suspend, in a work item: it waits for the I/O in flight,
 * and I/O on a hung path ends only when its transport gives up. If the
 * caller gave up meanwhile, the device is resumed at once.
 */
void mpr_suspend_work(struct work_struct *work)
{
	struct mpr_engine *eng = container_of(work, struct mpr_engine,
					      susp_work);
	bool abandoned;
	int r;

	r = eng->dev_ops->suspend(eng);
	spin_lock(&eng->lock);
	abandoned = eng->susp_state == MPR_SUSP_ABANDONED;
	if (!abandoned) {
		eng->susp_state = MPR_SUSP_DONE;
		eng->susp_result = r;
		complete(&eng->susp_done);
	}
	spin_unlock(&eng->lock);
	if (abandoned) {
		if (!r)
			eng->dev_ops->resume(eng);
		DMWARN("%s: a suspend given up at the deadline ended (%d)%s",
		       eng->name, r, r ? "" : "; resumed");
		spin_lock(&eng->lock);
		eng->susp_state = MPR_SUSP_IDLE;
		spin_unlock(&eng->lock);
	}
	mpr_engine_inflight_put(eng);
}

/**
 * mpr_suspend() - quiesce the device's host I/O around a multi-nexus change
 * @eng: the device, op_mutex held
 *
 * The suspend waits for the device's I/O in flight; on a hung path that is
 * as long as the transport takes. The caller waits for it until the
 * deadline only: then the suspend is abandoned (the device is resumed as
 * soon as it returns) and, until that happened, every later suspend fails
 * at once.
 *
 * Return: 0 (the caller must mpr_resume()), -ETIMEDOUT at the deadline,
 * -EBUSY while an abandoned suspend is still in progress, or what the
 * device's suspend returned.
 */
int mpr_suspend(struct mpr_engine *eng)
{
	unsigned long deadline = mpr_deadline(eng);
	long left;
	int r;

	if (!eng->dev_ops || !eng->dev_ops->suspend)
		return -EOPNOTSUPP;
	spin_lock(&eng->lock);
	if (eng->susp_state != MPR_SUSP_IDLE) {
		spin_unlock(&eng->lock);
		DMERR("%s: cannot suspend: an earlier suspend has not ended",
		      eng->name);
		return -EBUSY;
	}
	eng->susp_state = MPR_SUSP_RUNNING;
	reinit_completion(&eng->susp_done);
	spin_unlock(&eng->lock);

	/* Teardown waits for the work as for a path command. */
	mpr_engine_inflight_get(eng);
	queue_work(eng->wq, &eng->susp_work);
	left = (long)(deadline - jiffies);
	if (left > 0)
		wait_for_completion_timeout(&eng->susp_done, left);

	spin_lock(&eng->lock);
	if (eng->susp_state == MPR_SUSP_RUNNING) {
		eng->susp_state = MPR_SUSP_ABANDONED;
		spin_unlock(&eng->lock);
		DMERR("%s: cannot suspend within the deadline: I/O in flight hangs",
		      eng->name);
		return -ETIMEDOUT;
	}
	r = eng->susp_result;
	eng->susp_state = r ? MPR_SUSP_IDLE : MPR_SUSP_HELD;
	if (!r) {
		eng->suspends++;
		eng->quiesced = true;
	}
	spin_unlock(&eng->lock);
	if (r)
		DMERR("%s: cannot suspend the device: %d", eng->name, r);
	return r;
}

void mpr_resume(struct mpr_engine *eng)
{
	eng->dev_ops->resume(eng);
	spin_lock(&eng->lock);
	eng->quiesced = false;
	eng->susp_state = MPR_SUSP_IDLE;
	spin_unlock(&eng->lock);
}
