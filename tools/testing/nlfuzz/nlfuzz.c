// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz - a seeded, reproducible fuzzer of the dm_mpath_pr generic netlink
 * family (issue 10, point 7).
 *
 *   nlfuzz [--seed N] [--count N] [--map MAJ:MIN=P1,P2,...]...
 *          [--bogus MAJ:MIN]... [--foreign MAJ:MIN]... [--dry-run] [-v]
 *
 * It sends COUNT (default 100000) generated messages to the family: random
 * commands, attribute types, lengths and flags, nests, path lists at and
 * past DM_MPATH_PR_MAX_PATHS, truncated, cut and oversized messages, bad
 * netlink and genetlink headers, dumps, and valid-looking ATTACH, SYNC,
 * DETACH, GET, PATH_STATE, RESYNC and SET against the real maps (--map:
 * a multipath map and its paths) and against bogus devices (--bogus: not a
 * multipath map). The same seed and arguments send the same messages.
 * Several nlfuzz may run at once, each with maps of its own: --foreign
 * names a map another one works on, which GET dumps may then describe (the
 * family runs its handlers in parallel; the order in which the messages of
 * two clients meet is not reproducible).
 *
 * The oracle. Every message is judged from its bytes, independently of the
 * generator, by a model of the family's contract: the netlink core's
 * strict validation of the per-op policies (exact integer lengths,
 * NLA_F_NESTED, unknown and reply-only attributes, trailing bytes, ranges),
 * the genetlink header checks, and what each command requires (DEV_MAJOR
 * and DEV_MINOR, a 20-bit minor, 1..64 paths, each with MAJOR and MINOR,
 * no path twice, each a slave of the map, a non-zero KEY, exactly one
 * PATH with a STATE for PATH_STATE, a value in range for SET), plus which
 * maps are attached with which paths (tracked from the answers). From that
 * a message must be refused, must succeed, or may do either (the model
 * cannot know, e.g. after an answer was lost). Checked for every message:
 *  - a message that must be refused is refused, one that must succeed
 *    succeeds; refusals carry a known errno;
 *  - a well-formed request (NLM_F_REQUEST, ACK asked) gets exactly one
 *    answer; a bad-attribute offset in an extended ACK lies inside the
 *    request;
 *  - a GET reply and every dump describe what the model says is attached
 *    (devices and number of paths; a dump may split a device).
 * At the end every real map still attached is detached, and a dump must
 * then show none. What the kernel must not do at all (KASAN, lockdep,
 * WARN, BUG) is the kernel log's business: the scenario and the VM runner
 * check it.
 *
 * Output: "nlfuzz: seed=S count=N ..." first, a summary at the end. On a
 * failure: the message index, what was expected and seen, the message in
 * hex, and the command line that reproduces it; exit status 1. Exit
 * status 2: usage or setup error (no family, no socket).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <linux/dm-mpath-pr.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define MAX_MAPS	4
#define MAX_BOGUS	16
#define MAX_PATHS	DM_MPATH_PR_MAX_PATHS
#define MINOR_MAX	0xfffffu	/* 20-bit minors */
#define MAJOR_MAX	4095u		/* 12-bit majors, the policy's limit */
#define BIG_MSG		(320 * 1024)	/* room for an oversized message */
#define BATCH_BYTES	(64 * 1024)
#define BATCH_MAX	16
#define RX_BYTES	(256 * 1024)

/* ------------------------------------------------------------ the PRNG */

static uint64_t rng_state;

/* splitmix64: small, fast, and the same everywhere */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* 0 .. n-1 (n > 0) */
static uint32_t below(uint32_t n)
{
	return (uint32_t)(((rnd() >> 32) * (uint64_t)n) >> 32);
}

/* true with probability pct percent */
static bool pct(unsigned int p)
{
	return below(100) < p;
}

/* true with probability 1/n */
static bool one_in(uint32_t n)
{
	return below(n) == 0;
}

/* ---------------------------------------------------------- the setup */

struct map {
	uint32_t major, minor;
	unsigned int npaths;
	uint32_t path_major[MAX_PATHS], path_minor[MAX_PATHS];
	/* the model: attached? 0 no, 1 yes, -1 unknown; and its path list */
	int attached;
	unsigned int nmodel;
	uint32_t model_dev[MAX_PATHS];
};

struct dev {
	uint32_t major, minor;
};

static struct map maps[MAX_MAPS];
static unsigned int nmaps;
static struct dev bogus[MAX_BOGUS];
static unsigned int nbogus;
/* maps another client works on: GET dumps may describe them */
static struct dev foreign[MAX_MAPS];
static unsigned int nforeign;
static int verbose;

static uint32_t mkdev(uint32_t major, uint32_t minor)
{
	return major << 20 | minor;
}

/* ------------------------------------------------- the message builder */

struct msg {
	uint8_t *buf;
	size_t len;		/* bytes written */
	size_t cap;
	size_t nest[8];		/* offsets of open nests */
	unsigned int depth;
	unsigned int mut;	/* mutation rate of this message, percent */
	bool raw;		/* header or length cut: send alone */
};

static void put_bytes(struct msg *m, const void *p, size_t n)
{
	if (m->len + n > m->cap)
		return;		/* the caller sizes messages; drop the rest */
	memcpy(m->buf + m->len, p, n);
	m->len += n;
}

static void pad4(struct msg *m)
{
	static const uint8_t zero[4];

	put_bytes(m, zero, (4 - (m->len & 3)) & 3);
}

/* one attribute header and payload; mutations as the message's rate says */
static void put_attr(struct msg *m, uint16_t type, const void *data, size_t n)
{
	uint8_t junk[64];
	struct nlattr h;
	size_t i, len = n;

	if (m->mut && pct(m->mut)) {
		switch (below(6)) {
		case 0:		/* another length */
			len = below(13);
			break;
		case 1:		/* the nested flag where it does not belong */
			type ^= NLA_F_NESTED;
			break;
		case 2:		/* the byte-order flag: means nothing here */
			type ^= NLA_F_NET_BYTEORDER;
			break;
		case 3:		/* another type */
			type = (uint16_t)((type & ~NLA_TYPE_MASK) | below(24));
			break;
		case 4:		/* one byte more or less */
			len = n ? n - 1 : 1;
			if (one_in(2))
				len = n + 1;
			break;
		default:	/* an attribute before this one */
			for (i = 0; i < sizeof(junk); i++)
				junk[i] = (uint8_t)rnd();
			h.nla_len = (uint16_t)(NLA_HDRLEN + below(12));
			h.nla_type = (uint16_t)below(24);
			put_bytes(m, &h, sizeof(h));
			put_bytes(m, junk, h.nla_len - NLA_HDRLEN);
			pad4(m);
			break;
		}
	}
	h.nla_len = (uint16_t)(NLA_HDRLEN + len);
	h.nla_type = type;
	put_bytes(m, &h, sizeof(h));
	for (i = 0; i < len; i++) {
		uint8_t b = i < n ? ((const uint8_t *)data)[i] : (uint8_t)rnd();

		put_bytes(m, &b, 1);
	}
	pad4(m);
}

static void put_u8(struct msg *m, uint16_t type, uint8_t v)
{
	put_attr(m, type, &v, sizeof(v));
}

static void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put_attr(m, type, &v, sizeof(v));
}

static void put_u64(struct msg *m, uint16_t type, uint64_t v)
{
	put_attr(m, type, &v, sizeof(v));
}

static void nest_start(struct msg *m, uint16_t type)
{
	struct nlattr h = { .nla_len = NLA_HDRLEN, .nla_type = type };

	if (m->mut && pct(m->mut / 2 + 1))
		h.nla_type ^= NLA_F_NESTED;	/* missing (or extra) flag */
	m->nest[m->depth++] = m->len;
	put_bytes(m, &h, sizeof(h));
}

static void nest_end(struct msg *m)
{
	size_t at = m->nest[--m->depth];
	struct nlattr h;

	if (m->mut && pct(m->mut / 3 + 1)) {
		/* 1..3 bytes the nest's attributes do not account for */
		uint8_t junk[3] = { (uint8_t)rnd(), (uint8_t)rnd(), (uint8_t)rnd() };

		put_bytes(m, junk, 1 + below(3));
	}
	if (at + sizeof(h) > m->len || m->len - at > 0xffff)
		return;
	memcpy(&h, m->buf + at, sizeof(h));
	h.nla_len = (uint16_t)(m->len - at);
	memcpy(m->buf + at, &h, sizeof(h));
	pad4(m);
}

/* -------------------------------------------------- random choices */

static const struct map *any_map(void)
{
	return nmaps ? &maps[below(nmaps)] : NULL;
}

/* a device number to name a map by: real, bogus, or a boundary */
static void pick_dev(uint32_t *major, uint32_t *minor)
{
	const struct map *mp = any_map();
	uint32_t r = below(100);

	if (mp && r < 60) {
		*major = mp->major;
		*minor = mp->minor;
		if (pct(8)) {	/* a major the policy must refuse */
			*major += (1 + below(3)) * (MAJOR_MAX + 1);
		} else if (pct(8)) {	/* a minor past 20 bits */
			*minor |= (1 + below(0xfff)) << 20;
		}
		return;
	}
	if (nbogus && r < 80) {
		*major = bogus[below(nbogus)].major;
		*minor = bogus[below(nbogus)].minor;
		if (one_in(2)) {
			const struct dev *d = &bogus[below(nbogus)];

			*major = d->major;
			*minor = d->minor;
		}
		return;
	}
	if (mp && r < 85) {	/* the map's major, another minor */
		unsigned int i;

		*major = mp->major;
		*minor = below(64);
		for (i = 0; i < nforeign; i++)	/* never another client's map */
			if (foreign[i].major == *major && foreign[i].minor == *minor)
				*minor += 64;
		return;
	}
	switch (below(6)) {
	case 0: *major = MAJOR_MAX; *minor = MINOR_MAX; break;
	case 1: *major = MAJOR_MAX + 1; *minor = 0; break;
	case 2: *major = 0; *minor = 0; break;
	case 3: *major = UINT32_MAX; *minor = UINT32_MAX; break;
	case 4: *major = below(4096); *minor = MINOR_MAX + 1; break;
	default: *major = (uint32_t)rnd(); *minor = (uint32_t)rnd(); break;
	}
}

/* a path's device number: of the map, of another map, or bogus */
static void pick_path(const struct map *mp, uint32_t *major, uint32_t *minor)
{
	const struct map *other = any_map();
	uint32_t r = below(100);

	if (mp && mp->npaths && r < 70) {
		unsigned int i = below(mp->npaths);

		*major = mp->path_major[i];
		*minor = mp->path_minor[i];
	} else if (other && other->npaths && r < 82) {
		unsigned int i = below(other->npaths);

		*major = other->path_major[i];
		*minor = other->path_minor[i];
	} else if (nbogus && r < 90) {
		const struct dev *d = &bogus[below(nbogus)];

		*major = d->major;
		*minor = d->minor;
	} else if (r < 95) {
		*major = 8;
		*minor = below(256);
	} else {
		*major = below(8) ? below(300) : (uint32_t)rnd();
		*minor = below(8) ? below(1024) : (uint32_t)rnd();
	}
}

static void put_dev(struct msg *m, uint32_t major, uint32_t minor)
{
	bool swap = one_in(4);

	if (!pct(3))
		put_u32(m, swap ? DM_MPATH_PR_A_DEV_MINOR : DM_MPATH_PR_A_DEV_MAJOR,
			swap ? minor : major);
	if (!pct(3))
		put_u32(m, swap ? DM_MPATH_PR_A_DEV_MAJOR : DM_MPATH_PR_A_DEV_MINOR,
			swap ? major : minor);
	if (pct(3)) {		/* named twice: the last one counts */
		uint32_t ma, mi;

		pick_dev(&ma, &mi);
		put_u32(m, one_in(2) ? DM_MPATH_PR_A_DEV_MAJOR : DM_MPATH_PR_A_DEV_MINOR,
			one_in(2) ? ma : mi);
	}
}

/* one PATH nest; state < 0: none */
static void put_path(struct msg *m, uint32_t major, uint32_t minor, int64_t state)
{
	bool mut = m->mut;

	nest_start(m, DM_MPATH_PR_A_PATH | NLA_F_NESTED);
	if (!mut || !pct(4))
		put_u32(m, DM_MPATH_PR_A_PATH_MAJOR, major);
	if (!mut || !pct(4))
		put_u32(m, DM_MPATH_PR_A_PATH_MINOR, minor);
	if (state >= 0)
		put_u32(m, DM_MPATH_PR_A_PATH_STATE, (uint32_t)state);
	if (mut && pct(4))	/* a reply-only attribute of the nest */
		put_u32(m, (uint16_t)(DM_MPATH_PR_A_PATH_NAME + below(8)), (uint32_t)rnd());
	nest_end(m);
}

/* the path list of an ATTACH or SYNC of map mp (may be NULL) */
static void put_path_list(struct msg *m, const struct map *mp)
{
	uint32_t ma, mi, r = below(100);
	unsigned int n, i, j, order[MAX_PATHS];

	if (r < 3)
		return;		/* none */
	if (mp && mp->npaths && r < 55) {
		/* a subset of the map's own paths, in any order */
		for (i = 0; i < mp->npaths; i++)
			order[i] = i;
		for (i = mp->npaths - 1; i > 0; i--) {
			j = below(i + 1);
			n = order[i];
			order[i] = order[j];
			order[j] = n;
		}
		n = 1 + below(mp->npaths);
		if (pct(70))
			n = mp->npaths;
		for (i = 0; i < n; i++)
			put_path(m, mp->path_major[order[i]], mp->path_minor[order[i]],
				 pct(2) ? (int64_t)below(4) : -1);
		if (pct(10)) {	/* one more: of the map again, or another */
			pick_path(mp, &ma, &mi);
			put_path(m, ma, mi, -1);
		}
		return;
	}
	if (r < 75) {
		n = 1 + below(6);
	} else {
		/* at and past the limit */
		static const unsigned int lim[] = {
			MAX_PATHS - 1, MAX_PATHS, MAX_PATHS, MAX_PATHS + 1,
			MAX_PATHS + 1, MAX_PATHS + 2, 2 * MAX_PATHS, 200, 300,
		};
		n = lim[below(ARRAY_SIZE(lim))];
		if (pct(70))
			m->mut = 0;	/* mostly well-formed: reach the limit */
	}
	for (i = 0; i < n; i++) {
		if (i < MAX_PATHS && mp && i < mp->npaths && pct(50)) {
			ma = mp->path_major[i];
			mi = mp->path_minor[i];
		} else if (n > 8 && pct(80)) {
			/* distinct numbers nobody has */
			ma = 8 + below(2);
			mi = 4096 + i;
		} else {
			pick_path(mp, &ma, &mi);
		}
		put_path(m, ma, mi, pct(1) ? 1 : -1);
	}
}

/* a SET value: in range, at a boundary, or just past it */
static uint32_t set_value(uint32_t min, uint32_t max)
{
	switch (below(8)) {
	case 0: return min;
	case 1: return max;
	case 2: return min - 1;
	case 3: return max + 1;
	case 4: return 0;
	case 5: return UINT32_MAX;
	default: return min + below(max - min + 1);
	}
}

static void put_genl(struct msg *m, uint16_t family, uint16_t flags, uint8_t cmd)
{
	struct nlmsghdr nlh = {
		.nlmsg_type = family,
		.nlmsg_flags = flags,
	};
	struct genlmsghdr g = { .cmd = cmd, .version = DM_MPATH_PR_FAMILY_VERSION };

	if (m->mut && pct(m->mut / 4 + 1))
		g.version = (uint8_t)rnd();
	if (m->mut && pct(m->mut / 6 + 1))
		g.reserved = (uint16_t)rnd();
	put_bytes(m, &nlh, sizeof(nlh));
	put_bytes(m, &g, sizeof(g));
}

static uint16_t req_flags(void)
{
	uint16_t f = NLM_F_REQUEST | NLM_F_ACK;

	if (pct(5))
		f &= (uint16_t)~NLM_F_ACK;
	if (pct(2))
		f |= NLM_F_ECHO;
	if (pct(2))
		f = (uint16_t)rnd();
	return f;
}

/* a command as a client would send it, with the message's mutations */
static void gen_command(struct msg *m, uint16_t family)
{
	static const uint8_t cmds[] = {
		DM_MPATH_PR_CMD_ATTACH, DM_MPATH_PR_CMD_ATTACH, DM_MPATH_PR_CMD_ATTACH,
		DM_MPATH_PR_CMD_SYNC, DM_MPATH_PR_CMD_SYNC,
		DM_MPATH_PR_CMD_DETACH, DM_MPATH_PR_CMD_DETACH,
		DM_MPATH_PR_CMD_GET, DM_MPATH_PR_CMD_GET, DM_MPATH_PR_CMD_GET,
		DM_MPATH_PR_CMD_PATH_STATE, DM_MPATH_PR_CMD_PATH_STATE,
		DM_MPATH_PR_CMD_RESYNC, DM_MPATH_PR_CMD_SET, DM_MPATH_PR_CMD_SET,
	};
	uint8_t cmd = cmds[below(ARRAY_SIZE(cmds))];
	uint16_t flags = req_flags();
	const struct map *mp = NULL;
	uint32_t major, minor, ma, mi;
	unsigned int i, n;

	if (pct(3))
		cmd = (uint8_t)(one_in(2) ? below(DM_MPATH_PR_CMD_MAX + 3) : rnd());
	if (cmd == DM_MPATH_PR_CMD_GET && pct(20))
		flags |= NLM_F_DUMP;
	put_genl(m, family, flags, cmd);
	pick_dev(&major, &minor);
	for (i = 0; i < nmaps; i++)
		if (maps[i].major == major && maps[i].minor == minor)
			mp = &maps[i];
	if (!(flags & NLM_F_DUMP) || pct(20))
		put_dev(m, major, minor);

	switch (cmd) {
	case DM_MPATH_PR_CMD_ATTACH:
	case DM_MPATH_PR_CMD_SYNC:
		if (pct(30))
			mp = any_map();	/* the paths of another map */
		put_path_list(m, mp);
		if (pct(45))
			put_u64(m, DM_MPATH_PR_A_KEY, pct(10) ? 0 : rnd());
		break;
	case DM_MPATH_PR_CMD_PATH_STATE:
		n = pct(92) ? 1 : below(4);
		for (i = 0; i < n; i++) {
			pick_path(mp, &ma, &mi);
			put_path(m, ma, mi, pct(90) ? 1 + below(2) : (int64_t)below(5));
		}
		break;
	case DM_MPATH_PR_CMD_SET:
		if (pct(60))
			put_u32(m, DM_MPATH_PR_A_PROBE_INTERVAL, set_value(50, 3600000));
		if (pct(50))
			put_u32(m, DM_MPATH_PR_A_AUDIT_INTERVAL, set_value(1000, 86400000));
		if (pct(50))
			put_u32(m, DM_MPATH_PR_A_DEADLINE, set_value(100, 300000));
		if (pct(30))	/* 0 or 1; 2 and up are out of range */
			put_u8(m, DM_MPATH_PR_A_SGIO,
			       (uint8_t)(pct(90) ? below(2) : 2 + below(254)));
		break;
	default:
		break;
	}
	if (m->mut && pct(m->mut)) {	/* an attribute of some other op */
		static const uint16_t t[] = {
			DM_MPATH_PR_A_PAD, DM_MPATH_PR_A_DEV_NAME, DM_MPATH_PR_A_KEY,
			DM_MPATH_PR_A_APTPL, DM_MPATH_PR_A_HOLDER_MAJOR,
			DM_MPATH_PR_A_RES_TYPE, DM_MPATH_PR_A_OPS,
			DM_MPATH_PR_A_PROBE_INTERVAL, DM_MPATH_PR_A_LATENCY_US,
			DM_MPATH_PR_A_MAX + 1, 0,
		};
		put_u32(m, t[below(ARRAY_SIZE(t))], (uint32_t)rnd());
	}
}

/* any attributes at all: random types, lengths, flags and nests */
static void gen_random_attrs(struct msg *m, unsigned int depth)
{
	unsigned int i, n = below(depth ? 6 : 12);
	uint8_t data[40];

	for (i = 0; i < n; i++) {
		uint16_t type = (uint16_t)(below(10) ? below(22) : rnd());
		size_t len, j;

		if (depth < 3 && pct(25)) {
			nest_start(m, (uint16_t)(type | (pct(80) ? NLA_F_NESTED : 0)));
			gen_random_attrs(m, depth + 1);
			nest_end(m);
			continue;
		}
		len = pct(60) ? (size_t)(4 << below(2)) : below(sizeof(data));
		for (j = 0; j < len; j++)
			data[j] = (uint8_t)(pct(50) ? rnd() : 0);
		put_attr(m, type, data, len);
	}
}

/* ------------------------------------------------------------- oracle */

enum expect {
	EXP_FAIL,	/* must be refused */
	EXP_OK,		/* must succeed */
	EXP_ANY,	/* either */
	EXP_NONE,	/* the kernel drops it without an answer */
};

static const char *const exp_names[] = {
	[EXP_FAIL] = "refused", [EXP_OK] = "accepted", [EXP_ANY] = "either",
	[EXP_NONE] = "no answer",
};

/* what the model says about one message */
struct verdict {
	enum expect exp;
	const char *why;	/* the first rule that decided it */
	bool answered;		/* an answer is due (ACK asked, or a refusal) */
	bool acked;		/* NLM_F_ACK */
	bool dump;
	bool exact;		/* parsed as the kernel parses it */
	int cmd;
	int map;		/* index into maps[], -1 none */
	unsigned int npaths;
	uint32_t paths[MAX_PATHS];
};

enum pol_type { P_NONE, P_U8, P_U32, P_U64, P_NEST };

struct pol {
	enum pol_type type;
	uint32_t min, max;
	const struct polset *nest;
};

struct polset {
	int maxtype;
	struct pol p[DM_MPATH_PR_A_MAX + 1];
};

#define U32_ANY		{ P_U32, 0, UINT32_MAX, NULL }
#define U32_MAJOR	{ P_U32, 0, MAJOR_MAX, NULL }

/* Documentation/netlink/specs/dm-mpath-pr.yaml, as kernel/netlink-gen.c */
static const struct polset pol_path_id = {
	.maxtype = DM_MPATH_PR_A_PATH_MINOR,
	.p = {
		[DM_MPATH_PR_A_PATH_MAJOR] = U32_MAJOR,
		[DM_MPATH_PR_A_PATH_MINOR] = U32_ANY,
	},
};

static const struct polset pol_path_hint = {
	.maxtype = DM_MPATH_PR_A_PATH_STATE,
	.p = {
		[DM_MPATH_PR_A_PATH_MAJOR] = U32_MAJOR,
		[DM_MPATH_PR_A_PATH_MINOR] = U32_ANY,
		[DM_MPATH_PR_A_PATH_STATE] = { P_U32, 1, 2, NULL },
	},
};

static const struct polset pol_attach = {
	.maxtype = DM_MPATH_PR_A_KEY,
	.p = {
		[DM_MPATH_PR_A_DEV_MAJOR] = U32_MAJOR,
		[DM_MPATH_PR_A_DEV_MINOR] = U32_ANY,
		[DM_MPATH_PR_A_PATH] = { P_NEST, 0, 0, &pol_path_id },
		[DM_MPATH_PR_A_KEY] = { P_U64, 0, 0, NULL },
	},
};

static const struct polset pol_dev = {
	.maxtype = DM_MPATH_PR_A_DEV_MINOR,
	.p = {
		[DM_MPATH_PR_A_DEV_MAJOR] = U32_MAJOR,
		[DM_MPATH_PR_A_DEV_MINOR] = U32_ANY,
	},
};

static const struct polset pol_path_state = {
	.maxtype = DM_MPATH_PR_A_PATH,
	.p = {
		[DM_MPATH_PR_A_DEV_MAJOR] = U32_MAJOR,
		[DM_MPATH_PR_A_DEV_MINOR] = U32_ANY,
		[DM_MPATH_PR_A_PATH] = { P_NEST, 0, 0, &pol_path_hint },
	},
};

static const struct polset pol_set = {
	.maxtype = DM_MPATH_PR_A_SGIO,
	.p = {
		[DM_MPATH_PR_A_DEV_MAJOR] = U32_MAJOR,
		[DM_MPATH_PR_A_DEV_MINOR] = U32_ANY,
		[DM_MPATH_PR_A_PROBE_INTERVAL] = U32_ANY,
		[DM_MPATH_PR_A_AUDIT_INTERVAL] = U32_ANY,
		[DM_MPATH_PR_A_DEADLINE] = U32_ANY,
		[DM_MPATH_PR_A_SGIO] = { P_U8, 0, 1, NULL },
	},
};

static const struct polset *op_policy(int cmd)
{
	switch (cmd) {
	case DM_MPATH_PR_CMD_ATTACH:
	case DM_MPATH_PR_CMD_SYNC:
		return &pol_attach;
	case DM_MPATH_PR_CMD_DETACH:
	case DM_MPATH_PR_CMD_GET:
	case DM_MPATH_PR_CMD_RESYNC:
		return &pol_dev;
	case DM_MPATH_PR_CMD_PATH_STATE:
		return &pol_path_state;
	case DM_MPATH_PR_CMD_SET:
		return &pol_set;
	}
	return NULL;
}

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

#define NLA_ALIGN4(n) (((n) + 3) & ~(size_t)3)

/*
 * The netlink core's strict validation (lib/nlattr.c, NL_VALIDATE_STRICT)
 * of len bytes of attributes against ps; tb gets the last attribute of
 * each type. Returns a reason, or NULL when valid.
 */
static const char *validate(const uint8_t *p, size_t len, const struct polset *ps,
			    const uint8_t **tb)
{
	long rem = (long)len;

	while (rem >= NLA_HDRLEN) {
		uint16_t nla_len = rd16(p), nla_type = rd16(p + 2);
		unsigned int t = nla_type & NLA_TYPE_MASK;
		bool nested = nla_type & NLA_F_NESTED;
		size_t alen;
		const struct pol *pt;
		const char *why;

		if (nla_len < NLA_HDRLEN || nla_len > rem)
			break;
		alen = nla_len - NLA_HDRLEN;
		if (t == 0 || (int)t > ps->maxtype)
			return "unknown attribute type";
		pt = &ps->p[t];
		switch (pt->type) {
		case P_NONE:
			return "attribute not in the policy";
		case P_U8:
			if (alen != 1)
				return "u8 of the wrong length";
			if (nested)
				return "NLA_F_NESTED on a u8";
			if (p[NLA_HDRLEN] < pt->min || p[NLA_HDRLEN] > pt->max)
				return "u8 out of the policy's range";
			break;
		case P_U32:
			if (alen != 4)
				return "u32 of the wrong length";
			if (nested)
				return "NLA_F_NESTED on a u32";
			if (rd32(p + NLA_HDRLEN) < pt->min || rd32(p + NLA_HDRLEN) > pt->max)
				return "u32 out of the policy's range";
			break;
		case P_U64:
			if (alen != 8)
				return "u64 of the wrong length";
			if (nested)
				return "NLA_F_NESTED on a u64";
			break;
		case P_NEST:
			if (!nested)
				return "nest without NLA_F_NESTED";
			if (alen && alen < NLA_HDRLEN)
				return "nest shorter than an attribute";
			if (alen) {
				const uint8_t *inner[DM_MPATH_PR_A_MAX + 1] = { NULL };

				why = validate(p + NLA_HDRLEN, alen, pt->nest, inner);
				if (why)
					return why;
			}
			break;
		}
		if (tb)
			tb[t] = p;
		rem -= (long)NLA_ALIGN4(nla_len);
		p += NLA_ALIGN4(nla_len);
	}
	if (rem > 0)
		return "bytes left after the attributes";
	return NULL;
}

static int find_map(uint32_t major, uint32_t minor)
{
	unsigned int i;

	for (i = 0; i < nmaps; i++)
		if (maps[i].major == major && maps[i].minor == minor)
			return (int)i;
	return -1;
}

static bool map_has_path(const struct map *mp, uint32_t dev)
{
	unsigned int i;

	for (i = 0; i < mp->npaths; i++)
		if (mkdev(mp->path_major[i], mp->path_minor[i]) == dev)
			return true;
	return false;
}

static bool model_has_path(const struct map *mp, uint32_t dev)
{
	unsigned int i;

	for (i = 0; i < mp->nmodel; i++)
		if (mp->model_dev[i] == dev)
			return true;
	return false;
}

static enum expect decided(struct verdict *v, enum expect e, const char *why)
{
	v->exp = e;
	v->why = why;
	return e;
}

/* The device a command names (mpr_nl_dev()), into v->map. */
static const char *check_dev(const uint8_t **tb, struct verdict *v)
{
	uint32_t major, minor;

	if (!tb[DM_MPATH_PR_A_DEV_MAJOR] || !tb[DM_MPATH_PR_A_DEV_MINOR])
		return "DEV_MAJOR or DEV_MINOR missing";
	major = rd32(tb[DM_MPATH_PR_A_DEV_MAJOR] + NLA_HDRLEN);
	minor = rd32(tb[DM_MPATH_PR_A_DEV_MINOR] + NLA_HDRLEN);
	if (minor > MINOR_MAX)
		return "minor past 20 bits";
	v->map = find_map(major, minor);
	return NULL;
}

static const char FOREIGN[] = "another client's map";

static bool is_foreign(const uint8_t **tb)
{
	unsigned int i;

	for (i = 0; i < nforeign; i++)
		if (foreign[i].major == rd32(tb[DM_MPATH_PR_A_DEV_MAJOR] + NLA_HDRLEN) &&
		    foreign[i].minor == rd32(tb[DM_MPATH_PR_A_DEV_MINOR] + NLA_HDRLEN))
			return true;
	return false;
}

/* the handler found no attachment (or no such map) */
#define NO_MAP "not one of the multipath maps"

/* Judge the message m (len bytes in the buffer, sent as they are). */
static void judge(const uint8_t *buf, size_t len, uint16_t family, struct verdict *v)
{
	const uint8_t *tb[DM_MPATH_PR_A_MAX + 1] = { NULL };
	const struct polset *ps;
	struct nlmsghdr nlh;
	struct genlmsghdr g;
	const char *why;
	uint16_t f;
	size_t alen;
	const uint8_t *p;
	long rem;

	memset(v, 0, sizeof(*v));
	v->map = -1;
	v->cmd = -1;
	if (len < NLMSG_HDRLEN) {
		decided(v, EXP_NONE, "shorter than a netlink header");
		return;
	}
	memcpy(&nlh, buf, sizeof(nlh));
	if (nlh.nlmsg_len < NLMSG_HDRLEN || nlh.nlmsg_len > len) {
		decided(v, EXP_NONE, "nlmsg_len past the data sent");
		return;
	}
	v->acked = nlh.nlmsg_flags & NLM_F_ACK;
	/* the bytes past nlmsg_len are another message: not judged */
	v->exact = NLA_ALIGN4(nlh.nlmsg_len) >= len;
	if (!(nlh.nlmsg_flags & NLM_F_REQUEST)) {
		v->answered = v->acked;
		decided(v, EXP_OK, "not a request: acknowledged, not handled");
		return;
	}
	if (nlh.nlmsg_type < NLMSG_MIN_TYPE) {
		v->answered = v->acked;
		decided(v, EXP_OK, "a control message: acknowledged, not handled");
		return;
	}
	v->answered = true;	/* a refusal is always answered */
	if (nlh.nlmsg_type != family) {
		decided(v, EXP_ANY, "another family");
		return;
	}
	if (nlh.nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		decided(v, EXP_FAIL, "no genetlink header");
		return;
	}
	memcpy(&g, buf + NLMSG_HDRLEN, sizeof(g));
	v->cmd = g.cmd;
	if (g.reserved) {
		decided(v, EXP_FAIL, "genlmsghdr.reserved is not 0");
		return;
	}
	f = nlh.nlmsg_flags;
	if ((f & NLM_F_DUMP) == NLM_F_DUMP)
		f &= (uint16_t)~NLM_F_DUMP;
	if (f & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO)) {
		decided(v, EXP_FAIL, "reserved nlmsg_flags");
		return;
	}
	v->dump = (nlh.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	ps = op_policy(g.cmd);
	if (!ps || (v->dump && g.cmd != DM_MPATH_PR_CMD_GET)) {
		decided(v, EXP_FAIL, "no such operation");
		return;
	}
	alen = nlh.nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	why = validate(buf + NLMSG_HDRLEN + GENL_HDRLEN, alen, ps, tb);
	if (why) {
		decided(v, EXP_FAIL, why);
		return;
	}
	if (v->dump) {
		v->answered = true;
		decided(v, EXP_OK, "a dump");
		return;
	}
	v->answered = v->acked || g.cmd == DM_MPATH_PR_CMD_GET;
	why = check_dev(tb, v);
	if (why) {
		/* the first check of every handler */
		decided(v, EXP_FAIL, why);
		return;
	}
	if (is_foreign(tb)) {
		decided(v, EXP_ANY, FOREIGN);
		return;
	}

	switch (g.cmd) {
	case DM_MPATH_PR_CMD_ATTACH:
	case DM_MPATH_PR_CMD_SYNC: {
		const struct map *mp;
		unsigned int i, j;

		p = buf + NLMSG_HDRLEN + GENL_HDRLEN;
		rem = (long)alen;
		while (rem >= NLA_HDRLEN && rd16(p) >= NLA_HDRLEN && rd16(p) <= rem) {
			const uint8_t *in[DM_MPATH_PR_A_MAX + 1] = { NULL };
			uint32_t minor;

			if ((rd16(p + 2) & NLA_TYPE_MASK) == DM_MPATH_PR_A_PATH) {
				if (v->npaths == MAX_PATHS) {
					decided(v, EXP_FAIL, "more than 64 paths");
					return;
				}
				validate(p + NLA_HDRLEN, rd16(p) - NLA_HDRLEN, &pol_path_id, in);
				if (!in[DM_MPATH_PR_A_PATH_MAJOR] || !in[DM_MPATH_PR_A_PATH_MINOR]) {
					decided(v, EXP_FAIL, "a path without MAJOR or MINOR");
					return;
				}
				minor = rd32(in[DM_MPATH_PR_A_PATH_MINOR] + NLA_HDRLEN);
				if (minor > MINOR_MAX) {
					decided(v, EXP_FAIL, "a path's minor past 20 bits");
					return;
				}
				v->paths[v->npaths++] =
					mkdev(rd32(in[DM_MPATH_PR_A_PATH_MAJOR] + NLA_HDRLEN), minor);
			}
			rem -= (long)NLA_ALIGN4(rd16(p));
			p += NLA_ALIGN4(rd16(p));
		}
		if (!v->npaths) {
			decided(v, EXP_FAIL, "no path");
			return;
		}
		if (tb[DM_MPATH_PR_A_KEY] && !rd64(tb[DM_MPATH_PR_A_KEY] + NLA_HDRLEN)) {
			decided(v, EXP_FAIL, "KEY 0");
			return;
		}
		if (v->map < 0) {
			decided(v, EXP_FAIL, NO_MAP);
			return;
		}
		mp = &maps[v->map];
		for (i = 0; i < v->npaths; i++) {
			for (j = 0; j < i; j++)
				if (v->paths[j] == v->paths[i]) {
					decided(v, EXP_FAIL, "a path given twice");
					return;
				}
			if (!map_has_path(mp, v->paths[i])) {
				decided(v, EXP_FAIL, "a path that is not a slave of the map");
				return;
			}
		}
		if (g.cmd == DM_MPATH_PR_CMD_SYNC && mp->attached == 0) {
			decided(v, EXP_FAIL, "SYNC of a map not attached");
			return;
		}
		if (g.cmd == DM_MPATH_PR_CMD_SYNC && mp->attached < 0) {
			decided(v, EXP_ANY, "SYNC of a map the model lost track of");
			return;
		}
		decided(v, EXP_OK, "a valid ATTACH or SYNC");
		return;
	}
	case DM_MPATH_PR_CMD_PATH_STATE: {
		const struct map *mp = v->map < 0 ? NULL : &maps[v->map];
		const uint8_t *nest = NULL, *in[DM_MPATH_PR_A_MAX + 1] = { NULL };
		uint32_t minor;

		p = buf + NLMSG_HDRLEN + GENL_HDRLEN;
		rem = (long)alen;
		while (rem >= NLA_HDRLEN && rd16(p) >= NLA_HDRLEN && rd16(p) <= rem) {
			if ((rd16(p + 2) & NLA_TYPE_MASK) == DM_MPATH_PR_A_PATH) {
				if (nest) {
					decided(v, EXP_FAIL, "PATH_STATE with two paths");
					return;
				}
				nest = p;
			}
			rem -= (long)NLA_ALIGN4(rd16(p));
			p += NLA_ALIGN4(rd16(p));
		}
		if (!nest) {
			decided(v, EXP_FAIL, "PATH_STATE without a path");
			return;
		}
		validate(nest + NLA_HDRLEN, rd16(nest) - NLA_HDRLEN, &pol_path_hint, in);
		if (!in[DM_MPATH_PR_A_PATH_MAJOR] || !in[DM_MPATH_PR_A_PATH_MINOR] ||
		    !in[DM_MPATH_PR_A_PATH_STATE]) {
			decided(v, EXP_FAIL, "a path hint without MAJOR, MINOR or STATE");
			return;
		}
		minor = rd32(in[DM_MPATH_PR_A_PATH_MINOR] + NLA_HDRLEN);
		if (minor > MINOR_MAX) {
			decided(v, EXP_FAIL, "a path's minor past 20 bits");
			return;
		}
		if (!mp) {
			decided(v, EXP_FAIL, NO_MAP);
			return;
		}
		if (mp->attached == 0) {
			decided(v, EXP_FAIL, "PATH_STATE of a map not attached");
			return;
		}
		if (mp->attached < 0) {
			decided(v, EXP_ANY, "PATH_STATE of a map the model lost track of");
			return;
		}
		if (!model_has_path(mp, mkdev(rd32(in[DM_MPATH_PR_A_PATH_MAJOR] + NLA_HDRLEN),
					      minor))) {
			decided(v, EXP_FAIL, "PATH_STATE of a path not in the map's list");
			return;
		}
		decided(v, EXP_OK, "a valid PATH_STATE");
		return;
	}
	case DM_MPATH_PR_CMD_SET: {
		static const struct {
			int attr;
			bool off;
			uint32_t min, max;
		} s[] = {
			{ DM_MPATH_PR_A_PROBE_INTERVAL, false, 50, 3600000 },
			{ DM_MPATH_PR_A_AUDIT_INTERVAL, true, 1000, 86400000 },
			{ DM_MPATH_PR_A_DEADLINE, false, 100, 300000 },
		};
		bool any = tb[DM_MPATH_PR_A_SGIO] != NULL;	/* policy: 0..1 */
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(s); i++) {
			uint32_t val;

			if (!tb[s[i].attr])
				continue;
			val = rd32(tb[s[i].attr] + NLA_HDRLEN);
			if ((val || !s[i].off) && (val < s[i].min || val > s[i].max)) {
				decided(v, EXP_FAIL, "a setting out of range");
				return;
			}
			any = true;
		}
		if (!any) {
			decided(v, EXP_FAIL, "SET of nothing");
			return;
		}
	}
	/* fall through */
	case DM_MPATH_PR_CMD_DETACH:
	case DM_MPATH_PR_CMD_GET:
	case DM_MPATH_PR_CMD_RESYNC:
		if (v->map < 0)
			decided(v, EXP_FAIL, NO_MAP);
		else if (maps[v->map].attached == 0)
			decided(v, EXP_FAIL, "a map not attached");
		else if (maps[v->map].attached < 0)
			decided(v, EXP_ANY, "a map the model lost track of");
		else
			decided(v, EXP_OK, "an attached map");
		return;
	}
	decided(v, EXP_ANY, "?");
}

/* ----------------------------------------------------------- netlink */

static int sock = -1;
static uint32_t portid;
static uint8_t rxbuf[RX_BYTES];

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("nlfuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void open_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t sl = sizeof(sa);
	int one = 1, big = 4 << 20;

	sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (sock < 0)
		die("socket: %s", strerror(errno));
	if (bind(sock, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(sock, (struct sockaddr *)&sa, &sl))
		die("bind: %s", strerror(errno));
	portid = sa.nl_pid;
	setsockopt(sock, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(sock, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* room for an oversized message and for a batch's answers */
	if (setsockopt(sock, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)))
		setsockopt(sock, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	if (setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
}

/* the family's id from the genetlink controller */
static uint16_t resolve_family(void)
{
	uint8_t req[64] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	struct genlmsghdr *g = (struct genlmsghdr *)(req + NLMSG_HDRLEN);
	struct nlattr *a = (struct nlattr *)(req + NLMSG_HDRLEN + GENL_HDRLEN);
	size_t nlen = strlen(DM_MPATH_PR_FAMILY_NAME) + 1;
	ssize_t n;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = 1;
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = (uint16_t)(NLA_HDRLEN + nlen);
	memcpy(a + 1, DM_MPATH_PR_FAMILY_NAME, nlen);
	nlh->nlmsg_len = (uint32_t)(NLMSG_HDRLEN + GENL_HDRLEN + NLA_ALIGN4(a->nla_len));
	if (send(sock, req, nlh->nlmsg_len, 0) < 0)
		die("send: %s", strerror(errno));
	n = recv(sock, rxbuf, sizeof(rxbuf), 0);
	if (n < 0)
		die("recv: %s", strerror(errno));
	for (nlh = (struct nlmsghdr *)rxbuf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
		const uint8_t *p;
		long rem;

		if (nlh->nlmsg_type == NLMSG_ERROR)
			die("family %s: %s (module not loaded?)", DM_MPATH_PR_FAMILY_NAME,
			    strerror(-((struct nlmsgerr *)NLMSG_DATA(nlh))->error));
		if (nlh->nlmsg_type != GENL_ID_CTRL)
			continue;
		p = (const uint8_t *)NLMSG_DATA(nlh) + GENL_HDRLEN;
		rem = (long)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
		while (rem >= NLA_HDRLEN && rd16(p) >= NLA_HDRLEN && rd16(p) <= rem) {
			if ((rd16(p + 2) & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
				return rd16(p + NLA_HDRLEN);
			rem -= (long)NLA_ALIGN4(rd16(p));
			p += NLA_ALIGN4(rd16(p));
		}
	}
	die("no id for family %s", DM_MPATH_PR_FAMILY_NAME);
	return 0;
}

/* ------------------------------------------------------------ the run */

struct pending {
	struct verdict v;
	uint32_t seq;
	uint32_t nlmsg_len;
	size_t off;		/* in the batch buffer */
	size_t len;
	/* answers seen */
	int error;		/* the ACK's error, or 1 if none yet */
	unsigned int answers;
	unsigned int replies;	/* GET replies or dump parts */
	int done;		/* NLMSG_DONE's error, or 1 */
	unsigned int dev_seen[MAX_MAPS];	/* path nests per map, GET/dump */
	bool dev_other;		/* a device not among the maps */
	unsigned long long index;
	char extack[128];	/* the extended ACK's message */
};

static struct {
	unsigned long long sent, batches, answered, refused, accepted, unanswered;
	unsigned long long exp[4], sendfail, stray, dumps, replies;
	unsigned long long errnos[256];
	unsigned long long why_fail_ok;
	/* where the time goes, by the costliest thing a batch did */
	double cls_s[6];
	unsigned long long cls_n[6];
} st;

static const char *const cls_names[] = {
	"refusals", "GET/dumps", "RESYNC/PATH_STATE/SET", "DETACH", "ATTACH/SYNC",
	"oversized",
};

/* what an accepted message costs the kernel, roughly */
static unsigned int msg_class(const struct verdict *v, bool accepted)
{
	if (!accepted)
		return 0;
	switch (v->cmd) {
	case DM_MPATH_PR_CMD_ATTACH:
	case DM_MPATH_PR_CMD_SYNC:
		return 4;
	case DM_MPATH_PR_CMD_DETACH:
		return 3;
	case DM_MPATH_PR_CMD_RESYNC:
	case DM_MPATH_PR_CMD_PATH_STATE:
	case DM_MPATH_PR_CMD_SET:
		return 2;
	case DM_MPATH_PR_CMD_GET:
		return 1;
	}
	return 0;
}

static uint64_t seed;
static unsigned long long count = 100000;
static uint8_t batch[BATCH_BYTES];
static uint8_t bigbuf[BIG_MSG];
static struct pending pend[BATCH_MAX];
static unsigned int npend;
static int failed;
static char args_line[4096];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void hexdump(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < 512; i++)
		fprintf(stderr, "%02x%s", p[i], (i & 15) == 15 ? "\n" : " ");
	if (len > 512)
		fprintf(stderr, "... (%zu bytes)", len);
	fputc('\n', stderr);
}

static void fail_msg(const struct pending *pm, const uint8_t *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "nlfuzz: FAIL: message %llu (seed %" PRIu64 ", seq %u, cmd %d): ",
		pm->index, seed, pm->seq, pm->v.cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nnlfuzz:   the kernel said: \"%s\"; the model: %s (%s)\n",
		pm->extack, exp_names[pm->v.exp], pm->v.why);
	fprintf(stderr, "nlfuzz:   reproduce: nlfuzz --seed %" PRIu64 " --count %llu%s\n",
		seed, pm->index + 1, args_line);
	fprintf(stderr, "nlfuzz:   the message (%zu bytes):\n", pm->len);
	hexdump(buf, pm->len);
	va_end(ap);
	failed++;
}

static struct pending *find_pending(uint32_t seq)
{
	unsigned int i;

	for (i = 0; i < npend; i++)
		if (pend[i].seq == seq)
			return &pend[i];
	return NULL;
}

/* a GET reply or dump part: which map, how many paths */
static void note_reply(struct pending *pm, const struct nlmsghdr *nlh)
{
	const uint8_t *p = (const uint8_t *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	long rem = (long)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	uint32_t major = UINT32_MAX, minor = UINT32_MAX;
	unsigned int paths = 0;
	int m;

	while (rem >= NLA_HDRLEN && rd16(p) >= NLA_HDRLEN && rd16(p) <= rem) {
		unsigned int t = rd16(p + 2) & NLA_TYPE_MASK;

		if (t == DM_MPATH_PR_A_DEV_MAJOR && rd16(p) == NLA_HDRLEN + 4)
			major = rd32(p + NLA_HDRLEN);
		else if (t == DM_MPATH_PR_A_DEV_MINOR && rd16(p) == NLA_HDRLEN + 4)
			minor = rd32(p + NLA_HDRLEN);
		else if (t == DM_MPATH_PR_A_PATH)
			paths++;
		rem -= (long)NLA_ALIGN4(rd16(p));
		p += NLA_ALIGN4(rd16(p));
	}
	pm->replies++;
	st.replies++;
	m = find_map(major, minor);
	if (m < 0) {
		unsigned int i;

		for (i = 0; i < nforeign; i++)
			if (foreign[i].major == major && foreign[i].minor == minor)
				return;
		pm->dev_other = true;
	} else
		pm->dev_seen[m] += paths + 1000;	/* +1000: seen at all */
}

/* read every answer that is queued; the kernel handled the batch already */
static void drain(void)
{
	for (;;) {
		ssize_t n = recv(sock, rxbuf, sizeof(rxbuf), MSG_DONTWAIT);
		struct nlmsghdr *nlh;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == ENOBUFS) {
				fprintf(stderr, "nlfuzz: answers lost (ENOBUFS)\n");
				failed++;
				return;
			}
			die("recv: %s", strerror(errno));
		}
		for (nlh = (struct nlmsghdr *)rxbuf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			struct pending *pm = find_pending(nlh->nlmsg_seq);

			if (!pm) {
				st.stray++;
				continue;
			}
			pm->answers++;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);
				const uint8_t *p;
				long rem;

				if (pm->error != 1)
					pm->answers += 100;	/* two ACKs */
				pm->error = e->error;
				/* extended ACK TLVs after the capped request header */
				p = (const uint8_t *)(e + 1);
				rem = (long)nlh->nlmsg_len - NLMSG_HDRLEN - (long)sizeof(*e);
				while (rem >= NLA_HDRLEN && rd16(p) >= NLA_HDRLEN && rd16(p) <= rem) {
					if ((rd16(p + 2) & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
						snprintf(pm->extack, sizeof(pm->extack), "%.*s",
							 (int)(rd16(p) - NLA_HDRLEN),
							 (const char *)p + NLA_HDRLEN);
					if ((rd16(p + 2) & NLA_TYPE_MASK) == NLMSGERR_ATTR_OFFS &&
					    rd16(p) == NLA_HDRLEN + 4 &&
					    rd32(p + NLA_HDRLEN) >= pm->nlmsg_len)
						pm->answers += 10000;	/* offset outside */
					rem -= (long)NLA_ALIGN4(rd16(p));
					p += NLA_ALIGN4(rd16(p));
				}
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				int e = 0;

				if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
					memcpy(&e, NLMSG_DATA(nlh), sizeof(e));
				pm->done = e;
			} else {
				note_reply(pm, nlh);
				pm->answers--;	/* parts of one answer */
			}
		}
	}
}

static const char *errname(int e)
{
	static const char *const names[] = {
		[EPERM] = "EPERM", [ENOENT] = "ENOENT", [ENXIO] = "ENXIO",
		[E2BIG] = "E2BIG", [ENOMEM] = "ENOMEM", [EBUSY] = "EBUSY",
		[ENODEV] = "ENODEV", [EINVAL] = "EINVAL", [ERANGE] = "ERANGE",
		[EOPNOTSUPP] = "EOPNOTSUPP", [EMSGSIZE] = "EMSGSIZE",
	};

	if (e >= 0 && (size_t)e < ARRAY_SIZE(names) && names[e])
		return names[e];
	return NULL;
}

/* the model after an answer that changes what is attached */
static void model_update(const struct pending *pm, bool ok)
{
	const struct verdict *v = &pm->v;
	struct map *mp;
	unsigned int i;

	if (v->cmd == DM_MPATH_PR_CMD_GET && v->dump && ok && v->exact) {
		/* a map not described is detached; one described stays what
		 * it was (its path list is known only from an ATTACH) */
		for (i = 0; i < nmaps; i++)
			if (!pm->dev_seen[i])
				maps[i].attached = 0;
		return;
	}
	if (v->map < 0)
		return;
	mp = &maps[v->map];
	if (!v->exact) {
		if (ok)
			mp->attached = -1;
		return;
	}
	switch (v->cmd) {
	case DM_MPATH_PR_CMD_ATTACH:
	case DM_MPATH_PR_CMD_SYNC:
		if (!ok)
			return;
		mp->attached = 1;
		mp->nmodel = v->npaths;
		memcpy(mp->model_dev, v->paths, sizeof(v->paths[0]) * v->npaths);
		break;
	case DM_MPATH_PR_CMD_DETACH:
		if (ok)
			mp->attached = 0;
		break;
	case DM_MPATH_PR_CMD_GET:
		/* attached with paths the model does not know, or not */
		if (mp->attached < 0 && !ok && pm->error == -ENOENT)
			mp->attached = 0;
		break;
	}
}

static void judge_pending(struct pending *pm, const uint8_t *msg, uint16_t family);

/* judge the answers of every message of the batch; the batch's class */
static unsigned int settle(const uint8_t *buf, uint16_t family)
{
	unsigned int i, j, cls = 0;

	drain();
	for (i = 0; i < npend; i++) {
		struct pending *pm = &pend[i];
		const struct verdict *v = &pm->v;
		const uint8_t *msg = buf + pm->off;
		bool refused, accepted;

		judge_pending(pm, msg, family);

		if (pm->answers || pm->replies)
			st.answered++;
		if (pm->answers >= 10000) {
			fail_msg(pm, msg, "the extended ACK's bad-attribute offset lies outside the request");
			pm->answers %= 10000;
		}
		if (pm->answers >= 100)
			fail_msg(pm, msg, "two ACKs for one request");
		refused = pm->error < 0 || (pm->done != 1 && pm->done < 0);
		/* no ACK asked and none came: a success */
		accepted = !refused && (pm->error == 0 || pm->replies || pm->done == 0 ||
					(!pm->answers && !pm->replies && !v->acked &&
					 v->exp != EXP_NONE));
		if (refused) {
			int e = pm->error < 0 ? -pm->error : -pm->done;

			st.refused++;
			st.errnos[e < 255 ? e : 255]++;
			if (!errname(e) && v->exp != EXP_NONE)
				fail_msg(pm, msg, "refused with errno %d (%s), not one the family uses",
					 e, strerror(e));
		} else if (accepted) {
			st.accepted++;
		} else {
			st.unanswered++;
		}
		switch (v->exp) {
		case EXP_FAIL:
			if (accepted)
				fail_msg(pm, msg, "the kernel accepted it (ACK 0 or a reply)");
			else if (!refused)
				fail_msg(pm, msg, "no answer, must be refused");
			break;
		case EXP_OK:
			if (refused)
				fail_msg(pm, msg, "the kernel refused it: %s (%d)",
					 strerror(pm->error < 0 ? -pm->error : -pm->done),
					 pm->error < 0 ? pm->error : pm->done);
			else if (v->answered && !pm->answers && !pm->replies)
				fail_msg(pm, msg, "no answer");
			break;
		case EXP_ANY:
			if (v->answered && v->acked && !pm->answers && !pm->replies && v->exact)
				fail_msg(pm, msg, "no answer");
			break;
		case EXP_NONE:
			if (pm->answers || pm->replies)
				fail_msg(pm, msg, "an answer to a message the kernel must drop");
			break;
		}
		/* what a GET or dump described */
		if (accepted && v->exact && v->cmd == DM_MPATH_PR_CMD_GET &&
		    (v->exp == EXP_OK || v->dump)) {
			if (pm->dev_other)
				fail_msg(pm, msg, "the answer describes a device that is no map of ours");
			for (j = 0; j < nmaps; j++) {
				bool want = maps[j].attached == 1 && (v->dump || (int)j == v->map);
				unsigned int seen = pm->dev_seen[j];

				if (maps[j].attached < 0)
					continue;
				if (!want && seen)
					fail_msg(pm, msg, "map %u:%u described, the model has it detached",
						 maps[j].major, maps[j].minor);
				if (want && !seen)
					fail_msg(pm, msg, "map %u:%u missing from the answer",
						 maps[j].major, maps[j].minor);
				if (want && seen && seen % 1000 != maps[j].nmodel)
					fail_msg(pm, msg, "map %u:%u described with %u paths, the model has %u",
						 maps[j].major, maps[j].minor, seen % 1000,
						 maps[j].nmodel);
			}
			if (v->dump)
				st.dumps++;
		}
		if (msg_class(v, accepted) > cls)
			cls = msg_class(v, accepted);
		if (refused || accepted)
			model_update(pm, accepted);
		else if (v->map >= 0 && v->exp != EXP_FAIL &&
			 (v->cmd == DM_MPATH_PR_CMD_ATTACH || v->cmd == DM_MPATH_PR_CMD_SYNC ||
			  v->cmd == DM_MPATH_PR_CMD_DETACH))
			maps[v->map].attached = -1;
		if (verbose > 1)
			fprintf(stderr, "nlfuzz: #%llu cmd %d %s (%s): error %d replies %u\n",
				pm->index, v->cmd, exp_names[v->exp], v->why, pm->error,
				pm->replies);
	}
	npend = 0;
	return cls;
}

static bool dry_run;

/* send len bytes as one datagram; the messages in pend[] */
static void send_batch(const uint8_t *buf, size_t len, uint16_t family)
{
	unsigned int cls;
	ssize_t n;
	double t0;

	st.batches++;
	if (dry_run) {
		npend = 0;
		return;
	}
	t0 = now_s();
	n = send(sock, buf, len, 0);
	if (n < 0) {
		/* too big for the socket, or the kernel refused the datagram */
		st.sendfail++;
		/* ENODATA: an empty datagram */
		if (errno != EMSGSIZE && errno != ENOBUFS && errno != EINVAL &&
		    errno != ENOMEM && errno != ENODATA)
			die("send: %s", strerror(errno));
		npend = 0;
		drain();
		return;
	}
	cls = settle(buf, family);
	if (len > BATCH_BYTES)
		cls = ARRAY_SIZE(st.cls_s) - 1;
	st.cls_s[cls] += now_s() - t0;
	st.cls_n[cls]++;
}

/* how often the model decided by each rule, for -v */
static struct {
	const char *why;
	unsigned long long n;
} whys[64];

static void tally(const char *why)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(whys); i++) {
		if (!whys[i].why)
			whys[i].why = why;
		if (whys[i].why == why) {
			whys[i].n++;
			return;
		}
	}
}

static void judge_pending(struct pending *pm, const uint8_t *msg, uint16_t family)
{
	judge(msg, pm->len, family, &pm->v);
	st.exp[pm->v.exp]++;
	tally(pm->v.why);
}

/* add the message of m at the end of pend[] */
static void enqueue(struct msg *m, size_t off, uint16_t family, unsigned long long idx)
{
	struct pending *pm = &pend[npend++];
	struct nlmsghdr nlh;

	memset(pm, 0, sizeof(*pm));
	pm->off = off;
	pm->len = m->len;
	pm->index = idx;
	pm->error = 1;
	pm->done = 1;
	memcpy(&nlh, m->buf, sizeof(nlh));
	pm->seq = nlh.nlmsg_seq;
	pm->nlmsg_len = nlh.nlmsg_len;
	st.sent++;
	/*
	 * Judged when the answers are read, in order, each after the model
	 * took in the answers to the messages before it (a batch may attach
	 * a map and then detach it).
	 */
	if (dry_run) {
		/* a kernel that answers as the model says */
		judge_pending(pm, m->buf, family);
		if (!pm->v.dump && (pm->v.exp == EXP_OK || pm->v.exp == EXP_FAIL))
			model_update(pm, pm->v.exp == EXP_OK);
		if (verbose > 1)
			fprintf(stderr, "nlfuzz: #%llu batch slot %u: %zu bytes, flags 0x%x, cmd %d map %d paths %u: %s (%s)\n",
				idx, npend - 1, m->len, nlh.nlmsg_flags, pm->v.cmd, pm->v.map,
				pm->v.npaths, exp_names[pm->v.exp], pm->v.why);
	}
}

/* generate message idx into m (seq idx + 1); returns true if it may share
 * a datagram with others */
static bool generate(struct msg *m, uint16_t family, unsigned long long idx)
{
	uint32_t r = below(1000);
	struct nlmsghdr nlh;
	bool alone = false;

	m->len = 0;
	m->depth = 0;
	m->raw = false;
	m->mut = pct(65) ? 0 : 1 + below(25);

	if (r < 600) {
		gen_command(m, family);
	} else if (r < 900) {
		uint8_t cmd = (uint8_t)(below(5) ? 1 + below(DM_MPATH_PR_CMD_SET) :
					below(3) ? below(DM_MPATH_PR_CMD_MAX + 2) : rnd());

		put_genl(m, family, req_flags(), cmd);
		if (pct(40)) {
			uint32_t ma, mi;

			pick_dev(&ma, &mi);
			put_dev(m, ma, mi);
		}
		gen_random_attrs(m, 0);
	} else if (r < 985) {
		/* header trouble: cut, short, garbage, another message type */
		gen_command(m, family);
		alone = true;
		m->raw = true;
	} else {
		/* oversized: thousands of paths, or one attribute of ~64 KiB */
		size_t i, n;

		put_genl(m, family, NLM_F_REQUEST | NLM_F_ACK,
			 one_in(2) ? DM_MPATH_PR_CMD_ATTACH : DM_MPATH_PR_CMD_SYNC);
		if (nmaps)
			put_dev(m, maps[0].major, maps[0].minor);
		if (one_in(2)) {
			n = 1000 + below(9000);
			for (i = 0; i < n && m->len + 64 < m->cap; i++)
				put_path(m, 8, (uint32_t)(4096 + i), -1);
		} else {
			static uint8_t big[0xfff0];

			n = 0xfff0 - below(64);
			memset(big, (int)below(256), sizeof(big));
			put_attr(m, (uint16_t)(1 + below(DM_MPATH_PR_A_MAX)), big, n);
		}
		alone = true;
	}

	memcpy(&nlh, m->buf, sizeof(nlh));
	nlh.nlmsg_len = (uint32_t)m->len;
	nlh.nlmsg_seq = (uint32_t)(idx + 1);
	nlh.nlmsg_pid = pct(95) ? 0 : (uint32_t)rnd();
	if (m->raw) {
		size_t cut;

		switch (below(7)) {
		case 0:	/* nlmsg_len past the data */
			nlh.nlmsg_len += 1 + below(64);
			break;
		case 1:	/* nlmsg_len shorter, the datagram cut there */
			nlh.nlmsg_len = NLMSG_HDRLEN + below((uint32_t)(m->len - NLMSG_HDRLEN));
			m->len = NLA_ALIGN4(nlh.nlmsg_len);
			break;
		case 2:	/* the datagram cut short */
			cut = below((uint32_t)m->len);
			m->len = cut;
			break;
		case 3:	/* a control message type */
			nlh.nlmsg_type = (uint16_t)below(NLMSG_MIN_TYPE);
			break;
		case 4:	/* one byte flipped anywhere after the header */
			if (m->len > sizeof(nlh))
				m->buf[sizeof(nlh) + below((uint32_t)(m->len - sizeof(nlh)))] ^=
					(uint8_t)(1 + below(255));
			break;
		case 5:	/* no genetlink header, or part of one */
			nlh.nlmsg_len = NLMSG_HDRLEN + below(GENL_HDRLEN);
			m->len = nlh.nlmsg_len;
			break;
		default: {	/* not aligned: 1..3 bytes more */
			static const uint8_t junk[3] = { 0x5a, 0xa5, 0x5a };

			put_bytes(m, junk, 1 + below(3));
			nlh.nlmsg_len = (uint32_t)m->len;
			break;
		}
		}
	}
	if (m->len >= sizeof(nlh))
		memcpy(m->buf, &nlh, sizeof(nlh));
	else if (m->len)
		memcpy(m->buf, &nlh, m->len);
	return !alone;
}

/* a DETACH or dump the run itself sends (not counted as fuzz) */
static void control_msg(uint16_t family, uint8_t cmd, const struct map *mp, uint32_t seq)
{
	struct msg m = { .buf = batch, .cap = sizeof(batch) };
	struct nlmsghdr nlh;

	put_genl(&m, family, NLM_F_REQUEST | NLM_F_ACK | (mp ? 0 : NLM_F_DUMP), cmd);
	if (mp) {
		put_u32(&m, DM_MPATH_PR_A_DEV_MAJOR, mp->major);
		put_u32(&m, DM_MPATH_PR_A_DEV_MINOR, mp->minor);
	}
	memcpy(&nlh, m.buf, sizeof(nlh));
	nlh.nlmsg_len = (uint32_t)m.len;
	nlh.nlmsg_seq = seq;
	memcpy(m.buf, &nlh, sizeof(nlh));
	npend = 0;
	enqueue(&m, 0, family, count + seq);
	st.sent--;
	send_batch(batch, m.len, family);
}

static void parse_dev(const char *s, uint32_t *major, uint32_t *minor, const char **end)
{
	char *e;
	unsigned long a, b;

	errno = 0;
	a = strtoul(s, &e, 0);
	if (errno || e == s || *e != ':')
		die("bad device number in '%s' (MAJ:MIN)", s);
	s = e + 1;
	b = strtoul(s, &e, 0);
	if (errno || e == s)
		die("bad device number in '%s' (MAJ:MIN)", s);
	*major = (uint32_t)a;
	*minor = (uint32_t)b;
	*end = e;
}

static void usage(void)
{
	fputs("usage: nlfuzz [--seed N] [--count N] [--map MAJ:MIN=P1,P2,...]...\n"
	      "              [--bogus MAJ:MIN]... [--foreign MAJ:MIN]... [--dry-run] [-v]\n",
	      stderr);
	exit(2);
}

int main(int argc, char *argv[])
{
	unsigned long long i, next_progress;
	struct msg m;
	uint16_t family = 0x100;
	bool have_seed = false;
	size_t boff = 0;
	double t0;
	int a;

	for (a = 1; a < argc; a++) {
		const char *arg = argv[a], *end;

		if (!strcmp(arg, "--seed") && a + 1 < argc) {
			seed = strtoull(argv[++a], NULL, 0);
			have_seed = true;
		} else if (!strcmp(arg, "--count") && a + 1 < argc) {
			count = strtoull(argv[++a], NULL, 0);
		} else if (!strcmp(arg, "--map") && a + 1 < argc) {
			struct map *mp;

			if (nmaps == MAX_MAPS)
				die("at most %d maps", MAX_MAPS);
			mp = &maps[nmaps++];
			parse_dev(argv[++a], &mp->major, &mp->minor, &end);
			if (*end != '=')
				die("--map MAJ:MIN=P1,P2,...");
			do {
				if (mp->npaths == MAX_PATHS)
					die("too many paths");
				parse_dev(end + 1, &mp->path_major[mp->npaths],
					  &mp->path_minor[mp->npaths], &end);
				mp->npaths++;
			} while (*end == ',');
			if (*end)
				die("--map MAJ:MIN=P1,P2,...");
			snprintf(args_line + strlen(args_line), sizeof(args_line) - strlen(args_line),
				 " --map %s", argv[a]);
		} else if (!strcmp(arg, "--bogus") && a + 1 < argc) {
			if (nbogus == MAX_BOGUS)
				die("at most %d bogus devices", MAX_BOGUS);
			parse_dev(argv[++a], &bogus[nbogus].major, &bogus[nbogus].minor, &end);
			if (*end)
				usage();
			nbogus++;
			snprintf(args_line + strlen(args_line), sizeof(args_line) - strlen(args_line),
				 " --bogus %s", argv[a]);
		} else if (!strcmp(arg, "--foreign") && a + 1 < argc) {
			if (nforeign == MAX_MAPS)
				die("at most %d foreign maps", MAX_MAPS);
			parse_dev(argv[++a], &foreign[nforeign].major, &foreign[nforeign].minor,
				  &end);
			if (*end)
				usage();
			nforeign++;
			snprintf(args_line + strlen(args_line), sizeof(args_line) - strlen(args_line),
				 " --foreign %s", argv[a]);
		} else if (!strcmp(arg, "--dry-run")) {
			dry_run = true;
		} else if (!strcmp(arg, "-v")) {
			verbose++;
		} else {
			usage();
		}
	}
	if (!have_seed) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 20 ^ (uint64_t)getpid();
		seed %= 1000000000;
	}
	rng_state = seed;
	if (!dry_run) {
		open_socket();
		family = resolve_family();
	}
	printf("nlfuzz: seed=%" PRIu64 " count=%llu maps=%u bogus=%u family=%u\n",
	       seed, count, nmaps, nbogus, family);
	fflush(stdout);

	/* the model starts from what the kernel has: nothing, or a dump says */
	for (a = 0; a < (int)nmaps; a++)
		maps[a].attached = dry_run ? 0 : -1;
	if (!dry_run)
		control_msg(family, DM_MPATH_PR_CMD_GET, NULL, 0x7fff0000);

	t0 = now_s();
	next_progress = 10000;
	npend = 0;
	for (i = 0; i < count && !failed; i++) {
		bool share;

		m.buf = bigbuf;
		m.cap = sizeof(bigbuf);
		share = generate(&m, family, i);
		if (nforeign) {
			/* another client's map (a duplicated DEV_MINOR can make
			 * one): its model would go wrong; another message */
			struct verdict v;

			judge(m.buf, m.len, family, &v);
			if (v.why == FOREIGN) {
				i--;
				continue;
			}
		}
		if (share && npend < BATCH_MAX && boff + NLA_ALIGN4(m.len) <= sizeof(batch)) {
			uint16_t flags;

			memcpy(batch + boff, m.buf, m.len);
			memset(batch + boff + m.len, 0, NLA_ALIGN4(m.len) - m.len);
			m.buf = batch + boff;
			enqueue(&m, boff, family, i);
			boff += NLA_ALIGN4(m.len);
			/* a dump ends its batch: one dump at a time per socket */
			memcpy(&flags, m.buf + offsetof(struct nlmsghdr, nlmsg_flags),
			       sizeof(flags));
			if ((flags & NLM_F_DUMP) || npend == BATCH_MAX || one_in(8)) {
				send_batch(batch, boff, family);
				boff = 0;
			}
		} else {
			if (npend) {
				send_batch(batch, boff, family);
				boff = 0;
			}
			if (failed)
				break;
			enqueue(&m, 0, family, i);
			send_batch(bigbuf, m.len, family);
		}
		if (i + 1 >= next_progress && verbose) {
			fprintf(stderr, "nlfuzz: %llu messages, %.1f s\n", i + 1, now_s() - t0);
			next_progress += 10000;
		}
	}
	if (npend && !failed)
		send_batch(batch, boff, family);

	/* leave nothing attached; a dump must then show nothing */
	if (!dry_run && !failed) {
		control_msg(family, DM_MPATH_PR_CMD_GET, NULL, 0x7fff0001);
		for (a = 0; a < (int)nmaps; a++) {
			if (maps[a].attached) {
				int was = maps[a].attached;

				control_msg(family, DM_MPATH_PR_CMD_DETACH, &maps[a],
					    0x7fff0002 + (uint32_t)a);
				if (was == 1 && maps[a].attached != 0)
					fprintf(stderr, "nlfuzz: DETACH of %u:%u failed\n",
						maps[a].major, maps[a].minor);
				maps[a].attached = 0;
			}
		}
		control_msg(family, DM_MPATH_PR_CMD_GET, NULL, 0x7fff0010);
	}

	printf("nlfuzz: sent=%llu batches=%llu answered=%llu refused=%llu accepted=%llu "
	       "unanswered=%llu send-refused=%llu stray=%llu replies=%llu dumps-checked=%llu\n",
	       st.sent, st.batches, st.answered, st.refused, st.accepted, st.unanswered,
	       st.sendfail, st.stray, st.replies, st.dumps);
	printf("nlfuzz: the model expected: refused=%llu accepted=%llu either=%llu no-answer=%llu\n",
	       st.exp[EXP_FAIL], st.exp[EXP_OK], st.exp[EXP_ANY], st.exp[EXP_NONE]);
	printf("nlfuzz: time in the kernel (send and answers) by the costliest message of a batch:");
	for (a = 0; a < (int)ARRAY_SIZE(cls_names); a++)
		printf(" %s %.1f s/%llu", cls_names[a], st.cls_s[a], st.cls_n[a]);
	printf("\n");
	printf("nlfuzz: errnos:");
	for (a = 0; a < 256; a++)
		if (st.errnos[a])
			printf(" %s=%llu", errname(a) ? errname(a) : "other", st.errnos[a]);
	printf("\n");
	for (a = 0; verbose && a < (int)ARRAY_SIZE(whys) && whys[a].why; a++)
		printf("nlfuzz:   %8llu %s\n", whys[a].n, whys[a].why);
	if (failed) {
		printf("nlfuzz: FAILED (%d): seed=%" PRIu64 " messages=%llu; reproduce: nlfuzz --seed %"
		       PRIu64 " --count %llu%s\n", failed, seed, st.sent, seed, st.sent, args_line);
		return 1;
	}
	printf("nlfuzz: ok: seed=%" PRIu64 " messages=%llu in %.1f s\n", seed, st.sent,
	       now_s() - t0);
	return 0;
}
