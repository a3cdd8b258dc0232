// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: PR subcommands on a block device (register, register-ignore,
 * unregister, reserve, release, preempt, preempt-abort, clear, read-keys,
 * read-reservation); read-full-status and report-capabilities are in
 * cmd_prin.c.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <prtool/prtool.h>

#include "cli.h"
#include "dm.h"
#include "json.h"
#include "libprtool_int.h"
#include "parse.h"
#include "pr.h"
#include "pr_compat.h"
#include "prtool.h"
#include "status.h"

enum reg_mode {
	REG_REGISTER,
	REG_IGNORE,
	REG_UNREGISTER,
};

static const char register_help[] =
	"Usage: " PROG_NAME " register DEVICE --key NEW [--old-key OLD] "
	"[--aptpl] [--ignore]\n"
	"\n"
	"Register this host's key NEW on DEVICE (every path of a multipath\n"
	"device), or change the registered key OLD to NEW (REGISTER).\n"
	"\n"
	"  -k, --key NEW       key to register\n"
	"  -o, --old-key OLD   key registered now (default: none)\n"
	"  -i, --ignore        REGISTER AND IGNORE EXISTING KEY: replace any\n"
	"                      existing registration (no --old-key)\n"
	"  -a, --aptpl         persist through power loss; the kernel's SCSI and\n"
	"                      NVMe drivers always request it, so this only\n"
	"                      states it\n"
	"  -h, --help          show this help\n"
	"\n"
	"Keys are decimal or hex with a 0x prefix, 0 to 2^64-1.\n";

static const char register_ignore_help[] =
	"Usage: " PROG_NAME " register-ignore DEVICE --key NEW [--aptpl]\n"
	"\n"
	"Register key NEW on DEVICE, replacing any existing registration\n"
	"(REGISTER AND IGNORE EXISTING KEY). NEW 0 removes the registration\n"
	"whatever its key.\n"
	"\n"
	"  -k, --key NEW       key to register\n"
	"  -a, --aptpl         persist through power loss (always requested by\n"
	"                      the kernel's SCSI and NVMe drivers)\n"
	"  -h, --help          show this help\n";

static const char unregister_help[] =
	"Usage: " PROG_NAME " unregister DEVICE --key OLD\n"
	"\n"
	"Remove this host's registration with key OLD from DEVICE (REGISTER\n"
	"from OLD to 0).\n"
	"\n"
	"  -k, --key OLD       the registered key\n"
	"  -h, --help          show this help\n";

static const char read_keys_help[] =
	"Usage: " PROG_NAME " read-keys DEVICE [--json]\n"
	"\n"
	"List the keys registered on DEVICE, one per registration (a host\n"
	"with four paths shows its key four times).\n"
	"\n"
	"  -j, --json          JSON output (keys as \"0x...\" strings)\n"
	"  -h, --help          show this help\n";

static const char read_reservation_help[] =
	"Usage: " PROG_NAME " read-reservation DEVICE [--json]\n"
	"\n"
	"Show the reservation on DEVICE: holder key and type.\n"
	"\n"
	"  -j, --json          JSON output\n"
	"  -h, --help          show this help\n";

/* Parse the value of option @opt into *key; usage error on failure. */
static int opt_key(const char *cmd, const char *opt, const char *s,
		   uint64_t *key, bool *seen)
{
	const char *why;

	if (*seen)
		return prtool_usage_err(cmd, "%s given twice", opt);
	*seen = true;
	if (parse_key(s, key, &why))
		return prtool_usage_err(cmd, "invalid %s '%s': %s", opt, s,
					why);
	return 0;
}

static int do_register(int argc, char *argv[], enum reg_mode mode)
{
	static const struct option register_opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "old-key", required_argument, NULL, 'o' },
		{ "ignore", no_argument, NULL, 'i' },
		{ "aptpl", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static const struct option ignore_opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "aptpl", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static const struct option unregister_opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const struct option *opts;
	const char *cmd = argv[0], *help, *optstring, *devarg;
	bool have_key = false, have_old = false, ignore = false;
	uint64_t key = 0, old_key = 0, new_key;
	struct pr_dev dev;
	int c, ret;

	switch (mode) {
	case REG_REGISTER:
		help = register_help;
		opts = register_opts;
		optstring = ":k:o:iah";
		break;
	case REG_IGNORE:
		help = register_ignore_help;
		opts = ignore_opts;
		optstring = ":k:ah";
		ignore = true;
		break;
	default:
		help = unregister_help;
		opts = unregister_opts;
		optstring = ":k:h";
		break;
	}

	opt_reset();
	while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			ret = opt_key(cmd, "--key", optarg, &key, &have_key);
			if (ret)
				return ret;
			break;
		case 'o':
			ret = opt_key(cmd, "--old-key", optarg, &old_key,
				      &have_old);
			if (ret)
				return ret;
			break;
		case 'i':
			ignore = true;
			break;
		case 'a':
			/* sd and nvme set APTPL on every registration. */
			break;
		case 'h':
			fputs(help, stdout);
			return PRTOOL_EXIT_OK;
		default:
			return opt_error(cmd, c, argv);
		}
	}
	ret = opt_one_operand(cmd, argc, argv, "DEVICE", &devarg);
	if (ret)
		return ret;
	if (!have_key)
		return prtool_usage_err(cmd, "missing --key");
	if (ignore && have_old)
		return prtool_usage_err(cmd, "--old-key cannot be combined "
					"with --ignore: REGISTER AND IGNORE "
					"EXISTING KEY does not check it");

	if (mode == REG_UNREGISTER) {
		if (!key)
			return prtool_usage_err(cmd, "--key 0 is not a "
						"registration; give the "
						"registered key");
		old_key = key;
		new_key = 0;
	} else {
		new_key = key;
		if (!new_key && !ignore && !have_old)
			return prtool_usage_err(cmd, "--key 0 registers "
						"nothing; to remove a "
						"registration use '" PROG_NAME
						" unregister'");
	}

	ret = cli_dev_open(&dev, devarg);
	if (ret)
		return ret;
	ret = pr_register(&dev, old_key, new_key,
			  ignore ? PR_FL_IGNORE_KEY : 0);
	if (ret)
		ret = cli_pr_failure(&dev, cmd, ret);
	pr_dev_close(&dev);
	return ret;
}

int cmd_register(int argc, char *argv[])
{
	return do_register(argc, argv, REG_REGISTER);
}

int cmd_register_ignore(int argc, char *argv[])
{
	return do_register(argc, argv, REG_IGNORE);
}

int cmd_unregister(int argc, char *argv[])
{
	return do_register(argc, argv, REG_UNREGISTER);
}

/* Options of the read subcommands: --json and --help, then DEVICE. */
static int read_opts(int argc, char *argv[], const char *help, bool *json,
		     const char **devarg)
{
	int r = opt_json(argc, argv, help, json);

	return r ? r : opt_one_operand(argv[0], argc, argv, "DEVICE", devarg);
}

bool read_cmd_start(int argc, char *argv[], const char *help, bool *json,
		    struct pr_dev *dev, int *ret)
{
	const char *devarg;
	int r;

	r = read_opts(argc, argv, help, json, &devarg);
	if (r) {
		*ret = r < 0 ? PRTOOL_EXIT_OK : r;
		return false;
	}
	*ret = cli_dev_open(dev, devarg);
	return !*ret;
}

static const char *source_name(enum pr_source src)
{
	return src == PR_SRC_IOCTL ? "ioctl" : "sg_io";
}

int cmd_read_keys(int argc, char *argv[])
{
	struct pr_dev dev;
	struct pr_keys k;
	struct json j;
	bool json;
	uint32_t i;
	int ret;

	if (!read_cmd_start(argc, argv, read_keys_help, &json, &dev, &ret))
		return ret;
	ret = pr_read_keys(&dev, &k);
	if (ret) {
		ret = cli_pr_failure(&dev, argv[0], ret);
		pr_dev_close(&dev);
		return ret;
	}

	if (json) {
		json_init(&j, stdout);
		json_object_begin(&j);
		json_kv_string(&j, "device", dev.path);
		json_kv_u64(&j, "generation", k.generation);
		json_key(&j, "keys");
		json_array_begin(&j);
		for (i = 0; i < k.num_keys; i++) {
			char buf[24];

			snprintf(buf, sizeof(buf), "0x%" PRIx64, k.keys[i]);
			json_string(&j, buf);
		}
		json_array_end(&j);
		json_kv_string(&j, "source", source_name(k.source));
		json_object_end(&j);
		json_finish(&j);
	} else if (!k.num_keys) {
		printf("%s: generation 0x%" PRIx32 ", no registered keys\n",
		       dev.path, k.generation);
	} else {
		printf("%s: generation 0x%" PRIx32 ", %" PRIu32
		       " registered key%s\n",
		       dev.path, k.generation, k.num_keys,
		       k.num_keys == 1 ? "" : "s");
		for (i = 0; i < k.num_keys; i++)
			printf("  0x%" PRIx64 "\n", k.keys[i]);
	}
	free(k.keys);
	pr_dev_close(&dev);
	return PRTOOL_EXIT_OK;
}

int cmd_read_reservation(int argc, char *argv[])
{
	const struct pr_type_desc *t;
	struct pr_dev dev;
	struct pr_resv r;
	char tname[48];
	struct json j;
	bool json;
	int ret;

	if (!read_cmd_start(argc, argv, read_reservation_help, &json, &dev, &ret))
		return ret;
	ret = pr_read_reservation(&dev, &r);
	if (ret) {
		ret = cli_pr_failure(&dev, argv[0], ret);
		pr_dev_close(&dev);
		return ret;
	}

	if (r.source == PR_SRC_SG_IO && r.held)
		r.type = pr_type_from_scsi(r.scsi_type);
	t = pr_type_by_value(r.type);
	if (t)
		snprintf(tname, sizeof(tname), "%s", t->name);
	else if (r.source == PR_SRC_SG_IO)
		snprintf(tname, sizeof(tname), "unknown (SCSI type 0x%x)",
			 r.scsi_type);
	else
		snprintf(tname, sizeof(tname), "unknown (type %u)", r.type);

	if (json) {
		json_init(&j, stdout);
		json_object_begin(&j);
		json_kv_string(&j, "device", dev.path);
		json_kv_u64(&j, "generation", r.generation);
		json_key(&j, "reservation");
		if (r.held) {
			json_object_begin(&j);
			json_kv_hex64(&j, "key", r.key);
			json_kv_string(&j, "type", t ? t->name : "unknown");
			json_kv_u64(&j, "type_value", r.type);
			json_kv_string(&j, "description",
				       t ? t->help : tname);
			json_object_end(&j);
		} else {
			json_null(&j);
		}
		json_kv_string(&j, "source", source_name(r.source));
		json_object_end(&j);
		json_finish(&j);
	} else if (!r.held) {
		printf("%s: generation 0x%" PRIx32 ", no reservation\n",
		       dev.path, r.generation);
	} else {
		printf("%s: generation 0x%" PRIx32 ", reservation held by key "
		       "0x%" PRIx64 ", type %s%s%s%s\n",
		       dev.path, r.generation, r.key, tname, t ? " (" : "",
		       t ? t->help : "", t ? ")" : "");
	}
	pr_dev_close(&dev);
	return PRTOOL_EXIT_OK;
}

/* ---- reserve, release, preempt, preempt-abort, clear -------------------- */

#define TYPE_HELP \
	"TYPE is a name, a short name, or a number with its numbering: pr:N\n" \
	"the kernel's enum pr_type (linux/pr.h), scsi:N the SPC-4 type code\n" \
	"the device sees (as mpathpersist -T and sg_persist take it):\n" \
	"  write-exclusive            we            pr:1  scsi:1\n" \
	"  exclusive-access           ea            pr:2  scsi:3\n" \
	"  write-exclusive-reg-only   we-ro, wero   pr:3  scsi:5\n" \
	"  exclusive-access-reg-only  ea-ro, earo   pr:4  scsi:6\n" \
	"  write-exclusive-all-regs   we-ar, wear   pr:5  scsi:7\n" \
	"  exclusive-access-all-regs  ea-ar, eaar   pr:6  scsi:8\n" \
	"A bare number is refused: 5 is pr:5 to the kernel and scsi:5 to the\n" \
	"device.\n" \
	"Keys are decimal or hex with a 0x prefix, 0 to 2^64-1.\n"

static const char reserve_help[] =
	"Usage: " PROG_NAME " reserve DEVICE --key KEY --type TYPE\n"
	"\n"
	"Create a reservation of type TYPE on DEVICE, held by this host's\n"
	"registered key KEY (RESERVE). Reserving again with the same key and\n"
	"type succeeds; another key or type gets a reservation conflict.\n"
	"\n"
	"  -k, --key KEY       this host's registered key\n"
	"  -t, --type TYPE     reservation type\n"
	"  -h, --help          show this help\n"
	"\n" TYPE_HELP;

static const char release_help[] =
	"Usage: " PROG_NAME " release DEVICE --key KEY --type TYPE\n"
	"\n"
	"Release the reservation that this host's key KEY holds on DEVICE\n"
	"(RELEASE). TYPE must be the type of the reservation. Releasing when\n"
	"KEY holds no reservation does nothing and succeeds.\n"
	"\n"
	"  -k, --key KEY       this host's registered key\n"
	"  -t, --type TYPE     type of the reservation held\n"
	"  -h, --help          show this help\n"
	"\n" TYPE_HELP;

static const char preempt_help[] =
	"Usage: " PROG_NAME " preempt DEVICE --key KEY --preempt-key VICTIM "
	"--type TYPE\n"
	"\n"
	"Remove the registrations of key VICTIM from DEVICE, with this host's\n"
	"registered key KEY (PREEMPT). If VICTIM holds the reservation, KEY\n"
	"takes it over with type TYPE.\n"
	"\n"
	"  -k, --key KEY               this host's registered key\n"
	"  -p, --preempt-key VICTIM    the key to remove\n"
	"  -t, --type TYPE             type of the reservation to create\n"
	"  -h, --help                  show this help\n"
	"\n" TYPE_HELP;

static const char preempt_abort_help[] =
	"Usage: " PROG_NAME " preempt-abort DEVICE --key KEY --preempt-key "
	"VICTIM --type TYPE\n"
	"\n"
	"As preempt, and the device also aborts the commands that VICTIM's\n"
	"I_T nexuses have outstanding (PREEMPT AND ABORT).\n"
	"\n"
	"  -k, --key KEY               this host's registered key\n"
	"  -p, --preempt-key VICTIM    the key to remove\n"
	"  -t, --type TYPE             type of the reservation to create\n"
	"  -h, --help                  show this help\n"
	"\n" TYPE_HELP;

static const char clear_help[] =
	"Usage: " PROG_NAME " clear DEVICE --key KEY\n"
	"\n"
	"Remove the reservation and every registration, of every host, from\n"
	"DEVICE (CLEAR). KEY must be registered by this host.\n"
	"\n"
	"  -k, --key KEY       this host's registered key\n"
	"  -h, --help          show this help\n"
	"\n"
	"Keys are decimal or hex with a 0x prefix, 0 to 2^64-1.\n";

enum resv_op {
	OP_RESERVE,
	OP_RELEASE,
	OP_PREEMPT,
	OP_PREEMPT_ABORT,
	OP_CLEAR,
};

static int do_resv(int argc, char *argv[], enum resv_op op)
{
	static const struct option key_type_opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "type", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static const struct option preempt_opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "preempt-key", required_argument, NULL, 'p' },
		{ "type", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static const struct option clear_opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static const char *const helps[] = {
		[OP_RESERVE] = reserve_help,
		[OP_RELEASE] = release_help,
		[OP_PREEMPT] = preempt_help,
		[OP_PREEMPT_ABORT] = preempt_abort_help,
		[OP_CLEAR] = clear_help,
	};
	bool have_key = false, have_victim = false, have_type = false;
	bool preempt = op == OP_PREEMPT || op == OP_PREEMPT_ABORT;
	const char *cmd = argv[0], *optstring, *devarg;
	const struct option *opts;
	uint64_t key = 0, victim = 0;
	unsigned int type = 0;
	struct pr_dev dev;
	int c, ret;

	if (preempt) {
		opts = preempt_opts;
		optstring = ":k:p:t:h";
	} else if (op == OP_CLEAR) {
		opts = clear_opts;
		optstring = ":k:h";
	} else {
		opts = key_type_opts;
		optstring = ":k:t:h";
	}

	opt_reset();
	while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			ret = opt_key(cmd, "--key", optarg, &key, &have_key);
			if (ret)
				return ret;
			break;
		case 'p':
			ret = opt_key(cmd, "--preempt-key", optarg, &victim,
				      &have_victim);
			if (ret)
				return ret;
			break;
		case 't':
			if (have_type)
				return prtool_usage_err(cmd, "--type given "
							"twice");
			have_type = true;
			if (parse_pr_type(optarg, &type))
				return prtool_usage_err(cmd, "invalid --type "
							"'%s': use a name (we, "
							"ea, we-ro, ea-ro, "
							"we-ar, ea-ar), pr:1-6 "
							"(the kernel's numbers) "
							"or scsi:N (SPC-4 "
							"codes)", optarg);
			break;
		case 'h':
			fputs(helps[op], stdout);
			return PRTOOL_EXIT_OK;
		default:
			return opt_error(cmd, c, argv);
		}
	}
	ret = opt_one_operand(cmd, argc, argv, "DEVICE", &devarg);
	if (ret)
		return ret;
	if (!have_key)
		return prtool_usage_err(cmd, "missing --key");
	if (!key)
		return prtool_usage_err(cmd, "--key 0 is not a registered "
					"key");
	if (preempt && !have_victim)
		return prtool_usage_err(cmd, "missing --preempt-key");
	if (op != OP_CLEAR && !have_type)
		return prtool_usage_err(cmd, "missing --type");

	ret = cli_dev_open(&dev, devarg);
	if (ret)
		return ret;
	switch (op) {
	case OP_RESERVE:
		ret = pr_reserve(&dev, key, type, 0);
		break;
	case OP_RELEASE:
		ret = pr_release(&dev, key, type);
		break;
	case OP_CLEAR:
		ret = pr_clear(&dev, key);
		break;
	default:
		ret = pr_preempt(&dev, key, victim, type,
				 op == OP_PREEMPT_ABORT);
		break;
	}
	if (ret)
		ret = cli_pr_failure(&dev, cmd, ret);
	pr_dev_close(&dev);
	return ret;
}

int cmd_reserve(int argc, char *argv[])
{
	return do_resv(argc, argv, OP_RESERVE);
}

int cmd_release(int argc, char *argv[])
{
	return do_resv(argc, argv, OP_RELEASE);
}

int cmd_preempt(int argc, char *argv[])
{
	return do_resv(argc, argv, OP_PREEMPT);
}

int cmd_preempt_abort(int argc, char *argv[])
{
	return do_resv(argc, argv, OP_PREEMPT_ABORT);
}

int cmd_clear(int argc, char *argv[])
{
	return do_resv(argc, argv, OP_CLEAR);
}
