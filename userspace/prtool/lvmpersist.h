/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prtool: the lvmpersist front end's shared parts: the run, its devices
 * and types (lvmpersist.c parses and dispatches, lvmpersist_cmd.c runs the
 * commands on the devices).
 */
#ifndef PRTOOL_LVMPERSIST_H
#define PRTOOL_LVMPERSIST_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blkdev.h"

struct prtool_dev;

enum lvp_cmd {
	LVP_START,
	LVP_STOP,
	LVP_REMOVE,
	LVP_CLEAR,
	LVP_DEVTEST,
	LVP_CHECKKEY,
	LVP_READKEYS,
	LVP_READRES,
	LVP_READ,
};

/* PR types by LVM2's abbreviations, as PRTOOL_TYPE_* (enum pr_type). */
struct lvp_type {
	const char *abbr;
	unsigned int type;
	uint16_t cap_mask;	/* bit of REPORT CAPABILITIES' type mask */
};

extern const struct lvp_type lvp_types[6];

#define LVP_WE (&lvp_types[0])
#define LVP_WEAR (&lvp_types[4])

/**
 * struct lvp_dev - one device to work on
 * @path: as given with --device or as lvm reported it
 * @bi: what it is
 * @dev: open device, NULL until first used
 * @registered: our key was registered on it by this run (to undo)
 */
struct lvp_dev {
	char *path;
	struct blkdev_info bi;
	struct prtool_dev *dev;
	bool registered;
};

/**
 * struct lvp - one run
 * @name: the name we run under, for messages
 * @cmd: the command
 * @ourkey: --ourkey (or --key for check-key), with @ourkey_s its text
 * @remkey: --removekey, with @remkey_s its text
 * @have_ourkey: --ourkey (or --key) given
 * @have_remkey: --removekey given
 * @no_abort: --no-abort: PREEMPT instead of PREEMPT AND ABORT
 * @scsi: type for SCSI disks
 * @nvme: type for NVMe namespaces
 * @mpath: type for multipath maps
 * @vg: --vg, or NULL
 * @group: the name of the device set in messages
 * @devs: the devices
 * @ndevs: how many
 * @missing: PVs of the VG that lvm cannot find
 * @logging: messages also go to syslog (start, stop, remove, clear)
 */
struct lvp {
	const char *name;
	enum lvp_cmd cmd;
	uint64_t ourkey, remkey;
	char ourkey_s[24], remkey_s[24];
	bool have_ourkey, have_remkey;
	bool no_abort;
	const struct lvp_type *scsi, *nvme, *mpath;
	const char *vg;
	char group[256];
	struct lvp_dev *devs;
	size_t ndevs;
	size_t missing;
	bool logging;
};

/* A signal arrived during start: undo and leave. */
extern volatile sig_atomic_t lvp_signal;

/* A message on stderr; for start, stop, remove and clear, also syslog. */
void lvp_logmsg(const struct lvp *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* An error: stderr and syslog. */
void lvp_logerror(const struct lvp *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* An invalid invocation: stderr; returns 1. */
int lvp_errorexit(const struct lvp *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Open @d (once); 0 or -errno. */
int lvp_dev_open(struct lvp_dev *d);
/* Why @ret failed on @d, by name: "Reservation conflict (...)". */
const char *lvp_why(struct lvp_dev *d, int ret, char *buf, size_t len);

/* The commands (lvmpersist_cmd.c): 0 or 1, as LVM2's script exits. */
int lvp_start(struct lvp *l);
int lvp_takeover(struct lvp *l);
int lvp_stop(struct lvp *l);
int lvp_remove(struct lvp *l);
int lvp_clear(struct lvp *l);
int lvp_devtest(struct lvp *l);
int lvp_checkkey(struct lvp *l);
int lvp_readkeys(struct lvp *l);
int lvp_readreservation(struct lvp *l);

#endif /* PRTOOL_LVMPERSIST_H */
