// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: the generic netlink interface to dm-mpath-pr, with libnl-3.
 *
 * Requests follow include/uapi/linux/dm-mpath-pr.h exactly: top-level
 * DM_MPATH_PR_A_* attributes, one DM_MPATH_PR_A_PATH nest per path with
 * NLA_F_NESTED set (the kernel's strict validation requires the flag).
 * Extended ACK is enabled so that the kernel's reason for a rejection
 * reaches the user.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "ipc.h"
#include "module.h"
#include "prtool.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct ipc {
	struct nl_sock *sk;
	int family;
	/* ipc_events_read(): the callback and its result. */
	int (*event_fn)(const struct mpr_event *ev, void *arg);
	void *event_arg;
	int event_ret;
	struct mpr_event *ev;
};

/* State of one request/reply exchange. */
struct ipc_xfer {
	bool pending;
	bool intr;
	int err;
	/* For replies: */
	int (*parse)(struct nl_msg *msg, void *arg);
	void *arg;
};

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

/* libnl error code to errno, for the messages that have no errno. */
static int nlerr_to_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_INTR:
		return -EINTR;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_BUSY:
		return -EBUSY;
	default:
		return -EIO;
	}
}

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

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	struct ipc_xfer *x = arg;
	char msg[512];

	(void)nla;
	x->err = e->error;
	x->pending = false;
	if (ipc_ext_ack_msg(nlh, msg, sizeof(msg)))
		prtool_err("kernel reports: %s", msg);
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct ipc_xfer *x = arg;

	(void)msg;
	x->pending = false;
	return NL_STOP;
}

static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct ipc_xfer *x = arg;
	char text[512];

	x->pending = false;
	/* A dump that failed part-way carries the error in NLMSG_DONE. */
	if (nlmsg_datalen(nlh) >= (int)sizeof(int)) {
		int err = *(int *)nlmsg_data(nlh);

		if (err < 0) {
			x->err = err;
			if (ipc_ext_ack_msg(nlh, text, sizeof(text)))
				prtool_err("kernel reports: %s", text);
		}
	}
	return NL_STOP;
}

/* A dump whose data changed while it ran: read on, then run it again. */
static int dump_intr_cb(struct nl_msg *msg, void *arg)
{
	struct ipc_xfer *x = arg;

	(void)msg;
	x->intr = true;
	return NL_OK;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct ipc_xfer *x = arg;
	int ret;

	if (!x->parse)
		return NL_SKIP;
	ret = x->parse(msg, x->arg);
	if (ret < 0 && !x->err)
		x->err = ret;
	return NL_OK;
}

/*
 * Send @msg (consumed) and receive until the ACK, error or end of dump.
 * *@intr (if not NULL) tells whether a dump was interrupted.
 */
static int ipc_xfer_intr(struct ipc *ipc, struct nl_msg *msg,
			 int (*parse)(struct nl_msg *, void *), void *arg,
			 bool *intr)
{
	struct ipc_xfer x = {
		.pending = true,
		.parse = parse,
		.arg = arg,
	};
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &x);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, dump_intr_cb, &x);
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, &x);

	ret = nl_send_auto(ipc->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		prtool_err("cannot send to the kernel: %s", nl_geterror(ret));
		x.err = nlerr_to_errno(ret);
		goto out;
	}
	while (x.pending) {
		ret = nl_recvmsgs(ipc->sk, cb);
		if (ret < 0 && x.pending) {
			prtool_err("cannot receive from the kernel: %s",
				   nl_geterror(ret));
			x.err = nlerr_to_errno(ret);
			break;
		}
	}
out:
	nl_cb_put(cb);
	if (intr)
		*intr = x.intr;
	return x.err;
}

static int ipc_xfer(struct ipc *ipc, struct nl_msg *msg,
		    int (*parse)(struct nl_msg *, void *), void *arg)
{
	return ipc_xfer_intr(ipc, msg, parse, arg, NULL);
}

static struct nl_msg *ipc_msg(struct ipc *ipc, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, ipc->family, 0, flags,
			 cmd, DM_MPATH_PR_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int put_dev(struct nl_msg *msg, uint32_t major, uint32_t minor)
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
	if (put_dev(msg, req->major, req->minor))
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

static int send_paths(struct ipc *ipc, uint8_t cmd,
		      const struct mpr_attach_req *req)
{
	struct nl_msg *msg;
	int ret;

	msg = ipc_msg(ipc, cmd, NLM_F_ACK);
	if (!msg)
		return -ENOMEM;
	ret = ipc_put_attach(msg, req);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return ipc_xfer(ipc, msg, NULL, NULL);
}

int ipc_attach(struct ipc *ipc, const struct mpr_attach_req *req)
{
	return send_paths(ipc, DM_MPATH_PR_CMD_ATTACH, req);
}

int ipc_sync(struct ipc *ipc, const struct mpr_attach_req *req)
{
	struct mpr_attach_req r = *req;

	/* SYNC adopts no key: that is ATTACH's job. */
	r.has_key = false;
	return send_paths(ipc, DM_MPATH_PR_CMD_SYNC, &r);
}

/* A request that names a device and nothing else. */
static int dev_cmd(struct ipc *ipc, uint8_t cmd, uint32_t major,
		   uint32_t minor)
{
	struct nl_msg *msg;

	msg = ipc_msg(ipc, cmd, NLM_F_ACK);
	if (!msg)
		return -ENOMEM;
	if (put_dev(msg, major, minor)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return ipc_xfer(ipc, msg, NULL, NULL);
}

int ipc_detach(struct ipc *ipc, uint32_t major, uint32_t minor)
{
	return dev_cmd(ipc, DM_MPATH_PR_CMD_DETACH, major, minor);
}

int ipc_resync(struct ipc *ipc, uint32_t major, uint32_t minor)
{
	return dev_cmd(ipc, DM_MPATH_PR_CMD_RESYNC, major, minor);
}

int ipc_path_state(struct ipc *ipc, uint32_t major, uint32_t minor,
		   uint32_t path_major, uint32_t path_minor, uint32_t state)
{
	struct nlattr *nest;
	struct nl_msg *msg;

	msg = ipc_msg(ipc, DM_MPATH_PR_CMD_PATH_STATE, NLM_F_ACK);
	if (!msg)
		return -ENOMEM;
	if (put_dev(msg, major, minor))
		goto full;
	nest = nla_nest_start(msg, DM_MPATH_PR_A_PATH | NLA_F_NESTED);
	if (!nest ||
	    nla_put_u32(msg, DM_MPATH_PR_A_PATH_MAJOR, path_major) < 0 ||
	    nla_put_u32(msg, DM_MPATH_PR_A_PATH_MINOR, path_minor) < 0 ||
	    nla_put_u32(msg, DM_MPATH_PR_A_PATH_STATE, state) < 0)
		goto full;
	nla_nest_end(msg, nest);
	return ipc_xfer(ipc, msg, NULL, NULL);
full:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int ipc_put_settings(struct nl_msg *msg, const struct mpr_settings *set)
{
	if (put_dev(msg, set->major, set->minor))
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
	return 0;
}

int ipc_set(struct ipc *ipc, const struct mpr_settings *set)
{
	struct nl_msg *msg;
	int ret;

	msg = ipc_msg(ipc, DM_MPATH_PR_CMD_SET, NLM_F_ACK);
	if (!msg)
		return -ENOMEM;
	ret = ipc_put_settings(msg, set);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return ipc_xfer(ipc, msg, NULL, NULL);
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

/* One device, possibly over several messages. */
struct get_acc {
	struct mpr_dev_info *dev;
	struct mpr_dev_info *tmp;
	bool seen;
};

static int parse_one(struct nl_msg *msg, void *arg)
{
	struct get_acc *acc = arg;
	int ret;

	if (!acc->seen) {
		acc->seen = true;
		return ipc_parse_dev(nlmsg_hdr(msg), acc->dev);
	}
	ret = ipc_parse_dev(nlmsg_hdr(msg), acc->tmp);
	if (ret)
		return ret;
	return ipc_dev_merge(acc->dev, acc->tmp) ? 0 : -EBADMSG;
}

int ipc_get(struct ipc *ipc, uint32_t major, uint32_t minor,
	    struct mpr_dev_info *dev)
{
	struct get_acc acc = { .dev = dev };
	struct nl_msg *msg;
	int ret;

	memset(dev, 0, sizeof(*dev));
	msg = ipc_msg(ipc, DM_MPATH_PR_CMD_GET, NLM_F_ACK);
	if (!msg)
		return -ENOMEM;
	if (put_dev(msg, major, minor)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	acc.tmp = xcalloc(1, sizeof(*acc.tmp));
	ret = ipc_xfer(ipc, msg, parse_one, &acc);
	free(acc.tmp);
	return ret;
}

struct dump_acc {
	struct mpr_dev_info *devs;
	size_t nr;
	struct mpr_dev_info *tmp;
};

static int parse_dump(struct nl_msg *msg, void *arg)
{
	struct dump_acc *acc = arg;
	int ret;

	ret = ipc_parse_dev(nlmsg_hdr(msg), acc->tmp);
	if (ret)
		return ret;
	/* The continuation of the device before: more paths. */
	if (acc->nr && ipc_dev_merge(&acc->devs[acc->nr - 1], acc->tmp))
		return 0;
	acc->devs = xreallocarray(acc->devs, acc->nr + 1, sizeof(*acc->devs));
	acc->devs[acc->nr++] = *acc->tmp;
	return 0;
}

int ipc_dump(struct ipc *ipc, struct mpr_dev_info **devs, size_t *nr)
{
	struct dump_acc acc = { 0 };
	struct nl_msg *msg;
	bool intr = false;
	int ret = 0, tries;

	*devs = NULL;
	*nr = 0;
	acc.tmp = xcalloc(1, sizeof(*acc.tmp));
	for (tries = 0; tries < IPC_DUMP_TRIES; tries++) {
		free(acc.devs);
		acc.devs = NULL;
		acc.nr = 0;
		msg = ipc_msg(ipc, DM_MPATH_PR_CMD_GET, NLM_F_DUMP);
		if (!msg) {
			ret = -ENOMEM;
			break;
		}
		ret = ipc_xfer_intr(ipc, msg, parse_dump, &acc, &intr);
		if (ret || !intr)
			break;
	}
	free(acc.tmp);
	if (!ret && intr) {
		prtool_err("the attachments kept changing during %d dumps",
			   IPC_DUMP_TRIES);
		ret = -EAGAIN;
	}
	if (ret) {
		free(acc.devs);
		return ret;
	}
	*devs = acc.devs;
	*nr = acc.nr;
	return 0;
}

/* ---- notifications ------------------------------------------------------ */

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

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct ipc *ipc = arg;
	int ret;

	if (nlmsg_hdr(msg)->nlmsg_type != ipc->family)
		return NL_SKIP;
	if (ipc_parse_event(nlmsg_hdr(msg), ipc->ev)) {
		prtool_err("ignoring a malformed notification from the kernel");
		return NL_SKIP;
	}
	ret = ipc->event_fn(ipc->ev, ipc->event_arg);
	if (ret) {
		ipc->event_ret = ret;
		return NL_STOP;
	}
	return NL_OK;
}

int ipc_events_read(struct ipc *ipc,
		    int (*fn)(const struct mpr_event *ev, void *arg),
		    void *arg)
{
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	ipc->event_fn = fn;
	ipc->event_arg = arg;
	ipc->event_ret = 0;
	if (!ipc->ev)
		ipc->ev = xcalloc(1, sizeof(*ipc->ev));
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, event_cb, ipc);
	for (;;) {
		ret = nl_recvmsgs(ipc->sk, cb);
		if (ipc->event_ret) {
			ret = ipc->event_ret;
			break;
		}
		if (ret == -NLE_AGAIN) {
			ret = 0;
			break;
		}
		if (ret == -NLE_NOMEM) {
			/* ENOBUFS from recvmsg: the kernel dropped some. */
			ret = -ENOBUFS;
			break;
		}
		if (ret < 0) {
			prtool_err("cannot receive notifications: %s",
				   nl_geterror(ret));
			ret = nlerr_to_errno(ret);
			break;
		}
	}
	nl_cb_put(cb);
	return ret;
}

int ipc_fd(const struct ipc *ipc)
{
	return nl_socket_get_fd(ipc->sk);
}

int ipc_events_open(struct ipc **ipcp, bool load)
{
	struct ipc *ipc;
	int grp, ret;

	ret = ipc_open(&ipc, load);
	if (ret)
		return ret;
	grp = genl_ctrl_resolve_grp(ipc->sk, DM_MPATH_PR_FAMILY_NAME,
				    DM_MPATH_PR_MCGRP_EVENTS);
	if (grp < 0) {
		prtool_err("the loaded module has no \"" DM_MPATH_PR_MCGRP_EVENTS
			   "\" notification group: %s (do prtool and the "
			   "module have the same version?)",
			   nl_geterror(grp));
		ipc_close(ipc);
		return -EOPNOTSUPP;
	}
	ret = nl_socket_add_membership(ipc->sk, grp);
	if (ret < 0) {
		ret = nlerr_to_errno(ret);
		prtool_err("cannot join the \"" DM_MPATH_PR_MCGRP_EVENTS
			   "\" group of " DM_MPATH_PR_FAMILY_NAME ": %s%s",
			   strerror(-ret),
			   ret == -EPERM ? " (receiving the notifications "
					   "needs CAP_SYS_ADMIN)" : "");
		ipc_close(ipc);
		return ret;
	}
	/* Notifications have sequence number 0; the socket never blocks. */
	nl_socket_disable_seq_check(ipc->sk);
	nl_socket_set_nonblocking(ipc->sk);
	nl_socket_set_buffer_size(ipc->sk, 1 << 20, 0);
	*ipcp = ipc;
	return 0;
}

int ipc_open(struct ipc **ipcp, bool load)
{
	struct ipc *ipc = xcalloc(1, sizeof(*ipc));
	char why[256];
	int one = 1;
	int ret;

	*ipcp = NULL;
	ipc->sk = nl_socket_alloc();
	if (!ipc->sk) {
		free(ipc);
		prtool_err("cannot allocate a netlink socket");
		return -ENOMEM;
	}
	ret = genl_connect(ipc->sk);
	if (ret < 0) {
		prtool_err("cannot open a generic netlink socket: %s",
			   nl_geterror(ret));
		ret = nlerr_to_errno(ret);
		goto fail;
	}
	/* Requests ask for an ACK themselves; dumps end with NLMSG_DONE. */
	nl_socket_disable_auto_ack(ipc->sk);
	/*
	 * A GET reply with DM_MPATH_PR_MAX_PATHS paths exceeds a page, libnl's
	 * default receive buffer: let libnl size the buffer by peeking.
	 */
	nl_socket_enable_msg_peek(ipc->sk);
	/* Kernels before 4.12 lack extended ACK; that is not fatal. */
	setsockopt(nl_socket_get_fd(ipc->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));

	ipc->family = genl_ctrl_resolve(ipc->sk, DM_MPATH_PR_FAMILY_NAME);
	if (ipc->family < 0 && !load) {
		ret = -ENOENT;
		goto fail;
	}
	if (ipc->family < 0) {
		ret = mpr_load_module(why, sizeof(why));
		if (ret) {
			prtool_err("module " MPR_MODULE_NAME " is not loaded "
				   "and could not be loaded: %s", why);
			goto fail;
		}
		ipc->family = genl_ctrl_resolve(ipc->sk,
						DM_MPATH_PR_FAMILY_NAME);
		if (ipc->family < 0) {
			prtool_err("module " MPR_MODULE_NAME " is loaded, but "
				   "the generic netlink family "
				   DM_MPATH_PR_FAMILY_NAME " is missing: %s",
				   nl_geterror(ipc->family));
			ret = -ENOENT;
			goto fail;
		}
	}
	*ipcp = ipc;
	return 0;

fail:
	nl_socket_free(ipc->sk);
	free(ipc);
	return ret;
}

void ipc_close(struct ipc *ipc)
{
	if (!ipc)
		return;
	nl_socket_free(ipc->sk);
	free(ipc->ev);
	free(ipc);
}
