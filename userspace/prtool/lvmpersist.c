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
#include "lvmpersist.h"
#include "prtool.h"
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
const struct lvp_type lvp_types[6] = {
	{ "WE", PRTOOL_TYPE_WRITE_EXCLUSIVE, 0x0200 },
	{ "EA", PRTOOL_TYPE_EXCLUSIVE_ACCESS, 0x0800 },
	{ "WERO", PRTOOL_TYPE_WRITE_EXCLUSIVE_REG_ONLY, 0x2000 },
	{ "EARO", PRTOOL_TYPE_EXCLUSIVE_ACCESS_REG_ONLY, 0x4000 },
	{ "WEAR", PRTOOL_TYPE_WRITE_EXCLUSIVE_ALL_REGS, 0x8000 },
	{ "EAAR", PRTOOL_TYPE_EXCLUSIVE_ACCESS_ALL_REGS, 0x0001 },
};

volatile sig_atomic_t lvp_signal;

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

void lvp_logmsg(const struct lvp *l, const char *fmt, ...)
    {
	    va_list ap;

	va_start(ap, fmt);
	lvp_vlog(l, l->logging, fmt, ap);
	va_end(ap);
}

void lvp_logerror(const struct lvp *l, const char *fmt, ...)
    {
	    va_list ap;

	va_start(ap, fmt);
	lvp_vlog(l, true, fmt, ap);
	va_end(ap);
}

int lvp_errorexit(const struct lvp *l, const char *fmt, ...)
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
				return lvp_errorexit(l, "Invalid decimal digits "
						     "in key: %s (use 0x prefix for "
						     "hex key)", arg);
			if (v > (UINT64_MAX - d) / 10)
				return lvp_errorexit(l, "Key is out of range: %s",
						     arg);
			v = v * 10 + d;
		}
		if (!*arg)
			return lvp_errorexit(l, "Invalid decimal digits in key: "
					     "%s (use 0x prefix for hex key)", arg);
		snprintf(out, len, "0x%" PRIx64, v);
		printf("Using %s: %s\n", which, out);
	} else {
		for (p = arg + 2; *p; p++)
			if (!isxdigit((unsigned char)*p))
				break;
		if (*p || !arg[2])
			return lvp_errorexit(l, "Invalid hex digits in key: %s",
					     arg);
		if (strlen(arg) > 18)
			return lvp_errorexit(l, "Key is out of range: %s", arg);
		v = strtoull(arg + 2, NULL, 16);
		snprintf(out, len, "%s", arg);
		for (q = out; *q; q++)
			*q = (char)tolower((unsigned char)*q);
	}
	*key = v;
	return 0;
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
			lvp_logmsg(l, "%s is not attached to dm_mpath_pr: "
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
			return lvp_errorexit(l, "not a block device: %s.",
					     d->path);
	}
	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		if (d->bi.kind == BLKDEV_DM) {
			lvp_logmsg(l, "device %s dm uuid does not appear to be "
				      "multipath (%s)", d->path, d->bi.dm_uuid);
			err = 1;
		} else if (d->bi.kind == BLKDEV_OTHER) {
			lvp_logmsg(l, "device type not supported for %s.",
				   d->path);
			err = 1;
		}
	}
	if (err)
		return lvp_errorexit(l, "unsupported or invalid device(s).");
	hint_unattached(l);
	for (i = 0; i < l->ndevs; i++) {
		struct lvp_dev *d = &l->devs[i];

		if (d->bi.kind == BLKDEV_NVME)
			continue;
		ret = lvp_dev_open(d);
		if (!ret)
			ret = prtool_test_unit_ready(d->dev);
		if (ret)
			lvp_logmsg(l, "test unit ready error from %s: %s",
				   d->path, lvp_why(d, ret, buf, sizeof(buf)));
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
		lvp_logerror(l, "failed to get devices from VG %s: %s.", l->vg,
			     whybuf);
		return 1;
	}
	for (i = 0; i < pvs.n && !ret; i++)
		ret = add_device(l, pvs.devs[i]);
	l->missing = pvs.missing;
	if (pvs.missing)
		lvp_logmsg(l, "%zu missing device(s) in VG %s.", pvs.missing,
			   l->vg);
	lvm_vg_pvs_free(&pvs);
	return ret ? lvp_errorexit(l, "out of memory") : 0;
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
				return lvp_errorexit(l, "out of memory");
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
			return lvp_errorexit(l, "invalid option.");
		}
	}
	if (optind < argc)
		return lvp_errorexit(l, "Unexpected argument \"%s\".",
				     argv[optind]);

	if (!l->ndevs && !l->vg)
		return lvp_errorexit(l, "Missing required option: --vg or "
					"--device.");
	if (prtype && access)
		return lvp_errorexit(l, "Set --prtype or --access, not both.");
	if (l->cmd == LVP_CHECKKEY && !key)
		return lvp_errorexit(l, "Missing required option: --key.");
	if (l->cmd != LVP_CHECKKEY && key)
		return lvp_errorexit(l, "Invalid option: --key.");
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
		return lvp_errorexit(l, "Leading 0s are not permitted in keys.");

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
			return lvp_errorexit(l, "Invalid access mode (use ex or "
						"sh).");
		}
	} else {
		for (i = 0; i < ARRAY_SIZE(lvp_types); i++)
			if (!strcmp(prtype, lvp_types[i].abbr))
				break;
		if (i == ARRAY_SIZE(lvp_types))
			return lvp_errorexit(l, "Unknown PRTYPE string (choose "
						"WE/EA/WERO/EARO/WEAR/EAAR).");
		if (lvp_types[i].type == PRTOOL_TYPE_WRITE_EXCLUSIVE_REG_ONLY ||
		    lvp_types[i].type == PRTOOL_TYPE_EXCLUSIVE_ACCESS_REG_ONLY)
			return lvp_errorexit(l, "%s is not yet supported.",
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
	return have ? 0 : lvp_errorexit(l, "Missing required option: --%s.", opt);
}

static int run(struct lvp *l)
{
	int ret;

	switch (l->cmd) {
	case LVP_START:
		if (require(l, l->have_ourkey, "ourkey"))
			return 1;
		if (l->have_remkey)
			return lvp_takeover(l);
		return lvp_start(l);
	case LVP_STOP:
		if (require(l, l->have_ourkey, "ourkey"))
			return 1;
		return lvp_stop(l);
	case LVP_REMOVE:
		if (require(l, l->have_ourkey, "ourkey") ||
		    require(l, l->have_remkey, "removekey"))
			return 1;
		return lvp_remove(l);
	case LVP_CLEAR:
		if (require(l, l->have_ourkey, "ourkey"))
			return 1;
		return lvp_clear(l);
	case LVP_DEVTEST:
		return lvp_devtest(l);
	case LVP_CHECKKEY:
		return lvp_checkkey(l);
	case LVP_READKEYS:
		return lvp_readkeys(l);
	case LVP_READRES:
		return lvp_readreservation(l);
	case LVP_READ:
		ret = lvp_readkeys(l);
		return ret ? ret : lvp_readreservation(l);
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
		return lvp_errorexit(&l, "Unknown command: %s.", argv[1]);
	l.cmd = lvp_cmds[i].cmd;
	l.logging = l.cmd == LVP_START || l.cmd == LVP_STOP ||
		    l.cmd == LVP_REMOVE || l.cmd == LVP_CLEAR;
	if (getuid() && geteuid())
		return lvp_errorexit(&l, "must be run as root.");

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
		ret = lvp_errorexit(&l, "Missing required --vg or --device.");
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
