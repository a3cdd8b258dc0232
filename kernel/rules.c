// SPDX-License-Identifier: GPL-2.0
/*
 * The PR rules: what the per-path outcomes of an operation mean for its
 * caller and for the device's state. Pure functions: no locks, no
 * sleeping, no work items, no access to the engine; the operations
 * (register.c, reserve.c) gather the outcomes, call these, and apply the
 * verdict. The KUnit suite dm_mpath_pr_rules drives them with tables.
 *
 * Each operation has a plan (which command goes to which paths, from a
 * snapshot of the state) and a conclusion (the caller's result and the
 * new state, from the per-path outcomes); both halves are here, so this
 * file is where a newcomer learns the PR semantics of the engine:
 *
 *  - plan: the reservation type sent (mpr_rule_type()), which case a
 *    PREEMPT is (mpr_rule_preempt_plan()), whether a one-path command moves
 *    on to the next path (mpr_rule_send_next());
 *  - conclude: REGISTER (mpr_rule_register_result(),
 *    mpr_rule_register_path()), RESERVE (mpr_rule_reserve_held()), RELEASE
 *    (mpr_rule_release_sent(), mpr_rule_release_verified()), the end of a
 *    one-path command (mpr_rule_send_result()), the restore after a
 *    self-preempt (mpr_rule_restore()) and what READ RESERVATION means
 *    for the reservation the engine believes it holds (mpr_rule_belief()).
 */

#include <linux/pr.h>

#include "engine-int.h"

/* ---- reservation types --------------------------------------------------- */

/* Every registrant holds an all-registrants reservation. */
bool mpr_type_all_regs(enum pr_type type)
{
	return type == PR_WRITE_EXCLUSIVE_ALL_REGS ||
	       type == PR_EXCLUSIVE_ACCESS_ALL_REGS;
}

/* Only one I_T nexus has access beyond reading (or at all). */
bool mpr_type_single_holder(enum pr_type type)
{
	return type == PR_WRITE_EXCLUSIVE || type == PR_EXCLUSIVE_ACCESS;
}

/**
 * mpr_rule_register_result() - the caller's result of a REGISTER fan-out
 * @t: the final outcome of every path asked (the retry's where there was
 *	one)
 *
 * A path that took the new state makes the REGISTER done: the device has
 * the host's new registration, so an error would tell the caller "not
 * done" while the key changed (its retry with the old key would then
 * conflict on every nexus). The paths that did not take it are pending.
 * Without a success, a conflict is the answer; then any other error; a
 * REGISTER that reached no path is PR_STS_PATH_FAILED, never a conflict.
 *
 * Return: 0, PR_STS_RESERVATION_CONFLICT, another error, or
 * PR_STS_PATH_FAILED.
 */
int mpr_rule_register_result(const struct mpr_tally *t)
{
	if (t->ok)
		return 0;
	if (t->conflict)
		return PR_STS_RESERVATION_CONFLICT;
	if (t->other)
		return t->first_other;
	return PR_STS_PATH_FAILED;
}

/**
 * mpr_rule_register_path() - a path's state after a REGISTER fan-out
 * @done: the REGISTER succeeded on some path (mpr_rule_register_result())
 * @asked: the path got the command (else it was failed or busy)
 * @result: its final result, if @asked
 * @new_key: the key registered (0: unregister)
 * @fenced: the host was found preempted during the operation
 * @reg: in: the path's registration state; out: the new one
 * @state: in: the path's state; out: the new one
 *
 * A path that took the key carries it (none if the host is fenced: the
 * preempt removed it); one that did not is pending while the REGISTER is
 * done elsewhere (the probe brings it there), else unchanged. A path error
 * fails the path; any other answer shows it works.
 */
void mpr_rule_register_path(bool done, bool asked, int result, u64 new_key,
			    bool fenced, enum dm_mpath_pr_reg_state *reg,
			    enum dm_mpath_pr_path_state *state)
{
	if (!asked) {
		if (done)
			*reg = DM_MPATH_PR_REG_PENDING;
		return;
	}
	if (!result) {
		*state = DM_MPATH_PR_PATH_ACTIVE;
		*reg = new_key && !fenced ? DM_MPATH_PR_REG_REGISTERED :
					   DM_MPATH_PR_REG_NONE;
		return;
	}
	*state = mpr_result_is_path_error(result) ? DM_MPATH_PR_PATH_FAILED :
						    DM_MPATH_PR_PATH_ACTIVE;
	if (done)
		*reg = DM_MPATH_PR_REG_PENDING;
}

/**
 * mpr_rule_release_sent() - a RELEASE was sent: is that the answer?
 * @t: the outcome of the paths asked
 * @ret: set to the caller's result when the answer is known
 *
 * Return: true if @ret is the answer (no path answered GOOD); false if
 * READ RESERVATION must tell what happened (mpr_rule_release_verified()).
 */
bool mpr_rule_release_sent(const struct mpr_tally *t, int *ret)
{
	if (t->ok)
		return false;
	if (t->conflict)
		*ret = PR_STS_RESERVATION_CONFLICT;
	else if (t->other)
		*ret = t->first_other;
	else
		*ret = PR_STS_PATH_FAILED;
	return true;
}

/**
 * mpr_rule_release_verified() - what READ RESERVATION says of a RELEASE
 * @t: the outcome of the paths asked
 * @rsv: the reservation READ RESERVATION showed afterwards
 * @key: the caller's key
 * @type: the type the RELEASE was sent with
 * @all: every usable path was asked (not only the known holder)
 * @ours: the engine took the reservation with @key and @type
 * @ret: set to the caller's result with MPR_REL_DONE and MPR_REL_GONE
 *
 * A nexus that does not hold the reservation answers GOOD and changes
 * nothing, so GOOD answers prove nothing: the reservation decides.
 *  - none left, or held with another key: nothing of ours is held
 *    (MPR_REL_GONE); but if a nexus refused while a reservation is still
 *    there (the holder nexus, a nexus of this host holding it with another
 *    key, or one without the key), the RELEASE did not happen: a conflict;
 *  - still held with @key: another error of a path is the answer; another
 *    type is a conflict; if only the known holder was asked, ask every
 *    path (MPR_REL_ASK_ALL); if every path was asked, the holder nexus is
 *    unreachable: the suspended self-preempt moves and releases it
 *    (MPR_REL_SELF_PREEMPT), but only if the engine took it (a node that
 *    shares the key may hold it: MPR_REL_LEAVE, 0).
 *
 * Return: enum mpr_release_verdict.
 */
enum mpr_release_verdict mpr_rule_release_verified(const struct mpr_tally *t,
						   const struct mpr_resv *rsv,
						   u64 key, enum pr_type type,
						   bool all, bool ours,
						   int *ret)
{
	*ret = 0;
	if (!rsv->type || rsv->key != key) {
		if (rsv->type && t->conflict)
			*ret = PR_STS_RESERVATION_CONFLICT;
		return MPR_REL_GONE;
	}
	if (t->other) {
		*ret = t->first_other;
		return MPR_REL_DONE;
	}
	if (rsv->type != type) {
		*ret = PR_STS_RESERVATION_CONFLICT;
		return MPR_REL_DONE;
	}
	if (!all)
		return MPR_REL_ASK_ALL;
	return ours ? MPR_REL_SELF_PREEMPT : MPR_REL_LEAVE;
}

/* ---- plan ---------------------------------------------------------------- */

/**
 * mpr_rule_type() - the reservation type RESERVE and PREEMPT send
 * @type: the type the caller asked for
 * @nr_paths: the paths of the device
 * @mode: the single_holder parameter
 * @send: set to the type to send (unless MPR_TYPE_REFUSED)
 *
 * Write Exclusive and Exclusive Access have one holder I_T nexus: through
 * a multipath device with more than one path, the host's own I/O on its
 * other paths would fail with RESERVATION CONFLICT. enum
 * mpr_single_holder says what is done about it.
 *
 * Return: enum mpr_type_verdict.
 */
enum mpr_type_verdict mpr_rule_type(enum pr_type type, unsigned int nr_paths,
				    enum mpr_single_holder mode,
				    enum pr_type *send)
{
	*send = type;
	if (!mpr_type_single_holder(type) || nr_paths <= 1)
		return MPR_TYPE_AS_IS;
	switch (mode) {
	case MPR_SH_PASSTHROUGH:
		return MPR_TYPE_UNSAFE;
	case MPR_SH_TRANSLATE:
		*send = type == PR_WRITE_EXCLUSIVE ?
			PR_WRITE_EXCLUSIVE_REG_ONLY :
			PR_EXCLUSIVE_ACCESS_REG_ONLY;
		return MPR_TYPE_TRANSLATED;
	default:
		return MPR_TYPE_REFUSED;
	}
}

/**
 * mpr_rule_preempt_plan() - which case a PREEMPT is
 * @rsv: the reservation READ RESERVATION showed first, or NULL if it
 *	could not tell
 * @key: the host's key
 * @sa_key: the key to preempt
 * @plan: the plan
 *
 * Preempting the host's own key, or an all-registrants reservation
 * (@sa_key 0), removes the host's key from its other nexuses too: that
 * runs with the device suspended, and the host's paths are registered
 * again before it resumes. Anything else goes to one path. The issuing
 * path takes the reservation over if one is held by @sa_key (or by all
 * registrants); only then, or when the case is unknown or self-preempt,
 * does the type matter (and the single-holder policy apply).
 */
void mpr_rule_preempt_plan(const struct mpr_resv *rsv, u64 key, u64 sa_key,
			   struct mpr_preempt_plan *plan)
{
	bool all_regs = rsv && mpr_type_all_regs(rsv->type) && !sa_key;
	bool self = sa_key == key;

	plan->takes_res = rsv && rsv->type && (all_regs || rsv->key == sa_key);
	plan->suspended = self || all_regs;
	plan->type_matters = plan->takes_res || self || !rsv;
}

/**
 * mpr_rule_send_next() - a one-path command: try the next path?
 * @result: the path's result
 * @rule: what a conflict means for this command
 * @registered: the path is known to carry the host's key
 * @read: the command is a PR IN (changes nothing at the target)
 *
 * Success ends the step. A path error moves on, except for a PR OUT that
 * got no answer before the deadline: its outcome is unknown, so it is not
 * repeated elsewhere. A conflict moves on as @rule says. Anything else
 * (ILLEGAL REQUEST, no memory) is the answer.
 *
 * Return: true if the next path is tried.
 */
bool mpr_rule_send_next(int result, enum mpr_conflict_rule rule,
			bool registered, bool read)
{
	if (!result)
		return false;
	if (mpr_result_is_conflict(result))
		return rule == MPR_CONFLICT_NEXT ||
		       (rule == MPR_CONFLICT_NEXT_UNREG && !registered);
	if (mpr_result_is_path_error(result))
		return result != -ETIMEDOUT || read;
	return false;
}

/* ---- conclude ------------------------------------------------------------ */

/**
 * mpr_rule_send_result() - a one-path command that ran out of paths
 * @conflicts: paths that answered RESERVATION CONFLICT
 *
 * A conflict is the answer if any path gave one; a path error is never
 * reported as a conflict.
 *
 * Return: PR_STS_RESERVATION_CONFLICT or PR_STS_PATH_FAILED.
 */
int mpr_rule_send_result(unsigned int conflicts)
{
	return conflicts ? PR_STS_RESERVATION_CONFLICT : PR_STS_PATH_FAILED;
}

/**
 * mpr_rule_reserve_held() - a RESERVE that conflicted everywhere: held?
 * @rsv: the reservation READ RESERVATION showed afterwards
 * @key: the host's key
 * @type: the type sent
 *
 * While the host holds the reservation only the holder nexus answers GOOD.
 * If every reachable path conflicted but the reservation is held with the
 * host's key and this type, it is held through a path that could not be
 * reached: the holder would have answered GOOD, so the RESERVE succeeded.
 * Key 0 holds nothing.
 *
 * Return: true if the RESERVE is a success.
 */
bool mpr_rule_reserve_held(const struct mpr_resv *rsv, u64 key,
			   enum pr_type type)
{
	return key && rsv->type == type && rsv->key == key;
}

/**
 * mpr_rule_belief() - READ RESERVATION and the reservation the engine holds
 * @res_type: the type the engine took it with (0: it believes none)
 * @res_key: ...and the key
 * @rsv: what READ RESERVATION showed
 *
 * No reservation, or one held by another key (all-registrants types have
 * no single key), means the engine's belief is stale: forget it. The one
 * the engine took, with a translated type (enum mpr_single_holder), is
 * reported with the type the caller asked for.
 *
 * Return: enum mpr_belief.
 */
enum mpr_belief mpr_rule_belief(enum pr_type res_type, u64 res_key,
				const struct mpr_resv *rsv)
{
	if (!res_type)
		return MPR_BELIEF_NONE;
	if (!rsv->type || (!mpr_type_all_regs(rsv->type) && rsv->key != res_key))
		return MPR_BELIEF_FORGET;
	if (rsv->type == res_type && rsv->key == res_key)
		return MPR_BELIEF_ASKED_TYPE;
	return MPR_BELIEF_NONE;
}

/**
 * mpr_rule_restore() - after a self-preempt: whom to register again
 * @check: READ KEYS after the PREEMPT: 1 the host's key is registered, 0
 *	it is not, else it failed
 * @before: READ KEYS just before the PREEMPT, or NULL if it failed
 * @gen: the PRgeneration after the PREEMPT
 *
 * The target removed the key from every other nexus of the host, and from
 * the issuing one too if no reservation was held with it. If the key is
 * gone from the device, only our own PREEMPT may account for that: the
 * PRgeneration moved by exactly one since @before. Otherwise another host
 * preempted us in between, and nothing is registered again.
 *
 * Return: enum mpr_restore_verdict.
 */
enum mpr_restore_verdict mpr_rule_restore(int check,
					  const struct mpr_fence *before,
					  u32 gen)
{
	if (check < 0 || check > 1)
		return MPR_RESTORE_UNKNOWN;
	if (check)
		return MPR_RESTORE_OTHERS;
	if (!before || gen - before->gen != 1)
		return MPR_RESTORE_FENCED;
	return MPR_RESTORE_ALL;
}
