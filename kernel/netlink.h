/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MPR_NETLINK_H
#define _MPR_NETLINK_H

int mpr_netlink_init(void);
void mpr_netlink_uninit(void);

#endif /* _MPR_NETLINK_H */
