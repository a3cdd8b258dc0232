// SPDX-License-Identifier: GPL-2.0
/*
 * Old kernels let a family veto multicast joins through
 * genl_family::mcast_bind, added in v3.19 by commit
 * ("genetlink: pass multicast bind/unbind to families"). It is the fallback
 * where GENL_MCAST_CAP_SYS_ADMIN does not exist.
 */
#include <net/genetlink.h>

static int probe_bind(struct net *net, int group)
{
	return 0;
}

static __maybe_unused struct genl_family probe_family = {
	.mcast_bind = probe_bind,
};
