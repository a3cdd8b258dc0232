/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prtool: what the control commands share (cmd_ctl.c, cmd_show.c).
 */
#ifndef PRTOOL_CMD_CTL_H
#define PRTOOL_CMD_CTL_H

struct mpath_map;

/* Advice for errno @err of a control command, or NULL. */
const char *ctl_hint(int err);
/* Print "OP MAP (MAJ:MIN): REASON (HINT)"; returns PRTOOL_EXIT_NETLINK. */
int ctl_failure(const char *op, const struct mpath_map *m, int err);
/* Print that the module is not loaded (nothing attached); same return. */
int not_loaded(const char *op, const char *what);

#endif /* PRTOOL_CMD_CTL_H */
