/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fake libdevmapper for the unit tests: the dm_task_* calls prtool uses are
 * wrapped (-Wl,--wrap=..., FAKE_DM_WRAPS in the Makefile) and answer from
 * one scripted map.
 */
#ifndef PRTOOL_FAKE_DM_H
#define PRTOOL_FAKE_DM_H

#include <stdbool.h>

/**
 * struct fake_dm - the one fake map
 * @exists: the map exists
 * @name: dm name
 * @uuid: dm uuid
 * @major: device number
 * @minor: device number
 * @type: target type of its single target ("multipath"), NULL for none
 * @params: target parameters
 * @run_fails: dm_task_run() fails
 * @tasks_open: tasks created and not destroyed (kept by the fake)
 */
struct fake_dm {
	bool exists;
	const char *name;
	const char *uuid;
	unsigned int major;
	unsigned int minor;
	const char *type;
	const char *params;
	bool run_fails;
	int tasks_open;
};

extern struct fake_dm fake_dm;

/* A multipath map "mpatha", 253:3, with paths 8:16 and 8:32. */
void fake_dm_reset(void);

#endif /* PRTOOL_FAKE_DM_H */
