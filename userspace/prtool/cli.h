/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prtool: printing the library's failures, and prtool's exit codes.
 */
#ifndef PRTOOL_CLI_H
#define PRTOOL_CLI_H

#include <stdbool.h>
#include <stddef.h>

struct mpath_map;
struct pr_dev;

/* The prtool exit code for a failed PR operation with result @status. */
int cli_exit_code(int status);

/*
 * pr_dev_open(), then on failure print why; return PRTOOL_EXIT_OK, or
 * PRTOOL_EXIT_USAGE for an empty name and PRTOOL_EXIT_OS for the rest.
 */
int cli_dev_open(struct pr_dev *d, const char *arg);

/*
 * Print "prtool: OP on PATH: REASON" for result @ret (non-zero) of
 * operation @op (pr_failure_text()), and return the exit code.
 */
int cli_pr_failure(struct pr_dev *d, const char *op, int ret);

/*
 * dm_resolve_map() and dm_get_mpath_map(), printing the failure; return
 * PRTOOL_EXIT_OK, or PRTOOL_EXIT_USAGE for an empty name and
 * PRTOOL_EXIT_OS for the rest.
 */
int cli_resolve_map(const char *arg, struct mpath_map *m);
int cli_get_mpath_map(const char *arg, struct mpath_map *m);

struct ipc;

/*
 * ipc_open_report() and ipc_events_open_report() with the failures
 * printed as prtool's messages ("prtool: kernel reports: ...").
 */
int ipc_open(struct ipc **ipcp, bool load);
int ipc_events_open(struct ipc **ipcp, bool load);

/* A device number. */
struct cli_devt {
	unsigned int major;
	unsigned int minor;
};

/*
 * The maps attached to dm_mpath_pr (none if the module is not loaded):
 * *@devs (free() it) and *@nr. Return: 0 or -errno (printed).
 */
int cli_attached(struct cli_devt **devs, size_t *nr);

#endif /* PRTOOL_CLI_H */
