// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "dm_mpath_pr": ATTACH, DETACH, GET, SYNC,
 * PATH_STATE, RESYNC, SET; the notifications of the "events" group are in
 * netlink-events.c.
 * Contract: include/uapi/linux/dm-mpath-pr.h and
 * Documentation/netlink/specs/dm-mpath-pr.yaml.
 *
 * Every command and the "events" group need CAP_SYS_ADMIN: GENL_ADMIN_PERM
 * only checks CAP_NET_ADMIN, so the handlers check CAP_SYS_ADMIN as well.
 * The family lives in the initial network namespace only.
 */

#include <linux/capability.h>
#include <linux/kdev_t.h>
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <linux/dm-mpath-pr.h>

#include "engine.h"
#include "hook.h"
#include "netlink.h"
#include "netlink-gen.h"
#include "netlink-int.h"

/* Device numbers: 12-bit majors (the policy checks), 20-bit minors. */
#define MPR_MINOR_MAX	MINORMASK

#if defined(COMPAT_HAVE_GENL_MCAST_CAP)
static const struct genl_multicast_group mpr_mcgrps[] = {
	[DM_MPATH_PR_NLGRP_EVENTS] = {
		.name = DM_MPATH_PR_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_SYS_ADMIN,
	},
};
#elif defined(COMPAT_HAVE_GENL_MCAST_BIND)
static const struct genl_multicast_group mpr_mcgrps[] = {
	[DM_MPATH_PR_NLGRP_EVENTS] = { .name = DM_MPATH_PR_MCGRP_EVENTS },
};

/* Kernels without GENL_MCAST_CAP_*: refuse the join here instead. */
static int mpr_nl_mcast_bind(struct net *net, int group)
{
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}
#else
#error "this kernel cannot restrict who joins a generic netlink group"
#endif

/* CAP_SYS_ADMIN of both the socket's opener and the sender. */
static int mpr_nl_perm(const struct sk_buff *skb,
		       struct netlink_ext_ack *extack)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return 0;
	NL_SET_ERR_MSG_MOD(extack, "CAP_SYS_ADMIN is required");
	return -EPERM;
}

/*
 * A 20-bit minor. The policy cannot say so on every kernel: a range that
 * wide needs NLA_POLICY_FULL_RANGE, whose pointer is not const before v6.2.
 */
static int mpr_nl_minor(const struct nlattr *nla,
			struct netlink_ext_ack *extack)
{
	if (nla_get_u32(nla) <= MPR_MINOR_MAX)
		return 0;
	NL_SET_BAD_ATTR(extack, nla);
	NL_SET_ERR_MSG_MOD(extack, "minor out of range (20 bits)");
	return -ERANGE;
}

/* The dm disk named by DEV_MAJOR/DEV_MINOR, both required. */
static int mpr_nl_dev(struct genl_info *info, dev_t *dev)
{
	int r;

	if (GENL_REQ_ATTR_CHECK(info, DM_MPATH_PR_A_DEV_MAJOR) ||
	    GENL_REQ_ATTR_CHECK(info, DM_MPATH_PR_A_DEV_MINOR)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "DEV_MAJOR and DEV_MINOR are required");
		return -EINVAL;
	}
	r = mpr_nl_minor(info->attrs[DM_MPATH_PR_A_DEV_MINOR], info->extack);
	if (r)
		return r;
	*dev = MKDEV(nla_get_u32(info->attrs[DM_MPATH_PR_A_DEV_MAJOR]),
		     nla_get_u32(info->attrs[DM_MPATH_PR_A_DEV_MINOR]));
	return 0;
}

/* Collect the PATH nests of an ATTACH (validated by the op's policy). */
static int mpr_nl_paths(struct genl_info *info, struct mpr_attach_req *req)
{
	struct nlattr *tb[DM_MPATH_PR_A_PATH_MINOR + 1];
	const struct nlattr *nla;
	int rem, r;

	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != DM_MPATH_PR_A_PATH)
			continue;
		if (req->nr_paths == DM_MPATH_PR_MAX_PATHS) {
			NL_SET_BAD_ATTR(info->extack, nla);
			NL_SET_ERR_MSG_MOD(info->extack,
					   "too many paths (DM_MPATH_PR_MAX_PATHS)");
			return -E2BIG;
		}
		r = nla_parse_nested(tb, DM_MPATH_PR_A_PATH_MINOR, nla,
				     dm_mpath_pr_path_id_nl_policy,
				     info->extack);
		if (r)
			return r;
		if (NL_REQ_ATTR_CHECK(info->extack, nla, tb,
				      DM_MPATH_PR_A_PATH_MAJOR) ||
		    NL_REQ_ATTR_CHECK(info->extack, nla, tb,
				      DM_MPATH_PR_A_PATH_MINOR)) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "a path needs MAJOR and MINOR");
			return -EINVAL;
		}
		r = mpr_nl_minor(tb[DM_MPATH_PR_A_PATH_MINOR], info->extack);
		if (r)
			return r;
		req->paths[req->nr_paths] =
			MKDEV(nla_get_u32(tb[DM_MPATH_PR_A_PATH_MAJOR]),
			      nla_get_u32(tb[DM_MPATH_PR_A_PATH_MINOR]));
		req->path_attrs[req->nr_paths] = nla;
		req->nr_paths++;
	}
	if (!req->nr_paths) {
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, DM_MPATH_PR_A_PATH);
		NL_SET_ERR_MSG_MOD(info->extack, "at least one path is required");
		return -EINVAL;
	}
	return 0;
}

/* ATTACH and SYNC. */
static int mpr_nl_attach(struct sk_buff *skb, struct genl_info *info,
			 bool sync_only)
{
	struct mpr_attach_req *req;
	int r;

	r = mpr_nl_perm(skb, info->extack);
	if (r)
		return r;

	req = kzalloc_obj(*req, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	r = mpr_nl_dev(info, &req->dev);
	if (r)
		goto out;
	req->dev_attr = info->attrs[DM_MPATH_PR_A_DEV_MAJOR];
	r = mpr_nl_paths(info, req);
	if (r)
		goto out;
	if (info->attrs[DM_MPATH_PR_A_KEY]) {
		req->key = nla_get_u64(info->attrs[DM_MPATH_PR_A_KEY]);
		if (!req->key) {
			NL_SET_BAD_ATTR(info->extack,
					info->attrs[DM_MPATH_PR_A_KEY]);
			NL_SET_ERR_MSG_MOD(info->extack,
					   "the key to adopt must not be 0");
			r = -EINVAL;
			goto out;
		}
		req->has_key = true;
	}
	req->sync_only = sync_only;
	r = mpr_hook_attach(req, info->extack);
out:
	kfree(req);
	return r;
}

/**
 * mpr_nl_attach_doit() - ATTACH: interpose on a dm-multipath disk, or sync
 *	the path list of an attached one
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0 or -errno, with an extack message.
 */
int mpr_nl_attach_doit(struct sk_buff *skb, struct genl_info *info)
{
	return mpr_nl_attach(skb, info, false);
}

/**
 * mpr_nl_sync_doit() - SYNC: make an attached device's path list what
 *	userspace says (after a table reload)
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0, -ENOENT if the device is not attached, or -errno, with an
 * extack message.
 */
int mpr_nl_sync_doit(struct sk_buff *skb, struct genl_info *info)
{
	return mpr_nl_attach(skb, info, true);
}

/**
 * mpr_nl_detach_doit() - DETACH: restore a disk's operations
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0 or -errno, with an extack message.
 */
int mpr_nl_detach_doit(struct sk_buff *skb, struct genl_info *info)
{
	dev_t dev;
	int r;

	r = mpr_nl_perm(skb, info->extack);
	if (r)
		return r;
	r = mpr_nl_dev(info, &dev);
	if (r)
		return r;
	return mpr_hook_detach(dev, info->attrs[DM_MPATH_PR_A_DEV_MAJOR],
			       info->extack);
}

/**
 * mpr_nl_path_state_doit() - PATH_STATE: a hint about one path
 * @skb: the request
 * @info: its attributes: DEV_*, one PATH nest with MAJOR, MINOR, STATE
 *
 * Return: 0 or -errno, with an extack message.
 */
int mpr_nl_path_state_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[DM_MPATH_PR_A_PATH_STATE + 1];
	const struct nlattr *nla, *nest = NULL;
	dev_t dev;
	int rem, r;

	r = mpr_nl_perm(skb, info->extack);
	if (r)
		return r;
	r = mpr_nl_dev(info, &dev);
	if (r)
		return r;
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != DM_MPATH_PR_A_PATH)
			continue;
		if (nest) {
			NL_SET_BAD_ATTR(info->extack, nla);
			NL_SET_ERR_MSG_MOD(info->extack,
					   "PATH_STATE takes exactly one path");
			return -EINVAL;
		}
		nest = nla;
	}
	if (!nest) {
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, DM_MPATH_PR_A_PATH);
		NL_SET_ERR_MSG_MOD(info->extack, "a path is required");
		return -EINVAL;
	}
	r = nla_parse_nested(tb, DM_MPATH_PR_A_PATH_STATE, nest,
			     dm_mpath_pr_path_hint_nl_policy, info->extack);
	if (r)
		return r;
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb,
			      DM_MPATH_PR_A_PATH_MAJOR) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb,
			      DM_MPATH_PR_A_PATH_MINOR) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb,
			      DM_MPATH_PR_A_PATH_STATE)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "the path needs MAJOR, MINOR and STATE");
		return -EINVAL;
	}
	r = mpr_nl_minor(tb[DM_MPATH_PR_A_PATH_MINOR], info->extack);
	if (r)
		return r;
	return mpr_hook_path_state(dev, info->attrs[DM_MPATH_PR_A_DEV_MAJOR],
				   MKDEV(nla_get_u32(tb[DM_MPATH_PR_A_PATH_MAJOR]),
					 nla_get_u32(tb[DM_MPATH_PR_A_PATH_MINOR])),
				   nest,
				   nla_get_u32(tb[DM_MPATH_PR_A_PATH_STATE]) ==
				   DM_MPATH_PR_PATH_FAILED,
				   info->extack);
}

/**
 * mpr_nl_resync_doit() - RESYNC: probe every path and audit now
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0 or -errno, with an extack message.
 */
int mpr_nl_resync_doit(struct sk_buff *skb, struct genl_info *info)
{
	dev_t dev;
	int r;

	r = mpr_nl_perm(skb, info->extack);
	if (r)
		return r;
	r = mpr_nl_dev(info, &dev);
	if (r)
		return r;
	return mpr_hook_resync(dev, info->attrs[DM_MPATH_PR_A_DEV_MAJOR],
			       info->extack);
}

/**
 * struct mpr_nl_setting - a SET attribute and the values it accepts
 * @attr: DM_MPATH_PR_A_*
 * @off: 0 is accepted too (off)
 * @min: smallest value (other than 0 where @off)
 * @max: largest value
 */
struct mpr_nl_setting {
	int attr;
	bool off;
	u32 min;
	u32 max;
};

/*
 * Policies cannot say these ranges on every kernel (NLA_POLICY_RANGE only
 * holds 16-bit limits, NLA_POLICY_FULL_RANGE does not build on 6.1).
 */
static const struct mpr_nl_setting mpr_nl_settings[] = {
	{ DM_MPATH_PR_A_PROBE_INTERVAL, false, 50, 3600000 },
	{ DM_MPATH_PR_A_AUDIT_INTERVAL, true, 1000, 86400000 },
	{ DM_MPATH_PR_A_DEADLINE, false, 100, 300000 },
};

/* extack messages must be literals. */
static void mpr_nl_setting_err(struct netlink_ext_ack *extack, int attr)
{
	switch (attr) {
	case DM_MPATH_PR_A_PROBE_INTERVAL:
		NL_SET_ERR_MSG_MOD(extack,
				   "PROBE_INTERVAL out of range (50..3600000 ms)");
		break;
	case DM_MPATH_PR_A_AUDIT_INTERVAL:
		NL_SET_ERR_MSG_MOD(extack,
				   "AUDIT_INTERVAL out of range (0, or 1000..86400000 ms)");
		break;
	default:
		NL_SET_ERR_MSG_MOD(extack,
				   "DEADLINE out of range (100..300000 ms)");
		break;
	}
}

/**
 * mpr_nl_set_doit() - SET: change settings of one device
 * @skb: the request
 * @info: its attributes: DEV_* and any of PROBE_INTERVAL,
 *	AUDIT_INTERVAL, DEADLINE, SGIO
 *
 * All values are checked before any is applied (SGIO, 0 or 1, by the
 * policy).
 *
 * Return: 0 or -errno, with an extack message.
 */
int mpr_nl_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	u32 vals[ARRAY_SIZE(mpr_nl_settings)];
	const u32 *set[ARRAY_SIZE(mpr_nl_settings)] = {};
	struct mpr_set_req req;
	bool any = false, sgio;
	unsigned int i;
	dev_t dev;
	int r;

	r = mpr_nl_perm(skb, info->extack);
	if (r)
		return r;
	r = mpr_nl_dev(info, &dev);
	if (r)
		return r;
	for (i = 0; i < ARRAY_SIZE(mpr_nl_settings); i++) {
		const struct mpr_nl_setting *s = &mpr_nl_settings[i];
		const struct nlattr *nla = info->attrs[s->attr];

		if (!nla)
			continue;
		vals[i] = nla_get_u32(nla);
		if ((vals[i] || !s->off) &&
		    (vals[i] < s->min || vals[i] > s->max)) {
			NL_SET_BAD_ATTR(info->extack, nla);
			mpr_nl_setting_err(info->extack, s->attr);
			return -ERANGE;
		}
		set[i] = &vals[i];
		any = true;
	}
	req.sgio = NULL;
	if (info->attrs[DM_MPATH_PR_A_SGIO]) {
		sgio = nla_get_u8(info->attrs[DM_MPATH_PR_A_SGIO]);
		req.sgio = &sgio;
		any = true;
	}
	if (!any) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "nothing to set (PROBE_INTERVAL, AUDIT_INTERVAL, DEADLINE, SGIO)");
		return -EINVAL;
	}
	req.probe_interval_ms = set[0];
	req.audit_interval_ms = set[1];
	req.op_timeout_ms = set[2];
	return mpr_hook_set(dev, info->attrs[DM_MPATH_PR_A_DEV_MAJOR], &req,
			    info->extack);
}

/* Room for one path nest of a GET reply. */
static size_t mpr_nl_path_size(void)
{
	return nla_total_size(0) +			/* PATH nest */
	       2 * nla_total_size(sizeof(u32)) +	/* MAJOR, MINOR */
	       nla_total_size(sizeof_field(struct mpr_path, name)) +
	       3 * nla_total_size(sizeof(u32)) +	/* STATE, REG, LAST_ERROR */
	       2 * nla_total_size_64bit(sizeof(u64));	/* CMDS, ERRORS */
}

/* Room for the reply about one device with @nr_paths paths. */
static size_t mpr_nl_dev_size(unsigned int nr_paths)
{
	return GENL_HDRLEN +
	       2 * nla_total_size(sizeof(u32)) +	/* DEV_MAJOR, DEV_MINOR */
	       nla_total_size(DISK_NAME_LEN) +		/* DEV_NAME */
	       2 * nla_total_size_64bit(sizeof(u64)) +	/* KEY, OPS */
	       3 * nla_total_size(sizeof(u32)) +	/* HOLDER_*, RES_TYPE */
	       nla_total_size(sizeof(u8)) +		/* PREEMPTED */
	       3 * nla_total_size(sizeof(u32)) +	/* the settings */
	       nla_total_size(sizeof(u8)) +		/* SGIO */
	       nr_paths * mpr_nl_path_size();
}

/**
 * struct mpr_nl_fill_ctx - where a device description goes
 * @skb: the message buffer
 * @cb: the dump, NULL for a doit reply
 * @portid: netlink port of the requester
 * @seq: sequence number of the request
 * @flags: NLM_F_* of the message
 * @first_path: index of the first path to describe; a dump sets it where
 *	a device did not fit in one message, and the next message about the
 *	device starts there
 */
struct mpr_nl_fill_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	u32 portid;
	u32 seq;
	int flags;
	unsigned int first_path;
};

static int mpr_nl_fill_path(struct sk_buff *skb, const struct mpr_path *path)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, DM_MPATH_PR_A_PATH);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, DM_MPATH_PR_A_PATH_MAJOR, MAJOR(path->id)) ||
	    nla_put_u32(skb, DM_MPATH_PR_A_PATH_MINOR, MINOR(path->id)) ||
	    nla_put_string(skb, DM_MPATH_PR_A_PATH_NAME, path->name) ||
	    nla_put_u32(skb, DM_MPATH_PR_A_PATH_STATE, path->state) ||
	    nla_put_u32(skb, DM_MPATH_PR_A_PATH_REG, path->reg) ||
	    nla_put_s32(skb, DM_MPATH_PR_A_PATH_LAST_ERROR, path->last_result) ||
	    nla_put_u64_64bit(skb, DM_MPATH_PR_A_PATH_CMDS, path->cmds,
			      DM_MPATH_PR_A_PATH_PAD) ||
	    nla_put_u64_64bit(skb, DM_MPATH_PR_A_PATH_ERRORS, path->errors,
			      DM_MPATH_PR_A_PATH_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The device's own attributes; caller holds &mpr_engine.lock. */
static int mpr_nl_fill_dev_attrs(struct sk_buff *skb, struct mpr_engine *eng)
{
	const struct mpr_engine_params *params = eng->params;

	if (nla_put_u64_64bit(skb, DM_MPATH_PR_A_KEY,
			      eng->wanted ? eng->key : 0, DM_MPATH_PR_A_PAD) ||
	    nla_put_u64_64bit(skb, DM_MPATH_PR_A_OPS, eng->ops_run,
			      DM_MPATH_PR_A_PAD) ||
	    nla_put_u32(skb, DM_MPATH_PR_A_RES_TYPE, eng->res_asked) ||
	    nla_put_u8(skb, DM_MPATH_PR_A_PREEMPTED, eng->preempted) ||
	    nla_put_u32(skb, DM_MPATH_PR_A_PROBE_INTERVAL,
			READ_ONCE(params->probe_interval_ms)) ||
	    nla_put_u32(skb, DM_MPATH_PR_A_AUDIT_INTERVAL,
			READ_ONCE(params->audit_interval_ms)) ||
	    nla_put_u32(skb, DM_MPATH_PR_A_DEADLINE,
			READ_ONCE(params->op_timeout_ms)) ||
	    nla_put_u8(skb, DM_MPATH_PR_A_SGIO, READ_ONCE(params->sgio)))
		return -EMSGSIZE;
	if (eng->holder &&
	    (nla_put_u32(skb, DM_MPATH_PR_A_HOLDER_MAJOR,
			 MAJOR(eng->holder->id)) ||
	     nla_put_u32(skb, DM_MPATH_PR_A_HOLDER_MINOR,
			 MINOR(eng->holder->id))))
		return -EMSGSIZE;
	return 0;
}

/*
 * mpr_hook_visit_fn: describe one attachment in a GET reply, from path
 * @ctx->first_path on. In a dump, a device that does not fit is cut after
 * its last whole path nest: @ctx->first_path says where the next message
 * goes on, and -EMSGSIZE ends this one.
 */
static int mpr_nl_fill_dev(struct mpr_engine *eng, dev_t devt,
			   const char *name, void *arg)
{
	struct mpr_nl_fill_ctx *ctx = arg;
	struct sk_buff *skb = ctx->skb;
	const struct mpr_path *path;
	unsigned int i = 0, put = 0;
	void *hdr;

	hdr = genlmsg_put(skb, ctx->portid, ctx->seq, &mpr_genl_family,
			  ctx->flags, DM_MPATH_PR_CMD_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (ctx->cb)
		genl_dump_check_consistent(ctx->cb, hdr);
	if (nla_put_u32(skb, DM_MPATH_PR_A_DEV_MAJOR, MAJOR(devt)) ||
	    nla_put_u32(skb, DM_MPATH_PR_A_DEV_MINOR, MINOR(devt)))
		goto cancel;

	spin_lock(&eng->lock);
	if (!ctx->first_path &&
	    (nla_put_string(skb, DM_MPATH_PR_A_DEV_NAME, name) ||
	     mpr_nl_fill_dev_attrs(skb, eng)))
		goto unlock;
	list_for_each_entry(path, &eng->paths, node) {
		if (i++ < ctx->first_path)
			continue;
		if (mpr_nl_fill_path(skb, path)) {
			/* No path fit, or not a dump: no message at all. */
			if (!put || !ctx->cb)
				goto unlock;
			spin_unlock(&eng->lock);
			ctx->first_path += put;
			genlmsg_end(skb, hdr);
			return -EMSGSIZE;
		}
		put++;
	}
	spin_unlock(&eng->lock);
	ctx->first_path = 0;
	genlmsg_end(skb, hdr);
	return 0;

unlock:
	spin_unlock(&eng->lock);
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/**
 * mpr_nl_get_doit() - GET of one device
 * @skb: the request
 * @info: its attributes
 *
 * Return: 0 or -errno, with an extack message.
 */
int mpr_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mpr_nl_fill_ctx ctx = {
		.portid = info->snd_portid,
		.seq = info->snd_seq,
	};
	dev_t dev;
	int r;

	r = mpr_nl_perm(skb, info->extack);
	if (r)
		return r;
	r = mpr_nl_dev(info, &dev);
	if (r)
		return r;

	/* Sized for the most paths a device can have: no second lookup. */
	ctx.skb = genlmsg_new(mpr_nl_dev_size(DM_MPATH_PR_MAX_PATHS),
			      GFP_KERNEL);
	if (!ctx.skb)
		return -ENOMEM;
	r = mpr_hook_visit_one(dev, mpr_nl_fill_dev, &ctx);
	if (r) {
		nlmsg_free(ctx.skb);
		if (r == -ENOENT)
			goto not_attached;
		return r;
	}
	return genlmsg_reply(ctx.skb, info);

not_attached:
	NL_SET_BAD_ATTR(info->extack, info->attrs[DM_MPATH_PR_A_DEV_MAJOR]);
	NL_SET_ERR_MSG_MOD(info->extack, "device is not attached");
	return -ENOENT;
}

/**
 * mpr_nl_get_dumpit() - GET of every device
 * @skb: the message to fill
 * @cb: the dump; args[0] is the index of the next device, args[1] the
 *	first path of it to describe (a device continued from the previous
 *	message), seq the attachment generation
 *
 * The op table has no .start (struct genl_ops of per-op policies does not
 * get one from the generator), so the permission is checked here, on every
 * round: the first one fails the dump.
 *
 * Return: the length of @skb, 0 at the end, or -errno.
 */
int mpr_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mpr_nl_fill_ctx ctx = {
		.skb = skb,
		.cb = cb,
		.portid = NETLINK_CB(cb->skb).portid,
		.seq = cb->nlh->nlmsg_seq,
		.flags = NLM_F_MULTI,
		.first_path = cb->args[1],
	};
	unsigned long pos = cb->args[0];
	int r;

	r = mpr_nl_perm(cb->skb, cb->extack);
	if (r)
		return r;
	r = mpr_hook_visit_from(&pos, &cb->seq, mpr_nl_fill_dev, &ctx);
	cb->args[0] = pos;
	cb->args[1] = ctx.first_path;
	if (r && !skb->len)
		return r;
	return skb->len;
}

struct genl_family mpr_genl_family __ro_after_init = {
	.name = DM_MPATH_PR_FAMILY_NAME,
	.version = DM_MPATH_PR_FAMILY_VERSION,
	.netnsok = false,
	/*
	 * Every handler does its own locking (mpr_attach_lock, never held
	 * across a wait on a device): one device's slow DETACH must not hold
	 * genl_mutex, and so every other generic netlink family, with it.
	 */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = dm_mpath_pr_nl_ops,
	.n_ops = ARRAY_SIZE(dm_mpath_pr_nl_ops),
	.mcgrps = mpr_mcgrps,
	.n_mcgrps = ARRAY_SIZE(mpr_mcgrps),
#if !defined(COMPAT_HAVE_GENL_MCAST_CAP)
	.mcast_bind = mpr_nl_mcast_bind,
#endif
};

/**
 * mpr_netlink_init() - register the generic netlink family
 *
 * Return: 0 or -errno.
 */
int __init mpr_netlink_init(void)
{
	return genl_register_family(&mpr_genl_family);
}

/**
 * mpr_netlink_uninit() - unregister the family; waits for running handlers
 */
void mpr_netlink_uninit(void)
{
	genl_unregister_family(&mpr_genl_family);
}

MODULE_ALIAS_GENL_FAMILY(DM_MPATH_PR_FAMILY_NAME);
