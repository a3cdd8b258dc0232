/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prtool: names and output of the module's notifications (prtool monitor,
 * prtool daemon).
 */
#ifndef PRTOOL_EVENT_H
#define PRTOOL_EVENT_H

#include <stdint.h>
#include <stdio.h>

#include "ipc.h"

/* "path-registered" ... "detached"; "unknown" for anything else. */
const char *mpr_event_name(uint8_t cmd);
/* "register" ... "read-reservation" (enum dm_mpath_pr_op); "unknown". */
const char *mpr_op_name(uint32_t op);

/**
 * mpr_event_text() - one line (newline included) that describes @ev
 * @f: where to write it
 * @ev: the notification
 * @map: the dm name of the device, or NULL if unknown
 */
void mpr_event_text(FILE *f, const struct mpr_event *ev, const char *map);

/**
 * mpr_event_json() - @ev as one JSON object on one line (newline included)
 * @f: where to write it
 * @ev: the notification
 * @map: the dm name of the device, or NULL if unknown (JSON null)
 */
void mpr_event_json(FILE *f, const struct mpr_event *ev, const char *map);

#endif /* PRTOOL_EVENT_H */
