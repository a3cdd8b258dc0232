/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prtool: the generic netlink interface to dm-mpath-pr.
 *
 * All kernel I/O of the control commands goes through these functions.
 * Functions return 0 or a negative errno; libnl and module failures are
 * printed here, a message the kernel attaches to an error (extended ACK) is
 * printed as "prtool: kernel reports: ...", and the caller prints the
 * operation that failed.
 */
#ifndef PRTOOL_IPC_H
#define PRTOOL_IPC_H

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
	unsigned int nr_paths;
	bool truncated;
	struct mpr_path_info paths[DM_MPATH_PR_MAX_PATHS];
};

struct ipc;

/**
 * ipc_open() - connect to the dm_mpath_pr generic netlink family
 * @ipcp: the connection
 * @load: load the module when the family is missing
 *
 * Return: 0; -ENOENT when the family is missing and @load is false (quietly);
 * another -errno after printing why.
 */
int ipc_open(struct ipc **ipcp, bool load);
void ipc_close(struct ipc *ipc);

int ipc_attach(struct ipc *ipc, const struct mpr_attach_req *req);
int ipc_detach(struct ipc *ipc, uint32_t major, uint32_t minor);
int ipc_get(struct ipc *ipc, uint32_t major, uint32_t minor,
	    struct mpr_dev_info *dev);
/* Every attachment; *devs must be freed. */
int ipc_dump(struct ipc *ipc, struct mpr_dev_info **devs, size_t *nr);

/* Message construction and parsing, exposed for the unit tests. */
int ipc_put_attach(struct nl_msg *msg, const struct mpr_attach_req *req);
int ipc_parse_dev(struct nlmsghdr *nlh, struct mpr_dev_info *dev);
/*
 * The kernel's extended ACK message in an NLMSG_ERROR (or NLMSG_DONE)
 * message, into @buf: 1 if there was one, 0 if not.
 */
int ipc_ext_ack_msg(const struct nlmsghdr *nlh, char *buf, size_t len);

#endif /* PRTOOL_IPC_H */
