/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prtool daemon: the parts the unit tests reach.
 */
#ifndef PRTOOL_DAEMON_H
#define PRTOOL_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc.h"
#include "uevent.h"

/**
 * struct daemon_opts - how prtool daemon runs
 * @attach_new: attach multipath maps that are not attached
 * @has_key: @key is set
 * @key: with @attach_new: adopt this registration
 * @foreground: stay in the foreground and log to stderr (else: syslog)
 */
struct daemon_opts {
	bool attach_new;
	bool has_key;
	uint64_t key;
	bool foreground;
};

/* Where sysfs is ("/sys"); the tests point it at a scratch tree. */
extern const char *daemon_sysfs;

/*
 * The WWID the kernel read from a SCSI disk's VPD page 0x83
 * (/sys/dev/block/MAJ:MIN/device/wwid), into @buf. Return: 0 or -errno.
 */
int daemon_wwid_of(unsigned int major, unsigned int minor, char *buf,
		   size_t len);

/*
 * React to one uevent: sync, attach, path hint or new-path registration.
 * Return: 0 if nothing was to be done or it was done, -errno if it failed
 * (logged).
 */
int daemon_on_uevent(const struct daemon_opts *o, const struct uevent *ue);

/*
 * Read every uevent waiting on @fd (the daemon's NETLINK_KOBJECT_UEVENT
 * socket) and react to each (daemon_on_uevent()). Only the kernel's are
 * taken: a message from a user-space sender (port id not 0) could forge a
 * path event, and a truncated one is incomplete.
 * Return: 0, or -ENOBUFS if some were lost.
 */
int daemon_read_uevents(const struct daemon_opts *o, int fd);

/* Sync every attached map and, with --attach-new, attach the others. */
void daemon_sync_all(const struct daemon_opts *o);

/*
 * New path disks the module refused (not yet in the map) are watched until
 * dm links them as slaves of the map, then synced: look now. Return: how
 * many are still watched. daemon_pending_timeout_ms: how long one is.
 */
int daemon_check_pending(void);
int daemon_nr_pending(void);
extern int daemon_pending_timeout_ms;

/* Log one notification of the module (an ipc_events_read() callback). */
int daemon_log_event(const struct mpr_event *ev, void *arg);

/*
 * daemon_log.c: one line of the daemon's log at syslog priority @prio, to
 * stderr (with the priority's "<N>" prefix when stderr is the journal's
 * stream) or, once daemon_log_to_syslog(true), to syslog.
 */
__attribute__((format(printf, 2, 3)))
void dlog(int prio, const char *fmt, ...);
/* Log to syslog (after detaching) or, @on false, back to stderr. */
void daemon_log_to_syslog(bool on);
/* Look at stderr once more: is it the journal's stream (JOURNAL_STREAM)? */
void daemon_log_start(void);

#endif /* PRTOOL_DAEMON_H */
