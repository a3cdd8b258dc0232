// SPDX-License-Identifier: GPL-2.0
/*
 * scsi_execute_cmd() with struct scsi_exec_args replaced __scsi_execute()
 * and scsi_execute_req() in v6.2 by commit ("scsi: core:
 * Add struct for args to execution functions").
 */
#include <scsi/scsi_device.h>

static __maybe_unused int probe(struct scsi_device *sdev, const u8 *cdb, void *buf)
{
	const struct scsi_exec_args args = { .sshdr = NULL };

	return scsi_execute_cmd(sdev, cdb, REQ_OP_DRV_IN, buf, 8, 10 * HZ, 1, &args);
}
