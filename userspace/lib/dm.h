/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libprtool: device-mapper topology through libdevmapper.
 */
#ifndef PRTOOL_DM_H
#define PRTOOL_DM_H

#include <stddef.h>

#include "dm_table.h"

/**
 * struct mpath_map - a dm-multipath map and its live table
 * @name: dm name ("mpatha")
 * @uuid: dm uuid ("mpath-3600...")
 * @major: block device major of the dm disk
 * @minor: block device minor
 * @table: the parsed multipath table
 */
struct mpath_map {
	char name[128];
	char uuid[129];
	unsigned int major;
	unsigned int minor;
	struct mpath_table table;
};

/**
 * dm_get_mpath_map() - find a multipath map and read its live table
 * @arg: a dm name, /dev/mapper/NAME, /dev/dm-N, dm-N, or another path to
 *	the dm block device
 * @map: the result
 * @why: on failure, what is wrong, starting with @arg (nothing is printed)
 * @len: size of @why
 *
 * Refuses anything that is not a single "multipath" target with an
 * "mpath-" dm uuid.
 *
 * Return: 0 or a negative errno: -EINVAL for an empty @arg or a map that is
 * not multipath, -ENODEV for no such dm device, -EIO if libdevmapper
 * failed, or the errno of stat().
 */
int dm_get_mpath_map(const char *arg, struct mpath_map *map, char *why,
		     size_t len);

/**
 * dm_resolve_map() - find a dm device, without looking at its table
 * @arg: as for dm_get_mpath_map()
 * @map: receives name, uuid, major and minor (not the table)
 * @why: on failure, what is wrong (nothing is printed)
 * @len: size of @why
 *
 * Return: 0 or a negative errno, as for dm_get_mpath_map().
 */
int dm_resolve_map(const char *arg, struct mpath_map *map, char *why,
		   size_t len);

/**
 * dm_mpath_lookup() - dm_get_mpath_map() by device number, quietly
 * @major: device major
 * @minor: device minor
 * @map: the result
 * @why: on failure, what is wrong (nothing is printed)
 * @len: size of @why
 *
 * Return: 0; -ENODEV if @major:@minor is not a device-mapper device;
 * -EINVAL if it is not a map of a single multipath target with an mpath-
 * uuid; -EIO if libdevmapper failed.
 */
int dm_mpath_lookup(unsigned int major, unsigned int minor,
		    struct mpath_map *map, char *why, size_t len);

/**
 * dm_name_of() - dm name of a device number
 * @major: device major
 * @minor: device minor
 * @buf: receives the name
 * @len: size of @buf
 *
 * Return: 0 on success, -1 if it is not a dm device or on error (quietly).
 */
int dm_name_of(unsigned int major, unsigned int minor, char *buf, size_t len);

#endif /* PRTOOL_DM_H */
