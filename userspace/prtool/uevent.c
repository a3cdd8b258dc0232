// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: kernel uevents for prtool daemon.
 *
 * The kernel sends "ACTION@DEVPATH\0KEY=VALUE\0..." on group 1 of
 * NETLINK_KOBJECT_UEVENT. dm adds DM_NAME and DM_UUID only to its own
 * events (path failed/reinstated); a table resume is a plain "change" of
 * the dm disk, so the daemon looks maps up with libdevmapper.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "uevent.h"

static void set(char *dst, size_t len, const char *val)
{
	snprintf(dst, len, "%s", val);
}

int uevent_parse(const char *buf, size_t len, struct uevent *ue)
{
	const char *p = buf, *end = buf + len;
	bool first = true, has_major = false, has_minor = false;

	memset(ue, 0, sizeof(*ue));
	/* udev's own messages start with "libudev\0" and a binary header. */
	if (len >= 8 && !memcmp(buf, "libudev", 8))
		return -EINVAL;
	while (p < end) {
		size_t n = strnlen(p, (size_t)(end - p));
		const char *eq;

		if (p + n == end)
			return -EINVAL;	/* not NUL-terminated */
		if (first) {
			if (!strchr(p, '@'))
				return -EINVAL;
			first = false;
			p += n + 1;
			continue;
		}
		eq = strchr(p, '=');
		if (eq) {
			size_t k = (size_t)(eq - p);
			const char *v = eq + 1;

#define KEY(name) (k == sizeof(name) - 1 && !memcmp(p, name, k))
			if (KEY("ACTION"))
				set(ue->action, sizeof(ue->action), v);
			else if (KEY("DEVPATH"))
				set(ue->devpath, sizeof(ue->devpath), v);
			else if (KEY("SUBSYSTEM"))
				set(ue->subsystem, sizeof(ue->subsystem), v);
			else if (KEY("DEVTYPE"))
				set(ue->devtype, sizeof(ue->devtype), v);
			else if (KEY("DEVNAME"))
				set(ue->devname, sizeof(ue->devname), v);
			else if (KEY("MAJOR"))
				has_major = sscanf(v, "%u", &ue->major) == 1;
			else if (KEY("MINOR"))
				has_minor = sscanf(v, "%u", &ue->minor) == 1;
			else if (KEY("DM_ACTION"))
				set(ue->dm_action, sizeof(ue->dm_action), v);
			else if (KEY("DM_NAME"))
				set(ue->dm_name, sizeof(ue->dm_name), v);
			else if (KEY("DM_UUID"))
				set(ue->dm_uuid, sizeof(ue->dm_uuid), v);
			else if (KEY("DM_PATH")) {
				char extra;

				ue->has_dm_path =
					sscanf(v, "%u:%u%c", &ue->dm_path_major,
					       &ue->dm_path_minor, &extra) == 2;
			}
#undef KEY
		}
		p += n + 1;
	}
	ue->has_devt = has_major && has_minor;
	if (first || !ue->action[0] || !ue->devpath[0] || !ue->subsystem[0])
		return -EINVAL;
	return 0;
}

enum uevent_kind uevent_classify(const struct uevent *ue)
{
	bool add = !strcmp(ue->action, "add");
	bool change = !strcmp(ue->action, "change");

	if (strcmp(ue->subsystem, "block") || strcmp(ue->devtype, "disk") ||
	    !ue->has_devt)
		return UEVENT_IGNORE;
	if (!strncmp(ue->devname, "dm-", 3)) {
		if (change && ue->dm_action[0]) {
			if (!ue->has_dm_path)
				return UEVENT_IGNORE;
			if (!strcmp(ue->dm_action, "PATH_FAILED"))
				return UEVENT_PATH_FAILED;
			if (!strcmp(ue->dm_action, "PATH_REINSTATED"))
				return UEVENT_PATH_REINSTATED;
			return UEVENT_IGNORE;
		}
		return add || change ? UEVENT_MAP_CHANGED : UEVENT_IGNORE;
	}
	if (add && !strncmp(ue->devname, "sd", 2))
		return UEVENT_DISK_ADDED;
	return UEVENT_IGNORE;
}
