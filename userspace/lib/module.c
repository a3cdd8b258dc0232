// SPDX-License-Identifier: GPL-2.0
/*
 * libprtool: loading the kernel module with libkmod, as modprobe would
 * (dependencies, options and install commands from modprobe.d apply).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <syslog.h>

#include <libkmod.h>

#include "module.h"

#define KMOD_LAST_LEN 160

/*
 * libkmod's own messages. By default libkmod prints its errors to stderr
 * ("libkmod: ERROR ../libkmod/libkmod-module.c:...: could not find
 * module ..."), before prtool's own message says the same in the user's
 * terms. They are kept instead: the last error goes into the reason
 * where prtool has none better.
 */
static void kmod_log_keep(void *data, int priority, const char *file,
			  int line, const char *fn, const char *format,
			  va_list args)
{
	char *last = data;

	(void)file;
	(void)line;
	(void)fn;
	if (priority > LOG_ERR)
		return;
	vsnprintf(last, KMOD_LAST_LEN, format, args);
	last[strcspn(last, "\n")] = '\0';
}

int mpr_load_module(char *why, size_t len)
{
	struct kmod_module *mod = NULL;
	char last[KMOD_LAST_LEN] = "";
	struct kmod_ctx *ctx;
	struct utsname uts;
	int ret;

	ctx = kmod_new(NULL, NULL);
	if (!ctx) {
		snprintf(why, len, "libkmod could not be initialised");
		return -ENOMEM;
	}
	kmod_set_log_fn(ctx, kmod_log_keep, last);
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
		snprintf(why, len, "%s%s%s%s", strerror(-ret),
			 last[0] ? " (libkmod: " : "", last, last[0] ? ")" : "");
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
