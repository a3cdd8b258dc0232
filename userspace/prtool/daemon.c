// SPDX-License-Identifier: GPL-2.0
/*
 * prtool daemon: keeps dm-mpath-pr in step with device-mapper, and logs
 * the module's events.
 *
 * It reads the kernel's own uevents (NETLINK_KOBJECT_UEVENT, group 1), not
 * udev's: they arrive before udev has run its rules, so a new path disk is
 * seen before multipathd (which waits for udev's event) reloads the map
 * with it; and the daemon works without udevd. The kernel's events carry
 * all it needs: MAJOR/MINOR of the dm disk or the new disk, and dm's
 * DM_ACTION/DM_PATH for path failures. What they lack (is the dm disk a
 * multipath map, its paths) comes from libdevmapper, its WWID from sysfs.
 *
 * - a dm disk's "add" or "change" (a table reload ends with a resume and a
 *   "change"): SYNC if attached; with --attach-new, ATTACH an "mpath-" map
 * - dm-multipath's PATH_FAILED / PATH_REINSTATED: a PATH_STATE hint
 * - a disk "add" whose WWID is that of an attached map's paths: SYNC with
 *   the new path added, so that the module registers it before multipathd
 *   makes it live (the module refuses a path that is not yet a slave of
 *   the map; then it is registered at the reload's "change")
 * - lost uevents (ENOBUFS): everything is synced again
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <systemd/sd-daemon.h>

#include "cli.h"
#include "daemon.h"
#include "dm.h"
#include "event.h"
#include "ipc.h"
#include "module.h"
#include "parse.h"
#include "prtool.h"

static const char daemon_help[] =
	"Usage: " PROG_NAME " daemon [--attach-new [--key KEY]] "
	"[--foreground]\n"
	"\n"
	"Keep dm-mpath-pr in step with device-mapper, following the kernel's\n"
	"uevents: sync an attached multipath map when its table was\n"
	"reloaded, relay dm-multipath's path failed / reinstated events as\n"
	"hints, and have the module register a new path disk of an attached\n"
	"map as soon as it appears. Every event of the module is logged.\n"
	"At start every attached map is synced. The module is loaded if\n"
	"needed. SIGTERM or SIGINT end it. Needs CAP_SYS_ADMIN.\n"
	"\n"
	"  -a, --attach-new    attach multipath maps (dm uuid mpath-...) that\n"
	"                      are not attached, at start and when they appear\n"
	"  -k, --key KEY       with --attach-new: adopt KEY, registered on the\n"
	"                      maps before attach\n"
	"  -f, --foreground    do not detach; log to stderr instead of syslog\n"
	"  -h, --help          show this help\n";

const char *daemon_sysfs = "/sys";

int daemon_wwid_of(unsigned int major, unsigned int minor, char *buf,
		   size_t len)
{
	char path[256];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/dev/block/%u:%u/device/wwid",
		 daemon_sysfs, major, minor);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	n = strcspn(buf, "\n");
	buf[n] = '\0';
	/* Trailing blanks of a T10 vendor identifier are not part of it. */
	while (n && buf[n - 1] == ' ')
		buf[--n] = '\0';
	return n ? 0 : -ENODATA;
}

/* The attachment of @major:@minor in @devs, or NULL. */
static const struct mpr_dev_info *find_dev(const struct mpr_dev_info *devs,
					   size_t nr, unsigned int major,
					   unsigned int minor)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (devs[i].major == major && devs[i].minor == minor)
			return &devs[i];
	return NULL;
}

/*
 * New path disks the module refused because they are not in the map yet:
 * watched until dm links them as slaves of the map (multipathd's table
 * load, a moment before the resume makes them live), then synced at once.
 */
struct pending_path {
	unsigned int dev_major, dev_minor;	/* the map */
	char dev_name[32];			/* its kernel name, "dm-3" */
	unsigned int major, minor;		/* the new disk */
	char name[64];				/* "sdf" */
	long long deadline;			/* ms, CLOCK_MONOTONIC */
};

#define DAEMON_MAX_PENDING 16
static struct pending_path pending[DAEMON_MAX_PENDING];
static int nr_pending;
int daemon_pending_timeout_ms = 30000;

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pending_drop(int i)
{
	pending[i] = pending[--nr_pending];
}

/* The map was synced from its live table: its pending paths are done. */
static void pending_drop_map(unsigned int major, unsigned int minor)
{
	int i;

	for (i = nr_pending - 1; i >= 0; i--)
		if (pending[i].dev_major == major &&
		    pending[i].dev_minor == minor)
			pending_drop(i);
}

int daemon_nr_pending(void)
{
	return nr_pending;
}

static void req_from_table(const struct mpath_map *m,
			   struct mpr_attach_req *req)
{
	unsigned int i;

	memset(req, 0, sizeof(*req));
	req->major = m->major;
	req->minor = m->minor;
	req->nr_paths = m->table.nr_paths;
	for (i = 0; i < m->table.nr_paths; i++) {
		req->paths[i].major = m->table.paths[i].major;
		req->paths[i].minor = m->table.paths[i].minor;
	}
}

/* Open a command connection and dump the attachments. */
static int open_and_dump(bool load, struct ipc **ipc,
			 struct mpr_dev_info **devs, size_t *nr)
{
	int ret;

	*devs = NULL;
	*nr = 0;
	ret = ipc_open(ipc, load);
	if (ret)
		return ret;
	ret = ipc_dump(*ipc, devs, nr);
	if (ret) {
		dlog(LOG_ERR, "cannot list the attachments: %s",
		     strerror(-ret));
		ipc_close(*ipc);
		*ipc = NULL;
	}
	return ret;
}

/* A dm disk appeared or changed: sync or attach it. */
static int map_changed(const struct daemon_opts *o, struct ipc *ipc,
		       const struct mpr_dev_info *devs, size_t nr,
		       unsigned int major, unsigned int minor)
{
	struct mpr_attach_req *req;
	bool attached = find_dev(devs, nr, major, minor) != NULL;
	struct mpath_map *m;
	char why[256];
	int ret;

	if (!attached && !o->attach_new)
		return 0;
	m = xcalloc(1, sizeof(*m));
	ret = dm_mpath_lookup(major, minor, m, why, sizeof(why));
	if (ret) {
		/* Not a multipath map, or gone again: nothing to do. */
		if (attached)
			dlog(LOG_WARNING, "cannot sync %u:%u: %s", major,
			     minor, why);
		free(m);
		return attached ? ret : 0;
	}
	if (!m->table.nr_paths) {
		free(m);
		return 0;
	}
	req = xcalloc(1, sizeof(*req));
	req_from_table(m, req);
	if (attached) {
		ret = ipc_sync(ipc, req);
		if (ret) {
			dlog(LOG_ERR, "sync %s (%u:%u): %s", m->name, major,
			     minor, strerror(-ret));
		} else {
			dlog(LOG_INFO, "synced %s (%u:%u): %u paths", m->name,
			     major, minor, req->nr_paths);
			pending_drop_map(major, minor);
		}
	} else {
		req->has_key = o->has_key;
		req->key = o->key;
		ret = ipc_attach(ipc, req);
		if (ret)
			dlog(LOG_ERR, "attach %s (%u:%u): %s", m->name, major,
			     minor, strerror(-ret));
		else
			dlog(LOG_INFO, "attached %s (%u:%u): %u paths",
			     m->name, major, minor, req->nr_paths);
	}
	free(req);
	free(m);
	return ret;
}

/* dm-multipath failed or reinstated a path of an attached map. */
static int path_hint(struct ipc *ipc, const struct mpr_dev_info *devs,
		     size_t nr, const struct uevent *ue, uint32_t state)
{
	const char *what = state == DM_MPATH_PR_PATH_FAILED ? "failed"
							   : "active";
	/* dm names the map in its own events. */
	const char *map = ue->dm_name[0] ? ue->dm_name : ue->devname;
	int ret;

	if (!find_dev(devs, nr, ue->major, ue->minor))
		return 0;
	ret = ipc_path_state(ipc, ue->major, ue->minor, ue->dm_path_major,
			     ue->dm_path_minor, state);
	if (ret)
		dlog(LOG_ERR, "path-state %s (%u:%u) path %u:%u %s: %s",
		     map, ue->major, ue->minor, ue->dm_path_major,
		     ue->dm_path_minor, what, strerror(-ret));
	else
		dlog(LOG_INFO, "path %u:%u of %s (%u:%u) is %s (dm-multipath)",
		     ue->dm_path_major, ue->dm_path_minor, map, ue->major,
		     ue->minor, what);
	return ret;
}

/*
 * SYNC map @dev_major:@dev_minor with its live table's paths plus the new
 * disk @major:@minor. Return: 0; 1 if there was nothing to do (the table
 * has the disk already, or the map is full); -errno.
 */
static int sync_with_new(struct ipc *ipc, unsigned int dev_major,
			 unsigned int dev_minor, unsigned int major,
			 unsigned int minor, const char *name,
			 char *mapname, size_t len)
{
	struct mpr_attach_req *req;
	struct mpath_map *m;
	char why[256];
	unsigned int i;
	int ret;

	m = xcalloc(1, sizeof(*m));
	req = xcalloc(1, sizeof(*req));
	ret = dm_mpath_lookup(dev_major, dev_minor, m, why, sizeof(why));
	if (ret) {
		dlog(LOG_WARNING, "new path %s (%u:%u): map %u:%u: %s", name,
		     major, minor, dev_major, dev_minor, why);
		goto out;
	}
	snprintf(mapname, len, "%s", m->name);
	req_from_table(m, req);
	ret = 1;
	for (i = 0; i < req->nr_paths; i++)
		if (req->paths[i].major == major &&
		    req->paths[i].minor == minor)
			goto out;	/* the reload came first */
	if (req->nr_paths == DM_MPATH_PR_MAX_PATHS) {
		dlog(LOG_WARNING, "new path %s of %s: the map has %d paths "
		     "already", name, m->name, DM_MPATH_PR_MAX_PATHS);
		goto out;
	}
	req->paths[req->nr_paths].major = major;
	req->paths[req->nr_paths].minor = minor;
	req->nr_paths++;
	ret = ipc_sync(ipc, req);
out:
	free(req);
	free(m);
	return ret;
}

/*
 * A disk appeared. If its WWID is that of the paths of an attached map
 * and the map's table does not have it yet, ask the module to register it
 * now: SYNC with the table's paths plus this one. The module accepts only
 * slaves of the map: if it refuses, the disk is watched until multipathd's
 * table load links it (see daemon_check_pending()).
 */
static int disk_added(struct ipc *ipc, const struct mpr_dev_info *devs,
		      size_t nr, const struct uevent *ue)
{
	char wwid[256], other[256], map[128] = "?";
	struct pending_path *pp;
	unsigned int i;
	size_t d;
	int ret;

	if (daemon_wwid_of(ue->major, ue->minor, wwid, sizeof(wwid)))
		return 0;	/* not a SCSI disk with a WWID */
	for (d = 0; d < nr; d++) {
		for (i = 0; i < devs[d].nr_paths; i++) {
			const struct mpr_path_info *p = &devs[d].paths[i];

			if (p->major == ue->major && p->minor == ue->minor)
				return 0;	/* known already */
			if (!daemon_wwid_of(p->major, p->minor, other,
					    sizeof(other)) &&
			    !strcmp(wwid, other))
				break;
		}
		if (i < devs[d].nr_paths)
			break;
	}
	if (d == nr)
		return 0;

	ret = sync_with_new(ipc, devs[d].major, devs[d].minor, ue->major,
			    ue->minor, ue->devname, map, sizeof(map));
	if (ret > 0)
		return 0;
	if (!ret) {
		dlog(LOG_INFO, "new path %s (%u:%u) of %s: handed to the "
		     "module before the map's reload", ue->devname,
		     ue->major, ue->minor, map);
		return 0;
	}
	if (!strcmp(map, "?"))
		return ret;	/* the map could not be read: logged */
	if (nr_pending == DAEMON_MAX_PENDING || !devs[d].name[0]) {
		dlog(LOG_NOTICE, "new path %s (%u:%u) of %s is not registered "
		     "before multipathd adds it to the map: the module "
		     "refused it (%s); it is registered when the map is "
		     "reloaded", ue->devname, ue->major, ue->minor, map,
		     strerror(-ret));
		return ret;
	}
	pp = &pending[nr_pending++];
	memset(pp, 0, sizeof(*pp));
	pp->dev_major = devs[d].major;
	pp->dev_minor = devs[d].minor;
	snprintf(pp->dev_name, sizeof(pp->dev_name), "%s", devs[d].name);
	pp->major = ue->major;
	pp->minor = ue->minor;
	snprintf(pp->name, sizeof(pp->name), "%s", ue->devname);
	pp->deadline = mono_ms() + daemon_pending_timeout_ms;
	dlog(LOG_INFO, "new path %s (%u:%u) of %s: the module takes it only "
	     "once it is in the map (%s); watching for multipathd's table "
	     "load", ue->devname, ue->major, ue->minor, map, strerror(-ret));
	return ret;
}

int daemon_check_pending(void)
{
	char path[512], map[128];
	struct pending_path pp;
	struct ipc *ipc = NULL;
	long long now = mono_ms();
	int i, ret;

	for (i = nr_pending - 1; i >= 0; i--) {
		pp = pending[i];
		if (now >= pp.deadline) {
			dlog(LOG_NOTICE, "new path %s (%u:%u) did not enter "
			     "map %s within %d ms: no longer watched", pp.name,
			     pp.major, pp.minor, pp.dev_name,
			     daemon_pending_timeout_ms);
			pending_drop(i);
			continue;
		}
		snprintf(path, sizeof(path), "%s/block/%s/slaves/%s",
			 daemon_sysfs, pp.dev_name, pp.name);
		if (access(path, F_OK))
			continue;
		pending_drop(i);
		if (!ipc && ipc_open(&ipc, false)) {
			ipc = NULL;
			continue;
		}
		snprintf(map, sizeof(map), "%s", pp.dev_name);
		ret = sync_with_new(ipc, pp.dev_major, pp.dev_minor, pp.major,
				    pp.minor, pp.name, map, sizeof(map));
		if (ret < 0)
			dlog(LOG_ERR, "new path %s (%u:%u) of %s: sync when it "
			     "entered the map: %s", pp.name, pp.major,
			     pp.minor, map, strerror(-ret));
		else if (!ret)
			dlog(LOG_INFO, "new path %s (%u:%u) of %s: handed to "
			     "the module at the table load, before the "
			     "resume", pp.name, pp.major, pp.minor, map);
	}
	if (ipc)
		ipc_close(ipc);
	return nr_pending;
}

int daemon_on_uevent(const struct daemon_opts *o, const struct uevent *ue)
{
	enum uevent_kind kind = uevent_classify(ue);
	struct mpr_dev_info *devs;
	struct ipc *ipc;
	size_t nr;
	int ret;

	if (kind == UEVENT_IGNORE)
		return 0;
	ret = open_and_dump(kind == UEVENT_MAP_CHANGED && o->attach_new, &ipc,
			    &devs, &nr);
	if (ret == -ENOENT)
		return 0;	/* module not loaded: nothing attached */
	if (ret)
		return ret;
	switch (kind) {
	case UEVENT_MAP_CHANGED:
		ret = map_changed(o, ipc, devs, nr, ue->major, ue->minor);
		break;
	case UEVENT_PATH_FAILED:
		ret = path_hint(ipc, devs, nr, ue, DM_MPATH_PR_PATH_FAILED);
		break;
	case UEVENT_PATH_REINSTATED:
		ret = path_hint(ipc, devs, nr, ue, DM_MPATH_PR_PATH_ACTIVE);
		break;
	case UEVENT_DISK_ADDED:
		ret = disk_added(ipc, devs, nr, ue);
		break;
	default:
		break;
	}
	free(devs);
	ipc_close(ipc);
	return ret;
}

/* Device number of /sys/block/NAME, from its "dev" file. */
static int sysfs_devt(const char *name, unsigned int *major,
		      unsigned int *minor)
{
	char path[512];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "%s/block/%s/dev", daemon_sysfs, name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fscanf(f, "%u:%u", major, minor);
	fclose(f);
	return n == 2 ? 0 : -EINVAL;
}

void daemon_sync_all(const struct daemon_opts *o)
{
	struct mpr_dev_info *devs;
	unsigned int major, minor;
	struct dirent *de;
	struct ipc *ipc;
	char path[512];
	size_t nr, i;
	DIR *dir;

	if (open_and_dump(o->attach_new, &ipc, &devs, &nr))
		return;
	for (i = 0; i < nr; i++)
		map_changed(o, ipc, devs, nr, devs[i].major, devs[i].minor);
	if (o->attach_new) {
		snprintf(path, sizeof(path), "%s/block", daemon_sysfs);
		dir = opendir(path);
		while (dir && (de = readdir(dir))) {
			if (strncmp(de->d_name, "dm-", 3) ||
			    sysfs_devt(de->d_name, &major, &minor) ||
			    find_dev(devs, nr, major, minor))
				continue;
			map_changed(o, ipc, devs, nr, major, minor);
		}
		if (dir)
			closedir(dir);
	}
	free(devs);
	ipc_close(ipc);
}

/* ---- the loop -------------------------------------------------------- */

static volatile sig_atomic_t daemon_stop;

static void on_signal(int sig)
{
	(void)sig;
	daemon_stop = 1;
}

static int uevent_socket(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,		/* the kernel's uevents */
	};
	int size = 8 << 20;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	/* Bursts of uevents (many paths at once) must not overrun it. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int daemon_read_uevents(const struct daemon_opts *o, int fd)
{
	static char buf[16384];
	struct sockaddr_nl sa;
	struct uevent ue;
	int lost = 0;

	for (;;) {
		struct iovec iov = { buf, sizeof(buf) - 1 };
		struct msghdr mh = {
			.msg_name = &sa,
			.msg_namelen = sizeof(sa),
			.msg_iov = &iov,
			.msg_iovlen = 1,
		};
		ssize_t n = recvmsg(fd, &mh, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			lost = -ENOBUFS;
			continue;
		}
		if (n < 0)
			break;		/* EAGAIN: all read */
		/* Only the kernel (port 0) sends uevents on this socket. */
		if (sa.nl_pid != 0 || (mh.msg_flags & MSG_TRUNC))
			continue;
		if (uevent_parse(buf, (size_t)n, &ue))
			continue;
		daemon_on_uevent(o, &ue);
	}
	return lost;
}

int cmd_daemon(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "attach-new", no_argument, NULL, 'a' },
		{ "key", required_argument, NULL, 'k' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct sigaction old_int, old_term;
	struct daemon_opts o = { 0 };
	sigset_t block, old;
	struct ipc *events;
	const char *why;
	int c, ret, ufd;

	opt_reset();
	while ((c = getopt_long(argc, argv, ":ak:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			o.attach_new = true;
			break;
		case 'k':
			if (o.has_key)
				return prtool_usage_err(argv[0],
							"--key given twice");
			if (parse_key(optarg, &o.key, &why))
				return prtool_usage_err(argv[0], "invalid "
							"--key '%s': %s",
							optarg, why);
			if (!o.key)
				return prtool_usage_err(argv[0], "--key 0 is "
							"not a registration");
			o.has_key = true;
			break;
		case 'f':
			o.foreground = true;
			break;
		case 'h':
			fputs(daemon_help, stdout);
			return PRTOOL_EXIT_OK;
		default:
			return opt_error(argv[0], c, argv);
		}
	}
	ret = opt_no_operand(argv[0], argc, argv);
	if (ret)
		return ret;
	if (o.has_key && !o.attach_new)
		return prtool_usage_err(argv[0], "--key needs --attach-new");

	/* Everything that can fail at start fails on the terminal. */
	ufd = uevent_socket();
	if (ufd < 0) {
		prtool_err("daemon: cannot listen to the kernel's uevents: %s",
			   strerror(-ufd));
		return PRTOOL_EXIT_OS;
	}
	/* it says why it failed, in the user's terms */
	ret = ipc_events_open(&events, true);
	if (ret) {
		close(ufd);
		return PRTOOL_EXIT_NETLINK;
	}
	if (!o.foreground) {
		if (daemon(0, 0)) {
			prtool_err("daemon: cannot detach: %s",
				   strerror(errno));
			ret = PRTOOL_EXIT_OS;
			goto out;
		}
		daemon_log_to_syslog(true);
	}

	/* Signals are only let in while waiting, so none is missed. */
	daemon_stop = 0;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	daemon_log_start();
	dlog(LOG_INFO, "started%s", o.attach_new ? " (attaching new "
						  "multipath maps)" : "");
	daemon_sync_all(&o);
	/*
	 * Ready (systemd's Type=notify): every attached map is synced, and
	 * the uevents and the module's events are read from here on; a
	 * map multipathd reloads from now on is followed. Without
	 * NOTIFY_SOCKET this does nothing.
	 */
	sd_notify(0, "READY=1\nSTATUS=following the attached maps");
	ret = PRTOOL_EXIT_OK;
	while (!daemon_stop) {
		struct pollfd pfd[2] = {
			{ .fd = ufd, .events = POLLIN },
			{ .fd = ipc_fd(events), .events = POLLIN },
		};
		sigset_t empty;
		int r;

		/* A pending new path is looked for every 2 ms. */
		struct timespec tick = { 0, 2000000 };

		sigemptyset(&empty);
		r = ppoll(pfd, 2, nr_pending ? &tick : NULL, &empty);
		if (nr_pending)
			daemon_check_pending();
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			dlog(LOG_ERR, "poll: %s", strerror(errno));
			ret = PRTOOL_EXIT_OS;
			break;
		}
		if (pfd[0].revents &&
		    daemon_read_uevents(&o, ufd) == -ENOBUFS) {
			dlog(LOG_WARNING, "uevents were lost; syncing every "
			     "attached map");
			daemon_sync_all(&o);
		}
		if (pfd[1].revents) {
			r = ipc_events_read(events, daemon_log_event, NULL);
			if (r == -ENOBUFS)
				dlog(LOG_WARNING, "events of the module were "
				     "lost");
			else if (r) {
				dlog(LOG_ERR, "reading the module's events: "
				     "%s", strerror(-r));
				ret = PRTOOL_EXIT_NETLINK;
				break;
			}
		}
	}
	sd_notify(0, "STOPPING=1");
	dlog(LOG_INFO, "stopped");
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
out:
	ipc_close(events);
	close(ufd);
	daemon_log_to_syslog(false);
	return ret;
}
