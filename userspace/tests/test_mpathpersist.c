// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the mpathpersist front end through prtool_main(), as
 * "mpathpersist" and as "prtool mpathpersist", on the fake block device
 * and fake libdevmapper: every message and exit code of the reference's
 * section 1.1/1.2, the output of each service action, -H, -l, -X and batch
 * files.
 */
#include "test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <scsi/sg.h>

#include <prtool/mpath_persist_compat.h>

#include "fake_dm.h"
#include "fake_sys.h"
#include "pr_compat.h"
#include "prtool.h"

/* ---- fakes ------------------------------------------------------------ */

static uid_t uid;

uid_t __wrap_getuid(void);
uid_t __wrap_getuid(void)
{
	return uid;
}

static const struct fake_blk dm3 = {
	.path = "/dev/fake-dm",
	.alias = "/dev/mapper/mpatha",
	.major = 253,
	.minor = 3,
};

static struct {
	int calls;
	unsigned long req;
	unsigned long reqs[8];
	struct pr_registration reg;
	struct pr_reservation rsv;
	struct pr_preempt pp;
	struct pr_clear clr;
	int ret, ret_errno;
	bool no_read_ioctls;
	uint32_t nr_keys;
	uint64_t keys[4];
	struct pr_read_reservation rr;
	int sg_calls;
	uint8_t cdb[10];
	uint8_t out[1024];
	unsigned int out_len;
	uint8_t resp[256];
	size_t resp_len;
	uint8_t status;
	int sense_key;
} io;

static int fake_ioctl(unsigned long req, void *arg, bool rw)
{
	(void)rw;
	if (io.calls < 8)
		io.reqs[io.calls] = req;
	io.calls++;
	io.req = req;
	if (req == SG_IO) {
		struct sg_io_hdr *h = arg;

		io.sg_calls++;
		memcpy(io.cdb, h->cmdp, 10);
		h->status = io.status;
		h->host_status = 0;
		h->driver_status = 0;
		h->sb_len_wr = 0;
		h->resid = 0;
		if (io.sense_key >= 0) {
			uint8_t *sb = h->sbp;

			memset(sb, 0, 18);
			sb[0] = 0x70;
			sb[2] = (uint8_t)io.sense_key;
			sb[7] = 10;
			h->sb_len_wr = 18;
		}
		if (h->dxfer_direction == SG_DXFER_TO_DEV) {
			io.out_len = h->dxfer_len;
			memcpy(io.out, h->dxferp,
			       h->dxfer_len < sizeof(io.out) ? h->dxfer_len :
							       sizeof(io.out));
		} else if (!io.status) {
			size_t n = io.resp_len < h->dxfer_len ? io.resp_len :
								h->dxfer_len;

			memcpy(h->dxferp, io.resp, n);
			h->resid = (int)(h->dxfer_len - n);
		}
		return 0;
	}
	if (req == IOC_PR_READ_KEYS || req == IOC_PR_READ_RESERVATION) {
		if (io.no_read_ioctls) {
			errno = ENOTTY;
			return -1;
		}
		if (req == IOC_PR_READ_KEYS) {
			struct pr_read_keys *rk = arg;

			memcpy((void *)(uintptr_t)rk->keys_ptr, io.keys,
			       io.nr_keys * sizeof(uint64_t));
			rk->num_keys = io.nr_keys;
			rk->generation = 0x1f;
		} else {
			memcpy(arg, &io.rr, sizeof(io.rr));
		}
	} else if (req == IOC_PR_REGISTER) {
		memcpy(&io.reg, arg, sizeof(io.reg));
	} else if (req == IOC_PR_RESERVE || req == IOC_PR_RELEASE) {
		memcpy(&io.rsv, arg, sizeof(io.rsv));
	} else if (req == IOC_PR_PREEMPT || req == IOC_PR_PREEMPT_ABORT) {
		memcpy(&io.pp, arg, sizeof(io.pp));
	} else if (req == IOC_PR_CLEAR) {
		memcpy(&io.clr, arg, sizeof(io.clr));
	} else {
		errno = ENOTTY;
		return -1;
	}
	if (io.ret < 0) {
		errno = io.ret_errno;
		return -1;
	}
	return io.ret;
}

static int setup(void **state)
{
	(void)state;
	memset(&io, 0, sizeof(io));
	io.sense_key = -1;
	uid = 0;
	fake_blk_reset(&dm3);
	fake_blk.ioctl = fake_ioctl;
	fake_dm_reset();
	return 0;
}

static struct capture out;

static int teardown(void **state)
{
	(void)state;
	capture_free(&out);
	assert_int_equal(fake_open_fds, 0);
	assert_int_equal(fake_dm.tasks_open, 0);
	/* Nothing leaks into the next run. */
	assert_int_equal(mpath_mx_alloc_len, 0);
	return 0;
}

/* Run with argv[0] @arg0 and the NULL-terminated arguments. */
static int run_as(const char *arg0, ...)
{
	char *argv[40];
	int argc = 0, ret;
	const char *a;
	va_list ap;

	argv[argc++] = (char *)arg0;
	va_start(ap, arg0);
	while ((a = va_arg(ap, const char *))) {
		assert_true(argc < 39);
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

#define MP(...) run_as("mpathpersist", __VA_ARGS__, NULL)

#define USAGE "Usage: mpathpersist [OPTIONS] [DEVICE]\n"

/* A syntax error: @msg, then the usage; nothing reached the device. */
static void syntax_error(int ret, const char *msg)
{
	assert_int_equal(ret, MPATH_PR_SYNTAX_ERROR);
	assert_contains(out.err, msg);
	assert_contains(out.err, USAGE);
	assert_true(strstr(out.err, msg) < strstr(out.err, USAGE));
	assert_string_equal(out.out, "");
	assert_int_equal(io.calls, 0);
}

/* ---- invocation --------------------------------------------------------- */

static void test_no_parameter(void **state)
{
	(void)state;
	assert_int_equal(run_as("mpathpersist", NULL), 1);
	assert_true(!strncmp(out.err, "No parameter used\n", 18));
	assert_contains(out.err, USAGE);
	assert_int_equal(run_as("prtool", "mpathpersist", NULL), 1);
	assert_true(!strncmp(out.err, "No parameter used\n", 18));
}

static void test_need_root(void **state)
{
	(void)state;
	uid = 1000;
	assert_int_equal(MP("-i", "-k", "/dev/fake-dm"), 1);
	assert_string_equal(out.err, "need to be root\n");
	assert_int_equal(io.calls, 0);
}

static void test_help(void **state)
{
	(void)state;
	assert_int_equal(MP("-h"), 0);
	assert_contains(out.err, USAGE);
	assert_string_equal(out.out, "");
	assert_int_equal(MP("--help"), 0);
	assert_contains(out.err, "--transport-id=TIDS|-X TIDS");
	/* -h wins over what follows it. */
	assert_int_equal(MP("-h", "--frobnicate"), 0);
	assert_int_equal(run_as("prtool", "help", "mpathpersist", NULL), 0);
	assert_contains(out.err, USAGE);
}

static void test_invoked_by_name(void **state)
{
	(void)state;
	io.nr_keys = 1;
	io.keys[0] = 0xabc;
	assert_int_equal(run_as("/usr/sbin/mpathpersist", "-ik",
				"/dev/fake-dm", NULL), 0);
	assert_string_equal(out.out, "  PR generation=0x1f, \t1 registered "
				     "reservation key follows:\n    0xabc\n");
	assert_int_equal(run_as("prtool", "mpathpersist", "--in",
				"--read-keys", "--device=/dev/fake-dm", NULL),
			 0);
	assert_contains(out.out, "    0xabc\n");
	/* prtool's own name keeps prtool's commands. */
	assert_int_equal(run_as("/usr/sbin/prtool", "-ik", NULL), 1);
	assert_contains(out.err, "prtool: unknown option '-ik'");
}

/* ---- the checks of 1.1, in order ---------------------------------------- */

static void test_bad_options(void **state)
{
	(void)state;
	syntax_error(MP("-i", "-k", "-x", "/dev/fake-dm"),
		     "mpathpersist: invalid option -- 'x'\n"
		     "unrecognised switch code 0x3f ??\n");
	syntax_error(MP("--in", "--frob", "/dev/fake-dm"),
		     "unrecognised switch code 0x3f ??\n");
	syntax_error(MP("-o", "-G", "/dev/fake-dm", "-K"),
		     "option requires an argument -- 'K'\n"
		     "unrecognised switch code 0x3f ??\n");
	/* -v takes a value. */
	syntax_error(MP("-i", "-k", "-v"), "unrecognised switch code 0x3f ??");
	syntax_error(MP("-v", "x", "-i", "-k", "/dev/fake-dm"),
		     "bad argument to '--verbose'\n");
}

static void test_bad_values(void **state)
{
	static const char *const bad_keys[] = {
		"zz", "12zz", "-1", "0x", "", "0x12345678901234567",
		"12345678901234567", "1 2",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_keys) / sizeof(bad_keys[0]); i++) {
		syntax_error(MP("-o", "-G", "-S", bad_keys[i], "/dev/fake-dm"),
			     "bad argument to '--param-sark'\n");
		syntax_error(MP("-o", "-G", "-K", bad_keys[i], "/dev/fake-dm"),
			     "bad argument to '--param-rk'\n");
	}
	syntax_error(MP("-o", "-R", "-K", "1", "-T", "zz", "/dev/fake-dm"),
		     "bad argument to '--prout-type'\n");
	syntax_error(MP("-o", "-R", "-K", "1", "-T", "10", "/dev/fake-dm"),
		     "bad argument to '--prout-type'\n");
	syntax_error(MP("-i", "-k", "-l", "x", "/dev/fake-dm"),
		     "bad argument to '--alloc-length'\n");
	syntax_error(MP("-i", "-k", "-l", "-1", "/dev/fake-dm"),
		     "bad argument to '--alloc-length'\n");
	syntax_error(MP("-i", "-k", "-l", "8193", "/dev/fake-dm"),
		     "'--alloc-length' argument exceeds maximum "
		     "limit(8192)\n");
}

static void test_extra_arguments(void **state)
{
	(void)state;
	syntax_error(MP("-i", "-k", "/dev/fake-dm", "a", "b"),
		     "Unexpected extra argument: a\n"
		     "Unexpected extra argument: b\n");
	/* With -d, the first operand is extra too. */
	syntax_error(MP("-i", "-k", "-d", "/dev/fake-dm", "a"),
		     "Unexpected extra argument: a\n");
}

static void test_in_out(void **state)
{
	(void)state;
	syntax_error(MP("-k", "/dev/fake-dm"),
		     "choose either '--in' or '--out' \n");
	syntax_error(MP("-i", "-o", "-k", "/dev/fake-dm"),
		     "choose either '--in' or '--out' \n");
	syntax_error(MP("-o", "/dev/fake-dm"),
		     " For Persistent Reserve Out only one appropriate\n"
		     " service action must be chosen \n");
	syntax_error(MP("-o", "-G", "-R", "/dev/fake-dm"),
		     " For Persistent Reserve Out only one appropriate\n"
		     " service action must be chosen \n");
	syntax_error(MP("-o", "-G", "-k", "/dev/fake-dm"),
		     " For Persistent Reserve Out only one appropriate\n"
		     " service action must be chosen \n");
	syntax_error(MP("-i", "-G", "/dev/fake-dm"),
		     " When a service action for Persistent Reserve Out is "
		     "chosen the\n '--out' option must be given \n");
	syntax_error(MP("-i", "/dev/fake-dm"),
		     " No service action given for Persistent Reserve IN\n");
	syntax_error(MP("-i", "-k", "-r", "/dev/fake-dm"),
		     " Too many service actions given; choose one only\n");
	syntax_error(MP("-i", "-k"), "No device name given \n");
	/* The service action checks come before the device. */
	syntax_error(MP("-i"),
		     " No service action given for Persistent Reserve IN\n");
}

static void test_type_warning(void **state)
{
	static const char *const sa[] = { "-R", "-L", "-P", "-A" };
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		assert_int_equal(MP("-o", sa[i], "-K", "1", "/dev/fake-dm"), 0);
		assert_string_equal(out.err, "Warning: --prout-type probably "
					     "needs to be given\n");
	}
	assert_int_equal(MP("-o", "-R", "-K", "1", "-T", "5", "/dev/fake-dm"),
			 0);
	assert_string_equal(out.err, "");
	/* Not a question for the other service actions. */
	assert_int_equal(MP("-o", "-C", "-K", "1", "/dev/fake-dm"), 0);
	assert_string_equal(out.err, "");
	/* The warning does not stop the check that follows. */
	io.calls = 0;
	syntax_error(MP("-o", "-R"), "Warning: --prout-type probably needs to "
				     "be given\nNo device name given \n");
}

static void test_open_failure(void **state)
{
	(void)state;
	assert_int_equal(MP("-i", "-k", "/dev/nosuch"), MPATH_PR_FILE_ERROR);
	assert_string_equal(out.err,
			    "/dev/nosuch: error opening file (rw) fd=-1\n");
	assert_string_equal(out.out, "");
	fake_blk.open_ro_errno = EACCES;
	assert_int_equal(MP("-o", "-G", "-S", "1", "/dev/fake-dm"),
			 MPATH_PR_FILE_ERROR);
	assert_string_equal(out.err,
			    "/dev/fake-dm: error opening file (rw) fd=-1\n");
	assert_string_equal(out.out, "");
}

static void test_not_block_device(void **state)
{
	(void)state;
	fake_blk.not_blk = true;
	assert_int_equal(MP("-i", "-k", "/dev/fake-dm"), MPATH_PR_FILE_ERROR);
	assert_string_equal(out.err, "Persistent Reserve IN command failed\n");
	assert_int_equal(MP("-o", "-G", "-S", "1", "/dev/fake-dm"),
			 MPATH_PR_FILE_ERROR);
	assert_string_equal(out.out, "PR out: command failed\n");
	assert_string_equal(out.err, "");
}

static void test_not_multipath(void **state)
{
	(void)state;
	fake_dm.type = "linear";
	assert_int_equal(MP("-i", "-k", "/dev/fake-dm"), MPATH_PR_DMMP_ERROR);
	/* Silent at -v0, apart from the failure line. */
	assert_string_equal(out.err, "Persistent Reserve IN command failed\n");
	assert_string_equal(out.out, "");
	assert_int_equal(MP("-o", "-G", "-S", "1", "/dev/fake-dm"),
			 MPATH_PR_DMMP_ERROR);
	assert_string_equal(out.out, "PR out: command failed\n");
	assert_string_equal(out.err, "");
	fake_dm.exists = false;
	assert_int_equal(MP("-v", "1", "-i", "-k", "/dev/fake-dm"),
			 MPATH_PR_DMMP_ERROR);
	assert_contains(out.err, " | 253:3: not a multipath map: 253:3 is not "
				 "a device-mapper device\n"
				 "Persistent Reserve IN command failed\n");
	assert_int_equal(io.calls, 0);
}

/* ---- PR IN --------------------------------------------------------------- */

static void test_read_keys(void **state)
{
	(void)state;
	assert_int_equal(MP("-i", "-k", "/dev/fake-dm"), 0);
	assert_string_equal(out.out, "  PR generation=0x1f, \t0 registered "
				     "reservation key.\n");
	io.nr_keys = 2;
	io.keys[0] = 0x123abc;
	io.keys[1] = 0xdeadbeef00000001ULL;
	assert_int_equal(MP("--in", "--read-keys", "/dev/mapper/mpatha"), 0);
	assert_string_equal(out.out,
			    "  PR generation=0x1f, \t2 registered reservation "
			    "keys follow:\n"
			    "    0x123abc\n"
			    "    0xdeadbeef00000001\n");
	assert_string_equal(out.err, "");
	assert_int_equal(io.sg_calls, 0);
}

static void test_read_keys_alloc_length(void **state)
{
	(void)state;
	io.no_read_ioctls = true;
	io.resp_len = 24;
	io.resp[3] = 2;
	io.resp[7] = 16;
	io.resp[15] = 0xa;
	io.resp[23] = 0xb;
	assert_int_equal(MP("-i", "-k", "-l", "16", "/dev/fake-dm"), 0);
	assert_int_equal(io.cdb[0], 0x5e);
	assert_int_equal(io.cdb[7], 0);
	assert_int_equal(io.cdb[8], 16);
	assert_string_equal(out.out, "  PR generation=0x2, \t2 registered "
				     "reservation keys follow:\n    0xa\n");
	/* mpathpersist prints no note on the cut: neither does this... */
	assert_string_equal(out.err, "");
	/* ...below -v 3, where mpathpersist's log lines start. */
	assert_int_equal(MP("-v", "3", "-i", "-k", "-l", "16", "/dev/fake-dm"),
			 0);
	assert_contains(out.err, "only 1 of 2 keys arrived: the response "
				 "was cut at 16 bytes (--alloc-length)\n");
	/* -l 0 is the default. */
	assert_int_equal(MP("-i", "-k", "--alloc-length=0", "/dev/fake-dm"),
			 0);
	assert_int_equal(io.cdb[7], 0x20);
	assert_int_equal(io.cdb[8], 0);
}

static void test_read_reservation(void **state)
{
	(void)state;
	io.rr.generation = 3;
	assert_int_equal(MP("-i", "-r", "/dev/fake-dm"), 0);
	assert_string_equal(out.out, "  PR generation=0x3, there is NO "
				     "reservation held \n");
	io.rr.key = 0x123abc;
	io.rr.type = 3;
	assert_int_equal(MP("-ir", "/dev/fake-dm"), 0);
	assert_string_equal(out.out, "  PR generation=0x3, Reservation "
				     "follows:\n   Key = 0x123abc\n  scope = "
				     "LU_SCOPE, type = Write Exclusive, "
				     "registrants only\n");
}

static void test_report_capabilities(void **state)
{
	static const uint8_t caps[8] = { 0, 8, 0x0d, 0x81, 0xea, 0x01 };

	(void)state;
	memcpy(io.resp, caps, 8);
	io.resp_len = 8;
	assert_int_equal(MP("-i", "-c", "/dev/fake-dm"), 0);
	assert_int_equal(io.cdb[1], 0x02);
	assert_int_equal(io.cdb[8], 8);
	assert_contains(out.out, "Report capabilities response:\n");
	assert_contains(out.out, "      Exclusive Access, all registrants: "
				 "1\n");
	/* A LENGTH of 2: a message, and still success. */
	io.resp[1] = 2;
	assert_int_equal(MP("-i", "-c", "/dev/fake-dm"), 0);
	assert_string_equal(out.out, "");
	assert_string_equal(out.err, "Unexpected response for PRIN Report "
				     "Capabilities\n");
}

static void test_read_full_status(void **state)
{
	(void)state;
	io.resp[3] = 7;
	io.resp[7] = 48;
	io.resp[8 + 7] = 0xab;
	io.resp[8 + 12] = 0x01;
	io.resp[8 + 13] = 0x05;
	io.resp[8 + 19] = 1;
	io.resp[8 + 23] = 24;
	io.resp[8 + 24] = 0x06;
	io.resp[8 + 28] = 0x50;
	io.resp_len = 56;
	assert_int_equal(MP("-i", "-s", "/dev/fake-dm"), 0);
	assert_int_equal(io.cdb[1], 0x03);
	assert_string_equal(out.out,
			    "  PR generation=0x7 \n"
			    "   Key = 0xab\n"
			    "      All target ports bit clear\n"
			    "      Relative port address: 0x1\n"
			    "      << Reservation holder >>\n"
			    "      scope: LU_SCOPE,  type: Write Exclusive, "
			    "registrants only\n"
			    "   SAS         50 00 00 00 00 00 00 00\n");
}

/*
 * Cut by -l inside the second descriptor: the first one, nothing on stderr
 * (as mpathpersist), the note at -v 3.
 */
static void test_read_full_status_cut(void **state)
{
	(void)state;
	io.no_read_ioctls = true;
	io.resp[3] = 7;
	io.resp[7] = 96;
	io.resp[8 + 7] = 0xab;
	io.resp[8 + 23] = 24;
	io.resp[8 + 24] = 0x06;
	io.resp[8 + 28] = 0x50;
	io.resp[56 + 7] = 0xcd;
	io.resp_len = 104;
	assert_int_equal(MP("-i", "-s", "-l", "64", "/dev/fake-dm"), 0);
	assert_int_equal(io.cdb[8], 64);
	assert_string_equal(out.out,
			    "  PR generation=0x7 \n"
			    "   Key = 0xab\n"
			    "      All target ports bit clear\n"
			    "      Relative port address: 0x0\n"
			    "      not reservation holder\n"
			    "   SAS         50 00 00 00 00 00 00 00\n");
	assert_string_equal(out.err, "");
	assert_int_equal(MP("-v", "3", "-i", "-s", "-l", "64", "/dev/fake-dm"),
			 0);
	assert_contains(out.err, "the READ FULL STATUS response was cut at 64 "
				 "bytes: its ADDITIONAL LENGTH is 96 "
				 "(--alloc-length)\n");
}

static void test_in_failure(void **state)
{
	(void)state;
	io.status = 0x02;
	io.sense_key = 5;
	assert_int_equal(MP("-i", "-s", "/dev/fake-dm"), MPATH_PR_ILLEGAL_REQ);
	assert_string_equal(out.err, "Persistent Reserve IN command failed\n");
	assert_string_equal(out.out, "");
	io.ret = 0x18;
	assert_int_equal(MP("-i", "-k", "/dev/fake-dm"),
			 MPATH_PR_RESERV_CONFLICT);
	assert_string_equal(out.err, "Persistent Reserve IN command failed\n");
	/* PR IN failures print no PR OUT lines. */
	assert_string_equal(out.out, "");
}

static void test_hex(void **state)
{
	(void)state;
	io.nr_keys = 1;
	io.keys[0] = 0x123abc;
	assert_int_equal(MP("-i", "-k", "-H", "/dev/fake-dm"), 0);
	/* -H adds the dump on stderr; stdout keeps the decoded text. */
	assert_string_equal(out.out, "  PR generation=0x1f, \t1 registered "
				     "reservation key follows:\n    0x123abc\n");
	assert_contains(out.err, " |         00 00 00 1f 00 00 00 08  00 00 00 "
				 "00 00 12 3a bc" "                    \n");
	/* -v 3 (and more) dumps too. */
	assert_int_equal(MP("-i", "-k", "-v", "4", "/dev/fake-dm"), 0);
	assert_contains(out.err, " |         00 00 00 1f 00 00 00 08  00");
	assert_int_equal(MP("-i", "-k", "-v", "2", "/dev/fake-dm"), 0);
	assert_not_contains(out.err, "00 00 00 1f");
}

/* ---- PR OUT -------------------------------------------------------------- */

static void test_out_actions(void **state)
{
	(void)state;
	assert_int_equal(MP("--out", "--register", "--param-sark=123abc",
			    "/dev/fake-dm"), 0);
	assert_string_equal(out.out, "");
	assert_string_equal(out.err, "");
	assert_int_equal(io.req, IOC_PR_REGISTER);
	assert_int_equal(io.reg.old_key, 0);
	assert_int_equal(io.reg.new_key, 0x123abc);
	assert_int_equal(io.reg.flags, 0);

	/* Blanks and a 0x prefix are fine; 16 digits are. */
	assert_int_equal(MP("-o", "-G", "-K", " 0x123ABC", "-S",
			    "ffffffffffffffff", "-Z", "/dev/fake-dm"), 0);
	assert_int_equal(io.reg.old_key, 0x123abc);
	assert_int_equal(io.reg.new_key, UINT64_MAX);

	assert_int_equal(MP("-o", "-I", "-S", "5", "-Y", "/dev/fake-dm"), 0);
	assert_int_equal(io.reg.flags, PR_FL_IGNORE_KEY);
	assert_int_equal(io.reg.new_key, 5);

	assert_int_equal(MP("-o", "-R", "-K", "5", "-T", "0x8",
			    "/dev/fake-dm"), 0);
	assert_int_equal(io.req, IOC_PR_RESERVE);
	assert_int_equal(io.rsv.key, 5);
	assert_int_equal(io.rsv.type, 6);

	assert_int_equal(MP("-o", "-L", "-K", "5", "-T", "8", "/dev/fake-dm"),
			 0);
	assert_int_equal(io.req, IOC_PR_RELEASE);

	assert_int_equal(MP("-o", "-P", "-K", "5", "-S", "6", "-T", "1",
			    "/dev/fake-dm"), 0);
	assert_int_equal(io.req, IOC_PR_PREEMPT);
	assert_int_equal(io.pp.old_key, 5);
	assert_int_equal(io.pp.new_key, 6);
	assert_int_equal(io.pp.type, 1);

	assert_int_equal(MP("-o", "-A", "-K", "5", "-S", "6", "-T", "3",
			    "/dev/fake-dm"), 0);
	assert_int_equal(io.req, IOC_PR_PREEMPT_ABORT);
	assert_int_equal(io.pp.type, 2);

	/* The man page's -oCK form. */
	assert_int_equal(MP("-oCK", "123abc", "/dev/fake-dm"), 0);
	assert_int_equal(io.req, IOC_PR_CLEAR);
	assert_int_equal(io.clr.key, 0x123abc);
	assert_int_equal(io.sg_calls, 0);
}

static void test_out_failures(void **state)
{
	(void)state;
	io.ret = 0x18;
	assert_int_equal(MP("-o", "-G", "-S", "1", "/dev/fake-dm"),
			 MPATH_PR_RESERV_CONFLICT);
	assert_string_equal(out.out, "persistent reserve out: scsi status: "
				     "Reservation Conflict\n"
				     "PR out: command failed\n");
	assert_string_equal(out.err, "");

	io.ret = 0x10000;
	assert_int_equal(MP("-o", "-C", "-K", "1", "/dev/fake-dm"),
			 MPATH_PR_OTHER);
	assert_string_equal(out.out, "PR out: command failed\n");

	io.ret = -1;
	io.ret_errno = EINVAL;
	assert_int_equal(MP("-o", "-R", "-K", "1", "-T", "5", "/dev/fake-dm"),
			 MPATH_PR_ILLEGAL_REQ);
	assert_string_equal(out.out, "PR out: command failed\n");

	/* An obsolete type goes over SG_IO; UNIT ATTENTION stays. */
	io.ret = 0;
	io.status = 0x02;
	io.sense_key = 6;
	assert_int_equal(MP("-o", "-R", "-K", "1", "-T", "2", "/dev/fake-dm"),
			 MPATH_PR_SENSE_UNIT_ATTENTION);
	assert_int_equal(io.sg_calls, 6);
	assert_int_equal(io.cdb[0], 0x5f);
	assert_int_equal(io.cdb[2], 0x02);
	assert_string_equal(out.out, "persistent reserve out: scsi status: "
				     "Unit Attention\n"
				     "PR out: command failed\n");
}

static void test_out_hex_and_verbose(void **state)
{
	(void)state;
	assert_int_equal(MP("-o", "-G", "-S", "abc", "-H", "/dev/fake-dm"), 0);
	assert_contains(out.err, " |         00 00 00 00 00 00 00 00  00 00 00 "
				 "00 00 00 0a bc" "                    \n");
	assert_string_equal(out.out, "");
	io.ret = 0x18;
	assert_int_equal(MP("-v", "1", "-o", "-G", "-S", "abc",
			    "/dev/fake-dm"), MPATH_PR_RESERV_CONFLICT);
	assert_contains(out.err, "mpatha: IOC_PR_REGISTER failed: Reservation "
				 "conflict (MPATH_PR code 11)\n");
}

static void test_transport_ids(void **state)
{
	static const uint8_t want[] = {
		0x00, 0, 0, 0, 0, 0, 0, 0,
		0x21, 0x00, 0x00, 0x24, 0xff, 0x12, 0x34, 0x56,
		0, 0, 0, 0, 0, 0, 0, 0,
		0x06, 0, 0, 0, 0x50, 0x06, 0x05, 0xb0, 0xab, 0xcd, 0xef, 0x01,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x45, 0, 0, 28, 'i', 'q', 'n', '.', '1', '9', '9', '4',
		'-', '0', '5', '.', 'c', 'o', 'm', '.', 'x', ',', 'i', ',',
		'0', 'x', '1', '2', 0, 0, 0, 0,
	};

	(void)state;
	assert_int_equal(MP("-o", "-G", "-S", "abc", "-X",
			    "fcp,21000024ff123456", "-X",
			    "SAS,500605B0ABCDEF01", "--transport-id",
			    "iqn.1994-05.com.x,i,0x12", "/dev/fake-dm"), 0);
	assert_int_equal(io.reqs[0], SG_IO);
	assert_int_equal(io.out_len, 28 + sizeof(want));
	assert_int_equal(io.out[20], MPATH_F_SPEC_I_PT_MASK);
	assert_int_equal(io.out[27], sizeof(want));
	assert_memory_equal(io.out + 28, want, sizeof(want));
	/* Then every path of the map. */
	assert_int_equal(io.reqs[1], IOC_PR_REGISTER);
	assert_int_equal(io.reg.flags, PR_FL_IGNORE_KEY);
	assert_int_equal(io.reg.new_key, 0xabc);
	io.calls = 0;

	syntax_error(MP("-o", "-G", "-S", "1", "-X", "fcp,2100", "/dev/x"),
		     "badly formed symbolic FCP TransportID: 2100\n"
		     "bad argument to '--transport-id'\n");
	syntax_error(MP("-o", "-G", "-S", "1", "-X", "sas,500605b0abcdef0g",
			"/dev/x"),
		     "badly formed symbolic SAS TransportID: "
		     "500605b0abcdef0g\n");
	syntax_error(MP("-o", "-G", "-S", "1", "-X", "scsi,1", "/dev/x"),
		     "unknown TransportID form: scsi,1");
	syntax_error(MP("-o", "-G", "-S", "1", "-X", "iqn.x,i,0xzz", "/dev/x"),
		     "badly formed iSCSI TransportID: iqn.x,i,0xzz");
}

static void test_transport_id_limits(void **state)
{
	char name[300], *argv[80];
	int i, argc = 0, ret;

	(void)state;
	memset(name, 'a', sizeof(name));
	memcpy(name, "iqn.", 4);
	name[252] = '\0';
	syntax_error(MP("-o", "-G", "-S", "1", "-X", name, "/dev/x"),
		     "iSCSI name too long: 252 characters, at most 251\n");
	name[251] = '\0';
	assert_int_equal(MP("-o", "-G", "-S", "1", "-X", name, "/dev/fake-dm"),
			 0);
	assert_int_equal(io.out_len, 28 + 256);

	/* 33 transport IDs are one too many. */
	argv[argc++] = "mpathpersist";
	argv[argc++] = "-oG";
	for (i = 0; i < 33; i++) {
		argv[argc++] = "-X";
		argv[argc++] = "fcp,21000024ff123456";
	}
	argv[argc++] = "/dev/fake-dm";
	argv[argc] = NULL;
	io.calls = 0;
	capture_free(&out);
	capture_start(&out);
	ret = prtool_main(argc, argv);
	capture_stop(&out);
	syntax_error(ret, "too many transport IDs: at most 32\n"
			  "bad argument to '--transport-id'\n");
}

/* ---- batch files ----------------------------------------------------------- */

static char batch[64];

static void write_batch(const char *text)
{
	int fd;

	snprintf(batch, sizeof(batch), "/tmp/prtool-batch-XXXXXX");
	fd = mkstemp(batch);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_batch(void **state)
{
	(void)state;
	io.nr_keys = 1;
	io.keys[0] = 0xabc;
	write_batch("# An mpathpersist input file.\n"
		    "-i -k /dev/fake-dm # short form, this comment is "
		    "ignored\n"
		    "mpathpersist --in --read-keys --device=/dev/fake-dm\n"
		    "\n"
		    "  --out  --register    -S  abcde     /dev/fake-dm\n"
		    "\t-v 3 -o -R -K abcde -T 5 /dev/fake-dm\n");
	/* The command line runs first. */
	assert_int_equal(MP("-o", "-C", "-K", "1", "-f", batch,
			    "/dev/fake-dm"), 0);
	assert_int_equal(io.reqs[0], IOC_PR_CLEAR);
	assert_int_equal(io.reqs[1], IOC_PR_READ_KEYS);
	assert_int_equal(io.reqs[2], IOC_PR_READ_KEYS);
	assert_int_equal(io.reqs[3], IOC_PR_REGISTER);
	assert_int_equal(io.reqs[4], IOC_PR_RESERVE);
	assert_int_equal(io.reg.new_key, 0xabcde);
	assert_int_equal(io.rsv.type, 3);
	assert_string_equal(out.out,
			    "  PR generation=0x1f, \t1 registered reservation "
			    "key follows:\n    0xabc\n"
			    "  PR generation=0x1f, \t1 registered reservation "
			    "key follows:\n    0xabc\n");
	/* -v in the file is ignored: no diagnostics. */
	assert_string_equal(out.err, "");
	unlink(batch);
}

static void test_batch_only(void **state)
{
	(void)state;
	write_batch("-i -k /dev/fake-dm\n");
	assert_int_equal(MP("-f", batch), 0);
	assert_contains(out.out, "registered reservation key");
	assert_int_equal(MP("--batch-file", batch, "-v", "2"), 0);
	assert_contains(out.err, "running batch file ");
	assert_contains(out.err, " line 1: mpathpersist -i -k /dev/fake-dm\n");
	unlink(batch);
}

static void test_batch_first_failure(void **state)
{
	(void)state;
	/* Every line fails differently, and every line runs. */
	write_batch("-i /dev/fake-dm\n"
		    "-o -G -S 1 /dev/fake-dm\n"
		    "-f /tmp/other\n"
		    "-o -C -K 1 /dev/nosuch\n"
		    "-i -r /dev/fake-dm\n");
	io.ret = 0x18;
	/* The first failure is the result (0.14.3: the last, 11). */
	assert_int_equal(MP("-f", batch), MPATH_PR_SYNTAX_ERROR);
	assert_string_equal(out.err,
			    " No service action given for Persistent Reserve "
			    "IN\n"
			    "syntax error on line 1 in batch file\n"
			    "ERROR: -f option not allowed in batch file\n"
			    "syntax error on line 3 in batch file\n"
			    "/dev/nosuch: error opening file (rw) fd=-1\n"
			    "Persistent Reserve IN command failed\n");
	assert_string_equal(out.out, "persistent reserve out: scsi status: "
				     "Reservation Conflict\n"
				     "PR out: command failed\n");
	unlink(batch);
	write_batch("-o -G -S 1 /dev/fake-dm\n"
		    "-o -C -K 1 /dev/nosuch\n");
	assert_int_equal(MP("-f", batch), MPATH_PR_RESERV_CONFLICT);
	io.ret = 0;
	assert_int_equal(MP("-f", batch), MPATH_PR_FILE_ERROR);
	/* A failing command line comes first. */
	io.ret = 0x18;
	assert_int_equal(MP("-o", "-C", "-K", "1", "-f", batch,
			    "/dev/nosuch"), MPATH_PR_FILE_ERROR);
	unlink(batch);
}

static void test_batch_errors(void **state)
{
	(void)state;
	syntax_error(MP("-f", "a", "-f", "b"),
		     "ERROR: -f option can be used at most once\n");
	assert_int_equal(MP("-f", "/tmp/prtool-no-such-batch"), 1);
	assert_contains(out.err, "unable to open /tmp/prtool-no-such-batch: "
				 "No such file or directory\n");
	assert_not_contains(out.err, USAGE);
	/* A syntax error on the command line: the file is not run. */
	write_batch("-i -k /dev/fake-dm\n");
	syntax_error(MP("-i", "-f", batch),
		     " No service action given for Persistent Reserve IN\n");
	unlink(batch);
}

static void test_batch_alloc_length_per_line(void **state)
{
	(void)state;
	io.no_read_ioctls = true;
	io.resp_len = 8;
	write_batch("-i -k -l 100 /dev/fake-dm\n"
		    "-i -k /dev/fake-dm\n");
	assert_int_equal(MP("-f", batch, "-l", "200"), 0);
	/* Line 2 has the command line's -l, not line 1's. */
	assert_int_equal(io.cdb[8], 200);
	unlink(batch);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_no_parameter),
		T(test_need_root),
		T(test_help),
		T(test_invoked_by_name),
		T(test_bad_options),
		T(test_bad_values),
		T(test_extra_arguments),
		T(test_in_out),
		T(test_type_warning),
		T(test_open_failure),
		T(test_not_block_device),
		T(test_not_multipath),
		T(test_read_keys),
		T(test_read_keys_alloc_length),
		T(test_read_reservation),
		T(test_report_capabilities),
		T(test_read_full_status),
		T(test_read_full_status_cut),
		T(test_in_failure),
		T(test_hex),
		T(test_out_actions),
		T(test_out_failures),
		T(test_out_hex_and_verbose),
		T(test_transport_ids),
		T(test_transport_id_limits),
		T(test_batch),
		T(test_batch_only),
		T(test_batch_first_failure),
		T(test_batch_errors),
		T(test_batch_alloc_length_per_line),
	};

	return cmocka_run_group_tests_name("mpathpersist", tests, NULL, NULL);
}
