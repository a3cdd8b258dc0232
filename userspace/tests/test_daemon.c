// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: what prtool daemon does for each uevent. The ipc layer and
 * the libdevmapper lookups are faked with -Wl,--wrap; sysfs is a scratch
 * tree (WWIDs of the disks, /sys/block/dm-N/dev).
 */
#include "test_util.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "daemon.h"
#include "dm.h"
#include "ipc.h"
#include "prtool.h"
#include "uevent.h"

#include <linux/netlink.h>

/* ---- fakes --------------------------------------------------------------- */

struct fake_map {
	const char *name;
	unsigned int minor;	/* major 253 */
	bool attached;
	bool multipath;
	unsigned int nr_paths;
	unsigned int paths[4];	/* minors, major 8 */
	unsigned int lag;	/* the module knows this many fewer */
};

static struct {
	int open_ret;
	bool load;
	int live;
	struct fake_map maps[3];
	int nr_maps;
	int syncs, attaches, path_states;
	int sync_ret;
	struct mpr_attach_req req;
	uint32_t hint_path_minor, hint_state;
} f;

static int dummy;

int __wrap_ipc_open(struct ipc **ipcp, bool load)
{
	f.load = load;
	if (f.open_ret) {
		*ipcp = NULL;
		return f.open_ret;
	}
	f.live++;
	*ipcp = (struct ipc *)&dummy;
	return 0;
}

void __wrap_ipc_close(struct ipc *ipc)
{
	assert_ptr_equal(ipc, &dummy);
	f.live--;
}

int __wrap_ipc_dump(struct ipc *ipc, struct mpr_dev_info **devs, size_t *nr)
{
	int i, n = 0;
	unsigned int j;

	assert_ptr_equal(ipc, &dummy);
	*devs = calloc(3, sizeof(**devs));
	for (i = 0; i < f.nr_maps; i++) {
		struct mpr_dev_info *d = &(*devs)[n];

		if (!f.maps[i].attached)
			continue;
		d->major = 253;
		d->minor = f.maps[i].minor;
		snprintf(d->name, sizeof(d->name), "dm-%u", d->minor);
		d->nr_paths = f.maps[i].nr_paths - f.maps[i].lag;
		for (j = 0; j < d->nr_paths; j++) {
			d->paths[j].major = 8;
			d->paths[j].minor = f.maps[i].paths[j];
		}
		n++;
	}
	*nr = (size_t)n;
	return 0;
}

int __wrap_ipc_sync(struct ipc *ipc, const struct mpr_attach_req *req)
{
	assert_ptr_equal(ipc, &dummy);
	f.syncs++;
	f.req = *req;
	if (f.sync_ret)
		fprintf(stderr, "prtool: kernel reports: path is not a slave "
				"of the device\n");
	return f.sync_ret;
}

int __wrap_ipc_attach(struct ipc *ipc, const struct mpr_attach_req *req)
{
	assert_ptr_equal(ipc, &dummy);
	f.attaches++;
	f.req = *req;
	return 0;
}

int __wrap_ipc_path_state(struct ipc *ipc, uint32_t major, uint32_t minor,
			  uint32_t pmajor, uint32_t pminor, uint32_t state)
{
	assert_ptr_equal(ipc, &dummy);
	assert_int_equal(major, 253);
	assert_int_equal(pmajor, 8);
	f.path_states++;
	f.req.minor = minor;
	f.hint_path_minor = pminor;
	f.hint_state = state;
	return 0;
}

static struct fake_map *find(unsigned int major, unsigned int minor)
{
	int i;

	for (i = 0; major == 253 && i < f.nr_maps; i++)
		if (f.maps[i].minor == minor)
			return &f.maps[i];
	return NULL;
}

int __wrap_dm_mpath_lookup(unsigned int major, unsigned int minor,
			   struct mpath_map *m, char *why, size_t len)
{
	struct fake_map *fm = find(major, minor);
	unsigned int j;

	if (!fm) {
		snprintf(why, len, "no such device");
		return -ENODEV;
	}
	if (!fm->multipath) {
		snprintf(why, len, "not a multipath map");
		return -EINVAL;
	}
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", fm->name);
	m->major = 253;
	m->minor = minor;
	m->table.nr_paths = fm->nr_paths;
	for (j = 0; j < fm->nr_paths; j++) {
		m->table.paths[j].major = 8;
		m->table.paths[j].minor = fm->paths[j];
	}
	return 0;
}

int __wrap_dm_name_of(unsigned int major, unsigned int minor, char *buf,
		      size_t len)
{
	struct fake_map *fm = find(major, minor);

	if (!fm)
		return -1;
	snprintf(buf, len, "%s", fm->name);
	return 0;
}

/* ---- sysfs ---------------------------------------------------------------- */

static char sysfs[64];

static void put(const char *rel, const char *content)
{
	char path[256], cmd[320];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", sysfs, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(content, fp);
	fclose(fp);
}

static void wwid(unsigned int minor, const char *id)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "dev/block/8:%u/device/wwid", minor);
	put(rel, id);
}

static int setup(void **state)
{
	(void)state;
	memset(&f, 0, sizeof(f));
	f.maps[0] = (struct fake_map){ "mpatha", 3, true, true, 2, { 16, 32 }, 0 };
	f.maps[1] = (struct fake_map){ "mpathb", 4, false, true, 1, { 48 }, 0 };
	f.maps[2] = (struct fake_map){ "vg-lv", 5, false, false, 0, { 0 }, 0 };
	f.nr_maps = 3;
	snprintf(sysfs, sizeof(sysfs), "/tmp/prtool-sysfs.XXXXXX");
	assert_non_null(mkdtemp(sysfs));
	daemon_sysfs = sysfs;
	wwid(16, "naa.6001405aaaaaaaaa\n");
	wwid(32, "naa.6001405aaaaaaaaa\n");
	wwid(48, "naa.6001405bbbbbbbbb\n");
	put("block/dm-3/dev", "253:3\n");
	put("block/dm-4/dev", "253:4\n");
	put("block/dm-5/dev", "253:5\n");
	put("block/sdb/dev", "8:16\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	assert_int_equal(f.live, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sysfs);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static const struct daemon_opts plain = { .foreground = true };
static const struct daemon_opts attach_new = {
	.attach_new = true, .has_key = true, .key = 0x42, .foreground = true,
};

static struct uevent ue(const char *action, const char *devname,
			unsigned int major, unsigned int minor)
{
	struct uevent u;

	memset(&u, 0, sizeof(u));
	snprintf(u.action, sizeof(u.action), "%s", action);
	snprintf(u.devpath, sizeof(u.devpath), "/devices/x/%s", devname);
	snprintf(u.subsystem, sizeof(u.subsystem), "block");
	snprintf(u.devtype, sizeof(u.devtype), "disk");
	snprintf(u.devname, sizeof(u.devname), "%s", devname);
	u.has_devt = true;
	u.major = major;
	u.minor = minor;
	return u;
}

static struct capture c;

/* daemon_check_pending() with its log captured in c. */
static int check_pending(void)
{
	int n;

	capture_free(&c);
	capture_start(&c);
	n = daemon_check_pending();
	capture_stop(&c);
	return n;
}

static int run(const struct daemon_opts *o, const struct uevent *u)
{
	int ret;

	capture_free(&c);
	capture_start(&c);
	ret = daemon_on_uevent(o, u);
	capture_stop(&c);
	return ret;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_reload_syncs_attached(void **state)
{
	struct uevent u = ue("change", "dm-3", 253, 3);

	(void)state;
	/* The table now has a third path. */
	f.maps[0].paths[2] = 64;
	f.maps[0].nr_paths = 3;
	assert_int_equal(run(&plain, &u), 0);
	assert_false(f.load);
	assert_int_equal(f.syncs, 1);
	assert_int_equal(f.attaches, 0);
	assert_int_equal(f.req.minor, 3);
	assert_int_equal(f.req.nr_paths, 3);
	assert_int_equal(f.req.paths[2].minor, 64);
	assert_string_equal(c.err, "prtool: daemon: synced mpatha (253:3): "
				   "3 paths\n");
	capture_free(&c);
}

static void test_unattached_map(void **state)
{
	struct uevent u = ue("change", "dm-4", 253, 4);

	(void)state;
	assert_int_equal(run(&plain, &u), 0);
	assert_int_equal(f.syncs + f.attaches, 0);

	/* --attach-new: attached, with the key; the module may be loaded. */
	assert_int_equal(run(&attach_new, &u), 0);
	assert_true(f.load);
	assert_int_equal(f.attaches, 1);
	assert_int_equal(f.req.minor, 4);
	assert_int_equal(f.req.nr_paths, 1);
	assert_true(f.req.has_key);
	assert_int_equal(f.req.key, 0x42);
	assert_contains(c.err, "attached mpathb (253:4): 1 paths");

	/* Not a multipath map: nothing, quietly. */
	u = ue("add", "dm-5", 253, 5);
	assert_int_equal(run(&attach_new, &u), 0);
	assert_int_equal(f.attaches, 1);
	assert_string_equal(c.err, "");
	/* A multipath map without paths (just created): nothing. */
	f.maps[1].nr_paths = 0;
	u = ue("add", "dm-4", 253, 4);
	assert_int_equal(run(&attach_new, &u), 0);
	assert_int_equal(f.attaches, 1);
	capture_free(&c);
}

static void test_path_hints(void **state)
{
	struct uevent u = ue("change", "dm-3", 253, 3);

	(void)state;
	snprintf(u.dm_action, sizeof(u.dm_action), "PATH_FAILED");
	u.has_dm_path = true;
	u.dm_path_major = 8;
	u.dm_path_minor = 32;
	assert_int_equal(run(&plain, &u), 0);
	assert_int_equal(f.path_states, 1);
	assert_int_equal(f.hint_path_minor, 32);
	assert_int_equal(f.hint_state, DM_MPATH_PR_PATH_FAILED);
	/* A path event is no reload: no sync. */
	assert_int_equal(f.syncs, 0);
	assert_contains(c.err, "path 8:32 of dm-3 (253:3) is failed");
	/* dm's own events name the map. */
	snprintf(u.dm_name, sizeof(u.dm_name), "mpatha");
	assert_int_equal(run(&plain, &u), 0);
	assert_contains(c.err, "path 8:32 of mpatha (253:3) is failed");
	f.path_states--;

	snprintf(u.dm_action, sizeof(u.dm_action), "PATH_REINSTATED");
	assert_int_equal(run(&plain, &u), 0);
	assert_int_equal(f.path_states, 2);
	assert_int_equal(f.hint_state, DM_MPATH_PR_PATH_ACTIVE);

	/* A map that is not attached: no hint. */
	u.minor = 4;
	assert_int_equal(run(&plain, &u), 0);
	assert_int_equal(f.path_states, 2);
	capture_free(&c);
}

static void test_new_path_registered_early(void **state)
{
	struct uevent u = ue("add", "sdf", 8, 80);

	(void)state;
	wwid(80, "naa.6001405aaaaaaaaa\n");
	assert_int_equal(run(&plain, &u), 0);
	/* SYNC with the table's paths and the new one. */
	assert_int_equal(f.syncs, 1);
	assert_int_equal(f.req.minor, 3);
	assert_int_equal(f.req.nr_paths, 3);
	assert_int_equal(f.req.paths[0].minor, 16);
	assert_int_equal(f.req.paths[1].minor, 32);
	assert_int_equal(f.req.paths[2].minor, 80);
	assert_contains(c.err, "new path sdf (8:80) of mpatha: handed to the "
			       "module before the map's reload");

	/*
	 * The module refuses a path that is not in the map yet: the disk is
	 * watched until dm links it as a slave of the map (multipathd's
	 * table load), then synced at once.
	 */
	f.sync_ret = -EINVAL;
	assert_int_equal(run(&plain, &u), -EINVAL);
	assert_contains(c.err, "kernel reports: path is not a slave");
	assert_contains(c.err, "new path sdf (8:80) of mpatha: the module takes "
			       "it only once it is in the map (Invalid "
			       "argument); watching for multipathd's table "
			       "load");
	assert_int_equal(daemon_nr_pending(), 1);
	assert_int_equal(f.syncs, 2);
	f.sync_ret = 0;
	assert_int_equal(check_pending(), 1);
	assert_int_equal(f.syncs, 2);
	assert_int_equal(f.live, 0);
	put("block/dm-3/slaves/sdf/dev", "8:80\n");
	assert_int_equal(check_pending(), 0);
	assert_int_equal(f.syncs, 3);
	assert_int_equal(f.req.nr_paths, 3);
	assert_int_equal(f.req.paths[2].minor, 80);
	assert_contains(c.err, "new path sdf (8:80) of mpatha: handed to the "
			       "module at the table load, before the resume");
	assert_int_equal(f.live, 0);
	capture_free(&c);
}

static void test_new_path_pending_ends(void **state)
{
	struct uevent u = ue("add", "sdf", 8, 80);
	struct uevent reload = ue("change", "dm-3", 253, 3);

	(void)state;
	wwid(80, "naa.6001405aaaaaaaaa\n");
	f.sync_ret = -EINVAL;
	assert_int_equal(run(&plain, &u), -EINVAL);
	assert_int_equal(daemon_nr_pending(), 1);
	/* The reload's change syncs the map: nothing is watched any more. */
	f.sync_ret = 0;
	assert_int_equal(run(&plain, &reload), 0);
	assert_int_equal(daemon_nr_pending(), 0);

	/* A disk that never enters the map is given up. */
	f.sync_ret = -EINVAL;
	daemon_pending_timeout_ms = 0;
	assert_int_equal(run(&plain, &u), -EINVAL);
	assert_int_equal(daemon_nr_pending(), 1);
	assert_int_equal(check_pending(), 0);
	assert_contains(c.err, "new path sdf (8:80) did not enter map dm-3 "
			       "within 0 ms: no longer watched");
	daemon_pending_timeout_ms = 30000;
	capture_free(&c);
}

static void test_new_disk_not_ours(void **state)
{
	struct uevent u = ue("add", "sdf", 8, 80);

	(void)state;
	/* Another LUN's WWID (mpathb is not attached), and none at all. */
	wwid(80, "naa.6001405bbbbbbbbb\n");
	assert_int_equal(run(&plain, &u), 0);
	u.minor = 96;
	assert_int_equal(run(&plain, &u), 0);
	/* A path the module has already. */
	u.minor = 32;
	assert_int_equal(run(&plain, &u), 0);
	assert_int_equal(f.syncs, 0);
	/*
	 * The reload came first: the table has it already (the module not
	 * yet; the reload's "change" syncs it). Trailing blanks of the
	 * WWID do not count.
	 */
	wwid(80, "naa.6001405aaaaaaaaa  \n");
	f.maps[0].paths[2] = 80;
	f.maps[0].nr_paths = 3;
	f.maps[0].lag = 1;
	u.minor = 80;
	assert_int_equal(run(&plain, &u), 0);
	assert_int_equal(f.syncs, 0);
	/* Without the table entry it would have been synced. */
	f.maps[0].nr_paths = 2;
	f.maps[0].lag = 0;
	assert_int_equal(run(&plain, &u), 0);
	assert_int_equal(f.syncs, 1);
	capture_free(&c);
}

static void test_module_not_loaded(void **state)
{
	struct uevent u = ue("change", "dm-3", 253, 3);

	(void)state;
	f.open_ret = -ENOENT;
	assert_int_equal(run(&plain, &u), 0);
	assert_int_equal(run(&attach_new, &u), 0);
	assert_int_equal(f.syncs + f.attaches, 0);
	/* Ignored uevents do not even connect. */
	f.open_ret = 0;
	u = ue("remove", "dm-3", 253, 3);
	assert_int_equal(run(&plain, &u), 0);
	assert_int_equal(f.syncs, 0);
	capture_free(&c);
}

static void test_wwid(void **state)
{
	char buf[64];

	(void)state;
	wwid(80, "t10.LIO-ORG     disk0   \n");
	assert_int_equal(daemon_wwid_of(8, 80, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "t10.LIO-ORG     disk0");
	assert_int_equal(daemon_wwid_of(8, 99, buf, sizeof(buf)), -ENOENT);
	wwid(81, "\n");
	assert_int_equal(daemon_wwid_of(8, 81, buf, sizeof(buf)), -ENODATA);
}

static void test_sync_all(void **state)
{
	(void)state;
	capture_start(&c);
	daemon_sync_all(&plain);
	capture_stop(&c);
	assert_int_equal(f.syncs, 1);
	assert_int_equal(f.attaches, 0);
	assert_false(f.load);

	/* --attach-new: also the multipath maps that are not attached. */
	capture_free(&c);
	capture_start(&c);
	daemon_sync_all(&attach_new);
	capture_stop(&c);
	assert_int_equal(f.syncs, 2);
	assert_int_equal(f.attaches, 1);
	assert_int_equal(f.req.minor, 4);
	assert_true(f.load);
	assert_contains(c.err, "synced mpatha (253:3)");
	assert_contains(c.err, "attached mpathb (253:4)");
	assert_not_contains(c.err, "vg-lv");
	capture_free(&c);
}

/* An event @cmd of mpatha (dm-3, 253:3) with key 0x42; free() it. */
static struct mpr_event *event_of_mpatha(uint8_t cmd)
{
	struct mpr_event *ev = calloc(1, sizeof(*ev));

	assert_non_null(ev);
	ev->cmd = cmd;
	ev->major = 253;
	ev->minor = 3;
	strcpy(ev->name, "dm-3");
	ev->has_key = true;
	ev->key = 0x42;
	return ev;
}

static void test_log_event(void **state)
{
	struct mpr_event *ev = event_of_mpatha(DM_MPATH_PR_CMD_PREEMPTED);

	(void)state;
	capture_start(&c);
	assert_int_equal(daemon_log_event(ev, NULL), 0);
	capture_stop(&c);
	assert_string_equal(c.err, "prtool: daemon: event: preempted mpatha "
				   "(dm-3, 253:3): key 0x42 is gone from the "
				   "device: this host was preempted (fenced); "
				   "paths are no longer registered\n");
	capture_free(&c);
	free(ev);
}

/*
 * An OP_DONE of 64 paths is logged whole: the line was cut at 2,047 bytes
 * with no marker (issue 11), losing the last 40-odd paths.
 */
static void test_log_event_long(void **state)
{
	struct mpr_event *ev = event_of_mpatha(DM_MPATH_PR_CMD_OP_DONE);
	char last[96];
	unsigned int i;

	(void)state;
	ev->has_op = true;
	ev->op = DM_MPATH_PR_OP_REGISTER;
	ev->has_result = true;
	ev->nr_paths = DM_MPATH_PR_MAX_PATHS;
	for (i = 0; i < ev->nr_paths; i++) {
		ev->paths[i].major = 65;
		ev->paths[i].minor = i * 16;
		snprintf(ev->paths[i].name, sizeof(ev->paths[i].name), "sdx%u", i);
		ev->paths[i].has_result = true;
		ev->paths[i].has_latency = true;
		ev->paths[i].latency_us = 123456;
	}
	snprintf(last, sizeof(last), "sdx%u (65:%u)", ev->nr_paths - 1,
		 (ev->nr_paths - 1) * 16);
	capture_start(&c);
	assert_int_equal(daemon_log_event(ev, NULL), 0);
	capture_stop(&c);
	assert_true(strlen(c.err) > 2048);
	assert_contains(c.err, last);
	/* one line */
	assert_ptr_equal(strchr(c.err, '\n'), c.err + strlen(c.err) - 1);
	capture_free(&c);
	free(ev);
}

/* The uevent socket, faked: messages with their sender and flags. */
static struct {
	struct {
		uint32_t pid;
		int flags;
		char buf[512];
		size_t len;
	} msg[4];
	int nr, next;
} rx;

ssize_t __wrap_recvmsg(int fd, struct msghdr *mh, int flags);
ssize_t __wrap_recvmsg(int fd, struct msghdr *mh, int flags)
{
	struct sockaddr_nl *sa = mh->msg_name;
	size_t n;

	(void)fd;
	(void)flags;
	if (rx.next >= rx.nr) {
		errno = EAGAIN;
		return -1;
	}
	n = rx.msg[rx.next].len;
	if (n > mh->msg_iov[0].iov_len)
		n = mh->msg_iov[0].iov_len;
	memcpy(mh->msg_iov[0].iov_base, rx.msg[rx.next].buf, n);
	memset(sa, 0, sizeof(*sa));
	sa->nl_family = AF_NETLINK;
	sa->nl_pid = rx.msg[rx.next].pid;
	mh->msg_flags = rx.msg[rx.next].flags;
	rx.next++;
	return (ssize_t)n;
}

/* Queue dm's PATH_FAILED uevent for 8:32 of dm-3, from @pid with @flags. */
static void rx_path_failed(uint32_t pid, int flags)
{
	static const char text[] =
		"change@/devices/virtual/block/dm-3|ACTION=change|"
		"DEVPATH=/devices/virtual/block/dm-3|SUBSYSTEM=block|"
		"DM_TARGET=multipath|DM_ACTION=PATH_FAILED|DM_PATH=8:32|"
		"DM_NAME=mpatha|MAJOR=253|MINOR=3|DEVNAME=dm-3|DEVTYPE=disk";
	size_t i;

	assert_true(rx.nr < 4);
	for (i = 0; i < sizeof(text); i++)
		rx.msg[rx.nr].buf[i] = text[i] == '|' ? '\0' : text[i];
	rx.msg[rx.nr].len = sizeof(text);
	rx.msg[rx.nr].pid = pid;
	rx.msg[rx.nr].flags = flags;
	rx.nr++;
}

/*
 * Only the kernel's uevents count: deleting the sender check left every
 * test passing (issue 11). A forged path event from a user-space sender
 * and a truncated one are dropped; the kernel's is acted on.
 */
static void test_uevent_sender_checked(void **state)
{
	(void)state;
	memset(&rx, 0, sizeof(rx));
	rx_path_failed(4242, 0);
	rx_path_failed(0, MSG_TRUNC);
	capture_start(&c);
	assert_int_equal(daemon_read_uevents(&plain, 99), 0);
	capture_stop(&c);
	assert_int_equal(f.path_states, 0);
	capture_free(&c);

	memset(&rx, 0, sizeof(rx));
	rx_path_failed(0, 0);
	capture_start(&c);
	assert_int_equal(daemon_read_uevents(&plain, 99), 0);
	capture_stop(&c);
	assert_int_equal(f.path_states, 1);
	assert_int_equal(f.hint_path_minor, 32);
	capture_free(&c);
}

/* ---- the daemon's main loop, with its sockets faked ---------------------- */

static int fake_pipe[2] = { -1, -1 };	/* never written: nothing arrives */
static struct {
	int calls;
	char state[2][64];
	int syncs_at_ready;
} notify;

int __wrap_socket(int domain, int type, int protocol);
int __wrap_socket(int domain, int type, int protocol)
{
	assert_int_equal(domain, AF_NETLINK);
	assert_int_equal(protocol, NETLINK_KOBJECT_UEVENT);
	(void)type;
	return dup(fake_pipe[0]);
}

int __wrap_bind(int fd, const struct sockaddr *sa, socklen_t len);
int __wrap_bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	(void)fd;
	(void)sa;
	(void)len;
	return 0;
}

int __wrap_setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len);
int __wrap_setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len)
{
	(void)fd;
	(void)level;
	(void)name;
	(void)val;
	(void)len;
	return 0;
}

int __wrap_ipc_events_open(struct ipc **ipcp, bool load);
int __wrap_ipc_events_open(struct ipc **ipcp, bool load)
{
	(void)load;
	f.live++;
	*ipcp = (struct ipc *)&dummy;
	return 0;
}

int __wrap_ipc_fd(const struct ipc *ipc);
int __wrap_ipc_fd(const struct ipc *ipc)
{
	(void)ipc;
	return fake_pipe[0];
}

/* READY=1 (the maps are synced) ends the run: SIGTERM, as systemd would */
int __wrap_sd_notify(int unset, const char *state);
int __wrap_sd_notify(int unset, const char *state)
{
	(void)unset;
	if (notify.calls < 2)
		snprintf(notify.state[notify.calls], sizeof(notify.state[0]),
			 "%s", state);
	if (!strncmp(state, "READY=1", 7)) {
		notify.syncs_at_ready = f.syncs;
		raise(SIGTERM);
	}
	notify.calls++;
	return 1;
}

/*
 * systemd's Type=notify: the daemon says it is ready only once every
 * attached map is synced, and that it stops at the end (issue 11: with
 * Type=simple, "Before=multipathd.service" ordered only the fork).
 */
/* Run "daemon --foreground" until its READY=1 (the fake ends it there). */
static void daemon_run_once(void)
{
	char *argv[] = { (char *)"daemon", (char *)"--foreground", NULL };

	memset(&notify, 0, sizeof(notify));
	assert_int_equal(pipe(fake_pipe), 0);
	capture_start(&c);
	alarm(10);	/* a daemon that never says READY runs for ever */
	assert_int_equal(cmd_daemon(2, argv), PRTOOL_EXIT_OK);
	alarm(0);
	capture_stop(&c);
	close(fake_pipe[0]);
	close(fake_pipe[1]);
}

static void test_daemon_ready_after_sync(void **state)
{
	(void)state;
	daemon_run_once();
	assert_int_equal(notify.calls, 2);
	assert_true(!strncmp(notify.state[0], "READY=1", 7));
	assert_string_equal(notify.state[1], "STOPPING=1");
	/* mpatha, the one attached map, was synced before READY */
	assert_int_equal(notify.syncs_at_ready, 1);
	assert_contains(c.err, "prtool: daemon: started\n");
	assert_contains(c.err, "prtool: daemon: stopped\n");
	assert_not_contains(c.err, "<6>");
	capture_free(&c);
}

/* Under systemd, stderr is the journal: each line carries its priority. */
static void test_daemon_journal_priorities(void **state)
{
	char js[64];
	struct stat st;

	(void)state;
	assert_int_equal(fstat(STDERR_FILENO, &st), 0);
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", js, 1);
	daemon_run_once();
	unsetenv("JOURNAL_STREAM");
	assert_contains(c.err, "<6>prtool: daemon: started\n");
	assert_contains(c.err, "<6>prtool: daemon: stopped\n");
	capture_free(&c);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_reload_syncs_attached),
		T(test_unattached_map),
		T(test_path_hints),
		T(test_new_path_registered_early),
		T(test_new_path_pending_ends),
		T(test_new_disk_not_ours),
		T(test_module_not_loaded),
		T(test_wwid),
		T(test_sync_all),
		T(test_log_event),
		T(test_log_event_long),
		T(test_uevent_sender_checked),
		T(test_daemon_ready_after_sync),
		T(test_daemon_journal_priorities),
	};

	return cmocka_run_group_tests_name("daemon", tests, NULL, NULL);
}
