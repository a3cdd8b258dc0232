/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prtool: kernel uevents (NETLINK_KOBJECT_UEVENT) for prtool daemon.
 */
#ifndef PRTOOL_UEVENT_H
#define PRTOOL_UEVENT_H

#include <stdbool.h>
#include <stddef.h>

/**
 * struct uevent - the parts of a kernel uevent the daemon uses
 * @action: ACTION ("add", "change", "remove", ...)
 * @devpath: DEVPATH
 * @subsystem: SUBSYSTEM ("block")
 * @devtype: DEVTYPE ("disk", "partition")
 * @devname: DEVNAME ("dm-3", "sdb")
 * @has_devt: @major and @minor were given (MAJOR, MINOR)
 * @major: MAJOR
 * @minor: MINOR
 * @dm_action: DM_ACTION of a dm-multipath path event ("PATH_FAILED"), or ""
 * @has_dm_path: DM_PATH was a valid MAJOR:MINOR
 * @dm_path_major: DM_PATH
 * @dm_path_minor: DM_PATH
 * @dm_name: DM_NAME, or ""
 * @dm_uuid: DM_UUID, or ""
 */
struct uevent {
	char action[16];
	char devpath[256];
	char subsystem[32];
	char devtype[16];
	char devname[64];
	bool has_devt;
	unsigned int major;
	unsigned int minor;
	char dm_action[32];
	bool has_dm_path;
	unsigned int dm_path_major;
	unsigned int dm_path_minor;
	char dm_name[128];
	char dm_uuid[130];
};

/**
 * uevent_parse() - parse one message of the kernel's uevent socket
 * @buf: the message: "ACTION@DEVPATH", then KEY=VALUE strings, each
 *	NUL-terminated
 * @len: its length
 * @ue: the result
 *
 * Return: 0; -EINVAL if it is not a kernel uevent (udev's "libudev"
 * messages included) or lacks ACTION, DEVPATH or SUBSYSTEM.
 */
int uevent_parse(const char *buf, size_t len, struct uevent *ue);

/**
 * enum uevent_kind - what a uevent means to prtool daemon
 * @UEVENT_IGNORE: nothing
 * @UEVENT_MAP_CHANGED: a dm disk was added or changed (a table was loaded
 *	and resumed): sync it if attached, attach it with --attach-new
 * @UEVENT_PATH_FAILED: dm-multipath failed path DM_PATH of the map
 * @UEVENT_PATH_REINSTATED: dm-multipath reinstated path DM_PATH
 * @UEVENT_DISK_ADDED: a disk (sdX) appeared: maybe a new path of a map
 */
enum uevent_kind {
	UEVENT_IGNORE,
	UEVENT_MAP_CHANGED,
	UEVENT_PATH_FAILED,
	UEVENT_PATH_REINSTATED,
	UEVENT_DISK_ADDED,
};

enum uevent_kind uevent_classify(const struct uevent *ue);

#endif /* PRTOOL_UEVENT_H */
