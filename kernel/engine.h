/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PR engine: runs persistent reservation operations over an abstract set
 * of paths. It knows nothing about block devices; a backend (kernel/path.c,
 * or the fake target of the KUnit tests) implements struct mpr_path_ops, and
 * the owner of the device implements struct mpr_dev_ops.
 */
#ifndef _MPR_ENGINE_H
#define _MPR_ENGINE_H

#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pr.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/dm-mpath-pr.h>

struct mpr_engine;
struct mpr_path;
struct mpr_op_log;

/**
 * enum mpr_susp_state - the device's suspend as the engine runs it
 * @MPR_SUSP_IDLE: not suspended, no suspend in progress
 * @MPR_SUSP_RUNNING: &mpr_dev_ops.suspend runs, its caller waits
 * @MPR_SUSP_DONE: it returned (&mpr_engine.susp_result), the caller has
 *	not looked yet
 * @MPR_SUSP_HELD: suspended, the operation that asked holds it
 * @MPR_SUSP_ABANDONED: it runs, but its caller gave up at the deadline:
 *	the work resumes the device as soon as the suspend returns
 */
enum mpr_susp_state {
	MPR_SUSP_IDLE,
	MPR_SUSP_RUNNING,
	MPR_SUSP_DONE,
	MPR_SUSP_HELD,
	MPR_SUSP_ABANDONED,
};

/*
 * Room of the engine's own first READ KEYS; a device that reports more keys
 * is asked again with room for all of them, up to MPR_KEYS_LIMIT (what the
 * 16-bit ALLOCATION LENGTH of a SCSI PERSISTENT RESERVE IN can carry).
 */
#define MPR_MAX_KEYS		256
#define MPR_KEYS_LIMIT		((U16_MAX - 8) / 8)

/* Times a command failing with CHECK CONDITION is sent again. */
#define MPR_UA_RETRIES		3

/**
 * struct mpr_keys - result of READ KEYS, as struct pr_keys of newer kernels
 * @generation: PRgeneration of the device server
 * @num_keys: on input the room in @keys; on output the number of keys the
 *	device reported (which may exceed the room; only the room is filled)
 * @keys: the registered keys
 */
struct mpr_keys {
	u32 generation;
	u32 num_keys;
	u64 keys[];
};

/**
 * struct mpr_resv - result of READ RESERVATION, as struct
 *	pr_held_reservation of newer kernels
 * @key: the reservation key (0 for an all-registrants reservation)
 * @generation: PRgeneration of the device server
 * @type: the reservation's type; 0 if there is no reservation
 */
struct mpr_resv {
	u64 key;
	u32 generation;
	enum pr_type type;
};

/**
 * struct mpr_path_ops - what the engine needs from one path
 *
 * Every call may sleep and may take as long as the transport takes; the
 * engine calls them from its workqueue and bounds how long a caller waits.
 * Results follow the pr_ops conventions of current kernels: 0, a negative
 * errno, or a positive PR_STS_* value (see compat.h for kernels that
 * predate them). Backends normalise whatever their transport returns into
 * that set, identically on every kernel: mpr_result_is_path_error() then
 * decides what counts as a transport failure. Keys and types are those of
 * struct pr_ops; the PR OUT operations act on this path's I_T nexus only.
 */
struct mpr_path_ops {
	/**
	 * @pr_register: REGISTER (or, with PR_FL_IGNORE_KEY in @flags,
	 * REGISTER AND IGNORE EXISTING KEY). @new_key 0 unregisters.
	 */
	int (*pr_register)(struct mpr_path *path, u64 old_key, u64 new_key,
			   u32 flags);
	/** @pr_reserve: RESERVE with reservation key @key. */
	int (*pr_reserve)(struct mpr_path *path, u64 key, enum pr_type type,
			  u32 flags);
	/** @pr_release: RELEASE with reservation key @key. */
	int (*pr_release)(struct mpr_path *path, u64 key, enum pr_type type);
	/**
	 * @pr_preempt: PREEMPT (PREEMPT AND ABORT if @abort) with
	 * reservation key @old_key, removing the registrations of
	 * @new_key (the service action reservation key), as pr_ops does.
	 */
	int (*pr_preempt)(struct mpr_path *path, u64 old_key, u64 new_key,
			  enum pr_type type, bool abort);
	/** @pr_clear: CLEAR with reservation key @key. */
	int (*pr_clear)(struct mpr_path *path, u64 key);
	/**
	 * @read_keys: PERSISTENT RESERVE IN READ KEYS through this path.
	 * @keys->num_keys holds the room in @keys->keys on entry.
	 */
	int (*read_keys)(struct mpr_path *path, struct mpr_keys *keys);
	/**
	 * @read_reservation: PERSISTENT RESERVE IN READ RESERVATION through
	 * this path. @rsv is zeroed by the caller; no reservation leaves
	 * @rsv->type 0.
	 */
	int (*read_reservation)(struct mpr_path *path, struct mpr_resv *rsv);
	/**
	 * @free: the last reference to @path is gone: close the transport
	 * and free the backend structure that embeds @path. May sleep; runs
	 * in process context, possibly from the engine's workqueue.
	 */
	void (*free)(struct mpr_path *path);
};

/**
 * enum mpr_event_type - what the engine reports through &mpr_dev_ops.event
 * @MPR_EV_PATH_REGISTERED: the engine gave a path the device's key on its
 *	own (a returning or new path); @path, @key
 * @MPR_EV_PATH_UNREGISTERED: the engine removed a key from a path on its
 *	own (a stale key on a returning path, or a path re-registered while a
 *	preempt raced in); @path, @key
 * @MPR_EV_PATH_FAILED: @path went to DM_MPATH_PR_PATH_FAILED; @result is
 *	what caused it (0 for a userspace hint)
 * @MPR_EV_PATH_RESTORED: @path went back to DM_MPATH_PR_PATH_ACTIVE
 * @MPR_EV_RESERVATION: the host's reservation changed: @key, @res_type
 *	(0: none), @holder_id (0: unknown)
 * @MPR_EV_PREEMPTED: the host's key (@key) is gone from the device; sent
 *	once until the host registers again
 * @MPR_EV_OP_DONE: an operation returned to its caller: @op, @result,
 *	@latency_us, @key, and @nr_results entries of @results
 */
enum mpr_event_type {
	MPR_EV_PATH_REGISTERED,
	MPR_EV_PATH_UNREGISTERED,
	MPR_EV_PATH_FAILED,
	MPR_EV_PATH_RESTORED,
	MPR_EV_RESERVATION,
	MPR_EV_PREEMPTED,
	MPR_EV_OP_DONE,
};

/**
 * struct mpr_event_result - one path's part in an operation
 * @id: backend identity of the path (&mpr_path.id)
 * @name: the path's name
 * @result: 0, -errno or PR_STS_*
 * @latency_us: how long the path's command took
 */
struct mpr_event_result {
	u64 id;
	const char *name;
	int result;
	u64 latency_us;
};

/**
 * struct mpr_event - an event of a device, see enum mpr_event_type
 * @type: enum mpr_event_type
 * @path: the path of a path event (a reference is held for the call)
 * @key: the key concerned
 * @result: the cause (path events) or the caller's result (OP_DONE)
 * @op: enum dm_mpath_pr_op (OP_DONE)
 * @latency_us: time the caller waited (OP_DONE)
 * @res_type: reservation type (RESERVATION)
 * @holder_id: &mpr_path.id of the holder path, 0 if unknown (RESERVATION)
 * @nr_results: entries in @results (OP_DONE)
 * @results: per-path results (OP_DONE)
 */
struct mpr_event {
	enum mpr_event_type type;
	struct mpr_path *path;
	u64 key;
	int result;
	u32 op;
	u64 latency_us;
	enum pr_type res_type;
	u64 holder_id;
	unsigned int nr_results;
	const struct mpr_event_result *results;
};

/**
 * struct mpr_dev_ops - what the engine needs from the device as a whole
 *
 * Some operations change the registrations of several I_T nexuses of the
 * host at once (a PREEMPT of the host's own key strips every nexus but
 * the one it was sent on). Host I/O must not reach a nexus in that window,
 * or it fails with RESERVATION CONFLICT: the engine quiesces the device
 * around such sequences.
 */
struct mpr_dev_ops {
	/**
	 * @suspend: stop host I/O from being sent to the paths, without
	 * failing it (it waits and continues after @resume). PR commands on
	 * the paths must keep working. Return: 0 or -errno.
	 */
	int (*suspend)(struct mpr_engine *eng);
	/** @resume: undo a successful @suspend. */
	void (*resume)(struct mpr_engine *eng);
	/**
	 * @event: report @ev (optional). Called in process context without
	 * &mpr_engine.lock held and never while the engine has the device
	 * suspended; the events of an operation, the probe and the audit
	 * come with &mpr_engine.op_mutex held, so it must neither call into
	 * the engine nor wait for anything that does. May sleep. Everything
	 * @ev points to is valid for the call only.
	 */
	void (*event)(struct mpr_engine *eng, const struct mpr_event *ev);
};

/**
 * enum mpr_single_holder - what to do with single-holder reservation types
 * @MPR_SH_REFUSE: RESERVE and PREEMPT with Write Exclusive or Exclusive
 *	Access fail with -EOPNOTSUPP on a device with more than one path
 * @MPR_SH_TRANSLATE: they are sent as the registrants-only variant of the
 *	type, and READ RESERVATION reports the type that was asked for
 * @MPR_SH_PASSTHROUGH: they are sent unchanged, with a warning (the holder
 *	host's own I/O on its other paths fails with RESERVATION CONFLICT)
 *
 * Documentation/kernel.md ("Single-holder reservation types") explains the
 * choice and the default.
 */
enum mpr_single_holder {
	MPR_SH_REFUSE,
	MPR_SH_TRANSLATE,
	MPR_SH_PASSTHROUGH,
};

/**
 * struct mpr_engine_params - tunables, read on every use
 * @op_timeout_ms: how long a caller waits for the paths of one step of an
 *	operation
 * @probe_interval_ms: period of the work that brings pending paths to the
 *	wanted registration state
 * @audit_interval_ms: period of the audit that re-verifies the host's
 *	registrations (0: no audit)
 * @single_holder: enum mpr_single_holder
 * @sgio: PERSISTENT RESERVE IN/OUT by SG_IO on the map are answered
 *	through the engine (sgio.c); off, they go to dm. Not the engine's:
 *	the hook reads it, GET reports it
 *
 * Each device has its own copy (SET changes one device), initialised from
 * the module parameters at attach (@sgio: on); fields are read with
 * READ_ONCE().
 */
struct mpr_engine_params {
	unsigned int op_timeout_ms;
	unsigned int probe_interval_ms;
	unsigned int audit_interval_ms;
	int single_holder;
	bool sgio;
};

/**
 * struct mpr_path - the engine's view of one path
 * @node: entry in &mpr_engine.paths
 * @ref: references: the path list, each command in flight, each operation
 *	that looks at the path
 * @eng: the device the path belongs to
 * @ops: backend operations
 * @id: backend identity of the path (the block device number)
 * @name: the path's name, for messages
 * @state: enum dm_mpath_pr_path_state
 * @reg: enum dm_mpath_pr_reg_state
 * @busy: a command is in flight on the path; no second one is sent
 * @removed: the path left the device's path list
 * @departed: the path left the device while it may carry the host's key:
 *	it is on &mpr_engine.departed, and its only command is its
 *	unregistration (mpr_depart_once()); set before it is linked there,
 *	never cleared
 * @dep_key: the device's key when the path departed
 * @dep_held: a departed path held the host's reservation when it left: it
 *	keeps its registration (which the reservation needs) until the host
 *	no longer holds a reservation with @dep_key
 * @unverified_key: a registration of the engine with this key landed on
 *	the path after its deadline and was not re-counted yet (0: none; see
 *	mpr_fence_verify_late())
 * @tried: &mpr_engine.op_seq of the last operation that sent a command on
 *	the path (one command per path and step)
 * @ev_state: the state last reported by an event
 * @ev_cause: the result that made the path fail (0: a userspace hint)
 * @last_result: result of the last command (0, -errno or PR_STS_*)
 * @cmds: commands sent on the path
 * @errors: of which failed
 *
 * Everything from @state on is protected by &mpr_engine.lock.
 */
struct mpr_path {
	struct list_head node;
	struct kref ref;
	struct mpr_engine *eng;
	const struct mpr_path_ops *ops;
	u64 id;
	char name[32];

	enum dm_mpath_pr_path_state state;
	enum dm_mpath_pr_reg_state reg;
	bool busy;
	bool removed;
	bool departed;
	u64 dep_key;
	bool dep_held;
	u64 unverified_key;
	u64 tried;
	enum dm_mpath_pr_path_state ev_state;
	int ev_cause;
	int last_result;
	u64 cmds;
	u64 errors;
};

/**
 * struct mpr_engine - PR state of one device
 * @name: the device's name, for messages
 * @params: tunables
 * @dev_ops: device operations (suspend/resume)
 * @wq: where path commands run (unbound, so that they run in parallel)
 * @op_mutex: one PR operation at a time on the device
 * @op_seq: number of the current step of an operation (under @op_mutex)
 * @lock: protects the path list and all path and device state below
 * @paths: the device's paths
 * @nr_paths: number of entries in @paths
 * @departed: paths that left the device and may still carry the host's
 *	key at the target: the probe unregisters them (mpr_depart_once())
 * @nr_departed: number of entries in @departed
 * @key: the key the device's paths should carry (0: none); valid if @wanted
 * @wanted: @key is known (a REGISTER succeeded, or a key was adopted)
 * @preempted: the host's key was found gone from the device: the engine
 *	no longer registers returning paths until the next successful REGISTER
 * @per_host: registrations belong to the host, not to each path (NVMe):
 *	REGISTER goes to one path and holds for all of them; set by the
 *	backend from the transport (mpr_engine_set_per_host()), never
 *	inferred from answers
 * @suspect: a conflict suggested that the host's key is gone: verify
 *	before the operation ends
 * @quiesced: the engine has the device suspended: events wait
 * @probe_all: the next probe round asks every path, not only failed ones
 * @ev_preempted: @preempted as last reported
 * @ev_res_key: reservation key as last reported
 * @ev_res_type: reservation type as last reported
 * @ev_holder: &mpr_path.id of the holder as last reported
 * @stopping: teardown started; no new work is queued
 * @holder: the path known to hold the host's reservation, NULL if unknown
 *	or none (no reference: cleared when the path is removed)
 * @res_key: the key the host's reservation was taken with
 * @res_type: type of the host's reservation as sent to the device; 0 if
 *	the host holds none as far as the engine knows
 * @res_asked: the type the caller asked for (differs from @res_type when
 *	it was translated, see enum mpr_single_holder)
 * @keys_room: keys the engine's READ KEYS makes room for: the most the
 *	device reported, see mpr_key_count()
 * @ops_run: PR operations run on the device
 * @suspends: internal suspends of the device
 * @log: per-path results of the operation in progress, for its OP_DONE
 *	event (under @op_mutex; NULL if there is none)
 * @inflight: path commands queued or running, and a suspend in progress
 * @susp_state: enum mpr_susp_state; under @lock
 * @susp_result: what the device's suspend returned (MPR_SUSP_DONE)
 * @susp_done: the suspend work finished
 * @susp_work: runs &mpr_dev_ops.suspend, so that its caller can stop
 *	waiting at the deadline (mpr_suspend())
 * @probe: periodic work for pending and failed paths
 * @audit: periodic re-verification of the host's registration
 */
struct mpr_engine {
	const char *name;
	const struct mpr_engine_params *params;
	const struct mpr_dev_ops *dev_ops;
	struct workqueue_struct *wq;
	struct mutex op_mutex;		/* one PR operation at a time */
	u64 op_seq;

	spinlock_t lock;		/* path list and state */
	struct list_head paths;
	unsigned int nr_paths;
	struct list_head departed;
	unsigned int nr_departed;
	u64 key;
	bool wanted;
	bool preempted;
	bool per_host;
	bool suspect;
	bool quiesced;
	bool probe_all;
	bool ev_preempted;
	u64 ev_res_key;
	enum pr_type ev_res_type;
	u64 ev_holder;
	bool stopping;
	struct mpr_path *holder;
	u64 res_key;
	enum pr_type res_type;
	enum pr_type res_asked;
	u32 keys_room;
	u64 ops_run;
	u64 suspends;
	struct mpr_op_log *log;

	atomic_t inflight;
	int susp_state;
	int susp_result;
	struct completion susp_done;
	struct work_struct susp_work;
	struct delayed_work probe;
	struct delayed_work audit;
};

void mpr_engine_init(struct mpr_engine *eng, const char *name,
		     const struct mpr_engine_params *params,
		     const struct mpr_dev_ops *dev_ops,
		     struct workqueue_struct *wq);
void mpr_engine_halt(struct mpr_engine *eng);
void mpr_engine_stop(struct mpr_engine *eng);

void mpr_path_init(struct mpr_path *path, const struct mpr_path_ops *ops,
		   u64 id, const char *name);
void mpr_path_put(struct mpr_path *path);
void mpr_engine_add_path(struct mpr_engine *eng, struct mpr_path *path);
void mpr_engine_remove_path(struct mpr_engine *eng, struct mpr_path *path);
void mpr_engine_depart_path(struct mpr_engine *eng, struct mpr_path *path);
void mpr_engine_retain_paths(struct mpr_engine *eng, const u64 *ids,
			     unsigned int nr);
struct mpr_path *mpr_engine_find_path(struct mpr_engine *eng, u64 id);
void mpr_engine_adopt_key(struct mpr_engine *eng, u64 key);
void mpr_engine_kick(struct mpr_engine *eng);

int mpr_engine_register(struct mpr_engine *eng, u64 old_key, u64 new_key,
			u32 flags);
int mpr_engine_reserve(struct mpr_engine *eng, u64 key, enum pr_type type,
		       u32 flags);
int mpr_engine_release(struct mpr_engine *eng, u64 key, enum pr_type type);
int mpr_engine_preempt(struct mpr_engine *eng, u64 old_key, u64 new_key,
		       enum pr_type type, bool abort);
int mpr_engine_clear(struct mpr_engine *eng, u64 key);
int mpr_engine_read_keys(struct mpr_engine *eng, u32 *generation,
			 u32 *num_keys, u64 *keys);
int mpr_engine_read_reservation(struct mpr_engine *eng,
				struct mpr_resv *rsv);
bool mpr_engine_probe_once(struct mpr_engine *eng);
int mpr_engine_audit_once(struct mpr_engine *eng);
void mpr_engine_set_per_host(struct mpr_engine *eng, bool per_host);
void mpr_engine_path_hint(struct mpr_engine *eng, u64 id, bool failed);
void mpr_engine_resync(struct mpr_engine *eng);
void mpr_engine_params_changed(struct mpr_engine *eng);

int mpr_result_normalise(int r);
bool mpr_result_is_path_error(int result);
bool mpr_result_is_conflict(int result);
const char *mpr_result_name(int result);
const char *mpr_type_name(enum pr_type type);

#endif /* _MPR_ENGINE_H */
