// SPDX-License-Identifier: GPL-2.0
/*
 * READ KEYS of the engine itself, and the fencing protocol that every
 * registration the engine makes on its own goes through: a fenced host
 * never regains access through the engine.
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
 * ---- READ KEYS of the engine itself ------------------------------------
 */

/**
 * mpr_key_count() - READ KEYS through one path and count a key
 * @eng: the device, op_mutex held
 * @path: the path to ask (the caller holds a reference)
 * @key: the key to count
 * @count: set to how often @key is registered (once per I_T nexus on an
 *	SPC-4 target, once per host with per-host registrations)
 * @generation: if not NULL, set to the PRgeneration of the answer
 *
 * The command goes through a fan-out of one, so the caller waits no longer
 * than the deadline however the path behaves. The answer is sized from the
 * device: when the device reports more keys than there was room for, the
 * command is sent again with room for all of them (up to MPR_KEYS_LIMIT,
 * what a PR IN allocation length can carry), and the room is remembered
 * for the next time. A key past the room is never taken for a missing one.
 *
 * Return: the result of READ KEYS; -E2BIG if the device reports more keys
 * than MPR_KEYS_LIMIT and @key is not among those that could be read.
 */
int mpr_key_count(struct mpr_engine *eng, struct mpr_path *path,
		  u64 key, u32 *count, u32 *generation)
{
	struct mpr_cmd cmd = { .op = MPR_OP_READ_KEYS };
	unsigned int tries;
	u32 gen, nr, i;
	u64 *keys = NULL;
	int r = 0;

	for (tries = 0; tries < 3; tries++) {
		struct mpr_in in = { .generation = &gen, .num_keys = &nr };

		cmd.room = clamp_t(u32, READ_ONCE(eng->keys_room), MPR_MAX_KEYS,
				   MPR_KEYS_LIMIT);
		kvfree(keys);
		keys = kvcalloc(cmd.room, sizeof(*keys), GFP_KERNEL);
		if (!keys)
			return -ENOMEM;
		in.keys = keys;
		r = mpr_exec_on(eng, path, &cmd, &in);
		if (r || nr <= cmd.room || cmd.room == MPR_KEYS_LIMIT)
			break;
		/* Room for all of them, and for a few that register meanwhile. */
		WRITE_ONCE(eng->keys_room, min_t(u32, nr + 16, MPR_KEYS_LIMIT));
	}
	if (r) {
		kvfree(keys);
		return r;
	}

	*count = 0;
	for (i = 0; i < min(nr, cmd.room); i++)
		if (keys[i] == key)
			(*count)++;
	kvfree(keys);
	if (generation)
		*generation = gen;
	if (nr > cmd.room && key && !*count) {
		DMERR_LIMIT("%s: %u keys, %u read: is key 0x%llx registered?",
			    eng->name, nr, cmd.room, key);
		return -E2BIG;
	}
	return 0;
}

/*
 * Next path of this step to ask for READ KEYS: settled paths (active, and
 * not waiting for a registration) first, then any path not yet asked in
 * this step. Returns it with a reference.
 */
static struct mpr_path *mpr_next_reader_locked(struct mpr_engine *eng)
{
	struct mpr_path *path;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		list_for_each_entry(path, &eng->paths, node) {
			if (!mpr_pickable_locked(eng, path))
				continue;
			if (!pass && (path->state != DM_MPATH_PR_PATH_ACTIVE ||
				      path->reg == DM_MPATH_PR_REG_PENDING))
				continue;
			kref_get(&path->ref);
			return path;
		}
	}
	return NULL;
}

/**
 * mpr_probe_key_check() - is the host still registered on the device?
 * @eng: the device, op_mutex held
 * @key: the host's key
 * @count: if not NULL, set to how often @key is registered
 * @generation: if not NULL, set to the PRgeneration of the answer
 *
 * READ KEYS through a working path: settled active paths first, then the
 * others, each path at most once, failing over on path errors. Paths
 * answer or are marked failed on the way. Each path gets the deadline, so
 * the wait is bounded by the deadline times the number of paths.
 *
 * Return: 1 if @key is registered, 0 if it is not, or a negative errno /
 * PR_STS_* if no path could tell.
 */
int mpr_probe_key_check(struct mpr_engine *eng, u64 key, u32 *count,
			u32 *generation)
{
	int ret = PR_STS_PATH_FAILED;

	mpr_step_begin(eng);
	for (;;) {
		struct mpr_path *path;
		u32 n;
		int r;

		spin_lock(&eng->lock);
		path = mpr_next_reader_locked(eng);
		spin_unlock(&eng->lock);
		if (!path)
			break;
		r = mpr_key_count(eng, path, key, &n, generation);
		mpr_path_put(path);
		if (!r) {
			ret = n > 0;
			if (count)
				*count = n;
			break;
		}
		ret = r;
		if (!mpr_result_is_path_error(r) && r != -ENODEV)
			break;
	}
	return ret;
}

/*
 * ---- fencing safety ------------------------------------------------------
 *
 * Every registration the engine makes on its own (a returning or new path,
 * the REGISTER AND IGNORE retry of a REGISTER, the restore after a
 * self-preempt, a path that lost its key) goes through one protocol:
 *
 *   mpr_fence_check()     READ KEYS through a path that is not about to be
 *                         registered: unless the host's key is there, the
 *                         host was preempted and nothing is sent;
 *   mpr_fence_register()  the REGISTER AND IGNORE EXISTING KEY fan-out,
 *                         then READ KEYS again (mpr_fence_recount()): if a
 *                         preempt raced in, the paths just registered are
 *                         unregistered again (mpr_fence_undo());
 *   stragglers            a registration that lands after the deadline is
 *                         unverified (mpr_fold_late_locked()); the next
 *                         probe round checks it (mpr_fence_verify_late()).
 *
 * A fenced host thus never regains access through the engine's own
 * registrations.
 */

/**
 * mpr_fence_check() - may the engine register paths with @key?
 * @eng: the device, op_mutex held
 * @key: the host's key (not 0)
 * @fc: filled with what READ KEYS showed
 * @how: what asks, for messages
 *
 * Return: 1 if @key is registered; 0 if it is gone (the device is marked
 * preempted); or the error of READ KEYS (nobody could tell).
 */
int mpr_fence_check(struct mpr_engine *eng, u64 key,
		    struct mpr_fence *fc, const char *how)
{
	int r = mpr_probe_key_check(eng, key, &fc->count, &fc->gen);

	if (!r) {
		spin_lock(&eng->lock);
		if (eng->key == key && eng->wanted)
			mpr_set_preempted_locked(eng, how);
		spin_unlock(&eng->lock);
	}
	return r;
}

/* Report the registration changes the engine made on its own. */
static void mpr_fence_emit(struct mpr_engine *eng, struct mpr_fanout *fo,
			   enum mpr_event_type type, u64 key)
{
	unsigned int i;

	for (i = 0; i < fo->nr; i++)
		if (fo->slot[i].emit)
			mpr_emit_path(eng, type, fo->slot[i].path, key, 0);
}

/*
 * Run @fo, REGISTER AND IGNORE with key 0 on paths that may carry @key,
 * and note the outcome: a path that answered carries nothing now (slot
 * marked @emit); one that did not stays unverified, so that the next probe
 * round (mpr_fence_verify_late()) tries again. @why is for the messages.
 */
static void mpr_fence_unregister(struct mpr_engine *eng,
				 struct mpr_fanout *fo, u64 key,
				 const char *why)
{
	unsigned int i;

	mpr_fanout_run(fo, mpr_deadline(eng));
	spin_lock(&eng->lock);
	for (i = 0; i < fo->nr; i++) {
		struct mpr_slot *slot = &fo->slot[i];
		struct mpr_path *path = slot->path;
		int r = mpr_slot_result(slot);

		mpr_path_note_locked(eng, path, r);
		slot->emit = !r;
		if (r) {
			if (!path->unverified_key)
				path->unverified_key = key;
			DMERR("%s: path %s may keep key 0x%llx (%s): %s (%d)",
			      eng->name, path->name, path->unverified_key, why,
			      mpr_result_name(r), r);
		} else {
			DMWARN("%s: path %s unregistered: %s", eng->name,
			       path->name, why);
			path->unverified_key = 0;
		}
	}
	spin_unlock(&eng->lock);
}

/**
 * mpr_fence_undo() - unregister paths a racing preempt made wrong
 * @eng: the device, op_mutex held
 * @done: the REGISTER AND IGNORE that registered them (slots marked @emit)
 * @key: the key they got
 * @emit: report the paths unregistered (not while the device is suspended)
 *
 * The host was preempted between the check and the registration: the
 * paths registered now are the only ones that carry the key, and they
 * must not keep it. They are unregistered and left pending; the slots of
 * @done that were undone lose their @emit mark.
 */
static void mpr_fence_undo(struct mpr_engine *eng, struct mpr_fanout *done,
			   u64 key, bool emit)
{
	struct mpr_cmd cmd = {
		.op = MPR_OP_REGISTER,
		.flags = PR_FL_IGNORE_KEY,
	};
	struct mpr_fanout *fo;
	unsigned int i;

	fo = mpr_fanout_alloc(eng, done->nr, &cmd);
	if (!fo)
		return;
	spin_lock(&eng->lock);
	for (i = 0; i < done->nr; i++) {
		struct mpr_path *path = done->slot[i].path;

		if (!done->slot[i].emit)
			continue;
		done->slot[i].emit = false;
		path->reg = DM_MPATH_PR_REG_PENDING;
		if (!path->busy && !path->removed)
			mpr_fanout_add_locked(fo, path, PR_FL_IGNORE_KEY);
	}
	spin_unlock(&eng->lock);
	mpr_fence_unregister(eng, fo, key, "a preempt raced its registration");
	if (emit)
		mpr_fence_emit(eng, fo, MPR_EV_PATH_UNREGISTERED, key);
	mpr_fanout_release(fo);
}

/**
 * mpr_fence_recount() - did a preempt race the registration of paths?
 * @eng: the device, op_mutex held
 * @key: the host's key
 * @fc: what mpr_fence_check() saw before
 * @n: REGISTER AND IGNORE commands that succeeded since
 *
 * READ KEYS again. Without interference the PRgeneration moved by exactly
 * @n (every successful REGISTER counts) and no registration went away.
 * Otherwise something else changed the registrations in between: unless
 * more registrations of @key show than the ones just made, the host's own
 * are gone and the new ones are all that is left of it.
 *
 * Return: true if the host was preempted.
 */
static bool mpr_fence_recount(struct mpr_engine *eng, u64 key,
			      const struct mpr_fence *fc, unsigned int n)
{
	u32 count = 0, gen2 = 0;
	int r;

	r = mpr_probe_key_check(eng, key, &count, &gen2);
	if (r < 0 || r > 1) {
		DMWARN("%s: re-count after registering paths failed: %s (%d)",
		       eng->name, mpr_result_name(r), r);
		spin_lock(&eng->lock);
		eng->suspect = true;
		spin_unlock(&eng->lock);
		return false;
	}
	if (!count)
		return true;
	if (gen2 - fc->gen == n)
		return count < fc->count;
	return count <= n;
}

/**
 * mpr_fence_register() - register paths after mpr_fence_check(), re-count
 * @eng: the device, op_mutex held
 * @fc: what mpr_fence_check() saw (NULL when @fo drops a stale key: key 0
 *	needs no check)
 * @fo: REGISTER AND IGNORE EXISTING KEY of the host's key, paths added
 * @emit: report the paths registered and unregistered as path events
 *
 * Runs @fo and brings its paths' state up to date: a path that took the
 * key is registered (slot marked @emit), a path error leaves it failed
 * and pending, a refusal leaves it pending (a conflict with the host's key
 * makes the engine verify the key at the end of the operation). Then the
 * re-count; if a preempt raced in, the device is marked preempted and the
 * paths are unregistered again.
 *
 * Return: true if a preempt raced in.
 */
bool mpr_fence_register(struct mpr_engine *eng,
			const struct mpr_fence *fc,
			struct mpr_fanout *fo, bool emit)
{
	u64 key = fo->cmd.sa_key;
	unsigned int i, n = 0;
	bool raced;

	mpr_fanout_run(fo, mpr_deadline(eng));

	spin_lock(&eng->lock);
	for (i = 0; i < fo->nr; i++) {
		struct mpr_slot *slot = &fo->slot[i];
		struct mpr_path *path = slot->path;
		int r = mpr_slot_result(slot);

		if (!r)
			n++;
		if (path->removed)
			continue;
		if (!r && eng->key == key && eng->wanted) {
			mpr_path_set_state_locked(path, DM_MPATH_PR_PATH_ACTIVE,
						  0);
			path->reg = mpr_reg_of_key(key);
			path->unverified_key = 0;
			slot->emit = true;
			DMINFO("%s: path %s %s", eng->name, path->name,
			       key ? "registered" : "unregistered");
		} else if (mpr_result_is_path_error(r)) {
			mpr_path_set_state_locked(path, DM_MPATH_PR_PATH_FAILED,
						  r);
			if (r == -ETIMEDOUT)
				path->last_result = r;
		} else if (r) {
			mpr_path_set_state_locked(path, DM_MPATH_PR_PATH_ACTIVE,
						  0);
			/* Refused with our key: is the key still there? */
			if (key && mpr_result_is_conflict(r))
				eng->suspect = true;
			DMWARN_LIMIT("%s: bringing path %s to the wanted state failed: %s (%d)",
				     eng->name, path->name, mpr_result_name(r), r);
		}
	}
	spin_unlock(&eng->lock);

	raced = fc && key && n && mpr_fence_recount(eng, key, fc, n);
	if (emit)
		mpr_fence_emit(eng, fo, key ? MPR_EV_PATH_REGISTERED :
			       MPR_EV_PATH_UNREGISTERED, key);
	if (raced) {
		spin_lock(&eng->lock);
		if (eng->key == key && eng->wanted)
			mpr_set_preempted_locked(eng, "re-count after registering paths");
		spin_unlock(&eng->lock);
		mpr_fence_undo(eng, fo, key, emit);
	}
	return raced;
}

/**
 * mpr_fence_verify_late() - check registrations that landed after a deadline
 * @eng: the device, op_mutex held
 *
 * A registration of the engine that answered after its deadline was never
 * re-counted: a preempt may have come between the check and its landing,
 * and then it is all that is left of the host. The paths it landed on
 * (&mpr_path.unverified_key, set by mpr_fold_late_locked()) are checked:
 * if the host's key shows no more often than those paths account for, the
 * host was preempted; then, or if the host is known to be preempted, or
 * the key landed is not the wanted one, they are unregistered (and left
 * pending, for the probe to register through the fencing protocol). A key
 * that the host holds elsewhere too stands: the path is registered.
 */
void mpr_fence_verify_late(struct mpr_engine *eng)
{
	struct mpr_cmd cmd = {
		.op = MPR_OP_REGISTER,
		.flags = PR_FL_IGNORE_KEY,
	};
	unsigned int nr_any = 0, nr_same = 0;
	struct mpr_fanout *fo;
	struct mpr_path *path;
	bool fenced = false;
	u32 count, gen;
	u64 key;
	int r;

	spin_lock(&eng->lock);
	key = eng->wanted && !eng->preempted ? eng->key : 0;
	list_for_each_entry(path, &eng->paths, node) {
		if (!path->unverified_key || path->removed)
			continue;
		nr_any++;
		nr_same += key && path->unverified_key == key;
	}
	spin_unlock(&eng->lock);
	if (!nr_any)
		return;

	if (nr_same) {
		r = mpr_probe_key_check(eng, key, &count, &gen);
		if (r < 0 || r > 1)
			return;	/* nobody could tell: the next round */
		fenced = count <= nr_same;
		if (fenced) {
			spin_lock(&eng->lock);
			if (eng->key == key && eng->wanted)
				mpr_set_preempted_locked(eng, "late registration");
			spin_unlock(&eng->lock);
		}
	}

	fo = mpr_fanout_alloc(eng, READ_ONCE(eng->nr_paths), &cmd);
	if (!fo)
		return;
	spin_lock(&eng->lock);
	list_for_each_entry(path, &eng->paths, node) {
		if (!path->unverified_key || path->removed)
			continue;
		if (!fenced && key && path->unverified_key == key) {
			/* The host holds the key elsewhere too: it stands. */
			path->unverified_key = 0;
			if (path->reg == DM_MPATH_PR_REG_PENDING &&
			    path->state == DM_MPATH_PR_PATH_ACTIVE)
				path->reg = mpr_reg_of_key(key);
			continue;
		}
		path->reg = DM_MPATH_PR_REG_PENDING;
		if (!path->busy)
			mpr_fanout_add_locked(fo, path, PR_FL_IGNORE_KEY);
	}
	spin_unlock(&eng->lock);
	mpr_fence_unregister(eng, fo, key, fenced ?
			     "a late registration, the host is not registered elsewhere" :
			     "a late registration of a key not wanted");
	mpr_fence_emit(eng, fo, MPR_EV_PATH_UNREGISTERED, key);
	mpr_fanout_release(fo);
}
