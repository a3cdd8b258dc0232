// SPDX-License-Identifier: GPL-2.0
/*
 * Formatted extack messages, NL_SET_ERR_MSG_FMT_MOD(), appeared in v6.2,
 * ("netlink: add support for formatted extack messages").
 */
#include <linux/netlink.h>

static __maybe_unused void probe(struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG_FMT_MOD(extack, "value %d", 1);
}
