/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PR engine: runs persistent reservation operations over an abstract set
 * of paths. It knows nothing about block devices; a backend (kernel/path.c,
 * or the fake target of the KUnit tests) implements struct mpr_path_ops.
 */
#ifndef _MPR_ENGINE_H
#define _MPR_ENGINE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/dm-mpath-pr.h>

struct mpr_engine;
struct mpr_path;

/* Most keys a READ KEYS of the engine looks at. */
#define MPR_MAX_KEYS		256

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
 * struct mpr_path_ops - what the engine needs from one path
 *
 * Every call may sleep and may take as long as the transport takes; the
 * engine calls them from its workqueue and bounds how long a caller waits.
 * Results follow the pr_ops conventions of current kernels: 0, a negative
 * errno, or a positive PR_STS_* value (see compat.h for kernels that
 * predate them). Backends normalise whatever their transport returns into
 * that set; mpr_result_is_path_error() then decides what counts as a
 * transport failure.
 */
struct mpr_path_ops {
	/**
	 * @pr_register: PERSISTENT RESERVE OUT REGISTER (or, with
	 * PR_FL_IGNORE_KEY in @flags, REGISTER AND IGNORE EXISTING KEY) on
	 * this path's I_T nexus. @new_key 0 unregisters.
	 */
	int (*pr_register)(struct mpr_path *path, u64 old_key, u64 new_key,
			   u32 flags);
	/**
	 * @read_keys: PERSISTENT RESERVE IN READ KEYS through this path.
	 * @keys->num_keys holds the room in @keys->keys on entry.
	 */
	int (*read_keys)(struct mpr_path *path, struct mpr_keys *keys);
	/**
	 * @release: the last reference to @path is gone: close the transport
	 * and free the backend structure that embeds @path. May sleep; runs
	 * in process context, possibly from the engine's workqueue.
	 */
	void (*release)(struct mpr_path *path);
};

/**
 * struct mpr_engine_params - tunables, read on every use
 * @op_timeout_ms: how long a caller waits for the paths of one operation
 * @probe_interval_ms: period of the work that brings pending paths to the
 *	wanted registration state
 */
struct mpr_engine_params {
	unsigned int op_timeout_ms;
	unsigned int probe_interval_ms;
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
 * @probed: scratch mark of the probe round
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
	bool probed;
	int last_result;
	u64 cmds;
	u64 errors;
};

/**
 * struct mpr_engine - PR state of one device
 * @name: the device's name, for messages
 * @params: tunables
 * @wq: where path commands run (unbound, so that they run in parallel)
 * @op_mutex: one PR operation at a time on the device
 * @lock: protects the path list and all path and device state below
 * @paths: the device's paths
 * @nr_paths: number of entries in @paths
 * @key: the key the device's paths should carry (0: none); valid if @wanted
 * @wanted: @key is known (a REGISTER succeeded, or a key was adopted)
 * @preempted: the host's key was found gone from the device: the engine
 *	no longer registers returning paths until the next successful REGISTER
 * @stopping: teardown started; no new work is queued
 * @ops_run: PR operations run on the device
 * @inflight: path commands queued or running
 * @probe: periodic work for pending and failed paths
 */
struct mpr_engine {
	const char *name;
	const struct mpr_engine_params *params;
	struct workqueue_struct *wq;
	struct mutex op_mutex;		/* one PR operation at a time */

	spinlock_t lock;		/* path list and state */
	struct list_head paths;
	unsigned int nr_paths;
	u64 key;
	bool wanted;
	bool preempted;
	bool stopping;
	u64 ops_run;

	atomic_t inflight;
	struct delayed_work probe;
};

void mpr_engine_init(struct mpr_engine *eng, const char *name,
		     const struct mpr_engine_params *params,
		     struct workqueue_struct *wq);
void mpr_engine_stop(struct mpr_engine *eng);

void mpr_path_init(struct mpr_path *path, const struct mpr_path_ops *ops,
		   u64 id, const char *name);
void mpr_path_put(struct mpr_path *path);
void mpr_engine_add_path(struct mpr_engine *eng, struct mpr_path *path);
void mpr_engine_remove_path(struct mpr_engine *eng, struct mpr_path *path);
void mpr_engine_retain_paths(struct mpr_engine *eng, const u64 *ids,
			     unsigned int nr);
struct mpr_path *mpr_engine_find_path(struct mpr_engine *eng, u64 id);
void mpr_engine_adopt_key(struct mpr_engine *eng, u64 key);
void mpr_engine_kick(struct mpr_engine *eng);

void mpr_engine_op_begin(struct mpr_engine *eng);
void mpr_engine_op_end(struct mpr_engine *eng);
int mpr_engine_register(struct mpr_engine *eng, u64 old_key, u64 new_key,
			u32 flags);
bool mpr_engine_probe_once(struct mpr_engine *eng);

int mpr_result_normalise(int r);
bool mpr_result_is_path_error(int result);
bool mpr_result_is_conflict(int result);
const char *mpr_result_name(int result);

#endif /* _MPR_ENGINE_H */
