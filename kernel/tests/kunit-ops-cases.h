/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The table of kunit-ops.c: one PR operation in one situation per entry,
 * as data. Included by kunit-ops.c only.
 */
#ifndef _MPR_KUNIT_OPS_CASES_H
#define _MPR_KUNIT_OPS_CASES_H

/* ---- every operation x path outcome, against the SPC-4 model -------- */

/**
 * struct op_case - one operation in one situation
 * @desc: case name; "(#N)" names the item of the reference's §2.10
 *	checklist it covers (Documentation/pr-checklist.md)
 * @nr: paths of host A (default 2)
 * @a_reg: host A's nexuses carry KEY_A and the engine wants it
 * @a_unreg: ...except these, which the engine has pending
 * @a_gone: host A's keys were removed behind the engine's back
 * @a_type: host A holds a reservation of this type...
 * @a_asked: ...which the caller asked as this type (default @a_type)
 * @a_holder: ...through nexus NX(n)
 * @a_holder_unknown: the engine does not know which path holds it
 * @a_stale_holder: the engine believes path NX(n) holds it
 * @a_not_ours: the engine did not take it (e.g. reserved before attach)
 * @b_reg: host B's nexuses 4 and 5 carry KEY_B
 * @b_type: host B holds a reservation of this type through nexus 4
 * @ua_pending: nexuses with a UNIT ATTENTION pending from earlier changes
 * @fault: scripted fault of each path of host A
 * @lio: the target answers RELEASE with the wrong type like LIO
 * @policy: single_holder
 * @suspend_fails: the device cannot be suspended
 * @op: the operation
 * @key: its reservation key (REGISTER: old key)
 * @sa_key: REGISTER: new key; PREEMPT: the key preempted
 * @type: its type
 * @abort: PREEMPT AND ABORT
 * @flags: REGISTER flags
 * @room: READ KEYS: room for keys (default 8)
 * @ret: expected result
 * @post: expected key of each nexus afterwards
 * @post_type: expected reservation type afterwards
 * @post_holder: expected holder nexus NX(n) (not checked for
 *	all-registrants)
 * @suspends: expected suspends of the device
 * @aborted: nexuses whose tasks must have been aborted
 * @not_sent: paths that must not have received the operation's command
 * @a_io: 1: every reachable path of host A can write; -1: one cannot
 * @b_io: 1: host B's nexus 4 can write; -1: it cannot
 * @check_eng: check @eng_holder and @eng_type
 * @eng_holder: the path NX(n) the engine believes holds the reservation
 * @eng_type: the type the engine believes it holds
 * @rd_nkeys: READ KEYS: keys reported
 * @rd_type: READ RESERVATION: type reported
 * @rd_key: READ RESERVATION: key reported
 * @probe: then the faults go away and the probe runs...
 * @post_probe: ...and host A's nexuses carry these keys
 */
struct op_case {
	const char *desc;
	unsigned int nr;
	bool a_reg;
	unsigned int a_unreg;
	bool a_gone;
	enum pr_type a_type;
	enum pr_type a_asked;
	int a_holder;
	bool a_holder_unknown;
	int a_stale_holder;
	bool a_not_ours;
	bool b_reg;
	enum pr_type b_type;
	unsigned int ua_pending;
	enum fake_fault fault[4];
	bool lio;
	int policy;
	bool suspend_fails;
	enum mpr_op op;
	u64 key;
	u64 sa_key;
	enum pr_type type;
	bool abort;
	u32 flags;
	u32 room;
	int ret;
	u64 post[FAKE_MAX_NEXUS];
	enum pr_type post_type;
	int post_holder;
	unsigned int suspends;
	unsigned int aborted;
	unsigned int not_sent;
	int a_io;
	int b_io;
	bool check_eng;
	int eng_holder;
	enum pr_type eng_type;
	u32 rd_nkeys;
	enum pr_type rd_type;
	u64 rd_key;
	bool probe;
	u64 post_probe[4];
};

#define A	KEY_A
#define A2	KEY_A2
#define B	KEY_B

static const struct op_case op_cases[] = {
	/* RESERVE */
	{
		.desc = "reserve WE_RO on the first path",
		.a_reg = true, .op = MPR_OP_RESERVE, .key = A, .type = WE_RO,
		.post = { A, A }, .post_type = WE_RO, .post_holder = NX(0),
		.a_io = 1, .check_eng = true, .eng_holder = NX(0),
		.eng_type = WE_RO, .not_sent = BIT(1),
	},
	{
		.desc = "reserve EA_RO",
		.a_reg = true, .op = MPR_OP_RESERVE, .key = A, .type = EA_RO,
		.post = { A, A }, .post_type = EA_RO, .post_holder = NX(0),
		.a_io = 1,
	},
	{
		.desc = "reserve WE_AR",
		.a_reg = true, .b_reg = true, .op = MPR_OP_RESERVE, .key = A,
		.type = WE_AR, .post = { A, A, 0, 0, B, B }, .post_type = WE_AR,
		.a_io = 1, .b_io = 1,
	},
	{
		.desc = "reserve EA_AR",
		.a_reg = true, .op = MPR_OP_RESERVE, .key = A, .type = EA_AR,
		.post = { A, A }, .post_type = EA_AR, .a_io = 1, .b_io = -1,
	},
	{
		.desc = "reserve, first path down: the next one holds",
		.a_reg = true, .fault = { F_DOWN }, .op = MPR_OP_RESERVE,
		.key = A, .type = WE_RO, .post = { A, A }, .post_type = WE_RO,
		.post_holder = NX(1), .check_eng = true, .eng_holder = NX(1),
		.eng_type = WE_RO,
	},
	{
		.desc = "reserve, conflict of an unregistered path moves on (#18)",
		.a_reg = true, .a_unreg = BIT(0), .op = MPR_OP_RESERVE, .key = A,
		.type = WE_RO, .post = { 0, A }, .post_type = WE_RO,
		.post_holder = NX(1),
	},
	{
		.desc = "reserve again, holder path unknown: conflict moves on (#18)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(1),
		.a_holder_unknown = true, .op = MPR_OP_RESERVE, .key = A,
		.type = WE_RO, .post = { A, A }, .post_type = WE_RO,
		.post_holder = NX(1), .check_eng = true, .eng_holder = NX(1),
		.eng_type = WE_RO,
	},
	{
		.desc = "reserve held through a down path, same type: 0 (#19)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.fault = { F_DOWN }, .op = MPR_OP_RESERVE, .key = A,
		.type = WE_RO, .post = { A, A }, .post_type = WE_RO,
		.post_holder = NX(0),
	},
	{
		.desc = "reserve held through a down path, other type: conflict (#19)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.fault = { F_DOWN }, .op = MPR_OP_RESERVE, .key = A,
		.type = EA_RO, .ret = CONFLICT, .post = { A, A },
		.post_type = WE_RO, .post_holder = NX(0),
	},
	{
		.desc = "reserve while host B holds: conflict",
		.a_reg = true, .b_reg = true, .b_type = WE_RO,
		.op = MPR_OP_RESERVE, .key = A, .type = WE_RO, .ret = CONFLICT,
		.post = { A, A, 0, 0, B, B }, .post_type = WE_RO,
		.post_holder = NX(4), .b_io = 1,
	},
	{
		.desc = "reserve, all paths down: path error, not conflict (#31)",
		.a_reg = true, .fault = { F_DOWN, F_DOWN }, .op = MPR_OP_RESERVE,
		.key = A, .type = WE_RO, .ret = PATH_FAILED, .post = { A, A },
	},
	{
		.desc = "reserve, unit attention retried (#29)",
		.a_reg = true, .fault = { F_UA }, .op = MPR_OP_RESERVE, .key = A,
		.type = WE_RO, .post = { A, A }, .post_type = WE_RO,
		.post_holder = NX(0),
	},
	{
		.desc = "reserve, host not registered: conflict",
		.op = MPR_OP_RESERVE, .key = A, .type = WE_RO, .ret = CONFLICT,
	},
	{
		.desc = "reserve WE refused on a multipath device (refuse)",
		.a_reg = true, .op = MPR_OP_RESERVE, .key = A, .type = WE,
		.ret = -EOPNOTSUPP, .post = { A, A }, .not_sent = BIT(0) | BIT(1),
	},
	{
		.desc = "reserve EA refused on a multipath device (refuse)",
		.a_reg = true, .op = MPR_OP_RESERVE, .key = A, .type = EA,
		.ret = -EOPNOTSUPP, .post = { A, A }, .not_sent = BIT(0) | BIT(1),
	},
	{
		.desc = "reserve WE translated to WE_RO (translate)",
		.a_reg = true, .policy = MPR_SH_TRANSLATE, .op = MPR_OP_RESERVE,
		.key = A, .type = WE, .post = { A, A }, .post_type = WE_RO,
		.post_holder = NX(0), .a_io = 1, .b_io = -1, .check_eng = true,
		.eng_holder = NX(0), .eng_type = WE_RO,
	},
	{
		.desc = "reserve WE passed through: the other path cannot write",
		.a_reg = true, .policy = MPR_SH_PASSTHROUGH, .op = MPR_OP_RESERVE,
		.key = A, .type = WE, .post = { A, A }, .post_type = WE,
		.post_holder = NX(0), .a_io = -1,
	},
	{
		.desc = "reserve WE on a single-path device: sent as is",
		.nr = 1, .a_reg = true, .op = MPR_OP_RESERVE, .key = A, .type = WE,
		.post = { A }, .post_type = WE, .post_holder = NX(0), .a_io = 1,
	},
	{
		.desc = "reserve, answer lost after the target reserved: 0",
		.a_reg = true, .fault = { F_LOSE }, .op = MPR_OP_RESERVE, .key = A,
		.type = WE_RO, .post = { A, A }, .post_type = WE_RO,
		.post_holder = NX(0),
	},

	/* RELEASE */
	{
		.desc = "release on the known holder path only",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.op = MPR_OP_RELEASE, .key = A, .type = WE_RO, .post = { A, A },
		.not_sent = BIT(1), .check_eng = true, .a_io = 1,
	},
	{
		.desc = "release, holder unknown: every path, then verified",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(1),
		.a_holder_unknown = true, .op = MPR_OP_RELEASE, .key = A,
		.type = WE_RO, .post = { A, A }, .check_eng = true,
	},
	{
		.desc = "release, known holder is stale: every path asked, no suspend",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(1),
		.a_stale_holder = NX(0), .op = MPR_OP_RELEASE, .key = A,
		.type = WE_RO, .post = { A, A }, .check_eng = true, .a_io = 1,
	},
	{
		.desc = "release, unit attentions on other paths retried, not returned",
		.nr = 4, .a_reg = true, .a_type = EA_RO, .a_holder = NX(2),
		.a_holder_unknown = true, .ua_pending = 0xf,
		.op = MPR_OP_RELEASE, .key = A, .type = EA_RO,
		.post = { A, A, A, A }, .a_io = 1,
	},
	{
		.desc = "release, holder path down: suspended self-preempt (#23)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.fault = { F_DOWN }, .op = MPR_OP_RELEASE, .key = A,
		.type = WE_RO, .post = { 0, A }, .suspends = 1, .a_io = 1,
		.check_eng = true, .probe = true, .post_probe = { A, A },
	},
	{
		.desc = "release, unknown holder path down: suspended self-preempt (#23)",
		.nr = 3, .a_reg = true, .a_type = WE_RO, .a_holder = NX(1),
		.a_holder_unknown = true, .fault = { F_NONE, F_DOWN },
		.op = MPR_OP_RELEASE, .key = A, .type = WE_RO,
		.post = { A, 0, A }, .suspends = 1, .a_io = 1, .probe = true,
		.post_probe = { A, A, A },
	},
	{
		.desc = "release, holder down, another path fails mid-sequence (#23)",
		.nr = 3, .a_reg = true, .a_type = EA_RO, .a_holder = NX(0),
		.fault = { F_DOWN, F_DOWN_AFTER1 }, .op = MPR_OP_RELEASE,
		.key = A, .type = EA_RO, .post = { 0, 0, A }, .suspends = 1,
		.a_io = 1, .probe = true, .post_probe = { A, A, A },
	},
	{
		.desc = "release, holder down, the only other path fails: path error",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.fault = { F_DOWN, F_DOWN_AFTER1 }, .op = MPR_OP_RELEASE, .key = A,
		.type = WE_RO, .ret = PATH_FAILED, .post = { A, A },
		.post_type = WE_RO, .post_holder = NX(0),
	},
	{
		.desc = "release while host B holds: 0, nothing changes (#22)",
		.a_reg = true, .b_reg = true, .b_type = WE_RO,
		.op = MPR_OP_RELEASE, .key = A, .type = WE_RO,
		.post = { A, A, 0, 0, B, B }, .post_type = WE_RO,
		.post_holder = NX(4), .b_io = 1,
	},
	{
		.desc = "release with the wrong type while holding: -EINVAL (#21)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.op = MPR_OP_RELEASE, .key = A, .type = EA_RO, .ret = -EINVAL,
		.post = { A, A }, .post_type = WE_RO, .post_holder = NX(0),
	},
	{
		.desc = "release with the wrong type, LIO answers conflict (#21)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0), .lio = true,
		.op = MPR_OP_RELEASE, .key = A, .type = EA_RO, .ret = CONFLICT,
		.post = { A, A }, .post_type = WE_RO, .post_holder = NX(0),
	},
	{
		.desc = "release, all paths down: path error (#24)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.fault = { F_DOWN, F_DOWN }, .op = MPR_OP_RELEASE, .key = A,
		.type = WE_RO, .ret = PATH_FAILED, .post = { A, A },
		.post_type = WE_RO, .post_holder = NX(0),
	},
	{
		.desc = "release, host not registered: conflict (#24)",
		.op = MPR_OP_RELEASE, .key = A, .type = WE_RO, .ret = CONFLICT,
	},
	{
		.desc = "release without a reservation: 0",
		.a_reg = true, .op = MPR_OP_RELEASE, .key = A, .type = WE_RO,
		.post = { A, A },
	},
	{
		.desc = "release, holder down, not reserved by this host: left alone",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.a_not_ours = true, .fault = { F_DOWN }, .op = MPR_OP_RELEASE,
		.key = A, .type = WE_RO, .post = { A, A }, .post_type = WE_RO,
		.post_holder = NX(0),
	},
	{
		.desc = "release of an all-registrants reservation",
		.a_reg = true, .b_reg = true, .a_type = WE_AR, .a_holder = NX(0),
		.op = MPR_OP_RELEASE, .key = A, .type = WE_AR,
		.post = { A, A, 0, 0, B, B }, .a_io = 1, .b_io = 1,
	},
	{
		.desc = "release, holder down, suspend fails: error, unchanged (#28)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.fault = { F_DOWN }, .suspend_fails = true, .op = MPR_OP_RELEASE,
		.key = A, .type = WE_RO, .ret = -ENODEV, .post = { A, A },
		.post_type = WE_RO, .post_holder = NX(0),
	},
	{
		.desc = "release WE of a translated reservation (translate)",
		.a_reg = true, .a_type = WE_RO, .a_asked = WE, .a_holder = NX(0),
		.policy = MPR_SH_TRANSLATE, .op = MPR_OP_RELEASE, .key = A,
		.type = WE, .post = { A, A },
	},

	/* PREEMPT */
	{
		.desc = "preempt host B's reservation: A's path holds it (#27)",
		.a_reg = true, .b_reg = true, .b_type = WE_RO,
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = B, .type = WE_RO,
		.post = { A, A }, .post_type = WE_RO, .post_holder = NX(0),
		.a_io = 1, .b_io = -1, .check_eng = true, .eng_holder = NX(0),
		.eng_type = WE_RO, .not_sent = BIT(1),
	},
	{
		.desc = "preempt and abort host B: the abort reaches the path",
		.a_reg = true, .b_reg = true, .b_type = EA_RO,
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = B, .type = EA_RO,
		.abort = true, .post = { A, A }, .post_type = EA_RO,
		.post_holder = NX(0), .aborted = BIT(4) | BIT(5), .b_io = -1,
	},
	{
		.desc = "preempt host B's registrations (no reservation)",
		.a_reg = true, .b_reg = true, .op = MPR_OP_PREEMPT, .key = A,
		.sa_key = B, .type = WE_RO, .post = { A, A },
	},
	{
		.desc = "preempt own key while holding: suspended, re-registered (#25)",
		.nr = 3, .a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = A, .type = EA_RO,
		.post = { A, A, A }, .post_type = EA_RO, .post_holder = NX(0),
		.suspends = 1, .a_io = 1, .check_eng = true, .eng_holder = NX(0),
		.eng_type = EA_RO,
	},
	{
		.desc = "preempt own key, no reservation: re-registered (#25)",
		.a_reg = true, .op = MPR_OP_PREEMPT, .key = A, .sa_key = A,
		.type = WE_RO, .post = { A, A }, .suspends = 1, .a_io = 1,
	},
	{
		.desc = "preempt own key, a path down: pending, then registered",
		.nr = 3, .a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.fault = { F_NONE, F_NONE, F_DOWN }, .op = MPR_OP_PREEMPT,
		.key = A, .sa_key = A, .type = WE_RO, .post = { A, A, 0 },
		.post_type = WE_RO, .post_holder = NX(0), .suspends = 1,
		.a_io = 1, .probe = true, .post_probe = { A, A, A },
	},
	{
		.desc = "preempt and abort own key: suspended, abort passed on",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(1),
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = A, .type = WE_RO,
		.abort = true, .post = { A, A }, .post_type = WE_RO,
		.post_holder = NX(0), .suspends = 1, .aborted = BIT(1), .a_io = 1,
	},
	{
		.desc = "preempt all registrants (SARK 0, WE_AR held) (#26)",
		.a_reg = true, .b_reg = true, .b_type = WE_AR,
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = 0, .type = WE_RO,
		.post = { A, A }, .post_type = WE_RO, .post_holder = NX(0),
		.suspends = 1, .a_io = 1, .b_io = -1, .check_eng = true,
		.eng_holder = NX(0), .eng_type = WE_RO,
	},
	{
		.desc = "preempt SARK 0 of a registrants-only type: -EINVAL, no fail-over",
		.a_reg = true, .b_reg = true, .b_type = WE_RO,
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = 0, .type = WE_RO,
		.ret = -EINVAL, .post = { A, A, 0, 0, B, B }, .post_type = WE_RO,
		.post_holder = NX(4), .not_sent = BIT(1),
	},
	{
		.desc = "preempt, conflict of an unregistered path moves on (#20)",
		.a_reg = true, .a_unreg = BIT(0), .b_reg = true, .b_type = WE_RO,
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = B, .type = WE_RO,
		.post = { 0, A }, .post_type = WE_RO, .post_holder = NX(1),
	},
	{
		.desc = "preempt, a registered path conflicts: host was fenced",
		.a_reg = true, .a_gone = true, .b_reg = true, .b_type = WE_RO,
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = B, .type = WE_RO,
		.ret = CONFLICT, .post = { 0, 0, 0, 0, B, B }, .post_type = WE_RO,
		.post_holder = NX(4), .not_sent = BIT(1),
	},
	{
		.desc = "preempt, all paths down: path error (#31)",
		.a_reg = true, .b_reg = true, .b_type = WE_RO,
		.fault = { F_DOWN, F_DOWN }, .op = MPR_OP_PREEMPT, .key = A,
		.sa_key = B, .type = WE_RO, .ret = PATH_FAILED,
		.post = { A, A, 0, 0, B, B }, .post_type = WE_RO,
		.post_holder = NX(4),
	},
	{
		.desc = "preempt taking a reservation as WE: refused",
		.a_reg = true, .b_reg = true, .b_type = WE_RO,
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = B, .type = WE,
		.ret = -EOPNOTSUPP, .post = { A, A, 0, 0, B, B },
		.post_type = WE_RO, .post_holder = NX(4),
		.not_sent = BIT(0) | BIT(1),
	},
	{
		.desc = "preempt own key, suspend fails: error, unchanged (#28)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.suspend_fails = true, .op = MPR_OP_PREEMPT, .key = A, .sa_key = A,
		.type = WE_RO, .ret = -ENODEV, .post = { A, A },
		.post_type = WE_RO, .post_holder = NX(0),
		.not_sent = BIT(0) | BIT(1),
	},
	{
		.desc = "preempt host B, unit attention retried (#29)",
		.a_reg = true, .b_reg = true, .b_type = WE_RO, .fault = { F_UA },
		.op = MPR_OP_PREEMPT, .key = A, .sa_key = B, .type = WE_RO,
		.post = { A, A }, .post_type = WE_RO, .post_holder = NX(0),
	},

	/* CLEAR */
	{
		.desc = "clear: no key anywhere, none wanted, the down nexus too",
		.nr = 3, .a_reg = true, .b_reg = true, .a_type = WE_RO,
		.a_holder = NX(0), .fault = { F_NONE, F_NONE, F_DOWN },
		.op = MPR_OP_CLEAR, .key = A, .check_eng = true,
		.probe = true, .post_probe = { 0, 0, 0 },
	},
	{
		.desc = "clear, conflict of an unregistered path moves on (#20)",
		.a_reg = true, .a_unreg = BIT(0), .op = MPR_OP_CLEAR, .key = A,
	},
	{
		.desc = "clear, all paths down: path error (#31)",
		.a_reg = true, .fault = { F_DOWN, F_DOWN }, .op = MPR_OP_CLEAR,
		.key = A, .ret = PATH_FAILED, .post = { A, A },
	},
	{
		.desc = "clear with a wrong key: conflict, nothing changes",
		.a_reg = true, .op = MPR_OP_CLEAR, .key = KEY_OTHER,
		.ret = CONFLICT, .post = { A, A }, .not_sent = BIT(1),
	},

	/* READ KEYS */
	{
		.desc = "read keys through the first path",
		.a_reg = true, .b_reg = true, .op = MPR_OP_READ_KEYS,
		.post = { A, A, 0, 0, B, B }, .rd_nkeys = 4, .not_sent = BIT(1),
	},
	{
		.desc = "read keys, first path down: next path",
		.a_reg = true, .fault = { F_DOWN }, .op = MPR_OP_READ_KEYS,
		.post = { A, A }, .rd_nkeys = 2,
	},
	{
		.desc = "read keys, ILLEGAL REQUEST: no fail-over (#32)",
		.a_reg = true, .fault = { F_ILLEGAL }, .op = MPR_OP_READ_KEYS,
		.ret = -EINVAL, .post = { A, A }, .not_sent = BIT(1),
	},
	{
		.desc = "read keys, all paths down: path error (#31)",
		.a_reg = true, .fault = { F_DOWN, F_DOWN }, .op = MPR_OP_READ_KEYS,
		.ret = PATH_FAILED, .post = { A, A },
	},
	{
		.desc = "read keys, more keys than room: all counted (#33)",
		.a_reg = true, .b_reg = true, .op = MPR_OP_READ_KEYS, .room = 1,
		.post = { A, A, 0, 0, B, B }, .rd_nkeys = 4,
	},
	{
		.desc = "read keys, no answer before the deadline: next path",
		.a_reg = true, .fault = { F_SLOW }, .op = MPR_OP_READ_KEYS,
		.post = { A, A }, .rd_nkeys = 2,
	},
	{
		.desc = "read keys, unit attention retried on the same path (#29)",
		.a_reg = true, .fault = { F_UA }, .op = MPR_OP_READ_KEYS,
		.post = { A, A }, .rd_nkeys = 2, .not_sent = BIT(1),
	},

	/* READ RESERVATION */
	{
		.desc = "read reservation held by host B",
		.a_reg = true, .b_reg = true, .b_type = WE_RO,
		.op = MPR_OP_READ_RESV, .post = { A, A, 0, 0, B, B },
		.post_type = WE_RO, .post_holder = NX(4), .rd_type = WE_RO,
		.rd_key = B,
	},
	{
		.desc = "read reservation, first path down: next path",
		.a_reg = true, .a_type = EA_RO, .a_holder = NX(1),
		.fault = { F_DOWN }, .op = MPR_OP_READ_RESV, .post = { A, A },
		.post_type = EA_RO, .post_holder = NX(1), .rd_type = EA_RO,
		.rd_key = A,
	},
	{
		.desc = "read reservation, ILLEGAL REQUEST: no fail-over (#32)",
		.a_reg = true, .fault = { F_ILLEGAL }, .op = MPR_OP_READ_RESV,
		.ret = -EINVAL, .post = { A, A }, .not_sent = BIT(1),
	},
	{
		.desc = "read reservation of a translated type: as asked",
		.a_reg = true, .a_type = WE_RO, .a_asked = WE, .a_holder = NX(0),
		.policy = MPR_SH_TRANSLATE, .op = MPR_OP_READ_RESV,
		.post = { A, A }, .post_type = WE_RO, .post_holder = NX(0),
		.rd_type = WE, .rd_key = A,
	},
	{
		.desc = "read reservation of an all-registrants type: key 0",
		.a_reg = true, .a_type = EA_AR, .a_holder = NX(0),
		.op = MPR_OP_READ_RESV, .post = { A, A }, .post_type = EA_AR,
		.rd_type = EA_AR, .rd_key = 0,
	},

	/* REGISTER while holding a reservation */
	{
		.desc = "key change, holder path down: the reservation follows (#10)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.fault = { F_DOWN }, .op = MPR_OP_REGISTER, .key = A, .sa_key = A2,
		.post = { 0, A2 }, .post_type = WE_RO, .post_holder = NX(1),
		.a_io = 1, .check_eng = true, .eng_holder = NX(1),
		.eng_type = WE_RO, .probe = true, .post_probe = { A2, A2 },
	},
	{
		.desc = "key change, holder down, not reserved by this host: no preempt (#11)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.a_not_ours = true, .fault = { F_DOWN }, .op = MPR_OP_REGISTER,
		.key = A, .sa_key = A2, .post = { A, A2 }, .post_type = WE_RO,
		.post_holder = NX(0),
	},
	{
		.desc = "key change, holder path up: the holder keeps it",
		.a_reg = true, .a_type = EA_RO, .a_holder = NX(1),
		.op = MPR_OP_REGISTER, .key = A, .sa_key = A2, .post = { A2, A2 },
		.post_type = EA_RO, .post_holder = NX(1), .a_io = 1,
		.check_eng = true, .eng_holder = NX(1), .eng_type = EA_RO,
	},
	{
		.desc = "key change by REGISTER AND IGNORE, holder down (#12)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.fault = { F_DOWN }, .op = MPR_OP_REGISTER, .sa_key = A2,
		.flags = PR_FL_IGNORE_KEY, .post = { 0, A2 }, .post_type = WE_RO,
		.post_holder = NX(1),
	},
	{
		.desc = "unregister while holding: released, then unregistered (#13)",
		.a_reg = true, .a_type = WE_RO, .a_holder = NX(0),
		.op = MPR_OP_REGISTER, .key = A, .sa_key = 0, .check_eng = true,
	},
	{
		.desc = "unregister while holding through a down path (#13)",
		.a_reg = true, .a_type = EA_RO, .a_holder = NX(0),
		.fault = { F_DOWN }, .op = MPR_OP_REGISTER, .key = A, .sa_key = 0,
		.suspends = 1, .check_eng = true, .probe = true,
		.post_probe = { 0, 0 },
	},
	{
		.desc = "unregister by REGISTER AND IGNORE (#14)",
		.a_reg = true, .op = MPR_OP_REGISTER, .sa_key = 0,
		.flags = PR_FL_IGNORE_KEY,
	},
};

#undef A
#undef A2
#undef B

#endif /* _MPR_KUNIT_OPS_CASES_H */
