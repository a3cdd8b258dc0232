// SPDX-License-Identifier: GPL-2.0
/*
 * The notifications of the "events" group of the generic netlink family
 * "dm_mpath_pr": one per engine event (enum mpr_event_type), and DETACHED.
 * Built only while the group has a listener.
 */

#include <linux/blkdev.h>
#include <linux/kdev_t.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <linux/dm-mpath-pr.h>

#include "engine.h"
#include "netlink.h"
#include "netlink-gen.h"
#include "netlink-int.h"

/* Room for a PATH nest of a notification. */
static size_t mpr_nl_event_path_size(void)
{
	return nla_total_size(0) +			/* PATH nest */
	       2 * nla_total_size(sizeof(u32)) +	/* MAJOR, MINOR */
	       nla_total_size(sizeof_field(struct mpr_path, name)) +
	       nla_total_size(sizeof(s32)) +		/* RESULT */
	       nla_total_size_64bit(sizeof(u64));	/* LATENCY_US */
}

static int mpr_nl_put_event_path(struct sk_buff *skb, u64 id,
				 const char *name, int result,
				 const u64 *latency_us)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, DM_MPATH_PR_A_PATH);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, DM_MPATH_PR_A_PATH_MAJOR, MAJOR(id)) ||
	    nla_put_u32(skb, DM_MPATH_PR_A_PATH_MINOR, MINOR(id)) ||
	    (name && nla_put_string(skb, DM_MPATH_PR_A_PATH_NAME, name)) ||
	    nla_put_s32(skb, DM_MPATH_PR_A_PATH_RESULT, result) ||
	    (latency_us &&
	     nla_put_u64_64bit(skb, DM_MPATH_PR_A_PATH_LATENCY_US, *latency_us,
			       DM_MPATH_PR_A_PATH_PAD))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The attributes of @ev after the device's. */
static int mpr_nl_put_event(struct sk_buff *skb, const struct mpr_event *ev)
{
	unsigned int i;

	switch (ev->type) {
	case MPR_EV_PATH_REGISTERED:
	case MPR_EV_PATH_UNREGISTERED:
	case MPR_EV_PATH_FAILED:
	case MPR_EV_PATH_RESTORED:
		if (nla_put_u64_64bit(skb, DM_MPATH_PR_A_KEY, ev->key,
				      DM_MPATH_PR_A_PAD))
			return -EMSGSIZE;
		if (!ev->path)
			return 0;
		return mpr_nl_put_event_path(skb, ev->path->id, ev->path->name,
					     ev->result, NULL);
	case MPR_EV_RESERVATION:
		if (nla_put_u64_64bit(skb, DM_MPATH_PR_A_KEY, ev->key,
				      DM_MPATH_PR_A_PAD) ||
		    nla_put_u32(skb, DM_MPATH_PR_A_RES_TYPE, ev->res_type))
			return -EMSGSIZE;
		if (ev->holder_id &&
		    (nla_put_u32(skb, DM_MPATH_PR_A_HOLDER_MAJOR,
				 MAJOR(ev->holder_id)) ||
		     nla_put_u32(skb, DM_MPATH_PR_A_HOLDER_MINOR,
				 MINOR(ev->holder_id))))
			return -EMSGSIZE;
		return 0;
	case MPR_EV_PREEMPTED:
		return nla_put_u64_64bit(skb, DM_MPATH_PR_A_KEY, ev->key,
					 DM_MPATH_PR_A_PAD);
	case MPR_EV_OP_DONE:
		if (nla_put_u32(skb, DM_MPATH_PR_A_OP, ev->op) ||
		    nla_put_s32(skb, DM_MPATH_PR_A_RESULT, ev->result) ||
		    nla_put_u64_64bit(skb, DM_MPATH_PR_A_LATENCY_US,
				      ev->latency_us, DM_MPATH_PR_A_PAD) ||
		    nla_put_u64_64bit(skb, DM_MPATH_PR_A_KEY, ev->key,
				      DM_MPATH_PR_A_PAD))
			return -EMSGSIZE;
		for (i = 0; i < ev->nr_results; i++) {
			const struct mpr_event_result *res = &ev->results[i];

			if (mpr_nl_put_event_path(skb, res->id, res->name,
						  res->result,
						  &res->latency_us))
				return -EMSGSIZE;
		}
		return 0;
	}
	return -EINVAL;
}

static const u8 mpr_nl_event_cmds[] = {
	[MPR_EV_PATH_REGISTERED]	= DM_MPATH_PR_CMD_PATH_REGISTERED,
	[MPR_EV_PATH_UNREGISTERED]	= DM_MPATH_PR_CMD_PATH_UNREGISTERED,
	[MPR_EV_PATH_FAILED]		= DM_MPATH_PR_CMD_PATH_FAILED,
	[MPR_EV_PATH_RESTORED]		= DM_MPATH_PR_CMD_PATH_RESTORED,
	[MPR_EV_RESERVATION]		= DM_MPATH_PR_CMD_RESERVATION_CHANGED,
	[MPR_EV_PREEMPTED]		= DM_MPATH_PR_CMD_PREEMPTED,
	[MPR_EV_OP_DONE]		= DM_MPATH_PR_CMD_OP_DONE,
};

/* Send a notification about a device; @ev NULL: DETACHED. */
static void mpr_nl_notify(dev_t devt, const char *name,
			  const struct mpr_event *ev)
{
	unsigned int nr_paths = 0;
	struct sk_buff *skb;
	size_t size;
	void *hdr;
	u8 cmd;

	if (!genl_has_listeners(&mpr_genl_family, &init_net,
				DM_MPATH_PR_NLGRP_EVENTS))
		return;
	if (!ev) {
		cmd = DM_MPATH_PR_CMD_DETACHED;
	} else if (ev->type < ARRAY_SIZE(mpr_nl_event_cmds)) {
		cmd = mpr_nl_event_cmds[ev->type];
		nr_paths = ev->type == MPR_EV_OP_DONE ? ev->nr_results : 1;
	} else {
		WARN_ONCE(1, "unknown event type %d\n", ev->type);
		return;
	}

	size = 2 * nla_total_size(sizeof(u32)) +	/* DEV_MAJOR, DEV_MINOR */
	       nla_total_size(DISK_NAME_LEN) +		/* DEV_NAME */
	       3 * nla_total_size_64bit(sizeof(u64)) + /* KEY, LATENCY_US, pad */
	       5 * nla_total_size(sizeof(u32)) +	/* OP, RESULT, RES_TYPE, HOLDER_* */
	       nr_paths * mpr_nl_event_path_size();
	skb = genlmsg_new(size, GFP_KERNEL);
	if (!skb)
		goto lost;
	hdr = genlmsg_put(skb, 0, 0, &mpr_genl_family, 0, cmd);
	if (!hdr)
		goto free;
	if (nla_put_u32(skb, DM_MPATH_PR_A_DEV_MAJOR, MAJOR(devt)) ||
	    nla_put_u32(skb, DM_MPATH_PR_A_DEV_MINOR, MINOR(devt)) ||
	    nla_put_string(skb, DM_MPATH_PR_A_DEV_NAME, name) ||
	    (ev && mpr_nl_put_event(skb, ev)))
		goto free;
	genlmsg_end(skb, hdr);
	/* -ESRCH: the last listener left meanwhile. */
	genlmsg_multicast(&mpr_genl_family, skb, 0, DM_MPATH_PR_NLGRP_EVENTS,
			  GFP_KERNEL);
	return;

free:
	nlmsg_free(skb);
lost:
	pr_warn_ratelimited("dm-mpath-pr: %s: notification %u lost\n", name,
			    cmd);
}

/**
 * mpr_netlink_event() - tell the "events" group about an engine event
 * @devt: the dm disk
 * @name: its name
 * @ev: the event (&mpr_dev_ops.event); valid for the call only
 *
 * Process context; may sleep. Nothing is built without listeners.
 */
void mpr_netlink_event(dev_t devt, const char *name,
		       const struct mpr_event *ev)
{
	mpr_nl_notify(devt, name, ev);
}

/**
 * mpr_netlink_detached() - tell the "events" group that an attachment ended
 * @devt: the dm disk
 * @name: its name
 *
 * Process context; may sleep.
 */
void mpr_netlink_detached(dev_t devt, const char *name)
{
	mpr_nl_notify(devt, name, NULL);
}
