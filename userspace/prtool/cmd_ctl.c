// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: control of the dm-mpath-pr module (attach, sync, detach, set,
 * resync, path-state; list and show are in cmd_show.c).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "cli.h"
#include "cmd_ctl.h"
#include "dm.h"
#include "ipc.h"
#include "json.h"
#include "module.h"
#include "parse.h"
#include "prtool.h"
#include "status.h"

static const char attach_help[] =
	"Usage: " PROG_NAME " attach MAP [--key KEY]\n"
	"\n"
	"Hand the persistent reservations of multipath map MAP to the\n"
	"dm-mpath-pr module: it then runs every PR command on the map over\n"
	"all of its paths. The path list comes from the map's live table.\n"
	"The module is loaded if needed. On a map that is attached already\n"
	"this is the same as sync.\n"
	"\n"
	"MAP is a dm name, /dev/mapper/NAME, /dev/dm-N or dm-N.\n"
	"\n"
	"  -k, --key KEY       adopt KEY, registered on the map before attach\n"
	"  -h, --help          show this help\n";

static const char sync_help[] =
	"Usage: " PROG_NAME " sync [MAP]\n"
	"\n"
	"Send the current path list of attached multipath map MAP (from its\n"
	"live table) to dm-mpath-pr; new paths are brought to the wanted\n"
	"registration state, removed paths are forgotten. Run it after the\n"
	"table was reloaded (prtool daemon does). Without MAP, every\n"
	"attached map is synced. A map that is not attached is refused: use\n"
	"attach.\n"
	"\n"
	"  -h, --help          show this help\n";

static const char detach_help[] =
	"Usage: " PROG_NAME " detach MAP\n"
	"\n"
	"Give the persistent reservations of MAP back to device-mapper's own\n"
	"handling. Registrations and reservations on the device stay.\n"
	"\n"
	"  -h, --help          show this help\n";

static const char set_help[] =
	"Usage: " PROG_NAME " set MAP [--probe-interval MS] [--audit-interval MS]\n"
	"                  [--deadline MS] [--sgio on|off]\n"
	"\n"
	"Change the settings of attached map MAP. Times are milliseconds;\n"
	"the module checks their range and says why it refuses one.\n"
	"\n"
	"  -p, --probe-interval MS  how often failed and pending paths are\n"
	"                           probed\n"
	"  -a, --audit-interval MS  how often the registrations of all paths\n"
	"                           are verified; 0 turns the audit off\n"
	"  -d, --deadline MS        how long a caller waits for one step of a\n"
	"                           PR operation before slow paths are left\n"
	"                           pending\n"
	"  -s, --sgio on|off        on (the default): PERSISTENT RESERVE\n"
	"                           IN/OUT commands that programs send by\n"
	"                           SG_IO on the map (sg_persist) go through\n"
	"                           the module, to every path; off: to\n"
	"                           device-mapper, which sends each down one\n"
	"                           path\n"
	"  -h, --help               show this help\n";

static const char resync_help[] =
	"Usage: " PROG_NAME " resync MAP\n"
	"\n"
	"Make dm-mpath-pr probe every path of attached map MAP and verify\n"
	"the registrations now, instead of at the next probe or audit.\n"
	"\n"
	"  -h, --help          show this help\n";

static const char path_state_help[] =
	"Usage: " PROG_NAME " path-state MAP PATH failed|active\n"
	"\n"
	"Tell dm-mpath-pr that PATH of attached map MAP failed or works\n"
	"again, as multipathd found (prtool daemon relays dm's PATH_FAILED\n"
	"and PATH_REINSTATED events this way). It is a hint: the module\n"
	"verifies a path before it registers it. PATH is a kernel name\n"
	"(sdb), a device node (/dev/sdb) or MAJOR:MINOR.\n"
	"\n"
	"  -h, --help          show this help\n";

/* Advice for errors of the control commands. */
const char *ctl_hint(int err)
{
	switch (err) {
	case EPERM:
		return "the dm-mpath-pr commands need CAP_SYS_ADMIN";
	case EOPNOTSUPP:
		return "the loaded module does not know this command; do "
		       "prtool and the module have the same version?";
	case ENOENT:
		return "is the map attached?";
	default:
		return NULL;
	}
}

int ctl_failure(const char *op, const struct mpath_map *m, int err)
{
	const char *hint = ctl_hint(-err);

	prtool_err("%s %s (%u:%u): %s%s%s%s", op, m->name, m->major, m->minor,
		   strerror(-err), hint ? " (" : "", hint ? hint : "",
		   hint ? ")" : "");
	return PRTOOL_EXIT_NETLINK;
}

/* The ATTACH / SYNC request for map @m, as its live table has it. */
static void req_from_map(const struct mpath_map *m, struct mpr_attach_req *req)
{
	unsigned int i;

	memset(req, 0, sizeof(*req));
	req->major = m->major;
	req->minor = m->minor;
	req->nr_paths = m->table.nr_paths;
	for (i = 0; i < m->table.nr_paths; i++) {
		req->paths[i].major = m->table.paths[i].major;
		req->paths[i].minor = m->table.paths[i].minor;
	}
}

/* attach: read the table, send ATTACH. */
static int do_attach(const char *maparg, bool has_key, uint64_t key)
{
	struct mpr_attach_req *req;
	struct mpath_map *m;
	struct ipc *ipc;
	int ret;

	m = xcalloc(1, sizeof(*m));
	req = xcalloc(1, sizeof(*req));
	ret = cli_get_mpath_map(maparg, m);
	if (ret)
		goto out;
	if (!m->table.nr_paths) {
		prtool_err("attach %s: the map has no paths", m->name);
		ret = PRTOOL_EXIT_OS;
		goto out;
	}
	req_from_map(m, req);
	req->has_key = has_key;
	req->key = key;

	if (ipc_open(&ipc, true)) {
		ret = PRTOOL_EXIT_NETLINK;
		goto out;
	}
	ret = ipc_attach(ipc, req);
	ipc_close(ipc);
	ret = ret ? ctl_failure("attach", m, ret) : PRTOOL_EXIT_OK;
out:
	free(req);
	free(m);
	return ret;
}

int cmd_attach(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *maparg, *why;
	bool has_key = false;
	uint64_t key = 0;
	int c, ret;

	opt_reset();
	while ((c = getopt_long(argc, argv, ":k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (has_key)
				return prtool_usage_err(argv[0],
							"--key given twice");
			if (parse_key(optarg, &key, &why))
				return prtool_usage_err(argv[0],
							"invalid --key '%s': "
							"%s", optarg, why);
			if (!key)
				return prtool_usage_err(argv[0],
							"--key 0 is not a "
							"registration");
			has_key = true;
			break;
		case 'h':
			fputs(attach_help, stdout);
			return PRTOOL_EXIT_OK;
		default:
			return opt_error(argv[0], c, argv);
		}
	}
	ret = opt_one_operand(argv[0], argc, argv, "MAP", &maparg);
	if (ret)
		return ret;
	return do_attach(maparg, has_key, key);
}

int not_loaded(const char *op, const char *what)
{
	prtool_err("%s %s: module " MPR_MODULE_NAME " is not loaded, so "
		   "nothing is attached", op, what);
	return PRTOOL_EXIT_NETLINK;
}

/* Options of commands that take MAP and nothing else but --help. */
static int map_only_opts(int argc, char *argv[], const char *help,
			 const char **maparg)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	opt_reset();
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(help, stdout);
			return -1;
		}
		return opt_error(argv[0], c, argv);
	}
	return opt_one_operand(argv[0], argc, argv, "MAP", maparg);
}

int cmd_detach(int argc, char *argv[])
{
	const char *maparg;
	struct mpath_map m;
	struct ipc *ipc;
	int ret;

	ret = map_only_opts(argc, argv, detach_help, &maparg);
	if (ret)
		return ret < 0 ? PRTOOL_EXIT_OK : ret;
	/* Only the device number matters: the table may be anything now. */
	ret = cli_resolve_map(maparg, &m);
	if (ret)
		return ret;
	ret = ipc_open(&ipc, false);
	if (ret == -ENOENT)
		return not_loaded("detach", m.name);
	if (ret)
		return PRTOOL_EXIT_NETLINK;
	ret = ipc_detach(ipc, m.major, m.minor);
	ipc_close(ipc);
	return ret ? ctl_failure("detach", &m, ret) : PRTOOL_EXIT_OK;
}

/* Options of commands that take optional MAP and --help. */
static int opt_map(int argc, char *argv[], const char *help,
		   const char **maparg)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	*maparg = NULL;
	opt_reset();
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(help, stdout);
			return -1;
		}
		return opt_error(argv[0], c, argv);
	}
	if (optind + 1 < argc)
		return prtool_usage_err(argv[0], "unexpected argument '%s'",
					argv[optind + 1]);
	if (optind < argc)
		*maparg = argv[optind];
	return 0;
}

/* SYNC of map @m: its live table's paths. */
static int sync_map(struct ipc *ipc, const struct mpath_map *m)
{
	struct mpr_attach_req *req = xcalloc(1, sizeof(*req));
	int ret;

	if (!m->table.nr_paths) {
		prtool_err("sync %s: the map has no paths", m->name);
		free(req);
		return PRTOOL_EXIT_OS;
	}
	req_from_map(m, req);
	ret = ipc_sync(ipc, req);
	free(req);
	return ret ? ctl_failure("sync", m, ret) : PRTOOL_EXIT_OK;
}

/* sync without MAP: every attachment the module has. */
static int sync_all(struct ipc *ipc)
{
	struct mpr_dev_info *devs;
	struct mpath_map *m;
	int ret, worst = PRTOOL_EXIT_OK;
	char why[256];
	size_t nr, i;

	ret = ipc_dump(ipc, &devs, &nr);
	if (ret) {
		const char *hint = ctl_hint(-ret);

		prtool_err("sync: cannot list the attachments: %s%s%s%s",
			   strerror(-ret), hint ? " (" : "", hint ? hint : "",
			   hint ? ")" : "");
		return PRTOOL_EXIT_NETLINK;
	}
	m = xcalloc(1, sizeof(*m));
	for (i = 0; i < nr; i++) {
		ret = dm_mpath_lookup(devs[i].major, devs[i].minor, m, why,
				      sizeof(why));
		if (ret) {
			prtool_err("sync %s (%u:%u): %s",
				   devs[i].name[0] ? devs[i].name : "?",
				   devs[i].major, devs[i].minor, why);
			ret = PRTOOL_EXIT_OS;
		} else {
			ret = sync_map(ipc, m);
		}
		if (ret > worst)
			worst = ret;
	}
	free(m);
	free(devs);
	return worst;
}

int cmd_sync(int argc, char *argv[])
{
	const char *maparg;
	struct mpath_map *m;
	struct ipc *ipc;
	int ret;

	ret = opt_map(argc, argv, sync_help, &maparg);
	if (ret)
		return ret < 0 ? PRTOOL_EXIT_OK : ret;
	m = xcalloc(1, sizeof(*m));
	if (maparg) {
		ret = cli_get_mpath_map(maparg, m);
		if (ret)
			goto out;
	}
	ret = ipc_open(&ipc, false);
	if (ret == -ENOENT) {
		ret = maparg ? not_loaded("sync", m->name) : PRTOOL_EXIT_OK;
		if (!maparg)
			prtool_err("module " MPR_MODULE_NAME " is not loaded: "
				   "nothing to sync");
		goto out;
	}
	if (ret) {
		ret = PRTOOL_EXIT_NETLINK;
		goto out;
	}
	ret = maparg ? sync_map(ipc, m) : sync_all(ipc);
	ipc_close(ipc);
out:
	free(m);
	return ret;
}

/* resolve MAP by number, connect without loading: for set/resync/... */
static int open_for(const char *op, const char *maparg, struct mpath_map *m,
		    struct ipc **ipc)
{
	int ret;

	ret = cli_resolve_map(maparg, m);
	if (ret)
		return ret;
	ret = ipc_open(ipc, false);
	if (ret == -ENOENT)
		return not_loaded(op, m->name);
	return ret ? PRTOOL_EXIT_NETLINK : PRTOOL_EXIT_OK;
}

int cmd_resync(int argc, char *argv[])
{
	const char *maparg;
	struct mpath_map m;
	struct ipc *ipc;
	int ret;

	ret = map_only_opts(argc, argv, resync_help, &maparg);
	if (ret)
		return ret < 0 ? PRTOOL_EXIT_OK : ret;
	ret = open_for("resync", maparg, &m, &ipc);
	if (ret)
		return ret;
	ret = ipc_resync(ipc, m.major, m.minor);
	ipc_close(ipc);
	return ret ? ctl_failure("resync", &m, ret) : PRTOOL_EXIT_OK;
}

/* A number of milliseconds: decimal, 0 to 2^32 - 1. */
static int parse_ms(const char *s, uint32_t *ms)
{
	unsigned long long v;
	char *end;

	if (!s[0] || s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*ms = (uint32_t)v;
	return 0;
}

int cmd_set(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "probe-interval", required_argument, NULL, 'p' },
		{ "audit-interval", required_argument, NULL, 'a' },
		{ "deadline", required_argument, NULL, 'd' },
		{ "sgio", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct mpr_settings set = { 0 };
	const char *maparg, *name;
	struct mpath_map m;
	struct ipc *ipc;
	uint32_t *val;
	bool *has;
	int c, ret;

	opt_reset();
	while ((c = getopt_long(argc, argv, ":p:a:d:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (set.has_sgio)
				return prtool_usage_err(argv[0], "--sgio given "
							"twice");
			if (!strcmp(optarg, "on"))
				set.sgio = true;
			else if (strcmp(optarg, "off"))
				return prtool_usage_err(argv[0], "invalid "
							"--sgio '%s': on or "
							"off", optarg);
			set.has_sgio = true;
			continue;
		case 'p':
			name = "--probe-interval";
			has = &set.has_probe_interval;
			val = &set.probe_interval;
			break;
		case 'a':
			name = "--audit-interval";
			has = &set.has_audit_interval;
			val = &set.audit_interval;
			break;
		case 'd':
			name = "--deadline";
			has = &set.has_deadline;
			val = &set.deadline;
			break;
		case 'h':
			fputs(set_help, stdout);
			return PRTOOL_EXIT_OK;
		default:
			return opt_error(argv[0], c, argv);
		}
		if (*has)
			return prtool_usage_err(argv[0], "%s given twice",
						name);
		if (parse_ms(optarg, val))
			return prtool_usage_err(argv[0], "invalid %s '%s': "
						"not a number of milliseconds "
						"(0 to 4294967295)", name,
						optarg);
		*has = true;
	}
	ret = opt_one_operand(argv[0], argc, argv, "MAP", &maparg);
	if (ret)
		return ret;
	if (!set.has_probe_interval && !set.has_audit_interval &&
	    !set.has_deadline && !set.has_sgio)
		return prtool_usage_err(argv[0], "nothing to set: give "
					"--probe-interval, --audit-interval, "
					"--deadline or --sgio");
	ret = open_for("set", maparg, &m, &ipc);
	if (ret)
		return ret;
	set.major = m.major;
	set.minor = m.minor;
	ret = ipc_set(ipc, &set);
	ipc_close(ipc);
	return ret ? ctl_failure("set", &m, ret) : PRTOOL_EXIT_OK;
}

int mpr_parse_path_arg(const char *arg, unsigned int *major,
		       unsigned int *minor, char *why, size_t len)
{
	char dev[PATH_MAX];
	unsigned int ma, mi;
	struct stat st;
	char extra;

	if (sscanf(arg, "%u:%u%c", &ma, &mi, &extra) == 2) {
		*major = ma;
		*minor = mi;
		return 0;
	}
	if (!arg[0] || strchr(arg, ':')) {
		snprintf(why, len, "not a device name or MAJOR:MINOR");
		return -EINVAL;
	}
	if (arg[0] == '/')
		snprintf(dev, sizeof(dev), "%s", arg);
	else
		snprintf(dev, sizeof(dev), "/dev/%s", arg);
	if (stat(dev, &st)) {
		snprintf(why, len, "%s: %s", dev, strerror(errno));
		return -errno;
	}
	if (!S_ISBLK(st.st_mode)) {
		snprintf(why, len, "%s: not a block device", dev);
		return -ENOTBLK;
	}
	*major = major(st.st_rdev);
	*minor = minor(st.st_rdev);
	return 0;
}

int cmd_path_state(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	unsigned int pmajor, pminor;
	struct mpath_map m;
	struct ipc *ipc;
	uint32_t state;
	char why[PATH_MAX + 64];
	int c, ret;

	opt_reset();
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(path_state_help, stdout);
			return PRTOOL_EXIT_OK;
		}
		return opt_error(argv[0], c, argv);
	}
	if (argc - optind < 3)
		return prtool_usage_err(argv[0], "missing %s",
					argc - optind == 0 ? "MAP" :
					argc - optind == 1 ? "PATH" :
							     "the state "
							     "(failed or "
							     "active)");
	if (argc - optind > 3)
		return prtool_usage_err(argv[0], "unexpected argument '%s'",
					argv[optind + 3]);
	if (!strcmp(argv[optind + 2], "failed"))
		state = DM_MPATH_PR_PATH_FAILED;
	else if (!strcmp(argv[optind + 2], "active"))
		state = DM_MPATH_PR_PATH_ACTIVE;
	else
		return prtool_usage_err(argv[0], "invalid state '%s': give "
					"failed or active", argv[optind + 2]);
	if (mpr_parse_path_arg(argv[optind + 1], &pmajor, &pminor, why,
			       sizeof(why)))
		return prtool_usage_err(argv[0], "invalid PATH '%s': %s",
					argv[optind + 1], why);
	ret = open_for("path-state", argv[optind], &m, &ipc);
	if (ret)
		return ret;
	ret = ipc_path_state(ipc, m.major, m.minor, pmajor, pminor, state);
	ipc_close(ipc);
	return ret ? ctl_failure("path-state", &m, ret) : PRTOOL_EXIT_OK;
}
