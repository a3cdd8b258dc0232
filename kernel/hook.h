/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attachments: interposition on a dm-multipath disk's pr_ops.
 */
#ifndef _MPR_HOOK_H
#define _MPR_HOOK_H

#include <linux/types.h>
#include <linux/dm-mpath-pr.h>

struct mpr_engine;
struct netlink_ext_ack;
struct nlattr;

/**
 * struct mpr_attach_req - what ATTACH asks for
 * @dev: the dm disk
 * @dev_attr: attribute that named it, for extack
 * @nr_paths: entries in @paths
 * @paths: the path devices
 * @path_attrs: the nests that named them, for extack
 * @has_key: @key is given
 * @key: registration to adopt
 * @sync_only: SYNC: the device must be attached already
 */
struct mpr_attach_req {
	dev_t dev;
	const struct nlattr *dev_attr;
	unsigned int nr_paths;
	dev_t paths[DM_MPATH_PR_MAX_PATHS];
	const struct nlattr *path_attrs[DM_MPATH_PR_MAX_PATHS];
	bool has_key;
	u64 key;
	bool sync_only;
};

/**
 * struct mpr_set_req - what SET asks for; a NULL member stays as it is
 * @probe_interval_ms: &mpr_engine_params.probe_interval_ms
 * @audit_interval_ms: &mpr_engine_params.audit_interval_ms
 * @op_timeout_ms: &mpr_engine_params.op_timeout_ms (DEADLINE)
 * @sgio: &mpr_engine_params.sgio (SGIO)
 */
struct mpr_set_req {
	const u32 *probe_interval_ms;
	const u32 *audit_interval_ms;
	const u32 *op_timeout_ms;
	const bool *sgio;
};

/**
 * typedef mpr_hook_visit_fn - called for an attachment, under the list lock
 * @eng: the attachment's engine
 * @devt: the dm disk
 * @name: the dm disk's name ("dm-3")
 * @arg: caller's cookie
 *
 * Return: 0 to go on; anything else stops the walk and is returned.
 */
typedef int (*mpr_hook_visit_fn)(struct mpr_engine *eng, dev_t devt,
				 const char *name, void *arg);

int mpr_hook_attach(const struct mpr_attach_req *req,
		    struct netlink_ext_ack *extack);
int mpr_hook_detach(dev_t dev, const struct nlattr *dev_attr,
		    struct netlink_ext_ack *extack);
int mpr_hook_path_state(dev_t dev, const struct nlattr *dev_attr,
			dev_t path, const struct nlattr *path_attr,
			bool failed, struct netlink_ext_ack *extack);
int mpr_hook_resync(dev_t dev, const struct nlattr *dev_attr,
		    struct netlink_ext_ack *extack);
int mpr_hook_set(dev_t dev, const struct nlattr *dev_attr,
		 const struct mpr_set_req *req,
		 struct netlink_ext_ack *extack);
int mpr_hook_visit_one(dev_t dev, mpr_hook_visit_fn fn, void *arg);
int mpr_hook_visit_from(unsigned long *pos, unsigned int *gen,
			mpr_hook_visit_fn fn, void *arg);

void mpr_hook_path_died(void);
void mpr_hook_set_single_holder(int policy);

int mpr_hook_init(void);
void mpr_hook_exit(void);

#endif /* _MPR_HOOK_H */
