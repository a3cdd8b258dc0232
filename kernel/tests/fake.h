/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fake SPC-4 target of the engine's KUnit suites (fake.c), and the
 * test's device around the engine under test.
 *
 * The fake target models persistent reservations per I_T nexus, as SPC-4
 * (and LIO, where the two differ and the engine must cope with both)
 * describes them: a key per nexus, the reservation (type and holder
 * nexus; every registrant holds an all-registrants one), the PRgeneration,
 * a UNIT ATTENTION for the other nexuses after a PREEMPT, RELEASE or CLEAR,
 * the conflict rules of every PR OUT command, the access rules of every
 * reservation type (which nexus may write), and PREEMPT AND ABORT (the
 * aborted nexuses are recorded). Nexuses 0..3 are host A's paths, driven
 * by the engine under test; nexuses 4..7 are another host, B, that the
 * tests drive directly.
 *
 * Every path has scripted faults: down before the command reaches the
 * target, down after (the target executes it, the answer is lost), down
 * after its first command (during an operation), slower than the deadline,
 * UNIT ATTENTIONs, a target that refuses with RESERVATION CONFLICT, and
 * ILLEGAL REQUEST. The device's suspend and resume are recorded, and a
 * PREEMPT that strips host A's own nexuses while host I/O could flow is
 * counted as a violation.
 *
 * With per_host set, the target models NVMe instead: a registration (and
 * the reservation) belongs to the host, and every path of the host shares
 * it. REGISTER is mapped to the NVMe Reservation Register actions as a
 * backend sends them: an old key of 0 without IGNORE is Register (GOOD if
 * the host is registered with that key already), a new key of 0 is
 * Unregister, anything else is Replace.
 *
 * Every event of the engine is recorded, with checks that none is sent
 * under the engine's lock or while the device is suspended.
 */
#ifndef _MPR_KUNIT_FAKE_H
#define _MPR_KUNIT_FAKE_H

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "../engine-int.h"

#define FAKE_MAX_NEXUS	8
#define FAKE_HOST_B	4	/* first nexus of host B */
#define KEY_A		0xaaaa0001ULL
#define KEY_A2		0xaaaa0002ULL
#define KEY_B		0xbbbb0002ULL
#define KEY_OTHER	0x99990009ULL

#define WE		PR_WRITE_EXCLUSIVE
#define EA		PR_EXCLUSIVE_ACCESS
#define WE_RO		PR_WRITE_EXCLUSIVE_REG_ONLY
#define EA_RO		PR_EXCLUSIVE_ACCESS_REG_ONLY
#define WE_AR		PR_WRITE_EXCLUSIVE_ALL_REGS
#define EA_AR		PR_EXCLUSIVE_ACCESS_ALL_REGS

/* Backend identity of host A's path @i (never 0, like a dev_t). */
#define FAKE_ID(i)	(100ULL + (i))

/* A nexus number in a table where 0 means "none". */
#define NX(n)		((n) + 1)

#define CONFLICT	PR_STS_RESERVATION_CONFLICT
#define PATH_FAILED	PR_STS_PATH_FAILED
#define IOERR		PR_STS_IOERR

/**
 * struct fake_target - the device server's persistent reservation state
 * @lock: protects everything below
 * @generation: PRgeneration
 * @key: key of each nexus, 0 if it is not registered
 * @type: type of the reservation, 0 if there is none
 * @holder: the holder nexus of a reservation that is not all-registrants
 * @ua: nexuses with a UNIT ATTENTION pending
 * @aborted: nexuses whose tasks a PREEMPT AND ABORT aborted
 * @lio: RELEASE with the wrong type answers RESERVATION CONFLICT, as LIO
 *	does (SPC-4 says ILLEGAL REQUEST)
 * @per_host: NVMe: registrations per host; host A's state is kept in
 *	nexus 0, host B's in nexus FAKE_HOST_B
 * @others: registrations of further hosts (a large cluster), which READ
 *	KEYS reports before those of the modelled nexuses
 */
struct fake_target {
	spinlock_t lock;	/* the target's state */
	u32 generation;
	u64 key[FAKE_MAX_NEXUS];
	enum pr_type type;
	int holder;
	unsigned long ua;
	unsigned long aborted;
	bool lio;
	bool per_host;
	u32 others;
};

/**
 * enum fake_fault - scripted behaviour of a path
 * @F_NONE: works
 * @F_DOWN: every command fails with a transport error before reaching the
 *	target
 * @F_LOSE: the target executes every command, the answer is lost
 *	(transport error)
 * @F_DOWN_AFTER1: the first command works, then the path is down
 * @F_SLOW: every command takes longer than the deadline, then works
 * @F_UA: the first command gets a UNIT ATTENTION (CHECK CONDITION)
 * @F_UA_MANY: every command gets a UNIT ATTENTION
 * @F_CONFLICT: the target answers every PR OUT with RESERVATION CONFLICT
 * @F_ILLEGAL: every command is rejected with ILLEGAL REQUEST (-EINVAL)
 */
enum fake_fault {
	F_NONE,
	F_DOWN,
	F_LOSE,
	F_DOWN_AFTER1,
	F_SLOW,
	F_UA,
	F_UA_MANY,
	F_CONFLICT,
	F_ILLEGAL,
};

struct fake_env;

#define FAKE_MAX_EVENTS		128
#define FAKE_EV_RESULTS		8

/**
 * struct fake_event - a copy of one event of the engine
 * @type: enum mpr_event_type
 * @path_id: &mpr_path.id of a path event
 * @key: the key
 * @result: the result
 * @op: OP_DONE: enum dm_mpath_pr_op
 * @latency_us: OP_DONE: the caller's wait
 * @res_type: RESERVATION: the type
 * @holder_id: RESERVATION: the holder path
 * @nr_results: OP_DONE: per-path results
 * @res_id: ...their paths
 * @res: ...their results
 * @res_latency_us: ...their latencies
 */
struct fake_event {
	enum mpr_event_type type;
	u64 path_id;
	u64 key;
	int result;
	u32 op;
	u64 latency_us;
	enum pr_type res_type;
	u64 holder_id;
	unsigned int nr_results;
	u64 res_id[FAKE_EV_RESULTS];
	int res[FAKE_EV_RESULTS];
	u64 res_latency_us[FAKE_EV_RESULTS];
};

/**
 * struct fake_path - a path to the fake target, with scripted faults
 * @path: the engine's part
 * @env: the test's device
 * @nexus: index of the path's I_T nexus
 * @fault: enum fake_fault
 * @down: commands fail with PR_STS_PATH_FAILED before the target
 * @ua: number of commands that still get a UNIT ATTENTION
 * @delay_ms: latency of every command
 * @calls: commands received
 * @op_calls: of which per enum mpr_op
 * @abort_seen: a PREEMPT arrived with the abort flag set
 * @plain_preempt_seen: a PREEMPT arrived without it
 * @race_before: host B preempts host A just before the next REGISTER on
 *	this path reaches the target
 * @race_after: ...just after it
 * @race_at: ...just before the REGISTER with this number (counted from 1)
 *	reaches the target (0: never)
 * @reg_delay_ms: latency of every REGISTER (on top of @delay_ms)
 * @t_start: when the last command arrived
 * @t_end: when it reached the target (after @delay_ms)
 */
struct fake_path {
	struct mpr_path path;
	struct fake_env *env;
	unsigned int nexus;
	enum fake_fault fault;
	bool down;
	atomic_t ua;
	unsigned int delay_ms;
	atomic_t calls;
	atomic_t op_calls[MPR_OP_READ_RESV + 1];
	bool abort_seen;
	bool plain_preempt_seen;
	bool race_before;
	bool race_after;
	int race_at;
	unsigned int reg_delay_ms;
	ktime_t t_start;
	ktime_t t_end;
};

/**
 * struct fake_env - one test's device
 * @eng: the engine under test
 * @params: its tunables
 * @wq: its workqueue
 * @tgt: the fake target
 * @paths: the paths of host A
 * @released: the free callback ran, per path
 * @nr: number of paths
 * @suspended: the device is suspended now
 * @suspend_fails: the next suspends fail with -ENODEV
 * @suspend_delay_ms: suspends take this long (I/O in flight on a hung path)
 * @suspends: suspends
 * @resumes: resumes
 * @self_preempt_unsuspended: PREEMPTs of host A's own key (or of all
 *	registrants) by host A while the device was not suspended
 * @resume_unregistered: at a resume, reachable paths of host A whose
 *	nexus lacked the wanted key (their I/O would have failed)
 * @ev_lock: protects the events
 * @ev: the events the engine sent, in order
 * @nr_ev: entries in @ev
 * @ev_lost: events that did not fit
 * @ev_suspended: events sent while the device was suspended
 */
struct fake_env {
	struct mpr_engine eng;
	struct mpr_engine_params params;
	struct workqueue_struct *wq;
	struct fake_target tgt;
	struct fake_path *paths[FAKE_HOST_B];
	bool released[FAKE_HOST_B];
	unsigned int nr;
	bool suspended;
	bool suspend_fails;
	unsigned int suspend_delay_ms;
	unsigned int suspends;
	unsigned int resumes;
	unsigned int self_preempt_unsuspended;
	unsigned int resume_unregistered;
	spinlock_t ev_lock;	/* the events */
	struct fake_event ev[FAKE_MAX_EVENTS];
	unsigned int nr_ev;
	unsigned int ev_lost;
	unsigned int ev_suspended;
};

/* Registration and path states, as the cases expect them. */
#define R_REG	DM_MPATH_PR_REG_REGISTERED
#define R_NONE	DM_MPATH_PR_REG_NONE
#define R_PEND	DM_MPATH_PR_REG_PENDING
#define R_UNK	DM_MPATH_PR_REG_UNKNOWN
#define S_OK	DM_MPATH_PR_PATH_ACTIVE
#define S_FAIL	DM_MPATH_PR_PATH_FAILED

/* Any path, for fake_nr_ev(). */
#define ANY_PATH	U64_MAX

/* Access rules of SPC-4 table 5.14: may nexus @n write? */
bool tgt_can_write(struct fake_target *t, unsigned int n);

/* Host B's commands, straight to its nexus. */
int host_b(struct fake_env *env, unsigned int i, enum mpr_op op,
	   u64 key, u64 sa_key, enum pr_type type);

/* Host B registers and preempts host A's key (no reservation needed). */
void fake_race_preempt(struct fake_env *env);

/* Events of @type (about path @id, or ANY_PATH) so far. */
unsigned int fake_nr_ev(struct fake_env *env, enum mpr_event_type type,
			u64 id);

/* The last event of @type, copied to @out; false if there is none. */
bool fake_last_ev(struct fake_env *env, enum mpr_event_type type,
		  struct fake_event *out);

/* Forget the events so far. */
void fake_clear_ev(struct fake_env *env);

/* Add a path of host A, on the next nexus, to the device. */
struct fake_path *fake_add_path(struct kunit *test, struct fake_env *env);

/* Script a path's behaviour. */
void fake_set_fault(struct fake_path *fp, enum fake_fault f,
		    unsigned int deadline_ms);

/* Wait until no path command is in flight (stragglers included). */
void fake_quiesce(struct kunit *test, struct fake_env *env);

/* A device with @nr paths of host A, stopped at the end of the test. */
struct fake_env *fake_env_new(struct kunit *test, unsigned int nr);

/* Stop a device before the end of the test. */
void fake_env_done(struct kunit *test, struct fake_env *env);

/* The .exit of every suite with a device. */
void fake_suite_exit(struct kunit *test);

/* Invariants every test ends with. */
void fake_check_invariants(struct kunit *test, struct fake_env *env);

#endif /* _MPR_KUNIT_FAKE_H */
