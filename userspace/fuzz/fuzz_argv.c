// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: prtool's and lvmpersist's command lines. The first byte
 * picks the program (even: prtool, odd: lvmpersist); the rest is argv,
 * NUL-separated words.
 *
 * Nothing leaves the process: open() fails (no device is ever opened), the
 * module is "not loaded" (the netlink connection is never made), libdevmapper
 * finds no map, lvm is never run, syslog is dropped. "daemon" and "monitor"
 * are left out: they wait for events (their input, uevents and the
 * module's notifications, has targets of its own), as is "mpathpersist"
 * (fuzz_mpathpersist). Output is dropped (-close_fd_mask=3).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libdevmapper.h>

#include "fuzz_words.h"
#include "ipc.h"
#include "prtool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int __wrap_open(const char *path, int flags, ...);
int __wrap_ipc_open_report(struct ipc **ipcp, bool load,
			   ipc_report_fn *report, void *arg);
int __wrap_ipc_events_open_report(struct ipc **ipcp, bool load,
				  ipc_report_fn *report, void *arg);
struct dm_task *__wrap_dm_task_create(int type);
int __wrap_run_capture(const char *path, char *const argv[], char **out);
void __wrap_syslog(int prio, const char *fmt, ...);

int __wrap_open(const char *path, int flags, ...)
{
	(void)path;
	(void)flags;
	errno = ENOENT;
	return -1;
}

int __wrap_ipc_open_report(struct ipc **ipcp, bool load,
			   ipc_report_fn *report, void *arg)
{
	(void)load;
	(void)report;
	(void)arg;
	*ipcp = NULL;
	return -ENOENT;
}

int __wrap_ipc_events_open_report(struct ipc **ipcp, bool load,
				  ipc_report_fn *report, void *arg)
{
	return __wrap_ipc_open_report(ipcp, load, report, arg);
}

struct dm_task *__wrap_dm_task_create(int type)
{
	(void)type;
	return NULL;
}

int __wrap_run_capture(const char *path, char *const argv[], char **out)
{
	(void)path;
	(void)argv;
	*out = NULL;
	return -ENOENT;
}

void __wrap_syslog(int prio, const char *fmt, ...)
{
	(void)prio;
	(void)fmt;
}

static bool left_out(const char *cmd)
{
	return !strcmp(cmd, "daemon") || !strcmp(cmd, "monitor") ||
	       !strcmp(cmd, "mpathpersist");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *words, *argv[FUZZ_MAX_ARGS];
	bool lvm;
	int argc;

	if (!size || size > 4096)
		return 0;
	lvm = data[0] & 1;
	words = fuzz_words(lvm ? "lvmpersist" : "prtool", data + 1, size - 1,
			   argv, &argc);
	if (!words)
		return 0;
	/* "prtool help daemon" is fine; "prtool daemon" waits. */
	if (lvm)
		lvmpersist_main(argc, argv);
	else if (!left_out(words))
		prtool_main(argc, argv);
	free(words);
	return 0;
}
