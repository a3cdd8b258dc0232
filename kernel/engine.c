// SPDX-License-Identifier: GPL-2.0
/*
 * The PR engine: every persistent reservation operation of a device, run
 * over the device's paths. This file holds the device's state, its path
 * list, and set-up and teardown; the operations are in register.c and
 * reserve.c, the deadline fan-out in fanout.c and send.c, the fencing
 * protocol in fence.c, the probe and the audit in probe.c, and events in
 * events.c.
 *
 * Pure logic: paths are reached only through struct mpr_path_ops and the
 * device only through struct mpr_dev_ops, so the KUnit tests drive the
 * engine against a fake SPC-4 target. Documentation/kernel.md ("The
 * engine") describes each operation.
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

static unsigned int mpr_op_timeout_ms(const struct mpr_engine *eng)
{
	return clamp_t(unsigned int, READ_ONCE(eng->params->op_timeout_ms),
		       MPR_MIN_TIMEOUT_MS, MPR_MAX_TIMEOUT_MS);
}

/* Deadline of one step of an operation, from now. */
unsigned long mpr_deadline(const struct mpr_engine *eng)
{
	return jiffies + msecs_to_jiffies(mpr_op_timeout_ms(eng));
}

static unsigned long mpr_probe_delay(const struct mpr_engine *eng)
{
	unsigned int ms = READ_ONCE(eng->params->probe_interval_ms);

	return msecs_to_jiffies(max_t(unsigned int, ms, MPR_MIN_PROBE_MS));
}

enum dm_mpath_pr_reg_state mpr_reg_of_key(u64 key)
{
	return key ? DM_MPATH_PR_REG_REGISTERED : DM_MPATH_PR_REG_NONE;
}

/*
 * Set a path's state; caller holds eng->lock. @cause is the result that
 * made it fail, reported with the PATH_FAILED event.
 */
void mpr_path_set_state_locked(struct mpr_path *path,
			       enum dm_mpath_pr_path_state state,
			       int cause)
{
	const struct mpr_engine *eng = path->eng;

	if (state == DM_MPATH_PR_PATH_FAILED &&
	    path->state != DM_MPATH_PR_PATH_FAILED)
		path->ev_cause = cause;
	/*
	 * A path that comes back gets the host's key again (REGISTER AND
	 * IGNORE EXISTING KEY changes nothing where the key still is): the
	 * target may have dropped the I_T nexus's registration while the
	 * path was gone, as LIO does when the session of an initiator it
	 * knows by a dynamic ACL ends. The probe checks that the host is
	 * still registered before it registers the path.
	 */
	if (state == DM_MPATH_PR_PATH_ACTIVE &&
	    path->state == DM_MPATH_PR_PATH_FAILED && eng && eng->wanted &&
	    eng->key && path->reg == mpr_reg_of_key(eng->key))
		path->reg = DM_MPATH_PR_REG_PENDING;
	path->state = state;
}

/* The host's key was found gone; caller holds eng->lock. */
void mpr_set_preempted_locked(struct mpr_engine *eng, const char *how)
{
	struct mpr_path *path;

	lockdep_assert_held(&eng->lock);
	if (!eng->preempted)
		DMWARN("%s: key 0x%llx gone (%s): host preempted, no re-registration",
		       eng->name, eng->key, how);
	eng->preempted = true;
	/* No nexus carries the key any more: say so. */
	list_for_each_entry(path, &eng->paths, node)
		if (path->reg == DM_MPATH_PR_REG_REGISTERED)
			path->reg = DM_MPATH_PR_REG_NONE;
}

static unsigned long mpr_audit_delay(const struct mpr_engine *eng)
{
	unsigned int ms = READ_ONCE(eng->params->audit_interval_ms);

	return msecs_to_jiffies(max_t(unsigned int, ms, MPR_MIN_PROBE_MS));
}

/*
 * Start the periodic audit if it is on and there is a key to audit;
 * caller holds eng->lock.
 */
void mpr_engine_schedule_audit_locked(struct mpr_engine *eng)
{
	lockdep_assert_held(&eng->lock);
	if (!eng->stopping && READ_ONCE(eng->params->audit_interval_ms) &&
	    eng->wanted && eng->key && !eng->preempted)
		queue_delayed_work(eng->wq, &eng->audit, mpr_audit_delay(eng));
}

/* Schedule the probe one interval from now, unless it is queued already. */
void mpr_engine_schedule_probe_locked(struct mpr_engine *eng)
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

static void mpr_path_free_kref(struct kref *ref)
{
	struct mpr_path *path = container_of(ref, struct mpr_path, ref);

	path->ops->free(path);
}

/**
 * mpr_path_put() - drop a reference to a path
 * @path: the path
 *
 * The last reference calls &mpr_path_ops.free. May sleep.
 */
void mpr_path_put(struct mpr_path *path)
{
	kref_put(&path->ref, mpr_path_free_kref);
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
	path->ev_state = DM_MPATH_PR_PATH_ACTIVE;
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
	struct mpr_path *old = NULL, *p;

	spin_lock(&eng->lock);
	path->eng = eng;
	if (eng->wanted)
		path->reg = DM_MPATH_PR_REG_PENDING;
	list_add_tail(&path->node, &eng->paths);
	eng->nr_paths++;
	/* Back in the map: it is to carry the key, not to give it up. */
	list_for_each_entry(p, &eng->departed, node) {
		if (p->id == path->id) {
			list_del_init(&p->node);
			eng->nr_departed--;
			old = p;
			break;
		}
	}
	spin_unlock(&eng->lock);
	if (old)
		mpr_path_put(old);
}

/* Unlink @path; caller holds eng->lock and drops the list's reference. */
static void mpr_engine_unlink_path_locked(struct mpr_engine *eng,
					  struct mpr_path *path)
{
	lockdep_assert_held(&eng->lock);
	list_del_init(&path->node);
	path->removed = true;
	eng->nr_paths--;
	if (eng->holder == path)
		eng->holder = NULL;
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
	mpr_engine_unlink_path_locked(eng, path);
	spin_unlock(&eng->lock);
	mpr_path_put(path);
}

/**
 * mpr_engine_depart_path() - a path left the device: give up its key
 * @eng: the device
 * @path: a path of @eng that is no longer a path of the device (a SYNC
 *	without it, or the map's table no longer has it)
 *
 * Like mpr_engine_remove_path(), but a path that may carry the host's key
 * at the target moves to &mpr_engine.departed, and the probe unregisters
 * it there (mpr_depart_once()): otherwise its I_T nexus would keep the key
 * for good, and after the host unregistered through the map other hosts
 * would still see it registered. Not with per-host registrations (the
 * host's registration is every path's), nor when the host has no key or
 * was preempted (nothing to give up). May sleep.
 */
void mpr_engine_depart_path(struct mpr_engine *eng, struct mpr_path *path)
{
	bool keep;

	spin_lock(&eng->lock);
	keep = !eng->stopping && !eng->per_host && eng->wanted && eng->key &&
	       !eng->preempted && path->reg != DM_MPATH_PR_REG_NONE;
	if (keep) {
		path->dep_key = eng->key;
		path->dep_held = eng->holder == path && eng->res_type &&
				 eng->res_key == eng->key;
	}
	mpr_engine_unlink_path_locked(eng, path);
	if (keep) {
		WRITE_ONCE(path->departed, true);
		/* The path list's reference moves to the departed list. */
		list_add_tail(&path->node, &eng->departed);
		eng->nr_departed++;
		mod_delayed_work(eng->wq, &eng->probe, 0);
	}
	spin_unlock(&eng->lock);
	if (!keep)
		mpr_path_put(path);
}

/**
 * mpr_engine_retain_paths() - forget every path not in a list
 * @eng: the device
 * @ids: backend identities of the paths to keep
 * @nr: entries in @ids
 *
 * The others depart (mpr_engine_depart_path()). May sleep.
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
		mpr_engine_depart_path(eng, gone);
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
	mpr_engine_schedule_audit_locked(eng);
	spin_unlock(&eng->lock);
	mpr_engine_kick(eng);
}

/**
 * mpr_engine_set_per_host() - registrations are per host, not per path
 * @eng: the device
 * @per_host: true for NVMe namespaces, where a registration belongs to the
 *	host (its Host Identifier) and every controller (path) of the host
 *	shares it
 *
 * On such a device REGISTER and unregister go to one path and hold for
 * all, and a returning path needs no registration of its own. The engine
 * also detects it by itself (a path known to carry the key conflicts on
 * a key change or unregister that another path just did).
 */
void mpr_engine_set_per_host(struct mpr_engine *eng, bool per_host)
{
	spin_lock(&eng->lock);
	eng->per_host = per_host;
	spin_unlock(&eng->lock);
}

/* Inflight accounting: mpr_engine_stop() waits for the count to drop. */
void mpr_engine_inflight_get(struct mpr_engine *eng)
{
	atomic_inc(&eng->inflight);
}

void mpr_engine_inflight_put(struct mpr_engine *eng)
{
	/*
	 * wake_up_var() only hashes the address, so it is fine if the waiter
	 * frees @eng as soon as it sees zero.
	 */
	if (atomic_dec_and_test(&eng->inflight))
		wake_up_var(&eng->inflight);
}

/* Update counters after a command; caller holds eng->lock. */
void mpr_path_account(struct mpr_path *path, int result)
{
	path->cmds++;
	if (result)
		path->errors++;
	path->last_result = result;
}

/* The reservation state the engine knows of; caller holds eng->lock. */
void mpr_set_holder_locked(struct mpr_engine *eng,
			   struct mpr_path *holder, u64 key,
			   enum pr_type type, enum pr_type asked)
{
	lockdep_assert_held(&eng->lock);
	eng->holder = holder && !holder->removed ? holder : NULL;
	eng->res_key = type ? key : 0;
	eng->res_type = type;
	eng->res_asked = type ? asked : 0;
	/* A departed former holder may give up its key now. */
	if (eng->nr_departed)
		mpr_engine_schedule_probe_locked(eng);
}

void mpr_forget_reservation_locked(struct mpr_engine *eng)
{
	mpr_set_holder_locked(eng, NULL, 0, 0, 0);
}

/**
 * mpr_engine_path_hint() - userspace says a path failed or came back
 * @eng: the device
 * @id: the path (&mpr_path.id); unknown paths are ignored
 * @failed: dm reported PATH_FAILED (else PATH_REINSTATED)
 *
 * A failed path is not used until the probe sees it answer. A reinstated
 * path is probed now, and registered if it is pending, rather than at the
 * next probe interval.
 */
void mpr_engine_path_hint(struct mpr_engine *eng, u64 id, bool failed)
{
	struct mpr_path *path;
	bool found = false;

	spin_lock(&eng->lock);
	list_for_each_entry(path, &eng->paths, node) {
		if (path->id != id)
			continue;
		found = true;
		if (failed) {
			mpr_path_set_state_locked(path, DM_MPATH_PR_PATH_FAILED,
						  0);
			mpr_engine_schedule_probe_locked(eng);
		} else if (!eng->stopping) {
			mod_delayed_work(eng->wq, &eng->probe, 0);
		}
		break;
	}
	spin_unlock(&eng->lock);
	if (found && failed)
		mpr_flush_events(eng);
}

/**
 * mpr_engine_resync() - probe every path and audit the registration now
 * @eng: the device
 *
 * Both run in the background, the audit even if it is not periodic.
 */
void mpr_engine_resync(struct mpr_engine *eng)
{
	spin_lock(&eng->lock);
	if (!eng->stopping) {
		eng->probe_all = true;
		mod_delayed_work(eng->wq, &eng->probe, 0);
		mod_delayed_work(eng->wq, &eng->audit, 0);
	}
	spin_unlock(&eng->lock);
}

/* Bring a waiting @dw forward to @delay from now, never later. */
static void mpr_reschedule(struct mpr_engine *eng, struct delayed_work *dw,
			   unsigned long delay)
{
	if (!delayed_work_pending(dw))
		queue_delayed_work(eng->wq, dw, delay);
	else if (time_after(dw->timer.expires, jiffies + delay))
		mod_delayed_work(eng->wq, dw, delay);
}

/**
 * mpr_engine_params_changed() - the device's tunables changed
 * @eng: the device
 *
 * A waiting probe and the audit are rescheduled to the new intervals (a
 * shorter interval brings them forward); an audit interval of 0 stops the
 * audit.
 */
void mpr_engine_params_changed(struct mpr_engine *eng)
{
	spin_lock(&eng->lock);
	if (!eng->stopping && delayed_work_pending(&eng->probe))
		mpr_reschedule(eng, &eng->probe, mpr_probe_delay(eng));
	if (!READ_ONCE(eng->params->audit_interval_ms))
		cancel_delayed_work(&eng->audit);
	else if (!eng->stopping && eng->wanted && eng->key &&
		 !eng->preempted)
		mpr_reschedule(eng, &eng->audit, mpr_audit_delay(eng));
	spin_unlock(&eng->lock);
}

/**
 * mpr_engine_init() - set up a device's engine
 * @eng: zeroed structure
 * @name: the device's name, for messages; must outlive @eng
 * @params: tunables; must outlive @eng
 * @dev_ops: suspend, resume and events of the device
 * @wq: unbound workqueue for path commands and the probe
 */
void mpr_engine_init(struct mpr_engine *eng, const char *name,
		     const struct mpr_engine_params *params,
		     const struct mpr_dev_ops *dev_ops,
		     struct workqueue_struct *wq)
{
	eng->name = name;
	eng->params = params;
	eng->dev_ops = dev_ops;
	eng->wq = wq;
	mutex_init(&eng->op_mutex);
	spin_lock_init(&eng->lock);
	INIT_LIST_HEAD(&eng->paths);
	INIT_LIST_HEAD(&eng->departed);
	atomic_set(&eng->inflight, 0);
	INIT_DELAYED_WORK(&eng->probe, mpr_probe_work);
	INIT_DELAYED_WORK(&eng->audit, mpr_audit_work);
	init_completion(&eng->susp_done);
	INIT_WORK(&eng->susp_work, mpr_suspend_work);
}

/**
 * mpr_engine_halt() - let a device's engine start nothing new
 * @eng: the device; no caller may be inside an operation any more
 *
 * Stops the probe and the audit, waiting for one that runs (its fan-outs
 * end at the deadline). From then on the engine sends no new command;
 * commands sent earlier may still be in flight (mpr_engine_stop() waits
 * for them). Idempotent.
 */
void mpr_engine_halt(struct mpr_engine *eng)
{
	spin_lock(&eng->lock);
	eng->stopping = true;
	spin_unlock(&eng->lock);

	cancel_delayed_work_sync(&eng->probe);
	cancel_delayed_work_sync(&eng->audit);
}

/**
 * mpr_engine_stop() - tear a device's engine down
 * @eng: the device; no caller may be inside an operation any more
 *
 * Halts the engine (mpr_engine_halt()), waits until every path
 * command finished (stragglers included), re-counts registrations that
 * landed after their deadline (mpr_fence_verify_late()), and drops the
 * device's paths.
 * May sleep for as long as the slowest path command takes: a command
 * stuck on a hung path ends only when its transport gives up.
 */
void mpr_engine_stop(struct mpr_engine *eng)
{
	struct mpr_path *path, *tmp;
	LIST_HEAD(paths);

	mpr_engine_halt(eng);
	wait_var_event(&eng->inflight, !atomic_read(&eng->inflight));
	/*
	 * A registration that landed after its deadline and was never
	 * re-counted must not outlive the engine: a preempt may have come
	 * before it landed, and nobody would undo it (the probe that would
	 * is stopped).
	 */
	mutex_lock(&eng->op_mutex);
	mpr_fence_verify_late(eng);
	mutex_unlock(&eng->op_mutex);
	wait_var_event(&eng->inflight, !atomic_read(&eng->inflight));

	spin_lock(&eng->lock);
	list_for_each_entry(path, &eng->departed, node)
		DMWARN("%s: departed path %s not unregistered before detach: may keep key 0x%llx",
		       eng->name, path->name, path->dep_key);
	list_splice_init(&eng->departed, &paths);
	eng->nr_departed = 0;
	list_splice_init(&eng->paths, &paths);
	list_for_each_entry(path, &paths, node)
		path->removed = true;
	eng->nr_paths = 0;
	eng->holder = NULL;
	spin_unlock(&eng->lock);

	list_for_each_entry_safe(path, tmp, &paths, node) {
		list_del_init(&path->node);
		mpr_path_put(path);
	}
	mutex_destroy(&eng->op_mutex);
}
