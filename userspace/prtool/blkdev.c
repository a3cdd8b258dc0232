// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: what kind of block device a path names (blkdev.h).
 *
 * The kind comes from what the kernel says about the device number, not
 * from the path's spelling, so /dev/disk/by-id links work as well.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "blkdev.h"

int blkdev_classify(const char *path, struct blkdev_info *bi)
{
	char sys[96], link[PATH_MAX], *base;
	struct stat st;
	ssize_t n;
	FILE *f;

	memset(bi, 0, sizeof(*bi));
	if (stat(path, &st))
		return -errno;
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;
	bi->major = major(st.st_rdev);
	bi->minor = minor(st.st_rdev);
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u", bi->major,
		 bi->minor);
	n = readlink(sys, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	base = strrchr(link, '/');
	snprintf(bi->kname, sizeof(bi->kname), "%.63s", base ? base + 1 : link);

	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/dm/uuid", bi->major,
		 bi->minor);
	f = fopen(sys, "re");
	if (f) {
		if (!fgets(bi->dm_uuid, sizeof(bi->dm_uuid), f))
			bi->dm_uuid[0] = '\0';
		fclose(f);
		bi->dm_uuid[strcspn(bi->dm_uuid, "\n")] = '\0';
		bi->kind = strncmp(bi->dm_uuid, "mpath-", 6) ? BLKDEV_DM :
							      BLKDEV_MPATH;
	} else if (!strncmp(bi->kname, "sd", 2)) {
		bi->kind = BLKDEV_SCSI;
	} else if (!strncmp(bi->kname, "nvme", 4)) {
		bi->kind = BLKDEV_NVME;
	} else {
		bi->kind = BLKDEV_OTHER;
	}
	return 0;
}
