// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: list and show, the attachments of the dm-mpath-pr module as text
 * or JSON.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_ctl.h"
#include "dm.h"
#include "ipc.h"
#include "json.h"
#include "module.h"
#include "parse.h"
#include "prtool.h"
#include "status.h"

static const char list_help[] =
	"Usage: " PROG_NAME " list [--json]\n"
	"\n"
	"List the attached maps with their paths: state, registration, last\n"
	"error.\n"
	"\n"
	"  -j, --json          JSON output\n"
	"  -h, --help          show this help\n";

static const char show_help[] =
	"Usage: " PROG_NAME " show [MAP] [--json]\n"
	"\n"
	"Show attached map MAP, or every attached map: key, whether this\n"
	"host was preempted, the reservation and the path holding it, the\n"
	"map's settings, and per path its state, registration, last error\n"
	"and counters.\n"
	"\n"
	"  -j, --json          JSON output\n"
	"  -h, --help          show this help\n";

/* Name of the path with this device number, for the holder. */
static const struct mpr_path_info *find_path(const struct mpr_dev_info *d,
					     uint32_t major, uint32_t minor)
{
	unsigned int i;

	for (i = 0; i < d->nr_paths; i++)
		if (d->paths[i].major == major && d->paths[i].minor == minor)
			return &d->paths[i];
	return NULL;
}

static void print_dev_text(const struct mpr_dev_info *d)
{
	const struct mpr_path_info *holder = NULL;
	const struct pr_type_desc *t;
	char mapname[128], err[96];
	unsigned int i;

	if (dm_name_of(d->major, d->minor, mapname, sizeof(mapname)))
		snprintf(mapname, sizeof(mapname), "%s",
			 d->name[0] ? d->name : "?");
	printf("%s (%s, %" PRIu32 ":%" PRIu32 "):", mapname,
	       d->name[0] ? d->name : "?", d->major, d->minor);
	if (d->key)
		printf(" key 0x%" PRIx64 "%s,", d->key,
		       d->aptpl ? " (aptpl)" : "");
	else
		printf(" no key,");
	if (d->res_type) {
		t = pr_type_by_value(d->res_type);
		if (t)
			printf(" reservation %s", t->name);
		else
			printf(" reservation of unknown type %" PRIu32,
			       d->res_type);
		if (d->has_holder)
			holder = find_path(d, d->holder_major, d->holder_minor);
		if (holder && holder->name[0])
			printf(" held via %s,", holder->name);
		else if (d->has_holder)
			printf(" held via %" PRIu32 ":%" PRIu32 ",",
			       d->holder_major, d->holder_minor);
		else
			printf(" (holder path unknown),");
	} else {
		printf(" no reservation,");
	}
	printf(" %" PRIu64 " operation%s\n", d->ops, d->ops == 1 ? "" : "s");
	if (d->preempted)
		printf("  PREEMPTED: this host's key is gone from the device "
		       "(fenced); paths are not registered until it registers "
		       "again\n");
	if (d->has_probe_interval || d->has_audit_interval ||
	    d->has_deadline || d->has_sgio) {
		const char *sep = "";

		printf("  settings:");
		if (d->has_probe_interval) {
			printf(" probe interval %" PRIu32 " ms",
			       d->probe_interval);
			sep = ",";
		}
		if (d->has_audit_interval) {
			if (d->audit_interval)
				printf("%s audit interval %" PRIu32 " ms", sep,
				       d->audit_interval);
			else
				printf("%s audit off", sep);
			sep = ",";
		}
		if (d->has_deadline) {
			printf("%s deadline %" PRIu32 " ms", sep, d->deadline);
			sep = ",";
		}
		if (d->has_sgio)
			printf("%s sgio %s", sep, d->sgio ? "on" : "off");
		printf("\n");
	}

	for (i = 0; i < d->nr_paths; i++) {
		const struct mpr_path_info *p = &d->paths[i];

		printf("  %-8s %" PRIu32 ":%" PRIu32 " %s, %s, last error: %s, "
		       "%" PRIu64 " commands, %" PRIu64 " errors\n",
		       p->name[0] ? p->name : "?", p->major, p->minor,
		       mpr_path_state_name(p->state),
		       mpr_reg_state_name(p->reg),
		       p->last_error ? pr_status_str(p->last_error, err,
						     sizeof(err))
				     : "none",
		       p->cmds, p->errors);
	}
	if (d->truncated)
		printf("  (more than %d paths; the rest is not shown)\n",
		       DM_MPATH_PR_MAX_PATHS);
}

static void json_devt(struct json *j, const char *name, uint32_t major,
		      uint32_t minor)
{
	json_object_begin(j);
	json_kv_string(j, "name", name && name[0] ? name : NULL);
	json_kv_u64(j, "major", major);
	json_kv_u64(j, "minor", minor);
	json_object_end(j);
}

static void print_dev_json(struct json *j, const struct mpr_dev_info *d)
{
	const struct mpr_path_info *holder;
	const struct pr_type_desc *t;
	char mapname[128], err[96];
	unsigned int i;

	json_object_begin(j);
	json_kv_string(j, "device", d->name[0] ? d->name : NULL);
	json_kv_string(j, "map",
		       dm_name_of(d->major, d->minor, mapname, sizeof(mapname))
			       ? NULL
			       : mapname);
	json_kv_u64(j, "major", d->major);
	json_kv_u64(j, "minor", d->minor);
	json_key(j, "key");
	if (d->key) {
		char buf[24];

		snprintf(buf, sizeof(buf), "0x%" PRIx64, d->key);
		json_string(j, buf);
	} else {
		json_null(j);
	}
	json_kv_bool(j, "aptpl", d->aptpl);
	json_kv_bool(j, "preempted", d->preempted);
	json_key(j, "reservation");
	if (d->res_type) {
		t = pr_type_by_value(d->res_type);
		json_object_begin(j);
		json_kv_string(j, "type", t ? t->name : "unknown");
		json_kv_u64(j, "type_value", d->res_type);
		json_key(j, "holder");
		if (d->has_holder) {
			holder = find_path(d, d->holder_major, d->holder_minor);
			json_devt(j, holder ? holder->name : NULL,
				  d->holder_major, d->holder_minor);
		} else {
			json_null(j);
		}
		json_object_end(j);
	} else {
		json_null(j);
	}
	json_kv_u64(j, "operations", d->ops);
	json_key(j, "settings");
	json_object_begin(j);
	json_key(j, "probe_interval_ms");
	if (d->has_probe_interval)
		json_u64(j, d->probe_interval);
	else
		json_null(j);
	json_key(j, "audit_interval_ms");
	if (d->has_audit_interval)
		json_u64(j, d->audit_interval);
	else
		json_null(j);
	json_key(j, "deadline_ms");
	if (d->has_deadline)
		json_u64(j, d->deadline);
	else
		json_null(j);
	json_key(j, "sgio");
	if (d->has_sgio)
		json_bool(j, d->sgio);
	else
		json_null(j);
	json_object_end(j);
	json_key(j, "paths");
	json_array_begin(j);
	for (i = 0; i < d->nr_paths; i++) {
		const struct mpr_path_info *p = &d->paths[i];

		json_object_begin(j);
		json_kv_string(j, "name", p->name[0] ? p->name : NULL);
		json_kv_u64(j, "major", p->major);
		json_kv_u64(j, "minor", p->minor);
		json_kv_string(j, "state", mpr_path_state_name(p->state));
		json_kv_string(j, "registration", mpr_reg_state_name(p->reg));
		json_key(j, "last_error");
		if (p->last_error) {
			json_object_begin(j);
			json_kv_s64(j, "code", p->last_error);
			json_kv_string(j, "name",
				       pr_status_str(p->last_error, err,
						     sizeof(err)));
			json_object_end(j);
		} else {
			json_null(j);
		}
		json_kv_u64(j, "commands", p->cmds);
		json_kv_u64(j, "errors", p->errors);
		json_object_end(j);
	}
	json_array_end(j);
	json_kv_bool(j, "truncated", d->truncated);
	json_object_end(j);
}

static int cmp_dev(const void *a, const void *b)
{
	const struct mpr_dev_info *x = a, *y = b;

	if (x->major != y->major)
		return x->major < y->major ? -1 : 1;
	if (x->minor != y->minor)
		return x->minor < y->minor ? -1 : 1;
	return 0;
}

/* Every attachment, sorted, as text or {"attachments": [...]}. */
static int show_all(const char *op, bool json)
{
	struct mpr_dev_info *devs = NULL;
	struct ipc *ipc;
	struct json j;
	size_t nr = 0, i;
	int ret;

	ret = ipc_open(&ipc, false);
	if (ret == -ENOENT) {
		/* Nothing can be attached: an empty list is the truth. */
		prtool_err("module " MPR_MODULE_NAME " is not loaded");
	} else if (ret) {
		return PRTOOL_EXIT_NETLINK;
	} else {
		ret = ipc_dump(ipc, &devs, &nr);
		ipc_close(ipc);
		if (ret) {
			const char *hint = ctl_hint(-ret);

			prtool_err("%s: %s%s%s%s", op, strerror(-ret),
				   hint ? " (" : "", hint ? hint : "",
				   hint ? ")" : "");
			return PRTOOL_EXIT_NETLINK;
		}
	}
	if (nr > 1)
		qsort(devs, nr, sizeof(*devs), cmp_dev);

	if (json) {
		json_init(&j, stdout);
		json_object_begin(&j);
		json_key(&j, "attachments");
		json_array_begin(&j);
		for (i = 0; i < nr; i++)
			print_dev_json(&j, &devs[i]);
		json_array_end(&j);
		json_object_end(&j);
		json_finish(&j);
	} else {
		for (i = 0; i < nr; i++)
			print_dev_text(&devs[i]);
	}
	free(devs);
	return PRTOOL_EXIT_OK;
}

int cmd_list(int argc, char *argv[])
{
	bool json;
	int ret;

	ret = opt_json(argc, argv, list_help, &json);
	if (ret)
		return ret < 0 ? PRTOOL_EXIT_OK : ret;
	ret = opt_no_operand(argv[0], argc, argv);
	if (ret)
		return ret;
	return show_all("list", json);
}

int cmd_show(int argc, char *argv[])
{
	struct mpr_dev_info *dev;
	const char *maparg;
	struct mpath_map m;
	struct ipc *ipc;
	struct json j;
	bool json;
	int ret;

	ret = opt_json(argc, argv, show_help, &json);
	if (ret)
		return ret < 0 ? PRTOOL_EXIT_OK : ret;
	if (optind >= argc)
		return show_all("show", json);
	ret = opt_one_operand(argv[0], argc, argv, "MAP", &maparg);
	if (ret)
		return ret;
	ret = cli_resolve_map(maparg, &m);
	if (ret)
		return ret;
	ret = ipc_open(&ipc, false);
	if (ret == -ENOENT)
		return not_loaded("show", m.name);
	if (ret)
		return PRTOOL_EXIT_NETLINK;
	dev = xcalloc(1, sizeof(*dev));
	ret = ipc_get(ipc, m.major, m.minor, dev);
	ipc_close(ipc);
	if (ret) {
		free(dev);
		return ctl_failure("show", &m, ret);
	}
	if (json) {
		json_init(&j, stdout);
		print_dev_json(&j, dev);
		json_finish(&j);
	} else {
		print_dev_text(dev);
	}
	free(dev);
	return PRTOOL_EXIT_OK;
}
