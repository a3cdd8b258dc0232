// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: persistent reservations on block devices and control of the
 * dm-mpath-pr kernel module.
 *
 * One table of subcommands; each family lives in its own file
 * (cmd_pr.c: PR commands over IOC_PR_*, cmd_ctl.c: the module over
 * generic netlink).
 */
#include <stdio.h>
#include <string.h>

#include <prtool/mpath_persist_compat.h>

#include "prtool.h"

static const struct subcommand {
	const char *name;
	int (*fn)(int argc, char *argv[]);
	const char *help;
} subcommands[] = {
	{ "register", cmd_register,
	  "register a key, or change this host's key, on a device" },
	{ "register-ignore", cmd_register_ignore,
	  "register a key, replacing any existing registration" },
	{ "unregister", cmd_unregister, "remove this host's registration" },
	{ "read-keys", cmd_read_keys, "list the registered keys of a device" },
	{ "read-reservation", cmd_read_reservation,
	  "show the reservation of a device" },
	{ "reserve", cmd_reserve, "create a reservation with this host's key" },
	{ "release", cmd_release, "release this host's reservation" },
	{ "preempt", cmd_preempt,
	  "remove another key's registrations (and reservation)" },
	{ "preempt-abort", cmd_preempt_abort,
	  "preempt, and abort the preempted key's commands" },
	{ "clear", cmd_clear,
	  "remove the reservation and every registration" },
	{ "read-full-status", cmd_read_full_status,
	  "list every registration with its I_T nexus (SG_IO)" },
	{ "report-capabilities", cmd_report_capabilities,
	  "show the reservation capabilities of a device (SG_IO)" },
	{ "attach", cmd_attach,
	  "hand a multipath map's reservations to dm-mpath-pr" },
	{ "sync", cmd_sync,
	  "send an attached map's current paths to dm-mpath-pr" },
	{ "detach", cmd_detach,
	  "give a map's reservations back to device-mapper" },
	{ "list", cmd_list, "list attached maps and their paths" },
	{ "show", cmd_show,
	  "show attached maps: key, reservation, settings, paths" },
	{ "set", cmd_set, "change an attached map's probe, audit, deadline" },
	{ "resync", cmd_resync,
	  "probe the paths and verify the registrations now" },
	{ "path-state", cmd_path_state,
	  "tell dm-mpath-pr a path failed or works again" },
	{ "monitor", cmd_monitor, "print dm-mpath-pr's events as they come" },
	{ "daemon", cmd_daemon,
	  "follow dm uevents: sync, attach, path hints; log events" },
	{ "mpathpersist", cmd_mpathpersist,
	  "mpathpersist (multipath-tools 0.14.3) options, output and exit "
	  "codes" },
	{ "lvmpersist", cmd_lvmpersist,
	  "lvmpersist (LVM2) commands over a VG's PVs or a device list" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: " PROG_NAME " COMMAND [OPTIONS] [ARGS]\n"
		   "       " PROG_NAME " COMMAND --help\n"
		   "       " PROG_NAME " --help | --version\n"
		   "\n"
		   "Persistent reservations on block devices, and control of "
		   "the dm-mpath-pr\nkernel module for dm-multipath maps.\n"
		   "\n"
		   "Commands:\n");
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		fprintf(f, "  %-20s %s\n", subcommands[i].name,
			subcommands[i].help);
	fprintf(f, "\n"
		   "DEVICE is any block device: /dev/sdX, /dev/dm-N, "
		   "/dev/mapper/NAME or a\ndm map name. MAP is a multipath "
		   "map: NAME, /dev/mapper/NAME or /dev/dm-N.\n"
		   "Keys are decimal, or hex with a 0x prefix.\n"
		   "\n"
		   "Exit status:\n"
		   "  0  success\n"
		   "  1  usage error\n"
		   "  2  device or system error (open, ioctl errno, "
		   "device-mapper)\n"
		   "  3  reservation conflict\n"
		   "  4  other persistent reservation failure (path, "
		   "transport, I/O)\n"
		   "  5  kernel module or netlink error\n");
}

static const struct subcommand *find_subcommand(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (!strcmp(subcommands[i].name, name))
			return &subcommands[i];
	return NULL;
}

/* The name prtool runs under, without the directory. */
static const char *invoked_as(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

	return slash ? slash + 1 : argv0 ? argv0 : "";
}

int prtool_exit(const char *argv0, int ret)
{
	if (!fflush(stdout) && !ferror(stdout))
		return ret;
	perror(PROG_NAME ": write error");
	if (ret)
		return ret;
	/* each front end's own code for "something else went wrong" */
	if (!strcmp(invoked_as(argv0), "mpathpersist"))
		return MPATH_PR_OTHER;
	if (!strcmp(invoked_as(argv0), "lvmpersist"))
		return 1;
	return PRTOOL_EXIT_OS;
}

int prtool_main(int argc, char *argv[])
{
	const struct subcommand *sc;

	/* A drop-in front end when installed under its name. */
	if (!strcmp(invoked_as(argv[0]), "mpathpersist"))
		return mpathpersist_main(argc, argv);
	if (!strcmp(invoked_as(argv[0]), "lvmpersist"))
		return lvmpersist_main(argc, argv);

	if (argc < 2) {
		usage(stderr);
		return PRTOOL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return PRTOOL_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf(PROG_NAME " " PRTOOL_VERSION "\n");
		return PRTOOL_EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		char *sub_argv[] = { argv[2], "--help", NULL };

		if (argc < 3) {
			usage(stdout);
			return PRTOOL_EXIT_OK;
		}
		if (argc > 3)
			return prtool_usage_err(NULL, "help: unexpected "
						"argument '%s'", argv[3]);
		sc = find_subcommand(argv[2]);
		if (!sc)
			return prtool_usage_err(NULL, "unknown command '%s'",
						argv[2]);
		return sc->fn(2, sub_argv);
	}
	if (argv[1][0] == '-')
		return prtool_usage_err(NULL, "unknown option '%s'", argv[1]);

	sc = find_subcommand(argv[1]);
	if (!sc)
		return prtool_usage_err(NULL, "unknown command '%s'", argv[1]);
	fflush(stdout);
	return sc->fn(argc - 1, argv + 1);
}
