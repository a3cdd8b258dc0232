/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MPR_NETLINK_H
#define _MPR_NETLINK_H

#include <linux/types.h>

struct mpr_event;

int mpr_netlink_init(void);
void mpr_netlink_uninit(void);
void mpr_netlink_event(dev_t devt, const char *name,
		       const struct mpr_event *ev);
void mpr_netlink_detached(dev_t devt, const char *name);

#endif /* _MPR_NETLINK_H */
