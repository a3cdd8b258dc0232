// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the command line. prtool_main() runs on argv arrays against
 * a fake block device (fake_sys.c), fake libdevmapper tasks and a fake ipc
 * layer, all wired in with -Wl,--wrap.
 */
#include "test_util.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scsi/sg.h>

#include <libdevmapper.h>

#include "cli.h"
#include "fake_sys.h"
#include "ipc.h"
#include "jsonp.h"
#include "pr_compat.h"
#include "prtool.h"

#include <prtool/prtool.h>

#ifndef GOLDEN_DIR
#error "GOLDEN_DIR must name tests/golden"
#endif

/* ---- fake libdevmapper ------------------------------------------------ */

struct fake_target {
	const char *type;
	const char *params;
};

static struct {
	bool exists;
	const char *name;
	const char *uuid;
	unsigned int major, minor;
	struct fake_target targets[3];
	int nr_targets;
	bool run_fails;
	int tasks_open;
} dm;

struct fake_task {
	int type;
	char name[128];
	bool by_devt;
	int major, minor;
};

struct dm_task *__wrap_dm_task_create(int type)
{
	struct fake_task *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->type = type;
	dm.tasks_open++;
	return (struct dm_task *)t;
}

void __wrap_dm_task_destroy(struct dm_task *dmt)
{
	dm.tasks_open--;
	free(dmt);
}

int __wrap_dm_task_set_name(struct dm_task *dmt, const char *name)
{
	struct fake_task *t = (struct fake_task *)dmt;

	snprintf(t->name, sizeof(t->name), "%s", name);
	return 1;
}

int __wrap_dm_task_set_major_minor(struct dm_task *dmt, int major, int minor,
				   int fallback)
{
	struct fake_task *t = (struct fake_task *)dmt;

	(void)fallback;
	t->by_devt = true;
	t->major = major;
	t->minor = minor;
	return 1;
}

int __wrap_dm_task_run(struct dm_task *dmt)
{
	struct fake_task *t = (struct fake_task *)dmt;

	/* Tables are only ever read by device number. */
	if (t->type == DM_DEVICE_TABLE)
		assert_true(t->by_devt);
	return !dm.run_fails;
}

static bool task_matches(const struct fake_task *t)
{
	if (!dm.exists)
		return false;
	if (t->by_devt)
		return (unsigned int)t->major == dm.major &&
		       (unsigned int)t->minor == dm.minor;
	return !strcmp(t->name, dm.name);
}

int __wrap_dm_task_get_info(struct dm_task *dmt, struct dm_info *info)
{
	struct fake_task *t = (struct fake_task *)dmt;

	memset(info, 0, sizeof(*info));
	info->exists = task_matches(t);
	if (info->exists) {
		info->major = (int)dm.major;
		info->minor = (int)dm.minor;
		info->target_count = dm.nr_targets;
	}
	return 1;
}

const char *__wrap_dm_task_get_name(const struct dm_task *dmt)
{
	(void)dmt;
	return dm.name;
}

const char *__wrap_dm_task_get_uuid(const struct dm_task *dmt)
{
	(void)dmt;
	return dm.uuid;
}

void *__wrap_dm_get_next_target(struct dm_task *dmt, void *next,
				uint64_t *start, uint64_t *length,
				char **target_type, char **params)
{
	uintptr_t i = (uintptr_t)next;

	(void)dmt;
	if ((int)i >= dm.nr_targets) {
		*target_type = NULL;
		*params = NULL;
		return NULL;
	}
	*start = i * 1000;
	*length = 1000;
	*target_type = (char *)dm.targets[i].type;
	*params = (char *)dm.targets[i].params;
	return (int)i + 1 < dm.nr_targets ? (void *)(i + 1) : NULL;
}

/* ---- fake ipc ---------------------------------------------------------- */

static struct {
	int open_ret;
	bool load;
	int opens, live;
	int ret;		/* result of attach/detach/get/dump */
	int attaches, detaches, gets, dumps;
	int syncs, resyncs, sets, path_states;
	struct mpr_attach_req req;
	struct mpr_settings set;
	uint32_t major, minor;
	uint32_t path_major, path_minor, path_state;
	struct mpr_dev_info devs[2];
	size_t nr_devs;
	const char *kernel_msg;	/* printed as the real layer would */
	/* monitor */
	int events_open_ret;
	int pipe[2];
	struct mpr_event events[4];
	int nr_events;
	int events_read_ret;	/* after the events: 0 or -errno */
} ipc;

static int dummy_ipc;

int __wrap_ipc_open(struct ipc **ipcp, bool load)
{
	ipc.opens++;
	ipc.load = load;
	*ipcp = ipc.open_ret ? NULL : (struct ipc *)&dummy_ipc;
	if (!ipc.open_ret)
		ipc.live++;
	if (ipc.open_ret && ipc.open_ret != -ENOENT)
		fprintf(stderr, "prtool: module dm_mpath_pr is not loaded and "
				"could not be loaded: fake\n");
	return ipc.open_ret;
}

void __wrap_ipc_close(struct ipc *p)
{
	assert_ptr_equal(p, &dummy_ipc);
	ipc.live--;
	if (ipc.pipe[0] > 0) {
		close(ipc.pipe[0]);
		close(ipc.pipe[1]);
		ipc.pipe[0] = ipc.pipe[1] = 0;
	}
}

static int ipc_result(void)
{
	if (ipc.ret && ipc.kernel_msg)
		fprintf(stderr, "prtool: kernel reports: %s\n", ipc.kernel_msg);
	return ipc.ret;
}

int __wrap_ipc_attach(struct ipc *p, const struct mpr_attach_req *req)
{
	assert_ptr_equal(p, &dummy_ipc);
	ipc.attaches++;
	ipc.req = *req;
	return ipc_result();
}

int __wrap_ipc_sync(struct ipc *p, const struct mpr_attach_req *req)
{
	assert_ptr_equal(p, &dummy_ipc);
	ipc.syncs++;
	ipc.req = *req;
	return ipc_result();
}

int __wrap_ipc_resync(struct ipc *p, uint32_t major, uint32_t minor)
{
	assert_ptr_equal(p, &dummy_ipc);
	ipc.resyncs++;
	ipc.major = major;
	ipc.minor = minor;
	return ipc_result();
}

int __wrap_ipc_set(struct ipc *p, const struct mpr_settings *set)
{
	assert_ptr_equal(p, &dummy_ipc);
	ipc.sets++;
	ipc.set = *set;
	return ipc_result();
}

int __wrap_ipc_path_state(struct ipc *p, uint32_t major, uint32_t minor,
			  uint32_t path_major, uint32_t path_minor,
			  uint32_t state)
{
	assert_ptr_equal(p, &dummy_ipc);
	ipc.path_states++;
	ipc.major = major;
	ipc.minor = minor;
	ipc.path_major = path_major;
	ipc.path_minor = path_minor;
	ipc.path_state = state;
	return ipc_result();
}

int __wrap_ipc_events_open(struct ipc **ipcp, bool load)
{
	ipc.opens++;
	ipc.load = load;
	if (ipc.events_open_ret) {
		*ipcp = NULL;
		if (ipc.events_open_ret == -EPERM)
			fprintf(stderr, "prtool: cannot join the \"events\" "
					"group of dm_mpath_pr: Operation not "
					"permitted (receiving the "
					"notifications needs CAP_SYS_ADMIN)\n");
		return ipc.events_open_ret;
	}
	ipc.live++;
	*ipcp = (struct ipc *)&dummy_ipc;
	/* Something to read, so that poll() returns. */
	assert_int_equal(pipe(ipc.pipe), 0);
	assert_int_equal(write(ipc.pipe[1], "x", 1), 1);
	return 0;
}

int __wrap_ipc_fd(const struct ipc *p)
{
	assert_ptr_equal(p, &dummy_ipc);
	return ipc.pipe[0];
}

int __wrap_ipc_events_read(struct ipc *p,
			   int (*fn)(const struct mpr_event *, void *),
			   void *arg)
{
	char byte;
	int i, ret;

	assert_ptr_equal(p, &dummy_ipc);
	/* Drained: poll() waits from now on. */
	assert_int_equal(read(ipc.pipe[0], &byte, 1), 1);
	for (i = 0; i < ipc.nr_events; i++) {
		ret = fn(&ipc.events[i], arg);
		if (ret)
			return ret;
	}
	ipc.nr_events = 0;
	return ipc.events_read_ret;
}

int __wrap_ipc_detach(struct ipc *p, uint32_t major, uint32_t minor)
{
	assert_ptr_equal(p, &dummy_ipc);
	ipc.detaches++;
	ipc.major = major;
	ipc.minor = minor;
	return ipc_result();
}

int __wrap_ipc_get(struct ipc *p, uint32_t major, uint32_t minor,
		   struct mpr_dev_info *dev)
{
	assert_ptr_equal(p, &dummy_ipc);
	ipc.gets++;
	ipc.major = major;
	ipc.minor = minor;
	*dev = ipc.devs[0];
	return ipc_result();
}

int __wrap_ipc_dump(struct ipc *p, struct mpr_dev_info **devs, size_t *nr)
{
	assert_ptr_equal(p, &dummy_ipc);
	ipc.dumps++;
	*devs = NULL;
	*nr = 0;
	if (ipc.ret)
		return ipc_result();
	*devs = calloc(ipc.nr_devs ? ipc.nr_devs : 1, sizeof(**devs));
	memcpy(*devs, ipc.devs, ipc.nr_devs * sizeof(**devs));
	*nr = ipc.nr_devs;
	return 0;
}

/* ---- fake PR device ----------------------------------------------------- */

static struct {
	int calls;
	unsigned long req;
	struct pr_registration reg;
	int ret, err;
	uint32_t nr_keys;
	uint64_t keys[4];
	struct pr_read_reservation resv;
	struct pr_reservation rsv;
	struct pr_preempt pre;
	struct pr_clear clr;
	/* SG_IO: PERSISTENT RESERVE IN */
	int sg_calls;
	int sg_fail;		/* the first sg_fail calls fail... */
	unsigned int sg_host;	/* ...with this host byte */
	unsigned int sg_status;	/* ...and this status byte */
	unsigned int sg_sa;	/* service action of the last call */
	const uint8_t *sg_resp;	/* the response of the others */
	size_t sg_resp_len;
	int sg_errno;		/* SG_IO fails with it (loop: EINVAL) */
} pr;

static int fake_sg_io(struct sg_io_hdr *h)
{
	const uint8_t *cdb = h->cmdp;
	size_t n;

	pr.sg_calls++;
	if (pr.sg_errno) {
		errno = pr.sg_errno;
		return -1;
	}
	assert_int_equal(cdb[0], 0x5e);
	pr.sg_sa = cdb[1] & 0x1f;
	if (pr.sg_calls <= pr.sg_fail) {
		h->host_status = (unsigned short)pr.sg_host;
		h->status = (unsigned char)pr.sg_status;
		h->resid = (int)h->dxfer_len;
		return 0;
	}
	n = pr.sg_resp_len < h->dxfer_len ? pr.sg_resp_len : h->dxfer_len;
	memcpy(h->dxferp, pr.sg_resp, n);
	h->resid = (int)(h->dxfer_len - n);
	return 0;
}

static int pr_ioctl(unsigned long req, void *arg, bool rw)
{
	(void)rw;
	if (req == SG_IO)
		return fake_sg_io(arg);
	pr.calls++;
	pr.req = req;
	if (pr.ret < 0) {
		errno = pr.err;
		return -1;
	}
	if (req == IOC_PR_REGISTER) {
		memcpy(&pr.reg, arg, sizeof(pr.reg));
	} else if (req == IOC_PR_READ_KEYS) {
		struct pr_read_keys *rk = arg;

		memcpy((void *)(uintptr_t)rk->keys_ptr, pr.keys,
		       pr.nr_keys * sizeof(uint64_t));
		rk->num_keys = pr.nr_keys;
		rk->generation = 0x1f;
	} else if (req == IOC_PR_READ_RESERVATION) {
		memcpy(arg, &pr.resv, sizeof(pr.resv));
	} else if (req == IOC_PR_RESERVE || req == IOC_PR_RELEASE) {
		memcpy(&pr.rsv, arg, sizeof(pr.rsv));
	} else if (req == IOC_PR_PREEMPT || req == IOC_PR_PREEMPT_ABORT) {
		memcpy(&pr.pre, arg, sizeof(pr.pre));
	} else if (req == IOC_PR_CLEAR) {
		memcpy(&pr.clr, arg, sizeof(pr.clr));
	} else {
		errno = ENOTTY;
		return -1;
	}
	return pr.ret;
}

static const struct fake_blk dm3 = {
	.path = "/dev/fake-dm",
	.alias = "/dev/mapper/mpatha",
	.major = 253,
	.minor = 3,
};

#define MPATH_4 "1 queue_if_no_path 1 alua 2 1 " \
		"service-time 0 2 2 8:16 1 1 8:48 1 1 " \
		"service-time 0 2 2 8:32 1 1 8:64 1 1"

static int setup(void **state)
{
	(void)state;
	memset(&dm, 0, sizeof(dm));
	dm.exists = true;
	dm.name = "mpatha";
	dm.uuid = "mpath-3600140512345678";
	dm.major = 253;
	dm.minor = 3;
	dm.targets[0] = (struct fake_target){ "multipath", MPATH_4 };
	dm.nr_targets = 1;
	memset(&ipc, 0, sizeof(ipc));
	memset(&pr, 0, sizeof(pr));
	fake_blk_reset(&dm3);
	fake_blk.ioctl = pr_ioctl;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	/* No descriptor, dm task or netlink connection is leaked. */
	assert_int_equal(fake_open_fds, 0);
	assert_int_equal(dm.tasks_open, 0);
	assert_int_equal(ipc.live, 0);
	return 0;
}

/* ---- running prtool ------------------------------------------------------ */

static struct capture out;

/* Run prtool with the NULL-terminated arguments; output lands in out. */
static int run(const char *arg0, ...)
{
	char *argv[32];
	int argc = 0, ret;
	const char *a;
	va_list ap;

	argv[argc++] = (char *)"prtool";
	va_start(ap, arg0);
	for (a = arg0; a; a = va_arg(ap, const char *)) {
		assert_true(argc < 31);
		argv[argc++] = (char *)a;
	}
	va_end(ap);
	argv[argc] = NULL;

	capture_free(&out);
	capture_start(&out);
	ret = prtool_main(argc, argv);
	capture_stop(&out);
	return ret;
}

#define RUN(...) run(__VA_ARGS__, NULL)

static int teardown_out(void **state)
{
	capture_free(&out);
	return teardown(state);
}

/* ---- global -------------------------------------------------------------- */

/*
 * The exit status of "ARGV0 ARG" run as main() does, with standard output
 * on /dev/full (in a child: stdout is cmocka's too). Without ARG: a run
 * that printed a line and succeeded.
 */
static int exit_on_full(const char *argv0, const char *arg)
{
	char *argv[] = { (char *)argv0, (char *)arg, NULL };
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		FILE *full = fopen("/dev/full", "w");

		if (!full || dup2(fileno(full), STDOUT_FILENO) < 0)
			_exit(99);
		if (!arg) {
			printf("a line of output\n");
			_exit(prtool_exit(argv0, 0));
		}
		_exit(prtool_exit(argv0, prtool_main(2, argv)));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/*
 * A write error is an error of the run, with each front end's own code:
 * lvmpersist exits 0 or 1 only, and 2 means NOT READY to mpathpersist's
 * callers (issue 11: "lvmpersist --help >/dev/full" exited 2).
 */
static void test_write_error_status(void **state)
{
	(void)state;
	assert_int_equal(exit_on_full("prtool", "--help"), PRTOOL_EXIT_OS);
	assert_int_equal(exit_on_full("/usr/sbin/lvmpersist", "--help"), 1);
	/* mpathpersist -h writes to stderr, as multipath-tools' does */
	assert_int_equal(exit_on_full("mpathpersist", "-h"), 0);
	assert_int_equal(exit_on_full("mpathpersist", NULL), 15);
	assert_int_equal(exit_on_full("lvmpersist", NULL), 1);
	assert_int_equal(exit_on_full("prtool", NULL), PRTOOL_EXIT_OS);
}

static void test_no_args(void **state)
{
	(void)state;
	assert_int_equal(run(NULL), PRTOOL_EXIT_USAGE);
	assert_contains(out.err, "Usage: prtool COMMAND");
	assert_string_equal(out.out, "");
}

static void test_help(void **state)
{
	static const char *const cmds[] = {
		"register", "register-ignore", "unregister", "read-keys",
		"read-reservation", "reserve", "release", "preempt",
		"preempt-abort", "clear", "read-full-status",
		"report-capabilities", "attach", "sync", "detach", "list",
		"show", "set", "resync", "path-state", "monitor", "daemon",
	};
	size_t i;

	(void)state;
	assert_int_equal(RUN("--help"), PRTOOL_EXIT_OK);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		assert_contains(out.out, cmds[i]);
	assert_contains(out.out, "Exit status:");
	assert_contains(out.out, "  0  success");
	assert_contains(out.out, "  1  usage error");
	assert_contains(out.out, "  2  device or system error");
	assert_contains(out.out, "  3  reservation conflict");
	assert_contains(out.out, "  4  other persistent reservation failure");
	assert_contains(out.out, "  5  kernel module or netlink error");
	assert_int_equal(RUN("-h"), PRTOOL_EXIT_OK);
	assert_contains(out.out, "Exit status:");
}

static void test_subcommand_help(void **state)
{
	static const char *const cmds[] = {
		"register", "register-ignore", "unregister", "read-keys",
		"read-reservation", "reserve", "release", "preempt",
		"preempt-abort", "clear", "read-full-status",
		"report-capabilities", "attach", "sync", "detach", "list",
		"show", "set", "resync", "path-state", "monitor", "daemon",
	};
	char want[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		snprintf(want, sizeof(want), "Usage: prtool %s", cmds[i]);
		assert_int_equal(RUN(cmds[i], "--help"), PRTOOL_EXIT_OK);
		assert_contains(out.out, want);
		assert_int_equal(RUN(cmds[i], "-h"), PRTOOL_EXIT_OK);
		assert_contains(out.out, want);
		assert_int_equal(RUN("help", cmds[i]), PRTOOL_EXIT_OK);
		assert_contains(out.out, want);
	}
	/* Nothing ran. */
	assert_int_equal(fake_opens_ro + fake_opens_rw, 0);
	assert_int_equal(ipc.opens, 0);
}

static void test_version(void **state)
{
	(void)state;
	assert_int_equal(RUN("--version"), PRTOOL_EXIT_OK);
	assert_string_equal(out.out, "prtool " PRTOOL_VERSION "\n");
	assert_int_equal(RUN("-V"), PRTOOL_EXIT_OK);
}

static void test_unknown(void **state)
{
	(void)state;
	assert_int_equal(RUN("frobnicate"), PRTOOL_EXIT_USAGE);
	assert_contains(out.err, "unknown command 'frobnicate'");
	assert_int_equal(RUN("--frob"), PRTOOL_EXIT_USAGE);
	assert_contains(out.err, "unknown option '--frob'");
	assert_int_equal(RUN("help", "frob"), PRTOOL_EXIT_USAGE);
	assert_int_equal(RUN("help", "register", "x"), PRTOOL_EXIT_USAGE);
}

/* ---- register family ------------------------------------------------------ */

static void usage_error(const char *why, int ret)
{
	assert_int_equal(ret, PRTOOL_EXIT_USAGE);
	assert_contains(out.err, why);
	assert_contains(out.err, "--help'");
	/* Nothing was sent to the device. */
	assert_int_equal(pr.calls, 0);
}

static void test_register_usage_errors(void **state)
{
	(void)state;
	usage_error("register: missing DEVICE", RUN("register", "--key", "1"));
	usage_error("missing --key", RUN("register", "/dev/fake-dm"));
	usage_error("invalid --key '12K': size suffixes are not accepted",
		    RUN("register", "/dev/fake-dm", "--key", "12K"));
	usage_error("invalid --key '-1': keys are not negative",
		    RUN("register", "/dev/fake-dm", "--key", "-1"));
	usage_error("invalid --key '': the key is empty",
		    RUN("register", "/dev/fake-dm", "--key", ""));
	usage_error("does not fit in 64 bits",
		    RUN("register", "/dev/fake-dm", "--key",
			"0x1ffffffffffffffff"));
	usage_error("invalid --old-key 'zz'",
		    RUN("register", "/dev/fake-dm", "-k", "1", "-o", "zz"));
	usage_error("--key given twice",
		    RUN("register", "/dev/fake-dm", "-k", "1", "-k", "2"));
	usage_error("--old-key cannot be combined with --ignore",
		    RUN("register", "/dev/fake-dm", "-k", "1", "-o", "2",
			"--ignore"));
	usage_error("unexpected argument 'extra'",
		    RUN("register", "/dev/fake-dm", "extra", "-k", "1"));
	usage_error("unknown option '--frob'",
		    RUN("register", "/dev/fake-dm", "-k", "1", "--frob"));
	usage_error("unknown option '-z'",
		    RUN("register", "/dev/fake-dm", "-k", "1", "-z"));
	usage_error("option '--key' needs a value",
		    RUN("register", "/dev/fake-dm", "--key"));
	usage_error("--key 0 registers nothing",
		    RUN("register", "/dev/fake-dm", "--key", "0"));
	usage_error("unknown option '--old-key'",
		    RUN("register-ignore", "/dev/fake-dm", "-k", "1",
			"--old-key", "2"));
	usage_error("unknown option '--aptpl'",
		    RUN("unregister", "/dev/fake-dm", "-k", "1", "--aptpl"));
	usage_error("--key 0 is not a registration",
		    RUN("unregister", "/dev/fake-dm", "--key", "0"));
	usage_error("unregister: missing --key",
		    RUN("unregister", "/dev/fake-dm"));
}

static void test_register(void **state)
{
	(void)state;
	assert_int_equal(RUN("register", "/dev/fake-dm", "--key", "0x1234"),
			 PRTOOL_EXIT_OK);
	assert_int_equal(pr.req, IOC_PR_REGISTER);
	assert_int_equal(pr.reg.old_key, 0);
	assert_int_equal(pr.reg.new_key, 0x1234);
	assert_int_equal(pr.reg.flags, 0);
	assert_string_equal(out.out, "");
	assert_string_equal(out.err, "");
	/* Read-only is enough with CAP_SYS_ADMIN. */
	assert_int_equal(fake_opens_ro, 1);
	assert_int_equal(fake_opens_rw, 0);
}

static void test_register_change_key(void **state)
{
	(void)state;
	assert_int_equal(RUN("register", "mpatha", "-o", "18446744073709551615",
			     "-k", "0xdeadbeef00000001", "--aptpl"),
			 PRTOOL_EXIT_OK);
	assert_int_equal(pr.reg.old_key, UINT64_MAX);
	assert_int_equal(pr.reg.new_key, 0xdeadbeef00000001ULL);
	assert_int_equal(pr.reg.flags, 0);
}

static void test_register_ignore(void **state)
{
	(void)state;
	assert_int_equal(RUN("register", "/dev/fake-dm", "-k", "7", "-i"),
			 PRTOOL_EXIT_OK);
	assert_int_equal(pr.reg.flags, PR_FL_IGNORE_KEY);
	assert_int_equal(pr.reg.new_key, 7);

	memset(&pr.reg, 0, sizeof(pr.reg));
	assert_int_equal(RUN("register-ignore", "/dev/fake-dm", "--key", "8",
			     "--aptpl"),
			 PRTOOL_EXIT_OK);
	assert_int_equal(pr.reg.flags, PR_FL_IGNORE_KEY);
	assert_int_equal(pr.reg.old_key, 0);
	assert_int_equal(pr.reg.new_key, 8);

	/* Key 0 with ignore drops any registration. */
	assert_int_equal(RUN("register-ignore", "/dev/fake-dm", "--key", "0"),
			 PRTOOL_EXIT_OK);
	assert_int_equal(pr.reg.new_key, 0);
}

static void test_unregister(void **state)
{
	(void)state;
	assert_int_equal(RUN("unregister", "/dev/fake-dm", "--key", "0xab"),
			 PRTOOL_EXIT_OK);
	assert_int_equal(pr.reg.old_key, 0xab);
	assert_int_equal(pr.reg.new_key, 0);
	assert_int_equal(pr.reg.flags, 0);
}

static void test_register_conflict(void **state)
{
	(void)state;
	pr.ret = 0x18;
	assert_int_equal(RUN("register", "/dev/fake-dm", "--key", "5"),
			 PRTOOL_EXIT_CONFLICT);
	assert_string_equal(out.err, "prtool: register on /dev/fake-dm "
				     "failed: Reservation conflict\n");
	/* 6.1 with the scsi-ml byte. */
	pr.ret = 0x118;
	assert_int_equal(RUN("unregister", "/dev/fake-dm", "--key", "5"),
			 PRTOOL_EXIT_CONFLICT);
	assert_contains(out.err, "unregister on /dev/fake-dm failed: "
				 "Reservation conflict");
}

static void test_register_path_failure(void **state)
{
	(void)state;
	pr.ret = 0x10000;
	assert_int_equal(RUN("register", "/dev/fake-dm", "--key", "5"),
			 PRTOOL_EXIT_PR);
	assert_contains(out.err, "register on /dev/fake-dm failed: path "
				 "failed (no connection to the target)");
	assert_not_contains(out.err, "0x10000");
	pr.ret = 0x2;
	assert_int_equal(RUN("register-ignore", "/dev/fake-dm", "--key", "5"),
			 PRTOOL_EXIT_PR);
	assert_contains(out.err, "I/O error");
}

static void test_register_errno(void **state)
{
	(void)state;
	pr.ret = -1;
	pr.err = EOPNOTSUPP;
	assert_int_equal(RUN("register", "/dev/fake-dm", "--key", "5"),
			 PRTOOL_EXIT_OS);
	assert_contains(out.err, "register on /dev/fake-dm: Operation not "
				 "supported (the device's driver does not "
				 "support");
}

static void test_register_open_fails(void **state)
{
	(void)state;
	fake_blk.open_ro_errno = EACCES;
	assert_int_equal(RUN("register", "/dev/fake-dm", "--key", "5"),
			 PRTOOL_EXIT_OS);
	assert_contains(out.err, "cannot open /dev/fake-dm for reading: "
				 "Permission denied");
	assert_int_equal(RUN("register", "/dev/none", "--key", "5"),
			 PRTOOL_EXIT_OS);
	assert_int_equal(RUN("register", "none", "--key", "5"),
			 PRTOOL_EXIT_OS);
	assert_contains(out.err, "none: no such device");
	assert_int_equal(pr.calls, 0);
}

/* ---- reads -------------------------------------------------------------------- */

static void test_read_keys_text(void **state)
{
	(void)state;
	pr.nr_keys = 2;
	pr.keys[0] = 0x123abc;
	pr.keys[1] = 0xdeadbeef00000001ULL;
	assert_int_equal(RUN("read-keys", "/dev/fake-dm"), PRTOOL_EXIT_OK);
	assert_string_equal(out.out, "/dev/fake-dm: generation 0x1f, 2 "
				     "registered keys\n"
				     "  0x123abc\n"
				     "  0xdeadbeef00000001\n");
	pr.nr_keys = 0;
	assert_int_equal(RUN("read-keys", "mpatha"), PRTOOL_EXIT_OK);
	assert_string_equal(out.out, "/dev/mapper/mpatha: generation 0x1f, "
				     "no registered keys\n");
}

static void test_read_keys_json(void **state)
{
	(void)state;
	pr.nr_keys = 2;
	pr.keys[0] = 0x123abc;
	pr.keys[1] = UINT64_MAX;
	assert_int_equal(RUN("read-keys", "--json", "/dev/fake-dm"),
			 PRTOOL_EXIT_OK);
	assert_string_equal(out.out,
			    "{\"device\":\"/dev/fake-dm\",\"generation\":31,"
			    "\"keys\":[\"0x123abc\",\"0xffffffffffffffff\"],"
			    "\"source\":\"ioctl\"}\n");
}

static void test_read_keys_errors(void **state)
{
	(void)state;
	usage_error("read-keys: missing DEVICE", RUN("read-keys"));
	usage_error("unknown option '--key'",
		    RUN("read-keys", "/dev/fake-dm", "--key", "1"));
	pr.ret = 0x18;
	assert_int_equal(RUN("read-keys", "/dev/fake-dm"),
			 PRTOOL_EXIT_CONFLICT);
	assert_string_equal(out.out, "");
	assert_contains(out.err, "read-keys on /dev/fake-dm failed: "
				 "Reservation conflict");
}

static void test_read_reservation(void **state)
{
	(void)state;
	pr.resv.generation = 3;
	assert_int_equal(RUN("read-reservation", "/dev/fake-dm"),
			 PRTOOL_EXIT_OK);
	assert_string_equal(out.out,
			    "/dev/fake-dm: generation 0x3, no reservation\n");
	assert_int_equal(RUN("read-reservation", "/dev/fake-dm", "-j"),
			 PRTOOL_EXIT_OK);
	assert_string_equal(out.out, "{\"device\":\"/dev/fake-dm\","
				     "\"generation\":3,\"reservation\":null,"
				     "\"source\":\"ioctl\"}\n");

	pr.resv.key = 0x123abc;
	pr.resv.type = 3;
	assert_int_equal(RUN("read-reservation", "/dev/fake-dm"),
			 PRTOOL_EXIT_OK);
	assert_string_equal(out.out,
			    "/dev/fake-dm: generation 0x3, reservation held "
			    "by key 0x123abc, type write-exclusive-reg-only "
			    "(Write Exclusive, registrants only)\n");
	assert_int_equal(RUN("read-reservation", "/dev/fake-dm", "--json"),
			 PRTOOL_EXIT_OK);
	assert_string_equal(out.out,
			    "{\"device\":\"/dev/fake-dm\",\"generation\":3,"
			    "\"reservation\":{\"key\":\"0x123abc\","
			    "\"type\":\"write-exclusive-reg-only\","
			    "\"type_value\":3,\"description\":\"Write "
			    "Exclusive, registrants only\"},"
			    "\"source\":\"ioctl\"}\n");
}

static void test_read_reservation_failure(void **state)
{
	(void)state;
	pr.ret = 0xf0000;
	assert_int_equal(RUN("read-reservation", "/dev/fake-dm", "--json"),
			 PRTOOL_EXIT_PR);
	assert_string_equal(out.out, "");
	assert_contains(out.err, "read-reservation on /dev/fake-dm failed: "
				 "path fast-failed");
}

/* ---- reserve, release, preempt, preempt-abort, clear ---------------------- */

static void test_resv_usage_errors(void **state)
{
	(void)state;
	usage_error("reserve: missing DEVICE",
		    RUN("reserve", "--key", "1", "--type", "we"));
	usage_error("reserve: missing --key",
		    RUN("reserve", "/dev/fake-dm", "--type", "we"));
	usage_error("reserve: missing --type",
		    RUN("reserve", "/dev/fake-dm", "--key", "1"));
	usage_error("invalid --type 'wx': use a name",
		    RUN("reserve", "/dev/fake-dm", "-k", "1", "-t", "wx"));
	usage_error("invalid --type '7'",
		    RUN("reserve", "/dev/fake-dm", "-k", "1", "-t", "7"));
	usage_error("invalid --type '0'",
		    RUN("reserve", "/dev/fake-dm", "-k", "1", "-t", "0"));
	/* a bare number: the kernel's 5 is SPC-4's 7 (issue 11) */
	usage_error("invalid --type '5': use a name",
		    RUN("reserve", "/dev/fake-dm", "-k", "1", "-t", "5"));
	usage_error("pr:1-6 (the kernel's numbers) or scsi:N (SPC-4 codes)",
		    RUN("reserve", "/dev/fake-dm", "-k", "1", "-t", "0x5"));
	usage_error("--type given twice",
		    RUN("reserve", "/dev/fake-dm", "-k", "1", "-t", "pr:1",
			"-t", "pr:2"));
	usage_error("reserve: --key 0 is not a registered key",
		    RUN("reserve", "/dev/fake-dm", "--key", "0", "-t", "pr:1"));
	usage_error("invalid --key 'x1'",
		    RUN("reserve", "/dev/fake-dm", "--key", "x1", "-t", "pr:1"));
	usage_error("unexpected argument 'extra'",
		    RUN("reserve", "/dev/fake-dm", "extra", "-k", "1", "-t",
			"pr:1"));
	usage_error("unknown option '--preempt-key'",
		    RUN("reserve", "/dev/fake-dm", "-k", "1", "-t", "pr:1",
			"--preempt-key", "2"));
	usage_error("release: missing --type",
		    RUN("release", "/dev/fake-dm", "--key", "1"));
	usage_error("release: missing --key",
		    RUN("release", "/dev/fake-dm", "--type", "ea"));
	usage_error("release: --key 0 is not a registered key",
		    RUN("release", "/dev/fake-dm", "-k", "0", "-t", "ea"));
	usage_error("unexpected argument 'x'",
		    RUN("release", "/dev/fake-dm", "x", "-k", "1", "-t", "pr:1"));
	usage_error("preempt: missing --preempt-key",
		    RUN("preempt", "/dev/fake-dm", "-k", "1", "-t", "pr:1"));
	usage_error("preempt: missing --type",
		    RUN("preempt", "/dev/fake-dm", "-k", "1", "-p", "2"));
	usage_error("preempt: missing --key",
		    RUN("preempt", "/dev/fake-dm", "-p", "2", "-t", "pr:1"));
	usage_error("invalid --preempt-key '-2'",
		    RUN("preempt", "/dev/fake-dm", "-k", "1", "-p", "-2",
			"-t", "pr:1"));
	usage_error("--preempt-key given twice",
		    RUN("preempt", "/dev/fake-dm", "-k", "1", "-p", "2",
			"-p", "3", "-t", "pr:1"));
	usage_error("invalid --type 'eaar-'",
		    RUN("preempt", "/dev/fake-dm", "-k", "1", "-p", "2",
			"-t", "eaar-"));
	usage_error("preempt-abort: missing --preempt-key",
		    RUN("preempt-abort", "/dev/fake-dm", "-k", "1", "-t",
			"pr:1"));
	usage_error("preempt-abort: missing --type",
		    RUN("preempt-abort", "/dev/fake-dm", "-k", "1", "-p",
			"2"));
	usage_error("preempt-abort: --key 0 is not a registered key",
		    RUN("preempt-abort", "/dev/fake-dm", "-k", "0", "-p", "2",
			"-t", "pr:1"));
	usage_error("preempt-abort: missing DEVICE",
		    RUN("preempt-abort", "-k", "1", "-p", "2", "-t", "pr:1"));
	usage_error("unexpected argument 'y'",
		    RUN("preempt-abort", "/dev/fake-dm", "y", "-k", "1", "-p",
			"2", "-t", "pr:1"));
	usage_error("clear: missing --key", RUN("clear", "/dev/fake-dm"));
	usage_error("clear: --key 0 is not a registered key",
		    RUN("clear", "/dev/fake-dm", "--key", "0"));
	usage_error("unknown option '--type'",
		    RUN("clear", "/dev/fake-dm", "-k", "1", "--type", "1"));
	usage_error("clear: missing DEVICE", RUN("clear", "-k", "1"));
	usage_error("unexpected argument 'z'",
		    RUN("clear", "/dev/fake-dm", "z", "-k", "1"));
	usage_error("option '--type' needs a value",
		    RUN("reserve", "/dev/fake-dm", "-k", "1", "--type"));
	/* Nothing was opened either. */
	assert_int_equal(fake_opens_ro + fake_opens_rw, 0);
}

static void test_resv_help_types(void **state)
{
	(void)state;
	assert_int_equal(RUN("reserve", "--help"), PRTOOL_EXIT_OK);
	assert_contains(out.out, "write-exclusive-reg-only   we-ro, wero   pr:3  "
				 "scsi:5");
	assert_contains(out.out, "A bare number is refused");
	assert_string_equal(out.err, "");
	assert_int_equal(RUN("preempt-abort", "-h", "/dev/fake-dm"),
			 PRTOOL_EXIT_OK);
	assert_contains(out.out, "--preempt-key VICTIM");
	assert_int_equal(RUN("clear", "--help"), PRTOOL_EXIT_OK);
	assert_not_contains(out.out, "--type");
	assert_int_equal(pr.calls, 0);
}

static void test_reserve_release(void **state)
{
	(void)state;
	assert_int_equal(RUN("reserve", "/dev/fake-dm", "--key", "0x123abc",
			     "--type", "we-ro"),
			 PRTOOL_EXIT_OK);
	assert_int_equal(pr.req, IOC_PR_RESERVE);
	assert_int_equal(pr.rsv.key, 0x123abc);
	assert_int_equal(pr.rsv.type, PR_WRITE_EXCLUSIVE_REG_ONLY);
	assert_int_equal(pr.rsv.flags, 0);
	assert_string_equal(out.out, "");
	assert_string_equal(out.err, "");

	assert_int_equal(RUN("reserve", "mpatha", "-k", "7", "-t", "pr:6"),
			 PRTOOL_EXIT_OK);
	assert_int_equal(pr.rsv.type, PR_EXCLUSIVE_ACCESS_ALL_REGS);
	assert_int_equal(RUN("reserve", "mpatha", "-k", "7", "-t",
			     "exclusive-access"),
			 PRTOOL_EXIT_OK);
	assert_int_equal(pr.rsv.type, PR_EXCLUSIVE_ACCESS);

	memset(&pr.rsv, 0, sizeof(pr.rsv));
	assert_int_equal(RUN("release", "/dev/fake-dm", "-t", "EA-AR", "-k",
			     "18446744073709551615"),
			 PRTOOL_EXIT_OK);
	assert_int_equal(pr.req, IOC_PR_RELEASE);
	assert_int_equal(pr.rsv.key, UINT64_MAX);
	assert_int_equal(pr.rsv.type, PR_EXCLUSIVE_ACCESS_ALL_REGS);
	assert_int_equal(pr.calls, 4);
}

static void test_preempt_clear(void **state)
{
	(void)state;
	assert_int_equal(RUN("preempt", "/dev/fake-dm", "--key", "0xa1",
			     "--preempt-key", "0xb1", "--type", "wear"),
			 PRTOOL_EXIT_OK);
	assert_int_equal(pr.req, IOC_PR_PREEMPT);
	/* struct pr_preempt: old_key is ours, new_key the victim's. */
	assert_int_equal(pr.pre.old_key, 0xa1);
	assert_int_equal(pr.pre.new_key, 0xb1);
	assert_int_equal(pr.pre.type, PR_WRITE_EXCLUSIVE_ALL_REGS);
	assert_int_equal(pr.pre.flags, 0);
	assert_string_equal(out.out, "");

	memset(&pr.pre, 0, sizeof(pr.pre));
	assert_int_equal(RUN("preempt-abort", "/dev/fake-dm", "-k", "2",
			     "-p", "0", "-t", "pr:1"),
			 PRTOOL_EXIT_OK);
	assert_int_equal(pr.req, IOC_PR_PREEMPT_ABORT);
	assert_int_equal(pr.pre.old_key, 2);
	assert_int_equal(pr.pre.new_key, 0);
	assert_int_equal(pr.pre.type, PR_WRITE_EXCLUSIVE);

	assert_int_equal(RUN("clear", "/dev/fake-dm", "--key", "0xa1"),
			 PRTOOL_EXIT_OK);
	assert_int_equal(pr.req, IOC_PR_CLEAR);
	assert_int_equal(pr.clr.key, 0xa1);
	assert_int_equal(pr.clr.flags, 0);
	assert_string_equal(out.err, "");
}

static void test_resv_failures(void **state)
{
	(void)state;
	pr.ret = 0x18;
	assert_int_equal(RUN("reserve", "/dev/fake-dm", "-k", "5", "-t", "we"),
			 PRTOOL_EXIT_CONFLICT);
	assert_string_equal(out.err, "prtool: reserve on /dev/fake-dm failed: "
				     "Reservation conflict\n");
	assert_string_equal(out.out, "");
	/* 6.1's raw SCSI result with the scsi-ml byte */
	pr.ret = 0x118;
	assert_int_equal(RUN("release", "/dev/fake-dm", "-k", "5", "-t", "we"),
			 PRTOOL_EXIT_CONFLICT);
	assert_string_equal(out.err, "prtool: release on /dev/fake-dm failed: "
				     "Reservation conflict\n");
	pr.ret = 0x10000;
	assert_int_equal(RUN("preempt", "/dev/fake-dm", "-k", "5", "-p", "6",
			     "-t", "we"),
			 PRTOOL_EXIT_PR);
	assert_string_equal(out.err, "prtool: preempt on /dev/fake-dm failed: "
				     "path failed (no connection to the "
				     "target)\n");
	pr.ret = 0x2;
	assert_int_equal(RUN("preempt-abort", "/dev/fake-dm", "-k", "5", "-p",
			     "6", "-t", "we"),
			 PRTOOL_EXIT_PR);
	assert_contains(out.err, "preempt-abort on /dev/fake-dm failed: ");
	assert_contains(out.err, "I/O error");
	pr.ret = -1;
	pr.err = EOPNOTSUPP;
	assert_int_equal(RUN("clear", "/dev/fake-dm", "-k", "5"),
			 PRTOOL_EXIT_OS);
	assert_contains(out.err, "clear on /dev/fake-dm: Operation not "
				 "supported");
	fake_blk.open_ro_errno = ENOENT;
	assert_int_equal(RUN("clear", "/dev/fake-dm", "-k", "5"),
			 PRTOOL_EXIT_OS);
	assert_int_equal(pr.calls, 5);
}

/* ---- read-full-status, report-capabilities -------------------------------- */

static char *read_golden(const char *name, size_t *len)
{
	char path[512], *buf;
	long n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot read %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/*
 * Print with @fn (a struct pr_print_* printer) into memory, compare with
 * GOLDEN_DIR/@name; a JSON document must parse. Returns the parsed JSON
 * (to be freed) or NULL for text.
 */
typedef void (*printer_fn)(FILE *f, const char *dev, const void *what,
			   bool json);

static void print_full_status(FILE *f, const char *dev, const void *what,
			      bool json)
{
	pr_print_full_status(f, dev, what, json);
}

static void print_caps(FILE *f, const char *dev, const void *what, bool json)
{
	pr_print_capabilities(f, dev, what, json);
}

static struct jv *golden_print(const char *name, printer_fn fn,
			       const void *what, bool json)
{
	char *got = NULL, *want, why[128];
	size_t got_len = 0, want_len;
	struct jv *doc = NULL;
	FILE *f;

	f = open_memstream(&got, &got_len);
	assert_non_null(f);
	fn(f, "/dev/mapper/mpatha", what, json);
	fclose(f);
	want = read_golden(name, &want_len);
	if (want_len != got_len || memcmp(want, got, got_len))
		fail_msg("%s differs.\n--- expected (%zu bytes)\n%s--- got "
			 "(%zu bytes)\n%s---", name, want_len, want, got_len,
			 got);
	if (json) {
		/* One document on one line. */
		assert_non_null(strchr(got, '\n'));
		assert_ptr_equal(strchr(got, '\n'), got + got_len - 1);
		doc = jv_parse(got, why, sizeof(why));
		if (!doc)
			fail_msg("%s: invalid JSON: %s", name, why);
	}
	free(want);
	free(got);
	return doc;
}

/* A SAS TransportID (SPC-4 7.6.4.7): 24 bytes, the address at 4-11. */
static void sas_tid(struct prtool_registrant *r, uint64_t addr)
{
	int i;

	r->protocol_id = PRTOOL_PROTO_SAS;
	r->tid_len = 24;
	r->tid[0] = PRTOOL_PROTO_SAS;
	for (i = 0; i < 8; i++)
		r->tid[4 + i] = (uint8_t)(addr >> (56 - 8 * i));
}

static void fill_full_status(struct prtool_full_status *fs,
			     struct prtool_registrant *regs)
{
	static const char iqn[] = "iqn.2025-01.org.example:host-b,i,"
				  "0x23d000000001";
	static const uint8_t wwpn[8] = { 0x21, 0x00, 0x00, 0x24,
					 0xff, 0x12, 0x34, 0x56 };
	struct prtool_registrant *r;

	memset(fs, 0, sizeof(*fs));
	memset(regs, 0, 5 * sizeof(*regs));
	fs->generation = 0x2a;
	fs->additional_length = 5 * 24 + 24 + 56 + 24;
	fs->num = 5;
	fs->regs = regs;
	/* A1 holds WE_RO (SPC-4 type 0x5) */
	r = &regs[0];
	r->key = 0xa1;
	r->holder = true;
	r->type = 0x5;
	r->rtpi = 1;
	sas_tid(r, 0x50014051a0000001ULL);
	r = &regs[1];
	r->key = 0xa1;
	r->rtpi = 2;
	sas_tid(r, 0x50014051a0000002ULL);
	/* iSCSI, format 1 (name,i,0xISID), padded to a multiple of 4 */
	r = &regs[2];
	r->key = 0xffffffffffffffffULL;
	r->protocol_id = PRTOOL_PROTO_ISCSI;
	r->format_code = 1;
	r->rtpi = 3;
	r->tid_len = 56;
	r->tid[0] = 0x40 | PRTOOL_PROTO_ISCSI;
	r->tid[3] = 52;
	memcpy(r->tid + 4, iqn, sizeof(iqn) - 1);
	/* FC through every target port */
	r = &regs[3];
	r->key = 0xb1;
	r->all_tg_pt = true;
	r->protocol_id = PRTOOL_PROTO_FC;
	r->tid_len = 24;
	memcpy(r->tid + 8, wwpn, sizeof(wwpn));
	/* another protocol (SRP, 0x4): the bytes in hex */
	r = &regs[4];
	r->key = 0xc1;
	r->protocol_id = 0x4;
	r->rtpi = 0xffff;
	r->tid_len = 24;
	r->tid[0] = 0x4;
	r->tid[8] = 0xfe;
	r->tid[23] = 0x01;
}

static void test_full_status_printers(void **state)
{
	struct prtool_registrant regs[5];
	struct prtool_full_status fs;
	const struct jv *e, *tid;
	struct jv *doc;

	(void)state;
	fill_full_status(&fs, regs);
	assert_null(golden_print("prtool-rfs.out", print_full_status, &fs,
				 false));
	doc = golden_print("prtool-rfs.json", print_full_status, &fs, true);
	assert_string_equal(jv_get_string(doc, "device"),
			    "/dev/mapper/mpatha");
	assert_string_equal(jv_get(doc, "generation")->text, "42");
	assert_int_equal(jv_get(doc, "truncated")->type, JV_BOOL);
	assert_false(jv_get(doc, "truncated")->boolean);
	e = jv_get(doc, "registrations")->child;
	assert_string_equal(jv_get_string(e, "key"), "0xa1");
	assert_true(jv_get(e, "holder")->boolean);
	assert_string_equal(jv_get_string(e, "type"),
			    "write-exclusive-reg-only");
	assert_string_equal(jv_get(e, "scsi_type")->text, "5");
	tid = jv_get(e, "transport_id");
	assert_string_equal(jv_get_string(tid, "protocol"), "sas");
	assert_string_equal(jv_get_string(tid, "name"), "0x50014051a0000001");
	e = e->next;
	assert_int_equal(jv_get(e, "type")->type, JV_NULL);
	assert_int_equal(jv_get(e, "scsi_type")->type, JV_NULL);
	e = e->next;
	assert_string_equal(jv_get_string(e, "key"), "0xffffffffffffffff");
	assert_string_equal(jv_get_string(jv_get(e, "transport_id"), "name"),
			    "iqn.2025-01.org.example:host-b,i,0x23d000000001");
	e = e->next;
	assert_true(jv_get(e, "all_tg_pt")->boolean);
	assert_string_equal(jv_get_string(jv_get(e, "transport_id"), "name"),
			    "0x21000024ff123456");
	e = e->next;
	assert_string_equal(jv_get_string(jv_get(e, "transport_id"),
					  "protocol"), "other");
	assert_string_equal(jv_get(e, "relative_target_port")->text,
			    "65535");
	assert_null(e->next);
	jv_free(doc);

	/* a holder of a type the kernel has no name for, cut, no TID */
	fs.num = 1;
	fs.truncated = true;
	regs[0].type = 0x2;
	regs[0].tid_len = 0;
	assert_null(golden_print("prtool-rfs-cut.out", print_full_status, &fs,
				 false));
	doc = golden_print("prtool-rfs-cut.json", print_full_status, &fs,
			   true);
	assert_true(jv_get(doc, "truncated")->boolean);
	e = jv_get(doc, "registrations")->child;
	assert_int_equal(jv_get(e, "type")->type, JV_NULL);
	assert_string_equal(jv_get(e, "scsi_type")->text, "2");
	assert_int_equal(jv_get(e, "transport_id")->type, JV_NULL);
	jv_free(doc);

	fs.num = 0;
	fs.truncated = false;
	assert_null(golden_print("prtool-rfs-empty.out", print_full_status,
				 &fs, false));
	doc = golden_print("prtool-rfs-empty.json", print_full_status, &fs,
			   true);
	assert_int_equal(jv_get(doc, "registrations")->type, JV_ARRAY);
	assert_null(jv_get(doc, "registrations")->child);
	jv_free(doc);
}

static void test_capabilities_printers(void **state)
{
	/* What LIO answers (target_core_pr.c): 00 08 1d 91 ea 01 00 00 */
	struct prtool_capabilities c = {
		.length = 8, .crh = true, .sip_c = true, .atp_c = true,
		.ptpl_c = true, .tmv = true, .allow_commands = 1,
		.ptpl_a = true, .type_mask = 0xea01,
	};
	const struct jv *t;
	struct jv *doc;
	int n = 0;

	(void)state;
	assert_null(golden_print("prtool-rcap.out", print_caps, &c, false));
	doc = golden_print("prtool-rcap.json", print_caps, &c, true);
	assert_string_equal(jv_get(doc, "type_mask")->text, "59905");
	assert_true(jv_get(doc, "crh")->boolean);
	assert_false(jv_get(doc, "rlr_c")->boolean);
	for (t = jv_get(doc, "types")->child; t; t = t->next)
		n++;
	assert_int_equal(n, 6);
	jv_free(doc);

	/* TMV clear: no types; only WE and EA_AR in the mask otherwise */
	memset(&c, 0, sizeof(c));
	c.length = 8;
	c.rlr_c = true;
	c.allow_commands = 5;
	c.type_mask = 0x0201;
	assert_null(golden_print("prtool-rcap-notmv.out", print_caps, &c,
				 false));
	doc = golden_print("prtool-rcap-notmv.json", print_caps, &c, true);
	assert_int_equal(jv_get(doc, "types")->type, JV_NULL);
	jv_free(doc);
	c.tmv = true;
	assert_null(golden_print("prtool-rcap-two.out", print_caps, &c,
				 false));
}

/* READ FULL STATUS with one SAS descriptor of key 0xa1 holding WE_RO */
static const uint8_t rfs_resp[] = {
	0, 0, 0, 7, 0, 0, 0, 48,
	0, 0, 0, 0, 0, 0, 0, 0xa1, 0, 0, 0, 0, 0x01, 0x05, 0, 0,
	0, 0, 0, 2, 0, 0, 0, 24,
	0x06, 0, 0, 0, 0x50, 0x01, 0x40, 0x51, 0xa0, 0, 0, 0x01,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static const uint8_t rcap_resp[] = { 0, 8, 0x1d, 0x91, 0xea, 0x01, 0, 0 };

static void test_read_full_status_cli(void **state)
{
	struct jv *doc;
	char why[128];

	(void)state;
	pr.sg_resp = rfs_resp;
	pr.sg_resp_len = sizeof(rfs_resp);
	assert_int_equal(RUN("read-full-status", "/dev/fake-dm", "--json"),
			 PRTOOL_EXIT_OK);
	assert_int_equal(pr.sg_sa, 3);
	assert_string_equal(out.err, "");
	doc = jv_parse(out.out, why, sizeof(why));
	if (!doc)
		fail_msg("read-full-status --json: %s: %s", why, out.out);
	assert_string_equal(jv_get(doc, "generation")->text, "7");
	assert_string_equal(jv_get_string(jv_get(doc, "registrations")->child,
					  "key"), "0xa1");
	assert_string_equal(jv_get_string(doc, "source"), "sg_io");
	jv_free(doc);
	assert_int_equal(RUN("read-full-status", "/dev/fake-dm"),
			 PRTOOL_EXIT_OK);
	assert_string_equal(out.out, "/dev/fake-dm: generation 0x7, 1 "
				     "registration\n"
				     "  key 0xa1, port 2, sas 0x50014051a0000001, "
				     "holds write-exclusive-reg-only\n");
	/* no PR ioctl: the kernel has none for these */
	assert_int_equal(pr.calls, 0);

	pr.sg_resp = rcap_resp;
	pr.sg_resp_len = sizeof(rcap_resp);
	assert_int_equal(RUN("report-capabilities", "/dev/fake-dm"),
			 PRTOOL_EXIT_OK);
	assert_int_equal(pr.sg_sa, 2);
	assert_contains(out.out, "/dev/fake-dm: REPORT CAPABILITIES, length "
				 "8\n");
	assert_contains(out.out, "types (mask 0xea01): write-exclusive "
				 "exclusive-access write-exclusive-reg-only");
	assert_int_equal(RUN("report-capabilities", "-j", "/dev/fake-dm"),
			 PRTOOL_EXIT_OK);
	doc = jv_parse(out.out, why, sizeof(why));
	if (!doc)
		fail_msg("report-capabilities --json: %s: %s", why, out.out);
	assert_string_equal(jv_get(doc, "allow_commands")->text, "1");
	jv_free(doc);
	usage_error("read-full-status: missing DEVICE",
		    RUN("read-full-status", "--json"));
	usage_error("unexpected argument 'x'",
		    RUN("report-capabilities", "/dev/fake-dm", "x"));
	usage_error("unknown option '--key'",
		    RUN("read-full-status", "/dev/fake-dm", "--key", "1"));
	assert_int_equal(pr.sg_calls, 4);
}

/*
 * A device without SG_IO (loop answers EINVAL, NVMe ENOTTY): the message
 * says why, not only "Invalid argument" (issue 11).
 */
static void test_read_full_status_no_sg_io(void **state)
{
	static const int errs[] = { EINVAL, ENOTTY };
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		pr.sg_errno = errs[i];
		assert_int_equal(RUN("read-full-status", "/dev/fake-dm"),
				 PRTOOL_EXIT_OS);
		assert_contains(out.err, "read-full-status on /dev/fake-dm: ");
		assert_contains(out.err, "READ FULL STATUS has no ioctl, and the "
					 "device does not take SCSI PERSISTENT "
					 "RESERVE IN over SG_IO");
		assert_contains(out.err, "a SCSI device or a multipath map");
		assert_int_equal(RUN("report-capabilities", "/dev/fake-dm"),
				 PRTOOL_EXIT_OS);
		assert_contains(out.err, "REPORT CAPABILITIES has no ioctl");
		assert_string_equal(out.out, "");
	}
	pr.sg_errno = 0;
}

/* Count the lines of @s. */
static int lines(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

static void test_read_full_status_fallback(void **state)
{
	(void)state;
	pr.sg_resp = rfs_resp;
	pr.sg_resp_len = sizeof(rfs_resp);
	/*
	 * The map's path is down: each path of the map is tried in table
	 * order, 8:16 (no such node here), then 8:48, which answers.
	 */
	fake_blk.alias = "/dev/block/8:48";
	pr.sg_fail = 1;
	pr.sg_host = 0x01;
	assert_int_equal(RUN("read-full-status", "/dev/fake-dm"),
			 PRTOOL_EXIT_OK);
	assert_string_equal(out.err,
			    "prtool: read-full-status on /dev/fake-dm failed: "
			    "path failed (no connection to the target)\n"
			    "prtool: read-full-status on /dev/block/8:16: No "
			    "such file or directory\n");
	assert_contains(out.out, "key 0xa1, port 2");
	assert_int_equal(pr.sg_calls, 2);

	/* Every path fails: a line for each, the map's exit code. */
	pr.sg_calls = 0;
	pr.sg_fail = 100;
	pr.sg_host = 0x0f;
	assert_int_equal(RUN("report-capabilities", "/dev/fake-dm", "--json"),
			 PRTOOL_EXIT_PR);
	assert_string_equal(out.out, "");
	assert_int_equal(lines(out.err), 5);
	assert_contains(out.err, "report-capabilities on /dev/fake-dm failed: "
				 "path fast-failed");
	assert_contains(out.err, "report-capabilities on /dev/block/8:48 "
				 "failed: path fast-failed");
	assert_contains(out.err, "on /dev/block/8:32: No such file");
	assert_contains(out.err, "on /dev/block/8:64: No such file");
	assert_not_contains(out.err, "0xf0000");
	assert_int_equal(pr.sg_calls, 2);

	/* The device answered: no other path is asked. */
	pr.sg_calls = 0;
	pr.sg_host = 0;
	pr.sg_status = 0x18;
	assert_int_equal(RUN("read-full-status", "/dev/fake-dm", "--json"),
			 PRTOOL_EXIT_CONFLICT);
	assert_string_equal(out.err, "prtool: read-full-status on /dev/fake-dm "
				     "failed: Reservation conflict\n");
	assert_int_equal(pr.sg_calls, 1);

	/* Not a multipath map: nothing else to try. */
	pr.sg_calls = 0;
	pr.sg_status = 0;
	pr.sg_host = 0x01;
	dm.exists = false;
	assert_int_equal(RUN("read-full-status", "/dev/fake-dm"),
			 PRTOOL_EXIT_PR);
	assert_int_equal(lines(out.err), 1);
	assert_int_equal(pr.sg_calls, 1);
}

/* ---- attach / sync / detach ---------------------------------------------- */

static void fill_devs(void)
{
	struct mpr_dev_info *d = &ipc.devs[0];

	memset(ipc.devs, 0, sizeof(ipc.devs));
	d->major = 253;
	d->minor = 3;
	strcpy(d->name, "dm-3");
	d->key = 0x123abc;
	d->aptpl = true;
	d->has_holder = true;
	d->holder_major = 8;
	d->holder_minor = 32;
	d->res_type = 3;
	d->ops = 12;
	d->nr_paths = 2;
	d->paths[0] = (struct mpr_path_info){ 8, 16, "sdb",
					      DM_MPATH_PR_PATH_ACTIVE,
					      DM_MPATH_PR_REG_REGISTERED, 0,
					      5, 0 };
	d->paths[1] = (struct mpr_path_info){ 8, 32, "sdc",
					      DM_MPATH_PR_PATH_FAILED,
					      DM_MPATH_PR_REG_PENDING, 0x10000,
					      5, 2 };
	d = &ipc.devs[1];
	d->major = 253;
	d->minor = 1;
	strcpy(d->name, "dm-1");
	d->nr_paths = 1;
	d->paths[0] = (struct mpr_path_info){ 8, 48, "sdd",
					      DM_MPATH_PR_PATH_ACTIVE,
					      DM_MPATH_PR_REG_NONE, -5, 1, 1 };
	ipc.nr_devs = 2;
}


static void test_attach(void **state)
{
	(void)state;
	assert_int_equal(RUN("attach", "mpatha"), PRTOOL_EXIT_OK);
	assert_int_equal(ipc.attaches, 1);
	assert_true(ipc.load);
	assert_int_equal(ipc.req.major, 253);
	assert_int_equal(ipc.req.minor, 3);
	assert_int_equal(ipc.req.nr_paths, 4);
	assert_int_equal(ipc.req.paths[0].major, 8);
	assert_int_equal(ipc.req.paths[0].minor, 16);
	assert_int_equal(ipc.req.paths[1].minor, 48);
	assert_int_equal(ipc.req.paths[2].minor, 32);
	assert_int_equal(ipc.req.paths[3].minor, 64);
	assert_false(ipc.req.has_key);
	assert_string_equal(out.err, "");
}

static void test_attach_key(void **state)
{
	(void)state;
	assert_int_equal(RUN("attach", "mpatha", "--key", "0xfeed"),
			 PRTOOL_EXIT_OK);
	assert_true(ipc.req.has_key);
	assert_int_equal(ipc.req.key, 0xfeed);
	usage_error("invalid --key '1M'", RUN("attach", "mpatha", "-k", "1M"));
	usage_error("--key 0 is not a registration",
		    RUN("attach", "mpatha", "-k", "0"));
	usage_error("attach: missing MAP", RUN("attach"));
	usage_error("unexpected argument 'mpathb'",
		    RUN("attach", "mpatha", "mpathb"));
	assert_int_equal(ipc.attaches, 1);
}

static void test_attach_by_dm_minor_name(void **state)
{
	(void)state;
	/* "dm-3" is not a dm name: it is found through /dev/dm-3. */
	dm.name = "mpatha";
	assert_int_equal(RUN("attach", "dm-99"), PRTOOL_EXIT_OS);
	assert_contains(out.err, "dm-99: no device-mapper map of that name");
	assert_int_equal(ipc.opens, 0);
}

static void test_attach_refuses(void **state)
{
	(void)state;
	dm.targets[0] = (struct fake_target){ "linear", "8:16 0" };
	assert_int_equal(RUN("attach", "mpatha"), PRTOOL_EXIT_OS);
	assert_contains(out.err, "map mpatha is a 'linear' map, not a "
				 "multipath map");

	dm.targets[0] = (struct fake_target){ "multipath", MPATH_4 };
	dm.targets[1] = (struct fake_target){ "multipath", MPATH_4 };
	dm.nr_targets = 2;
	assert_int_equal(RUN("attach", "mpatha"), PRTOOL_EXIT_OS);
	assert_contains(out.err, "has 2 targets");

	dm.nr_targets = 1;
	dm.uuid = "LVM-abcdef";
	assert_int_equal(RUN("attach", "mpatha"), PRTOOL_EXIT_OS);
	assert_contains(out.err, "dm uuid 'LVM-abcdef', which does not start "
				 "with 'mpath-'");

	dm.uuid = "mpath-1";
	dm.nr_targets = 0;
	assert_int_equal(RUN("attach", "mpatha"), PRTOOL_EXIT_OS);
	assert_contains(out.err, "has no live table");

	dm.nr_targets = 1;
	dm.targets[0] = (struct fake_target){ "multipath", "0 0 1 1 rr 0 1 1 "
							   "sdb 1" };
	assert_int_equal(RUN("attach", "mpatha"), PRTOOL_EXIT_OS);
	assert_contains(out.err, "cannot parse the multipath table of mpatha: "
				 "path group 1: path 1 is 'sdb'");

	dm.targets[0] = (struct fake_target){ "multipath", "1 queue_if_no_path "
							   "0 0 0" };
	assert_int_equal(RUN("attach", "mpatha"), PRTOOL_EXIT_OS);
	assert_contains(out.err, "the map has no paths");

	dm.exists = false;
	assert_int_equal(RUN("attach", "mpathz"), PRTOOL_EXIT_OS);
	assert_contains(out.err, "mpathz: no device-mapper map of that name");

	dm.exists = true;
	dm.run_fails = true;
	assert_int_equal(RUN("attach", "mpatha"), PRTOOL_EXIT_OS);
	assert_contains(out.err, "device-mapper lookup failed");

	/* Nothing reached the kernel module. */
	assert_int_equal(ipc.opens, 0);
}

static void test_attach_netlink_errors(void **state)
{
	(void)state;
	ipc.open_ret = -ENOENT;
	assert_int_equal(RUN("attach", "mpatha"), PRTOOL_EXIT_NETLINK);
	assert_int_equal(ipc.attaches, 0);

	ipc.open_ret = -EPERM;
	assert_int_equal(RUN("attach", "mpatha"), PRTOOL_EXIT_NETLINK);
	assert_contains(out.err, "could not be loaded");

	ipc.open_ret = 0;
	ipc.ret = -EINVAL;
	ipc.kernel_msg = "path 8:16 is not a slave of dm-3";
	assert_int_equal(RUN("attach", "mpatha"), PRTOOL_EXIT_NETLINK);
	assert_string_equal(out.err,
			    "prtool: kernel reports: path 8:16 is not a slave "
			    "of dm-3\n"
			    "prtool: attach mpatha (253:3): Invalid argument\n");

	ipc.kernel_msg = NULL;
	ipc.ret = -EPERM;
	assert_int_equal(RUN("sync", "mpatha"), PRTOOL_EXIT_NETLINK);
	assert_int_equal(ipc.syncs, 1);
	assert_contains(out.err, "sync mpatha (253:3): Operation not "
				 "permitted (the dm-mpath-pr commands need "
				 "CAP_SYS_ADMIN)");
}

static void test_sync(void **state)
{
	(void)state;
	assert_int_equal(RUN("sync", "/dev/fake-dm"), PRTOOL_EXIT_OK);
	/* SYNC, never ATTACH; the module is not loaded for it. */
	assert_int_equal(ipc.syncs, 1);
	assert_int_equal(ipc.attaches, 0);
	assert_false(ipc.load);
	assert_int_equal(ipc.req.major, 253);
	assert_int_equal(ipc.req.minor, 3);
	assert_int_equal(ipc.req.nr_paths, 4);
	assert_int_equal(ipc.req.paths[3].minor, 64);
	assert_false(ipc.req.has_key);
	usage_error("unknown option '--key'",
		    RUN("sync", "mpatha", "--key", "1"));
	usage_error("unexpected argument 'mpathb'",
		    RUN("sync", "mpatha", "mpathb"));

	ipc.ret = -ENOENT;
	ipc.kernel_msg = "dm-3 is not attached";
	assert_int_equal(RUN("sync", "mpatha"), PRTOOL_EXIT_NETLINK);
	assert_string_equal(out.err,
			    "prtool: kernel reports: dm-3 is not attached\n"
			    "prtool: sync mpatha (253:3): No such file or "
			    "directory (is the map attached?)\n");

	ipc.ret = 0;
	ipc.open_ret = -ENOENT;
	assert_int_equal(RUN("sync", "mpatha"), PRTOOL_EXIT_NETLINK);
	assert_contains(out.err, "sync mpatha: module dm_mpath_pr is not "
				 "loaded, so nothing is attached");
	assert_int_equal(RUN("sync"), PRTOOL_EXIT_OK);
	assert_contains(out.err, "not loaded: nothing to sync");
}

static void test_sync_all(void **state)
{
	(void)state;
	fill_devs();
	/* dm-3 is mpatha; dm-1 is no map libdevmapper knows. */
	assert_int_equal(RUN("sync"), PRTOOL_EXIT_OS);
	assert_int_equal(ipc.dumps, 1);
	assert_int_equal(ipc.syncs, 1);
	assert_int_equal(ipc.req.minor, 3);
	assert_int_equal(ipc.req.nr_paths, 4);
	assert_contains(out.err, "sync dm-1 (253:1): ");
	assert_int_equal(ipc.opens, 1);

	ipc.nr_devs = 1;
	assert_int_equal(RUN("sync"), PRTOOL_EXIT_OK);
	assert_string_equal(out.err, "");

	ipc.ret = -EPERM;
	assert_int_equal(RUN("sync"), PRTOOL_EXIT_NETLINK);
	assert_contains(out.err, "sync: cannot list the attachments: "
				 "Operation not permitted");
}

static void test_detach(void **state)
{
	(void)state;
	/* The table does not matter for detach. */
	dm.targets[0] = (struct fake_target){ "error", "" };
	assert_int_equal(RUN("detach", "mpatha"), PRTOOL_EXIT_OK);
	assert_int_equal(ipc.detaches, 1);
	assert_false(ipc.load);
	assert_int_equal(ipc.major, 253);
	assert_int_equal(ipc.minor, 3);

	ipc.ret = -ENODEV;
	ipc.kernel_msg = "dm-3 is not attached";
	assert_int_equal(RUN("detach", "mpatha"), PRTOOL_EXIT_NETLINK);
	assert_contains(out.err, "prtool: kernel reports: dm-3 is not attached");
	assert_contains(out.err, "detach mpatha (253:3): No such device");

	ipc.open_ret = -ENOENT;
	assert_int_equal(RUN("detach", "mpatha"), PRTOOL_EXIT_NETLINK);
	assert_contains(out.err, "detach mpatha: module dm_mpath_pr is not "
				 "loaded, so nothing is attached");
	usage_error("detach: missing MAP", RUN("detach"));
}

/* ---- list / show ------------------------------------------------------------- */

static void test_list_text(void **state)
{
	(void)state;
	fill_devs();
	assert_int_equal(RUN("list"), PRTOOL_EXIT_OK);
	assert_false(ipc.load);
	/* Sorted by device number; dm names from libdevmapper. */
	assert_string_equal(
		out.out,
		"dm-1 (dm-1, 253:1): no key, no reservation, 0 operations\n"
		"  sdd      8:48 active, none, last error: Input/output "
		"error, 1 commands, 1 errors\n"
		"mpatha (dm-3, 253:3): key 0x123abc (aptpl), reservation "
		"write-exclusive-reg-only held via sdc, 12 operations\n"
		"  sdb      8:16 active, registered, last error: none, "
		"5 commands, 0 errors\n"
		"  sdc      8:32 failed, pending, last error: path failed "
		"(no connection to the target), 5 commands, 2 errors\n");
}

static void test_list_json(void **state)
{
	(void)state;
	fill_devs();
	ipc.nr_devs = 1;
	assert_int_equal(RUN("list", "--json"), PRTOOL_EXIT_OK);
	assert_string_equal(
		out.out,
		"{\"attachments\":[{\"device\":\"dm-3\",\"map\":\"mpatha\","
		"\"major\":253,\"minor\":3,\"key\":\"0x123abc\","
		"\"aptpl\":true,\"preempted\":false,\"reservation\":{\"type\":"
		"\"write-exclusive-reg-only\",\"type_value\":3,\"holder\":"
		"{\"name\":\"sdc\",\"major\":8,\"minor\":32}},"
		"\"operations\":12,\"settings\":{\"probe_interval_ms\":null,"
		"\"audit_interval_ms\":null,\"deadline_ms\":null,"
		"\"sgio\":null},"
		"\"paths\":[{\"name\":\"sdb\",\"major\":8,"
		"\"minor\":16,\"state\":\"active\",\"registration\":"
		"\"registered\",\"last_error\":null,\"commands\":5,"
		"\"errors\":0},{\"name\":\"sdc\",\"major\":8,\"minor\":32,"
		"\"state\":\"failed\",\"registration\":\"pending\","
		"\"last_error\":{\"code\":65536,\"name\":\"path failed (no "
		"connection to the target)\"},\"commands\":5,\"errors\":2}],"
		"\"truncated\":false}]}\n");
}

static void test_list_not_loaded(void **state)
{
	(void)state;
	ipc.open_ret = -ENOENT;
	assert_int_equal(RUN("list", "--json"), PRTOOL_EXIT_OK);
	assert_string_equal(out.out, "{\"attachments\":[]}\n");
	assert_contains(out.err, "module dm_mpath_pr is not loaded");
	assert_int_equal(RUN("list"), PRTOOL_EXIT_OK);
	assert_string_equal(out.out, "");
}

static void test_list_errors(void **state)
{
	(void)state;
	usage_error("unexpected argument 'mpatha'", RUN("list", "mpatha"));
	ipc.ret = -EPERM;
	assert_int_equal(RUN("list"), PRTOOL_EXIT_NETLINK);
	assert_contains(out.err, "list: Operation not permitted");
	ipc.ret = 0;
	ipc.open_ret = -EIO;
	assert_int_equal(RUN("list"), PRTOOL_EXIT_NETLINK);
}

static void test_show(void **state)
{
	(void)state;
	fill_devs();
	assert_int_equal(RUN("show", "mpatha"), PRTOOL_EXIT_OK);
	assert_int_equal(ipc.gets, 1);
	assert_int_equal(ipc.minor, 3);
	assert_contains(out.out, "mpatha (dm-3, 253:3): key 0x123abc");
	assert_not_contains(out.out, "PREEMPTED");
	assert_not_contains(out.out, "settings:");
	assert_int_equal(RUN("show", "mpatha", "--json"), PRTOOL_EXIT_OK);
	assert_contains(out.out, "{\"device\":\"dm-3\",\"map\":\"mpatha\"");

	ipc.open_ret = -ENOENT;
	assert_int_equal(RUN("show", "mpatha"), PRTOOL_EXIT_NETLINK);
	assert_contains(out.err, "not loaded");
	usage_error("unexpected argument 'mpathb'",
		    RUN("show", "mpatha", "mpathb"));
	usage_error("unknown option '--frob'", RUN("show", "--frob"));
}

static void test_show_preempted_settings(void **state)
{
	struct mpr_dev_info *d = &ipc.devs[0];

	(void)state;
	fill_devs();
	d->preempted = true;
	d->has_probe_interval = true;
	d->probe_interval = 1000;
	d->has_audit_interval = true;
	d->audit_interval = 0;
	d->has_deadline = true;
	d->deadline = 5000;
	d->has_sgio = true;
	d->sgio = false;
	assert_int_equal(RUN("show", "mpatha"), PRTOOL_EXIT_OK);
	assert_string_equal(
		out.out,
		"mpatha (dm-3, 253:3): key 0x123abc (aptpl), reservation "
		"write-exclusive-reg-only held via sdc, 12 operations\n"
		"  PREEMPTED: this host's key is gone from the device "
		"(fenced); paths are not registered until it registers "
		"again\n"
		"  settings: probe interval 1000 ms, audit off, deadline "
		"5000 ms, sgio off\n"
		"  sdb      8:16 active, registered, last error: none, "
		"5 commands, 0 errors\n"
		"  sdc      8:32 failed, pending, last error: path failed "
		"(no connection to the target), 5 commands, 2 errors\n");
	d->audit_interval = 60000;
	d->has_deadline = false;
	d->sgio = true;
	assert_int_equal(RUN("show", "mpatha"), PRTOOL_EXIT_OK);
	assert_contains(out.out, "  settings: probe interval 1000 ms, audit "
				 "interval 60000 ms, sgio on\n");
	d->has_probe_interval = false;
	d->has_audit_interval = false;
	assert_int_equal(RUN("show", "mpatha"), PRTOOL_EXIT_OK);
	assert_contains(out.out, "  settings: sgio on\n");
}

/* show --json, read back with a JSON parser. */
static void test_show_json_parsed(void **state)
{
	const struct jv *paths, *p, *set, *err, *res;
	struct mpr_dev_info *d = &ipc.devs[0];
	struct jv *doc;
	char why[128];

	(void)state;
	fill_devs();
	d->preempted = true;
	d->has_probe_interval = true;
	d->probe_interval = 250;
	d->has_deadline = true;
	d->deadline = 3000;
	d->has_sgio = true;
	d->sgio = false;
	assert_int_equal(RUN("show", "--json", "mpatha"), PRTOOL_EXIT_OK);
	doc = jv_parse(out.out, why, sizeof(why));
	if (!doc)
		fail_msg("show --json: %s: %s", why, out.out);
	assert_string_equal(jv_get_string(doc, "map"), "mpatha");
	assert_string_equal(jv_get_string(doc, "key"), "0x123abc");
	assert_int_equal(jv_get(doc, "preempted")->type, JV_BOOL);
	assert_true(jv_get(doc, "preempted")->boolean);
	res = jv_get(doc, "reservation");
	assert_string_equal(jv_get_string(res, "type"),
			    "write-exclusive-reg-only");
	assert_string_equal(jv_get_string(jv_get(res, "holder"), "name"),
			    "sdc");
	set = jv_get(doc, "settings");
	assert_string_equal(jv_get(set, "probe_interval_ms")->text, "250");
	assert_int_equal(jv_get(set, "audit_interval_ms")->type, JV_NULL);
	assert_string_equal(jv_get(set, "deadline_ms")->text, "3000");
	assert_int_equal(jv_get(set, "sgio")->type, JV_BOOL);
	assert_false(jv_get(set, "sgio")->boolean);
	paths = jv_get(doc, "paths");
	assert_int_equal(paths->type, JV_ARRAY);
	p = paths->child;
	assert_string_equal(jv_get_string(p, "name"), "sdb");
	assert_string_equal(jv_get_string(p, "state"), "active");
	assert_int_equal(jv_get(p, "last_error")->type, JV_NULL);
	p = p->next;
	assert_string_equal(jv_get_string(p, "registration"), "pending");
	err = jv_get(p, "last_error");
	assert_string_equal(jv_get(err, "code")->text, "65536");
	assert_string_equal(jv_get_string(err, "name"),
			    "path failed (no connection to the target)");
	assert_string_equal(jv_get(p, "commands")->text, "5");
	assert_string_equal(jv_get(p, "errors")->text, "2");
	assert_null(p->next);
	jv_free(doc);
}

static void test_show_all(void **state)
{
	struct jv *doc;
	char why[128];

	(void)state;
	fill_devs();
	assert_int_equal(RUN("show"), PRTOOL_EXIT_OK);
	assert_int_equal(ipc.dumps, 1);
	assert_int_equal(ipc.gets, 0);
	/* Sorted: dm-1 before mpatha. */
	assert_true(strstr(out.out, "dm-1 (dm-1, 253:1)") <
		    strstr(out.out, "mpatha (dm-3, 253:3)"));
	assert_int_equal(RUN("show", "--json"), PRTOOL_EXIT_OK);
	doc = jv_parse(out.out, why, sizeof(why));
	assert_non_null(doc);
	assert_int_equal(jv_get(doc, "attachments")->type, JV_ARRAY);
	assert_string_equal(jv_get_string(jv_get(doc, "attachments")->child,
					  "device"),
			    "dm-1");
	jv_free(doc);
	ipc.open_ret = -ENOENT;
	assert_int_equal(RUN("show", "--json"), PRTOOL_EXIT_OK);
	assert_string_equal(out.out, "{\"attachments\":[]}\n");
}

/* ---- set / resync / path-state -------------------------------------------- */

static void test_set(void **state)
{
	(void)state;
	assert_int_equal(RUN("set", "mpatha", "--probe-interval", "500",
			     "-a", "0", "--deadline=4000"),
			 PRTOOL_EXIT_OK);
	assert_int_equal(ipc.sets, 1);
	assert_false(ipc.load);
	assert_int_equal(ipc.set.major, 253);
	assert_int_equal(ipc.set.minor, 3);
	assert_true(ipc.set.has_probe_interval);
	assert_int_equal(ipc.set.probe_interval, 500);
	assert_true(ipc.set.has_audit_interval);
	assert_int_equal(ipc.set.audit_interval, 0);
	assert_true(ipc.set.has_deadline);
	assert_int_equal(ipc.set.deadline, 4000);

	assert_int_equal(RUN("set", "-d", "4294967295", "mpatha"),
			 PRTOOL_EXIT_OK);
	assert_false(ipc.set.has_probe_interval);
	assert_false(ipc.set.has_audit_interval);
	assert_int_equal(ipc.set.deadline, 4294967295u);
	assert_false(ipc.set.has_sgio);

	assert_int_equal(RUN("set", "mpatha", "--sgio", "off"),
			 PRTOOL_EXIT_OK);
	assert_true(ipc.set.has_sgio);
	assert_false(ipc.set.sgio);
	assert_false(ipc.set.has_deadline);
	assert_int_equal(RUN("set", "-s", "on", "mpatha", "-d", "100"),
			 PRTOOL_EXIT_OK);
	assert_true(ipc.set.has_sgio);
	assert_true(ipc.set.sgio);
	assert_int_equal(ipc.set.deadline, 100);

	ipc.ret = -ERANGE;
	ipc.kernel_msg = "probe interval below 100 ms";
	assert_int_equal(RUN("set", "mpatha", "-p", "1"), PRTOOL_EXIT_NETLINK);
	assert_string_equal(out.err,
			    "prtool: kernel reports: probe interval below 100 "
			    "ms\nprtool: set mpatha (253:3): Numerical result "
			    "out of range\n");
}

static void test_set_usage(void **state)
{
	(void)state;
	usage_error("nothing to set", RUN("set", "mpatha"));
	usage_error("set: missing MAP", RUN("set", "-p", "100"));
	usage_error("invalid --probe-interval 'x'",
		    RUN("set", "mpatha", "-p", "x"));
	usage_error("invalid --audit-interval '-1'",
		    RUN("set", "mpatha", "--audit-interval", "-1"));
	usage_error("invalid --deadline '4294967296'",
		    RUN("set", "mpatha", "--deadline", "4294967296"));
	usage_error("invalid --deadline '10ms'",
		    RUN("set", "mpatha", "--deadline", "10ms"));
	usage_error("--deadline given twice",
		    RUN("set", "mpatha", "-d", "1", "-d", "2"));
	usage_error("option '--deadline' needs a value",
		    RUN("set", "mpatha", "--deadline"));
	usage_error("invalid --sgio 'yes': on or off",
		    RUN("set", "mpatha", "--sgio", "yes"));
	usage_error("invalid --sgio 'ON': on or off",
		    RUN("set", "mpatha", "--sgio=ON"));
	usage_error("--sgio given twice",
		    RUN("set", "mpatha", "-s", "on", "--sgio", "off"));
	usage_error("option '--sgio' needs a value",
		    RUN("set", "mpatha", "--sgio"));
	usage_error("unexpected argument 'mpathb'",
		    RUN("set", "mpatha", "mpathb", "-d", "1"));
	assert_int_equal(ipc.opens, 0);
}

static void test_resync(void **state)
{
	(void)state;
	assert_int_equal(RUN("resync", "mpatha"), PRTOOL_EXIT_OK);
	assert_int_equal(ipc.resyncs, 1);
	assert_int_equal(ipc.minor, 3);
	ipc.ret = -ENOENT;
	ipc.kernel_msg = "dm-3 is not attached";
	assert_int_equal(RUN("resync", "mpatha"), PRTOOL_EXIT_NETLINK);
	assert_contains(out.err, "prtool: kernel reports: dm-3 is not "
				 "attached\n");
	assert_contains(out.err, "resync mpatha (253:3): No such file or "
				 "directory");
	ipc.open_ret = -ENOENT;
	assert_int_equal(RUN("resync", "mpatha"), PRTOOL_EXIT_NETLINK);
	assert_contains(out.err, "not loaded");
	usage_error("resync: missing MAP", RUN("resync"));
	usage_error("unknown option '--json'", RUN("resync", "--json", "m"));
}

static void test_path_state(void **state)
{
	(void)state;
	assert_int_equal(RUN("path-state", "mpatha", "8:32", "failed"),
			 PRTOOL_EXIT_OK);
	assert_int_equal(ipc.path_states, 1);
	assert_int_equal(ipc.major, 253);
	assert_int_equal(ipc.minor, 3);
	assert_int_equal(ipc.path_major, 8);
	assert_int_equal(ipc.path_minor, 32);
	assert_int_equal(ipc.path_state, DM_MPATH_PR_PATH_FAILED);
	/* A device node: the fake device's number. */
	assert_int_equal(RUN("path-state", "mpatha", "/dev/fake-dm", "active"),
			 PRTOOL_EXIT_OK);
	assert_int_equal(ipc.path_major, 253);
	assert_int_equal(ipc.path_state, DM_MPATH_PR_PATH_ACTIVE);

	ipc.ret = -EINVAL;
	ipc.kernel_msg = "8:99 is not a path of dm-3";
	assert_int_equal(RUN("path-state", "mpatha", "8:99", "active"),
			 PRTOOL_EXIT_NETLINK);
	assert_string_equal(out.err,
			    "prtool: kernel reports: 8:99 is not a path of "
			    "dm-3\nprtool: path-state mpatha (253:3): Invalid "
			    "argument\n");
}

static void test_path_state_usage(void **state)
{
	(void)state;
	usage_error("path-state: missing MAP", RUN("path-state"));
	usage_error("path-state: missing PATH", RUN("path-state", "mpatha"));
	usage_error("missing the state (failed or active)",
		    RUN("path-state", "mpatha", "sdb"));
	usage_error("invalid state 'up'",
		    RUN("path-state", "mpatha", "8:16", "up"));
	usage_error("unexpected argument 'x'",
		    RUN("path-state", "mpatha", "8:16", "failed", "x"));
	usage_error("invalid PATH 'sdzz': /dev/sdzz: No such file or "
		    "directory",
		    RUN("path-state", "mpatha", "sdzz", "failed"));
	usage_error("invalid PATH '8:16:1': not a device name or MAJOR:MINOR",
		    RUN("path-state", "mpatha", "8:16:1", "failed"));
	assert_int_equal(ipc.opens, 0);
}

/* ---- monitor ----------------------------------------------------------------- */

static void queue_event(uint8_t cmd, uint32_t minor, const char *path)
{
	struct mpr_event *ev = &ipc.events[ipc.nr_events++];

	memset(ev, 0, sizeof(*ev));
	ev->cmd = cmd;
	ev->major = 253;
	ev->minor = minor;
	snprintf(ev->name, sizeof(ev->name), "dm-%u", minor);
	if (path) {
		ev->nr_paths = 1;
		ev->paths[0].major = 8;
		ev->paths[0].minor = 16;
		snprintf(ev->paths[0].name, sizeof(ev->paths[0].name), "%s",
			 path);
	}
}

static void test_monitor_count(void **state)
{
	(void)state;
	queue_event(DM_MPATH_PR_CMD_PATH_FAILED, 3, "sdb");
	queue_event(DM_MPATH_PR_CMD_PATH_RESTORED, 3, "sdb");
	queue_event(DM_MPATH_PR_CMD_DETACHED, 3, NULL);
	assert_int_equal(RUN("monitor", "--count", "2"), PRTOOL_EXIT_OK);
	assert_true(ipc.load);
	assert_string_equal(out.out,
			    "path-failed mpatha (dm-3, 253:3): path sdb "
			    "(8:16)\n"
			    "path-restored mpatha (dm-3, 253:3): path sdb "
			    "(8:16)\n");
	assert_string_equal(out.err, "prtool: monitor: listening\n");
}

static void test_monitor_json_filter(void **state)
{
	struct jv *doc;
	char why[128];

	(void)state;
	queue_event(DM_MPATH_PR_CMD_PATH_FAILED, 1, "sdb");
	queue_event(DM_MPATH_PR_CMD_DETACHED, 3, NULL);
	assert_int_equal(RUN("monitor", "-j", "-c", "1", "mpatha"),
			 PRTOOL_EXIT_OK);
	/* The event of dm-1 is not one of mpatha's. */
	doc = jv_parse(out.out, why, sizeof(why));
	if (!doc)
		fail_msg("%s: %s", why, out.out);
	assert_string_equal(jv_get_string(doc, "event"), "detached");
	assert_string_equal(jv_get_string(doc, "map"), "mpatha");
	assert_string_equal(jv_get(doc, "minor")->text, "3");
	jv_free(doc);
}

static void test_monitor_timeout(void **state)
{
	(void)state;
	queue_event(DM_MPATH_PR_CMD_DETACHED, 3, NULL);
	/* --timeout 0: gone before reading anything. */
	assert_int_equal(RUN("monitor", "--timeout", "0", "--count", "5"),
			 PRTOOL_EXIT_OK);
	assert_string_equal(out.out, "");
	/* One event, then nothing until the timeout: exit 0. */
	assert_int_equal(RUN("monitor", "--timeout", "1", "--count", "5"),
			 PRTOOL_EXIT_OK);
	assert_string_equal(out.out, "detached mpatha (dm-3, 253:3)\n");
}

static void test_monitor_errors(void **state)
{
	(void)state;
	ipc.events_open_ret = -EPERM;
	assert_int_equal(RUN("monitor"), PRTOOL_EXIT_NETLINK);
	assert_contains(out.err, "needs CAP_SYS_ADMIN");
	/* said once, by ipc_events_open (issue 11: a third, misleading line) */
	assert_not_contains(out.err, "cannot receive the events");
	assert_string_equal(out.out, "");
	ipc.events_open_ret = 0;

	/* A receive error ends it. */
	ipc.events_read_ret = -EIO;
	assert_int_equal(RUN("monitor"), PRTOOL_EXIT_NETLINK);

	usage_error("invalid --count '0'", RUN("monitor", "--count", "0"));
	usage_error("invalid --count 'x'", RUN("monitor", "-c", "x"));
	usage_error("invalid --timeout '-1'", RUN("monitor", "-t", "-1"));
	usage_error("option '--timeout' needs a value",
		    RUN("monitor", "--timeout"));
	usage_error("unknown option '--frob'", RUN("monitor", "--frob"));
	dm.exists = false;
	assert_int_equal(RUN("monitor", "mpathz"), PRTOOL_EXIT_OS);
	assert_contains(out.err, "mpathz: no device-mapper map of that name");
}

/* ---- daemon (options only: the loop is in test_daemon) ------------------------ */

static void test_daemon_usage(void **state)
{
	(void)state;
	usage_error("--key needs --attach-new", RUN("daemon", "--key", "1"));
	usage_error("--key 0 is not a registration",
		    RUN("daemon", "--attach-new", "--key", "0"));
	usage_error("invalid --key 'zz'", RUN("daemon", "-a", "-k", "zz"));
	usage_error("--key given twice",
		    RUN("daemon", "-a", "-k", "1", "-k", "2"));
	usage_error("unexpected argument 'mpatha'",
		    RUN("daemon", "mpatha"));
	usage_error("unknown option '--json'", RUN("daemon", "--json"));
	assert_int_equal(ipc.opens, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown_out)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_no_args),
		T(test_write_error_status),
		T(test_help),
		T(test_subcommand_help),
		T(test_version),
		T(test_unknown),
		T(test_register_usage_errors),
		T(test_register),
		T(test_register_change_key),
		T(test_register_ignore),
		T(test_unregister),
		T(test_register_conflict),
		T(test_register_path_failure),
		T(test_register_errno),
		T(test_register_open_fails),
		T(test_read_keys_text),
		T(test_read_keys_json),
		T(test_read_keys_errors),
		T(test_read_reservation),
		T(test_read_reservation_failure),
		T(test_resv_usage_errors),
		T(test_resv_help_types),
		T(test_reserve_release),
		T(test_preempt_clear),
		T(test_resv_failures),
		T(test_full_status_printers),
		T(test_capabilities_printers),
		T(test_read_full_status_cli),
		T(test_read_full_status_fallback),
		T(test_read_full_status_no_sg_io),
		T(test_attach),
		T(test_attach_key),
		T(test_attach_by_dm_minor_name),
		T(test_attach_refuses),
		T(test_attach_netlink_errors),
		T(test_sync),
		T(test_detach),
		T(test_list_text),
		T(test_list_json),
		T(test_list_not_loaded),
		T(test_list_errors),
		T(test_show),
		T(test_show_preempted_settings),
		T(test_show_json_parsed),
		T(test_show_all),
		T(test_sync_all),
		T(test_set),
		T(test_set_usage),
		T(test_resync),
		T(test_path_state),
		T(test_path_state_usage),
		T(test_monitor_count),
		T(test_monitor_json_filter),
		T(test_monitor_timeout),
		T(test_monitor_errors),
		T(test_daemon_usage),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
