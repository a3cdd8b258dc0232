/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's path operations, implemented on block devices.
 */
#ifndef _MPR_PATH_H
#define _MPR_PATH_H

#include <linux/types.h>

struct gendisk;
struct mpr_path;

int mpr_path_check_slave(struct gendisk *disk, dev_t devt, char *name,
			 size_t len, u64 *diskseq);
bool mpr_path_per_host(struct gendisk *disk, dev_t devt);
struct mpr_path *mpr_path_create(dev_t devt, const char *name, u64 diskseq,
				 struct gendisk *map);
bool mpr_path_is_dead(struct mpr_path *path);
bool mpr_path_left_map(struct mpr_path *path);
const char *mpr_path_dead_reason(struct mpr_path *path);
int mpr_path_dead_result(struct mpr_path *path);
u64 mpr_path_diskseq(struct mpr_path *path);

#endif /* _MPR_PATH_H */
