// SPDX-License-Identifier: GPL-2.0
/*
 * prtool daemon: its log. With --foreground to stderr (under systemd the
 * journal's stream: each line then starts with its priority), otherwise
 * to syslog (facility daemon). The module's events are logged one line
 * each, however long.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon.h"
#include "dm.h"
#include "event.h"
#include "ipc.h"
#include "prtool.h"

static bool log_foreground = true;
/* stderr is the journal's stream: each line starts with its priority */
static bool log_journal;

/*
 * Is stderr connected to the journal? systemd sets JOURNAL_STREAM to the
 * device and inode of the stream it gave the service (systemd.exec(5)).
 */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &st))
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

void dlog(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_foreground) {
		/* "<4>": journald takes the line's priority from it */
		if (log_journal)
			fprintf(stderr, "<%d>", prio);
		fputs(PROG_NAME ": daemon: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		fflush(stderr);
	} else {
		vsyslog(prio, fmt, ap);
	}
	va_end(ap);
}

int daemon_log_event(const struct mpr_event *ev, void *arg)
{
	char *line = NULL, map[128];
	const char *name;
	size_t len = 0;
	FILE *f;
	int prio;

	(void)arg;
	name = dm_name_of(ev->major, ev->minor, map, sizeof(map)) ? NULL : map;
	/*
	 * The whole line, however long: an OP_DONE of 64 paths is over 4,000
	 * characters, and a line cut at a fixed size said nothing of the
	 * paths it lost.
	 */
	f = open_memstream(&line, &len);
	if (f) {
		mpr_event_text(f, ev, name);
		if (fclose(f)) {
			free(line);
			line = NULL;
		}
	}
	if (!line) {
		dlog(LOG_ERR, "event: %s of %s: %s", mpr_event_name(ev->cmd),
		     name ? name : ev->name, strerror(ENOMEM));
		return 0;
	}
	line[strcspn(line, "\n")] = '\0';
	switch (ev->cmd) {
	case DM_MPATH_PR_CMD_PREEMPTED:
	case DM_MPATH_PR_CMD_PATH_FAILED:
		prio = LOG_WARNING;
		break;
	default:
		prio = LOG_INFO;
		break;
	}
	dlog(prio, "event: %s", line);
	free(line);
	return 0;
}

void daemon_log_to_syslog(bool on)
{
	if (on == !log_foreground)
		return;
	if (on) {
		openlog(PROG_NAME, LOG_PID, LOG_DAEMON);
		log_foreground = false;
		log_journal = false;
		prtool_log_to_syslog(true);
	} else {
		prtool_log_to_syslog(false);
		closelog();
		log_foreground = true;
		log_journal = false;	/* daemon_log_start() looks again */
	}
}

void daemon_log_start(void)
{
	log_journal = log_foreground && stderr_is_journal();
}
