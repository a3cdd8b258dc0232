// SPDX-License-Identifier: GPL-2.0
/*
 * The PR engine: every persistent reservation operation of a device, run
 * over the device's paths; the result rules; and the work that brings
 * returning paths to the wanted registration state.
 *
 * Pure logic: paths are reached only through struct mpr_path_ops and the
 * device only through struct mpr_dev_ops, so the KUnit tests drive this
 * file against a fake SPC-4 target. Documentation/kernel.md ("The engine")
 * describes each operation.
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
	case -EINVAL:
		return "ILLEGAL REQUEST (invalid field)";
	case -EOPNOTSUPP:
		return "not supported";
	case -ENODEV:
	case -ENXIO:
		return "path device gone";
	default:
		return result < 0 ? "error" : "unexpected status";
	}
}

/**
 * mpr_type_name() - a reservation type in words, for messages
 * @type: enum pr_type, or 0 for none
 *
 * Return: a static string.
 */
const char *mpr_type_name(enum pr_type type)
{
	if (!type)
		return "none";
	switch (type) {
	case PR_WRITE_EXCLUSIVE:
		return "Write Exclusive";
	case PR_EXCLUSIVE_ACCESS:
		return "Exclusive Access";
	case PR_WRITE_EXCLUSIVE_REG_ONLY:
		return "Write Exclusive, registrants only";
	case PR_EXCLUSIVE_ACCESS_REG_ONLY:
		return "Exclusive Access, registrants only";
	case PR_WRITE_EXCLUSIVE_ALL_REGS:
		return "Write Exclusive, all registrants";
	case PR_EXCLUSIVE_ACCESS_ALL_REGS:
		return "Exclusive Access, all registrants";
	default:
		return "unknown type";
	}
}

/* Every registrant holds an all-registrants reservation. */
static bool mpr_type_all_regs(enum pr_type type)
{
	return type == PR_WRITE_EXCLUSIVE_ALL_REGS ||
	       type == PR_EXCLUSIVE_ACCESS_ALL_REGS;
}

/* Only one I_T nexus has access beyond reading (or at all). */
static bool mpr_type_single_holder(enum pr_type type)
{
	return type == PR_WRITE_EXCLUSIVE || type == PR_EXCLUSIVE_ACCESS;
}

static unsigned int mpr_op_timeout_ms(const struct mpr_engine *eng)
{
	return clamp_t(unsigned int, READ_ONCE(eng->params->op_timeout_ms),
		       MPR_MIN_TIMEOUT_MS, MPR_MAX_TIMEOUT_MS);
}

/* Deadline of one step of an operation, from now. */
static unsigned long mpr_deadline(const struct mpr_engine *eng)
{
	return jiffies + msecs_to_jiffies(mpr_op_timeout_ms(eng));
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

/*
 * Set a path's state; caller holds eng->lock. @cause is the result that
 * made it fail, reported with the PATH_FAILED event.
 */
static void mpr_path_set_state_locked(struct mpr_path *path,
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
static void mpr_set_preempted_locked(struct mpr_engine *eng, const char *how)
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
static void mpr_engine_schedule_audit_locked(struct mpr_engine *eng)
{
	lockdep_assert_held(&eng->lock);
	if (!eng->stopping && READ_ONCE(eng->params->audit_interval_ms) &&
	    eng->wanted && eng->key && !eng->preempted)
		queue_delayed_work(eng->wq, &eng->audit, mpr_audit_delay(eng));
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
	spin_lock(&eng->lock);
	path->eng = eng;
	if (eng->wanted)
		path->reg = DM_MPATH_PR_REG_PENDING;
	list_add_tail(&path->node, &eng->paths);
	eng->nr_paths++;
	spin_unlock(&eng->lock);
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

/* The reservation state the engine knows of; caller holds eng->lock. */
static void mpr_set_holder_locked(struct mpr_engine *eng,
				  struct mpr_path *holder, u64 key,
				  enum pr_type type, enum pr_type asked)
{
	lockdep_assert_held(&eng->lock);
	eng->holder = holder && !holder->removed ? holder : NULL;
	eng->res_key = type ? key : 0;
	eng->res_type = type;
	eng->res_asked = type ? asked : 0;
}

static void mpr_forget_reservation_locked(struct mpr_engine *eng)
{
	mpr_set_holder_locked(eng, NULL, 0, 0, 0);
}

/*
 * ---- events ---------------------------------------------------------------
 *
 * State changes are made under eng->lock, events are sent without it: the
 * engine keeps what it last reported (path state, preempted, reservation)
 * and mpr_flush_events() reports every difference, each exactly once,
 * whoever calls it. Nothing is reported while the engine has the device
 * suspended; the operation that suspended it flushes after the resume.
 */

/* Most per-path results an OP_DONE event carries. */
#define MPR_OP_LOG_MAX	64

/**
 * struct mpr_op_log - per-path results of one operation
 * @nr: used entries
 * @dropped: results that did not fit
 * @res: the results, as the event carries them
 * @name: the paths' names, which @res points to
 */
struct mpr_op_log {
	unsigned int nr;
	unsigned int dropped;
	struct mpr_event_result res[MPR_OP_LOG_MAX];
	char name[MPR_OP_LOG_MAX][sizeof_field(struct mpr_path, name)];
};

static void mpr_emit(struct mpr_engine *eng, const struct mpr_event *ev)
{
	if (eng->dev_ops && eng->dev_ops->event)
		eng->dev_ops->event(eng, ev);
}

/* A path event; the caller holds a reference to @path. */
static void mpr_emit_path(struct mpr_engine *eng, enum mpr_event_type type,
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
		ev->key = eng->wanted ? eng->key : 0;
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
static void mpr_flush_events(struct mpr_engine *eng)
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

/**
 * struct mpr_op_ctx - an operation as its caller sees it
 * @t0: when the caller came in
 * @op: enum dm_mpath_pr_op
 * @key: the key OP_DONE reports (REGISTER: the new key)
 * @ours: the host's key the operation used: a conflict on it makes the
 *	engine verify that the key is still registered
 * @log: per-path results, NULL without an event callback (or memory)
 */
struct mpr_op_ctx {
	ktime_t t0;
	u32 op;
	u64 key;
	u64 ours;
	struct mpr_op_log *log;
};

/*
 * Start an operation: one at a time per device. The wait for the one in
 * progress is killable (it is bounded anyway: no operation waits on a path
 * past the deadline). Return: 0, or -EINTR if the caller was killed.
 */
static int __must_check mpr_op_begin(struct mpr_engine *eng,
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

static int mpr_probe_key_check(struct mpr_engine *eng, u64 key, u32 *count,
			       u32 *generation);

/*
 * A conflict on the host's key: is the key still on the device? If not,
 * the host was preempted. Caller holds op_mutex; the device is not
 * suspended.
 */
static void mpr_verify_key(struct mpr_engine *eng, u64 ours, int result)
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
static int mpr_op_end(struct mpr_engine *eng, struct mpr_op_ctx *ctx,
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

/**
 * enum mpr_op - the PR commands the engine sends to paths
 * @MPR_OP_REGISTER: REGISTER or REGISTER AND IGNORE EXISTING KEY
 * @MPR_OP_RESERVE: RESERVE
 * @MPR_OP_RELEASE: RELEASE
 * @MPR_OP_PREEMPT: PREEMPT or PREEMPT AND ABORT
 * @MPR_OP_CLEAR: CLEAR
 * @MPR_OP_READ_KEYS: PR IN READ KEYS
 * @MPR_OP_READ_RESV: PR IN READ RESERVATION
 */
enum mpr_op {
	MPR_OP_REGISTER,
	MPR_OP_RESERVE,
	MPR_OP_RELEASE,
	MPR_OP_PREEMPT,
	MPR_OP_CLEAR,
	MPR_OP_READ_KEYS,
	MPR_OP_READ_RESV,
};

/**
 * struct mpr_cmd - one PR command as it is sent to a path
 * @op: the command
 * @key: the reservation key (REGISTER: the old key)
 * @sa_key: REGISTER: the new key; PREEMPT: the key preempted
 * @type: reservation type, as sent (RESERVE, RELEASE, PREEMPT)
 * @asked: the type the caller asked for, before translation
 * @flags: REGISTER: PR_FL_IGNORE_KEY; RESERVE: the caller's flags
 * @abort: PREEMPT AND ABORT
 * @room: READ KEYS: keys the answer has room for
 */
struct mpr_cmd {
	enum mpr_op op;
	u64 key;
	u64 sa_key;
	enum pr_type type;
	enum pr_type asked;
	u32 flags;
	bool abort;
	u32 room;
};

static const char *mpr_cmd_name(const struct mpr_cmd *cmd)
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
static bool mpr_cmd_is_read(const struct mpr_cmd *cmd)
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
struct mpr_fanout;

/**
 * struct mpr_slot - one path's part of a fan-out
 * @work: runs the command
 * @fo: the fan-out
 * @path: the path (a reference is held)
 * @flags: PR flags for this path's command
 * @result: the command's result, valid if @done
 * @done: the command finished (under &mpr_engine.lock)
 * @start: when the command was queued
 * @latency_us: how long it took, valid if @done
 * @emit: the probe reports a registration change of the path
 * @resv: READ RESERVATION: the answer
 * @keys: READ KEYS: the answer (owned by the slot, so that a late answer
 *	never lands in a caller's buffer)
 */
struct mpr_slot {
	struct work_struct work;
	struct mpr_fanout *fo;
	struct mpr_path *path;
	u32 flags;
	int result;
	bool done;
	bool emit;
	ktime_t start;
	u64 latency_us;
	struct mpr_resv resv;
	struct mpr_keys *keys;
};

/**
 * struct mpr_fanout - one command over one or more paths
 * @ref: the caller's reference and one per queued slot
 * @eng: the device
 * @done: completed when the last slot finished
 * @pending: slots not finished
 * @abandoned: the caller stopped waiting (under &mpr_engine.lock)
 * @cmd: the command
 * @last: a path whose command goes out only once the others finished
 *	(NULL: all at once); see mpr_register_locked()
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
	struct mpr_cmd cmd;
	struct mpr_path *last;
	unsigned int max;
	unsigned int nr;
	struct mpr_slot slot[];
};

static void mpr_fanout_free(struct mpr_fanout *fo)
{
	unsigned int i;

	for (i = 0; i < fo->max; i++)
		kvfree(fo->slot[i].keys);
	kfree(fo);
}

static struct mpr_fanout *mpr_fanout_alloc(struct mpr_engine *eng,
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
static void mpr_path_note_locked(struct mpr_engine *eng, struct mpr_path *path,
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
static void mpr_fold_late_locked(struct mpr_engine *eng, struct mpr_path *path,
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
static void mpr_fanout_run(struct mpr_fanout *fo, unsigned long deadline)
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

static void mpr_fanout_release(struct mpr_fanout *fo)
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
static struct mpr_fanout *mpr_fanout_prepare(struct mpr_engine *eng,
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

/*
 * ---- one path at a time --------------------------------------------------
 *
 * RESERVE, RELEASE on a known holder, PREEMPT, CLEAR and the PR IN commands
 * go to one path; the next path is tried according to the result. Each
 * step of an operation numbers itself (op_seq), and a path gets at most one
 * command per step.
 */

/* Start a step: every path may be tried once again. */
static void mpr_step_begin(struct mpr_engine *eng)
{
	lockdep_assert_held(&eng->op_mutex);
	spin_lock(&eng->lock);
	eng->op_seq++;
	spin_unlock(&eng->lock);
}

static bool mpr_pickable_locked(const struct mpr_engine *eng,
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

/**
 * struct mpr_in - where the answer of a PR IN goes
 * @resv: READ RESERVATION
 * @generation: READ KEYS: PRgeneration
 * @num_keys: READ KEYS: keys the device reported
 * @keys: READ KEYS: room for &mpr_cmd.room keys
 */
struct mpr_in {
	struct mpr_resv *resv;
	u32 *generation;
	u32 *num_keys;
	u64 *keys;
};

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
static int mpr_exec_on(struct mpr_engine *eng, struct mpr_path *path,
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
 * enum mpr_conflict_rule - whether a RESERVATION CONFLICT ends a step
 * @MPR_CONFLICT_STOP: it is the answer
 * @MPR_CONFLICT_NEXT: try the next path (RESERVE: only the holder nexus
 *	answers GOOD while the host holds the reservation)
 * @MPR_CONFLICT_NEXT_UNREG: try the next path if this one is not known to
 *	carry the host's key (it was down when the key was registered, or was
 *	added since); the answer otherwise
 */
enum mpr_conflict_rule {
	MPR_CONFLICT_STOP,
	MPR_CONFLICT_NEXT,
	MPR_CONFLICT_NEXT_UNREG,
};

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
static int mpr_send_one(struct mpr_engine *eng, const struct mpr_cmd *cmd,
			bool prefer_holder, enum mpr_conflict_rule rule,
			struct mpr_path **used, struct mpr_in *in)
{
	unsigned int conflicts = 0, down = 0;
	struct mpr_path *path;
	bool next;
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
		if (mpr_result_is_conflict(r)) {
			spin_lock(&eng->lock);
			next = rule == MPR_CONFLICT_NEXT ||
			       (rule == MPR_CONFLICT_NEXT_UNREG &&
				path->reg != DM_MPATH_PR_REG_REGISTERED);
			spin_unlock(&eng->lock);
			conflicts++;
		} else if (mpr_result_is_path_error(r)) {
			next = r != -ETIMEDOUT || mpr_cmd_is_read(cmd);
			down++;
			if (!next)
				DMERR("%s: %s on path %s: no answer in time; not resent",
				      eng->name, mpr_cmd_name(cmd), path->name);
		} else {
			next = false;
		}
		mpr_path_put(path);
		if (!next)
			return r;
	}
	if (conflicts)
		return PR_STS_RESERVATION_CONFLICT;
	if (!down)
		DMERR("%s: %s: no path to send it on", eng->name,
		      mpr_cmd_name(cmd));
	return PR_STS_PATH_FAILED;
}

/**
 * mpr_read_resv() - READ RESERVATION through the first path that answers
 * @eng: the device, op_mutex held
 * @rsv: the answer
 *
 * Return: 0, or the result of the last path.
 */
static int mpr_read_resv(struct mpr_engine *eng, struct mpr_resv *rsv)
{
	struct mpr_cmd cmd = { .op = MPR_OP_READ_RESV };
	struct mpr_in in = { .resv = rsv };

	memset(rsv, 0, sizeof(*rsv));
	return mpr_send_one(eng, &cmd, false, MPR_CONFLICT_STOP, NULL, &in);
}

/* Quiesce the device's host I/O around a multi-nexus change. */
static int mpr_suspend(struct mpr_engine *eng)
{
	int r = -EOPNOTSUPP;

	if (eng->dev_ops && eng->dev_ops->suspend)
		r = eng->dev_ops->suspend(eng);
	if (r) {
		DMERR("%s: cannot suspend the device: %d", eng->name, r);
		return r;
	}
	spin_lock(&eng->lock);
	eng->suspends++;
	eng->quiesced = true;
	spin_unlock(&eng->lock);
	return 0;
}

static void mpr_resume(struct mpr_engine *eng)
{
	eng->dev_ops->resume(eng);
	spin_lock(&eng->lock);
	eng->quiesced = false;
	spin_unlock(&eng->lock);
}

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
static int mpr_key_count(struct mpr_engine *eng, struct mpr_path *path,
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
static int mpr_probe_key_check(struct mpr_engine *eng, u64 key, u32 *count,
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
 * struct mpr_fence - what the fencing check saw before a registration
 * @count: registrations of the host's key
 * @gen: PRgeneration of that answer
 */
struct mpr_fence {
	u32 count;
	u32 gen;
};

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
static int mpr_fence_check(struct mpr_engine *eng, u64 key,
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
	mpr_fanout_run(fo, mpr_deadline(eng));

	spin_lock(&eng->lock);
	for (i = 0; i < fo->nr; i++) {
		struct mpr_slot *slot = &fo->slot[i];
		int r = mpr_slot_result(slot);

		mpr_path_note_locked(eng, slot->path, r);
		slot->emit = !r;
		if (r) {
			/* Whatever it carries now, the probe checks it again. */
			slot->path->unverified_key = key;
			DMERR("%s: path %s may keep key 0x%llx after a racing preempt: %s (%d)",
			      eng->name, slot->path->name, key,
			      mpr_result_name(r), r);
		} else {
			slot->path->unverified_key = 0;
			DMWARN("%s: path %s unregistered again: a preempt raced its registration",
			       eng->name, slot->path->name);
		}
	}
	spin_unlock(&eng->lock);
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
static bool mpr_fence_register(struct mpr_engine *eng,
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
static void mpr_fence_verify_late(struct mpr_engine *eng)
{
	struct mpr_cmd cmd = {
		.op = MPR_OP_REGISTER,
		.flags = PR_FL_IGNORE_KEY,
	};
	unsigned int i, nr_any = 0, nr_same = 0;
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
	mpr_fanout_run(fo, mpr_deadline(eng));
	spin_lock(&eng->lock);
	for (i = 0; i < fo->nr; i++) {
		struct mpr_slot *slot = &fo->slot[i];

		r = mpr_slot_result(slot);
		mpr_path_note_locked(eng, slot->path, r);
		slot->emit = !r;
		if (!r) {
			DMWARN("%s: path %s: key 0x%llx that landed late removed%s",
			       eng->name, slot->path->name,
			       slot->path->unverified_key,
			       fenced ? ": the host is not registered elsewhere" : "");
			slot->path->unverified_key = 0;
		}
	}
	spin_unlock(&eng->lock);
	mpr_fence_emit(eng, fo, MPR_EV_PATH_UNREGISTERED, key);
	mpr_fanout_release(fo);
}

/*
 * ---- REGISTER, REGISTER AND IGNORE, unregister ---------------------------
 */

/*
 * Final result of @path in a REGISTER: the retry's if there was one. On a
 * device with per-host registrations (@shared) a conflict of a path that
 * carried the old key means another path of the host did it already.
 */
static int mpr_register_result(struct mpr_fanout *fo, struct mpr_fanout *retry,
			       struct mpr_slot *slot, bool shared)
{
	struct mpr_slot *again = mpr_fanout_find(retry, slot->path);
	int r;

	/* A retry undone because a preempt raced it: the host is fenced. */
	if (again && !mpr_slot_result(again) && !again->emit)
		return PR_STS_RESERVATION_CONFLICT;
	r = mpr_slot_result(again ? again : slot);
	return shared && mpr_result_is_conflict(r) ? 0 : r;
}

/*
 * A REGISTER succeeded on a path: the host owns @new_key now, and every
 * path should carry it. Caller holds eng->lock.
 */
static void mpr_adopt_registered_locked(struct mpr_engine *eng, u64 new_key)
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
 * @shared: registrations are per host, see mpr_register_result()
 *
 * Rules (DESIGN.md §3.2, Documentation/kernel.md "What a result means"):
 *  - a path succeeded: the operation succeeded, whatever the other paths
 *    answered: the device has the host's new registration, so the caller
 *    must not take the call for "not done" (a retry with the old key would
 *    conflict everywhere). The new key is the wanted state (adopted by the
 *    caller, mpr_adopt_registered_locked()); every path that did not get
 *    it is pending and is brought there when possible;
 *  - no path succeeded, some conflicted: PR_STS_RESERVATION_CONFLICT;
 *  - no path succeeded, some failed otherwise: the first such error;
 *  - no path was reachable: PR_STS_PATH_FAILED. A path error is never
 *    reported as a conflict.
 *
 * Return: the operation's result.
 */
static int mpr_register_conclude(struct mpr_engine *eng,
				 struct mpr_fanout *fo,
				 struct mpr_fanout *retry, bool shared)
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
		mpr_tally_add(&t, mpr_register_result(fo, retry, &fo->slot[i],
						      shared));

	list_for_each_entry(path, &eng->paths, node) {
		struct mpr_slot *slot = mpr_fanout_find(fo, path);
		int r;

		if (!slot) {
			/* Not asked: failed or busy; per host: shares it. */
			if (t.ok)
				path->reg = shared ? mpr_reg_of_key(new_key) :
					    DM_MPATH_PR_REG_PENDING;
			goto next;
		}
		r = mpr_register_result(fo, retry, slot, shared);
		if (!r) {
			mpr_path_set_state_locked(path, DM_MPATH_PR_PATH_ACTIVE, 0);
			path->reg = mpr_reg_of_key(eng->preempted ? 0 : new_key);
			path->unverified_key = 0;
			continue;
		}
		if (mpr_result_is_path_error(r))
			mpr_path_set_state_locked(path, DM_MPATH_PR_PATH_FAILED,
						  r);
		else
			mpr_path_set_state_locked(path, DM_MPATH_PR_PATH_ACTIVE,
						  0);
		if (t.ok)
			path->reg = DM_MPATH_PR_REG_PENDING;
		if (r == -ETIMEDOUT)
			path->last_result = r;
		DMWARN_LIMIT("%s: %s on path %s failed: %s (%d)", eng->name, op,
			     path->name, mpr_result_name(r), r);
next:
		if (path->reg == DM_MPATH_PR_REG_PENDING ||
		    path->state == DM_MPATH_PR_PATH_FAILED)
			probe = true;
	}
	if (probe)
		mpr_engine_schedule_probe_locked(eng);
	spin_unlock(&eng->lock);

	if (t.ok)
		ret = 0;
	else if (t.conflict)
		ret = PR_STS_RESERVATION_CONFLICT;
	else if (t.other)
		ret = t.first_other;
	else
		ret = PR_STS_PATH_FAILED;

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
	ret = mpr_register_conclude(eng, fo, retry, shared);
	/* Done, and then preempted before the paths that lacked it got it. */
	if (!ret && fenced)
		ret = PR_STS_RESERVATION_CONFLICT;
out:
	mpr_fanout_release(retry);
	mpr_fanout_release(fo);
	return ret;
}

static int mpr_release_locked(struct mpr_engine *eng, u64 key,
			      enum pr_type type);

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
	unsigned int nr;

	cmd->asked = cmd->type;
	if (!mpr_type_single_holder(cmd->type))
		return 0;
	spin_lock(&eng->lock);
	nr = eng->nr_paths;
	spin_unlock(&eng->lock);
	if (nr <= 1)
		return 0;

	switch (READ_ONCE(eng->params->single_holder)) {
	case MPR_SH_PASSTHROUGH:
		DMWARN_LIMIT("%s: %s %s: I/O on %u other paths will fail (single_holder)",
			     eng->name, mpr_cmd_name(cmd),
			     mpr_type_name(cmd->type), nr - 1);
		return 0;
	case MPR_SH_TRANSLATE:
		cmd->type = cmd->type == PR_WRITE_EXCLUSIVE ?
			    PR_WRITE_EXCLUSIVE_REG_ONLY :
			    PR_EXCLUSIVE_ACCESS_REG_ONLY;
		return 0;
	default:
		DMERR_LIMIT("%s: %s %s refused: I/O on %u other paths would fail (single_holder)",
			    eng->name, mpr_cmd_name(cmd),
			    mpr_type_name(cmd->type), nr - 1);
		return -EOPNOTSUPP;
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
		   rsv.type == cmd.type && rsv.key == key && key) {
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
	struct mpr_fence fc;
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
	if (r < 0 || r > 1) {
		DMWARN("%s: no restore after %s, READ KEYS failed: %s (%d)",
		       eng->name, mpr_cmd_name(pcmd), mpr_result_name(r), r);
		return;
	}
	if (!r && (!before || fc.gen - before->gen != 1)) {
		spin_lock(&eng->lock);
		mpr_set_preempted_locked(eng, "restore after a self-preempt");
		spin_unlock(&eng->lock);
		return;
	}
	fo = mpr_fanout_alloc(eng, READ_ONCE(eng->nr_paths), &cmd);
	if (!fo)
		return;
	spin_lock(&eng->lock);
	if (r)
		issuer->reg = mpr_reg_of_key(pcmd->key);
	list_for_each_entry(p, &eng->paths, node)
		if ((p != issuer || !r) && !p->busy && !p->removed &&
		    p->state == DM_MPATH_PR_PATH_ACTIVE)
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
static int mpr_preempt_suspended(struct mpr_engine *eng,
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
static int mpr_release_locked(struct mpr_engine *eng, u64 key,
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
	if (!t.ok) {
		if (t.conflict)
			return PR_STS_RESERVATION_CONFLICT;
		if (t.other)
			return t.first_other;
		return PR_STS_PATH_FAILED;
	}

	r = mpr_read_resv(eng, &rsv);
	if (r)
		return r;
	if (!rsv.type || rsv.key != key) {
		/* Released, or not held with @key: not ours to keep. */
		spin_lock(&eng->lock);
		if (eng->res_key == key)
			mpr_forget_reservation_locked(eng);
		spin_unlock(&eng->lock);
		/*
		 * Still reserved, and a nexus refused: the holder nexus (a
		 * nexus of this host, holding it with another key) or one
		 * without the key. Whatever the other nexuses answered (a
		 * registered non-holder answers GOOD and changes nothing),
		 * the reservation was not released: a caller told "done"
		 * would act on a release that never happened.
		 */
		if (rsv.type && t.conflict)
			return PR_STS_RESERVATION_CONFLICT;
		return 0;
	}
	if (t.other)
		return t.first_other;
	if (rsv.type != type)
		return PR_STS_RESERVATION_CONFLICT;
	if (!all) {
		/* The known holder was not the holder any more: ask all. */
		path = NULL;
		goto again;
	}

	spin_lock(&eng->lock);
	ours = eng->res_type == type && eng->res_key == key;
	spin_unlock(&eng->lock);
	if (!ours) {
		DMWARN("%s: RELEASE: key 0x%llx held via a nexus not known as ours; left alone",
		       eng->name, key);
		return 0;
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
	bool known, all_regs, takes_res, self;
	struct mpr_path *path = NULL;
	struct mpr_op_ctx ctx;
	struct mpr_resv rsv;
	int r;

	r = mpr_op_begin(eng, &ctx, abort ? DM_MPATH_PR_OP_PREEMPT_ABORT :
				   DM_MPATH_PR_OP_PREEMPT, old_key, old_key);
	if (r)
		return r;

	known = !mpr_read_resv(eng, &rsv);
	all_regs = known && mpr_type_all_regs(rsv.type) && !new_key;
	takes_res = known && rsv.type && (all_regs || rsv.key == new_key);
	self = new_key == old_key;

	/* The type matters only if a reservation is taken over. */
	if (takes_res || self || !known) {
		r = mpr_type_policy(eng, &cmd);
		if (r)
			goto out;
	}

	if (self || all_regs)
		r = mpr_preempt_suspended(eng, &cmd, false, &path);
	else
		r = mpr_send_one(eng, &cmd, false, MPR_CONFLICT_NEXT_UNREG,
				 &path, NULL);
	if (!r && takes_res) {
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
		if (eng->res_type && (!rsv->type ||
				      (!mpr_type_all_regs(rsv->type) &&
				       rsv->key != eng->res_key)))
			mpr_forget_reservation_locked(eng);
		else if (eng->res_type && rsv->type == eng->res_type &&
			 rsv->key == eng->res_key)
			rsv->type = eng->res_asked;
		spin_unlock(&eng->lock);
	}
	return mpr_op_end(eng, &ctx, r);
}

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

static void mpr_audit_work(struct work_struct *work)
{
	struct mpr_engine *eng = container_of(to_delayed_work(work),
					      struct mpr_engine, audit);

	mpr_engine_audit_once(eng);
	spin_lock(&eng->lock);
	mpr_engine_schedule_audit_locked(eng);
	spin_unlock(&eng->lock);
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
	atomic_set(&eng->inflight, 0);
	INIT_DELAYED_WORK(&eng->probe, mpr_probe_work);
	INIT_DELAYED_WORK(&eng->audit, mpr_audit_work);
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
	cancel_delayed_work_sync(&eng->audit);
	wait_var_event(&eng->inflight, !atomic_read(&eng->inflight));

	spin_lock(&eng->lock);
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
