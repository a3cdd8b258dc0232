// SPDX-License-Identifier: GPL-2.0
/*
 * What netlink asks of an attached device besides ATTACH and DETACH:
 * PATH_STATE, RESYNC, SET, the walks of GET, and the host-wide
 * single_holder setting. Each works under mpr_attach_lock, so the
 * attachment cannot go away meanwhile.
 */

#include <linux/kdev_t.h>
#include <linux/mutex.h>
#include <linux/netlink.h>

#include "attach.h"
#include "engine.h"
#include "hook.h"

#define DM_MSG_PREFIX "mpath-pr"

/* The attachment of the dm disk @dev, or NULL with an extack message. */
static struct mpr_attach *mpr_attach_get_locked(dev_t dev,
						const struct nlattr *dev_attr,
						struct netlink_ext_ack *extack)
{
	struct mpr_attach *att;

	lockdep_assert_held(&mpr_attach_lock);
	list_for_each_entry(att, &mpr_attachments, node)
		if (att->devt == dev)
			return att;
	NL_SET_BAD_ATTR(extack, dev_attr);
	mpr_set_err(extack, "device is not attached", "%u:%u", MAJOR(dev),
		    MINOR(dev));
	return NULL;
}

/**
 * mpr_hook_path_state() - PATH_STATE: userspace saw a path fail or return
 * @dev: the dm disk
 * @dev_attr: the attribute that named it, for extack
 * @path: the path's block device number
 * @path_attr: the nest that named it, for extack
 * @failed: dm reported the path failed (else reinstated)
 * @extack: for the reason of a rejection
 *
 * Return: 0, or -ENOENT if @dev is not attached or @path is not one of its
 * paths.
 */
int mpr_hook_path_state(dev_t dev, const struct nlattr *dev_attr,
			dev_t path, const struct nlattr *path_attr,
			bool failed, struct netlink_ext_ack *extack)
{
	struct mpr_attach *att;
	struct mpr_path *p;
	int r = -ENOENT;

	mutex_lock(&mpr_attach_lock);
	att = mpr_attach_get_locked(dev, dev_attr, extack);
	if (!att)
		goto out;
	p = mpr_engine_find_path(&att->eng, path);
	if (!p) {
		NL_SET_BAD_ATTR(extack, path_attr);
		mpr_set_err(extack, "not a path of the device", "%u:%u in %s",
			    MAJOR(path), MINOR(path), att->name);
		goto out;
	}
	mpr_path_put(p);
	mpr_engine_path_hint(&att->eng, path, failed);
	r = 0;
out:
	mutex_unlock(&mpr_attach_lock);
	return r;
}

/**
 * mpr_hook_resync() - RESYNC: probe every path and audit now
 * @dev: the dm disk
 * @dev_attr: the attribute that named it, for extack
 * @extack: for the reason of a rejection
 *
 * Return: 0, or -ENOENT if @dev is not attached.
 */
int mpr_hook_resync(dev_t dev, const struct nlattr *dev_attr,
		    struct netlink_ext_ack *extack)
{
	struct mpr_attach *att;

	mutex_lock(&mpr_attach_lock);
	att = mpr_attach_get_locked(dev, dev_attr, extack);
	if (att)
		mpr_engine_resync(&att->eng);
	mutex_unlock(&mpr_attach_lock);
	return att ? 0 : -ENOENT;
}

/**
 * mpr_hook_set() - SET: change settings of one device
 * @dev: the dm disk
 * @dev_attr: the attribute that named it, for extack
 * @req: the new values (validated by the caller)
 * @extack: for the reason of a rejection
 *
 * Return: 0, or -ENOENT if @dev is not attached.
 */
int mpr_hook_set(dev_t dev, const struct nlattr *dev_attr,
		 const struct mpr_set_req *req,
		 struct netlink_ext_ack *extack)
{
	struct mpr_attach *att;

	mutex_lock(&mpr_attach_lock);
	att = mpr_attach_get_locked(dev, dev_attr, extack);
	if (att) {
		if (req->probe_interval_ms)
			WRITE_ONCE(att->params.probe_interval_ms,
				   *req->probe_interval_ms);
		if (req->audit_interval_ms)
			WRITE_ONCE(att->params.audit_interval_ms,
				   *req->audit_interval_ms);
		if (req->op_timeout_ms)
			WRITE_ONCE(att->params.op_timeout_ms,
				   *req->op_timeout_ms);
		if (req->sgio)
			WRITE_ONCE(att->params.sgio, *req->sgio);
		mpr_engine_params_changed(&att->eng);
	}
	mutex_unlock(&mpr_attach_lock);
	return att ? 0 : -ENOENT;
}

/**
 * mpr_hook_visit_one() - look at one attachment
 * @dev: the dm disk
 * @fn: called with the attachment
 * @arg: for @fn
 *
 * Return: what @fn returned, or -ENOENT if @dev is not attached.
 */
int mpr_hook_visit_one(dev_t dev, mpr_hook_visit_fn fn, void *arg)
{
	struct mpr_attach *att;
	int r = -ENOENT;

	mutex_lock(&mpr_attach_lock);
	list_for_each_entry(att, &mpr_attachments, node) {
		if (att->devt == dev) {
			r = fn(&att->eng, att->devt, att->name, arg);
			break;
		}
	}
	mutex_unlock(&mpr_attach_lock);
	return r;
}

/**
 * mpr_hook_visit_from() - look at attachments, for a dump
 * @pos: index of the first attachment to visit; advanced past each one
 *	@fn accepted
 * @gen: set to the generation of the attachment list and path lists
 *	before @fn is called (it changes on attach, detach and path list
 *	changes)
 * @fn: called with each attachment
 * @arg: for @fn
 *
 * Return: 0 at the end of the list, or what @fn returned when it stopped.
 */
int mpr_hook_visit_from(unsigned long *pos, unsigned int *gen,
			mpr_hook_visit_fn fn, void *arg)
{
	struct mpr_attach *att;
	unsigned long i = 0;
	int r = 0;

	mutex_lock(&mpr_attach_lock);
	*gen = mpr_attach_gen;
	list_for_each_entry(att, &mpr_attachments, node) {
		if (i++ < *pos)
			continue;
		r = fn(&att->eng, att->devt, att->name, arg);
		if (r)
			break;
		(*pos)++;
	}
	mutex_unlock(&mpr_attach_lock);
	return r;
}

/**
 * mpr_hook_set_single_holder() - the single_holder parameter changed
 * @policy: enum mpr_single_holder
 *
 * The other settings of a device are its own from attach on (SET changes
 * them); this one applies to every device.
 */
void mpr_hook_set_single_holder(int policy)
{
	struct mpr_attach *att;

	mutex_lock(&mpr_attach_lock);
	list_for_each_entry(att, &mpr_attachments, node)
		WRITE_ONCE(att->params.single_holder, policy);
	mutex_unlock(&mpr_attach_lock);
}
