// SPDX-License-Identifier: GPL-2.0
/*
 * The probe, which brings failed, pending and late-registered paths to the
 * wanted state, and the audit, which re-verifies the host's registrations;
 * userspace's path hints and setting changes.
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

/* Pending paths that a probe round registers: reachable and idle. */
static bool mpr_probe_pending_locked(const struct mpr_path *path)
{
	return !path->busy && !path->removed &&
	       path->state == DM_MPATH_PR_PATH_ACTIVE &&
	       path->reg == DM_MPATH_PR_REG_PENDING;
}

/*
 * Failed paths (every path if @all) get a READ KEYS (a cheap PERSISTENT
 * RESERVE IN) to see whether they work; those that answer become active.
 */
static void mpr_probe_paths(struct mpr_engine *eng, bool all)
{
	struct mpr_path *path;

	mpr_step_begin(eng);
	for (;;) {
		bool found = false;
		u32 n;

		spin_lock(&eng->lock);
		list_for_each_entry(path, &eng->paths, node) {
			if (!mpr_pickable_locked(eng, path) ||
			    (!all && path->state != DM_MPATH_PR_PATH_FAILED))
				continue;
			kref_get(&path->ref);
			found = true;
			break;
		}
		spin_unlock(&eng->lock);
		if (!found)
			break;
		mpr_key_count(eng, path, 0, &n, NULL);
		mpr_path_put(path);
	}
}

/* A departed path the probe may unregister now; caller holds eng->lock. */
static bool mpr_depart_ready_locked(const struct mpr_engine *eng,
				    const struct mpr_path *path)
{
	/* A former holder keeps the registration its reservation needs. */
	return !path->busy &&
	       !(path->dep_held && eng->res_type && eng->res_key == path->dep_key);
}

/*
 * What an unregistration's result means for a departed path: true if it
 * is done with (unregistered, did not carry the key, or cannot be reached
 * any more: its disk is gone or another one), false to try again.
 */
static bool mpr_depart_done(int r)
{
	return !r || mpr_result_is_conflict(r) || r == -ENODEV || r == -ENOLINK;
}

/**
 * mpr_depart_once() - unregister paths that left the device
 * @eng: the device, op_mutex held
 *
 * Every departed path that may carry the host's key gets REGISTER AND
 * IGNORE EXISTING KEY with the new key 0: it unregisters the nexus, and
 * never adds a key (an unregistered nexus stays so: a fenced host gets
 * nothing back). Whatever key the nexus carries is the host's: it is the
 * host's initiator port on this LUN (the backend checks the path is still
 * the disk ATTACH or SYNC validated), and the key it carries may be an
 * older key of the host than the device's (a REGISTER that changed the key
 * could not reach the path any more). The backend lets a departed path
 * send that command only. Paths that did not answer, or failed on the
 * transport, stay for the next round; the others leave the list.
 *
 * Return: true if departed paths remain that a later round can send to.
 */
static bool mpr_depart_once(struct mpr_engine *eng)
{
	struct mpr_cmd cmd = {
		.op = MPR_OP_REGISTER,
		.flags = PR_FL_IGNORE_KEY,
	};
	struct mpr_fanout *fo;
	struct mpr_path *path, *tmp;
	LIST_HEAD(done);
	unsigned int i;
	bool again = false;

	if (!READ_ONCE(eng->nr_departed))
		return false;
	fo = mpr_fanout_alloc(eng, READ_ONCE(eng->nr_departed), &cmd);
	if (!fo)
		return true;
	spin_lock(&eng->lock);
	list_for_each_entry(path, &eng->departed, node)
		if (mpr_depart_ready_locked(eng, path))
			mpr_fanout_add_locked(fo, path, PR_FL_IGNORE_KEY);
	spin_unlock(&eng->lock);
	if (!fo->nr) {
		mpr_fanout_release(fo);
		return false;
	}

	mpr_fanout_run(fo, mpr_deadline(eng));

	spin_lock(&eng->lock);
	for (i = 0; i < fo->nr; i++) {
		struct mpr_slot *slot = &fo->slot[i];
		int r = mpr_slot_result(slot);

		path = slot->path;
		if (!slot->done || !mpr_depart_done(r) ||
		    list_empty(&path->node))
			continue;
		/* mpr_engine_add_path() may have taken it back meanwhile. */
		list_move_tail(&path->node, &done);
		eng->nr_departed--;
		slot->emit = !r;
	}
	list_for_each_entry(path, &eng->departed, node)
		if (mpr_depart_ready_locked(eng, path) ||
		    (path->busy && !path->dep_held))
			again = true;
	spin_unlock(&eng->lock);

	for (i = 0; i < fo->nr; i++) {
		struct mpr_slot *slot = &fo->slot[i];
		int r = mpr_slot_result(slot);

		path = slot->path;
		if (slot->emit) {
			DMINFO("%s: path %s left the device: unregistered",
			       eng->name, path->name);
			mpr_emit_path(eng, MPR_EV_PATH_UNREGISTERED, path,
				      path->dep_key, 0);
		} else if (slot->done && (r == -ENODEV || r == -ENOLINK)) {
			DMWARN("%s: departed path %s unreachable (%s): may keep key 0x%llx",
			       eng->name, path->name, mpr_result_name(r),
			       path->dep_key);
		}
	}
	mpr_fanout_release(fo);
	list_for_each_entry_safe(path, tmp, &done, node) {
		list_del_init(&path->node);
		mpr_path_put(path);
	}
	return again;
}

/**
 * mpr_engine_probe_once() - one round of bringing paths to the wanted state
 * @eng: the device
 *
 * Failed paths get a READ KEYS to see whether they are back; late
 * registrations are verified (mpr_fence_verify_late()). Pending paths that
 * work get REGISTER AND IGNORE EXISTING KEY with the wanted key (or 0 to
 * drop a stale key), through the fencing protocol (mpr_fence_check(),
 * mpr_fence_register()). Once the key is gone, the device is marked
 * preempted and no path is registered until the next successful REGISTER.
 * With per-host registrations a returning path shares the host's
 * registration and gets no command.
 *
 * Return: true if paths still need attention (the caller probes again).
 */
bool mpr_engine_probe_once(struct mpr_engine *eng)
{
	struct mpr_cmd cmd = {
		.op = MPR_OP_REGISTER,
		.flags = PR_FL_IGNORE_KEY,
	};
	struct mpr_fence fc;
	struct mpr_fanout *fo;
	struct mpr_path *path;
	bool pending = false, again = false, all, per_host;
	u64 key = 0;
	int r;

	mutex_lock(&eng->op_mutex);

	again = mpr_depart_once(eng);
	spin_lock(&eng->lock);
	all = eng->probe_all;
	eng->probe_all = false;
	spin_unlock(&eng->lock);
	mpr_probe_paths(eng, all);
	mpr_fence_verify_late(eng);

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
	per_host = eng->per_host;
	spin_unlock(&eng->lock);
	if (!pending)
		goto out;

	if (key) {
		r = mpr_fence_check(eng, key, &fc, "probe");
		if (r == 0)
			goto out;
		if (r < 0 || r > 1) {
			/* Nobody could tell: try again later. */
			again = true;
			goto out;
		}
	}

	cmd.sa_key = key;
	fo = mpr_fanout_alloc(eng, READ_ONCE(eng->nr_paths), &cmd);
	if (!fo) {
		again = true;
		goto out;
	}
	spin_lock(&eng->lock);
	list_for_each_entry(path, &eng->paths, node) {
		if (!mpr_probe_pending_locked(path))
			continue;
		if (per_host) {
			/* The host's registration is every path's. */
			path->reg = mpr_reg_of_key(key);
			continue;
		}
		mpr_fanout_add_locked(fo, path, PR_FL_IGNORE_KEY);
	}
	spin_unlock(&eng->lock);

	mpr_fence_register(eng, key ? &fc : NULL, fo, true);
	mpr_fanout_release(fo);
	mpr_verify_key(eng, 0, 0);

out:
	spin_lock(&eng->lock);
	list_for_each_entry(path, &eng->paths, node)
		if (path->state == DM_MPATH_PR_PATH_FAILED || path->unverified_key ||
		    (path->reg == DM_MPATH_PR_REG_PENDING && !eng->preempted))
			again = true;
	spin_unlock(&eng->lock);
	mpr_flush_events(eng);
	mutex_unlock(&eng->op_mutex);
	return again;
}

void mpr_probe_work(struct work_struct *work)
{
	struct mpr_engine *eng = container_of(to_delayed_work(work),
					      struct mpr_engine, probe);

	if (mpr_engine_probe_once(eng)) {
		spin_lock(&eng->lock);
		mpr_engine_schedule_probe_locked(eng);
		spin_unlock(&eng->lock);
	}
}

/*
 * How many registrations of the host's key the device should show: one per
 * path known to carry it (one for the host with per-host registrations).
 * Caller holds eng->lock.
 */
static unsigned int mpr_expected_regs_locked(const struct mpr_engine *eng)
{
	const struct mpr_path *path;
	unsigned int n = 0;

	list_for_each_entry(path, &eng->paths, node)
		n += !path->removed && path->reg == DM_MPATH_PR_REG_REGISTERED;
	return eng->per_host ? min(n, 1U) : n;
}

/**
 * mpr_engine_audit_once() - re-verify the host's registrations now
 * @eng: the device
 *
 * READ KEYS through a live path. If the host's key is gone from the
 * device, the host was preempted (fenced): the device is marked so, a
 * PREEMPTED event goes out (once), and returning paths are no longer
 * registered until the host registers again. If the key shows fewer times
 * than there are paths known to carry it, a nexus lost its registration
 * while its path stayed up (a target session reset): every live path that
 * should carry the key gets REGISTER AND IGNORE EXISTING KEY again, through
 * the fencing protocol (a nexus that still has the key is unchanged by it).
 * READ KEYS does not say which nexus holds a key, so the count is all the
 * audit has: another host registered with the same key hides a loss.
 * Nothing is checked while no key is wanted or the host is known to be
 * preempted.
 *
 * Return: 1 if the key is registered, 0 if it is gone (or there was
 * nothing to check), or the error of READ KEYS.
 */
int mpr_engine_audit_once(struct mpr_engine *eng)
{
	struct mpr_cmd cmd = {
		.op = MPR_OP_REGISTER,
		.flags = PR_FL_IGNORE_KEY,
	};
	struct mpr_fanout *fo;
	struct mpr_path *path;
	struct mpr_fence fc;
	unsigned int want;
	u64 key;
	int r = 0;

	mutex_lock(&eng->op_mutex);
	spin_lock(&eng->lock);
	key = eng->wanted && !eng->preempted ? eng->key : 0;
	spin_unlock(&eng->lock);
	if (!key)
		goto out;
	r = mpr_fence_check(eng, key, &fc, "audit");
	if (r != 1) {
		if (r)
			DMWARN_LIMIT("%s: audit: READ KEYS failed: %s (%d)",
				     eng->name, mpr_result_name(r), r);
		goto out;
	}
	spin_lock(&eng->lock);
	want = mpr_expected_regs_locked(eng);
	spin_unlock(&eng->lock);
	if (fc.count >= want)
		goto out;

	DMWARN_LIMIT("%s: audit: key 0x%llx on %u nexus(es) of %u: registering again",
		     eng->name, key, fc.count, want);
	cmd.sa_key = key;
	fo = mpr_fanout_alloc(eng, READ_ONCE(eng->nr_paths), &cmd);
	if (!fo)
		goto out;
	spin_lock(&eng->lock);
	list_for_each_entry(path, &eng->paths, node)
		if (!path->busy && !path->removed &&
		    path->state == DM_MPATH_PR_PATH_ACTIVE &&
		    path->reg == DM_MPATH_PR_REG_REGISTERED)
			mpr_fanout_add_locked(fo, path, PR_FL_IGNORE_KEY);
	spin_unlock(&eng->lock);
	if (mpr_fence_register(eng, &fc, fo, false))
		r = 0;
	mpr_fanout_release(fo);
out:
	mpr_flush_events(eng);
	mutex_unlock(&eng->op_mutex);
	return r;
}

void mpr_audit_work(struct work_struct *work)
{
	struct mpr_engine *eng = container_of(to_delayed_work(work),
					      struct mpr_engine, audit);

	mpr_engine_audit_once(eng);
	spin_lock(&eng->lock);
	mpr_engine_schedule_audit_locked(eng);
	spin_unlock(&eng->lock);
}
