// SPDX-License-Identifier: GPL-2.0
/*
 * Events of the engine (state changes reported through
 * &mpr_dev_ops.event), and the frame of every operation: one at a time per
 * device, its per-path results, the key check after a conflict, OP_DONE.
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
 * ---- events ---------------------------------------------------------------
 *
 * State changes are made under eng->lock, events are sent without it: the
 * engine keeps what it last reported (path state, preempted, reservation)
 * and mpr_flush_events() reports every difference, each exactly once,
 * whoever calls it. Nothing is reported while the engine has the device
 * suspended; the operation that suspended it flushes after the resume.
 */

static void mpr_emit(struct mpr_engine *eng, const struct mpr_event *ev)
{
	if (eng->dev_ops && eng->dev_ops->event)
		eng->dev_ops->event(eng, ev);
}

/* A path event; the caller holds a reference to @path. */
void mpr_emit_path(struct mpr_engine *eng, enum mpr_event_type type,
		   struct mpr_path *path, u64 key, int result)
{
	struct mpr_event ev = {
		.type = type,
		.path = path,
		.key = key,
		.result = result,
	};

	mpr_emit(eng, &ev);
}

/*
 * The next change not reported yet, marked reported; caller holds
 * eng->lock. A path in @ev->path comes with a reference.
 */
static bool mpr_next_event_locked(struct mpr_engine *eng,
				  struct mpr_event *ev)
{
	struct mpr_path *path;
	u64 holder;

	lockdep_assert_held(&eng->lock);
	if (eng->quiesced)
		return false;
	list_for_each_entry(path, &eng->paths, node) {
		if (path->state == path->ev_state)
			continue;
		path->ev_state = path->state;
		kref_get(&path->ref);
		ev->path = path;
		/* A fenced host's path carries no key: none is reported. */
		ev->key = eng->wanted && !eng->preempted ? eng->key : 0;
		if (path->state == DM_MPATH_PR_PATH_FAILED) {
			ev->type = MPR_EV_PATH_FAILED;
			ev->result = path->ev_cause;
		} else {
			ev->type = MPR_EV_PATH_RESTORED;
		}
		return true;
	}
	if (eng->preempted != eng->ev_preempted) {
		eng->ev_preempted = eng->preempted;
		if (eng->preempted) {
			ev->type = MPR_EV_PREEMPTED;
			ev->key = eng->key;
			return true;
		}
	}
	holder = eng->holder ? eng->holder->id : 0;
	if (eng->res_key != eng->ev_res_key ||
	    eng->res_asked != eng->ev_res_type || holder != eng->ev_holder) {
		eng->ev_res_key = eng->res_key;
		eng->ev_res_type = eng->res_asked;
		eng->ev_holder = holder;
		ev->type = MPR_EV_RESERVATION;
		ev->key = eng->res_key;
		ev->res_type = eng->res_asked;
		ev->holder_id = holder;
		return true;
	}
	return false;
}

/**
 * mpr_flush_events() - report every state change not reported yet
 * @eng: the device; eng->lock not held
 */
void mpr_flush_events(struct mpr_engine *eng)
{
	for (;;) {
		struct mpr_event ev = { 0 };
		bool more;

		spin_lock(&eng->lock);
		more = mpr_next_event_locked(eng, &ev);
		spin_unlock(&eng->lock);
		if (!more)
			return;
		mpr_emit(eng, &ev);
		if (ev.path)
			mpr_path_put(ev.path);
	}
}

/*
 * Start an operation: one at a time per device. The wait for the one in
 * progress is killable (it is bounded anyway: no operation waits on a path
 * past the deadline). Return: 0, or -EINTR if the caller was killed.
 */
int mpr_op_begin(struct mpr_engine *eng,
		 struct mpr_op_ctx *ctx, u32 op, u64 key,
		 u64 ours)
{
	ctx->t0 = ktime_get();
	ctx->op = op;
	ctx->key = key;
	ctx->ours = ours;
	ctx->log = NULL;
	if (eng->dev_ops && eng->dev_ops->event)
		ctx->log = kzalloc(sizeof(*ctx->log), GFP_KERNEL);
	if (mutex_lock_killable(&eng->op_mutex)) {
		kfree(ctx->log);
		return -EINTR;
	}
	eng->log = ctx->log;
	spin_lock(&eng->lock);
	eng->ops_run++;
	spin_unlock(&eng->lock);
	return 0;
}

/*
 * A conflict on the host's key: is the key still on the device? If not,
 * the host was preempted. Caller holds op_mutex; the device is not
 * suspended.
 */
void mpr_verify_key(struct mpr_engine *eng, u64 ours, int result)
{
	bool check;
	u64 key;

	spin_lock(&eng->lock);
	key = eng->key;
	check = eng->wanted && key && !eng->preempted &&
		(eng->suspect || (mpr_result_is_conflict(result) && ours == key));
	eng->suspect = false;
	spin_unlock(&eng->lock);
	if (!check)
		return;
	if (!mpr_probe_key_check(eng, key, NULL, NULL)) {
		spin_lock(&eng->lock);
		if (eng->key == key && eng->wanted)
			mpr_set_preempted_locked(eng, "reservation conflict");
		spin_unlock(&eng->lock);
	}
}

/*
 * End an operation: verify the key after a conflict, report what changed
 * and OP_DONE with the caller's @result, and let the next operation in.
 */
int mpr_op_end(struct mpr_engine *eng, struct mpr_op_ctx *ctx,
	       int result)
{
	struct mpr_event ev = {
		.type = MPR_EV_OP_DONE,
		.key = ctx->key,
		.result = result,
		.op = ctx->op,
	};

	eng->log = NULL;
	mpr_verify_key(eng, ctx->ours, result);
	spin_lock(&eng->lock);
	mpr_engine_schedule_audit_locked(eng);
	spin_unlock(&eng->lock);
	mpr_flush_events(eng);
	if (ctx->log) {
		ev.nr_results = ctx->log->nr;
		ev.results = ctx->log->res;
		if (ctx->log->dropped)
			DMWARN_LIMIT("%s: %u path results left out of the operation's event",
				     eng->name, ctx->log->dropped);
	}
	ev.latency_us = ktime_us_delta(ktime_get(), ctx->t0);
	mpr_emit(eng, &ev);
	mutex_unlock(&eng->op_mutex);
	kfree(ctx->log);
	return result;
}
