// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: the command line's side of the library's results.
 *
 * libprtool answers with a negative errno (or a PR status) and a detail
 * string and never prints; these helpers print that detail as prtool's
 * message and turn the result into prtool's exit code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "dm.h"
#include "ipc.h"
#include "pr.h"
#include "prtool.h"
#include "status.h"

int cli_exit_code(int status)
{
	switch (pr_status_classify(status)) {
	case PR_CLASS_OK:
		return PRTOOL_EXIT_OK;
	case PR_CLASS_ERRNO:
		return PRTOOL_EXIT_OS;
	case PR_CLASS_CONFLICT:
		return PRTOOL_EXIT_CONFLICT;
	default:
		return PRTOOL_EXIT_PR;
	}
}

int cli_dev_open(struct pr_dev *d, const char *arg)
{
	int ret = pr_dev_open(d, arg);

	if (!ret)
		return PRTOOL_EXIT_OK;
	prtool_err("%s", d->detail);
	return ret == -EINVAL ? PRTOOL_EXIT_USAGE : PRTOOL_EXIT_OS;
}

int cli_pr_failure(struct pr_dev *d, const char *op, int ret)
{
	char msg[512];

	prtool_err("%s", pr_failure_text(d, op, ret, msg, sizeof(msg)));
	return cli_exit_code(ret);
}

/* An empty name is a usage error; every other failure an OS error. */
static int map_failure(const char *arg, const char *why)
{
	prtool_err("%s", why);
	return *arg ? PRTOOL_EXIT_OS : PRTOOL_EXIT_USAGE;
}

int cli_resolve_map(const char *arg, struct mpath_map *m)
{
	char why[640];

	if (dm_resolve_map(arg, m, why, sizeof(why)))
		return map_failure(arg, why);
	return PRTOOL_EXIT_OK;
}

int cli_get_mpath_map(const char *arg, struct mpath_map *m)
{
	char why[640];

	if (dm_get_mpath_map(arg, m, why, sizeof(why)))
		return map_failure(arg, why);
	return PRTOOL_EXIT_OK;
}

int cli_attached(struct cli_devt **devs, size_t *nr)
{
	struct mpr_dev_info *att = NULL;
	struct ipc *ipc;
	size_t i, n = 0;
	int ret;

	*devs = NULL;
	*nr = 0;
	ret = ipc_open(&ipc, false);
	if (ret == -ENOENT)
		return 0;	/* no module: nothing is attached */
	if (ret)
		return ret;
	ret = ipc_dump(ipc, &att, &n);
	ipc_close(ipc);
	if (ret)
		return ret;
	if (n) {
		*devs = calloc(n, sizeof(**devs));
		if (!*devs) {
			free(att);
			return -ENOMEM;
		}
	}
	for (i = 0; i < n; i++) {
		(*devs)[i].major = att[i].major;
		(*devs)[i].minor = att[i].minor;
	}
	*nr = n;
	free(att);
	return 0;
}
