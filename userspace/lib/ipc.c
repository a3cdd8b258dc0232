// SPDX-License-Identifier: GPL-2.0
/*
 * libprtool: the generic netlink connection to dm-mpath-pr, with libnl-3
 * (the messages themselves are built and parsed in ipc_msg.c).
 *
 * Extended ACK is enabled so that the kernel's reason for a rejection
 * reaches the user: through the report function given at open, like every
 * other failure's explanation. Nothing here prints.
 */
#include <errno.h>
#include <stdarg.h>
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

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct ipc {
	struct nl_sock *sk;
	int family;
	ipc_report_fn *report;
	void *report_arg;
	/* ipc_events_read(): the callback and its result. */
	int (*event_fn)(const struct mpr_event *ev, void *arg);
	void *event_arg;
	int event_ret;
	struct mpr_event *ev;
};

/* State of one request/reply exchange. */
struct ipc_xfer {
	struct ipc *ipc;
	bool pending;
	bool intr;
	int err;
	/* For replies: */
	int (*parse)(struct nl_msg *msg, void *arg);
	void *arg;
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

/* Explain a failure through @fn, if the caller gave one. */
static void __attribute__((format(printf, 3, 4)))
report_to(ipc_report_fn *fn, void *arg, const char *fmt, ...)
{
	char msg[640];
	va_list ap;

	if (!fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fn(arg, msg);
}

#define ipc_report(ipc, ...) \
	report_to((ipc)->report, (ipc)->report_arg, __VA_ARGS__)

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
		ipc_report(x->ipc, "kernel reports: %s", msg);
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
				ipc_report(x->ipc, "kernel reports: %s", text);
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
		.ipc = ipc,
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
		ipc_report(ipc, "cannot send to the kernel: %s",
			   nl_geterror(ret));
		x.err = nlerr_to_errno(ret);
		goto out;
	}
	while (x.pending) {
		ret = nl_recvmsgs(ipc->sk, cb);
		if (ret < 0 && x.pending) {
			ipc_report(ipc, "cannot receive from the kernel: %s",
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
	if (ipc_put_dev(msg, major, minor)) {
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
	if (ipc_put_dev(msg, major, minor))
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
	if (ipc_put_dev(msg, major, minor)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	acc.tmp = calloc(1, sizeof(*acc.tmp));
	if (!acc.tmp) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
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
	struct mpr_dev_info *devs;
	int ret;

	ret = ipc_parse_dev(nlmsg_hdr(msg), acc->tmp);
	if (ret)
		return ret;
	/* The continuation of the device before: more paths. */
	if (acc->nr && ipc_dev_merge(&acc->devs[acc->nr - 1], acc->tmp))
		return 0;
	devs = reallocarray(acc->devs, acc->nr + 1, sizeof(*acc->devs));
	if (!devs)
		return -ENOMEM;
	acc->devs = devs;
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
	acc.tmp = calloc(1, sizeof(*acc.tmp));
	if (!acc.tmp)
		return -ENOMEM;
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
		ipc_report(ipc, "the attachments kept changing during %d dumps",
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

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct ipc *ipc = arg;
	int ret;

	if (nlmsg_hdr(msg)->nlmsg_type != ipc->family)
		return NL_SKIP;
	if (ipc_parse_event(nlmsg_hdr(msg), ipc->ev)) {
		ipc_report(ipc,
			   "ignoring a malformed notification from the kernel");
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
		ipc->ev = calloc(1, sizeof(*ipc->ev));
	if (!ipc->ev) {
		nl_cb_put(cb);
		return -ENOMEM;
	}
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
			ipc_report(ipc, "cannot receive notifications: %s",
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

int ipc_events_open_report(struct ipc **ipcp, bool load,
			   ipc_report_fn *report, void *arg)
{
	struct ipc *ipc;
	int grp, ret;

	*ipcp = NULL;
	ret = ipc_open_report(&ipc, load, report, arg);
	if (ret)
		return ret;
	grp = genl_ctrl_resolve_grp(ipc->sk, DM_MPATH_PR_FAMILY_NAME,
				    DM_MPATH_PR_MCGRP_EVENTS);
	if (grp < 0) {
		ipc_report(ipc, "the loaded module has no \""
			   DM_MPATH_PR_MCGRP_EVENTS "\" notification group: %s "
			   "(do prtool and the module have the same version?)",
			   nl_geterror(grp));
		ipc_close(ipc);
		return -EOPNOTSUPP;
	}
	ret = nl_socket_add_membership(ipc->sk, grp);
	if (ret < 0) {
		ret = nlerr_to_errno(ret);
		ipc_report(ipc, "cannot join the \"" DM_MPATH_PR_MCGRP_EVENTS
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

int ipc_open_report(struct ipc **ipcp, bool load, ipc_report_fn *report,
		    void *arg)
{
	struct ipc *ipc = calloc(1, sizeof(*ipc));
	char why[256];
	int one = 1;
	int ret;

	*ipcp = NULL;
	if (!ipc) {
		report_to(report, arg, "out of memory");
		return -ENOMEM;
	}
	ipc->report = report;
	ipc->report_arg = arg;
	ipc->sk = nl_socket_alloc();
	if (!ipc->sk) {
		free(ipc);
		report_to(report, arg, "cannot allocate a netlink socket");
		return -ENOMEM;
	}
	ret = genl_connect(ipc->sk);
	if (ret < 0) {
		ipc_report(ipc, "cannot open a generic netlink socket: %s",
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
			ipc_report(ipc, "module " MPR_MODULE_NAME " is not "
				   "loaded and could not be loaded: %s", why);
			goto fail;
		}
		ipc->family = genl_ctrl_resolve(ipc->sk,
						DM_MPATH_PR_FAMILY_NAME);
		if (ipc->family < 0) {
			ipc_report(ipc, "module " MPR_MODULE_NAME " is loaded, "
				   "but the generic netlink family "
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
