// SPDX-License-Identifier: GPL-2.0
/*
 * dm-mpath-pr: persistent reservations fanned out over dm-multipath paths.
 *
 * Module entry points and parameters. The work is done in hook.c
 * (interposition on dm disks), engine.c and the files it names (PR logic),
 * path.c (paths as block devices) and netlink.c (control from userspace).
 */

#include <linux/device-mapper.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "engine.h"
#include "hook.h"
#include "main.h"
#include "netlink.h"

#define DM_MSG_PREFIX "mpath-pr"

struct mpr_engine_params mpr_params = {
	.op_timeout_ms = 10000,
	.probe_interval_ms = 500,
	.audit_interval_ms = 5000,
	.single_holder = MPR_SH_PASSTHROUGH,
};

/*
 * Our pr_ops were published on a disk once: the module holds a reference
 * on itself until reboot (mpr_pin() in hook.c). Read-only parameter
 * "pinned", so that administrators and tests can see why rmmod fails.
 */
bool mpr_pinned;
module_param_named(pinned, mpr_pinned, bool, 0444);
MODULE_PARM_DESC(pinned,
		 "Y once a map was attached: the module cannot be unloaded until reboot (read-only)");

static const char * const mpr_single_holder_names[] = {
	[MPR_SH_REFUSE]		= "refuse",
	[MPR_SH_TRANSLATE]	= "translate",
	[MPR_SH_PASSTHROUGH]	= "passthrough",
};

static int mpr_single_holder_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(mpr_single_holder_names, val);

	if (i < 0)
		return -EINVAL;
	WRITE_ONCE(*(int *)kp->arg, i);
	/* A policy of the host, not of one device: every device follows. */
	mpr_hook_set_single_holder(i);
	return 0;
}

static int mpr_single_holder_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  mpr_single_holder_names[READ_ONCE(*(int *)kp->arg)]);
}

static const struct kernel_param_ops mpr_single_holder_ops = {
	.set = mpr_single_holder_set,
	.get = mpr_single_holder_get,
};

module_param_named(op_timeout_ms, mpr_params.op_timeout_ms, uint, 0644);
MODULE_PARM_DESC(op_timeout_ms,
		 "How long a PR operation waits for its paths, in ms (100..300000, default 10000)");
module_param_named(probe_interval_ms, mpr_params.probe_interval_ms, uint, 0644);
MODULE_PARM_DESC(probe_interval_ms,
		 "Interval of the work that brings pending paths to the wanted registration state, in ms (min 50, default 500)");
module_param_named(audit_interval_ms, mpr_params.audit_interval_ms, uint, 0644);
MODULE_PARM_DESC(audit_interval_ms,
		 "Interval of the audit that re-verifies the host's registrations, in ms (0: off, default 5000): READ KEYS must show the key once per path that carries it, else those paths are registered again");
module_param_cb(single_holder, &mpr_single_holder_ops,
		&mpr_params.single_holder, 0644);
MODULE_PARM_DESC(single_holder,
		 "Write Exclusive and Exclusive Access on a device with several paths: passthrough (default, sent as asked), refuse, translate (to the registrants-only type)");

static int __init mpr_init(void)
{
	int r;

	r = mpr_hook_init();
	if (r)
		goto err_hook;
	r = mpr_netlink_init();
	if (r)
		goto err_netlink;
	DMINFO("loaded");
	return 0;

err_netlink:
	mpr_hook_exit();
err_hook:
	return r;
}

static void __exit mpr_exit(void)
{
	mpr_netlink_uninit();
	mpr_hook_exit();
	DMINFO("unloaded");
}

module_init(mpr_init);
module_exit(mpr_exit);

MODULE_DESCRIPTION("Persistent reservations over dm-multipath paths");
MODULE_AUTHOR("dm-mpath-pr developers");
MODULE_LICENSE("GPL");
