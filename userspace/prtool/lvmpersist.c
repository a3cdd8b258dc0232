// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: the lvmpersist front end.
 *
 * When prtool runs as "lvmpersist" (by that name, or as "prtool
 * lvmpersist ..."), it takes the commands and options of LVM2's
 * lvmpersist(8) script (start, stop, remove, clear, devtest, check-key,
 * read-keys, read-reservation, read; --ourkey, --removekey, --key,
 * --access, --prtype, --ptpl, --device, --vg), checks them in the same
 * order with the same messages, follows the same steps on each device and
 * exits with the same status (0 or 1). The PVs of a VG come from lvm2's
 * reporting command in JSON form.
 *
 * Where LVM2 runs sg_persist, mpathpersist or nvme per device, the
 * commands here go through libprtool: the kernel's IOC_PR_* ioctls, so a
 * multipath map registers and reserves through its own pr_ops (those of
 * dm_mpath_pr when the map is attached) and NVMe works without nvme-cli.
 * REPORT CAPABILITIES and TEST UNIT READY go over SG_IO.
 *
 * Documented in prtool(8), section LVMPERSIST COMPATIBILITY, with the
 * differences.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <prtool/prtool.h>

#include "blkdev.h"
#include "cli.h"
#include "lvm.h"
#include "prtool.h"

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

static const struct {
	const char *name;
	enum lvp_cmd cmd;
} lvp_cmds[] = {
	{ "start", LVP_START },
	{ "stop", LVP_STOP },
	{ "remove", LVP_REMOVE },
	{ "clear", LVP_CLEAR },
	{ "devtest", LVP_DEVTEST },
	{ "check-key", LVP_CHECKKEY },
	{ "read-keys", LVP_READKEYS },
	{ "read-reservation", LVP_READRES },
	{ "read", LVP_READ },
};

/* PR types by LVM2's abbreviations, as PRTOOL_TYPE_* (enum pr_type). */
static const struct lvp_type {
	const char *abbr;
	unsigned int type;
	uint16_t cap_mask;	/* bit of REPORT CAPABILITIES' type mask */
} lvp_types[] = {
	{ "WE", PRTOOL_TYPE_WRITE_EXCLUSIVE, 0x0200 },
	{ "EA", PRTOOL_TYPE_EXCLUSIVE_ACCESS, 0x0800 },
	{ "WERO", PRTOOL_TYPE_WRITE_EXCLUSIVE_REG_ONLY, 0x2000 },
	{ "EARO", PRTOOL_TYPE_EXCLUSIVE_ACCESS_REG_ONLY, 0x4000 },
	{ "WEAR", PRTOOL_TYPE_WRITE_EXCLUSIVE_ALL_REGS, 0x8000 },
	{ "EAAR", PRTOOL_TYPE_EXCLUSIVE_ACCESS_ALL_REGS, 0x0001 },
};

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
static volatile sig_atomic_t lvp_signal;

static void on_signal(int sig)
{
	lvp_signal = sig;
}

static void __attribute__((format(printf, 3, 0)))
lvp_vlog(const struct lvp *l, bool syslog_too, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "  %s: %s\n", l->name, msg);
	if (syslog_too) {
		openlog(l->name, 0, LOG_USER);
		syslog(LOG_NOTICE, "%s: %s", l->name, msg);
		closelog();
	}
}

/* A message on stderr; for start, stop, remove and clear, also syslog. */
static void __attribute__((format(printf, 2, 3)))
logmsg(const struct lvp *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lvp_vlog(l, l->logging, fmt, ap);
	va_end(ap);
}

/* An error: stderr and syslog. */
static void __attribute__((format(printf, 2, 3)))
logerror(const struct lvp *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lvp_vlog(l, true, fmt, ap);
	va_end(ap);
}

/* An invalid invocation: stderr, status 1. */
static int __attribute__((format(printf, 2, 3)))
errorexit(const struct lvp *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lvp_vlog(l, false, fmt, ap);
	va_end(ap);
	return 1;
}

static void usage(const char *n)
{
	printf("  %s: use persistent reservations on devices in an LVM VG.\n"
	       "\n"
	       "  %s start --ourkey KEY DEST\n"
	       "      Register key and reserve device(s).\n"
	       "\n"
	       "  %s start --ourkey KEY --removekey REMKEY DEST\n"
	       "      Register key and reserve device(s), replacing "
	       "reservation holder by preempt-abort.\n"
	       "\n"
	       "  %s stop --ourkey KEY DEST\n"
	       "      Unregister key, dropping reservation.\n"
	       "\n"
	       "  %s remove --ourkey KEY --removekey REMKEY DEST\n"
	       "      Preempt-abort a key.\n"
	       "\n"
	       "  %s clear --ourkey KEY DEST\n"
	       "      Release reservation and clear registered keys.\n"
	       "\n"
	       "  %s devtest DEST\n"
	       "      Test if devices support PR.\n"
	       "\n"
	       "  %s check-key --key KEY DEST\n"
	       "      Check if a key is registered.\n"
	       "\n"
	       "  %s read-keys DEST\n"
	       "      Display registered keys.\n"
	       "\n"
	       "  %s read-reservation DEST\n"
	       "      Display reservation.\n"
	       "\n"
	       "  %s read DEST\n"
	       "      Display registered keys and reservation.\n"
	       "\n",
	       n, n, n, n, n, n, n, n, n, n, n);
	printf("  Options:\n"
	       "      --ourkey KEY         KEY is the local key.\n"
	       "      --removekey REMKEY   REMKEY is another host's key to "
	       "remove.\n"
	       "      --key KEY            KEY is any key to check.\n"
	       "      --access ex|sh       Access type: ex (exclusive) for a "
	       "local VG,\n"
	       "                           sh (shared) for a shared VG.\n"
	       "                           Translates to a specific PRTYPE "
	       "for each device as appropriate\n"
	       "                           (usually WE for ex and WEAR for "
	       "sh.)\n"
	       "      --prtype PRTYPE      Use only a specific PRTYPE, an "
	       "alternative to --access.\n"
	       "      --ptpl               Enable persist through power loss "
	       "when starting.\n"
	       "      --no-abort           PREEMPT instead of PREEMPT AND "
	       "ABORT for --removekey\n"
	       "                           (prtool only).\n"
	       "      --debug              Accepted; does nothing.\n"
	       "\n"
	       "  DEST:\n"
	       "      --device PATH ...    One or more devices to operate "
	       "on.\n"
	       "                           (Repeat this option to use "
	       "multiple devices.)\n"
	       "      --vg VGNAME          One VG to operate on. All PVs in "
	       "the VG are used.\n"
	       "                           (An lvm command is run to find all "
	       "the PVs.)\n"
	       "      --vg VGNAME --device PATH ...\n"
	       "                           One or more devices to operate on, "
	       "and a VG name\n"
	       "                           to use as an identifier for the set "
	       "of devices.\n"
	       "\n"
	       "  PRTYPE: persistent reservation type (use abbreviation with "
	       "--prtype).\n"
	       "      WE:   Write Exclusive\n"
	       "      EA:   Exclusive Access\n"
	       "      WERO: Write Exclusive  - registrants only (not yet "
	       "supported)\n"
	       "      EARO: Exclusive Access - registrants only (not yet "
	       "supported)\n"
	       "      WEAR: Write Exclusive  - all registrants\n"
	       "      EAAR: Exclusive Access - all registrants\n"
	       "\n"
	       "  This is prtool %s answering as lvmpersist; see prtool(8).\n"
	       "\n",
	       PRTOOL_VERSION);
}

/*
 * A key as LVM2 takes it: 0x and up to 16 hex digits, or decimal digits
 * (shown back in hex); no leading zeros. @which is "ourkey", "key" or
 * "removekey". Return: 0, or 1 after the message.
 */
static int parse_key(struct lvp *l, const char *arg, const char *which,
		     uint64_t *key, char *out, size_t len)
{
	const char *p;
	uint64_t v = 0;
	char *q;

	if (strncmp(arg, "0x", 2)) {
		for (p = arg; *p; p++) {
			unsigned int d = (unsigned int)(*p - '0');

			if (!isdigit((unsigned char)*p))
				return errorexit(l, "Invalid decimal digits "
						 "in key: %s (use 0x prefix for "
						 "hex key)", arg);
			if (v > (UINT64_MAX - d) / 10)
				return errorexit(l, "Key is out of range: %s",
						 arg);
			v = v * 10 + d;
		}
		if (!*arg)
			return errorexit(l, "Invalid decimal digits in key: "
					 "%s (use 0x prefix for hex key)", arg);
		snprintf(out, len, "0x%" PRIx64, v);
		printf("Using %s: %s\n", which, out);
	} else {
		for (p = arg + 2; *p; p++)
			if (!isxdigit((unsigned char)*p))
				break;
		if (*p || !arg[2])
			return errorexit(l, "Invalid hex digits in key: %s",
					 arg);
		if (strlen(arg) > 18)
			return errorexit(l, "Key is out of range: %s", arg);
		v = strtoull(arg + 2, NULL, 16);
		snprintf(out, len, "%s", arg);
		for (q = out; *q; q++)
			*q = (char)tolower((unsigned char)*q);
	}
	*key = v;
	return 0;
}

static const struct lvp_type *type_for(const struct lvp *l,
				       const struct lvp_dev *d)
{
	switch (d->bi.kind) {
	case BLKDEV_NVME:
		return l->nvme;
	case BLKDEV_MPATH:
		return l->mpath;
	default:
		return l->scsi;
	}
}

static const struct lvp_type *type_by_value(unsigned int type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lvp_types); i++)
		if (lvp_types[i].type == type)
			return &lvp_types[i];
	return NULL;
}

static bool all_regs(const struct lvp_type *t)
{
	return t && (t->type == PRTOOL_TYPE_WRITE_EXCLUSIVE_ALL_REGS ||
		     t->type == PRTOOL_TYPE_EXCLUSIVE_ACCESS_ALL_REGS);
}

/* Why @ret failed on @d, by name: "Reservation conflict (...)". */
static const char *why(struct lvp_dev *d, int ret, char *buf, size_t len)
{
	char name[96];
	const char *detail = d->dev ? prtool_dev_detail(d->dev) : "";

	prtool_status_str(ret, name, sizeof(name));
	if (detail && detail[0])
		snprintf(buf, len, "%s (%s)", name, detail);
	else
		snprintf(buf, len, "%s", name);
	return buf;
}

static int dev_open(struct lvp_dev *d)
{
	return d->dev ? 0 : prtool_open(d->path, &d->dev);
}

/* REGISTER AND IGNORE EXISTING KEY with our key. */
static int do_register(struct lvp *l, struct lvp_dev *d)
{
	char buf[256];
	int ret;

	ret = dev_open(d);
	if (!ret)
		ret = prtool_register(d->dev, 0, l->ourkey,
				      PRTOOL_REG_IGNORE_KEY);
	if (ret) {
		logmsg(l, "register error on %s: %s", d->path,
		       why(d, ret, buf, sizeof(buf)));
		return -1;
	}
	d->registered = true;
	return 0;
}

/* Remove our key where this run registered it. */
static void undo_register(struct lvp *l)
{
	char buf[256];
	size_t i;
	int ret;

	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		if (!d->registered)
			continue;
		ret = prtool_register(d->dev, l->ourkey, 0, 0);
		if (ret)
			logmsg(l, "unregister error on %s: %s", d->path,
			       why(d, ret, buf, sizeof(buf)));
		d->registered = false;
	}
}

/* Our key off the device again; for stop. */
static int do_unregister(struct lvp_dev *d, uint64_t key)
{
	int ret = dev_open(d);

	return ret ? ret : prtool_register(d->dev, key, 0, 0);
}

/* 0: @key is registered on @d; 1: it is not; 2: it cannot be told. */
static int key_is_on_device(struct lvp *l, struct lvp_dev *d, uint64_t key)
{
	struct prtool_keys k;
	char buf[256];
	uint32_t i;
	int ret;

	ret = dev_open(d);
	if (!ret)
		ret = prtool_read_keys(d->dev, &k);
	if (ret) {
		logmsg(l, "read-keys error on %s: %s", d->path,
		       why(d, ret, buf, sizeof(buf)));
		return 2;
	}
	for (i = 0; i < k.num_keys && k.keys[i] != key; i++)
		;
	ret = i < k.num_keys ? 0 : 1;
	prtool_keys_free(&k);
	return ret;
}

/*
 * The reservation on @d: *type is its type, or NULL for none; *holder its
 * key. Return: 0, or -1 after a message.
 */
static int get_reservation(struct lvp *l, struct lvp_dev *d,
			   const struct lvp_type **type, uint64_t *holder)
{
	struct prtool_reservation r;
	char buf[256];
	int ret;

	*type = NULL;
	*holder = 0;
	ret = dev_open(d);
	if (!ret)
		ret = prtool_read_reservation(d->dev, &r);
	if (ret) {
		logmsg(l, "read-reservation error on %s: %s", d->path,
		       why(d, ret, buf, sizeof(buf)));
		return -1;
	}
	if (!r.held)
		return 0;
	*type = type_by_value(r.type);
	if (!*type) {
		logmsg(l, "read-reservation on %s: unknown reservation type "
			  "0x%x", d->path, r.scsi_type);
		return -1;
	}
	*holder = r.key;
	return 0;
}

/*
 * 0: @d supports reservation type @t; 1: it does not; 2: it cannot be
 * told. SCSI disks and maps answer REPORT CAPABILITIES (over SG_IO; a map
 * passes it to a path); NVMe namespaces support every type once they can
 * report their registrations.
 */
static int supports_type(struct lvp *l, struct lvp_dev *d,
			 const struct lvp_type *t)
{
	struct prtool_capabilities caps;
	struct prtool_keys k;
	char buf[256];
	int ret;

	ret = dev_open(d);
	if (!ret && d->bi.kind == BLKDEV_NVME) {
		ret = prtool_read_keys(d->dev, &k);
		if (!ret) {
			prtool_keys_free(&k);
			return 0;
		}
	} else if (!ret) {
		ret = prtool_report_capabilities(d->dev, &caps);
		if (!ret)
			return caps.tmv && (caps.type_mask & t->cap_mask) ? 0 :
									     1;
	}
	logmsg(l, "report-capabilities error on %s: %s", d->path,
	       why(d, ret, buf, sizeof(buf)));
	return 2;
}

/* The device answers PR at all (REPORT CAPABILITIES, or READ KEYS). */
static bool supports_pr(struct lvp *l, struct lvp_dev *d)
{
	struct prtool_capabilities caps;
	struct prtool_keys k;

	(void)l;
	if (dev_open(d))
		return false;
	if (d->bi.kind == BLKDEV_NVME) {
		if (prtool_read_keys(d->dev, &k))
			return false;
		prtool_keys_free(&k);
		return true;
	}
	return !prtool_report_capabilities(d->dev, &caps);
}

/* Check that every device supports its type; 0 or 1 after the messages. */
static int check_types(struct lvp *l, const char *cmd)
{
	size_t i;
	int err = 0;

	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];
		const struct lvp_type *t = type_for(l, d);
		int rc = supports_type(l, d, t);

		if (rc == 2) {
			logmsg(l, "%s %s %s failed to query reservation type "
				  "%s.", cmd, l->group, d->path, t->abbr);
			err = 1;
		} else if (rc) {
			logmsg(l, "%s %s %s does not support reservation type "
				  "%s.", cmd, l->group, d->path, t->abbr);
			err = 1;
		}
	}
	return err ? errorexit(l, "%s %s failed.", cmd, l->group) : 0;
}

static int interrupted(struct lvp *l)
{
	if (!lvp_signal)
		return 0;
	logmsg(l, "interrupted by signal %d: undoing the registrations of "
		  "this run.", (int)lvp_signal);
	undo_register(l);
	return 1;
}

static int register_all(struct lvp *l)
{
	size_t i;

	for (i = 0; i < l->ndevs; i++) {
		if (do_register(l, &l->devs[i]) || interrupted(l)) {
			if (!lvp_signal)
				logmsg(l, "start %s failed to register our "
					  "key.", l->group);
			undo_register(l);
			return 1;
		}
	}
	return 0;
}

static int do_takeover(struct lvp *l)
{
	char buf[256];
	size_t i;
	int rc;

	if (check_types(l, "start"))
		return 1;
	for (i = 0; i < l->ndevs; i++) {
		rc = key_is_on_device(l, &l->devs[i], l->remkey);
		if (rc == 1) {
			logerror(l, "start %s specified key to remove %s not "
				    "found on %s.", l->group, l->remkey_s,
				 l->devs[i].path);
			return 1;
		} else if (rc == 2) {
			logerror(l, "start %s failed to check for key %s on "
				    "%s.", l->group, l->remkey_s,
				 l->devs[i].path);
			return 1;
		}
	}
	if (register_all(l))
		return 1;
	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];
		int ret;

		ret = prtool_preempt(d->dev, l->ourkey, l->remkey,
				     type_for(l, d)->type, !l->no_abort);
		if (ret || interrupted(l)) {
			if (ret)
				logmsg(l, "start %s failed to preempt%s %s on "
					  "%s: %s.", l->group,
				       l->no_abort ? "" : "-abort",
				       l->remkey_s, d->path,
				       why(d, ret, buf, sizeof(buf)));
			undo_register(l);
			return 1;
		}
	}
	logmsg(l, "started %s with key %s.", l->group, l->ourkey_s);
	return 0;
}

static int do_start(struct lvp *l)
{
	const struct lvp_type *cur;
	uint64_t holder;
	char buf[256];
	size_t i;
	int ret;

	if (check_types(l, "start"))
		return 1;
	if (register_all(l))
		return 1;
	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];
		const struct lvp_type *t = type_for(l, d);

		/*
		 * An all-registrants reservation is taken once, by the first
		 * host; the others only register.
		 */
		if (all_regs(t) && !get_reservation(l, d, &cur, &holder) &&
		    cur == t)
			continue;
		ret = prtool_reserve(d->dev, l->ourkey, t->type);
		/* Another host may have taken it in between. */
		if (ret && all_regs(t) &&
		    !get_reservation(l, d, &cur, &holder) && cur == t)
			ret = 0;
		if (ret || interrupted(l)) {
			if (ret)
				logmsg(l, "start %s failed to reserve %s: %s.",
				       l->group, d->path,
				       why(d, ret, buf, sizeof(buf)));
			undo_register(l);
			return 1;
		}
	}
	logmsg(l, "started %s with key %s.", l->group, l->ourkey_s);
	return 0;
}

static int do_stop(struct lvp *l)
{
	size_t i;
	int err = 0, rc;

	/*
	 * Removing our key is enough: a reservation we hold goes with it
	 * (the last registrant of an all-registrants one, or the holder).
	 * Whether the unregister itself succeeded does not matter: the key
	 * must be gone afterwards.
	 */
	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		do_unregister(d, l->ourkey);
		rc = key_is_on_device(l, d, l->ourkey);
		if (rc == 0) {
			logmsg(l, "stop %s failed to unregister our key %s "
				  "from %s.", l->group, l->ourkey_s, d->path);
			err = 1;
		} else if (rc == 2) {
			logmsg(l, "stop %s failed to verify our key %s was "
				  "unregistered from %s.", l->group,
			       l->ourkey_s, d->path);
			err = 1;
		}
	}
	if (err)
		return errorexit(l, "stop %s failed.", l->group);
	logmsg(l, "stopped %s with key %s.", l->group, l->ourkey_s);
	return 0;
}

static int do_remove(struct lvp *l)
{
	const struct lvp_type *cur;
	uint64_t holder;
	char buf[256];
	size_t i;
	int err = 0, rc, ret;

	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		rc = key_is_on_device(l, d, l->ourkey);
		if (rc) {
			if (rc == 1)
				logmsg(l, "cannot remove %s from %s without "
					  "ourkey %s being registered",
				       l->remkey_s, d->path, l->ourkey_s);
			else
				logmsg(l, "cannot remove %s from %s, failed "
					  "to check ourkey %s.", l->remkey_s,
				       d->path, l->ourkey_s);
			err = 1;
			continue;
		}
		/* The reservation's own type, else the one configured. */
		if (get_reservation(l, d, &cur, &holder)) {
			logmsg(l, "cannot remove %s from %s, failed to read "
				  "reservation type.", l->remkey_s, d->path);
			err = 1;
			continue;
		}
		if (!cur)
			cur = type_for(l, d);
		ret = prtool_preempt(d->dev, l->ourkey, l->remkey, cur->type,
				     !l->no_abort);
		if (ret)
			logmsg(l, "preempt%s error on %s: %s",
			       l->no_abort ? "" : "-abort", d->path,
			       why(d, ret, buf, sizeof(buf)));
		rc = key_is_on_device(l, d, l->remkey);
		if (rc == 0) {
			logmsg(l, "failed to remove key %s from %s in %s.",
			       l->remkey_s, d->path, l->group);
			err = 1;
		} else if (rc == 2) {
			logmsg(l, "failed to verify key %s was removed from "
				  "%s in %s.", l->remkey_s, d->path, l->group);
			err = 1;
		}
	}
	/*
	 * A PV that is missing may still carry the key: the other host is
	 * not fenced from it.
	 */
	if (l->missing) {
		logmsg(l, "remove failed: %zu missing device(s) in VG %s.",
		       l->missing, l->vg);
		err = 1;
	}
	if (err)
		return errorexit(l, "remove %s failed.", l->group);
	logmsg(l, "removed key %s for %s.", l->remkey_s, l->group);
	return 0;
}

/* The distinct keys of @d, ascending; *n of them. */
static int key_list(struct lvp *l, struct lvp_dev *d, uint64_t **keys,
		    size_t *n)
{
	struct prtool_keys k;
	char buf[256];
	uint32_t i, j;
	int ret;

	*keys = NULL;
	*n = 0;
	ret = dev_open(d);
	if (!ret)
		ret = prtool_read_keys(d->dev, &k);
	if (ret) {
		logmsg(l, "read-keys error on %s: %s", d->path,
		       why(d, ret, buf, sizeof(buf)));
		return -1;
	}
	/* Insertion sort, dropping repeats (one per I_T nexus). */
	for (i = 0; i < k.num_keys; i++) {
		uint64_t v = k.keys[i];

		for (j = 0; j < *n && k.keys[j] < v; j++)
			;
		if (j < *n && k.keys[j] == v)
			continue;
		memmove(&k.keys[j + 1], &k.keys[j], (*n - j) * sizeof(v));
		k.keys[j] = v;
		(*n)++;
	}
	*keys = k.keys;
	return 0;
}

static int do_clear(struct lvp *l)
{
	const struct lvp_type *cur;
	uint64_t holder, *keys;
	char buf[256];
	size_t i, n, j;
	int err = 0, rc, ret;
	bool *clear = xcalloc(l->ndevs, sizeof(*clear));

	/*
	 * CLEAR needs our key registered: register where it is not, skip
	 * what does not support PR or refuses the registration.
	 */
	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		if (!supports_pr(l, d)) {
			logerror(l, "Device %s: does not support PR", d->path);
			continue;
		}
		rc = key_is_on_device(l, d, l->ourkey);
		if (rc == 0) {
			clear[i] = true;
		} else if (rc == 1) {
			if (!do_register(l, d))
				clear[i] = true;
			else
				logmsg(l, "clear %s skip %s without "
					  "registration", l->group, d->path);
		} else {
			logmsg(l, "clear %s failed to check for our key %s on "
				  "%s.", l->group, l->ourkey_s, d->path);
			err = 1;
		}
	}
	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		if (!clear[i])
			continue;
		ret = prtool_clear(d->dev, l->ourkey);
		if (ret)
			logmsg(l, "clear error on %s: %s", d->path,
			       why(d, ret, buf, sizeof(buf)));
		/* What counts is that nothing is left. */
		if (key_list(l, d, &keys, &n)) {
			logmsg(l, "clear %s failed to read keys from %s",
			       l->group, d->path);
			err = 1;
		} else if (n) {
			char list[512] = "";
			size_t o = 0;

			for (j = 0; j < n && o < sizeof(list); j++)
				o += (size_t)snprintf(list + o,
						      sizeof(list) - o,
						      "%s0x%" PRIx64,
						      j ? " " : "", keys[j]);
			logmsg(l, "clear %s keys not cleared from %s - %s",
			       l->group, d->path, list);
			err = 1;
		}
		free(keys);
		if (get_reservation(l, d, &cur, &holder) || cur) {
			logmsg(l, "clear %s reservation not cleared from %s",
			       l->group, d->path);
			err = 1;
		}
	}
	free(clear);
	if (err)
		return errorexit(l, "clear %s failed.", l->group);
	logmsg(l, "cleared %s reservation and keys", l->group);
	return 0;
}

static int do_devtest(struct lvp *l)
{
	size_t i;
	int err = 0, rc;

	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];
		const struct lvp_type *t = type_for(l, d);

		rc = supports_type(l, d, t);
		if (!rc) {
			printf("Device %s: supports type %s\n", d->path,
			       t->abbr);
		} else if (rc == 2) {
			logerror(l, "Device %s: failed to query type %s",
				 d->path, t->abbr);
			err = 1;
		} else {
			logerror(l, "Device %s: does not support type %s",
				 d->path, t->abbr);
			err = 1;
		}
	}
	return err ? errorexit(l, "devtest failed.") : 0;
}

static int do_checkkey(struct lvp *l)
{
	size_t i;
	int err = 0, rc;

	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		rc = key_is_on_device(l, d, l->ourkey);
		if (!rc) {
			printf("Device %s: has key %s\n", d->path,
			       l->ourkey_s);
		} else if (rc == 2) {
			logerror(l, "Device %s: failed to check for key %s",
				 d->path, l->ourkey_s);
			err = 1;
		} else {
			logerror(l, "Device %s: does not have key %s",
				 d->path, l->ourkey_s);
			err = 1;
		}
	}
	return err ? errorexit(l, "check-key failed.") : 0;
}

/* Type support for the reads: 0 go on, 1 skip (said), 2 error (said). */
static int read_check(struct lvp *l, struct lvp_dev *d)
{
	int rc = supports_type(l, d, type_for(l, d));

	if (rc == 1) {
		printf("Device %s: does not support PR\n", d->path);
	} else if (rc == 2) {
		logerror(l, "Device %s: failed to query reservation type",
			 d->path);
	}
	return rc;
}

static int do_readkeys(struct lvp *l)
{
	uint64_t *keys;
	size_t i, j, n;
	int err = 0, rc;

	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		rc = read_check(l, d);
		if (rc) {
			err |= rc == 2;
			continue;
		}
		if (key_list(l, d, &keys, &n)) {
			logerror(l, "Device %s: failed to read registered keys",
				 d->path);
			err = 1;
			continue;
		}
		printf("Device %s: registered keys:", d->path);
		if (!n)
			printf(" none");
		for (j = 0; j < n; j++)
			printf(" 0x%" PRIx64, keys[j]);
		printf("\n");
		free(keys);
	}
	return err ? errorexit(l, "read-keys failed.") : 0;
}

static int do_readreservation(struct lvp *l)
{
	const struct lvp_type *cur;
	uint64_t holder;
	size_t i;
	int err = 0, rc;

	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		rc = read_check(l, d);
		if (rc) {
			err |= rc == 2;
			continue;
		}
		if (get_reservation(l, d, &cur, &holder)) {
			logerror(l, "Device %s: failed to read reservation",
				 d->path);
			err = 1;
		} else if (!cur) {
			printf("Device %s: reservation: none\n", d->path);
		} else if (all_regs(cur)) {
			printf("Device %s: reservation: %s\n", d->path,
			       cur->abbr);
		} else {
			printf("Device %s: reservation: %s holder 0x%" PRIx64
			       "\n", d->path, cur->abbr, holder);
		}
	}
	return err ? errorexit(l, "read-reservation failed.") : 0;
}

static int add_device(struct lvp *l, const char *path)
{
	struct lvp_dev *d;

	l->devs = xreallocarray(l->devs, l->ndevs + 1, sizeof(*l->devs));
	d = &l->devs[l->ndevs++];
	memset(d, 0, sizeof(*d));
	d->path = strdup(path);
	if (!d->path) {
		l->ndevs--;
		return -1;
	}
	return 0;
}

/*
 * LVM2 reminds of multipath.conf's reservation_key for maps; the
 * counterpart here: a map that is not attached to dm_mpath_pr gets
 * device-mapper's own reservation handling (no registration of paths that
 * were down or come later). Said once per such map, on stderr.
 */
static void hint_unattached(struct lvp *l)
{
	struct cli_devt *att = NULL;
	size_t i, j, n = 0;

	for (i = 0; i < l->ndevs && l->devs[i].bi.kind != BLKDEV_MPATH; i++)
		;
	if (i == l->ndevs)
		return;
	if (cli_attached(&att, &n))
		return;		/* cannot tell */
	for (i = 0; i < l->ndevs; i++) {
		const struct lvp_dev *d = &l->devs[i];

		if (d->bi.kind != BLKDEV_MPATH)
			continue;
		for (j = 0; j < n; j++)
			if (att[j].major == d->bi.major &&
			    att[j].minor == d->bi.minor)
				break;
		if (j == n)
			logmsg(l, "%s is not attached to dm_mpath_pr: "
				  "device-mapper's own reservation handling "
				  "runs (prtool attach %s).", d->path, d->path);
	}
	free(att);
}

/*
 * The checks of LVM2's check_devices: block devices of a supported kind
 * (SCSI disks, NVMe namespaces, multipath maps), then a TEST UNIT READY
 * on each SCSI disk and map to take a pending UNIT ATTENTION off.
 */
static int check_devices(struct lvp *l)
{
	char buf[256];
	size_t i;
	int err = 0, ret;

	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		ret = blkdev_classify(d->path, &d->bi);
		if (ret)
			return errorexit(l, "not a block device: %s.",
					 d->path);
	}
	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		if (d->bi.kind == BLKDEV_DM) {
			logmsg(l, "device %s dm uuid does not appear to be "
				  "multipath (%s)", d->path, d->bi.dm_uuid);
			err = 1;
		} else if (d->bi.kind == BLKDEV_OTHER) {
			logmsg(l, "device type not supported for %s.",
			       d->path);
			err = 1;
		}
	}
	if (err)
		return errorexit(l, "unsupported or invalid device(s).");
	hint_unattached(l);
	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		if (d->bi.kind == BLKDEV_NVME)
			continue;
		ret = dev_open(d);
		if (!ret)
			ret = prtool_test_unit_ready(d->dev);
		if (ret)
			logmsg(l, "test unit ready error from %s: %s",
			       d->path, why(d, ret, buf, sizeof(buf)));
	}
	return 0;
}

static int devices_from_vg(struct lvp *l)
{
	struct lvm_vg_pvs pvs;
	char whybuf[512];
	size_t i;
	int ret = 0;

	if (lvm_vg_pvs(l->vg, &pvs, whybuf, sizeof(whybuf))) {
		logerror(l, "failed to get devices from VG %s: %s.", l->vg,
			 whybuf);
		return 1;
	}
	for (i = 0; i < pvs.n && !ret; i++)
		ret = add_device(l, pvs.devs[i]);
	l->missing = pvs.missing;
	if (pvs.missing)
		logmsg(l, "%zu missing device(s) in VG %s.", pvs.missing,
		       l->vg);
	lvm_vg_pvs_free(&pvs);
	return ret ? errorexit(l, "out of memory") : 0;
}

/* Options, keys and types, in the order LVM2 checks them. */
static int parse_args(struct lvp *l, int argc, char *argv[])
{
	enum { O_OURKEY = 256, O_REMKEY, O_KEY, O_PRTYPE, O_ACCESS, O_PTPL,
	       O_DEBUG, O_DEVICE, O_VG, O_NOABORT };
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "ourkey", required_argument, NULL, O_OURKEY },
		{ "removekey", required_argument, NULL, O_REMKEY },
		{ "key", required_argument, NULL, O_KEY },
		{ "prtype", required_argument, NULL, O_PRTYPE },
		{ "access", required_argument, NULL, O_ACCESS },
		{ "ptpl", no_argument, NULL, O_PTPL },
		{ "debug", no_argument, NULL, O_DEBUG },
		{ "device", required_argument, NULL, O_DEVICE },
		{ "vg", required_argument, NULL, O_VG },
		{ "no-abort", no_argument, NULL, O_NOABORT },
		{ NULL, 0, NULL, 0 },
	};
	const char *ourkey = NULL, *remkey = NULL, *key = NULL;
	const char *prtype = NULL, *access = NULL;
	size_t i;
	int c;

	opt_reset();
	/* argv[0] is the command; options (and stray operands) follow. */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(l->name);
			return -1;
		case O_OURKEY:
			ourkey = optarg;
			break;
		case O_REMKEY:
			remkey = optarg;
			break;
		case O_KEY:
			key = optarg;
			break;
		case O_PRTYPE:
			prtype = optarg;
			break;
		case O_ACCESS:
			access = optarg;
			break;
		case O_PTPL:
			/*
			 * Linux's sd sets APTPL on every registration
			 * through IOC_PR_REGISTER: nothing to add.
			 */
			break;
		case O_DEBUG:
			break;
		case O_DEVICE:
			if (add_device(l, optarg))
				return errorexit(l, "out of memory");
			break;
		case O_VG:
			l->vg = optarg;
			break;
		case O_NOABORT:
			l->no_abort = true;
			break;
		default:
			/* Unknown, or without its argument. */
			fprintf(stderr, "%s: bad option '%s'\n", l->name,
				argv[optind - 1]);
			return errorexit(l, "invalid option.");
		}
	}
	if (optind < argc)
		return errorexit(l, "Unexpected argument \"%s\".",
				 argv[optind]);

	if (!l->ndevs && !l->vg)
		return errorexit(l, "Missing required option: --vg or "
				    "--device.");
	if (prtype && access)
		return errorexit(l, "Set --prtype or --access, not both.");
	if (l->cmd == LVP_CHECKKEY && !key)
		return errorexit(l, "Missing required option: --key.");
	if (l->cmd != LVP_CHECKKEY && key)
		return errorexit(l, "Invalid option: --key.");
	if (l->cmd == LVP_CHECKKEY)
		ourkey = key;

	if (ourkey) {
		if (parse_key(l, ourkey, key ? "key" : "ourkey", &l->ourkey,
			      l->ourkey_s, sizeof(l->ourkey_s)))
			return 1;
		l->have_ourkey = true;
	}
	if (remkey) {
		if (parse_key(l, remkey, "removekey", &l->remkey, l->remkey_s,
			      sizeof(l->remkey_s)))
			return 1;
		l->have_remkey = true;
	}
	/* 0x0..., and so the key 0, would not match the tools' output. */
	if ((ourkey && !strncmp(l->ourkey_s, "0x0", 3)) ||
	    (remkey && !strncmp(l->remkey_s, "0x0", 3)))
		return errorexit(l, "Leading 0s are not permitted in keys.");

	if (!prtype && !access)
		access = "ex";
	if (access) {
		/* ex: WE, but WEAR on maps (every path must write). */
		if (!strcmp(access, "ex")) {
			l->scsi = l->nvme = LVP_WE;
			l->mpath = LVP_WEAR;
		} else if (!strcmp(access, "sh")) {
			l->scsi = l->nvme = l->mpath = LVP_WEAR;
		} else {
			return errorexit(l, "Invalid access mode (use ex or "
					    "sh).");
		}
	} else {
		for (i = 0; i < ARRAY_SIZE(lvp_types); i++)
			if (!strcmp(prtype, lvp_types[i].abbr))
				break;
		if (i == ARRAY_SIZE(lvp_types))
			return errorexit(l, "Unknown PRTYPE string (choose "
					    "WE/EA/WERO/EARO/WEAR/EAAR).");
		if (lvp_types[i].type == PRTOOL_TYPE_WRITE_EXCLUSIVE_REG_ONLY ||
		    lvp_types[i].type == PRTOOL_TYPE_EXCLUSIVE_ACCESS_REG_ONLY)
			return errorexit(l, "%s is not yet supported.",
					 lvp_types[i].abbr);
		l->scsi = l->nvme = l->mpath = &lvp_types[i];
	}
	return 0;
}

static void set_group(struct lvp *l)
{
	const char *first, *last, *a, *b;

	if (l->vg) {
		snprintf(l->group, sizeof(l->group), "%s", l->vg);
		return;
	}
	first = l->devs[0].path;
	last = l->devs[l->ndevs - 1].path;
	a = strrchr(first, '/') ? strrchr(first, '/') + 1 : first;
	b = strrchr(last, '/') ? strrchr(last, '/') + 1 : last;
	if (l->ndevs == 1 || !strcmp(first, last))
		snprintf(l->group, sizeof(l->group), "%s", a);
	else
		snprintf(l->group, sizeof(l->group), "%s:%s", a, b);
}

static int require(struct lvp *l, bool have, const char *opt)
{
	return have ? 0 : errorexit(l, "Missing required option: --%s.", opt);
}

static int run(struct lvp *l)
{
	int ret;

	switch (l->cmd) {
	case LVP_START:
		if (require(l, l->have_ourkey, "ourkey"))
			return 1;
		if (l->have_remkey)
			return do_takeover(l);
		return do_start(l);
	case LVP_STOP:
		if (require(l, l->have_ourkey, "ourkey"))
			return 1;
		return do_stop(l);
	case LVP_REMOVE:
		if (require(l, l->have_ourkey, "ourkey") ||
		    require(l, l->have_remkey, "removekey"))
			return 1;
		return do_remove(l);
	case LVP_CLEAR:
		if (require(l, l->have_ourkey, "ourkey"))
			return 1;
		return do_clear(l);
	case LVP_DEVTEST:
		return do_devtest(l);
	case LVP_CHECKKEY:
		return do_checkkey(l);
	case LVP_READKEYS:
		return do_readkeys(l);
	case LVP_READRES:
		return do_readreservation(l);
	case LVP_READ:
		ret = do_readkeys(l);
		return ret ? ret : do_readreservation(l);
	}
	return 1;
}

int lvmpersist_main(int argc, char *argv[])
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct lvp l = { 0 };
	const char *slash;
	size_t i;
	int ret;

	slash = argv[0] ? strrchr(argv[0], '/') : NULL;
	l.name = slash ? slash + 1 : argv[0] ? argv[0] : "lvmpersist";
	if (argc < 2) {
		usage(l.name);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "--help")) {
		usage(l.name);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(lvp_cmds); i++)
		if (!strcmp(argv[1], lvp_cmds[i].name))
			break;
	if (i == ARRAY_SIZE(lvp_cmds))
		return errorexit(&l, "Unknown command: %s.", argv[1]);
	l.cmd = lvp_cmds[i].cmd;
	l.logging = l.cmd == LVP_START || l.cmd == LVP_STOP ||
		    l.cmd == LVP_REMOVE || l.cmd == LVP_CLEAR;
	if (getuid() && geteuid())
		return errorexit(&l, "must be run as root.");

	ret = parse_args(&l, argc - 1, argv + 1);
	if (ret < 0) {
		ret = 0;	/* --help */
		goto out;
	}
	if (ret)
		goto out;
	if (!l.ndevs && devices_from_vg(&l)) {
		ret = 1;
		goto out;
	}
	if (!l.ndevs) {
		ret = errorexit(&l, "Missing required --vg or --device.");
		goto out;
	}
	set_group(&l);
	ret = check_devices(&l);
	if (ret)
		goto out;

	/* A signal during start undoes this run's registrations. */
	lvp_signal = 0;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fflush(stdout);
	ret = run(&l);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
out:
	for (i = 0; i < l.ndevs; i++) {
		prtool_close(l.devs[i].dev);
		free(l.devs[i].path);
	}
	free(l.devs);
	return ret;
}

int cmd_lvmpersist(int argc, char *argv[])
{
	return lvmpersist_main(argc, argv);
}
