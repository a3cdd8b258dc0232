// SPDX-License-Identifier: GPL-2.0
/*
 * nltest - send one hand-made request to the dm_mpath_pr generic netlink
 * family and print what the kernel answered, extended ACK included. A test
 * tool: it sends what it is told, valid or not, so that the scenarios can
 * check how the module rejects bad requests and unprivileged callers.
 *
 *   nltest [--dump] [--fail-nth N] COMMAND [ATTR...]
 *   nltest join [GROUP]
 *
 * COMMAND: attach, detach, get, sync, path-state, resync, set, or a number.
 * ATTR, top-level attributes in the order given:
 *   dev=MAJ:MIN             DEV_MAJOR and DEV_MINOR (u32)
 *   path=MAJ:MIN[:STATE]    a PATH nest: PATH_MAJOR, PATH_MINOR (u32) and,
 *                           if given, PATH_STATE (u32)
 *   paths=N@MAJ:MIN         N PATH nests, minors MIN, MIN+1, ...
 *   TYPE:ATTR=VALUE         one attribute of any type and length: TYPE is
 *                           u8, u16, u32, u64, s32, str, flag (no =VALUE)
 *                           or hex (bytes, e.g. hex:6=0102); ATTR is a
 *                           number or a name (dev_major, key, ...)
 * join: add the socket to the multicast GROUP (default "events").
 *
 * Prints one line:
 *   errno=NAME (N) extack="MESSAGE" [bad-attr-offset=N]
 *   [missing-attr=T[(nested)]] messages=N
 * errno=0 (0) when the kernel acknowledged the request; messages counts
 * the replies (GET) or dump parts. The socket asks for extended ACKs.
 * Exit status: 0 acknowledged, 1 refused by the kernel, 2 usage or setup
 * error (no family, no socket).
 *
 * --fail-nth N (before COMMAND) makes the N-th allocation that the
 * kernel's fault injection counts while the request is handled fail
 * (/proc/thread-self/fail-nth; with failslab's stack filter, the module's
 * allocations), and appends " paths=P fail-nth=injected|unused" to the
 * line: P counts the PATH nests of the replies, "unused" says the request
 * made fewer than N such allocations. --fail-nth 0 injects nothing and
 * appends " paths=P fail-nth=off".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/dm-mpath-pr.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define RXBUF (1 << 20)

static const char *const cmd_names[] = {
	[DM_MPATH_PR_CMD_ATTACH] = "attach",
	[DM_MPATH_PR_CMD_DETACH] = "detach",
	[DM_MPATH_PR_CMD_GET] = "get",
	[DM_MPATH_PR_CMD_SYNC] = "sync",
	[DM_MPATH_PR_CMD_PATH_STATE] = "path-state",
	[DM_MPATH_PR_CMD_RESYNC] = "resync",
	[DM_MPATH_PR_CMD_SET] = "set",
};

static const char *const attr_names[] = {
	[DM_MPATH_PR_A_PAD] = "pad",
	[DM_MPATH_PR_A_DEV_MAJOR] = "dev_major",
	[DM_MPATH_PR_A_DEV_MINOR] = "dev_minor",
	[DM_MPATH_PR_A_DEV_NAME] = "dev_name",
	[DM_MPATH_PR_A_PATH] = "path",
	[DM_MPATH_PR_A_KEY] = "key",
	[DM_MPATH_PR_A_APTPL] = "aptpl",
	[DM_MPATH_PR_A_HOLDER_MAJOR] = "holder_major",
	[DM_MPATH_PR_A_HOLDER_MINOR] = "holder_minor",
	[DM_MPATH_PR_A_RES_TYPE] = "res_type",
	[DM_MPATH_PR_A_OPS] = "ops",
	[DM_MPATH_PR_A_PREEMPTED] = "preempted",
	[DM_MPATH_PR_A_PROBE_INTERVAL] = "probe_interval",
	[DM_MPATH_PR_A_AUDIT_INTERVAL] = "audit_interval",
	[DM_MPATH_PR_A_DEADLINE] = "deadline",
	[DM_MPATH_PR_A_OP] = "op",
	[DM_MPATH_PR_A_RESULT] = "result",
	[DM_MPATH_PR_A_LATENCY_US] = "latency_us",
	[DM_MPATH_PR_A_SGIO] = "sgio",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void usage(void)
{
	fputs("usage: nltest [--dump] [--fail-nth N] COMMAND [ATTR...]\n"
	      "       nltest join [GROUP]\n"
	      "COMMAND: attach detach get sync path-state resync set, or a number\n"
	      "ATTR: dev=MAJ:MIN  path=MAJ:MIN[:STATE]  paths=N@MAJ:MIN\n"
	      "      TYPE:ATTR=VALUE (TYPE u8 u16 u32 u64 s32 str flag hex;\n"
	      "      ATTR a number or a name such as dev_major or key)\n",
	      stderr);
	exit(2);
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "nltest: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(2);
}

static unsigned long long num(const char *s, const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		die("bad number in '%s'", what);
	return v;
}

static int lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return (int)i;
	return -1;
}

/* "MAJ:MIN[:X]" -> up to three numbers; returns how many */
static int triple(const char *s, unsigned long long v[3], const char *arg)
{
	char buf[128], *p, *save = NULL;
	int n = 0;

	if (strlen(s) >= sizeof(buf))
		die("too long: '%s'", arg);
	strcpy(buf, s);
	for (p = strtok_r(buf, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
		if (n == 3)
			die("too many numbers in '%s'", arg);
		v[n++] = num(p, arg);
	}
	if (n < 2)
		die("MAJ:MIN expected in '%s'", arg);
	return n;
}

static void put_path(struct nl_msg *msg, uint32_t maj, uint32_t min,
		     int has_state, uint32_t state)
{
	struct nlattr *nest = nla_nest_start(msg, DM_MPATH_PR_A_PATH);

	if (!nest || nla_put_u32(msg, DM_MPATH_PR_A_PATH_MAJOR, maj) ||
	    nla_put_u32(msg, DM_MPATH_PR_A_PATH_MINOR, min) ||
	    (has_state && nla_put_u32(msg, DM_MPATH_PR_A_PATH_STATE, state)))
		die("message too big at '%s'", "path");
	nla_nest_end(msg, nest);
}

static void put_hex(struct nl_msg *msg, int type, const char *hex,
		    const char *arg)
{
	unsigned char buf[512];
	size_t n = strlen(hex) / 2, i;

	if (strlen(hex) % 2 || n > sizeof(buf))
		die("bad hex bytes in '%s'", arg);
	for (i = 0; i < n; i++) {
		char b[3] = { hex[2 * i], hex[2 * i + 1], 0 }, *end;

		buf[i] = (unsigned char)strtoul(b, &end, 16);
		if (*end)
			die("bad hex bytes in '%s'", arg);
	}
	if (nla_put(msg, type, (int)n, buf))
		die("message too big at '%s'", arg);
}

static void put_attr(struct nl_msg *msg, const char *arg)
{
	unsigned long long v[3];
	const char *colon, *eq, *val;
	char type[16], name[64];
	int t, n, r = 0;

	if (!strncmp(arg, "dev=", 4)) {
		if (triple(arg + 4, v, arg) != 2)
			die("dev=MAJ:MIN expected: '%s'", arg);
		if (nla_put_u32(msg, DM_MPATH_PR_A_DEV_MAJOR, (uint32_t)v[0]) ||
		    nla_put_u32(msg, DM_MPATH_PR_A_DEV_MINOR, (uint32_t)v[1]))
			die("message too big at '%s'", arg);
		return;
	}
	if (!strncmp(arg, "path=", 5)) {
		n = triple(arg + 5, v, arg);
		put_path(msg, (uint32_t)v[0], (uint32_t)v[1], n == 3,
			 (uint32_t)v[2]);
		return;
	}
	if (!strncmp(arg, "paths=", 6)) {
		const char *at = strchr(arg, '@');
		unsigned long long count, i;
		char c[32];

		if (!at || (size_t)(at - arg - 6) >= sizeof(c))
			die("paths=N@MAJ:MIN expected: '%s'", arg);
		memcpy(c, arg + 6, (size_t)(at - arg - 6));
		c[at - arg - 6] = '\0';
		count = num(c, arg);
		if (triple(at + 1, v, arg) != 2)
			die("paths=N@MAJ:MIN expected: '%s'", arg);
		for (i = 0; i < count; i++)
			put_path(msg, (uint32_t)v[0], (uint32_t)(v[1] + i), 0, 0);
		return;
	}

	colon = strchr(arg, ':');
	if (!colon || (size_t)(colon - arg) >= sizeof(type))
		die("unknown attribute syntax '%s'", arg);
	memcpy(type, arg, (size_t)(colon - arg));
	type[colon - arg] = '\0';
	eq = strchr(colon, '=');
	n = eq ? (int)(eq - colon - 1) : (int)strlen(colon + 1);
	if (n <= 0 || (size_t)n >= sizeof(name))
		die("attribute name expected in '%s'", arg);
	memcpy(name, colon + 1, (size_t)n);
	name[n] = '\0';
	t = lookup(attr_names, ARRAY_SIZE(attr_names), name);
	if (t < 0)
		t = (int)num(name, arg);
	if (t < 0 || t > 0x3fff)
		die("attribute type out of range in '%s'", arg);
	val = eq ? eq + 1 : NULL;
	if (!strcmp(type, "flag")) {
		r = nla_put_flag(msg, t);
	} else if (!val) {
		die("=VALUE missing in '%s'", arg);
	} else if (!strcmp(type, "u8")) {
		r = nla_put_u8(msg, t, (uint8_t)num(val, arg));
	} else if (!strcmp(type, "u16")) {
		r = nla_put_u16(msg, t, (uint16_t)num(val, arg));
	} else if (!strcmp(type, "u32")) {
		r = nla_put_u32(msg, t, (uint32_t)num(val, arg));
	} else if (!strcmp(type, "s32")) {
		r = nla_put_s32(msg, t, (int32_t)strtol(val, NULL, 0));
	} else if (!strcmp(type, "u64")) {
		r = nla_put_u64(msg, t, (uint64_t)num(val, arg));
	} else if (!strcmp(type, "str")) {
		r = nla_put_string(msg, t, val);
	} else if (!strcmp(type, "hex")) {
		put_hex(msg, t, val, arg);
	} else {
		die("unknown type in '%s'", arg);
	}
	if (r)
		die("message too big at '%s'", arg);
}

/* The extended ACK TLVs of an NLMSG_ERROR or NLMSG_DONE message. */
static void print_ext_ack(const struct nlmsghdr *nlh, size_t payload_hdr)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = NLMSG_HDRLEN + payload_hdr;
	const char *msg = "";
	int mlen = 0;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(nlh);

		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	off = NLMSG_ALIGN(off);
	memset(tb, 0, sizeof(tb));
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && off < nlh->nlmsg_len)
		nla_parse(tb, NLMSGERR_ATTR_MAX,
			  (struct nlattr *)((char *)nlh + off),
			  (int)(nlh->nlmsg_len - off), NULL);
	if (tb[NLMSGERR_ATTR_MSG]) {
		msg = nla_data(tb[NLMSGERR_ATTR_MSG]);
		mlen = (int)strnlen(msg, (size_t)nla_len(tb[NLMSGERR_ATTR_MSG]));
	}
	printf(" extack=\"%.*s\"", mlen, msg);
	if (tb[NLMSGERR_ATTR_OFFS])
		printf(" bad-attr-offset=%" PRIu32,
		       nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	if (tb[NLMSGERR_ATTR_MISS_TYPE])
		printf(" missing-attr=%" PRIu32 "%s",
		       nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]),
		       tb[NLMSGERR_ATTR_MISS_NEST] ? "(nested)" : "");
}

static void print_errno(int err)
{
	const char *name = err ? strerrorname_np(err) : "0";

	printf("errno=%s (%d)", name ? name : "?", err);
}

/* --fail-nth: given?, the N (0: none), and the PATH nests of the replies */
static bool fail_nth_given;
static unsigned long fail_nth_n;
static unsigned int reply_paths;

/* /proc/thread-self/fail-nth: write N (0: off), or read what is left */
static int fail_nth(unsigned long n, bool set)
{
	char buf[32];
	ssize_t len;
	int fd = open("/proc/thread-self/fail-nth", set ? O_WRONLY : O_RDONLY);

	if (fd < 0)
		die("/proc/thread-self/fail-nth: %s", strerror(errno));
	if (set) {
		len = snprintf(buf, sizeof(buf), "%lu", n);
		len = write(fd, buf, (size_t)len);
	} else {
		len = read(fd, buf, sizeof(buf) - 1);
	}
	close(fd);
	if (len < 0)
		die("fail-nth: %s", strerror(errno));
	buf[set ? 0 : len] = '\0';
	return set ? 0 : atoi(buf);
}

/* the end of the output line: what --fail-nth adds */
static void print_fail_nth(void)
{
	int left;

	if (!fail_nth_given)
		return;
	if (!fail_nth_n) {
		printf(" paths=%u fail-nth=off", reply_paths);
		return;
	}
	left = fail_nth(0, false);
	fail_nth(0, true);
	printf(" paths=%u fail-nth=%s", reply_paths, left ? "unused" : "injected");
}

static void count_paths(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;
	int rem;

	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return;
	a = (const struct nlattr *)((const char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	rem = (int)(nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
	for (; nla_ok(a, rem); a = nla_next(a, &rem))
		if (nla_type(a) == DM_MPATH_PR_A_PATH)
			reply_paths++;
}

/* Receive until the ACK, the error or the end of the dump; exit status. */
static int receive(int fd, uint32_t seq)
{
	static char buf[RXBUF];
	unsigned int messages = 0;

	for (;;) {
		struct nlmsghdr *nlh;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		size_t len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("nltest: recv");
			return 2;
		}
		len = (size_t)n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				print_errno(-e->error);
				print_ext_ack(nlh, sizeof(*e));
				printf(" messages=%u", messages);
				print_fail_nth();
				printf("\n");
				return e->error ? 1 : 0;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
				print_errno(-err);
				print_ext_ack(nlh, sizeof(int));
				printf(" messages=%u", messages);
				print_fail_nth();
				printf("\n");
				return err ? 1 : 0;
			}
			messages++;
			count_paths(nlh);
		}
	}
}

static int join(struct nl_sock *sk, int family, const char *group)
{
	int grp = genl_ctrl_resolve_grp(sk, DM_MPATH_PR_FAMILY_NAME, group);
	int fd = nl_socket_get_fd(sk);

	(void)family;
	if (grp < 0)
		die("no multicast group '%s'", group);
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp))) {
		print_errno(errno);
		printf(" group=%s\n", group);
		return 1;
	}
	print_errno(0);
	printf(" group=%s\n", group);
	return 0;
}

int main(int argc, char *argv[])
{
	struct nl_sock *sk;
	struct nl_msg *msg;
	bool dump = false;
	int family, cmd, one = 1, i = 1, r;
	uint32_t seq;

	for (;;) {
		if (i < argc && !strcmp(argv[i], "--dump")) {
			dump = true;
			i++;
		} else if (i + 1 < argc && !strcmp(argv[i], "--fail-nth")) {
			fail_nth_n = num(argv[i + 1], argv[i + 1]);
			fail_nth_given = true;
			i += 2;
		} else {
			break;
		}
	}
	if (i >= argc || !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
		usage();

	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk) < 0)
		die("cannot open a generic netlink socket%s", "");
	nl_socket_disable_auto_ack(sk);
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	family = genl_ctrl_resolve(sk, DM_MPATH_PR_FAMILY_NAME);
	if (family < 0)
		die("generic netlink family '%s' not found (module not loaded?)",
		    DM_MPATH_PR_FAMILY_NAME);

	if (!strcmp(argv[i], "join")) {
		if (argc > i + 2)
			usage();
		r = join(sk, family, argc > i + 1 ? argv[i + 1] :
						   DM_MPATH_PR_MCGRP_EVENTS);
		nl_socket_free(sk);
		return r;
	}

	cmd = lookup(cmd_names, ARRAY_SIZE(cmd_names), argv[i]);
	if (cmd < 0)
		cmd = (int)num(argv[i], argv[i]);
	if (cmd < 0 || cmd > 255)
		die("bad command '%s'", argv[i]);

	msg = nlmsg_alloc_size(RXBUF / 4);
	if (!msg)
		die("out of memory%s", "");
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
			 dump ? NLM_F_DUMP : NLM_F_ACK, (uint8_t)cmd,
			 DM_MPATH_PR_FAMILY_VERSION))
		die("out of memory%s", "");
	for (i++; i < argc; i++)
		put_attr(msg, argv[i]);

	if (fail_nth_n)
		fail_nth(fail_nth_n, true);
	r = nl_send_auto(sk, msg);
	if (r < 0)
		die("send failed: %s", nl_geterror(r));
	seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	r = receive(nl_socket_get_fd(sk), seq);
	nl_socket_free(sk);
	return r;
}
