// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: device-mapper topology through libdevmapper.
 *
 * The kernel module cannot read dm tables itself (dm_get_live_table() is
 * not exported), so userspace reads the live table here and hands the path
 * list to the module. Devices are looked up once by name or path and from
 * then on by device number, so a concurrent rename cannot switch maps.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <libdevmapper.h>

#include "dm.h"

/*
 * The first error libdevmapper logged since dm_msg_reset(), which names the
 * cause ("open failed: Permission denied"); the later ones only follow from
 * it ("Incompatible libdevmapper ... and kernel driver"). With errno then.
 * Per thread: the library's callers may look maps up from several threads.
 */
static _Thread_local char dm_first_msg[256];
static _Thread_local int dm_first_errno;

static void dm_quiet_log(int level, const char *file, int line, int dm_errno,
			 const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void dm_quiet_log(int level, const char *file, int line, int dm_errno,
			 const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	(void)file;
	(void)line;
	(void)dm_errno;
	/* Keep errors and warnings only (levels 3 and 4). */
	if ((level & 7) > 4 || dm_first_msg[0])
		return;
	va_start(ap, fmt);
	vsnprintf(dm_first_msg, sizeof(dm_first_msg), fmt, ap);
	va_end(ap);
	dm_first_errno = err;
}

static void dm_msg_reset(void)
{
	dm_first_msg[0] = '\0';
	dm_first_errno = 0;
}

/*
 * Why the last task failed, as logged; a permission error names the
 * capability device-mapper's ioctls need.
 */
static const char *dm_why(void)
{
	static _Thread_local char buf[sizeof(dm_first_msg) + 64];

	if (!dm_first_msg[0])
		return "libdevmapper failed";
	if (dm_first_errno != EPERM && dm_first_errno != EACCES)
		return dm_first_msg;
	snprintf(buf, sizeof(buf), "%s (device-mapper needs CAP_SYS_ADMIN)",
		 dm_first_msg);
	return buf;
}

/*
 * libdevmapper's log function is one for the whole process, and by
 * default it prints to stderr, which the library must never do. So while
 * one of our tasks runs, dm_quiet_log() is in place, and the default
 * comes back after the last one ends. A program that installed its own
 * log function keeps it: its function gets the messages (and dm_why()
 * says only "libdevmapper failed").
 */
static pthread_mutex_t dm_log_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int dm_log_users;	/* tasks running under dm_log_ours */
static bool dm_log_ours;		/* dm_quiet_log() is installed by us */

static void dm_quiet_begin(void)
{
	pthread_mutex_lock(&dm_log_lock);
	if (!dm_log_users++) {
		dm_log_ours = !dm_log_is_non_default();
		if (dm_log_ours)
			dm_log_with_errno_init(dm_quiet_log);
	}
	pthread_mutex_unlock(&dm_log_lock);
}

static void dm_quiet_end(void)
{
	pthread_mutex_lock(&dm_log_lock);
	if (!--dm_log_users && dm_log_ours) {
		dm_log_with_errno_init(NULL);
		dm_log_ours = false;
	}
	pthread_mutex_unlock(&dm_log_lock);
}

/**
 * dm_info_task() - run a DM_DEVICE_INFO task by name or by device number
 * @name: dm name, or NULL to use @major/@minor
 * @major: device major
 * @minor: device minor
 * @info: the result
 * @m: if not NULL, receives name and uuid
 *
 * Return: 0 on success (check info->exists), -1 if the task failed.
 */
static int dm_info_task(const char *name, unsigned int major,
			unsigned int minor, struct dm_info *info,
			struct mpath_map *m)
{
	struct dm_task *dmt;
	int ret = -1;

	dm_quiet_begin();
	dmt = dm_task_create(DM_DEVICE_INFO);
	if (!dmt) {
		dm_quiet_end();
		return -1;
	}
	if (name) {
		if (!dm_task_set_name(dmt, name))
			goto out;
	} else if (!dm_task_set_major_minor(dmt, (int)major, (int)minor, 0)) {
		goto out;
	}
	if (!dm_task_run(dmt) || !dm_task_get_info(dmt, info))
		goto out;
	if (m && info->exists) {
		const char *s;

		s = dm_task_get_name(dmt);
		snprintf(m->name, sizeof(m->name), "%s", s ? s : "");
		s = dm_task_get_uuid(dmt);
		snprintf(m->uuid, sizeof(m->uuid), "%s", s ? s : "");
		m->major = info->major;
		m->minor = info->minor;
	}
	ret = 0;
out:
	dm_task_destroy(dmt);
	dm_quiet_end();
	return ret;
}

int dm_name_of(unsigned int major, unsigned int minor, char *buf, size_t len)
{
	struct mpath_map m;
	struct dm_info info;

	if (dm_info_task(NULL, major, minor, &info, &m) || !info.exists)
		return -1;
	snprintf(buf, len, "%s", m.name);
	return 0;
}

/* Device number of a block device path; -errno, and @why on failure. */
static int blockdev_devt(const char *path, unsigned int *major,
			 unsigned int *minor, char *why, size_t len)
{
	struct stat st;

	if (stat(path, &st)) {
		int err = errno;

		snprintf(why, len, "%s: %s", path, strerror(err));
		return -err;
	}
	if (!S_ISBLK(st.st_mode)) {
		snprintf(why, len, "%s: not a block device", path);
		return -ENOTBLK;
	}
	*major = major(st.st_rdev);
	*minor = minor(st.st_rdev);
	return 0;
}

/*
 * Read the live table of map @m (by device number) and check it, quietly.
 * Return: 0; -EIO if libdevmapper failed; -EINVAL if it is not a map of a
 * single multipath target with an mpath- uuid. On failure @why says why.
 */
static int read_mpath_table(struct mpath_map *m, char *why, size_t len)
{
	char err[256];
	struct dm_task *dmt;
	uint64_t start, length;
	char *type = NULL, *params = NULL;
	char *mp_params = NULL;
	unsigned int nr_targets = 0;
	char first_type[64] = "";
	void *next = NULL;
	int ret = -EINVAL;

	dm_quiet_begin();
	dmt = dm_task_create(DM_DEVICE_TABLE);
	if (!dmt) {
		dm_quiet_end();
		snprintf(why, len, "cannot create a device-mapper task");
		return -EIO;
	}
	dm_msg_reset();
	if (!dm_task_set_major_minor(dmt, (int)m->major, (int)m->minor, 0) ||
	    !dm_task_run(dmt)) {
		snprintf(why, len, "cannot read the device-mapper table: %s",
			 dm_why());
		ret = -EIO;
		goto out;
	}
	do {
		next = dm_get_next_target(dmt, next, &start, &length, &type,
					  &params);
		if (!type)
			break;
		if (!nr_targets++) {
			snprintf(first_type, sizeof(first_type), "%s", type);
			mp_params = params;
		}
	} while (next);

	if (!nr_targets) {
		snprintf(why, len, "map %s has no live table", m->name);
		goto out;
	}
	if (strcmp(first_type, "multipath")) {
		snprintf(why, len, "map %s is a '%s' map, not a multipath map",
			 m->name, first_type);
		goto out;
	}
	if (nr_targets > 1) {
		snprintf(why, len, "map %s has %u targets; only maps made of a "
			 "single multipath target are supported", m->name,
			 nr_targets);
		goto out;
	}
	if (strncmp(m->uuid, "mpath-", 6)) {
		snprintf(why, len, "map %s has dm uuid '%s', which does not "
			 "start with 'mpath-'; only maps set up by "
			 "multipath-tools are supported", m->name, m->uuid);
		goto out;
	}
	if (mpath_parse_params(mp_params, &m->table, err, sizeof(err))) {
		snprintf(why, len, "cannot parse the multipath table of %s: %s",
			 m->name, err);
		goto out;
	}
	ret = 0;
out:
	dm_task_destroy(dmt);
	dm_quiet_end();
	return ret;
}

int dm_mpath_lookup(unsigned int major, unsigned int minor,
		    struct mpath_map *m, char *why, size_t len)
{
	struct dm_info info;

	memset(m, 0, sizeof(*m));
	dm_msg_reset();
	if (dm_info_task(NULL, major, minor, &info, m)) {
		snprintf(why, len, "device-mapper lookup of %u:%u failed: %s",
			 major, minor,
			 dm_why());
		return -EIO;
	}
	if (!info.exists) {
		snprintf(why, len, "%u:%u is not a device-mapper device", major,
			 minor);
		return -ENODEV;
	}
	return read_mpath_table(m, why, len);
}

int dm_resolve_map(const char *arg, struct mpath_map *m, char *why,
		   size_t len)
{
	unsigned int major = 0, minor = 0;
	struct dm_info info;
	bool by_devt = true;
	int ret;

	memset(m, 0, sizeof(*m));
	if (!*arg) {
		snprintf(why, len, "the map name is empty");
		return -EINVAL;
	}

	if (!strchr(arg, '/')) {
		/* A dm name, or a kernel name like dm-3. */
		dm_msg_reset();
		if (dm_info_task(arg, 0, 0, &info, m)) {
			snprintf(why, len,
				 "%s: device-mapper lookup failed: %s", arg,
				 dm_why());
			return -EIO;
		}
		if (info.exists) {
			by_devt = false;
		} else {
			char path[PATH_MAX];

			snprintf(path, sizeof(path), "/dev/%s", arg);
			if (access(path, F_OK)) {
				snprintf(why, len, "%s: no device-mapper map "
					 "of that name", arg);
				return -ENODEV;
			}
			ret = blockdev_devt(path, &major, &minor, why, len);
			if (ret)
				return ret;
		}
	} else {
		ret = blockdev_devt(arg, &major, &minor, why, len);
		if (ret)
			return ret;
	}

	if (by_devt) {
		dm_msg_reset();
		if (dm_info_task(NULL, major, minor, &info, m)) {
			snprintf(why, len, "%s: device-mapper lookup of %u:%u "
				 "failed: %s", arg, major, minor, dm_why());
			return -EIO;
		}
		if (!info.exists) {
			snprintf(why, len,
				 "%s: %u:%u is not a device-mapper device",
				 arg, major, minor);
			return -ENODEV;
		}
	}
	return 0;
}

int dm_get_mpath_map(const char *arg, struct mpath_map *m, char *why,
		     size_t len)
{
	char table_why[512];
	int ret = dm_resolve_map(arg, m, why, len);

	if (ret)
		return ret;
	ret = read_mpath_table(m, table_why, sizeof(table_why));
	if (ret)
		snprintf(why, len, "%s: %s", arg, table_why);
	return ret;
}
