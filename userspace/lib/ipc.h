/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprtool: the generic netlink interface to dm-mpath-pr.
 *
 * All kernel I/O of the control commands goes through these functions.
 * Functions return 0 or a negative errno. Nothing is printed: libnl and
 * module failures, and a message the kernel attaches to an error
 * (extended ACK, as "kernel reports: ..."), go to the report function given
 * at open; the caller says which operation failed.
 */
#ifndef LIBPRTOOL_IPC_H
#define LIBPRTOOL_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/dm-mpath-pr.h>

struct nl_msg;
struct nlmsghdr;
struct nlmsgerr;

/**
 * struct mpr_attach_req - what DM_MPATH_PR_CMD_ATTACH carries
 * @major: the dm disk
 * @minor: the dm disk
 * @nr_paths: number of entries in @paths
 * @paths: device numbers of the paths
 * @has_key: @key is set (adopt an existing registration)
 * @key: the key
 */
struct mpr_attach_req {
	uint32_t major;
	uint32_t minor;
	unsigned int nr_paths;
	struct {
		uint32_t major;
		uint32_t minor;
	} paths[DM_MPATH_PR_MAX_PATHS];
	bool has_key;
	uint64_t key;
};

/**
 * struct mpr_path_info - one path of an attachment, as GET reports it
 * @major: path device number
 * @minor: path device number
 * @name: kernel name ("sdb"), "" if not reported
 * @state: enum dm_mpath_pr_path_state (0 if not reported)
 * @reg: enum dm_mpath_pr_reg_state
 * @last_error: last result, -errno or a PR status
 * @cmds: PR commands sent on the path
 * @errors: of which failed
 */
struct mpr_path_info {
	uint32_t major;
	uint32_t minor;
	char name[32];
	uint32_t state;
	uint32_t reg;
	int32_t last_error;
	uint64_t cmds;
	uint64_t errors;
};

/**
 * struct mpr_dev_info - one attachment, as GET reports it
 * @major: dm disk device number
 * @minor: dm disk device number
 * @name: kernel name ("dm-3")
 * @key: the key the module keeps on the paths, 0 for none
 * @aptpl: the key was registered with APTPL
 * @has_holder: @holder_major/@holder_minor are set
 * @holder_major: the path known to hold the reservation
 * @holder_minor: the path known to hold the reservation
 * @res_type: enum pr_type of our reservation, 0 for none
 * @ops: PR operations run on the device
 * @preempted: the host's key was found gone from the device (fenced)
 * @has_probe_interval: @probe_interval was reported
 * @probe_interval: ms between probes of failed and pending paths
 * @has_audit_interval: @audit_interval was reported
 * @audit_interval: ms between registration audits, 0 for none
 * @has_deadline: @deadline was reported
 * @deadline: ms a caller waits for one step of an operation
 * @has_sgio: @sgio was reported (a module older than the SGIO setting
 *	does not)
 * @sgio: PR commands sent by SG_IO on the map are answered by the module
 *	(false: they go to dm, down one path)
 * @nr_paths: entries in @paths
 * @truncated: the kernel reported more than DM_MPATH_PR_MAX_PATHS paths
 * @paths: the paths
 */
struct mpr_dev_info {
	uint32_t major;
	uint32_t minor;
	char name[32];
	uint64_t key;
	bool aptpl;
	bool has_holder;
	uint32_t holder_major;
	uint32_t holder_minor;
	uint32_t res_type;
	uint64_t ops;
	bool preempted;
	bool has_probe_interval;
	uint32_t probe_interval;
	bool has_audit_interval;
	uint32_t audit_interval;
	bool has_deadline;
	uint32_t deadline;
	bool has_sgio;
	bool sgio;
	unsigned int nr_paths;
	bool truncated;
	struct mpr_path_info paths[DM_MPATH_PR_MAX_PATHS];
};

/**
 * struct mpr_settings - what DM_MPATH_PR_CMD_SET carries
 * @major: the dm disk
 * @minor: the dm disk
 * @has_probe_interval: send @probe_interval
 * @probe_interval: ms
 * @has_audit_interval: send @audit_interval
 * @audit_interval: ms, 0 turns the audit off
 * @has_deadline: send @deadline
 * @deadline: ms
 * @has_sgio: send @sgio
 * @sgio: the module answers PR commands sent by SG_IO on the map (false:
 *	dm does)
 */
struct mpr_settings {
	uint32_t major;
	uint32_t minor;
	bool has_probe_interval;
	uint32_t probe_interval;
	bool has_audit_interval;
	uint32_t audit_interval;
	bool has_deadline;
	uint32_t deadline;
	bool has_sgio;
	bool sgio;
};

/**
 * struct mpr_event_path - the path a notification is about, or one path
 *	of an OP_DONE
 * @major: path device number
 * @minor: path device number
 * @name: kernel name ("sdb"), "" if not reported
 * @has_result: @result was reported
 * @result: result on this path, -errno or a PR status
 * @has_latency: @latency_us was reported
 * @latency_us: latency of the path's command
 */
struct mpr_event_path {
	uint32_t major;
	uint32_t minor;
	char name[32];
	bool has_result;
	int32_t result;
	bool has_latency;
	uint64_t latency_us;
};

/**
 * struct mpr_event - one notification of the "events" group
 * @cmd: DM_MPATH_PR_CMD_PATH_REGISTERED ... DM_MPATH_PR_CMD_DETACHED
 * @major: dm disk device number
 * @minor: dm disk device number
 * @name: kernel name ("dm-3"), "" if not reported
 * @has_key: @key was reported
 * @key: the device's key
 * @has_res_type: @res_type was reported
 * @res_type: enum pr_type, 0 for none held
 * @has_holder: @holder_major/@holder_minor were reported
 * @holder_major: the path holding the reservation
 * @holder_minor: the path holding the reservation
 * @has_op: @op was reported
 * @op: enum dm_mpath_pr_op
 * @has_result: @result was reported
 * @result: what the caller got, -errno or a PR status
 * @has_latency: @latency_us was reported
 * @latency_us: time the caller waited
 * @nr_paths: entries in @paths
 * @truncated: more than DM_MPATH_PR_MAX_PATHS paths were reported
 * @paths: the paths named
 */
struct mpr_event {
	uint8_t cmd;
	uint32_t major;
	uint32_t minor;
	char name[32];
	bool has_key;
	uint64_t key;
	bool has_res_type;
	uint32_t res_type;
	bool has_holder;
	uint32_t holder_major;
	uint32_t holder_minor;
	bool has_op;
	uint32_t op;
	bool has_result;
	int32_t result;
	bool has_latency;
	uint64_t latency_us;
	unsigned int nr_paths;
	bool truncated;
	struct mpr_event_path paths[DM_MPATH_PR_MAX_PATHS];
};

struct ipc;

/* Receives one explanation of a failure (no trailing newline). */
typedef void ipc_report_fn(void *arg, const char *msg);

/**
 * ipc_open_report() - connect to the dm_mpath_pr generic netlink family
 * @ipcp: receives the connection
 * @load: load the module (libkmod) if the family is missing
 * @report: receives every explanation of a failure on this connection, its
 *	opening included; NULL drops them
 * @arg: passed to @report
 *
 * Return: 0; -ENOENT when the family is missing and @load is false (not
 * reported); another -errno after reporting why.
 */
int ipc_open_report(struct ipc **ipcp, bool load, ipc_report_fn *report,
		    void *arg);
void ipc_close(struct ipc *ipc);

int ipc_attach(struct ipc *ipc, const struct mpr_attach_req *req);
/* SYNC: as ATTACH, on an attached device only (@req->has_key is ignored). */
int ipc_sync(struct ipc *ipc, const struct mpr_attach_req *req);
int ipc_detach(struct ipc *ipc, uint32_t major, uint32_t minor);
/* PATH_STATE hint: @state is enum dm_mpath_pr_path_state. */
int ipc_path_state(struct ipc *ipc, uint32_t major, uint32_t minor,
		   uint32_t path_major, uint32_t path_minor, uint32_t state);
int ipc_resync(struct ipc *ipc, uint32_t major, uint32_t minor);
int ipc_set(struct ipc *ipc, const struct mpr_settings *set);
int ipc_get(struct ipc *ipc, uint32_t major, uint32_t minor,
	    struct mpr_dev_info *dev);
/*
 * Every attachment; *devs must be freed. A device the kernel continues
 * over several messages is merged into one entry; an interrupted dump
 * (NLM_F_DUMP_INTR: the attachments changed meanwhile) is run again, up to
 * IPC_DUMP_TRIES times, then fails with -EAGAIN.
 */
#define IPC_DUMP_TRIES 5
int ipc_dump(struct ipc *ipc, struct mpr_dev_info **devs, size_t *nr);

/**
 * ipc_events_open_report() - a connection that receives the "events" group
 * @ipcp: receives the connection
 * @load: as for ipc_open_report()
 * @report: as for ipc_open_report()
 * @arg: passed to @report
 *
 * The socket is non-blocking: wait on ipc_fd() and call ipc_events_read().
 *
 * Return: 0, or -errno after reporting why (-EPERM: joining the group
 * needs CAP_SYS_ADMIN; -ENOENT: module not loaded and @load false, not
 * reported).
 */
int ipc_events_open_report(struct ipc **ipcp, bool load,
			   ipc_report_fn *report, void *arg);
/* The socket, for poll(). */
int ipc_fd(const struct ipc *ipc);
/**
 * ipc_events_read() - handle the notifications that arrived
 * @ipc: from ipc_events_open()
 * @fn: called for every notification; a non-zero return stops reading
 *	and is returned
 * @arg: for @fn
 *
 * Return: 0 when no more are waiting; -ENOBUFS when notifications were
 * lost (the socket's buffer overran; reading can go on); the return value
 * of @fn; another -errno on failure (reported).
 */
int ipc_events_read(struct ipc *ipc,
		    int (*fn)(const struct mpr_event *ev, void *arg),
		    void *arg);

/* Message construction and parsing (ipc_msg.c). */
int ipc_put_dev(struct nl_msg *msg, uint32_t major, uint32_t minor);
int ipc_put_attach(struct nl_msg *msg, const struct mpr_attach_req *req);
int ipc_parse_dev(struct nlmsghdr *nlh, struct mpr_dev_info *dev);
int ipc_parse_event(struct nlmsghdr *nlh, struct mpr_event *ev);
int ipc_put_settings(struct nl_msg *msg, const struct mpr_settings *set);
/*
 * A dump message parsed into @next continues @into (the same device):
 * append its paths. Return: true if merged, false if @next is another
 * device.
 */
bool ipc_dev_merge(struct mpr_dev_info *into, const struct mpr_dev_info *next);
/*
 * The kernel's extended ACK message in an NLMSG_ERROR (or NLMSG_DONE)
 * message, into @buf: 1 if there was one, 0 if not.
 */
int ipc_ext_ack_msg(const struct nlmsghdr *nlh, char *buf, size_t len);

#endif /* LIBPRTOOL_IPC_H */
