// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/dm-mpath-pr.yaml */
/* YNL-GEN kernel source */
/* YNL-ARG --function-prefix mpr-nl */
/* To regenerate run: tools/net/ynl/ynl-regen.sh */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/dm-mpath-pr.h>

/* Common nested types */
const struct nla_policy dm_mpath_pr_path_hint_nl_policy[DM_MPATH_PR_A_PATH_STATE + 1] = {
	[DM_MPATH_PR_A_PATH_MAJOR] = NLA_POLICY_MAX(NLA_U32, 4095),
	[DM_MPATH_PR_A_PATH_MINOR] = { .type = NLA_U32, },
	[DM_MPATH_PR_A_PATH_STATE] = NLA_POLICY_RANGE(NLA_U32, 1, 2),
};

const struct nla_policy dm_mpath_pr_path_id_nl_policy[DM_MPATH_PR_A_PATH_MINOR + 1] = {
	[DM_MPATH_PR_A_PATH_MAJOR] = NLA_POLICY_MAX(NLA_U32, 4095),
	[DM_MPATH_PR_A_PATH_MINOR] = { .type = NLA_U32, },
};

/* DM_MPATH_PR_CMD_ATTACH - do */
const struct nla_policy dm_mpath_pr_attach_nl_policy[DM_MPATH_PR_A_KEY + 1] = {
	[DM_MPATH_PR_A_DEV_MAJOR] = NLA_POLICY_MAX(NLA_U32, 4095),
	[DM_MPATH_PR_A_DEV_MINOR] = { .type = NLA_U32, },
	[DM_MPATH_PR_A_PATH] = NLA_POLICY_NESTED(dm_mpath_pr_path_id_nl_policy),
	[DM_MPATH_PR_A_KEY] = { .type = NLA_U64, },
};

/* DM_MPATH_PR_CMD_DETACH - do */
const struct nla_policy dm_mpath_pr_detach_nl_policy[DM_MPATH_PR_A_DEV_MINOR + 1] = {
	[DM_MPATH_PR_A_DEV_MAJOR] = NLA_POLICY_MAX(NLA_U32, 4095),
	[DM_MPATH_PR_A_DEV_MINOR] = { .type = NLA_U32, },
};

/* DM_MPATH_PR_CMD_GET - do */
const struct nla_policy dm_mpath_pr_get_nl_policy[DM_MPATH_PR_A_DEV_MINOR + 1] = {
	[DM_MPATH_PR_A_DEV_MAJOR] = NLA_POLICY_MAX(NLA_U32, 4095),
	[DM_MPATH_PR_A_DEV_MINOR] = { .type = NLA_U32, },
};

/* DM_MPATH_PR_CMD_SYNC - do */
const struct nla_policy dm_mpath_pr_sync_nl_policy[DM_MPATH_PR_A_KEY + 1] = {
	[DM_MPATH_PR_A_DEV_MAJOR] = NLA_POLICY_MAX(NLA_U32, 4095),
	[DM_MPATH_PR_A_DEV_MINOR] = { .type = NLA_U32, },
	[DM_MPATH_PR_A_PATH] = NLA_POLICY_NESTED(dm_mpath_pr_path_id_nl_policy),
	[DM_MPATH_PR_A_KEY] = { .type = NLA_U64, },
};

/* DM_MPATH_PR_CMD_PATH_STATE - do */
const struct nla_policy dm_mpath_pr_path_state_nl_policy[DM_MPATH_PR_A_PATH + 1] = {
	[DM_MPATH_PR_A_DEV_MAJOR] = NLA_POLICY_MAX(NLA_U32, 4095),
	[DM_MPATH_PR_A_DEV_MINOR] = { .type = NLA_U32, },
	[DM_MPATH_PR_A_PATH] = NLA_POLICY_NESTED(dm_mpath_pr_path_hint_nl_policy),
};

/* DM_MPATH_PR_CMD_RESYNC - do */
const struct nla_policy dm_mpath_pr_resync_nl_policy[DM_MPATH_PR_A_DEV_MINOR + 1] = {
	[DM_MPATH_PR_A_DEV_MAJOR] = NLA_POLICY_MAX(NLA_U32, 4095),
	[DM_MPATH_PR_A_DEV_MINOR] = { .type = NLA_U32, },
};

/* DM_MPATH_PR_CMD_SET - do */
const struct nla_policy dm_mpath_pr_set_nl_policy[DM_MPATH_PR_A_SGIO + 1] = {
	[DM_MPATH_PR_A_DEV_MAJOR] = NLA_POLICY_MAX(NLA_U32, 4095),
	[DM_MPATH_PR_A_DEV_MINOR] = { .type = NLA_U32, },
	[DM_MPATH_PR_A_PROBE_INTERVAL] = { .type = NLA_U32, },
	[DM_MPATH_PR_A_AUDIT_INTERVAL] = { .type = NLA_U32, },
	[DM_MPATH_PR_A_DEADLINE] = { .type = NLA_U32, },
	[DM_MPATH_PR_A_SGIO] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* Ops table for dm_mpath_pr */
const struct genl_ops dm_mpath_pr_nl_ops[7] = {
	{
		.cmd		= DM_MPATH_PR_CMD_ATTACH,
		.doit		= mpr_nl_attach_doit,
		.policy		= dm_mpath_pr_attach_nl_policy,
		.maxattr	= DM_MPATH_PR_A_KEY,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= DM_MPATH_PR_CMD_DETACH,
		.doit		= mpr_nl_detach_doit,
		.policy		= dm_mpath_pr_detach_nl_policy,
		.maxattr	= DM_MPATH_PR_A_DEV_MINOR,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= DM_MPATH_PR_CMD_GET,
		.doit		= mpr_nl_get_doit,
		.dumpit		= mpr_nl_get_dumpit,
		.policy		= dm_mpath_pr_get_nl_policy,
		.maxattr	= DM_MPATH_PR_A_DEV_MINOR,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= DM_MPATH_PR_CMD_SYNC,
		.doit		= mpr_nl_sync_doit,
		.policy		= dm_mpath_pr_sync_nl_policy,
		.maxattr	= DM_MPATH_PR_A_KEY,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= DM_MPATH_PR_CMD_PATH_STATE,
		.doit		= mpr_nl_path_state_doit,
		.policy		= dm_mpath_pr_path_state_nl_policy,
		.maxattr	= DM_MPATH_PR_A_PATH,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= DM_MPATH_PR_CMD_RESYNC,
		.doit		= mpr_nl_resync_doit,
		.policy		= dm_mpath_pr_resync_nl_policy,
		.maxattr	= DM_MPATH_PR_A_DEV_MINOR,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= DM_MPATH_PR_CMD_SET,
		.doit		= mpr_nl_set_doit,
		.policy		= dm_mpath_pr_set_nl_policy,
		.maxattr	= DM_MPATH_PR_A_SGIO,
		.flags		= GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group dm_mpath_pr_nl_mcgrps[] = {
	[DM_MPATH_PR_NLGRP_EVENTS] = { "events", },
};
