/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prtool: parser for dm-multipath table parameters.
 */
#ifndef PRTOOL_DM_TABLE_H
#define PRTOOL_DM_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/dm-mpath-pr.h>

/**
 * struct mpath_path - one path of a multipath table
 * @major: block device major of the path
 * @minor: block device minor
 * @pg: 1-based number of the path group the path is in
 */
struct mpath_path {
	unsigned int major;
	unsigned int minor;
	unsigned int pg;
};

/**
 * struct mpath_table - what prtool needs from a multipath table
 * @nr_features: number of feature arguments
 * @queue_if_no_path: the features include queue_if_no_path
 * @hw_handler: hardware handler name, "" if none
 * @nr_pgs: number of path groups
 * @next_pg: the path group dm tries next (0 if none)
 * @nr_paths: number of distinct paths in @paths
 * @paths: the paths, in table order; a path listed twice is kept once
 */
struct mpath_table {
	unsigned int nr_features;
	bool queue_if_no_path;
	char hw_handler[32];
	unsigned int nr_pgs;
	unsigned int next_pg;
	unsigned int nr_paths;
	struct mpath_path paths[DM_MPATH_PR_MAX_PATHS];
};

/**
 * mpath_parse_params() - parse the parameters of a "multipath" target
 * @params: the target parameters as the kernel reports them
 *	(dm_get_next_target() on a DM_DEVICE_TABLE task):
 *	<#features> <features...> <#hw handler args> [<hw handler> <args...>]
 *	<#path groups> <initial path group>
 *	then per path group:
 *	<selector> <#selector args> <selector args...> <#paths> <#path args>
 *	then per path: <major:minor> <path args...>
 * @t: the result
 * @err: on failure, a description of what is wrong and where
 * @errlen: size of @err
 *
 * Return: 0 on success, -1 on failure.
 */
int mpath_parse_params(const char *params, struct mpath_table *t, char *err,
		       size_t errlen);

#endif /* PRTOOL_DM_TABLE_H */
