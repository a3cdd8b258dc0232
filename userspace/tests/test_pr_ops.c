// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the PR OUT ioctls (reserve, release, preempt, clear), raw
 * PERSISTENT RESERVE IN/OUT over SG_IO (CDB, direction, sense outcome) and
 * descriptors borrowed from the caller, on the fake block device.
 */
#include "test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <scsi/sg.h>

#include "fake_sys.h"
#include "pr.h"
#include "pr_compat.h"
#include "prtool.h"

static const struct fake_blk dm3 = {
	.path = "/dev/fake-dm",
	.alias = "/dev/mapper/mpatha",
	.major = 253,
	.minor = 3,
};

static struct {
	int calls;
	unsigned long req;
	union {
		struct pr_reservation rsv;
		struct pr_preempt pp;
		struct pr_clear clr;
	} arg;
	int ret, ret_errno;
	bool eperm;
	/* SG_IO */
	uint8_t cdb[16];
	int dir;
	unsigned int dxfer_len;
	uint8_t out[256];	/* PR OUT data received */
	uint8_t in[64];		/* PR IN data to send */
	size_t in_len;
	uint8_t status, host, driver;
	uint8_t sense[32];
	size_t sense_len;
} io;

static int fake_ioctl(unsigned long req, void *arg, bool rw)
{
	(void)rw;
	io.calls++;
	io.req = req;
	if (io.eperm) {
		errno = EPERM;
		return -1;
	}
	if (req == IOC_PR_RESERVE || req == IOC_PR_RELEASE) {
		memcpy(&io.arg.rsv, arg, sizeof(io.arg.rsv));
	} else if (req == IOC_PR_PREEMPT || req == IOC_PR_PREEMPT_ABORT) {
		memcpy(&io.arg.pp, arg, sizeof(io.arg.pp));
	} else if (req == IOC_PR_CLEAR) {
		memcpy(&io.arg.clr, arg, sizeof(io.arg.clr));
	} else if (req == SG_IO) {
		struct sg_io_hdr *h = arg;

		assert_int_equal(h->interface_id, 'S');
		assert_int_equal(h->cmd_len, 10);
		memcpy(io.cdb, h->cmdp, h->cmd_len);
		io.dir = h->dxfer_direction;
		io.dxfer_len = h->dxfer_len;
		if (h->dxfer_direction == SG_DXFER_TO_DEV)
			memcpy(io.out, h->dxferp,
			       h->dxfer_len < sizeof(io.out) ? h->dxfer_len :
							       sizeof(io.out));
		h->status = io.status;
		h->host_status = io.host;
		h->driver_status = io.driver;
		h->sb_len_wr = (unsigned char)io.sense_len;
		memcpy(h->sbp, io.sense, io.sense_len);
		h->resid = 0;
		if (h->dxfer_direction == SG_DXFER_FROM_DEV) {
			size_t n = io.in_len < h->dxfer_len ? io.in_len :
							      h->dxfer_len;

			memcpy(h->dxferp, io.in, n);
			h->resid = (int)(h->dxfer_len - n);
		}
		return 0;
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
	fake_blk_reset(&dm3);
	fake_blk.ioctl = fake_ioctl;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(fake_open_fds, 0);
	return 0;
}

static void open_dev(struct pr_dev *d)
{
	assert_int_equal(pr_dev_open(d, "/dev/fake-dm"), 0);
}

static void test_reserve_release(void **state)
{
	struct pr_dev d;

	(void)state;
	open_dev(&d);
	assert_int_equal(pr_reserve(&d, 0x123abc, PR_WRITE_EXCLUSIVE_REG_ONLY,
				    0), 0);
	assert_int_equal(io.req, IOC_PR_RESERVE);
	assert_int_equal(io.arg.rsv.key, 0x123abc);
	assert_int_equal(io.arg.rsv.type, 3);
	assert_int_equal(io.arg.rsv.flags, 0);

	io.ret = 0x18;
	assert_int_equal(pr_release(&d, 0xfeed, PR_EXCLUSIVE_ACCESS_ALL_REGS),
			 0x18);
	assert_int_equal(io.req, IOC_PR_RELEASE);
	assert_int_equal(io.arg.rsv.key, 0xfeed);
	assert_int_equal(io.arg.rsv.type, 6);
	pr_dev_close(&d);
}

static void test_preempt_clear(void **state)
{
	struct pr_dev d;

	(void)state;
	open_dev(&d);
	assert_int_equal(pr_preempt(&d, 0xa, 0xb, PR_WRITE_EXCLUSIVE, false),
			 0);
	assert_int_equal(io.req, IOC_PR_PREEMPT);
	assert_int_equal(io.arg.pp.old_key, 0xa);
	assert_int_equal(io.arg.pp.new_key, 0xb);
	assert_int_equal(io.arg.pp.type, 1);
	assert_int_equal(pr_preempt(&d, 0xa, 0xb, 0, true), 0);
	assert_int_equal(io.req, IOC_PR_PREEMPT_ABORT);
	assert_int_equal(io.arg.pp.type, 0);

	io.ret = -1;
	io.ret_errno = EOPNOTSUPP;
	assert_int_equal(pr_clear(&d, 0x77), -EOPNOTSUPP);
	assert_int_equal(io.req, IOC_PR_CLEAR);
	assert_int_equal(io.arg.clr.key, 0x77);
	pr_dev_close(&d);
}

static void test_pr_in_cdb(void **state)
{
	uint8_t buf[24];
	struct pr_dev d;
	size_t got = 99;

	(void)state;
	io.in[3] = 0x1f;
	io.in_len = 8;
	open_dev(&d);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(pr_in(&d, PR_IN_READ_FULL_STATUS, buf, sizeof(buf),
			       &got), 0);
	assert_int_equal(io.cdb[0], 0x5e);
	assert_int_equal(io.cdb[1], 0x03);
	assert_int_equal(io.cdb[7], 0);
	assert_int_equal(io.cdb[8], 24);
	assert_int_equal(io.dir, SG_DXFER_FROM_DEV);
	assert_int_equal(got, 8);
	assert_int_equal(buf[3], 0x1f);
	/* What the device did not send is zero, not stale. */
	assert_int_equal(buf[8], 0);
	assert_int_equal(buf[23], 0);
	assert_true(d.sg.valid);
	assert_int_equal(d.sg.sense_key, -1);

	/* The 16-bit allocation length, big-endian. */
	assert_int_equal(pr_in(&d, PR_IN_REPORT_CAPABILITIES, buf, 8, &got),
			 0);
	assert_int_equal(io.cdb[1], 0x02);
	assert_int_equal(io.cdb[8], 8);
	pr_dev_close(&d);
}

static void test_pr_in_alloc_len_limit(void **state)
{
	static uint8_t big[PR_IN_MAX_ALLOC + 8];
	struct pr_dev d;
	size_t got;

	(void)state;
	open_dev(&d);
	assert_int_equal(pr_in(&d, 0, big, PR_IN_MAX_ALLOC, &got), 0);
	assert_int_equal(io.cdb[7], 0xff);
	assert_int_equal(io.cdb[8], 0xf8);
	assert_int_equal(pr_in(&d, 0, big, PR_IN_MAX_ALLOC + 1, &got),
			 -EINVAL);
	assert_int_equal(io.calls, 1);
	pr_dev_close(&d);
}

static void test_pr_in_sense(void **state)
{
	uint8_t buf[8];
	struct pr_dev d;
	size_t got;

	(void)state;
	open_dev(&d);
	/* Fixed format, NOT READY 04/07. */
	io.status = 0x02;
	io.driver = 0x08;
	io.sense[0] = 0x70;
	io.sense[2] = 0x02;
	io.sense[7] = 10;
	io.sense[12] = 0x04;
	io.sense[13] = 0x07;
	io.sense_len = 18;
	assert_int_equal(pr_in(&d, 0, buf, sizeof(buf), &got), 0x02);
	assert_int_equal(got, 0);
	assert_int_equal(d.sg.status, 0x02);
	assert_int_equal(d.sg.sense_key, 2);
	assert_int_equal(d.sg.asc, 0x04);
	assert_int_equal(d.sg.ascq, 0x07);
	assert_contains(d.detail, "NOT READY");

	/* Descriptor format; the key is masked to 4 bits. */
	memset(io.sense, 0, sizeof(io.sense));
	io.sense[0] = 0x72;
	io.sense[1] = 0xf6;
	io.sense[2] = 0x29;
	io.sense_len = 8;
	assert_int_equal(pr_in(&d, 0, buf, sizeof(buf), &got), 0x02);
	assert_int_equal(d.sg.sense_key, 6);
	assert_int_equal(d.sg.asc, 0x29);

	/* A host byte wins, and the outcome says so. */
	io.status = 0;
	io.host = 0x0e;
	io.sense_len = 0;
	assert_int_equal(pr_in(&d, 0, buf, sizeof(buf), &got), 0xe0000);
	assert_int_equal(d.sg.host, 0x0e);
	assert_int_equal(d.sg.sense_key, -1);

	/* DRIVER_SENSE alone is no error; another driver byte is. */
	io.host = 0;
	io.driver = 0x08;
	assert_int_equal(pr_in(&d, 0, buf, sizeof(buf), &got), 0);
	io.driver = 0x06;
	assert_int_equal(pr_in(&d, 0, buf, sizeof(buf), &got), 0x06000000);
	pr_dev_close(&d);
}

static void test_pr_out(void **state)
{
	uint8_t param[24 + 28] = { 0 };
	struct pr_dev d;

	(void)state;
	param[7] = 0x01;
	param[20] = 0x08;
	param[27] = 24;
	open_dev(&d);
	assert_int_equal(pr_out(&d, PR_OUT_REGISTER, 0x00, param,
				sizeof(param)), 0);
	assert_int_equal(io.cdb[0], 0x5f);
	assert_int_equal(io.cdb[1], 0x00);
	assert_int_equal(io.cdb[2], 0x00);
	/* Parameter list length in bytes 5-8. */
	assert_int_equal(io.cdb[5], 0);
	assert_int_equal(io.cdb[6], 0);
	assert_int_equal(io.cdb[7], 0);
	assert_int_equal(io.cdb[8], sizeof(param));
	assert_int_equal(io.dir, SG_DXFER_TO_DEV);
	assert_int_equal(io.dxfer_len, sizeof(param));
	assert_memory_equal(io.out, param, sizeof(param));

	io.status = 0x18;
	assert_int_equal(pr_out(&d, PR_OUT_RESERVE, 0x12, param, 24), 0x18);
	assert_int_equal(io.cdb[1], 0x01);
	assert_int_equal(io.cdb[2], 0x12);
	assert_int_equal(d.sg.status, 0x18);
	pr_dev_close(&d);
}

static void test_use_fd_is_borrowed(void **state)
{
	struct pr_dev d;
	int fd;

	(void)state;
	fd = open("/dev/fake-dm", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pr_dev_use_fd(&d, fd), 0);
	assert_true(d.borrowed);
	assert_false(d.rw);
	assert_int_equal(d.major, 253);
	assert_int_equal(d.minor, 3);
	assert_string_equal(d.path, "/dev/block/253:3");

	/* EPERM is not retried on a read-write descriptor of our own. */
	io.eperm = true;
	assert_int_equal(pr_clear(&d, 1), -EPERM);
	assert_int_equal(io.calls, 1);
	assert_int_equal(fake_opens_rw, 0);

	/* The caller's descriptor stays open. */
	pr_dev_close(&d);
	assert_int_equal(fake_open_fds, 1);
	close(fd);

	assert_int_equal(pr_dev_use_fd(&d, 12345), -EBADF);
	fake_blk.not_blk = true;
	fd = open("/dev/fake-dm", O_RDWR);
	assert_int_equal(pr_dev_use_fd(&d, fd), -ENOTBLK);
	close(fd);
}

static void test_open_quiet(void **state)
{
	struct capture c;
	struct pr_dev d;

	(void)state;
	capture_start(&c);
	assert_int_equal(pr_dev_open(&d, ""), -EINVAL);
	assert_int_equal(pr_dev_open(&d, "nosuch"), -ENOENT);
	fake_blk.open_ro_errno = EACCES;
	assert_int_equal(pr_dev_open(&d, "mpatha"), -EACCES);
	fake_blk.open_ro_errno = 0;
	fake_blk.not_blk = true;
	assert_int_equal(pr_dev_open(&d, "/dev/fake-dm"), -ENOTBLK);
	capture_stop(&c);
	/* Library callers get codes, not messages. */
	assert_string_equal(c.err, "");
	capture_free(&c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_reserve_release),
		T(test_preempt_clear),
		T(test_pr_in_cdb),
		T(test_pr_in_alloc_len_limit),
		T(test_pr_in_sense),
		T(test_pr_out),
		T(test_use_fd_is_borrowed),
		T(test_open_quiet),
	};

	return cmocka_run_group_tests_name("pr_ops", tests, NULL, NULL);
}
