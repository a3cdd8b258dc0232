// SPDX-License-Identifier: GPL-2.0
/*
 * RESERVE, RELEASE, PREEMPT (AND ABORT), CLEAR, READ KEYS and READ
 * RESERVATION.
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
 * ---- reservations ----------------------------------------------------------
 */

/**
 * mpr_type_policy() - apply the single-holder policy to a reservation type
 * @eng: the device
 * @cmd: RESERVE or PREEMPT; @cmd->type may be translated
 *
 * Write Exclusive and Exclusive Access have one holder I_T nexus: through
 * a multipath device the host's I/O on its other paths would fail with
 * RESERVATION CONFLICT. See enum mpr_single_holder.
 *
 * Return: 0, or -EOPNOTSUPP if the type is refused.
 */
static int mpr_type_policy(struct mpr_engine *eng, struct mpr_cmd *cmd)
{
	enum pr_type asked = cmd->type;
	unsigned int nr;

	cmd->asked = asked;
	spin_lock(&eng->lock);
	nr = eng->nr_paths;
	spin_unlock(&eng->lock);

	switch (mpr_rule_type(asked, nr, READ_ONCE(eng->params->single_holder),
			      &cmd->type)) {
	case MPR_TYPE_UNSAFE:
		DMWARN_LIMIT("%s: %s %s: I/O on %u other paths will fail (single_holder)",
			     eng->name, mpr_cmd_name(cmd),
			     mpr_type_name(asked), nr - 1);
		return 0;
	case MPR_TYPE_REFUSED:
		DMERR_LIMIT("%s: %s %s refused: I/O on %u other paths would fail (single_holder)",
			    eng->name, mpr_cmd_name(cmd),
			    mpr_type_name(asked), nr - 1);
		return -EOPNOTSUPP;
	default:
		return 0;
	}
}

/* The type a RELEASE is sent with: the one the reservation was taken with. */
static enum pr_type mpr_release_type(struct mpr_engine *eng, u64 key,
				     enum pr_type type)
{
	struct mpr_cmd cmd = { .op = MPR_OP_RESERVE, .type = type };

	spin_lock(&eng->lock);
	if (eng->res_type && eng->res_key == key && eng->res_asked == type) {
		type = eng->res_type;
		spin_unlock(&eng->lock);
		return type;
	}
	spin_unlock(&eng->lock);
	if (READ_ONCE(eng->params->single_holder) == MPR_SH_TRANSLATE &&
	    !mpr_type_policy(eng, &cmd))
		type = cmd.type;
	return type;
}

/**
 * mpr_engine_reserve() - RESERVE
 * @eng: the device
 * @key: the host's key
 * @type: reservation type
 * @flags: as given to pr_ops
 *
 * One path at a time, the known holder first, then active paths in order
 * (dm's current path is not known to other modules). While the host holds
 * the reservation only the holder nexus answers GOOD, so a conflict moves
 * on to the next path. If every reachable path conflicts but READ
 * RESERVATION shows the host's key holding a reservation of this type, it
 * is held through a path that cannot be reached: that is success, as the
 * holder would have answered.
 *
 * Return: 0, -errno or PR_STS_*.
 */
int mpr_engine_reserve(struct mpr_engine *eng, u64 key, enum pr_type type,
		       u32 flags)
{
	struct mpr_cmd cmd = {
		.op = MPR_OP_RESERVE,
		.key = key,
		.type = type,
		.flags = flags,
	};
	struct mpr_op_ctx ctx;
	struct mpr_path *path;
	struct mpr_resv rsv;
	int r;

	r = mpr_op_begin(eng, &ctx, DM_MPATH_PR_OP_RESERVE, key, key);
	if (r)
		return r;
	r = mpr_type_policy(eng, &cmd);
	if (r)
		return mpr_op_end(eng, &ctx, r);

	r = mpr_send_one(eng, &cmd, true, MPR_CONFLICT_NEXT, &path, NULL);
	if (!r) {
		spin_lock(&eng->lock);
		mpr_set_holder_locked(eng, path, key, cmd.type, cmd.asked);
		spin_unlock(&eng->lock);
		mpr_path_put(path);
	} else if (mpr_result_is_conflict(r) && !mpr_read_resv(eng, &rsv) &&
		   mpr_rule_reserve_held(&rsv, key, cmd.type)) {
		DMINFO("%s: RESERVE: already held with this key through an unreachable path",
		       eng->name);
		spin_lock(&eng->lock);
		if (eng->res_key != key || eng->res_type != cmd.type)
			mpr_set_holder_locked(eng, NULL, key, cmd.type,
					      cmd.asked);
		spin_unlock(&eng->lock);
		r = 0;
	}
	if (r)
		DMERR_LIMIT("%s: RESERVE %s failed: %s (%d)", eng->name,
			    mpr_type_name(cmd.type), mpr_result_name(r), r);
	return mpr_op_end(eng, &ctx, r);
}

/**
 * mpr_restore_after_preempt() - register the host's paths again
 * @eng: the device, op_mutex held, suspended
 * @pcmd: the PREEMPT of the host's own key (or of all registrants)
 * @issuer: the path it was sent on
 * @before: what READ KEYS showed just before the PREEMPT, or NULL if it
 *	could not tell
 *
 * The target dropped the key from every other nexus of the host, and from
 * the issuer too if no reservation was held with it. They get it back
 * through the fencing protocol. If the key is gone from the device, only
 * our own PREEMPT may account for that (the PRgeneration moved by exactly
 * one since @before); otherwise another host preempted us in between and
 * nothing is registered.
 */
static void mpr_restore_after_preempt(struct mpr_engine *eng,
				      const struct mpr_cmd *pcmd,
				      struct mpr_path *issuer,
				      const struct mpr_fence *before)
{
	struct mpr_cmd cmd = {
		.op = MPR_OP_REGISTER,
		.sa_key = pcmd->key,
		.flags = PR_FL_IGNORE_KEY,
	};
	enum mpr_restore_verdict v;
	struct mpr_fence fc = { 0 };
	struct mpr_fanout *fo;
	struct mpr_path *p;
	int r;

	spin_lock(&eng->lock);
	/* The PREEMPT proved that the host owned the key. */
	if (!eng->wanted || eng->key != pcmd->key)
		mpr_adopt_registered_locked(eng, pcmd->key);
	list_for_each_entry(p, &eng->paths, node)
		p->reg = DM_MPATH_PR_REG_PENDING;
	spin_unlock(&eng->lock);

	r = mpr_probe_key_check(eng, pcmd->key, &fc.count, &fc.gen);
	v = mpr_rule_restore(r, before, fc.gen);
	if (v == MPR_RESTORE_UNKNOWN) {
		DMWARN("%s: no restore after %s, READ KEYS failed: %s (%d)",
		       eng->name, mpr_cmd_name(pcmd), mpr_result_name(r), r);
		return;
	}
	if (v == MPR_RESTORE_FENCED) {
		spin_lock(&eng->lock);
		mpr_set_preempted_locked(eng, "restore after a self-preempt");
		spin_unlock(&eng->lock);
		return;
	}
	fo = mpr_fanout_alloc(eng, READ_ONCE(eng->nr_paths), &cmd);
	if (!fo)
		return;
	spin_lock(&eng->lock);
	if (v == MPR_RESTORE_OTHERS)
		issuer->reg = mpr_reg_of_key(pcmd->key);
	list_for_each_entry(p, &eng->paths, node)
		if ((p != issuer || v == MPR_RESTORE_ALL) && !p->busy &&
		    !p->removed && p->state == DM_MPATH_PR_PATH_ACTIVE)
			mpr_fanout_add_locked(fo, p, PR_FL_IGNORE_KEY);
	spin_unlock(&eng->lock);
	mpr_fence_register(eng, &fc, fo, false);
	mpr_fanout_release(fo);
}

/**
 * mpr_preempt_suspended() - a PREEMPT that strips the host's own nexuses
 * @eng: the device, op_mutex held
 * @pcmd: the PREEMPT (of the host's own key, or of all registrants)
 * @release: RELEASE the reservation on the issuing path afterwards
 * @issuer: set to the path that carried the PREEMPT (with a reference), or
 *	NULL
 *
 * Such a PREEMPT removes the host's registration from every nexus but the
 * one it was sent on (from that one too if no reservation is held with the
 * key). Host I/O in that window would fail with RESERVATION CONFLICT, so
 * the device is suspended (without flushing: queued I/O waits), and every
 * live path is registered again with REGISTER AND IGNORE EXISTING KEY
 * before it resumes. Paths that cannot be reached are pending: the probe
 * registers them when they return.
 *
 * Return: the result of the PREEMPT if it failed, else of the RELEASE.
 */
int mpr_preempt_suspended(struct mpr_engine *eng,
			  const struct mpr_cmd *pcmd, bool release,
			  struct mpr_path **issuer)
{
	struct mpr_cmd rel = {
		.op = MPR_OP_RELEASE,
		.key = pcmd->key,
		.type = pcmd->type,
	};
	struct mpr_fence before;
	struct mpr_path *path;
	unsigned int noio;
	int r, rb, rr = 0;

	*issuer = NULL;
	/*
	 * Nothing suspends the device for a key that is not registered: any
	 * writer of the device may call PREEMPT, and a suspend for a command
	 * that can only conflict would let it freeze the map's I/O.
	 */
	rb = mpr_probe_key_check(eng, pcmd->key, NULL, NULL);
	if (!rb)
		return PR_STS_RESERVATION_CONFLICT;
	if (rb != 1)
		return rb;
	/* From the suspend on, no allocation may wait for I/O to the map. */
	noio = memalloc_noio_save();
	r = mpr_suspend(eng);
	if (r) {
		memalloc_noio_restore(noio);
		return r;
	}
	/* What the restore compares with (mpr_restore_after_preempt()). */
	rb = mpr_probe_key_check(eng, pcmd->key, &before.count, &before.gen);

	r = mpr_send_one(eng, pcmd, false, MPR_CONFLICT_NEXT_UNREG, &path,
			 NULL);
	if (r) {
		DMERR_LIMIT("%s: %s of the host's own key failed: %s (%d)", eng->name,
			    mpr_cmd_name(pcmd), mpr_result_name(r), r);
		goto resume;
	}
	if (release)
		rr = mpr_exec_on(eng, path, &rel, NULL);

	mpr_restore_after_preempt(eng, pcmd, path, rb == 1 ? &before : NULL);
	*issuer = path;
resume:
	mpr_resume(eng);
	memalloc_noio_restore(noio);
	return r ? r : rr;
}

/* RELEASE on every usable path, results added to @t. */
static int mpr_release_all(struct mpr_engine *eng, const struct mpr_cmd *cmd,
			   struct mpr_tally *t)
{
	struct mpr_fanout *fo;
	unsigned int i;
	int r;

	fo = mpr_fanout_prepare(eng, cmd);
	if (!fo)
		return -ENOMEM;
	mpr_fanout_run(fo, mpr_deadline(eng));
	spin_lock(&eng->lock);
	for (i = 0; i < fo->nr; i++) {
		r = mpr_slot_result(&fo->slot[i]);
		mpr_tally_add(t, r);
		mpr_path_note_locked(eng, fo->slot[i].path, r);
		if (r)
			DMWARN_LIMIT("%s: RELEASE on path %s failed: %s (%d)",
				     eng->name, fo->slot[i].path->name,
				     mpr_result_name(r), r);
	}
	spin_unlock(&eng->lock);
	mpr_fanout_release(fo);
	return 0;
}

/**
 * mpr_release_locked() - RELEASE
 * @eng: the device, op_mutex held
 * @key: the host's key
 * @type: reservation type, as sent to the device
 *
 * On the known holder path; if the holder is not known, or its path is
 * down, on every usable path (a nexus that does not hold the reservation
 * answers GOOD and changes nothing, so another host's reservation is never
 * touched). Then READ RESERVATION tells what happened: if the host's key
 * still holds a reservation of @type after every usable path was asked,
 * the holder nexus could not be reached, and the suspended self-preempt
 * moves the reservation to a live path and releases it there. That is
 * only done when the engine itself took the reservation: a nexus of another
 * node sharing the key is left alone.
 *
 * Return: 0, -errno or PR_STS_*.
 */
int mpr_release_locked(struct mpr_engine *eng, u64 key,
		       enum pr_type type)
{
	struct mpr_cmd cmd = {
		.op = MPR_OP_RELEASE,
		.key = key,
		.type = type,
	};
	struct mpr_tally t = { 0 };
	struct mpr_path *path;
	struct mpr_resv rsv;
	bool ours, all = false;
	int r;

	spin_lock(&eng->lock);
	path = eng->holder;
	if (path && (eng->res_key != key || eng->res_type != type ||
		     path->state != DM_MPATH_PR_PATH_ACTIVE || path->busy))
		path = NULL;
	if (path)
		kref_get(&path->ref);
	spin_unlock(&eng->lock);
	if (path) {
		mpr_tally_add(&t, mpr_exec_on(eng, path, &cmd, NULL));
		mpr_path_put(path);
	}
again:
	if (!path || t.path_err) {
		r = mpr_release_all(eng, &cmd, &t);
		if (r)
			return r;
		all = true;
	}
	if (mpr_rule_release_sent(&t, &r))
		return r;

	/*
	 * The RELEASE was sent and a nexus answered GOOD: only READ
	 * RESERVATION can tell what happened. It changes nothing, so it is
	 * asked again once if it fails (a transient error, no memory). If it
	 * still fails, the outcome is unknown: the caller gets the error
	 * (a RELEASE again is harmless) and the engine forgets the
	 * reservation it believed in, rather than keep a belief that may be
	 * false.
	 */
	r = mpr_read_resv(eng, &rsv);
	if (r)
		r = mpr_read_resv(eng, &rsv);
	if (r) {
		spin_lock(&eng->lock);
		if (eng->res_key == key)
			mpr_forget_reservation_locked(eng);
		spin_unlock(&eng->lock);
		return r;
	}
	spin_lock(&eng->lock);
	ours = eng->res_type == type && eng->res_key == key;
	spin_unlock(&eng->lock);
	switch (mpr_rule_release_verified(&t, &rsv, key, type, all, ours, &r)) {
	case MPR_REL_DONE:
		return r;
	case MPR_REL_GONE:
		spin_lock(&eng->lock);
		if (eng->res_key == key)
			mpr_forget_reservation_locked(eng);
		spin_unlock(&eng->lock);
		return r;
	case MPR_REL_ASK_ALL:
		/* The known holder was not the holder any more: ask all. */
		path = NULL;
		goto again;
	case MPR_REL_LEAVE:
		DMWARN("%s: RELEASE: key 0x%llx held via a nexus not known as ours; left alone",
		       eng->name, key);
		return 0;
	case MPR_REL_SELF_PREEMPT:
		break;
	}

	DMINFO("%s: RELEASE: holder path unreachable; releasing through a live path",
	       eng->name);
	cmd.op = MPR_OP_PREEMPT;
	cmd.sa_key = key;
	r = mpr_preempt_suspended(eng, &cmd, true, &path);
	if (path)
		mpr_path_put(path);
	if (!r) {
		spin_lock(&eng->lock);
		mpr_forget_reservation_locked(eng);
		spin_unlock(&eng->lock);
	}
	return r;
}

/**
 * mpr_engine_release() - RELEASE
 * @eng: the device
 * @key: the host's key
 * @type: reservation type
 *
 * See mpr_release_locked().
 *
 * Return: 0, -errno or PR_STS_*.
 */
int mpr_engine_release(struct mpr_engine *eng, u64 key, enum pr_type type)
{
	struct mpr_op_ctx ctx;
	int r;

	r = mpr_op_begin(eng, &ctx, DM_MPATH_PR_OP_RELEASE, key, key);
	if (r)
		return r;
	type = mpr_release_type(eng, key, type);
	r = mpr_release_locked(eng, key, type);
	if (r)
		DMERR_LIMIT("%s: RELEASE %s failed: %s (%d)", eng->name,
			    mpr_type_name(type), mpr_result_name(r), r);
	return mpr_op_end(eng, &ctx, r);
}

/**
 * mpr_engine_preempt() - PREEMPT or PREEMPT AND ABORT
 * @eng: the device
 * @old_key: the host's key (the reservation key)
 * @new_key: the key to preempt (the service action reservation key)
 * @type: type of the reservation the host takes, if it preempts one
 * @abort: PREEMPT AND ABORT: passed on to the path as is
 *
 * READ RESERVATION first tells which case this is. Preempting the host's
 * own key, or an all-registrants reservation (@new_key 0), strips the
 * host's other nexuses too: that runs with the device suspended and
 * registers them again (mpr_preempt_suspended()). Anything else goes to one
 * path, failing over on path errors and on conflicts of paths not known to
 * carry the key. If a reservation was preempted, the issuing path holds it.
 *
 * Return: 0, -errno or PR_STS_*.
 */
int mpr_engine_preempt(struct mpr_engine *eng, u64 old_key, u64 new_key,
		       enum pr_type type, bool abort)
{
	struct mpr_cmd cmd = {
		.op = MPR_OP_PREEMPT,
		.key = old_key,
		.sa_key = new_key,
		.type = type,
		.abort = abort,
	};
	struct mpr_preempt_plan plan;
	struct mpr_path *path = NULL;
	struct mpr_op_ctx ctx;
	struct mpr_resv rsv;
	int r;

	r = mpr_op_begin(eng, &ctx, abort ? DM_MPATH_PR_OP_PREEMPT_ABORT :
				   DM_MPATH_PR_OP_PREEMPT, old_key, old_key);
	if (r)
		return r;

	r = mpr_read_resv(eng, &rsv);
	mpr_rule_preempt_plan(r ? NULL : &rsv, old_key, new_key, &plan);
	r = plan.type_matters ? mpr_type_policy(eng, &cmd) : 0;
	if (r)
		goto out;

	if (plan.suspended)
		r = mpr_preempt_suspended(eng, &cmd, false, &path);
	else
		r = mpr_send_one(eng, &cmd, false, MPR_CONFLICT_NEXT_UNREG,
				 &path, NULL);
	if (!r && plan.takes_res) {
		spin_lock(&eng->lock);
		mpr_set_holder_locked(eng, path, old_key, cmd.type, cmd.asked);
		spin_unlock(&eng->lock);
	}
	if (path)
		mpr_path_put(path);
out:
	if (r)
		DMERR_LIMIT("%s: %s of key 0x%llx failed: %s (%d)", eng->name,
			    mpr_cmd_name(&cmd), new_key, mpr_result_name(r), r);
	return mpr_op_end(eng, &ctx, r);
}

/**
 * mpr_engine_clear() - CLEAR
 * @eng: the device
 * @key: the host's key
 *
 * One path, failing over like PREEMPT. Afterwards no nexus of the device
 * is registered (the down ones included: the target dropped them all), and
 * no key is wanted on any path.
 *
 * Return: 0, -errno or PR_STS_*.
 */
int mpr_engine_clear(struct mpr_engine *eng, u64 key)
{
	struct mpr_cmd cmd = { .op = MPR_OP_CLEAR, .key = key };
	struct mpr_op_ctx ctx;
	struct mpr_path *path;
	int r;

	r = mpr_op_begin(eng, &ctx, DM_MPATH_PR_OP_CLEAR, key, key);
	if (r)
		return r;
	r = mpr_send_one(eng, &cmd, false, MPR_CONFLICT_NEXT_UNREG, NULL,
			 NULL);
	if (!r) {
		spin_lock(&eng->lock);
		eng->key = 0;
		eng->wanted = true;
		eng->preempted = false;
		mpr_forget_reservation_locked(eng);
		list_for_each_entry(path, &eng->paths, node)
			path->reg = DM_MPATH_PR_REG_NONE;
		spin_unlock(&eng->lock);
	} else {
		DMERR_LIMIT("%s: CLEAR failed: %s (%d)", eng->name,
			    mpr_result_name(r), r);
	}
	return mpr_op_end(eng, &ctx, r);
}

/**
 * mpr_engine_read_keys() - READ KEYS
 * @eng: the device
 * @generation: the PRgeneration
 * @num_keys: on entry the room in @keys; on return the number of keys the
 *	device reported (which may exceed the room)
 * @keys: the keys
 *
 * Through the first path that answers, failing over on path errors only.
 *
 * Return: 0, -errno or PR_STS_*.
 */
int mpr_engine_read_keys(struct mpr_engine *eng, u32 *generation,
			 u32 *num_keys, u64 *keys)
{
	struct mpr_cmd cmd = { .op = MPR_OP_READ_KEYS, .room = *num_keys };
	struct mpr_in in = {
		.generation = generation,
		.num_keys = num_keys,
		.keys = keys,
	};
	struct mpr_op_ctx ctx;
	int r;

	r = mpr_op_begin(eng, &ctx, DM_MPATH_PR_OP_READ_KEYS, 0, 0);
	if (r)
		return r;
	r = mpr_send_one(eng, &cmd, false, MPR_CONFLICT_STOP, NULL, &in);
	return mpr_op_end(eng, &ctx, r);
}

/**
 * mpr_engine_read_reservation() - READ RESERVATION
 * @eng: the device
 * @rsv: the answer
 *
 * Through the first path that answers, failing over on path errors only.
 * A reservation the engine took with a translated type (enum
 * mpr_single_holder) is reported with the type the caller asked for.
 *
 * Return: 0, -errno or PR_STS_*.
 */
int mpr_engine_read_reservation(struct mpr_engine *eng, struct mpr_resv *rsv)
{
	struct mpr_op_ctx ctx;
	int r;

	r = mpr_op_begin(eng, &ctx, DM_MPATH_PR_OP_READ_RESERVATION, 0, 0);
	if (r)
		return r;
	r = mpr_read_resv(eng, rsv);
	if (!r) {
		spin_lock(&eng->lock);
		switch (mpr_rule_belief(eng->res_type, eng->res_key, rsv)) {
		case MPR_BELIEF_FORGET:
			mpr_forget_reservation_locked(eng);
			break;
		case MPR_BELIEF_ASKED_TYPE:
			rsv->type = eng->res_asked;
			break;
		case MPR_BELIEF_NONE:
			break;
		}
		spin_unlock(&eng->lock);
	}
	return mpr_op_end(eng, &ctx, r);
}
