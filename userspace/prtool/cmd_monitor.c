// SPDX-License-Identifier: GPL-2.0
/*
 * prtool monitor: print the notifications of dm-mpath-pr's "events" group,
 * one line (or one JSON object) per notification, flushed at once so that
 * a reader on a pipe sees each as it comes.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "dm.h"
#include "event.h"
#include "ipc.h"
#include "prtool.h"

static const char monitor_help[] =
	"Usage: " PROG_NAME " monitor [--json] [--count N] [--timeout SEC] "
	"[MAP...]\n"
	"\n"
	"Print the events of dm-mpath-pr as they happen: paths registered,\n"
	"unregistered, failed and restored, reservation changes, this host\n"
	"preempted, PR operations done (with per-path results and latency),\n"
	"attachments ended. One line per event (one JSON object with\n"
	"--json), written at once. With MAP, only the events of those maps.\n"
	"Once listening, \"prtool: monitor: listening\" goes to stderr.\n"
	"The module is loaded if needed. Needs CAP_SYS_ADMIN.\n"
	"\n"
	"  -j, --json          one JSON object per line\n"
	"  -c, --count N       exit after N events\n"
	"  -t, --timeout SEC   exit after SEC seconds (status 0)\n"
	"  -h, --help          show this help\n";

#define MONITOR_MAX_MAPS 64

struct monitor {
	bool json;
	unsigned long count;	/* 0: no limit */
	unsigned long seen;
	size_t nr_maps;
	struct {
		unsigned int major, minor;
	} maps[MONITOR_MAX_MAPS];
};

static volatile sig_atomic_t monitor_stop;

static void on_signal(int sig)
{
	(void)sig;
	monitor_stop = 1;
}

static bool wanted(const struct monitor *mon, const struct mpr_event *ev)
{
	size_t i;

	if (!mon->nr_maps)
		return true;
	for (i = 0; i < mon->nr_maps; i++)
		if (mon->maps[i].major == ev->major &&
		    mon->maps[i].minor == ev->minor)
			return true;
	return false;
}

static int print_event(const struct mpr_event *ev, void *arg)
{
	struct monitor *mon = arg;
	char map[128];
	const char *name;

	if (!wanted(mon, ev))
		return 0;
	name = dm_name_of(ev->major, ev->minor, map, sizeof(map)) ? NULL : map;
	if (mon->json)
		mpr_event_json(stdout, ev, name);
	else
		mpr_event_text(stdout, ev, name);
	fflush(stdout);
	mon->seen++;
	return mon->count && mon->seen >= mon->count ? 1 : 0;
}

static int parse_ulong(const char *s, unsigned long *v)
{
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || *end ? -1 : 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cmd_monitor(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct sigaction old_int, old_term;
	long long deadline = -1;
	unsigned long timeout;
	struct monitor *mon;
	struct mpath_map m;
	struct ipc *ipc;
	int c, ret;

	mon = xcalloc(1, sizeof(*mon));
	opt_reset();
	while ((c = getopt_long(argc, argv, ":jc:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			mon->json = true;
			break;
		case 'c':
			if (parse_ulong(optarg, &mon->count) || !mon->count) {
				ret = prtool_usage_err(argv[0], "invalid "
						       "--count '%s': not a "
						       "positive number",
						       optarg);
				goto out;
			}
			break;
		case 't':
			if (parse_ulong(optarg, &timeout) ||
			    timeout > 365UL * 24 * 3600) {
				ret = prtool_usage_err(argv[0], "invalid "
						       "--timeout '%s': not a "
						       "number of seconds",
						       optarg);
				goto out;
			}
			deadline = (long long)timeout * 1000;
			break;
		case 'h':
			fputs(monitor_help, stdout);
			ret = PRTOOL_EXIT_OK;
			goto out;
		default:
			ret = opt_error(argv[0], c, argv);
			goto out;
		}
	}
	for (; optind < argc; optind++) {
		if (mon->nr_maps == MONITOR_MAX_MAPS) {
			ret = prtool_usage_err(argv[0], "more than %d maps",
					       MONITOR_MAX_MAPS);
			goto out;
		}
		ret = cli_resolve_map(argv[optind], &m);
		if (ret)
			goto out;
		mon->maps[mon->nr_maps].major = m.major;
		mon->maps[mon->nr_maps].minor = m.minor;
		mon->nr_maps++;
	}

	/* it says why it failed, in the user's terms */
	ret = ipc_events_open(&ipc, true);
	if (ret) {
		ret = PRTOOL_EXIT_NETLINK;
		goto out;
	}
	prtool_err("monitor: listening");
	if (deadline >= 0)
		deadline += now_ms();

	monitor_stop = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	ret = PRTOOL_EXIT_OK;
	while (!monitor_stop) {
		struct pollfd pfd = { .fd = ipc_fd(ipc), .events = POLLIN };
		int wait = -1, r;

		if (deadline >= 0) {
			long long left = deadline - now_ms();

			if (left <= 0)
				break;
			wait = left > 60000 ? 60000 : (int)left;
		}
		r = poll(&pfd, 1, wait);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			prtool_err("monitor: poll: %s", strerror(errno));
			ret = PRTOOL_EXIT_OS;
			break;
		}
		if (!r)
			continue;
		r = ipc_events_read(ipc, print_event, mon);
		if (r == 1)
			break;		/* --count reached */
		if (r == -ENOBUFS) {
			prtool_err("monitor: events were lost (the receive "
				   "buffer overran)");
			continue;
		}
		if (r) {
			ret = PRTOOL_EXIT_NETLINK;
			break;
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	ipc_close(ipc);
out:
	free(mon);
	return ret;
}
