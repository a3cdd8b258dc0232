/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MPR_MAIN_H
#define _MPR_MAIN_H

#include <linux/types.h>

struct mpr_engine_params;

/* Module parameters, shared by every attachment. */
extern struct mpr_engine_params mpr_params;
/* The module pinned itself (hook.c, mpr_pin()); parameter "pinned". */
extern bool mpr_pinned;

#endif /* _MPR_MAIN_H */
