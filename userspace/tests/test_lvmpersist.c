// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the lvmpersist front end (lvmpersist.c).
 *
 * libprtool's PR functions, the device classification, running lvm, the
 * uid and syslog are wrapped (-Wl,--wrap=): the devices are a small model
 * of a shared LU (the registered keys of this host and of others, the
 * reservation), with failures that a test scripts per device, and lvm
 * answers with a canned JSON report.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <unistd.h>

#include "test_util.h"

#include <prtool/prtool.h>

#include "cli.h"
#include "blkdev.h"
#include "ipc.h"
#include "prtool.h"

#define MAX_DEVS 4
#define MAX_KEYS 8

/* One fake device. The keys are those of every host; ours is @mine. */
static struct fdev {
	const char *path;
	enum blkdev_kind kind;
	const char *uuid;
	bool not_blk;
	bool unattached;	/* a map that dm_mpath_pr does not handle */
	uint64_t keys[MAX_KEYS];
	int nkeys;
	uint64_t mine;		/* our registered key, 0 if none */
	unsigned int res_type;	/* PRTOOL_TYPE_*, 0: none */
	uint64_t holder;	/* 0 for all-registrants */
	uint16_t type_mask;
	/* failures: a status to return instead of doing it */
	int fail_register, fail_reserve, fail_preempt, fail_caps, fail_keys;
	/* what was done */
	int registers, reserves, preempts, clears, turs;
	bool last_abort;
	unsigned int last_type;
	bool open;
} devs[MAX_DEVS];
static int ndevs;

static int module_state;	/* 0 loaded, -ENOENT not loaded */
static int ipc_opens;
static const char *lvm_report;	/* what "lvm vgs" prints, NULL: fails */
static int lvm_status;
static char lvm_argv[512];
static uid_t uid;
static char syslogged[2048];

static struct fdev *add_dev(const char *path, enum blkdev_kind kind)
{
	struct fdev *d = &devs[ndevs++];

	memset(d, 0, sizeof(*d));
	d->path = path;
	d->kind = kind;
	d->uuid = kind == BLKDEV_MPATH ? "mpath-3600140500000001" : "";
	d->type_mask = 0xea01;	/* every type */
	return d;
}

static struct fdev *find(const char *path)
{
	int i;

	for (i = 0; i < ndevs; i++)
		if (!strcmp(devs[i].path, path))
			return &devs[i];
	return NULL;
}

static bool has_key(const struct fdev *d, uint64_t key)
{
	int i;

	for (i = 0; i < d->nkeys; i++)
		if (d->keys[i] == key)
			return true;
	return false;
}

static void drop_key(struct fdev *d, uint64_t key)
{
	int i, j;

	for (i = j = 0; i < d->nkeys; i++)
		if (d->keys[i] != key)
			d->keys[j++] = d->keys[i];
	d->nkeys = j;
}

/* Another host's registration (two nexuses: the key twice). */
static void other_host(struct fdev *d, uint64_t key)
{
	d->keys[d->nkeys++] = key;
	d->keys[d->nkeys++] = key;
}

/* ---- wrapped functions ---------------------------------------------- */

int __wrap_blkdev_classify(const char *path, struct blkdev_info *bi);
int __wrap_blkdev_classify(const char *path, struct blkdev_info *bi)
{
	struct fdev *d = find(path);

	memset(bi, 0, sizeof(*bi));
	if (!d)
		return -ENOENT;
	if (d->not_blk)
		return -ENOTBLK;
	bi->kind = d->kind;
	bi->major = 253;
	bi->minor = (unsigned int)(d - devs);
	snprintf(bi->dm_uuid, sizeof(bi->dm_uuid), "%s", d->uuid);
	return 0;
}

int __wrap_ipc_open(struct ipc **ipcp, bool load);
int __wrap_ipc_open(struct ipc **ipcp, bool load)
{
	assert_false(load);	/* lvmpersist never loads the module */
	ipc_opens++;
	*ipcp = module_state ? NULL : (struct ipc *)&module_state;
	return module_state;
}

void __wrap_ipc_close(struct ipc *ipc);
void __wrap_ipc_close(struct ipc *ipc)
{
	assert_ptr_equal(ipc, &module_state);
}

/* Every map that is not marked unattached is attached. */
int __wrap_ipc_dump(struct ipc *ipc, struct mpr_dev_info **out, size_t *nr);
int __wrap_ipc_dump(struct ipc *ipc, struct mpr_dev_info **out, size_t *nr)
{
	int i;

	assert_ptr_equal(ipc, &module_state);
	*out = calloc(MAX_DEVS, sizeof(**out));
	assert_non_null(*out);
	*nr = 0;
	for (i = 0; i < ndevs; i++) {
		if (devs[i].kind != BLKDEV_MPATH || devs[i].unattached)
			continue;
		(*out)[*nr].major = 253;
		(*out)[*nr].minor = (uint32_t)i;
		(*nr)++;
	}
	return 0;
}

int __wrap_prtool_open(const char *name, struct prtool_dev **devp);
int __wrap_prtool_open(const char *name, struct prtool_dev **devp)
{
	struct fdev *d = find(name);

	if (!d)
		return -ENOENT;
	d->open = true;
	*devp = (struct prtool_dev *)d;
	return 0;
}

void __wrap_prtool_close(struct prtool_dev *dev);
void __wrap_prtool_close(struct prtool_dev *dev)
{
	if (dev)
		((struct fdev *)dev)->open = false;
}

const char *__wrap_prtool_dev_detail(const struct prtool_dev *dev);
const char *__wrap_prtool_dev_detail(const struct prtool_dev *dev)
{
	(void)dev;
	return "";
}

int __wrap_prtool_test_unit_ready(struct prtool_dev *dev);
int __wrap_prtool_test_unit_ready(struct prtool_dev *dev)
{
	((struct fdev *)dev)->turs++;
	return 0;
}

int __wrap_prtool_register(struct prtool_dev *dev, uint64_t old_key,
			   uint64_t new_key, unsigned int flags);
int __wrap_prtool_register(struct prtool_dev *dev, uint64_t old_key,
			   uint64_t new_key, unsigned int flags)
{
	struct fdev *d = (struct fdev *)dev;

	d->registers++;
	if (d->fail_register)
		return d->fail_register;
	if (!(flags & PRTOOL_REG_IGNORE_KEY) && old_key != d->mine)
		return 0x18;
	if (d->mine) {
		drop_key(d, d->mine);
		/* The holder's registration goes: so does its reservation. */
		if (d->holder == d->mine || (!new_key && !d->nkeys))
			d->res_type = 0;
	}
	d->mine = new_key;
	if (new_key) {
		d->keys[d->nkeys++] = new_key;
		d->keys[d->nkeys++] = new_key;
		if (d->res_type && d->holder == old_key && old_key)
			d->holder = new_key;
	}
	return 0;
}

int __wrap_prtool_reserve(struct prtool_dev *dev, uint64_t key,
			  unsigned int type);
int __wrap_prtool_reserve(struct prtool_dev *dev, uint64_t key,
			  unsigned int type)
{
	struct fdev *d = (struct fdev *)dev;
	bool allregs = type == PRTOOL_TYPE_WRITE_EXCLUSIVE_ALL_REGS ||
		       type == PRTOOL_TYPE_EXCLUSIVE_ACCESS_ALL_REGS;

	d->reserves++;
	d->last_type = type;
	if (d->fail_reserve)
		return d->fail_reserve;
	if (key != d->mine || !key)
		return 0x18;
	if (d->res_type)
		return d->res_type == type &&
		       (allregs || d->holder == key) ? 0 : 0x18;
	d->res_type = type;
	d->holder = allregs ? 0 : key;
	return 0;
}

int __wrap_prtool_preempt(struct prtool_dev *dev, uint64_t key,
			  uint64_t victim, unsigned int type, bool abort);
int __wrap_prtool_preempt(struct prtool_dev *dev, uint64_t key,
			  uint64_t victim, unsigned int type, bool abort)
{
	struct fdev *d = (struct fdev *)dev;

	d->preempts++;
	d->last_abort = abort;
	d->last_type = type;
	if (d->fail_preempt)
		return d->fail_preempt;
	if (key != d->mine || !key)
		return 0x18;
	drop_key(d, victim);
	if (d->res_type && d->holder == victim) {
		d->res_type = type;
		d->holder = key;
	}
	return 0;
}

int __wrap_prtool_clear(struct prtool_dev *dev, uint64_t key);
int __wrap_prtool_clear(struct prtool_dev *dev, uint64_t key)
{
	struct fdev *d = (struct fdev *)dev;

	d->clears++;
	if (key != d->mine || !key)
		return 0x18;
	d->nkeys = 0;
	d->mine = 0;
	d->res_type = 0;
	d->holder = 0;
	return 0;
}

int __wrap_prtool_read_keys(struct prtool_dev *dev, struct prtool_keys *k);
int __wrap_prtool_read_keys(struct prtool_dev *dev, struct prtool_keys *k)
{
	struct fdev *d = (struct fdev *)dev;

	memset(k, 0, sizeof(*k));
	if (d->fail_keys)
		return d->fail_keys;
	k->keys = calloc(MAX_KEYS, sizeof(uint64_t));
	assert_non_null(k->keys);
	memcpy(k->keys, d->keys, (size_t)d->nkeys * sizeof(uint64_t));
	k->num_keys = (uint32_t)d->nkeys;
	return 0;
}

int __wrap_prtool_read_reservation(struct prtool_dev *dev,
				   struct prtool_reservation *r);
int __wrap_prtool_read_reservation(struct prtool_dev *dev,
				   struct prtool_reservation *r)
{
	struct fdev *d = (struct fdev *)dev;

	memset(r, 0, sizeof(*r));
	if (d->fail_keys)
		return d->fail_keys;
	r->held = d->res_type != 0;
	r->type = d->res_type;
	r->key = d->holder;
	return 0;
}

int __wrap_prtool_report_capabilities(struct prtool_dev *dev,
				      struct prtool_capabilities *caps);
int __wrap_prtool_report_capabilities(struct prtool_dev *dev,
				      struct prtool_capabilities *caps)
{
	struct fdev *d = (struct fdev *)dev;

	memset(caps, 0, sizeof(*caps));
	if (d->fail_caps)
		return d->fail_caps;
	caps->tmv = true;
	caps->type_mask = d->type_mask;
	return 0;
}

int __wrap_run_capture(const char *path, char *const argv[], char **out);
int __wrap_run_capture(const char *path, char *const argv[], char **out)
{
	size_t o = 0;
	int i;

	(void)path;
	lvm_argv[0] = '\0';
	for (i = 1; argv[i]; i++)
		o += (size_t)snprintf(lvm_argv + o, sizeof(lvm_argv) - o,
				      "%s%s", i > 1 ? " " : "", argv[i]);
	*out = strdup(lvm_report ? lvm_report : "");
	return lvm_status;
}

uid_t __wrap_getuid(void);
uid_t __wrap_getuid(void)
{
	return uid;
}

uid_t __wrap_geteuid(void);
uid_t __wrap_geteuid(void)
{
	return uid;
}

void __wrap_syslog(int pri, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void __wrap_syslog(int pri, const char *fmt, ...)
{
	size_t n = strlen(syslogged);
	va_list ap;

	(void)pri;
	va_start(ap, fmt);
	vsnprintf(syslogged + n, sizeof(syslogged) - n, fmt, ap);
	va_end(ap);
	n = strlen(syslogged);
	if (n + 1 < sizeof(syslogged))
		strcat(syslogged, "\n");
}

/* ---- helpers ---------------------------------------------------------- */

static struct capture cap;

/* Run "lvmpersist ARGS..." (NULL-terminated), capturing its output. */
static int lvp(const char *arg, ...)
{
	char *argv[32];
	int argc = 0, ret;
	va_list ap;

	argv[argc++] = "lvmpersist";
	va_start(ap, arg);
	for (; arg; arg = va_arg(ap, const char *))
		argv[argc++] = (char *)arg;
	va_end(ap);
	argv[argc] = NULL;
	capture_free(&cap);
	capture_start(&cap);
	ret = prtool_main(argc, argv);
	capture_stop(&cap);
	return ret;
}

static int setup(void **state)
{
	(void)state;
	memset(devs, 0, sizeof(devs));
	ndevs = 0;
	lvm_report = NULL;
	lvm_status = 0;
	module_state = 0;
	lvm_argv[0] = '\0';
	syslogged[0] = '\0';
	uid = 0;
	memset(&cap, 0, sizeof(cap));
	/* Any root-owned program: run_capture() is faked. */
	setenv("LVM_BINARY", "/bin/sh", 1);
	return 0;
}

static int teardown(void **state)
{
	int i;

	(void)state;
	capture_free(&cap);
	/* Every device is closed at the end. */
	for (i = 0; i < ndevs; i++)
		assert_false(devs[i].open);
	return 0;
}

#define MA "/dev/mapper/mpathA"
#define MC "/dev/mapper/mpathC"
#define SD "/dev/sdc"

static const char vg_report[] =
	"  {\n      \"report\": [\n          {\n              \"vg\": [\n"
	"                  {\"vg_name\":\"vgpr\", \"pv_name\":\"" MA "\"},\n"
	"                  {\"vg_name\":\"vgpr\", \"pv_name\":\"" MC "\"}\n"
	"              ]\n          }\n      ]\n  }\n";

/* ---- tests ---------------------------------------------------------- */

/* start on a VG of two maps: register, then WEAR (ex on maps) on each. */
static void test_start_vg(void **state)
{
	struct fdev *a, *c;

	(void)state;
	a = add_dev(MA, BLKDEV_MPATH);
	c = add_dev(MC, BLKDEV_MPATH);
	lvm_report = vg_report;
	assert_int_equal(lvp("start", "--ourkey", "0xA1", "--vg", "vgpr",
			     NULL), 0);
	assert_string_equal(lvm_argv, "vgs --reportformat json --nolocking "
				      "--sort pv_uuid -o vg_name,pv_name vgpr");
	assert_int_equal(a->mine, 0xa1);
	assert_int_equal(c->mine, 0xa1);
	assert_int_equal(a->res_type, PRTOOL_TYPE_WRITE_EXCLUSIVE_ALL_REGS);
	assert_int_equal(c->res_type, PRTOOL_TYPE_WRITE_EXCLUSIVE_ALL_REGS);
	/* A TEST UNIT READY first takes pending UNIT ATTENTIONs off. */
	assert_int_equal(a->turs, 1);
	assert_string_equal(cap.err,
			    "  lvmpersist: started vgpr with key 0xa1.\n");
	assert_string_equal(syslogged,
			    "lvmpersist: started vgpr with key 0xa1.\n");
	assert_string_equal(cap.out, "");

	/* Started again: WEAR is there, only the registration is renewed. */
	assert_int_equal(lvp("start", "--ourkey", "0xa1", "--vg", "vgpr",
			     NULL), 0);
	assert_int_equal(a->reserves, 1);
	assert_int_equal(a->registers, 2);
}

/* ex is WE on disks and NVMe; sh is WEAR everywhere; --prtype fixes it. */
static void test_types(void **state)
{
	struct fdev *s, *n, *m;

	(void)state;
	s = add_dev(SD, BLKDEV_SCSI);
	n = add_dev("/dev/nvme0n1", BLKDEV_NVME);
	m = add_dev(MA, BLKDEV_MPATH);
	assert_int_equal(lvp("start", "--ourkey", "0x1", "--device", SD,
			     "--device", "/dev/nvme0n1", "--device", MA, NULL),
			 0);
	assert_int_equal(s->res_type, PRTOOL_TYPE_WRITE_EXCLUSIVE);
	assert_int_equal(s->holder, 0x1);
	assert_int_equal(n->res_type, PRTOOL_TYPE_WRITE_EXCLUSIVE);
	assert_int_equal(m->res_type, PRTOOL_TYPE_WRITE_EXCLUSIVE_ALL_REGS);
	assert_int_equal(n->turs, 0);
	assert_contains(cap.err, "started sdc:mpathA with key 0x1.");
	assert_int_equal(lvp("stop", "--ourkey", "0x1", "--device", SD,
			     "--device", "/dev/nvme0n1", "--device", MA, NULL),
			 0);
	assert_int_equal(s->res_type + n->res_type + m->res_type, 0);

	assert_int_equal(lvp("start", "--ourkey", "0x2", "--access", "sh",
			     "--device", SD, NULL), 0);
	assert_int_equal(s->res_type, PRTOOL_TYPE_WRITE_EXCLUSIVE_ALL_REGS);
	assert_int_equal(lvp("stop", "--ourkey", "0x2", "--device", SD, NULL),
			 0);
	assert_int_equal(lvp("start", "--ourkey", "0x3", "--prtype", "EA",
			     "--device", MA, NULL), 0);
	assert_int_equal(m->res_type, PRTOOL_TYPE_EXCLUSIVE_ACCESS);
	assert_int_equal(lvp("start", "--ourkey", "0x3", "--prtype", "EAAR",
			     "--device", SD, NULL), 0);
	assert_int_equal(s->res_type, PRTOOL_TYPE_EXCLUSIVE_ACCESS_ALL_REGS);
}

/* The checks of LVM2, in its order, with its messages, status 1. */
static void test_usage_errors(void **state)
{
	static const struct {
		const char *args[10];
		const char *msg;
	} cases[] = {
		{ { "frob" }, "Unknown command: frob." },
		{ { "start" }, "Missing required option: --vg or --device." },
		{ { "start", "--ourkey", "0x1", "--prtype", "WE", "--access",
		    "ex", "--device", SD },
		  "Set --prtype or --access, not both." },
		{ { "check-key", "--device", SD },
		  "Missing required option: --key." },
		{ { "read", "--key", "0x1", "--device", SD },
		  "Invalid option: --key." },
		{ { "start", "--ourkey", "12a", "--device", SD },
		  "Invalid decimal digits in key: 12a (use 0x prefix for hex "
		  "key)" },
		{ { "start", "--ourkey", "0x12g", "--device", SD },
		  "Invalid hex digits in key: 0x12g" },
		{ { "start", "--ourkey", "0x", "--device", SD },
		  "Invalid hex digits in key: 0x" },
		{ { "start", "--ourkey", "0x10000000000000000", "--device",
		    SD },
		  "Key is out of range: 0x10000000000000000" },
		{ { "start", "--ourkey", "18446744073709551616", "--device",
		    SD },
		  "Key is out of range: 18446744073709551616" },
		{ { "start", "--ourkey", "0x0abc", "--device", SD },
		  "Leading 0s are not permitted in keys." },
		{ { "start", "--ourkey", "0", "--device", SD },
		  "Leading 0s are not permitted in keys." },
		{ { "start", "--ourkey", "0x1", "--removekey", "0x01",
		    "--device", SD },
		  "Leading 0s are not permitted in keys." },
		{ { "start", "--ourkey", "0x1", "--access", "rw", "--device",
		    SD },
		  "Invalid access mode (use ex or sh)." },
		{ { "start", "--ourkey", "0x1", "--prtype", "WERO", "--device",
		    SD },
		  "WERO is not yet supported." },
		{ { "start", "--ourkey", "0x1", "--prtype", "EARO", "--device",
		    SD },
		  "EARO is not yet supported." },
		{ { "start", "--ourkey", "0x1", "--prtype", "we", "--device",
		    SD },
		  "Unknown PRTYPE string (choose WE/EA/WERO/EARO/WEAR/EAAR)." },
		{ { "start", "--device", SD }, "Missing required option: --ourkey." },
		{ { "stop", "--device", SD }, "Missing required option: --ourkey." },
		{ { "remove", "--ourkey", "0x1", "--device", SD },
		  "Missing required option: --removekey." },
		{ { "clear", "--device", SD }, "Missing required option: --ourkey." },
		{ { "read", "--frob", "--device", SD }, "invalid option." },
		{ { "read", "--device" }, "invalid option." },
		{ { "read", "--device", SD, "vg0" },
		  "Unexpected argument \"vg0\"." },
		{ { "read", "--device", "/dev/null" },
		  "not a block device: /dev/null." },
		{ { "read", "--device", "/dev/mapper/crypt" },
		  "unsupported or invalid device(s)." },
		{ { "read", "--device", "/dev/vda" },
		  "unsupported or invalid device(s)." },
	};
	struct fdev *d;
	size_t i;

	(void)state;
	add_dev(SD, BLKDEV_SCSI);
	d = add_dev("/dev/null", BLKDEV_OTHER);
	d->not_blk = true;
	d = add_dev("/dev/mapper/crypt", BLKDEV_DM);
	d->uuid = "CRYPT-LUKS2-abc";
	add_dev("/dev/vda", BLKDEV_OTHER);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[12] = { "lvmpersist" };
		int argc = 1, j, ret;
		char want[256];

		for (j = 0; j < 10 && cases[i].args[j]; j++)
			argv[argc++] = (char *)cases[i].args[j];
		capture_free(&cap);
		capture_start(&cap);
		ret = prtool_main(argc, argv);
		capture_stop(&cap);
		snprintf(want, sizeof(want), "  lvmpersist: %s\n",
			 cases[i].msg);
		if (ret != 1 || !strstr(cap.err, want))
			fail_msg("case %zu: status %d, stderr \"%s\", want "
				 "\"%s\"", i, ret, cap.err, want);
	}
	assert_int_equal(devs[0].registers, 0);
	/* The devices of the last cases were named. */
	lvp("read", "--device", "/dev/mapper/crypt", NULL);
	assert_contains(cap.err, "device /dev/mapper/crypt dm uuid does not "
				 "appear to be multipath (CRYPT-LUKS2-abc)");
	lvp("read", "--device", "/dev/vda", NULL);
	assert_contains(cap.err, "device type not supported for /dev/vda.");
}

static void test_keys_decimal_and_case(void **state)
{
	struct fdev *s;

	(void)state;
	s = add_dev(SD, BLKDEV_SCSI);
	assert_int_equal(lvp("start", "--ourkey", "18446744073709551615",
			     "--device", SD, NULL), 0);
	assert_string_equal(cap.out, "Using ourkey: 0xffffffffffffffff\n");
	assert_int_equal(s->mine, UINT64_MAX);
	assert_int_equal(lvp("check-key", "--key", "0xFFFFFFFFFFFFFFFF",
			     "--device", SD, NULL), 0);
	assert_string_equal(cap.out, "Device /dev/sdc: has key "
				     "0xffffffffffffffff\n");
	assert_int_equal(lvp("check-key", "--key", "255", "--device", SD,
			     NULL), 1);
	assert_string_equal(cap.out, "Using key: 0xff\n");
	assert_contains(cap.err, "Device /dev/sdc: does not have key 0xff");
	assert_int_equal(lvp("stop", "--ourkey", "0xffffffffffffffff",
			     "--device", SD, NULL), 0);
}

/* Usage: no arguments, help, -h, --help (also after the command). */
static void test_help_and_root(void **state)
{
	(void)state;
	add_dev(SD, BLKDEV_SCSI);
	assert_int_equal(lvp(NULL), 0);
	assert_contains(cap.out, "lvmpersist start --ourkey KEY DEST");
	assert_int_equal(lvp("help", NULL), 0);
	assert_contains(cap.out, "--removekey REMKEY");
	assert_int_equal(lvp("--help", NULL), 0);
	assert_int_equal(lvp("start", "--help", NULL), 0);
	assert_contains(cap.out, "PRTYPE: persistent reservation type");
	uid = 1000;
	assert_int_equal(lvp("read", "--device", SD, NULL), 1);
	assert_string_equal(cap.err, "  lvmpersist: must be run as root.\n");
	/* Invoked as "prtool lvmpersist" it answers the same. */
	uid = 0;
	capture_free(&cap);
	capture_start(&cap);
	assert_int_equal(prtool_main(4, (char *[]){ "prtool", "lvmpersist",
						     "frob", "x", NULL }), 1);
	capture_stop(&cap);
	assert_string_equal(cap.err,
			    "  lvmpersist: Unknown command: frob.\n");
}

/* A device that does not support the type: nothing is registered. */
static void test_start_unsupported_type(void **state)
{
	struct fdev *a, *c;

	(void)state;
	a = add_dev(MA, BLKDEV_MPATH);
	c = add_dev(MC, BLKDEV_MPATH);
	c->type_mask = 0x0200;	/* WE only */
	a->fail_caps = 0x02;
	assert_int_equal(lvp("start", "--ourkey", "0xa1", "--device", MA,
			     "--device", MC, NULL), 1);
	assert_contains(cap.err, "start mpathA:mpathC " MA " failed to query "
				 "reservation type WEAR.");
	assert_contains(cap.err, "start mpathA:mpathC " MC " does not support "
				 "reservation type WEAR.");
	assert_contains(cap.err, "  lvmpersist: start mpathA:mpathC failed.\n");
	assert_int_equal(a->registers + c->registers, 0);
}

/* A failure in the middle undoes the registrations of this run. */
static void test_start_failure_undoes(void **state)
{
	struct fdev *a, *c;

	(void)state;
	a = add_dev(MA, BLKDEV_MPATH);
	c = add_dev(MC, BLKDEV_MPATH);
	c->fail_register = 0x18;
	assert_int_equal(lvp("start", "--ourkey", "0xa1", "--vg", "vgpr",
			     "--device", MA, "--device", MC, NULL), 1);
	assert_contains(cap.err, "register error on " MC
				 ": Reservation conflict");
	assert_contains(cap.err, "start vgpr failed to register our key.");
	/* --vg with --device only names the set: lvm is not asked. */
	assert_string_equal(lvm_argv, "");
	assert_int_equal(a->mine, 0);
	assert_int_equal(a->nkeys, 0);

	/* The reservation fails on the second map: both are undone. */
	c->fail_register = 0;
	c->res_type = PRTOOL_TYPE_WRITE_EXCLUSIVE;
	other_host(c, 0xb1);
	c->holder = 0xb1;
	assert_int_equal(lvp("start", "--ourkey", "0xa1", "--device", MA,
			     "--device", MC, NULL), 1);
	assert_contains(cap.err, "start mpathA:mpathC failed to reserve " MC
				 ": Reservation conflict.");
	assert_int_equal(a->mine, 0);
	assert_int_equal(c->mine, 0);
	assert_int_equal(a->res_type, 0);
	assert_false(has_key(c, 0xa1));
	assert_true(has_key(c, 0xb1));
}

/* A second host starts a shared VG: WEAR is there, it only registers. */
static void test_start_second_host(void **state)
{
	struct fdev *a;

	(void)state;
	a = add_dev(MA, BLKDEV_MPATH);
	other_host(a, 0xb1);
	a->res_type = PRTOOL_TYPE_WRITE_EXCLUSIVE_ALL_REGS;
	assert_int_equal(lvp("start", "--ourkey", "0xa1", "--access", "sh",
			     "--device", MA, NULL), 0);
	assert_int_equal(a->reserves, 0);
	assert_true(has_key(a, 0xa1));
	assert_true(has_key(a, 0xb1));
	assert_int_equal(lvp("read", "--device", MA, NULL), 0);
	assert_string_equal(cap.out,
			    "Device " MA ": registered keys: 0xa1 0xb1\n"
			    "Device " MA ": reservation: WEAR\n");
}

/* Takeover: the other key must be there; PREEMPT AND ABORT on each. */
static void test_takeover(void **state)
{
	struct fdev *s, *t;

	(void)state;
	s = add_dev(SD, BLKDEV_SCSI);
	t = add_dev("/dev/sdd", BLKDEV_SCSI);
	other_host(s, 0xb1);
	other_host(t, 0xb1);
	s->res_type = t->res_type = PRTOOL_TYPE_WRITE_EXCLUSIVE;
	s->holder = t->holder = 0xb1;
	assert_int_equal(lvp("start", "--ourkey", "0xa1", "--removekey",
			     "0xc1", "--device", SD, "--device", "/dev/sdd",
			     NULL), 1);
	assert_contains(cap.err, "start sdc:sdd specified key to remove 0xc1 "
				 "not found on " SD ".");
	assert_int_equal(s->registers, 0);

	assert_int_equal(lvp("start", "--ourkey", "0xa1", "--removekey",
			     "0xb1", "--device", SD, "--device", "/dev/sdd",
			     NULL), 0);
	assert_true(s->last_abort);
	assert_int_equal(s->last_type, PRTOOL_TYPE_WRITE_EXCLUSIVE);
	assert_int_equal(s->holder, 0xa1);
	assert_int_equal(t->holder, 0xa1);
	assert_false(has_key(s, 0xb1));
	assert_contains(cap.err, "started sdc:sdd with key 0xa1.");
}

static void test_takeover_no_abort_and_failure(void **state)
{
	struct fdev *a, *c;

	(void)state;
	a = add_dev(MA, BLKDEV_MPATH);
	c = add_dev(MC, BLKDEV_MPATH);
	other_host(a, 0xb1);
	other_host(c, 0xb1);
	c->fail_preempt = 0x02;
	assert_int_equal(lvp("start", "--ourkey", "0xa1", "--removekey",
			     "0xb1", "--no-abort", "--device", MA, "--device",
			     MC, NULL), 1);
	assert_false(a->last_abort);
	assert_int_equal(a->last_type, PRTOOL_TYPE_WRITE_EXCLUSIVE_ALL_REGS);
	assert_contains(cap.err, "start mpathA:mpathC failed to preempt 0xb1 "
				 "on " MC);
	/* Our key is taken off again; the preemption on mpathA stays. */
	assert_false(has_key(a, 0xa1));
	assert_false(has_key(c, 0xa1));
	assert_false(has_key(a, 0xb1));
	assert_true(has_key(c, 0xb1));
}

/* stop: the key must be gone afterwards, whatever the unregister said. */
static void test_stop(void **state)
{
	struct fdev *a, *c;

	(void)state;
	a = add_dev(MA, BLKDEV_MPATH);
	c = add_dev(MC, BLKDEV_MPATH);
	/* Not registered on mpathC: the unregister conflicts; still fine. */
	a->mine = 0xa1;
	a->keys[a->nkeys++] = 0xa1;
	a->res_type = PRTOOL_TYPE_WRITE_EXCLUSIVE_ALL_REGS;
	assert_int_equal(lvp("stop", "--ourkey", "0xa1", "--vg", "vgpr",
			     "--device", MA, "--device", MC, NULL), 0);
	assert_int_equal(a->nkeys, 0);
	assert_int_equal(a->res_type, 0);
	assert_int_equal(c->registers, 1);
	assert_string_equal(cap.err,
			    "  lvmpersist: stopped vgpr with key 0xa1.\n");

	/* The key stays (another path of ours? a device that refuses). */
	a->mine = 0xa1;
	a->keys[a->nkeys++] = 0xa1;
	a->fail_register = 0x02;
	c->fail_keys = -EIO;
	assert_int_equal(lvp("stop", "--ourkey", "0xa1", "--device", MA,
			     "--device", MC, NULL), 1);
	assert_contains(cap.err, "stop mpathA:mpathC failed to unregister our "
				 "key 0xa1 from " MA ".");
	assert_contains(cap.err, "stop mpathA:mpathC failed to verify our key "
				 "0xa1 was unregistered from " MC ".");
	assert_contains(cap.err, "  lvmpersist: stop mpathA:mpathC failed.\n");
}

/* remove: with the reservation's own type; fails on missing PVs. */
static void test_remove(void **state)
{
	static const char report_missing[] =
		"{\"report\": [{\"vg\": [\n"
		"  {\"vg_name\":\"vgpr\", \"pv_name\":\"" MA "\"},\n"
		"  {\"vg_name\":\"vgpr\", \"pv_name\":\"[unknown]\"}]}]}";
	struct fdev *a, *c;

	(void)state;
	a = add_dev(MA, BLKDEV_MPATH);
	c = add_dev(MC, BLKDEV_MPATH);
	lvm_report = vg_report;
	a->mine = c->mine = 0xa1;
	other_host(a, 0xa1);
	other_host(c, 0xa1);
	other_host(a, 0xb1);
	other_host(c, 0xb1);
	a->res_type = c->res_type = PRTOOL_TYPE_EXCLUSIVE_ACCESS_ALL_REGS;
	assert_int_equal(lvp("remove", "--ourkey", "0xa1", "--removekey",
			     "0xb1", "--vg", "vgpr", NULL), 0);
	assert_true(a->last_abort);
	assert_int_equal(a->last_type, PRTOOL_TYPE_EXCLUSIVE_ACCESS_ALL_REGS);
	assert_false(has_key(a, 0xb1));
	assert_false(has_key(c, 0xb1));
	assert_contains(cap.err, "removed key 0xb1 for vgpr.");
	assert_contains(syslogged, "lvmpersist: removed key 0xb1 for vgpr.");

	/* Without a reservation: the configured type (WEAR for maps). */
	a->res_type = 0;
	other_host(a, 0xb2);
	assert_int_equal(lvp("remove", "--ourkey", "0xa1", "--removekey",
			     "0xb2", "--device", MA, NULL), 0);
	assert_int_equal(a->last_type, PRTOOL_TYPE_WRITE_EXCLUSIVE_ALL_REGS);

	/* Our key must be registered. */
	c->mine = 0;
	c->nkeys = 0;
	other_host(c, 0xb3);
	assert_int_equal(lvp("remove", "--ourkey", "0xa1", "--removekey",
			     "0xb3", "--device", MC, NULL), 1);
	assert_contains(cap.err, "cannot remove 0xb3 from " MC " without "
				 "ourkey 0xa1 being registered");
	assert_true(has_key(c, 0xb3));
	assert_int_equal(c->preempts, 1);

	/* A PV lvm cannot find: the others are done, but it fails. */
	lvm_report = report_missing;
	other_host(a, 0xb4);
	assert_int_equal(lvp("remove", "--ourkey", "0xa1", "--removekey",
			     "0xb4", "--vg", "vgpr", NULL), 1);
	assert_false(has_key(a, 0xb4));
	assert_contains(cap.err, "1 missing device(s) in VG vgpr.");
	assert_contains(cap.err, "remove failed: 1 missing device(s) in VG "
				 "vgpr.");
	assert_contains(cap.err, "  lvmpersist: remove vgpr failed.\n");
}

/* clear: registers where needed, then CLEAR; checks nothing is left. */
static void test_clear(void **state)
{
	struct fdev *a, *c;

	(void)state;
	a = add_dev(MA, BLKDEV_MPATH);
	c = add_dev(MC, BLKDEV_MPATH);
	other_host(a, 0xb1);
	other_host(c, 0xb1);
	a->res_type = PRTOOL_TYPE_WRITE_EXCLUSIVE_ALL_REGS;
	a->mine = 0xa1;
	a->keys[a->nkeys++] = 0xa1;
	c->fail_caps = 0x02;	/* no PR: skipped */
	assert_int_equal(lvp("clear", "--ourkey", "0xa1", "--device", MA,
			     "--device", MC, NULL), 0);
	assert_int_equal(a->nkeys, 0);
	assert_int_equal(a->res_type, 0);
	assert_int_equal(a->registers, 0);
	assert_int_equal(c->clears, 0);
	assert_contains(cap.err, "Device " MC ": does not support PR");
	assert_contains(cap.err, "cleared mpathA:mpathC reservation and keys");

	c->fail_caps = 0;
	assert_int_equal(lvp("clear", "--ourkey", "0xa1", "--device", MC,
			     NULL), 0);
	assert_int_equal(c->registers, 1);
	assert_int_equal(c->nkeys, 0);
}

/* read: per device, distinct keys in order, and the holder when any. */
static void test_read(void **state)
{
	struct fdev *s, *a;

	(void)state;
	s = add_dev(SD, BLKDEV_SCSI);
	a = add_dev(MA, BLKDEV_MPATH);
	other_host(s, 0x100);
	other_host(s, 0x20);
	s->res_type = PRTOOL_TYPE_WRITE_EXCLUSIVE;
	s->holder = 0x20;
	a->type_mask = 0x0200;	/* no WEAR: "does not support PR" */
	assert_int_equal(lvp("read", "--device", SD, "--device", MA, NULL),
			 0);
	assert_string_equal(cap.out,
			    "Device " SD ": registered keys: 0x20 0x100\n"
			    "Device " MA ": does not support PR\n"
			    "Device " SD ": reservation: WE holder 0x20\n"
			    "Device " MA ": does not support PR\n");
	assert_string_equal(syslogged, "");

	s->nkeys = 0;
	s->res_type = 0;
	assert_int_equal(lvp("read-keys", "--device", SD, NULL), 0);
	assert_string_equal(cap.out, "Device " SD ": registered keys: none\n");
	assert_int_equal(lvp("read-reservation", "--device", SD, NULL), 0);
	assert_string_equal(cap.out, "Device " SD ": reservation: none\n");

	s->fail_keys = 0x02;
	assert_int_equal(lvp("read", "--device", SD, NULL), 1);
	assert_contains(cap.err, "Device " SD ": failed to read registered "
				 "keys");
	assert_contains(cap.err, "  lvmpersist: read-keys failed.\n");

	assert_int_equal(lvp("devtest", "--device", SD, "--device", MA, NULL),
			 1);
	assert_string_equal(cap.out, "Device " SD ": supports type WE\n");
	assert_contains(cap.err, "Device " MA ": does not support type WEAR");
	assert_contains(cap.err, "  lvmpersist: devtest failed.\n");
}

/* --vg: lvm fails, or reports no PV. */
static void test_vg_errors(void **state)
{
	(void)state;
	lvm_report = "";
	lvm_status = 5;
	assert_int_equal(lvp("read", "--vg", "novg", NULL), 1);
	assert_contains(cap.err, "  lvmpersist: failed to get devices from VG "
				 "novg: ");
	assert_contains(cap.err, "vgs exited with status 5.");
	assert_contains(syslogged, "failed to get devices from VG novg");
	lvm_status = 0;
	lvm_report = "{\"report\": [{\"vg\": []}]}";
	assert_int_equal(lvp("read", "--vg", "empty", NULL), 1);
	assert_contains(cap.err, "Missing required --vg or --device.");
	assert_int_equal(lvp("read", "--vg", "-x", NULL), 1);
	assert_contains(cap.err, "invalid VG name \"-x\"");
}

/* A map that is not attached (or no module at all) is pointed out. */
static void test_hint_unattached(void **state)
{
	struct fdev *a, *c;

	(void)state;
	a = add_dev(MA, BLKDEV_MPATH);
	c = add_dev(MC, BLKDEV_MPATH);
	add_dev(SD, BLKDEV_SCSI);
	c->unattached = true;
	assert_int_equal(lvp("read-keys", "--device", MA, "--device", MC,
			     "--device", SD, NULL), 0);
	assert_string_equal(cap.err,
			    "  lvmpersist: " MC " is not attached to "
			    "dm_mpath_pr: device-mapper's own reservation "
			    "handling runs (prtool attach " MC ").\n");
	module_state = -ENOENT;
	assert_int_equal(lvp("read-keys", "--device", MA, "--device", SD,
			     NULL), 0);
	assert_string_equal(cap.err,
			    "  lvmpersist: " MA " is not attached to "
			    "dm_mpath_pr: device-mapper's own reservation "
			    "handling runs (prtool attach " MA ").\n");
	/* No map: the module is not asked. */
	ipc_opens = 0;
	assert_int_equal(lvp("read-keys", "--device", SD, NULL), 0);
	assert_int_equal(ipc_opens, 0);
	/* The module cannot be asked: no claim either way. */
	module_state = -EACCES;
	assert_int_equal(lvp("read-keys", "--device", MA, NULL), 0);
	assert_int_equal(ipc_opens, 1);
	assert_string_equal(cap.err, "");
	(void)a;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_start_vg),
		T(test_types),
		T(test_usage_errors),
		T(test_keys_decimal_and_case),
		T(test_help_and_root),
		T(test_start_unsupported_type),
		T(test_start_failure_undoes),
		T(test_start_second_host),
		T(test_takeover),
		T(test_takeover_no_abort_and_failure),
		T(test_stop),
		T(test_remove),
		T(test_clear),
		T(test_read),
		T(test_vg_errors),
		T(test_hint_unattached),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
