// SPDX-License-Identifier: GPL-2.0
/*
 * REGISTER, REGISTER AND IGNORE EXISTING KEY, and unregister.
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
 * ---- REGISTER, REGISTER AND IGNORE, unregister ---------------------------
 */

/*
 * Final result of @slot's path in a REGISTER: the retry's if there was
 * one; a retry that a racing preempt made the engine undo is a conflict.
 */
static int mpr_register_result(struct mpr_fanout *fo, struct mpr_fanout *retry,
			       struct mpr_slot *slot)
{
	struct mpr_slot *again = mpr_fanout_find(retry, slot->path);

	/* A retry undone because a preempt raced it: the host is fenced. */
	if (again && !mpr_slot_result(again) && !again->emit)
		return PR_STS_RESERVATION_CONFLICT;
	return mpr_slot_result(again ? again : slot);
}

/*
 * A REGISTER succeeded on a path: the host owns @new_key now, and every
 * path should carry it. Caller holds eng->lock.
 */
void mpr_adopt_registered_locked(struct mpr_engine *eng, u64 new_key)
{
	eng->key = new_key;
	eng->wanted = true;
	if (new_key)
		eng->preempted = false;
}

/**
 * mpr_register_conclude() - apply the REGISTER result rules
 * @eng: the device, op_mutex held
 * @fo: the fan-out of the REGISTER
 * @retry: the REGISTER AND IGNORE retry of conflicting paths, or NULL
 *
 * The result and each path's new state come from the rules
 * (mpr_rule_register_result(), mpr_rule_register_path(); DESIGN.md §3.2,
 * Documentation/kernel.md "What a result means"); this applies them to the
 * device and says what happened.
 *
 * Return: the operation's result.
 */
static int mpr_register_conclude(struct mpr_engine *eng,
				 struct mpr_fanout *fo,
				 struct mpr_fanout *retry)
{
	const char *op = mpr_cmd_name(&fo->cmd);
	u64 new_key = fo->cmd.sa_key;
	struct mpr_tally t = { 0 };
	struct mpr_path *path;
	bool probe = false;
	unsigned int i;
	int ret;

	spin_lock(&eng->lock);
	for (i = 0; i < fo->nr; i++)
		mpr_tally_add(&t, mpr_register_result(fo, retry, &fo->slot[i]));
	ret = mpr_rule_register_result(&t);

	list_for_each_entry(path, &eng->paths, node) {
		struct mpr_slot *slot = mpr_fanout_find(fo, path);
		enum dm_mpath_pr_path_state state = path->state;
		enum dm_mpath_pr_reg_state reg = path->reg;
		int r = slot ? mpr_register_result(fo, retry, slot) : 0;

		mpr_rule_register_path(!ret, slot, r, new_key, eng->preempted,
				       &reg, &state);
		/* The state first: a path coming back is made pending by it. */
		if (state != path->state)
			mpr_path_set_state_locked(path, state, r);
		path->reg = reg;
		if (slot && !r)
			path->unverified_key = 0;
		if (slot && r) {
			if (r == -ETIMEDOUT)
				path->last_result = r;
			DMWARN_LIMIT("%s: %s on path %s failed: %s (%d)",
				     eng->name, op, path->name,
				     mpr_result_name(r), r);
		}
		if (path->reg == DM_MPATH_PR_REG_PENDING ||
		    path->state == DM_MPATH_PR_PATH_FAILED)
			probe = true;
	}
	if (probe)
		mpr_engine_schedule_probe_locked(eng);
	spin_unlock(&eng->lock);

	if (ret)
		DMERR_LIMIT("%s: %s failed: %s (%d); paths: %u ok, %u conflict, %u down, %u other",
			    eng->name, op, mpr_result_name(ret), ret, t.ok,
			    t.conflict, t.path_err, t.other);
	else if (t.conflict || t.path_err || t.other)
		DMINFO_LIMIT("%s: %s done on %u path(s); %u path(s) pending",
			     eng->name, op, t.ok, fo->nr - t.ok);
	return ret;
}

/**
 * mpr_register_per_host() - REGISTER on a device with per-host registrations
 * @eng: the device, op_mutex held
 * @cmd: the REGISTER
 *
 * One path carries it for the host, failing over on path errors; every
 * path then shares the new state, the unreachable ones included.
 *
 * Return: 0, -errno, or PR_STS_*.
 */
static int mpr_register_per_host(struct mpr_engine *eng,
				 const struct mpr_cmd *cmd)
{
	struct mpr_path *used, *path;
	int r;

	r = mpr_send_one(eng, cmd, false, MPR_CONFLICT_STOP, &used, NULL);
	if (r) {
		DMERR_LIMIT("%s: %s failed: %s (%d)", eng->name, mpr_cmd_name(cmd),
			    mpr_result_name(r), r);
		return r;
	}
	mpr_path_put(used);
	spin_lock(&eng->lock);
	mpr_adopt_registered_locked(eng, cmd->sa_key);
	list_for_each_entry(path, &eng->paths, node)
		path->reg = mpr_reg_of_key(cmd->sa_key);
	spin_unlock(&eng->lock);
	return 0;
}

/**
 * mpr_register_retry() - REGISTER AND IGNORE on the paths that conflicted
 * @eng: the device, op_mutex held; the new key adopted
 * @fo: the REGISTER, which succeeded on some paths
 * @nr: how many paths conflicted
 * @retry: set to the retry's fan-out (NULL if none was sent)
 *
 * Those nexuses lack the old key (they were down when it was registered,
 * or were added since); the host proved it owns it on the others. The
 * retry goes through the fencing protocol: if a preempt came after the
 * first round, the host's new key is gone and the retry must not bring it
 * back.
 *
 * Return: 0 if the retry was sent (or nothing needed it), 1 if the host
 * was found preempted, -ENOMEM.
 */
static int mpr_register_retry(struct mpr_engine *eng, struct mpr_fanout *fo,
			      unsigned int nr, struct mpr_fanout **retry)
{
	u64 key = fo->cmd.sa_key;
	struct mpr_fence fc;
	unsigned int i;
	int r;

	*retry = NULL;
	if (key) {
		r = mpr_fence_check(eng, key, &fc, "REGISTER retry");
		if (!r)
			return 1;
		if (r != 1) {
			/* Nobody could tell: the probe registers them later. */
			DMWARN("%s: REGISTER: no retry, READ KEYS failed: %s (%d)",
			       eng->name, mpr_result_name(r), r);
			return 0;
		}
	}
	*retry = mpr_fanout_alloc(eng, nr, &fo->cmd);
	if (!*retry)
		return -ENOMEM;
	(*retry)->cmd.key = 0;
	(*retry)->cmd.flags |= PR_FL_IGNORE_KEY;
	spin_lock(&eng->lock);
	for (i = 0; i < fo->nr; i++) {
		struct mpr_slot *slot = &fo->slot[i];

		if (slot->done && mpr_result_is_conflict(slot->result) &&
		    !slot->path->busy && !slot->path->removed)
			mpr_fanout_add_locked(*retry, slot->path,
					      (*retry)->cmd.flags);
	}
	spin_unlock(&eng->lock);
	return mpr_fence_register(eng, key ? &fc : NULL, *retry, false);
}

/**
 * mpr_register_locked() - the REGISTER fan-out
 * @eng: the device, op_mutex held
 * @old_key: old key
 * @new_key: new key, 0 to unregister
 * @flags: PR_FL_IGNORE_KEY or 0
 *
 * See mpr_engine_register().
 *
 * Return: 0, -errno, or PR_STS_*.
 */
static int mpr_register_locked(struct mpr_engine *eng, u64 old_key,
			       u64 new_key, u32 flags)
{
	struct mpr_cmd cmd = {
		.op = MPR_OP_REGISTER,
		.key = old_key,
		.sa_key = new_key,
		.flags = flags,
	};
	struct mpr_fanout *fo, *retry = NULL;
	struct mpr_tally t = { 0 };
	unsigned long deadline;
	bool shared, fenced = false;
	unsigned int i;
	int ret;

	spin_lock(&eng->lock);
	shared = eng->per_host;
	spin_unlock(&eng->lock);
	if (shared)
		return mpr_register_per_host(eng, &cmd);

	deadline = mpr_deadline(eng);
	fo = mpr_fanout_prepare(eng, &cmd);
	if (!fo)
		return -ENOMEM;
	/*
	 * Unregistering under an all-registrants reservation the host took:
	 * the nexus that took it is unregistered after the others. SPC does
	 * not care about the order, LIO does: unregistering its holder moves
	 * the reservation to another registration, and an unregister on
	 * another nexus at the same time frees that registration (a use
	 * after free of dev_pr_res_holder, then an oops on the next command;
	 * seen with KASAN on 7.2).
	 */
	if (!new_key) {
		spin_lock(&eng->lock);
		if (eng->res_type && mpr_type_all_regs(eng->res_type))
			fo->last = eng->holder;
		spin_unlock(&eng->lock);
	}
	mpr_fanout_run(fo, deadline);

	spin_lock(&eng->lock);
	for (i = 0; i < fo->nr; i++)
		mpr_tally_add(&t, mpr_slot_result(&fo->slot[i]));
	if (t.ok)
		mpr_adopt_registered_locked(eng, new_key);
	spin_unlock(&eng->lock);

	/* A plain REGISTER refused by nexuses that lack the old key. */
	if (!(flags & PR_FL_IGNORE_KEY) && t.ok && t.conflict) {
		ret = mpr_register_retry(eng, fo, t.conflict, &retry);
		if (ret == -ENOMEM)
			goto out;
		fenced = ret == 1;
	}
	ret = mpr_register_conclude(eng, fo, retry);
	/* Done, and then preempted before the paths that lacked it got it. */
	if (!ret && fenced)
		ret = PR_STS_RESERVATION_CONFLICT;
out:
	mpr_fanout_release(retry);
	mpr_fanout_release(fo);
	return ret;
}

/**
 * mpr_follow_key_change() - keep the reservation with the host's new key
 * @eng: the device, op_mutex held
 * @old_key: the key before the change
 * @new_key: the key after it
 *
 * The host held the reservation with @old_key. If the holder nexus was
 * reachable it now holds it with @new_key. If it was down, it still holds
 * it with @old_key and will not answer to @new_key: PREEMPT @old_key with
 * @new_key from a live path moves the reservation there (and removes the
 * stale registration). Only done when the engine itself took the
 * reservation with @old_key: a node that shares the key must not be
 * preempted by it.
 */
static void mpr_follow_key_change(struct mpr_engine *eng, u64 old_key,
				  u64 new_key)
{
	struct mpr_cmd cmd = {
		.op = MPR_OP_PREEMPT,
		.key = new_key,
		.sa_key = old_key,
	};
	struct mpr_path *path;
	struct mpr_resv rsv;
	bool held;
	int r;

	spin_lock(&eng->lock);
	held = eng->res_type && !mpr_type_all_regs(eng->res_type) &&
	       eng->res_key == old_key;
	spin_unlock(&eng->lock);
	if (!held)
		return;

	r = mpr_read_resv(eng, &rsv);
	if (r) {
		DMWARN("%s: key change while holding: READ RESERVATION failed: %s (%d)",
		       eng->name, mpr_result_name(r), r);
		return;
	}
	spin_lock(&eng->lock);
	if (rsv.type && rsv.key == new_key) {
		eng->res_key = new_key;
		held = false;
	} else if (!rsv.type || rsv.key != old_key) {
		mpr_forget_reservation_locked(eng);
		held = false;
	}
	spin_unlock(&eng->lock);
	if (!held)
		return;

	cmd.type = rsv.type;
	r = mpr_send_one(eng, &cmd, false, MPR_CONFLICT_NEXT_UNREG, &path,
			 NULL);
	if (r) {
		DMERR("%s: reservation left with old key 0x%llx: PREEMPT failed: %s (%d)",
		      eng->name, old_key, mpr_result_name(r), r);
		return;
	}
	spin_lock(&eng->lock);
	mpr_set_holder_locked(eng, path, new_key, rsv.type, eng->res_asked);
	spin_unlock(&eng->lock);
	DMINFO("%s: reservation moved from old key 0x%llx on an unreachable path to path %s",
	       eng->name, old_key, path->name);
	mpr_path_put(path);
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
 * added later). Nothing is rolled back: a path that did not get the new
 * state is pending and gets it when it works again. The caller waits at
 * most the operation timeout; stragglers are folded in when they finish.
 *
 * Unregistering while the host holds a reservation releases it first
 * (through the suspended self-preempt if the holder path is down); a key
 * change keeps the reservation with the host (mpr_follow_key_change()).
 *
 * Return: 0, -errno, or PR_STS_* (see mpr_register_conclude()).
 */
int mpr_engine_register(struct mpr_engine *eng, u64 old_key, u64 new_key,
			u32 flags)
{
	struct mpr_op_ctx ctx;
	struct mpr_resv rsv;
	bool holding;
	u64 ours;
	int ret;

	spin_lock(&eng->lock);
	if (!(flags & PR_FL_IGNORE_KEY))
		ours = old_key;
	else
		ours = eng->wanted ? eng->key : 0;
	spin_unlock(&eng->lock);
	ret = mpr_op_begin(eng, &ctx, flags & PR_FL_IGNORE_KEY ?
			   DM_MPATH_PR_OP_REGISTER_IGNORE :
			   DM_MPATH_PR_OP_REGISTER, new_key, ours);
	if (ret)
		return ret;
	if (flags & ~PR_FL_IGNORE_KEY)
		return mpr_op_end(eng, &ctx, -EOPNOTSUPP);

	spin_lock(&eng->lock);
	if (flags & PR_FL_IGNORE_KEY)
		ours = eng->wanted ? eng->key : 0;
	holding = ours && eng->res_type && eng->res_key == ours &&
		  !mpr_type_all_regs(eng->res_type);
	spin_unlock(&eng->lock);
	ctx.ours = ours;

	/*
	 * Unregistering the holder nexus releases the reservation, but a
	 * holder nexus that cannot be reached keeps it: release first, which
	 * copes with that. Only for a reservation the engine took (a node
	 * sharing the key is not ours to release).
	 */
	if (!new_key && holding && !mpr_read_resv(eng, &rsv) && rsv.type &&
	    rsv.key == ours) {
		ret = mpr_release_locked(eng, ours, rsv.type);
		if (ret)
			DMWARN("%s: unregister: releasing the reservation first failed: %s (%d)",
			       eng->name, mpr_result_name(ret), ret);
	}

	ret = mpr_register_locked(eng, old_key, new_key, flags);
	if (!ret && ours && new_key && new_key != ours)
		mpr_follow_key_change(eng, ours, new_key);
	if (!ret && !new_key) {
		/* An unregistered host holds no reservation. */
		spin_lock(&eng->lock);
		mpr_forget_reservation_locked(eng);
		spin_unlock(&eng->lock);
	}
	return mpr_op_end(eng, &ctx, ret);
}
