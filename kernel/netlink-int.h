/* SPDX-License-Identifier: GPL-2.0 */
/* What netlink.c and netlink-events.c share. */
#ifndef _MPR_NETLINK_INT_H
#define _MPR_NETLINK_INT_H

#include <net/genetlink.h>

extern struct genl_family mpr_genl_family;

#endif /* _MPR_NETLINK_INT_H */
