/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the engine share with each other, and with nothing
 * else: the engine's public interface is engine.h. Documentation/kernel.md
 * ("The engine") says which file does what.
 */
#ifndef _MPR_ENGINE_INT_H
#define _MPR_ENGINE_INT_H

#include <linux/completion.h>
#include <linux/ktime.h>
#include <linux/refcount.h>
#include <linux/workqueue.h>

#include "engine.h"

#define DM_MSG_PREFIX "mpath-pr"

#define MPR_MIN_TIMEOUT_MS	100
#define MPR_MAX_TIMEOUT_MS	(300 * MSEC_PER_SEC)
#define MPR_MIN_PROBE_MS	50

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
 * struct mpr_fence - what the fencing check saw before a registration
 * @count: registrations of the host's key
 * @gen: PRgeneration of that answer
 */
struct mpr_fence {
	u32 count;
	u32 gen;
};

/**
 * enum mpr_release_verdict - what a RELEASE does after READ RESERVATION
 * @MPR_REL_DONE: the result is the answer
 * @MPR_REL_GONE: nothing of the host's is held with the key any more:
 *	forget the reservation; the result is the answer
 * @MPR_REL_ASK_ALL: the known holder was not the holder: ask every path
 * @MPR_REL_SELF_PREEMPT: the holder nexus is unreachable: move the
 *	reservation to a live path and release it there
 * @MPR_REL_LEAVE: held with the key through a nexus the engine did not
 *	take it on: left alone (0)
 */
enum mpr_release_verdict {
	MPR_REL_DONE,
	MPR_REL_GONE,
	MPR_REL_ASK_ALL,
	MPR_REL_SELF_PREEMPT,
	MPR_REL_LEAVE,
};

/**
 * enum mpr_type_verdict - the single-holder policy's answer (mpr_rule_type())
 * @MPR_TYPE_AS_IS: sent as asked
 * @MPR_TYPE_UNSAFE: sent as asked, with a warning: the host's I/O on its
 *	other paths will fail
 * @MPR_TYPE_TRANSLATED: sent as the registrants-only variant
 * @MPR_TYPE_REFUSED: refused with -EOPNOTSUPP
 */
enum mpr_type_verdict {
	MPR_TYPE_AS_IS,
	MPR_TYPE_UNSAFE,
	MPR_TYPE_TRANSLATED,
	MPR_TYPE_REFUSED,
};

/**
 * struct mpr_preempt_plan - which case a PREEMPT is (mpr_rule_preempt_plan())
 * @suspended: it strips the host's own nexuses: run it with the device
 *	suspended and register them again before the resume
 * @takes_res: the issuing path takes a reservation over
 * @type_matters: the single-holder policy applies to the type
 */
struct mpr_preempt_plan {
	bool suspended;
	bool takes_res;
	bool type_matters;
};

/**
 * enum mpr_belief - READ RESERVATION and the engine's reservation
 * @MPR_BELIEF_NONE: nothing to change
 * @MPR_BELIEF_FORGET: the engine's reservation is gone: forget it
 * @MPR_BELIEF_ASKED_TYPE: it is the engine's: report the type the caller
 *	asked for
 */
enum mpr_belief {
	MPR_BELIEF_NONE,
	MPR_BELIEF_FORGET,
	MPR_BELIEF_ASKED_TYPE,
};

/**
 * enum mpr_restore_verdict - whom a self-preempt registers again
 * @MPR_RESTORE_UNKNOWN: READ KEYS failed: nobody (the probe will)
 * @MPR_RESTORE_FENCED: another host preempted the key: nobody, the host is
 *	fenced
 * @MPR_RESTORE_OTHERS: the issuing nexus kept the key: every other path
 * @MPR_RESTORE_ALL: our PREEMPT removed the key everywhere: every path
 */
enum mpr_restore_verdict {
	MPR_RESTORE_UNKNOWN,
	MPR_RESTORE_FENCED,
	MPR_RESTORE_OTHERS,
	MPR_RESTORE_ALL,
};

/* rules.c: pure, no locks, no sleeping */
bool mpr_type_all_regs(enum pr_type type);
bool mpr_type_single_holder(enum pr_type type);
enum mpr_type_verdict mpr_rule_type(enum pr_type type, unsigned int nr_paths,
				    enum mpr_single_holder mode,
				    enum pr_type *send);
void mpr_rule_preempt_plan(const struct mpr_resv *rsv, u64 key, u64 sa_key,
			   struct mpr_preempt_plan *plan);
bool mpr_rule_send_next(int result, enum mpr_conflict_rule rule,
			bool registered, bool read);
int mpr_rule_send_result(unsigned int conflicts);
bool mpr_rule_reserve_held(const struct mpr_resv *rsv, u64 key,
			   enum pr_type type);
enum mpr_belief mpr_rule_belief(enum pr_type res_type, u64 res_key,
				const struct mpr_resv *rsv);
enum mpr_restore_verdict mpr_rule_restore(int check,
					  const struct mpr_fence *before,
					  u32 gen);
int mpr_rule_register_result(const struct mpr_tally *t);
void mpr_rule_register_path(bool done, bool asked, int result, u64 new_key,
			    bool fenced, enum dm_mpath_pr_reg_state *reg,
			    enum dm_mpath_pr_path_state *state);
bool mpr_rule_release_sent(const struct mpr_tally *t, int *ret);
enum mpr_release_verdict mpr_rule_release_verified(const struct mpr_tally *t,
						   const struct mpr_resv *rsv,
						   u64 key, enum pr_type type,
						   bool all, bool ours,
						   int *ret);

/* engine.c */
unsigned long mpr_deadline(const struct mpr_engine *eng);
enum dm_mpath_pr_reg_state mpr_reg_of_key(u64 key);
void mpr_path_set_state_locked(struct mpr_path *path,
			       enum dm_mpath_pr_path_state state, int cause);
void mpr_set_preempted_locked(struct mpr_engine *eng, const char *how);
void mpr_engine_schedule_audit_locked(struct mpr_engine *eng);
void mpr_engine_schedule_probe_locked(struct mpr_engine *eng);
void mpr_engine_inflight_get(struct mpr_engine *eng);
void mpr_engine_inflight_put(struct mpr_engine *eng);
void mpr_path_account(struct mpr_path *path, int result);
void mpr_set_holder_locked(struct mpr_engine *eng, struct mpr_path *holder,
			   u64 key, enum pr_type type, enum pr_type asked);
void mpr_forget_reservation_locked(struct mpr_engine *eng);
/* events.c */
void mpr_emit_path(struct mpr_engine *eng, enum mpr_event_type type,
		   struct mpr_path *path, u64 key, int result);
void mpr_flush_events(struct mpr_engine *eng);
int __must_check mpr_op_begin(struct mpr_engine *eng, struct mpr_op_ctx *ctx,
			      u32 op, u64 key, u64 ours);
void mpr_verify_key(struct mpr_engine *eng, u64 ours, int result);
int mpr_op_end(struct mpr_engine *eng, struct mpr_op_ctx *ctx, int result);
/* fanout.c */
const char *mpr_cmd_name(const struct mpr_cmd *cmd);
bool mpr_cmd_is_read(const struct mpr_cmd *cmd);
struct mpr_fanout *mpr_fanout_alloc(struct mpr_engine *eng, unsigned int max,
				    const struct mpr_cmd *cmd);
void mpr_fanout_add_locked(struct mpr_fanout *fo, struct mpr_path *path,
			   u32 flags);
void mpr_path_note_locked(struct mpr_engine *eng, struct mpr_path *path,
			  int result);
void mpr_fold_late_locked(struct mpr_engine *eng, struct mpr_path *path,
			  const struct mpr_cmd *cmd, int result);
void mpr_fanout_run(struct mpr_fanout *fo, unsigned long deadline);
int mpr_slot_result(const struct mpr_slot *slot);
struct mpr_slot *mpr_fanout_find(struct mpr_fanout *fo, struct mpr_path *path);
void mpr_fanout_release(struct mpr_fanout *fo);
struct mpr_fanout *mpr_fanout_prepare(struct mpr_engine *eng,
				      const struct mpr_cmd *cmd);
void mpr_tally_add(struct mpr_tally *t, int r);
/* send.c */
void mpr_step_begin(struct mpr_engine *eng);
bool mpr_pickable_locked(const struct mpr_engine *eng,
			 const struct mpr_path *path);
int mpr_exec_on(struct mpr_engine *eng, struct mpr_path *path,
		const struct mpr_cmd *cmd, struct mpr_in *in);
int mpr_send_one(struct mpr_engine *eng, const struct mpr_cmd *cmd,
		 bool prefer_holder, enum mpr_conflict_rule rule,
		 struct mpr_path **used, struct mpr_in *in);
int mpr_read_resv(struct mpr_engine *eng, struct mpr_resv *rsv);
int mpr_suspend(struct mpr_engine *eng);
void mpr_resume(struct mpr_engine *eng);
/* fence.c */
int mpr_key_count(struct mpr_engine *eng, struct mpr_path *path, u64 key,
		  u32 *count, u32 *generation);
int mpr_probe_key_check(struct mpr_engine *eng, u64 key, u32 *count,
			u32 *generation);
int mpr_fence_check(struct mpr_engine *eng, u64 key, struct mpr_fence *fc,
		    const char *how);
bool mpr_fence_register(struct mpr_engine *eng, const struct mpr_fence *fc,
			struct mpr_fanout *fo, bool emit);
void mpr_fence_verify_late(struct mpr_engine *eng);
/* register.c */
void mpr_adopt_registered_locked(struct mpr_engine *eng, u64 new_key);
/* reserve.c */
int mpr_preempt_suspended(struct mpr_engine *eng, const struct mpr_cmd *pcmd,
			  bool release, struct mpr_path **issuer);
int mpr_release_locked(struct mpr_engine *eng, u64 key, enum pr_type type);
/* probe.c */
void mpr_probe_work(struct work_struct *work);
void mpr_suspend_work(struct work_struct *work);
void mpr_audit_work(struct work_struct *work);

#endif /* _MPR_ENGINE_INT_H */
