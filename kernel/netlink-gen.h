/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/dm-mpath-pr.yaml */
/* YNL-GEN kernel header */
/* YNL-ARG --function-prefix mpr-nl */
/* To regenerate run: tools/net/ynl/ynl-regen.sh */

#ifndef _LINUX_DM_MPATH_PR_GEN_H
#define _LINUX_DM_MPATH_PR_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/dm-mpath-pr.h>

/* Common nested types */
extern const struct nla_policy dm_mpath_pr_path_hint_nl_policy[DM_MPATH_PR_A_PATH_STATE + 1];
extern const struct nla_policy dm_mpath_pr_path_id_nl_policy[DM_MPATH_PR_A_PATH_MINOR + 1];

extern const struct nla_policy dm_mpath_pr_attach_nl_policy[DM_MPATH_PR_A_KEY + 1];

extern const struct nla_policy dm_mpath_pr_detach_nl_policy[DM_MPATH_PR_A_DEV_MINOR + 1];

extern const struct nla_policy dm_mpath_pr_get_nl_policy[DM_MPATH_PR_A_DEV_MINOR + 1];

extern const struct nla_policy dm_mpath_pr_sync_nl_policy[DM_MPATH_PR_A_KEY + 1];

extern const struct nla_policy dm_mpath_pr_path_state_nl_policy[DM_MPATH_PR_A_PATH + 1];

extern const struct nla_policy dm_mpath_pr_resync_nl_policy[DM_MPATH_PR_A_DEV_MINOR + 1];

extern const struct nla_policy dm_mpath_pr_set_nl_policy[DM_MPATH_PR_A_SGIO + 1];

/* Ops table for dm_mpath_pr */
extern const struct genl_ops dm_mpath_pr_nl_ops[7];

int mpr_nl_attach_doit(struct sk_buff *skb, struct genl_info *info);
int mpr_nl_detach_doit(struct sk_buff *skb, struct genl_info *info);
int mpr_nl_get_doit(struct sk_buff *skb, struct genl_info *info);
int mpr_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int mpr_nl_sync_doit(struct sk_buff *skb, struct genl_info *info);
int mpr_nl_path_state_doit(struct sk_buff *skb, struct genl_info *info);
int mpr_nl_resync_doit(struct sk_buff *skb, struct genl_info *info);
int mpr_nl_set_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	DM_MPATH_PR_NLGRP_EVENTS,
};

#endif /* _LINUX_DM_MPATH_PR_GEN_H */
