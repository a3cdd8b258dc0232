// SPDX-License-Identifier: GPL-2.0
/*
 * Multicast groups can require a capability to join since v6.7 (and
 * backported to the stable trees, e.g. Debian's 6.1), commit
 * ("genetlink: add CAP_NET_ADMIN test for multicast bind") and commit
 * ("drop_monitor: Require 'CAP_SYS_ADMIN' when joining
 * "events" group"), which added GENL_MCAST_CAP_SYS_ADMIN.
 */
#include <net/genetlink.h>

static __maybe_unused const struct genl_multicast_group probe_grp = {
	.name = "probe",
	.flags = GENL_MCAST_CAP_SYS_ADMIN,
};
