// SPDX-License-Identifier: GPL-2.0
/*
 * The PR rules: what the per-path outcomes of an operation mean for its
 * caller and for the device's state. Pure functions: no locks, no
 * sleeping, no work items, no access to the engine; the operations
 * (register.c, reserve.c) gather the outcomes, call these, and apply the
 * verdict. The KUnit suite dm_mpath_pr_rules drives them with tables.
 *
 * This is where a newcomer learns what the engine concludes; which
 * commands go to which paths is still decided in the operations.
 */

#include <linux/pr.h>

#include "engine-int.h"

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
