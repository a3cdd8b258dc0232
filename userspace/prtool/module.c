// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: loading the kernel module with libkmod, as modprobe would
 * (dependencies, options and install commands from modprobe.d apply).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include <libkmod.h>

#include "module.h"

int mpr_load_module(char *why, size_t len)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	struct utsname uts;
	int ret;

	ctx = kmod_new(NULL, NULL);
	if (!ctx) {
		snprintf(why, len, "libkmod could not be initialised");
		return -ENOMEM;
	}
	ret = kmod_module_new_from_name(ctx, MPR_MODULE_NAME, &mod);
	if (ret < 0) {
		snprintf(why, len, "libkmod: %s", strerror(-ret));
		goto out;
	}
	ret = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL, NULL);
	if (ret == -ENOENT) {
		if (uname(&uts))
			snprintf(uts.release, sizeof(uts.release), "?");
		snprintf(why, len, "no such module for kernel %s (is it "
			 "installed, and was depmod run?)", uts.release);
	} else if (ret < 0) {
		snprintf(why, len, "%s", strerror(-ret));
	} else if (ret > 0) {
		/* Only returned with blacklist flags, which are not used. */
		snprintf(why, len, "the module is blacklisted");
		ret = -EPERM;
	}
out:
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}
