// SPDX-License-Identifier: GPL-2.0
/*
 * scsi_cmd_allowed() takes "open for write" as a bool since v6.5 (commit
 * "scsi: replace the fmode_t argument to scsi_cmd_allowed with a simple
 * bool").
 */
#include <linux/blkdev.h>
#include <linux/types.h>
#include <scsi/scsi_ioctl.h>

static bool (*probe)(unsigned char *cmd, bool open_for_write) __maybe_unused =
	scsi_cmd_allowed;
