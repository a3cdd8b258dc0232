/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * dm-mpath-pr: persistent reservations fanned out over dm-multipath paths.
 *
 * Generic netlink interface, family DM_MPATH_PR_FAMILY_NAME.
 * The specification is Documentation/netlink/specs/dm-mpath-pr.yaml;
 * this header must stay in step with it.
 *
 * Devices and paths are named by their block device numbers (major, minor),
 * never by names, so that a rename cannot redirect a command.
 */
#ifndef _UAPI_LINUX_DM_MPATH_PR_H
#define _UAPI_LINUX_DM_MPATH_PR_H

#define DM_MPATH_PR_FAMILY_NAME		"dm_mpath_pr"
#define DM_MPATH_PR_FAMILY_VERSION	1
#define DM_MPATH_PR_MCGRP_EVENTS	"events"

/* Most paths one attachment accepts. */
#define DM_MPATH_PR_MAX_PATHS		64

/**
 * enum dm_mpath_pr_path_state - whether the module can send commands on a path
 * @DM_MPATH_PR_PATH_ACTIVE: usable; the last command reached the target
 * @DM_MPATH_PR_PATH_FAILED: a transport error was seen (or userspace said the
 *	path failed); commands are not sent until the path is seen working
 */
enum dm_mpath_pr_path_state {
	DM_MPATH_PR_PATH_ACTIVE = 1,
	DM_MPATH_PR_PATH_FAILED,
};

/**
 * enum dm_mpath_pr_reg_state - registration of a path (I_T nexus)
 * @DM_MPATH_PR_REG_UNKNOWN: nothing was sent on this path yet
 * @DM_MPATH_PR_REG_NONE: the path carries no key, as wanted
 * @DM_MPATH_PR_REG_REGISTERED: the path carries the device's key
 * @DM_MPATH_PR_REG_PENDING: the path should carry the wanted state (key or no
 *	key) but could not be reached; it is brought there when it returns
 */
enum dm_mpath_pr_reg_state {
	DM_MPATH_PR_REG_UNKNOWN,
	DM_MPATH_PR_REG_NONE,
	DM_MPATH_PR_REG_REGISTERED,
	DM_MPATH_PR_REG_PENDING,
};

/**
 * enum dm_mpath_pr_op - a PR operation, in OP_DONE notifications
 * @DM_MPATH_PR_OP_REGISTER: REGISTER (a key change or unregister included)
 * @DM_MPATH_PR_OP_REGISTER_IGNORE: REGISTER AND IGNORE EXISTING KEY
 * @DM_MPATH_PR_OP_RESERVE: RESERVE
 * @DM_MPATH_PR_OP_RELEASE: RELEASE
 * @DM_MPATH_PR_OP_PREEMPT: PREEMPT
 * @DM_MPATH_PR_OP_PREEMPT_ABORT: PREEMPT AND ABORT
 * @DM_MPATH_PR_OP_CLEAR: CLEAR
 * @DM_MPATH_PR_OP_READ_KEYS: READ KEYS
 * @DM_MPATH_PR_OP_READ_RESERVATION: READ RESERVATION
 */
enum dm_mpath_pr_op {
	DM_MPATH_PR_OP_REGISTER = 1,
	DM_MPATH_PR_OP_REGISTER_IGNORE,
	DM_MPATH_PR_OP_RESERVE,
	DM_MPATH_PR_OP_RELEASE,
	DM_MPATH_PR_OP_PREEMPT,
	DM_MPATH_PR_OP_PREEMPT_ABORT,
	DM_MPATH_PR_OP_CLEAR,
	DM_MPATH_PR_OP_READ_KEYS,
	DM_MPATH_PR_OP_READ_RESERVATION,
};

/* Device (attachment) attributes: the top level of every message. */
enum {
	DM_MPATH_PR_A_UNSPEC,
	DM_MPATH_PR_A_PAD,		/* pad for 64-bit attributes */
	DM_MPATH_PR_A_DEV_MAJOR,	/* u32: the dm disk */
	DM_MPATH_PR_A_DEV_MINOR,	/* u32 */
	DM_MPATH_PR_A_DEV_NAME,		/* string, reply only: "dm-3" */
	DM_MPATH_PR_A_PATH,		/* nest (DM_MPATH_PR_A_PATH_*), multi */
	DM_MPATH_PR_A_KEY,		/* u64: key the module keeps on all paths (0: none) */
	DM_MPATH_PR_A_APTPL,		/* u8: key registered with APTPL */
	DM_MPATH_PR_A_HOLDER_MAJOR,	/* u32, reply: path known to hold the reservation */
	DM_MPATH_PR_A_HOLDER_MINOR,	/* u32, reply */
	DM_MPATH_PR_A_RES_TYPE,		/* u32, reply: enum pr_type of our reservation, 0 none */
	DM_MPATH_PR_A_OPS,		/* u64, reply: PR operations run on this device */
	DM_MPATH_PR_A_PREEMPTED,	/* u8, reply: the host's key was found gone (fenced) */
	DM_MPATH_PR_A_PROBE_INTERVAL,	/* u32 ms: probe of failed/pending paths (SET, reply) */
	DM_MPATH_PR_A_AUDIT_INTERVAL,	/* u32 ms: registration audit, 0 off (SET, reply) */
	DM_MPATH_PR_A_DEADLINE,		/* u32 ms: caller's wait per operation step (SET, reply) */
	DM_MPATH_PR_A_OP,		/* u32, OP_DONE: enum dm_mpath_pr_op */
	DM_MPATH_PR_A_RESULT,		/* s32, OP_DONE: what the caller got (-errno or PR_STS_*) */
	DM_MPATH_PR_A_LATENCY_US,	/* u64, OP_DONE: time the caller waited */

	__DM_MPATH_PR_A_MAX,
	DM_MPATH_PR_A_MAX = (__DM_MPATH_PR_A_MAX - 1)
};

/* Path attributes, nested in DM_MPATH_PR_A_PATH. */
enum {
	DM_MPATH_PR_A_PATH_UNSPEC,
	DM_MPATH_PR_A_PATH_PAD,
	DM_MPATH_PR_A_PATH_MAJOR,	/* u32 */
	DM_MPATH_PR_A_PATH_MINOR,	/* u32 */
	DM_MPATH_PR_A_PATH_NAME,	/* string, reply only: "sdb" */
	DM_MPATH_PR_A_PATH_STATE,	/* u32, reply: enum dm_mpath_pr_path_state */
	DM_MPATH_PR_A_PATH_REG,		/* u32, reply: enum dm_mpath_pr_reg_state */
	DM_MPATH_PR_A_PATH_LAST_ERROR,	/* s32, reply: last result (-errno or PR_STS_*) */
	DM_MPATH_PR_A_PATH_CMDS,	/* u64, reply: PR commands sent on the path */
	DM_MPATH_PR_A_PATH_ERRORS,	/* u64, reply: of which failed */
	DM_MPATH_PR_A_PATH_RESULT,	/* s32, OP_DONE/path events: result on this path */
	DM_MPATH_PR_A_PATH_LATENCY_US,	/* u64, OP_DONE: latency of the path's command */

	__DM_MPATH_PR_A_PATH_MAX,
	DM_MPATH_PR_A_PATH_MAX = (__DM_MPATH_PR_A_PATH_MAX - 1)
};

/*
 * Commands and notifications. New ones are only ever appended.
 *
 * ATTACH: DEV_MAJOR, DEV_MINOR and one PATH (MAJOR, MINOR) per path.
 *	Interposes on the dm disk's pr_ops. On a device that is attached
 *	already it is a sync: the path list is replaced, new paths are brought
 *	to the wanted registration state, removed paths are forgotten.
 *	KEY (optional) adopts an existing registration made before attach.
 * DETACH: DEV_MAJOR, DEV_MINOR. Restores the original pr_ops.
 * GET: doit with DEV_MAJOR, DEV_MINOR; dumpit lists every attachment.
 * SYNC: as ATTACH, but only on an attached device (-ENOENT otherwise).
 * PATH_STATE: hint from userspace: DEV_*, one PATH with MAJOR, MINOR and
 *	STATE (a dm PATH_FAILED / PATH_REINSTATED uevent, relayed).
 * RESYNC: DEV_*: probe every path and audit the registrations now.
 * SET: DEV_* and any of PROBE_INTERVAL, AUDIT_INTERVAL, DEADLINE.
 *
 * Notifications, on the "events" group; each names the device (DEV_MAJOR,
 * DEV_MINOR, DEV_NAME) and, for path events, one PATH nest (MAJOR, MINOR,
 * NAME, RESULT where a command caused it):
 * PATH_REGISTERED / PATH_UNREGISTERED: the module brought a path to the
 *	device's key (KEY) or removed it (a returning or new path, a stale key).
 * PATH_FAILED / PATH_RESTORED: a path's state changed.
 * RESERVATION_CHANGED: KEY, RES_TYPE, HOLDER_* after a RESERVE, RELEASE,
 *	PREEMPT or CLEAR through the module (RES_TYPE 0: none held).
 * PREEMPTED: KEY: the host's key vanished from the device; the module
 *	stops registering paths until the host registers again. Sent once.
 * OP_DONE: OP, RESULT, LATENCY_US, KEY and one PATH per path the
 *	operation sent commands on (RESULT, LATENCY_US).
 * DETACHED: the attachment ended (detach, or the map was removed).
 */
enum {
	DM_MPATH_PR_CMD_UNSPEC,
	DM_MPATH_PR_CMD_ATTACH,
	DM_MPATH_PR_CMD_DETACH,
	DM_MPATH_PR_CMD_GET,
	DM_MPATH_PR_CMD_SYNC,
	DM_MPATH_PR_CMD_PATH_STATE,
	DM_MPATH_PR_CMD_RESYNC,
	DM_MPATH_PR_CMD_SET,
	DM_MPATH_PR_CMD_PATH_REGISTERED,
	DM_MPATH_PR_CMD_PATH_UNREGISTERED,
	DM_MPATH_PR_CMD_PATH_FAILED,
	DM_MPATH_PR_CMD_PATH_RESTORED,
	DM_MPATH_PR_CMD_RESERVATION_CHANGED,
	DM_MPATH_PR_CMD_PREEMPTED,
	DM_MPATH_PR_CMD_OP_DONE,
	DM_MPATH_PR_CMD_DETACHED,

	__DM_MPATH_PR_CMD_MAX,
	DM_MPATH_PR_CMD_MAX = (__DM_MPATH_PR_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_DM_MPATH_PR_H */
