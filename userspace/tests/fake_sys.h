/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fake block device for the unit tests: open(), stat(), fstat(), ioctl(),
 * close(), access() and fcntl() are wrapped (-Wl,--wrap=...) so that
 * prtool's PR code runs against a scripted device instead of the kernel.
 */
#ifndef PRTOOL_FAKE_SYS_H
#define PRTOOL_FAKE_SYS_H

#include <stdbool.h>

#define FAKE_FD_BASE 1000

/**
 * struct fake_blk - the one fake device
 * @path: the path that opens it ("/dev/fake-dm")
 * @alias: another path that exists (e.g. "/dev/mapper/mpatha"), or NULL
 * @major: device number reported by fstat()
 * @minor: device number
 * @not_blk: fstat() reports a regular file
 * @partition: /sys/dev/block/M:m/partition exists
 * @open_ro_errno: open(O_RDONLY) fails with this errno (0: succeeds)
 * @open_rw_errno: open(O_RDWR) fails with this errno
 * @ioctl: handler for ioctl() on the fake; @rw tells the open mode; it
 *	returns the ioctl result or -1 with errno set
 */
struct fake_blk {
	const char *path;
	const char *alias;
	unsigned int major;
	unsigned int minor;
	bool not_blk;
	bool partition;
	int open_ro_errno;
	int open_rw_errno;
	int (*ioctl)(unsigned long req, void *arg, bool rw);
};

extern struct fake_blk fake_blk;
/* Counters: opens by mode and descriptors still open. */
extern int fake_opens_ro, fake_opens_rw, fake_open_fds;

/* Reset the fake to @blk (copied) and zero the counters. */
void fake_blk_reset(const struct fake_blk *blk);

#endif /* PRTOOL_FAKE_SYS_H */
