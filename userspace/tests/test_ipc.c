// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the generic netlink layer. libnl's socket I/O and libkmod
 * are faked with -Wl,--wrap; messages are built and parsed by the real
 * libnl, so the bytes checked here are the bytes the kernel would get.
 */
#include "test_util.h"

#include <errno.h>
#include <stdarg.h>
#include <syslog.h>
#include <stdint.h>
#include <sys/socket.h>

#include <libkmod.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "cli.h"
#include "ipc.h"

#define FAMILY 42

/* Fake state. */
static struct {
	int resolve_calls;
	int family_after_load; /* family once the module is loaded */
	bool loaded;
	int probe_ret;
	int probe_calls;
	char probe_name[64];
	int ext_ack_set;
	uint8_t sent[8192];
	size_t sent_len;
	int sends;
	struct reply {
		struct nl_msg *msg; /* ready, or NULL: an ack built late */
		int error;
		const char *text;
		bool capped;
		int miss_type;
		bool miss_nested;
	} replies[8];
	int nr_replies;
	/* Replies to the next request (a dump run again). */
	struct nl_msg *later[8];
	int nr_later;
	/* Events group. */
	int intr_runs;		/* dumps answered "interrupted" by the fake */
	int grp;		/* genl_ctrl_resolve_grp() result */
	int join_ret;		/* nl_socket_add_membership() result */
	int joined;
	nl_recvmsg_msg_cb_t cb[NL_CB_TYPE_MAX + 1];
	void *cb_arg[NL_CB_TYPE_MAX + 1];
	nl_recvmsg_err_cb_t err_cb;
	void *err_arg;
} nl;

int __real_nl_cb_set(struct nl_cb *cb, enum nl_cb_type type,
		     enum nl_cb_kind kind, nl_recvmsg_msg_cb_t func,
		     void *arg);
int __real_nl_cb_err(struct nl_cb *cb, enum nl_cb_kind kind,
		     nl_recvmsg_err_cb_t func, void *arg);

int __wrap_genl_connect(struct nl_sock *sk)
{
	(void)sk;
	return 0;
}

int __wrap_genl_ctrl_resolve(struct nl_sock *sk, const char *name)
{
	(void)sk;
	assert_string_equal(name, "dm_mpath_pr");
	nl.resolve_calls++;
	return nl.loaded ? nl.family_after_load : -NLE_OBJ_NOTFOUND;
}

int __wrap_genl_ctrl_resolve_grp(struct nl_sock *sk, const char *family,
				  const char *grp)
{
	(void)sk;
	assert_string_equal(family, "dm_mpath_pr");
	assert_string_equal(grp, "events");
	return nl.grp;
}

int __wrap_nl_socket_add_membership(struct nl_sock *sk, int grp)
{
	(void)sk;
	assert_int_equal(grp, nl.grp);
	if (!nl.join_ret)
		nl.joined = grp;
	return nl.join_ret;
}

int __wrap_setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len)
{
	(void)fd;
	if (level == SOL_NETLINK && name == NETLINK_EXT_ACK &&
	    len == sizeof(int) && *(const int *)val == 1)
		nl.ext_ack_set++;
	return 0;
}

struct kmod_ctx *__wrap_kmod_new(const char *dir, const char *const *cfg)
{
	static int ctx;

	(void)dir;
	(void)cfg;
	return (struct kmod_ctx *)&ctx;
}

int __wrap_kmod_module_new_from_name(struct kmod_ctx *ctx, const char *name,
				     struct kmod_module **mod)
{
	static int m;

	(void)ctx;
	snprintf(nl.probe_name, sizeof(nl.probe_name), "%s", name);
	*mod = (struct kmod_module *)&m;
	return 0;
}

/* libkmod's log function: the default one prints to stderr */
static void (*kmod_log)(void *, int, const char *, int, const char *,
			const char *, va_list);
static void *kmod_log_data;

void __wrap_kmod_set_log_fn(struct kmod_ctx *ctx,
			    void (*fn)(void *, int, const char *, int,
				       const char *, const char *, va_list),
			    const void *data)
{
	(void)ctx;
	kmod_log = fn;
	kmod_log_data = (void *)data;
}

/* What libkmod logs when it does not find a module. */
static void kmod_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (kmod_log) {
		kmod_log(kmod_log_data, LOG_ERR, "../libkmod/libkmod-module.c",
			 1234, "kmod_module_probe_insert_module", fmt, ap);
	} else {
		fprintf(stderr, "libkmod: ERROR ../libkmod/libkmod-module.c:1234 "
			"kmod_module_probe_insert_module: ");
		vfprintf(stderr, fmt, ap);
	}
	va_end(ap);
}

int __wrap_kmod_module_probe_insert_module(
	struct kmod_module *mod, unsigned int flags, const char *opts,
	int (*run_install)(struct kmod_module *, const char *, void *),
	const void *data,
	void (*print)(struct kmod_module *, bool, const char *))
{
	(void)mod;
	(void)flags;
	(void)opts;
	(void)run_install;
	(void)data;
	(void)print;
	nl.probe_calls++;
	if (!nl.probe_ret)
		nl.loaded = true;
	else if (nl.probe_ret == -ENOENT)
		kmod_say("could not find module by name='%s'\n", nl.probe_name);
	else
		kmod_say("could not insert '%s': %s\n", nl.probe_name,
			 strerror(-nl.probe_ret));
	return nl.probe_ret;
}

struct kmod_module *__wrap_kmod_module_unref(struct kmod_module *mod)
{
	(void)mod;
	return NULL;
}

struct kmod_ctx *__wrap_kmod_unref(struct kmod_ctx *ctx)
{
	(void)ctx;
	return NULL;
}

int __wrap_nl_cb_set(struct nl_cb *cb, enum nl_cb_type type,
		     enum nl_cb_kind kind, nl_recvmsg_msg_cb_t func, void *arg)
{
	nl.cb[type] = func;
	nl.cb_arg[type] = arg;
	return __real_nl_cb_set(cb, type, kind, func, arg);
}

int __wrap_nl_cb_err(struct nl_cb *cb, enum nl_cb_kind kind,
		     nl_recvmsg_err_cb_t func, void *arg)
{
	nl.err_cb = func;
	nl.err_arg = arg;
	return __real_nl_cb_err(cb, kind, func, arg);
}

int __wrap_nl_send_auto(struct nl_sock *sk, struct nl_msg *msg)
{
	struct nlmsghdr *h;

	nl_complete_msg(sk, msg);
	h = nlmsg_hdr(msg);
	assert_true(h->nlmsg_len <= sizeof(nl.sent));
	memcpy(nl.sent, h, h->nlmsg_len);
	nl.sent_len = h->nlmsg_len;
	nl.sends++;
	return (int)h->nlmsg_len;
}

static struct nl_msg *reply_err(int error, const char *text, bool capped,
				int miss_type, bool miss_nested);
static void queue(struct nl_msg *m);
static struct nl_msg *reply_done(int error);
static struct nl_msg *reply_intr(void);

/* Deliver the scripted replies the way libnl's nl_recvmsgs() does. */
int __wrap_nl_recvmsgs(struct nl_sock *sk, struct nl_cb *cb)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	int i, ret = 0;

	(void)sk;
	(void)cb;
	if (!nl.nr_replies && nl.intr_runs) {
		nl.intr_runs--;
		queue(reply_intr());
		queue(reply_done(0));
	}
	if (!nl.nr_replies)
		return -NLE_AGAIN;
	for (i = 0; i < nl.nr_replies; i++) {
		struct reply *r = &nl.replies[i];

		/* Acks echo the request, so they are built once it is sent. */
		if (!r->msg)
			r->msg = reply_err(r->error, r->text, r->capped,
					   r->miss_type, r->miss_nested);
	}
	for (i = 0; i < nl.nr_replies && !ret; i++) {
		struct nl_msg *m = nl.replies[i].msg;
		struct nlmsghdr *h = nlmsg_hdr(m);

		if (h->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = nlmsg_data(h);

			if (e->error)
				ret = nl.err_cb(&addr, e, nl.err_arg) == NL_STOP
					      ? -NLE_FAILURE
					      : 0;
			else
				ret = nl.cb[NL_CB_ACK](m, nl.cb_arg[NL_CB_ACK]) ==
						      NL_STOP
					      ? 1
					      : 0;
		} else if (h->nlmsg_type == NLMSG_DONE) {
			nl.cb[NL_CB_FINISH](m, nl.cb_arg[NL_CB_FINISH]);
			ret = 1;
		} else {
			if ((h->nlmsg_flags & NLM_F_DUMP_INTR) &&
			    nl.cb[NL_CB_DUMP_INTR])
				nl.cb[NL_CB_DUMP_INTR](m,
						       nl.cb_arg[NL_CB_DUMP_INTR]);
			nl.cb[NL_CB_VALID](m, nl.cb_arg[NL_CB_VALID]);
		}
	}
	for (i = 0; i < nl.nr_replies; i++)
		nlmsg_free(nl.replies[i].msg);
	nl.nr_replies = 0;
	for (i = 0; i < nl.nr_later; i++)
		queue(nl.later[i]);
	nl.nr_later = 0;
	return ret < 0 ? ret : 0;
}

static void queue(struct nl_msg *m)
{
	assert_true(nl.nr_replies < 8);
	memset(&nl.replies[nl.nr_replies], 0, sizeof(nl.replies[0]));
	nl.replies[nl.nr_replies++].msg = m;
}

/* An NLMSG_ERROR (error 0: ACK) to the request about to be sent. */
static void queue_err(int error, const char *text, int miss_type,
		      bool miss_nested)
{
	assert_true(nl.nr_replies < 8);
	nl.replies[nl.nr_replies++] = (struct reply){
		.error = error,
		.text = text,
		.miss_type = miss_type,
		.miss_nested = miss_nested,
	};
}

/* An NLMSG_ERROR reply to the last request, with optional ext ack. */
static struct nl_msg *reply_err(int error, const char *text, bool capped,
				int miss_type, bool miss_nested)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)nl.sent;
	int flags = capped ? NLM_F_CAPPED : 0;
	struct nlmsgerr e = { .error = error };
	struct nl_msg *m;

	if (text || miss_type)
		flags |= NLM_F_ACK_TLVS;
	m = nlmsg_alloc_simple(NLMSG_ERROR, flags);
	assert_non_null(m);
	memcpy(&e.msg, req, sizeof(e.msg));
	assert_int_equal(nlmsg_append(m, &e, sizeof(e), NLMSG_ALIGNTO), 0);
	if (!capped)
		assert_int_equal(nlmsg_append(m, (char *)req + NLMSG_HDRLEN,
					      req->nlmsg_len - NLMSG_HDRLEN,
					      NLMSG_ALIGNTO),
				 0);
	if (text)
		assert_int_equal(nla_put_string(m, NLMSGERR_ATTR_MSG, text), 0);
	if (miss_type) {
		assert_int_equal(nla_put_u32(m, NLMSGERR_ATTR_MISS_TYPE,
					     (uint32_t)miss_type),
				 0);
		if (miss_nested)
			assert_int_equal(nla_put_u32(m, NLMSGERR_ATTR_MISS_NEST,
						     20),
					 0);
	}
	return m;
}

static struct nl_msg *reply_done(int error)
{
	struct nl_msg *m = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI);

	assert_non_null(m);
	assert_int_equal(nlmsg_append(m, &error, sizeof(error), NLMSG_ALIGNTO),
			 0);
	return m;
}

struct fake_path {
	uint32_t major, minor, state, reg;
	int32_t last_error;
	const char *name;
};

/* A GET reply for dm-N with the given paths. */
static struct nl_msg *reply_dev(uint32_t minor, uint64_t key,
				const struct fake_path *p, int nr, int flags)
{
	struct nl_msg *m = nlmsg_alloc_size(32768);
	char name[16];
	int i;

	assert_non_null(m);
	assert_non_null(genlmsg_put(m, 0, 0, FAMILY, 0, flags,
				    DM_MPATH_PR_CMD_GET, 1));
	snprintf(name, sizeof(name), "dm-%u", minor);
	nla_put_u32(m, DM_MPATH_PR_A_DEV_MAJOR, 253);
	nla_put_u32(m, DM_MPATH_PR_A_DEV_MINOR, minor);
	nla_put_string(m, DM_MPATH_PR_A_DEV_NAME, name);
	nla_put_u64(m, DM_MPATH_PR_A_KEY, key);
	nla_put_u8(m, DM_MPATH_PR_A_APTPL, 1);
	nla_put_u32(m, DM_MPATH_PR_A_HOLDER_MAJOR, 8);
	nla_put_u32(m, DM_MPATH_PR_A_HOLDER_MINOR, 16);
	nla_put_u32(m, DM_MPATH_PR_A_RES_TYPE, 3);
	nla_put_u64(m, DM_MPATH_PR_A_OPS, 12);
	nla_put_u8(m, DM_MPATH_PR_A_SGIO, 0);
	for (i = 0; i < nr; i++) {
		struct nlattr *n =
			nla_nest_start(m, DM_MPATH_PR_A_PATH | NLA_F_NESTED);

		nla_put_u32(m, DM_MPATH_PR_A_PATH_MAJOR, p[i].major);
		nla_put_u32(m, DM_MPATH_PR_A_PATH_MINOR, p[i].minor);
		if (p[i].name)
			nla_put_string(m, DM_MPATH_PR_A_PATH_NAME, p[i].name);
		nla_put_u32(m, DM_MPATH_PR_A_PATH_STATE, p[i].state);
		nla_put_u32(m, DM_MPATH_PR_A_PATH_REG, p[i].reg);
		nla_put_u32(m, DM_MPATH_PR_A_PATH_LAST_ERROR,
			    (uint32_t)p[i].last_error);
		nla_put_u64(m, DM_MPATH_PR_A_PATH_CMDS, 5);
		nla_put_u64(m, DM_MPATH_PR_A_PATH_ERRORS, (uint64_t)i);
		nla_nest_end(m, n);
	}
	return m;
}

static int setup(void **state)
{
	(void)state;
	memset(&nl, 0, sizeof(nl));
	nl.loaded = true;
	nl.family_after_load = FAMILY;
	return 0;
}

static int teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < nl.nr_replies; i++)
		nlmsg_free(nl.replies[i].msg);
	nl.nr_replies = 0;
	for (i = 0; i < nl.nr_later; i++)
		nlmsg_free(nl.later[i]);
	nl.nr_later = 0;
	return 0;
}

static struct ipc *open_ok(void)
{
	struct ipc *ipc = NULL;

	assert_int_equal(ipc_open(&ipc, true), 0);
	assert_non_null(ipc);
	return ipc;
}

static void test_open_resolves(void **state)
{
	struct ipc *ipc;

	(void)state;
	ipc = open_ok();
	assert_int_equal(nl.resolve_calls, 1);
	assert_int_equal(nl.probe_calls, 0);
	/* Extended ACK is requested on the socket. */
	assert_int_equal(nl.ext_ack_set, 1);
	ipc_close(ipc);
}

static void test_open_loads_module(void **state)
{
	struct ipc *ipc;

	(void)state;
	nl.loaded = false;
	ipc = open_ok();
	assert_int_equal(nl.probe_calls, 1);
	assert_string_equal(nl.probe_name, "dm_mpath_pr");
	assert_int_equal(nl.resolve_calls, 2);
	ipc_close(ipc);
}

static void test_open_no_load(void **state)
{
	struct ipc *ipc = (struct ipc *)1;
	struct capture c;

	(void)state;
	nl.loaded = false;
	capture_start(&c);
	assert_int_equal(ipc_open(&ipc, false), -ENOENT);
	capture_stop(&c);
	assert_null(ipc);
	assert_int_equal(nl.probe_calls, 0);
	/* Quiet: the caller decides what absence means. */
	assert_string_equal(c.err, "");
	capture_free(&c);
}

static void test_open_load_fails(void **state)
{
	struct ipc *ipc;
	struct capture c;

	(void)state;
	nl.loaded = false;
	nl.probe_ret = -ENOENT;
	capture_start(&c);
	assert_int_equal(ipc_open(&ipc, true), -ENOENT);
	capture_stop(&c);
	assert_contains(c.err, "prtool: module dm_mpath_pr is not loaded and "
			       "could not be loaded: no such module for "
			       "kernel ");
	/* libkmod's own line is not printed (issue 11) */
	assert_not_contains(c.err, "libkmod");
	capture_free(&c);

	nl.probe_ret = -EPERM;
	capture_start(&c);
	assert_int_equal(ipc_open(&ipc, true), -EPERM);
	capture_stop(&c);
	assert_contains(c.err, "could not be loaded: Operation not permitted "
			       "(libkmod: could not insert 'dm_mpath_pr': "
			       "Operation not permitted)");
	assert_not_contains(c.err, "libkmod: ERROR");
	capture_free(&c);
}

static void test_open_loaded_but_no_family(void **state)
{
	struct ipc *ipc;
	struct capture c;

	(void)state;
	nl.loaded = false;
	nl.family_after_load = -NLE_OBJ_NOTFOUND;
	capture_start(&c);
	assert_int_equal(ipc_open(&ipc, true), -ENOENT);
	capture_stop(&c);
	assert_contains(c.err, "module dm_mpath_pr is loaded, but the generic "
			       "netlink family dm_mpath_pr is missing");
	capture_free(&c);
}

static struct mpr_attach_req *make_req(unsigned int nr_paths)
{
	struct mpr_attach_req *req = calloc(1, sizeof(*req));
	unsigned int i;

	assert_non_null(req);
	req->major = 253;
	req->minor = 3;
	req->nr_paths = nr_paths;
	for (i = 0; i < nr_paths && i < DM_MPATH_PR_MAX_PATHS; i++) {
		req->paths[i].major = 8;
		req->paths[i].minor = 16 * (i + 1);
	}
	return req;
}

/* Check the ATTACH request bytes against the UAPI contract. */
static void check_attach_msg(unsigned int nr_paths, bool has_key,
			     uint64_t key)
{
	struct nlmsghdr *h = (struct nlmsghdr *)nl.sent;
	struct genlmsghdr *g = nlmsg_data(h);
	unsigned int paths = 0, major = 0, minor = 0, keys = 0;
	struct nlattr *a;
	int rem;

	assert_int_equal(h->nlmsg_type, FAMILY);
	assert_true(h->nlmsg_flags & NLM_F_REQUEST);
	assert_true(h->nlmsg_flags & NLM_F_ACK);
	assert_int_equal(g->cmd, DM_MPATH_PR_CMD_ATTACH);
	assert_int_equal(g->version, DM_MPATH_PR_FAMILY_VERSION);

	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0),
			  rem) {
		switch (nla_type(a)) {
		case DM_MPATH_PR_A_DEV_MAJOR:
			assert_int_equal(a->nla_type, DM_MPATH_PR_A_DEV_MAJOR);
			assert_int_equal(nla_len(a), 4);
			assert_int_equal(nla_get_u32(a), 253);
			major++;
			break;
		case DM_MPATH_PR_A_DEV_MINOR:
			assert_int_equal(nla_get_u32(a), 3);
			minor++;
			break;
		case DM_MPATH_PR_A_PATH: {
			struct nlattr *tb[DM_MPATH_PR_A_PATH_MAX + 1];
			struct nlattr *n;
			int r2, inner = 0;

			/* Nests carry NLA_F_NESTED, as strict parsing wants. */
			assert_true(a->nla_type & NLA_F_NESTED);
			assert_int_equal(nla_parse_nested(tb,
							  DM_MPATH_PR_A_PATH_MAX,
							  a, NULL),
					 0);
			assert_non_null(tb[DM_MPATH_PR_A_PATH_MAJOR]);
			assert_non_null(tb[DM_MPATH_PR_A_PATH_MINOR]);
			assert_int_equal(nla_get_u32(tb[DM_MPATH_PR_A_PATH_MAJOR]),
					 8);
			assert_int_equal(nla_get_u32(tb[DM_MPATH_PR_A_PATH_MINOR]),
					 16 * (paths + 1));
			nla_for_each_nested(n, a, r2)
				inner++;
			assert_int_equal(inner, 2);
			paths++;
			break;
		}
		case DM_MPATH_PR_A_KEY:
			assert_int_equal(nla_len(a), 8);
			assert_int_equal(nla_get_u64(a), key);
			keys++;
			break;
		default:
			fail_msg("unexpected attribute %d", nla_type(a));
		}
	}
	assert_int_equal(rem, 0);
	assert_int_equal(major, 1);
	assert_int_equal(minor, 1);
	assert_int_equal(paths, nr_paths);
	assert_int_equal(keys, has_key ? 1 : 0);
}

static void test_attach_message(void **state)
{
	struct mpr_attach_req *req = make_req(4);
	struct ipc *ipc;

	(void)state;
	ipc = open_ok();
	queue_err(0, NULL, 0, false);
	assert_int_equal(ipc_attach(ipc, req), 0);
	check_attach_msg(4, false, 0);
	ipc_close(ipc);
	free(req);
}

static void test_attach_message_key(void **state)
{
	struct mpr_attach_req *req = make_req(2);
	struct ipc *ipc;

	(void)state;
	req->has_key = true;
	req->key = 0xdeadbeef00000001ULL;
	ipc = open_ok();
	queue_err(0, NULL, 0, false);
	assert_int_equal(ipc_attach(ipc, req), 0);
	check_attach_msg(2, true, 0xdeadbeef00000001ULL);
	ipc_close(ipc);
	free(req);
}

static void test_attach_max_paths(void **state)
{
	struct mpr_attach_req *req = make_req(DM_MPATH_PR_MAX_PATHS);
	struct ipc *ipc;

	(void)state;
	ipc = open_ok();
	queue_err(0, NULL, 0, false);
	assert_int_equal(ipc_attach(ipc, req), 0);
	check_attach_msg(DM_MPATH_PR_MAX_PATHS, false, 0);
	req->nr_paths = DM_MPATH_PR_MAX_PATHS + 1;
	nl.sends = 0;
	assert_int_equal(ipc_attach(ipc, req), -E2BIG);
	assert_int_equal(nl.sends, 0);
	ipc_close(ipc);
	free(req);
}

static void test_attach_ext_ack(void **state)
{
	struct mpr_attach_req *req = make_req(1);
	struct capture c;
	struct ipc *ipc;

	(void)state;
	ipc = open_ok();
	queue_err(-EINVAL, "path 8:16 is not a slave of dm-3", 0, false);
	capture_start(&c);
	assert_int_equal(ipc_attach(ipc, req), -EINVAL);
	capture_stop(&c);
	assert_contains(c.err, "prtool: kernel reports: path 8:16 is not a "
			       "slave of dm-3\n");
	capture_free(&c);
	ipc_close(ipc);
	free(req);
}

static void test_error_without_ext_ack(void **state)
{
	struct capture c;
	struct ipc *ipc;

	(void)state;
	ipc = open_ok();
	queue_err(-ENODEV, NULL, 0, false);
	capture_start(&c);
	assert_int_equal(ipc_detach(ipc, 253, 3), -ENODEV);
	capture_stop(&c);
	assert_not_contains(c.err, "kernel reports");
	capture_free(&c);
	ipc_close(ipc);
}

static void test_ext_ack_forms(void **state)
{
	struct nl_msg *m;
	char buf[256];
	struct ipc *ipc;

	(void)state;
	/* Have a request to echo. */
	ipc = open_ok();
	queue_err(0, NULL, 0, false);
	assert_int_equal(ipc_detach(ipc, 253, 3), 0);
	ipc_close(ipc);

	m = reply_err(-EINVAL, "bad key", true, 0, false);
	assert_int_equal(ipc_ext_ack_msg(nlmsg_hdr(m), buf, sizeof(buf)), 1);
	assert_string_equal(buf, "bad key");
	nlmsg_free(m);

	m = reply_err(-EINVAL, "bad key", false, 0, false);
	assert_int_equal(ipc_ext_ack_msg(nlmsg_hdr(m), buf, sizeof(buf)), 1);
	assert_string_equal(buf, "bad key");
	nlmsg_free(m);

	m = reply_err(-EINVAL, NULL, false, DM_MPATH_PR_A_DEV_MINOR, false);
	assert_int_equal(ipc_ext_ack_msg(nlmsg_hdr(m), buf, sizeof(buf)), 1);
	assert_string_equal(buf, "missing attribute DEV_MINOR");
	nlmsg_free(m);

	m = reply_err(-EINVAL, "path 1", false, DM_MPATH_PR_A_PATH_MINOR, true);
	assert_int_equal(ipc_ext_ack_msg(nlmsg_hdr(m), buf, sizeof(buf)), 1);
	assert_string_equal(buf, "path 1; missing attribute PATH_MINOR");
	nlmsg_free(m);

	m = reply_err(-EINVAL, NULL, false, 0, false);
	assert_int_equal(ipc_ext_ack_msg(nlmsg_hdr(m), buf, sizeof(buf)), 0);
	nlmsg_free(m);
}

static void test_detach_message(void **state)
{
	struct nlmsghdr *h = (struct nlmsghdr *)nl.sent;
	struct genlmsghdr *g;
	struct nlattr *tb[DM_MPATH_PR_A_MAX + 1];
	struct ipc *ipc;

	(void)state;
	ipc = open_ok();
	queue_err(0, NULL, 0, false);
	assert_int_equal(ipc_detach(ipc, 253, 7), 0);
	g = nlmsg_data(h);
	assert_int_equal(g->cmd, DM_MPATH_PR_CMD_DETACH);
	assert_true(h->nlmsg_flags & NLM_F_ACK);
	assert_int_equal(genlmsg_parse(h, 0, tb, DM_MPATH_PR_A_MAX, NULL), 0);
	assert_int_equal(nla_get_u32(tb[DM_MPATH_PR_A_DEV_MAJOR]), 253);
	assert_int_equal(nla_get_u32(tb[DM_MPATH_PR_A_DEV_MINOR]), 7);
	assert_null(tb[DM_MPATH_PR_A_PATH]);
	assert_null(tb[DM_MPATH_PR_A_KEY]);
	ipc_close(ipc);
}

static const struct fake_path two_paths[] = {
	{ 8, 16, DM_MPATH_PR_PATH_ACTIVE, DM_MPATH_PR_REG_REGISTERED, 0,
	  "sdb" },
	{ 8, 32, DM_MPATH_PR_PATH_FAILED, DM_MPATH_PR_REG_PENDING, -5, "sdc" },
};

static void test_get(void **state)
{
	struct mpr_dev_info *dev = calloc(1, sizeof(*dev));
	struct nlmsghdr *h = (struct nlmsghdr *)nl.sent;
	struct ipc *ipc;

	(void)state;
	ipc = open_ok();
	queue(reply_dev(3, 0x123abc, two_paths, 2, 0));
	queue_err(0, NULL, 0, false);
	assert_int_equal(ipc_get(ipc, 253, 3, dev), 0);
	assert_int_equal(((struct genlmsghdr *)nlmsg_data(h))->cmd,
			 DM_MPATH_PR_CMD_GET);
	assert_false(h->nlmsg_flags & NLM_F_DUMP);
	assert_int_equal(dev->major, 253);
	assert_int_equal(dev->minor, 3);
	assert_string_equal(dev->name, "dm-3");
	assert_int_equal(dev->key, 0x123abc);
	assert_true(dev->aptpl);
	assert_true(dev->has_holder);
	assert_int_equal(dev->holder_major, 8);
	assert_int_equal(dev->holder_minor, 16);
	assert_int_equal(dev->res_type, 3);
	assert_int_equal(dev->ops, 12);
	/* SGIO 0 is a value: reported, and off. */
	assert_true(dev->has_sgio);
	assert_false(dev->sgio);
	assert_false(dev->has_deadline);
	assert_int_equal(dev->nr_paths, 2);
	assert_string_equal(dev->paths[0].name, "sdb");
	assert_int_equal(dev->paths[0].state, DM_MPATH_PR_PATH_ACTIVE);
	assert_int_equal(dev->paths[0].reg, DM_MPATH_PR_REG_REGISTERED);
	assert_int_equal(dev->paths[1].minor, 32);
	assert_int_equal(dev->paths[1].last_error, -5);
	assert_int_equal(dev->paths[1].reg, DM_MPATH_PR_REG_PENDING);
	assert_int_equal(dev->paths[1].cmds, 5);
	assert_int_equal(dev->paths[1].errors, 1);
	ipc_close(ipc);
	free(dev);
}

static void test_dump(void **state)
{
	struct nlmsghdr *h = (struct nlmsghdr *)nl.sent;
	struct mpr_dev_info *devs = NULL;
	struct ipc *ipc;
	size_t nr = 0;

	(void)state;
	ipc = open_ok();
	queue(reply_dev(3, 1, two_paths, 2, NLM_F_MULTI));
	queue(reply_dev(5, 2, two_paths, 1, NLM_F_MULTI));
	queue(reply_done(0));
	assert_int_equal(ipc_dump(ipc, &devs, &nr), 0);
	assert_true(h->nlmsg_flags & NLM_F_DUMP);
	/* A dump ends with NLMSG_DONE; no ACK is asked for. */
	assert_false(h->nlmsg_flags & NLM_F_ACK);
	assert_int_equal(nr, 2);
	assert_int_equal(devs[0].minor, 3);
	assert_int_equal(devs[0].nr_paths, 2);
	assert_int_equal(devs[1].minor, 5);
	assert_int_equal(devs[1].key, 2);
	assert_int_equal(devs[1].nr_paths, 1);
	free(devs);
	ipc_close(ipc);
}

static void test_dump_error_in_done(void **state)
{
	struct mpr_dev_info *devs = NULL;
	struct ipc *ipc;
	size_t nr = 7;

	(void)state;
	ipc = open_ok();
	queue(reply_dev(3, 1, two_paths, 2, NLM_F_MULTI));
	queue(reply_done(-EPERM));
	assert_int_equal(ipc_dump(ipc, &devs, &nr), -EPERM);
	assert_null(devs);
	assert_int_equal(nr, 0);
	ipc_close(ipc);
}

static void test_parse_dev_rejects(void **state)
{
	struct mpr_dev_info *dev = calloc(1, sizeof(*dev));
	struct nl_msg *m;
	struct nlattr *n;

	(void)state;
	/* No DEV_MINOR. */
	m = nlmsg_alloc();
	genlmsg_put(m, 0, 0, FAMILY, 0, 0, DM_MPATH_PR_CMD_GET, 1);
	nla_put_u32(m, DM_MPATH_PR_A_DEV_MAJOR, 253);
	assert_int_equal(ipc_parse_dev(nlmsg_hdr(m), dev), -EBADMSG);
	nlmsg_free(m);

	/* A path without PATH_MINOR. */
	m = nlmsg_alloc();
	genlmsg_put(m, 0, 0, FAMILY, 0, 0, DM_MPATH_PR_CMD_GET, 1);
	nla_put_u32(m, DM_MPATH_PR_A_DEV_MAJOR, 253);
	nla_put_u32(m, DM_MPATH_PR_A_DEV_MINOR, 3);
	n = nla_nest_start(m, DM_MPATH_PR_A_PATH | NLA_F_NESTED);
	nla_put_u32(m, DM_MPATH_PR_A_PATH_MAJOR, 8);
	nla_nest_end(m, n);
	assert_int_equal(ipc_parse_dev(nlmsg_hdr(m), dev), -EBADMSG);
	nlmsg_free(m);

	/* A u32 attribute of the wrong size. */
	m = nlmsg_alloc();
	genlmsg_put(m, 0, 0, FAMILY, 0, 0, DM_MPATH_PR_CMD_GET, 1);
	nla_put_u16(m, DM_MPATH_PR_A_DEV_MAJOR, 253);
	nla_put_u32(m, DM_MPATH_PR_A_DEV_MINOR, 3);
	assert_int_equal(ipc_parse_dev(nlmsg_hdr(m), dev), -EBADMSG);
	nlmsg_free(m);
	free(dev);
}

static void test_parse_dev_truncates(void **state)
{
	struct mpr_dev_info *dev = calloc(1, sizeof(*dev));
	struct fake_path p[DM_MPATH_PR_MAX_PATHS + 1];
	struct nl_msg *m;
	int i;

	(void)state;
	for (i = 0; i <= DM_MPATH_PR_MAX_PATHS; i++)
		p[i] = (struct fake_path){ 8, (uint32_t)i, 1, 2, 0, NULL };
	m = reply_dev(3, 1, p, DM_MPATH_PR_MAX_PATHS + 1, 0);
	assert_int_equal(ipc_parse_dev(nlmsg_hdr(m), dev), 0);
	assert_int_equal(dev->nr_paths, DM_MPATH_PR_MAX_PATHS);
	assert_true(dev->truncated);
	assert_string_equal(dev->paths[0].name, "");
	nlmsg_free(m);
	free(dev);
}

/* The genl command and the attributes of the last request. */
static uint8_t sent_cmd(void)
{
	struct nlmsghdr *h = (struct nlmsghdr *)nl.sent;

	return ((struct genlmsghdr *)nlmsg_data(h))->cmd;
}

static void sent_attrs(struct nlattr **tb)
{
	struct nlmsghdr *h = (struct nlmsghdr *)nl.sent;

	assert_int_equal(genlmsg_parse(h, 0, tb, DM_MPATH_PR_A_MAX, NULL), 0);
	assert_int_equal(nla_get_u32(tb[DM_MPATH_PR_A_DEV_MAJOR]), 253);
	assert_int_equal(nla_get_u32(tb[DM_MPATH_PR_A_DEV_MINOR]), 3);
	assert_true(h->nlmsg_flags & NLM_F_ACK);
}

static void test_sync_message(void **state)
{
	struct nlattr *tb[DM_MPATH_PR_A_MAX + 1];
	struct mpr_attach_req req = {
		.major = 253, .minor = 3, .nr_paths = 2,
		.paths = { { 8, 16 }, { 8, 32 } },
		.has_key = true, .key = 0x99,
	};
	struct nlattr *nla;
	struct ipc *ipc;
	int rem, n = 0;

	(void)state;
	ipc = open_ok();
	queue_err(0, NULL, 0, false);
	assert_int_equal(ipc_sync(ipc, &req), 0);
	assert_int_equal(sent_cmd(), DM_MPATH_PR_CMD_SYNC);
	sent_attrs(tb);
	/* SYNC never adopts a key. */
	assert_null(tb[DM_MPATH_PR_A_KEY]);
	nla_for_each_attr(nla, genlmsg_attrdata(nlmsg_data((struct nlmsghdr *)nl.sent), 0),
			  genlmsg_attrlen(nlmsg_data((struct nlmsghdr *)nl.sent), 0), rem)
		if (nla_type(nla) == DM_MPATH_PR_A_PATH) {
			assert_true(nla->nla_type & NLA_F_NESTED);
			n++;
		}
	assert_int_equal(n, 2);

	/* The kernel's reason is printed. */
	queue_err(-ENOENT, "dm-3 is not attached", 0, false);
	assert_int_equal(ipc_sync(ipc, &req), -ENOENT);
	ipc_close(ipc);
}

static void test_path_state_message(void **state)
{
	struct nlattr *tb[DM_MPATH_PR_A_MAX + 1];
	struct nlattr *pt[DM_MPATH_PR_A_PATH_MAX + 1];
	struct ipc *ipc;

	(void)state;
	ipc = open_ok();
	queue_err(0, NULL, 0, false);
	assert_int_equal(ipc_path_state(ipc, 253, 3, 8, 48,
					DM_MPATH_PR_PATH_FAILED),
			 0);
	assert_int_equal(sent_cmd(), DM_MPATH_PR_CMD_PATH_STATE);
	sent_attrs(tb);
	assert_non_null(tb[DM_MPATH_PR_A_PATH]);
	assert_true(tb[DM_MPATH_PR_A_PATH]->nla_type & NLA_F_NESTED);
	assert_int_equal(nla_parse_nested(pt, DM_MPATH_PR_A_PATH_MAX,
					  tb[DM_MPATH_PR_A_PATH], NULL),
			 0);
	assert_int_equal(nla_get_u32(pt[DM_MPATH_PR_A_PATH_MAJOR]), 8);
	assert_int_equal(nla_get_u32(pt[DM_MPATH_PR_A_PATH_MINOR]), 48);
	assert_int_equal(nla_get_u32(pt[DM_MPATH_PR_A_PATH_STATE]),
			 DM_MPATH_PR_PATH_FAILED);
	ipc_close(ipc);
}

static void test_resync_message(void **state)
{
	struct nlattr *tb[DM_MPATH_PR_A_MAX + 1];
	struct ipc *ipc;

	(void)state;
	ipc = open_ok();
	queue_err(0, NULL, 0, false);
	assert_int_equal(ipc_resync(ipc, 253, 3), 0);
	assert_int_equal(sent_cmd(), DM_MPATH_PR_CMD_RESYNC);
	sent_attrs(tb);
	assert_null(tb[DM_MPATH_PR_A_PATH]);
	ipc_close(ipc);
}

static void test_set_message(void **state)
{
	struct nlattr *tb[DM_MPATH_PR_A_MAX + 1];
	struct mpr_settings set = {
		.major = 253, .minor = 3,
		.has_audit_interval = true, .audit_interval = 0,
		.has_deadline = true, .deadline = 7000,
		.has_sgio = true, .sgio = false,
	};
	struct ipc *ipc;

	(void)state;
	ipc = open_ok();
	queue_err(0, NULL, 0, false);
	assert_int_equal(ipc_set(ipc, &set), 0);
	assert_int_equal(sent_cmd(), DM_MPATH_PR_CMD_SET);
	sent_attrs(tb);
	/* Only what was given is sent; 0 is a value. */
	assert_null(tb[DM_MPATH_PR_A_PROBE_INTERVAL]);
	assert_int_equal(nla_get_u32(tb[DM_MPATH_PR_A_AUDIT_INTERVAL]), 0);
	assert_int_equal(nla_get_u32(tb[DM_MPATH_PR_A_DEADLINE]), 7000);
	/* SGIO is a u8 (the kernel's policy wants exactly one byte). */
	assert_int_equal(nla_len(tb[DM_MPATH_PR_A_SGIO]), 1);
	assert_int_equal(nla_get_u8(tb[DM_MPATH_PR_A_SGIO]), 0);
	set.sgio = true;
	set.has_deadline = false;
	queue_err(0, NULL, 0, false);
	assert_int_equal(ipc_set(ipc, &set), 0);
	sent_attrs(tb);
	assert_null(tb[DM_MPATH_PR_A_DEADLINE]);
	assert_int_equal(nla_get_u8(tb[DM_MPATH_PR_A_SGIO]), 1);
	set.has_sgio = false;
	queue_err(0, NULL, 0, false);
	assert_int_equal(ipc_set(ipc, &set), 0);
	sent_attrs(tb);
	assert_null(tb[DM_MPATH_PR_A_SGIO]);
	set.has_deadline = true;

	queue_err(-ERANGE, "deadline above 60000 ms",
		  DM_MPATH_PR_A_PROBE_INTERVAL, false);
	assert_int_equal(ipc_set(ipc, &set), -ERANGE);
	ipc_close(ipc);
}

/* A GET reply that only continues a device: DEV_* and more paths. */
static struct nl_msg *reply_more(uint32_t minor, const struct fake_path *p,
				 int nr, int flags)
{
	struct nl_msg *m = nlmsg_alloc();
	int i;

	assert_non_null(m);
	assert_non_null(genlmsg_put(m, 0, 0, FAMILY, 0, flags,
				    DM_MPATH_PR_CMD_GET, 1));
	nla_put_u32(m, DM_MPATH_PR_A_DEV_MAJOR, 253);
	nla_put_u32(m, DM_MPATH_PR_A_DEV_MINOR, minor);
	for (i = 0; i < nr; i++) {
		struct nlattr *n =
			nla_nest_start(m, DM_MPATH_PR_A_PATH | NLA_F_NESTED);

		nla_put_u32(m, DM_MPATH_PR_A_PATH_MAJOR, p[i].major);
		nla_put_u32(m, DM_MPATH_PR_A_PATH_MINOR, p[i].minor);
		if (p[i].name)
			nla_put_string(m, DM_MPATH_PR_A_PATH_NAME, p[i].name);
		nla_nest_end(m, n);
	}
	return m;
}

static const struct fake_path more_paths[] = {
	{ 8, 48, 0, 0, 0, "sdd" },
	{ 8, 64, 0, 0, 0, "sde" },
};

static void test_dump_merges(void **state)
{
	struct mpr_dev_info *devs = NULL;
	struct ipc *ipc;
	size_t nr = 0;

	(void)state;
	ipc = open_ok();
	queue(reply_dev(3, 1, two_paths, 2, NLM_F_MULTI));
	queue(reply_more(3, more_paths, 1, NLM_F_MULTI));
	queue(reply_more(3, more_paths + 1, 1, NLM_F_MULTI));
	queue(reply_dev(5, 2, two_paths, 1, NLM_F_MULTI));
	queue(reply_more(5, more_paths, 2, NLM_F_MULTI));
	queue(reply_done(0));
	assert_int_equal(ipc_dump(ipc, &devs, &nr), 0);
	assert_int_equal(nr, 2);
	assert_int_equal(devs[0].minor, 3);
	assert_int_equal(devs[0].key, 1);
	assert_int_equal(devs[0].nr_paths, 4);
	assert_string_equal(devs[0].paths[0].name, "sdb");
	assert_string_equal(devs[0].paths[2].name, "sdd");
	assert_string_equal(devs[0].paths[3].name, "sde");
	/* The first message's device attributes stay. */
	assert_int_equal(devs[0].ops, 12);
	assert_int_equal(devs[1].minor, 5);
	assert_int_equal(devs[1].key, 2);
	assert_int_equal(devs[1].nr_paths, 3);
	assert_int_equal(devs[1].paths[2].minor, 64);
	free(devs);
	ipc_close(ipc);
}

static void test_dev_merge_caps(void **state)
{
	struct mpr_dev_info *a = calloc(1, sizeof(*a));
	struct mpr_dev_info *b = calloc(1, sizeof(*b));

	(void)state;
	a->major = b->major = 253;
	a->minor = 3;
	b->minor = 4;
	assert_false(ipc_dev_merge(a, b));
	b->minor = 3;
	a->nr_paths = DM_MPATH_PR_MAX_PATHS - 1;
	b->nr_paths = 2;
	b->paths[0].minor = 100;
	b->paths[1].minor = 101;
	assert_true(ipc_dev_merge(a, b));
	assert_int_equal(a->nr_paths, DM_MPATH_PR_MAX_PATHS);
	assert_int_equal(a->paths[DM_MPATH_PR_MAX_PATHS - 1].minor, 100);
	assert_true(a->truncated);
	free(a);
	free(b);
}

static void test_get_merges(void **state)
{
	struct mpr_dev_info *dev = calloc(1, sizeof(*dev));
	struct ipc *ipc;

	(void)state;
	ipc = open_ok();
	queue(reply_dev(3, 0x123abc, two_paths, 2, 0));
	queue(reply_more(3, more_paths, 2, 0));
	queue_err(0, NULL, 0, false);
	assert_int_equal(ipc_get(ipc, 253, 3, dev), 0);
	assert_int_equal(dev->nr_paths, 4);
	assert_int_equal(dev->key, 0x123abc);
	ipc_close(ipc);
	free(dev);
}

static void test_dump_intr_retried(void **state)
{
	struct mpr_dev_info *devs = NULL;
	struct ipc *ipc;
	size_t nr = 0;
	int sends;

	(void)state;
	ipc = open_ok();
	sends = nl.sends;
	/* First run: interrupted (a device went away meanwhile). */
	queue(reply_dev(3, 1, two_paths, 2, NLM_F_MULTI | NLM_F_DUMP_INTR));
	queue(reply_dev(5, 2, two_paths, 1, NLM_F_MULTI | NLM_F_DUMP_INTR));
	queue(reply_done(0));
	/* Second run: consistent. */
	nl.later[nl.nr_later++] = reply_dev(5, 2, two_paths, 1, NLM_F_MULTI);
	nl.later[nl.nr_later++] = reply_done(0);
	assert_int_equal(ipc_dump(ipc, &devs, &nr), 0);
	assert_int_equal(nl.sends - sends, 2);
	/* Only the second run's result. */
	assert_int_equal(nr, 1);
	assert_int_equal(devs[0].minor, 5);
	free(devs);
	ipc_close(ipc);
}

static struct nl_msg *reply_intr(void)
{
	return reply_dev(3, 1, two_paths, 1, NLM_F_MULTI | NLM_F_DUMP_INTR);
}

static void test_dump_intr_gives_up(void **state)
{
	struct mpr_dev_info *devs = NULL;
	struct capture c;
	struct ipc *ipc;
	size_t nr = 0;
	int sends;

	(void)state;
	ipc = open_ok();
	sends = nl.sends;
	nl.intr_runs = 100;
	capture_start(&c);
	assert_int_equal(ipc_dump(ipc, &devs, &nr), -EAGAIN);
	capture_stop(&c);
	assert_int_equal(nl.sends - sends, IPC_DUMP_TRIES);
	assert_int_equal(nl.intr_runs, 100 - IPC_DUMP_TRIES);
	assert_string_equal(c.err, "prtool: the attachments kept changing "
				   "during 5 dumps\n");
	capture_free(&c);
	assert_null(devs);
	assert_int_equal(nr, 0);
	ipc_close(ipc);
}

/* A notification as the kernel multicasts it. */
static struct nl_msg *event_msg(uint8_t cmd)
{
	struct nl_msg *m = nlmsg_alloc();

	assert_non_null(m);
	assert_non_null(genlmsg_put(m, 0, 0, FAMILY, 0, 0, cmd, 1));
	nla_put_u32(m, DM_MPATH_PR_A_DEV_MAJOR, 253);
	nla_put_u32(m, DM_MPATH_PR_A_DEV_MINOR, 3);
	nla_put_string(m, DM_MPATH_PR_A_DEV_NAME, "dm-3");
	return m;
}

static void event_path(struct nl_msg *m, uint32_t minor, const char *name,
		       int32_t result, uint64_t latency)
{
	struct nlattr *n = nla_nest_start(m, DM_MPATH_PR_A_PATH | NLA_F_NESTED);

	nla_put_u32(m, DM_MPATH_PR_A_PATH_MAJOR, 8);
	nla_put_u32(m, DM_MPATH_PR_A_PATH_MINOR, minor);
	nla_put_string(m, DM_MPATH_PR_A_PATH_NAME, name);
	nla_put_u32(m, DM_MPATH_PR_A_PATH_RESULT, (uint32_t)result);
	if (latency)
		nla_put_u64(m, DM_MPATH_PR_A_PATH_LATENCY_US, latency);
	nla_nest_end(m, n);
}

static void test_parse_event(void **state)
{
	struct mpr_event *ev = calloc(1, sizeof(*ev));
	struct nl_msg *m;

	(void)state;
	m = event_msg(DM_MPATH_PR_CMD_OP_DONE);
	nla_put_u32(m, DM_MPATH_PR_A_OP, DM_MPATH_PR_OP_REGISTER);
	nla_put_u32(m, DM_MPATH_PR_A_RESULT, (uint32_t)-EIO);
	nla_put_u64(m, DM_MPATH_PR_A_LATENCY_US, 1234);
	nla_put_u64(m, DM_MPATH_PR_A_KEY, 0xabc);
	event_path(m, 16, "sdb", 0, 600);
	event_path(m, 32, "sdc", 0x10000, 3000);
	assert_int_equal(ipc_parse_event(nlmsg_hdr(m), ev), 0);
	assert_int_equal(ev->cmd, DM_MPATH_PR_CMD_OP_DONE);
	assert_int_equal(ev->minor, 3);
	assert_string_equal(ev->name, "dm-3");
	assert_true(ev->has_op);
	assert_int_equal(ev->op, DM_MPATH_PR_OP_REGISTER);
	assert_true(ev->has_result);
	assert_int_equal(ev->result, -EIO);
	assert_int_equal(ev->latency_us, 1234);
	assert_true(ev->has_key);
	assert_int_equal(ev->key, 0xabc);
	assert_false(ev->has_res_type);
	assert_int_equal(ev->nr_paths, 2);
	assert_string_equal(ev->paths[1].name, "sdc");
	assert_true(ev->paths[1].has_result);
	assert_int_equal(ev->paths[1].result, 0x10000);
	assert_int_equal(ev->paths[1].latency_us, 3000);
	nlmsg_free(m);

	m = event_msg(DM_MPATH_PR_CMD_RESERVATION_CHANGED);
	nla_put_u32(m, DM_MPATH_PR_A_RES_TYPE, 0);
	assert_int_equal(ipc_parse_event(nlmsg_hdr(m), ev), 0);
	assert_true(ev->has_res_type);
	assert_int_equal(ev->res_type, 0);
	assert_false(ev->has_holder);
	nlmsg_free(m);

	/* A command is no notification. */
	m = event_msg(DM_MPATH_PR_CMD_GET);
	assert_int_equal(ipc_parse_event(nlmsg_hdr(m), ev), -EBADMSG);
	nlmsg_free(m);
	/* No device. */
	m = nlmsg_alloc();
	genlmsg_put(m, 0, 0, FAMILY, 0, 0, DM_MPATH_PR_CMD_DETACHED, 1);
	assert_int_equal(ipc_parse_event(nlmsg_hdr(m), ev), -EBADMSG);
	nlmsg_free(m);
	free(ev);
}

static void test_events_open(void **state)
{
	struct ipc *ipc = NULL;

	(void)state;
	nl.grp = 7;
	assert_int_equal(ipc_events_open(&ipc, false), 0);
	assert_non_null(ipc);
	assert_int_equal(nl.joined, 7);
	ipc_close(ipc);
}

static void test_events_open_eperm(void **state)
{
	struct capture c;
	struct ipc *ipc = NULL;

	(void)state;
	nl.grp = 7;
	nl.join_ret = -NLE_PERM;
	capture_start(&c);
	assert_int_equal(ipc_events_open(&ipc, false), -EPERM);
	capture_stop(&c);
	assert_null(ipc);
	assert_string_equal(c.err,
			    "prtool: cannot join the \"events\" group of "
			    "dm_mpath_pr: Operation not permitted (receiving "
			    "the notifications needs CAP_SYS_ADMIN)\n");
	capture_free(&c);

	/* A module without the group. */
	nl.grp = -NLE_OBJ_NOTFOUND;
	capture_start(&c);
	assert_int_equal(ipc_events_open(&ipc, false), -EOPNOTSUPP);
	capture_stop(&c);
	assert_contains(c.err, "has no \"events\" notification group");
	capture_free(&c);
}

struct got {
	int n;
	uint8_t cmds[4];
	int stop_at;
};

static int got_event(const struct mpr_event *ev, void *arg)
{
	struct got *g = arg;

	g->cmds[g->n++] = ev->cmd;
	return g->n == g->stop_at ? 42 : 0;
}

static void test_events_read(void **state)
{
	struct got g = { 0 };
	struct ipc *ipc = NULL;
	struct nl_msg *bad;

	(void)state;
	nl.grp = 7;
	assert_int_equal(ipc_events_open(&ipc, false), 0);
	queue(event_msg(DM_MPATH_PR_CMD_PATH_FAILED));
	/* A malformed one is skipped. */
	bad = nlmsg_alloc();
	genlmsg_put(bad, 0, 0, FAMILY, 0, 0, DM_MPATH_PR_CMD_DETACHED, 1);
	queue(bad);
	queue(event_msg(DM_MPATH_PR_CMD_DETACHED));
	assert_int_equal(ipc_events_read(ipc, got_event, &g), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.cmds[0], DM_MPATH_PR_CMD_PATH_FAILED);
	assert_int_equal(g.cmds[1], DM_MPATH_PR_CMD_DETACHED);

	/* The callback's non-zero return stops and is returned. */
	g.n = 0;
	g.stop_at = 1;
	queue(event_msg(DM_MPATH_PR_CMD_PREEMPTED));
	assert_int_equal(ipc_events_read(ipc, got_event, &g), 42);
	assert_int_equal(g.n, 1);
	ipc_close(ipc);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_resolves),
		T(test_open_loads_module),
		T(test_open_no_load),
		T(test_open_load_fails),
		T(test_open_loaded_but_no_family),
		T(test_attach_message),
		T(test_attach_message_key),
		T(test_attach_max_paths),
		T(test_attach_ext_ack),
		T(test_error_without_ext_ack),
		T(test_ext_ack_forms),
		T(test_detach_message),
		T(test_get),
		T(test_dump),
		T(test_dump_error_in_done),
		T(test_parse_dev_rejects),
		T(test_parse_dev_truncates),
		T(test_sync_message),
		T(test_path_state_message),
		T(test_resync_message),
		T(test_set_message),
		T(test_dump_merges),
		T(test_dev_merge_caps),
		T(test_get_merges),
		T(test_dump_intr_retried),
		T(test_dump_intr_gives_up),
		T(test_parse_event),
		T(test_events_open),
		T(test_events_open_eperm),
		T(test_events_read),
	};

	return cmocka_run_group_tests_name("ipc", tests, NULL, NULL);
}
