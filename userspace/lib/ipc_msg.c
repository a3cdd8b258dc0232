// SPDX-License-Identifier: GPL-2.0
/*
 * libprtool: the messages of the dm-mpath-pr generic netlink family, built
 * and parsed (no I/O: that is ipc.c).
 *
 * Requests follow include/uapi/linux/dm-mpath-pr.h exactly: top-level
 * DM_MPATH_PR_A_* attributes, one DM_MPATH_PR_A_PATH nest per path with
 * NLA_F_NESTED set (the kernel's strict validation requires the flag).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "ipc.h"
#include "lpt.h"

static const char *const dev_attr_names[] = {
	[DM_MPATH_PR_A_DEV_MAJOR] = "DEV_MAJOR",
	[DM_MPATH_PR_A_DEV_MINOR] = "DEV_MINOR",
	[DM_MPATH_PR_A_DEV_NAME] = "DEV_NAME",
	[DM_MPATH_PR_A_PATH] = "PATH",
	[DM_MPATH_PR_A_KEY] = "KEY",
	[DM_MPATH_PR_A_APTPL] = "APTPL",
	[DM_MPATH_PR_A_HOLDER_MAJOR] = "HOLDER_MAJOR",
	[DM_MPATH_PR_A_HOLDER_MINOR] = "HOLDER_MINOR",
	[DM_MPATH_PR_A_RES_TYPE] = "RES_TYPE",
	[DM_MPATH_PR_A_OPS] = "OPS",
	[DM_MPATH_PR_A_PREEMPTED] = "PREEMPTED",
	[DM_MPATH_PR_A_PROBE_INTERVAL] = "PROBE_INTERVAL",
	[DM_MPATH_PR_A_AUDIT_INTERVAL] = "AUDIT_INTERVAL",
	[DM_MPATH_PR_A_DEADLINE] = "DEADLINE",
	[DM_MPATH_PR_A_OP] = "OP",
	[DM_MPATH_PR_A_RESULT] = "RESULT",
	[DM_MPATH_PR_A_LATENCY_US] = "LATENCY_US",
	[DM_MPATH_PR_A_SGIO] = "SGIO",
};

static const char *const path_attr_names[] = {
	[DM_MPATH_PR_A_PATH_MAJOR] = "PATH_MAJOR",
	[DM_MPATH_PR_A_PATH_MINOR] = "PATH_MINOR",
	[DM_MPATH_PR_A_PATH_NAME] = "PATH_NAME",
	[DM_MPATH_PR_A_PATH_STATE] = "PATH_STATE",
	[DM_MPATH_PR_A_PATH_REG] = "PATH_REG",
	[DM_MPATH_PR_A_PATH_LAST_ERROR] = "PATH_LAST_ERROR",
	[DM_MPATH_PR_A_PATH_CMDS] = "PATH_CMDS",
	[DM_MPATH_PR_A_PATH_ERRORS] = "PATH_ERRORS",
	[DM_MPATH_PR_A_PATH_RESULT] = "PATH_RESULT",
	[DM_MPATH_PR_A_PATH_LATENCY_US] = "PATH_LATENCY_US",
};

int ipc_ext_ack_msg(const struct nlmsghdr *nlh, char *buf, size_t len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t total = nlh->nlmsg_len, off = NLMSG_HDRLEN;
	const char *text = NULL;
	size_t n = 0;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || !len)
		return 0;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(nlh);

		if (total < NLMSG_HDRLEN + sizeof(*e))
			return 0;
		off += sizeof(*e);
		/* The request is echoed unless the reply was capped. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
		    e->msg.nlmsg_len > NLMSG_HDRLEN)
			off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		off += sizeof(int);
	} else {
		return 0;
	}
	off = NLMSG_ALIGN(off);
	if (off >= total)
		return 0;

	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + off), (int)(total - off),
		      NULL))
		return 0;
	buf[0] = '\0';
	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0) {
		text = nla_data(tb[NLMSGERR_ATTR_MSG]);
		n = strnlen(text, (size_t)nla_len(tb[NLMSGERR_ATTR_MSG]));
		snprintf(buf, len, "%.*s", (int)n, text);
	}
	if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
	    nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) >= 4) {
		uint32_t t = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
		bool nested = tb[NLMSGERR_ATTR_MISS_NEST] != NULL;
		const char *const *names = nested ? path_attr_names :
						    dev_attr_names;
		size_t nr = nested ? ARRAY_SIZE(path_attr_names) :
				     ARRAY_SIZE(dev_attr_names);
		size_t used = strlen(buf);

		snprintf(buf + used, len - used, "%smissing attribute %s",
			 used ? "; " : "",
			 t < nr && names[t] ? names[t] : "(unknown)");
	}
	return buf[0] != '\0';
}

int ipc_put_dev(struct nl_msg *msg, uint32_t major, uint32_t minor)
{
	if (nla_put_u32(msg, DM_MPATH_PR_A_DEV_MAJOR, major) < 0 ||
	    nla_put_u32(msg, DM_MPATH_PR_A_DEV_MINOR, minor) < 0)
		return -EMSGSIZE;
	return 0;
}

int ipc_put_attach(struct nl_msg *msg, const struct mpr_attach_req *req)
{
	unsigned int i;

	if (req->nr_paths > DM_MPATH_PR_MAX_PATHS)
		return -E2BIG;
	if (ipc_put_dev(msg, req->major, req->minor))
		return -EMSGSIZE;
	for (i = 0; i < req->nr_paths; i++) {
		struct nlattr *nest;

		nest = nla_nest_start(msg, DM_MPATH_PR_A_PATH | NLA_F_NESTED);
		if (!nest ||
		    nla_put_u32(msg, DM_MPATH_PR_A_PATH_MAJOR,
				req->paths[i].major) < 0 ||
		    nla_put_u32(msg, DM_MPATH_PR_A_PATH_MINOR,
				req->paths[i].minor) < 0)
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	if (req->has_key && nla_put_u64(msg, DM_MPATH_PR_A_KEY, req->key) < 0)
		return -EMSGSIZE;
	return 0;
}

int ipc_put_settings(struct nl_msg *msg, const struct mpr_settings *set)
{
	if (ipc_put_dev(msg, set->major, set->minor))
		return -EMSGSIZE;
	if (set->has_probe_interval &&
	    nla_put_u32(msg, DM_MPATH_PR_A_PROBE_INTERVAL,
			set->probe_interval) < 0)
		return -EMSGSIZE;
	if (set->has_audit_interval &&
	    nla_put_u32(msg, DM_MPATH_PR_A_AUDIT_INTERVAL,
			set->audit_interval) < 0)
		return -EMSGSIZE;
	if (set->has_deadline &&
	    nla_put_u32(msg, DM_MPATH_PR_A_DEADLINE, set->deadline) < 0)
		return -EMSGSIZE;
	if (set->has_sgio &&
	    nla_put_u8(msg, DM_MPATH_PR_A_SGIO, set->sgio ? 1 : 0) < 0)
		return -EMSGSIZE;
	return 0;
}

static struct nla_policy dev_policy[DM_MPATH_PR_A_MAX + 1] = {
	[DM_MPATH_PR_A_DEV_MAJOR] = { .type = NLA_U32 },
	[DM_MPATH_PR_A_DEV_MINOR] = { .type = NLA_U32 },
	[DM_MPATH_PR_A_DEV_NAME] = { .type = NLA_STRING },
	[DM_MPATH_PR_A_PATH] = { .type = NLA_NESTED },
	[DM_MPATH_PR_A_KEY] = { .type = NLA_U64 },
	[DM_MPATH_PR_A_APTPL] = { .type = NLA_U8 },
	[DM_MPATH_PR_A_HOLDER_MAJOR] = { .type = NLA_U32 },
	[DM_MPATH_PR_A_HOLDER_MINOR] = { .type = NLA_U32 },
	[DM_MPATH_PR_A_RES_TYPE] = { .type = NLA_U32 },
	[DM_MPATH_PR_A_OPS] = { .type = NLA_U64 },
	[DM_MPATH_PR_A_PREEMPTED] = { .type = NLA_U8 },
	[DM_MPATH_PR_A_PROBE_INTERVAL] = { .type = NLA_U32 },
	[DM_MPATH_PR_A_AUDIT_INTERVAL] = { .type = NLA_U32 },
	[DM_MPATH_PR_A_DEADLINE] = { .type = NLA_U32 },
	[DM_MPATH_PR_A_OP] = { .type = NLA_U32 },
	[DM_MPATH_PR_A_RESULT] = { .type = NLA_U32 },
	[DM_MPATH_PR_A_LATENCY_US] = { .type = NLA_U64 },
	[DM_MPATH_PR_A_SGIO] = { .type = NLA_U8 },
};

static struct nla_policy path_policy[DM_MPATH_PR_A_PATH_MAX + 1] = {
	[DM_MPATH_PR_A_PATH_MAJOR] = { .type = NLA_U32 },
	[DM_MPATH_PR_A_PATH_MINOR] = { .type = NLA_U32 },
	[DM_MPATH_PR_A_PATH_NAME] = { .type = NLA_STRING },
	[DM_MPATH_PR_A_PATH_STATE] = { .type = NLA_U32 },
	[DM_MPATH_PR_A_PATH_REG] = { .type = NLA_U32 },
	[DM_MPATH_PR_A_PATH_LAST_ERROR] = { .type = NLA_U32 },
	[DM_MPATH_PR_A_PATH_CMDS] = { .type = NLA_U64 },
	[DM_MPATH_PR_A_PATH_ERRORS] = { .type = NLA_U64 },
	[DM_MPATH_PR_A_PATH_RESULT] = { .type = NLA_U32 },
	[DM_MPATH_PR_A_PATH_LATENCY_US] = { .type = NLA_U64 },
};

static int parse_path(struct nlattr *nest, struct mpr_path_info *p)
{
	struct nlattr *tb[DM_MPATH_PR_A_PATH_MAX + 1];

	memset(p, 0, sizeof(*p));
	if (nla_parse_nested(tb, DM_MPATH_PR_A_PATH_MAX, nest, path_policy))
		return -EBADMSG;
	if (!tb[DM_MPATH_PR_A_PATH_MAJOR] || !tb[DM_MPATH_PR_A_PATH_MINOR])
		return -EBADMSG;
	p->major = nla_get_u32(tb[DM_MPATH_PR_A_PATH_MAJOR]);
	p->minor = nla_get_u32(tb[DM_MPATH_PR_A_PATH_MINOR]);
	if (tb[DM_MPATH_PR_A_PATH_NAME])
		snprintf(p->name, sizeof(p->name), "%s",
			 nla_get_string(tb[DM_MPATH_PR_A_PATH_NAME]));
	if (tb[DM_MPATH_PR_A_PATH_STATE])
		p->state = nla_get_u32(tb[DM_MPATH_PR_A_PATH_STATE]);
	if (tb[DM_MPATH_PR_A_PATH_REG])
		p->reg = nla_get_u32(tb[DM_MPATH_PR_A_PATH_REG]);
	if (tb[DM_MPATH_PR_A_PATH_LAST_ERROR])
		p->last_error =
			(int32_t)nla_get_u32(tb[DM_MPATH_PR_A_PATH_LAST_ERROR]);
	if (tb[DM_MPATH_PR_A_PATH_CMDS])
		p->cmds = nla_get_u64(tb[DM_MPATH_PR_A_PATH_CMDS]);
	if (tb[DM_MPATH_PR_A_PATH_ERRORS])
		p->errors = nla_get_u64(tb[DM_MPATH_PR_A_PATH_ERRORS]);
	return 0;
}

int ipc_parse_dev(struct nlmsghdr *nlh, struct mpr_dev_info *dev)
{
	struct nlattr *tb[DM_MPATH_PR_A_MAX + 1];
	struct nlattr *nla;
	int rem, ret;

	memset(dev, 0, sizeof(*dev));
	if (genlmsg_parse(nlh, 0, tb, DM_MPATH_PR_A_MAX, dev_policy))
		return -EBADMSG;
	if (!tb[DM_MPATH_PR_A_DEV_MAJOR] || !tb[DM_MPATH_PR_A_DEV_MINOR])
		return -EBADMSG;
	dev->major = nla_get_u32(tb[DM_MPATH_PR_A_DEV_MAJOR]);
	dev->minor = nla_get_u32(tb[DM_MPATH_PR_A_DEV_MINOR]);
	if (tb[DM_MPATH_PR_A_DEV_NAME])
		snprintf(dev->name, sizeof(dev->name), "%s",
			 nla_get_string(tb[DM_MPATH_PR_A_DEV_NAME]));
	if (tb[DM_MPATH_PR_A_KEY])
		dev->key = nla_get_u64(tb[DM_MPATH_PR_A_KEY]);
	if (tb[DM_MPATH_PR_A_APTPL])
		dev->aptpl = nla_get_u8(tb[DM_MPATH_PR_A_APTPL]) != 0;
	if (tb[DM_MPATH_PR_A_HOLDER_MAJOR] && tb[DM_MPATH_PR_A_HOLDER_MINOR]) {
		dev->has_holder = true;
		dev->holder_major = nla_get_u32(tb[DM_MPATH_PR_A_HOLDER_MAJOR]);
		dev->holder_minor = nla_get_u32(tb[DM_MPATH_PR_A_HOLDER_MINOR]);
	}
	if (tb[DM_MPATH_PR_A_RES_TYPE])
		dev->res_type = nla_get_u32(tb[DM_MPATH_PR_A_RES_TYPE]);
	if (tb[DM_MPATH_PR_A_OPS])
		dev->ops = nla_get_u64(tb[DM_MPATH_PR_A_OPS]);
	if (tb[DM_MPATH_PR_A_PREEMPTED])
		dev->preempted = nla_get_u8(tb[DM_MPATH_PR_A_PREEMPTED]) != 0;
	if (tb[DM_MPATH_PR_A_PROBE_INTERVAL]) {
		dev->has_probe_interval = true;
		dev->probe_interval =
			nla_get_u32(tb[DM_MPATH_PR_A_PROBE_INTERVAL]);
	}
	if (tb[DM_MPATH_PR_A_AUDIT_INTERVAL]) {
		dev->has_audit_interval = true;
		dev->audit_interval =
			nla_get_u32(tb[DM_MPATH_PR_A_AUDIT_INTERVAL]);
	}
	if (tb[DM_MPATH_PR_A_DEADLINE]) {
		dev->has_deadline = true;
		dev->deadline = nla_get_u32(tb[DM_MPATH_PR_A_DEADLINE]);
	}
	if (tb[DM_MPATH_PR_A_SGIO]) {
		dev->has_sgio = true;
		dev->sgio = nla_get_u8(tb[DM_MPATH_PR_A_SGIO]) != 0;
	}

	/* PATH is multi-attr: walk the top level for every instance. */
	nla_for_each_attr(nla, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(nla) != DM_MPATH_PR_A_PATH)
			continue;
		if (dev->nr_paths == DM_MPATH_PR_MAX_PATHS) {
			dev->truncated = true;
			break;
		}
		ret = parse_path(nla, &dev->paths[dev->nr_paths]);
		if (ret)
			return ret;
		dev->nr_paths++;
	}
	return 0;
}

bool ipc_dev_merge(struct mpr_dev_info *into, const struct mpr_dev_info *next)
{
	unsigned int i;

	if (into->major != next->major || into->minor != next->minor)
		return false;
	for (i = 0; i < next->nr_paths; i++) {
		if (into->nr_paths == DM_MPATH_PR_MAX_PATHS) {
			into->truncated = true;
			break;
		}
		into->paths[into->nr_paths++] = next->paths[i];
	}
	if (next->truncated)
		into->truncated = true;
	return true;
}

static int parse_event_path(struct nlattr *nest, struct mpr_event_path *p)
{
	struct nlattr *tb[DM_MPATH_PR_A_PATH_MAX + 1];

	memset(p, 0, sizeof(*p));
	if (nla_parse_nested(tb, DM_MPATH_PR_A_PATH_MAX, nest, path_policy))
		return -EBADMSG;
	if (!tb[DM_MPATH_PR_A_PATH_MAJOR] || !tb[DM_MPATH_PR_A_PATH_MINOR])
		return -EBADMSG;
	p->major = nla_get_u32(tb[DM_MPATH_PR_A_PATH_MAJOR]);
	p->minor = nla_get_u32(tb[DM_MPATH_PR_A_PATH_MINOR]);
	if (tb[DM_MPATH_PR_A_PATH_NAME])
		snprintf(p->name, sizeof(p->name), "%s",
			 nla_get_string(tb[DM_MPATH_PR_A_PATH_NAME]));
	if (tb[DM_MPATH_PR_A_PATH_RESULT]) {
		p->has_result = true;
		p->result = (int32_t)nla_get_u32(tb[DM_MPATH_PR_A_PATH_RESULT]);
	}
	if (tb[DM_MPATH_PR_A_PATH_LATENCY_US]) {
		p->has_latency = true;
		p->latency_us = nla_get_u64(tb[DM_MPATH_PR_A_PATH_LATENCY_US]);
	}
	return 0;
}

int ipc_parse_event(struct nlmsghdr *nlh, struct mpr_event *ev)
{
	struct nlattr *tb[DM_MPATH_PR_A_MAX + 1];
	struct genlmsghdr *gh;
	struct nlattr *nla;
	int rem, ret;

	memset(ev, 0, sizeof(*ev));
	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	gh = nlmsg_data(nlh);
	if (gh->cmd < DM_MPATH_PR_CMD_PATH_REGISTERED ||
	    gh->cmd > DM_MPATH_PR_CMD_MAX)
		return -EBADMSG;
	ev->cmd = gh->cmd;
	if (genlmsg_parse(nlh, 0, tb, DM_MPATH_PR_A_MAX, dev_policy))
		return -EBADMSG;
	if (!tb[DM_MPATH_PR_A_DEV_MAJOR] || !tb[DM_MPATH_PR_A_DEV_MINOR])
		return -EBADMSG;
	ev->major = nla_get_u32(tb[DM_MPATH_PR_A_DEV_MAJOR]);
	ev->minor = nla_get_u32(tb[DM_MPATH_PR_A_DEV_MINOR]);
	if (tb[DM_MPATH_PR_A_DEV_NAME])
		snprintf(ev->name, sizeof(ev->name), "%s",
			 nla_get_string(tb[DM_MPATH_PR_A_DEV_NAME]));
	if (tb[DM_MPATH_PR_A_KEY]) {
		ev->has_key = true;
		ev->key = nla_get_u64(tb[DM_MPATH_PR_A_KEY]);
	}
	if (tb[DM_MPATH_PR_A_RES_TYPE]) {
		ev->has_res_type = true;
		ev->res_type = nla_get_u32(tb[DM_MPATH_PR_A_RES_TYPE]);
	}
	if (tb[DM_MPATH_PR_A_HOLDER_MAJOR] && tb[DM_MPATH_PR_A_HOLDER_MINOR]) {
		ev->has_holder = true;
		ev->holder_major = nla_get_u32(tb[DM_MPATH_PR_A_HOLDER_MAJOR]);
		ev->holder_minor = nla_get_u32(tb[DM_MPATH_PR_A_HOLDER_MINOR]);
	}
	if (tb[DM_MPATH_PR_A_OP]) {
		ev->has_op = true;
		ev->op = nla_get_u32(tb[DM_MPATH_PR_A_OP]);
	}
	if (tb[DM_MPATH_PR_A_RESULT]) {
		ev->has_result = true;
		ev->result = (int32_t)nla_get_u32(tb[DM_MPATH_PR_A_RESULT]);
	}
	if (tb[DM_MPATH_PR_A_LATENCY_US]) {
		ev->has_latency = true;
		ev->latency_us = nla_get_u64(tb[DM_MPATH_PR_A_LATENCY_US]);
	}
	nla_for_each_attr(nla, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(nla) != DM_MPATH_PR_A_PATH)
			continue;
		if (ev->nr_paths == DM_MPATH_PR_MAX_PATHS) {
			ev->truncated = true;
			break;
		}
		ret = parse_event_path(nla, &ev->paths[ev->nr_paths]);
		if (ret)
			return ret;
		ev->nr_paths++;
	}
	return 0;
}
