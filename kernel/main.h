/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MPR_MAIN_H
#define _MPR_MAIN_H

struct mpr_engine_params;

/* Module parameters, shared by every attachment. */
extern struct mpr_engine_params mpr_params;

#endif /* _MPR_MAIN_H */
