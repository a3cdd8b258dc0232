// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: PR commands on a (fake) block device: ioctl use, the
 * read-write retry after EPERM, the SG_IO fallback for reads, and parsing
 * of PERSISTENT RESERVE IN data.
 */
#include "cli.h"
#include "test_util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scsi/sg.h>

#include "fake_sys.h"
#include "pr.h"
#include "pr_compat.h"
#include "prtool.h"
#include "status.h"

static const struct fake_blk dm3 = {
	.path = "/dev/fake-dm",
	.alias = "/dev/mapper/mpatha",
	.major = 253,
	.minor = 3,
};

/* What the fake ioctl handlers saw and return. */
static struct {
	int calls;
	unsigned long req[8];
	struct pr_registration reg;
	int ret;		/* result for PR ioctls */
	int ret_errno;		/* if ret < 0 */
	bool eperm_ro;		/* EPERM unless the fd is read-write */
	bool no_read_ioctls;	/* IOC_PR_READ_* give ENOTTY */
	bool no_sg_io;		/* SG_IO gives EINVAL */
	uint32_t total_keys;	/* keys the device has */
	uint8_t cdb[16];
	unsigned int dxfer_len;
	uint8_t sg_data[64];	/* PR IN data to return */
	size_t sg_data_len;
	uint8_t sg_status, sg_host;
	uint8_t sense[32];
	size_t sense_len;
	int ua_left;		/* SG_IO answers UNIT ATTENTION this often */
	bool rr_none;		/* IOC_PR_READ_RESERVATION: none, as sd says it */
	int sg_calls;
	size_t overrun;		/* bytes written past dxfer_len, as LIO does */
} io;

static int fail_errno(int err)
{
	errno = err;
	return -1;
}

static int fake_ioctl(unsigned long req, void *arg, bool rw)
{
	if (io.calls < 8)
		io.req[io.calls] = req;
	io.calls++;
	if (io.eperm_ro && !rw)
		return fail_errno(EPERM);

	if (req == IOC_PR_REGISTER) {
		memcpy(&io.reg, arg, sizeof(io.reg));
	} else if (req == IOC_PR_READ_KEYS) {
		struct pr_read_keys *rk = arg;
		uint64_t *keys = (uint64_t *)(uintptr_t)rk->keys_ptr;
		uint32_t i;

		if (io.no_read_ioctls)
			return fail_errno(ENOTTY);
		for (i = 0; i < io.total_keys && i < rk->num_keys; i++)
			keys[i] = 0x1000 + i;
		rk->generation = 7;
		rk->num_keys = io.total_keys;
	} else if (req == IOC_PR_READ_RESERVATION) {
		struct pr_read_reservation *rr = arg;

		if (io.no_read_ioctls)
			return fail_errno(ENOTTY);
		if (io.rr_none)
			return 0;
		rr->generation = 9;
		rr->key = 0xabc;
		rr->type = 3;
	} else if (req == SG_IO) {
		struct sg_io_hdr *h = arg;

		if (io.no_sg_io)
			return fail_errno(EINVAL);
		assert_int_equal(h->interface_id, 'S');
		assert_int_equal(h->dxfer_direction, SG_DXFER_FROM_DEV);
		memcpy(io.cdb, h->cmdp, h->cmd_len);
		io.dxfer_len = h->dxfer_len;
		io.sg_calls++;
		if (io.ua_left > 0) {
			/* Fixed format: UNIT ATTENTION, reservations released. */
			static const uint8_t ua[18] = { 0x70, 0, 0x06, 0, 0, 0,
							0, 10, 0, 0, 0, 0,
							0x2a, 0x04 };

			io.ua_left--;
			h->status = 0x02;
			h->driver_status = 0x08;
			memcpy(h->sbp, ua, sizeof(ua));
			h->sb_len_wr = sizeof(ua);
			return 0;
		}
		h->status = io.sg_status;
		h->host_status = io.sg_host;
		h->driver_status = io.sense_len ? 0x08 : 0;
		if (io.sense_len) {
			memcpy(h->sbp, io.sense, io.sense_len);
			h->sb_len_wr = (unsigned char)io.sense_len;
		}
		if (!io.sg_status && !io.sg_host) {
			size_t n = io.sg_data_len < h->dxfer_len ?
					   io.sg_data_len :
					   h->dxfer_len;

			memcpy(h->dxferp, io.sg_data, n);
			h->resid = (int)(h->dxfer_len - n);
			/* A target that writes past the allocation length. */
			if (io.overrun && io.sg_data_len > n)
				memcpy((uint8_t *)h->dxferp + n, io.sg_data + n,
				       io.sg_data_len - n < io.overrun ?
					       io.sg_data_len - n :
					       io.overrun);
		}
		return 0;
	} else {
		return fail_errno(ENOTTY);
	}
	if (io.ret < 0)
		return fail_errno(io.ret_errno);
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
	/* Every test closes what it opened. */
	assert_int_equal(fake_open_fds, 0);
	return 0;
}

static void open_dev(struct pr_dev *d, const char *arg)
{
	struct capture c;

	capture_start(&c);
	assert_int_equal(cli_dev_open(d, arg), PRTOOL_EXIT_OK);
	capture_stop(&c);
	capture_free(&c);
}

static void test_compat_layout(void **state)
{
	(void)state;
	/* Upstream UAPI: exact sizes and ioctl numbers. */
	assert_int_equal(sizeof(struct pr_read_keys), 16);
	assert_int_equal(sizeof(struct pr_read_reservation), 16);
	assert_int_equal(offsetof(struct pr_read_keys, num_keys), 4);
	assert_int_equal(offsetof(struct pr_read_keys, keys_ptr), 8);
	assert_int_equal(offsetof(struct pr_read_reservation, generation), 8);
	assert_int_equal(offsetof(struct pr_read_reservation, type), 12);
	assert_int_equal(IOC_PR_READ_KEYS, 0xc01070ce);
	assert_int_equal(IOC_PR_READ_RESERVATION, 0x801070cf);
	assert_int_equal(IOC_PR_REGISTER, 0x401870c8);
}

static void test_open_read_only(void **state)
{
	struct pr_dev d;

	(void)state;
	open_dev(&d, "/dev/fake-dm");
	assert_false(d.rw);
	assert_int_equal(d.major, 253);
	assert_int_equal(d.minor, 3);
	assert_int_equal(fake_opens_ro, 1);
	assert_int_equal(fake_opens_rw, 0);
	pr_dev_close(&d);
}

static void test_open_by_dm_name(void **state)
{
	struct pr_dev d;

	(void)state;
	open_dev(&d, "mpatha");
	assert_string_equal(d.path, "/dev/mapper/mpatha");
	pr_dev_close(&d);
}

static void test_open_errors(void **state)
{
	struct capture c;
	struct pr_dev d;

	(void)state;
	fake_blk.open_ro_errno = EACCES;
	capture_start(&c);
	assert_int_equal(cli_dev_open(&d, "/dev/fake-dm"), PRTOOL_EXIT_OS);
	capture_stop(&c);
	assert_contains(c.err, "cannot open /dev/fake-dm for reading: "
			       "Permission denied");
	capture_free(&c);

	fake_blk.open_ro_errno = 0;
	fake_blk.not_blk = true;
	capture_start(&c);
	assert_int_equal(cli_dev_open(&d, "/dev/fake-dm"), PRTOOL_EXIT_OS);
	capture_stop(&c);
	assert_contains(c.err, "/dev/fake-dm: not a block device");
	capture_free(&c);

	capture_start(&c);
	assert_int_equal(cli_dev_open(&d, "nosuch"), PRTOOL_EXIT_OS);
	capture_stop(&c);
	assert_contains(c.err, "nosuch: no such device (looked for "
			       "/dev/mapper/nosuch and /dev/nosuch)");
	capture_free(&c);
}

/*
 * A FIFO is refused without opening it: open() of a FIFO waits for a
 * writer, and "prtool read-keys FIFO" hung for ever (issue 11). The alarm
 * turns a hang into a failure of this program.
 */
static void test_open_fifo_refused(void **state)
{
	char dir[] = "/tmp/test_pr.XXXXXX", path[64];
	struct pr_dev d;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(10);
	assert_int_equal(pr_dev_open(&d, path), -ENOTBLK);
	assert_int_equal(cli_dev_open(&d, path), PRTOOL_EXIT_OS);
	alarm(0);
	unlink(path);
	rmdir(dir);
}

static void test_register_args(void **state)
{
	struct pr_dev d;

	(void)state;
	open_dev(&d, "/dev/fake-dm");
	assert_int_equal(pr_register(&d, 0x11, 0x22, PR_FL_IGNORE_KEY), 0);
	assert_int_equal(io.req[0], IOC_PR_REGISTER);
	assert_int_equal(io.reg.old_key, 0x11);
	assert_int_equal(io.reg.new_key, 0x22);
	assert_int_equal(io.reg.flags, PR_FL_IGNORE_KEY);
	pr_dev_close(&d);
}

static void test_register_positive_status(void **state)
{
	struct pr_dev d;

	(void)state;
	io.ret = 0x18;
	open_dev(&d, "/dev/fake-dm");
	assert_int_equal(pr_register(&d, 0, 1, 0), 0x18);
	pr_dev_close(&d);
}

/* EPERM on a read-only descriptor: retried once read-write. */
static void test_eperm_retries_read_write(void **state)
{
	struct pr_dev d;

	(void)state;
	io.eperm_ro = true;
	open_dev(&d, "/dev/fake-dm");
	assert_int_equal(pr_register(&d, 0, 5, 0), 0);
	assert_true(d.rw);
	assert_int_equal(io.calls, 2);
	assert_int_equal(fake_opens_rw, 1);
	assert_int_equal(io.reg.new_key, 5);
	/* The read-only descriptor was closed. */
	assert_int_equal(fake_open_fds, 1);
	pr_dev_close(&d);
}

static void test_eperm_rw_open_fails(void **state)
{
	struct capture c;
	struct pr_dev d;
	int ret;

	(void)state;
	io.eperm_ro = true;
	fake_blk.open_rw_errno = EROFS;
	open_dev(&d, "/dev/fake-dm");
	ret = pr_register(&d, 0, 5, 0);
	assert_int_equal(ret, -EPERM);
	assert_int_equal(d.rw_errno, EROFS);
	capture_start(&c);
	assert_int_equal(cli_pr_failure(&d, "register", ret),
			 PRTOOL_EXIT_OS);
	capture_stop(&c);
	assert_contains(c.err, "register on /dev/fake-dm: Operation not "
			       "permitted");
	assert_contains(c.err, "CAP_SYS_ADMIN");
	assert_contains(c.err, "Read-only file system");
	capture_free(&c);
	pr_dev_close(&d);
}

static void test_eperm_partition_not_retried(void **state)
{
	struct capture c;
	struct pr_dev d;
	int ret;

	(void)state;
	io.ret = -1;
	io.ret_errno = EPERM;
	fake_blk.partition = true;
	open_dev(&d, "/dev/fake-dm");
	ret = pr_register(&d, 0, 5, 0);
	assert_int_equal(ret, -EPERM);
	assert_int_equal(fake_opens_rw, 0);
	capture_start(&c);
	cli_pr_failure(&d, "register", ret);
	capture_stop(&c);
	assert_contains(c.err, "not to partitions");
	capture_free(&c);
	pr_dev_close(&d);
}

static void test_report_conflict(void **state)
{
	struct capture c;
	struct pr_dev d;

	(void)state;
	open_dev(&d, "/dev/fake-dm");
	capture_start(&c);
	assert_int_equal(cli_pr_failure(&d, "register", 0x18),
			 PRTOOL_EXIT_CONFLICT);
	assert_int_equal(cli_pr_failure(&d, "register", 0x10000),
			 PRTOOL_EXIT_PR);
	capture_stop(&c);
	assert_contains(c.err, "prtool: register on /dev/fake-dm failed: "
			       "Reservation conflict\n");
	assert_contains(c.err, "failed: path failed (no connection to the "
			       "target)");
	capture_free(&c);
	pr_dev_close(&d);
}

static void test_read_keys_ioctl(void **state)
{
	struct pr_dev d;
	struct pr_keys k;

	(void)state;
	io.total_keys = 3;
	open_dev(&d, "/dev/fake-dm");
	assert_int_equal(pr_read_keys(&d, &k), 0);
	assert_int_equal(k.source, PR_SRC_IOCTL);
	assert_int_equal(k.generation, 7);
	assert_int_equal(k.num_keys, 3);
	assert_int_equal(k.keys[0], 0x1000);
	assert_int_equal(k.keys[2], 0x1002);
	assert_int_equal(io.calls, 1);
	free(k.keys);
	pr_dev_close(&d);
}

/* More keys than the first buffer: the ioctl is repeated, larger. */
static void test_read_keys_grows(void **state)
{
	struct pr_dev d;
	struct pr_keys k;

	(void)state;
	io.total_keys = 100;
	open_dev(&d, "/dev/fake-dm");
	assert_int_equal(pr_read_keys(&d, &k), 0);
	assert_int_equal(io.calls, 2);
	assert_int_equal(k.num_keys, 100);
	assert_int_equal(k.keys[99], 0x1000 + 99);
	free(k.keys);
	pr_dev_close(&d);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

/* Linux without IOC_PR_READ_KEYS: PERSISTENT RESERVE IN over SG_IO. */
static void test_read_keys_sg_io_fallback(void **state)
{
	struct pr_dev d;
	struct pr_keys k;

	(void)state;
	io.no_read_ioctls = true;
	put_be32(io.sg_data, 0x1f);
	put_be32(io.sg_data + 4, 16);
	put_be64(io.sg_data + 8, 0x123abc);
	put_be64(io.sg_data + 16, 0xdeadbeef00000001ULL);
	io.sg_data_len = 24;
	open_dev(&d, "/dev/fake-dm");
	assert_int_equal(pr_read_keys(&d, &k), 0);
	assert_int_equal(io.req[0], IOC_PR_READ_KEYS);
	assert_int_equal(io.req[1], SG_IO);
	assert_int_equal(k.source, PR_SRC_SG_IO);
	assert_int_equal(k.generation, 0x1f);
	assert_int_equal(k.num_keys, 2);
	assert_int_equal(k.keys[0], 0x123abc);
	assert_int_equal(k.keys[1], 0xdeadbeef00000001ULL);
	/* PERSISTENT RESERVE IN, READ KEYS, allocation length. */
	assert_int_equal(io.cdb[0], 0x5e);
	assert_int_equal(io.cdb[1], 0x00);
	assert_int_equal((io.cdb[7] << 8) | io.cdb[8], io.dxfer_len);
	free(k.keys);
	pr_dev_close(&d);
}

static void test_read_keys_sg_io_check_condition(void **state)
{
	struct capture c;
	struct pr_dev d;
	struct pr_keys k;
	int ret;

	(void)state;
	io.no_read_ioctls = true;
	io.sg_status = 0x02;
	/* Fixed format: ILLEGAL REQUEST, invalid command operation code. */
	io.sense[0] = 0x70;
	io.sense[2] = 0x05;
	io.sense[7] = 10;
	io.sense[12] = 0x20;
	io.sense[13] = 0x00;
	io.sense_len = 18;
	open_dev(&d, "/dev/fake-dm");
	ret = pr_read_keys(&d, &k);
	assert_int_equal(ret, 0x02);
	assert_null(k.keys);
	capture_start(&c);
	assert_int_equal(cli_pr_failure(&d, "read-keys", ret),
			 PRTOOL_EXIT_PR);
	capture_stop(&c);
	assert_contains(c.err, "read-keys on /dev/fake-dm failed: I/O error "
			       "(check condition) (sense key ILLEGAL REQUEST, "
			       "additional sense 0x20/0x00 (invalid command "
			       "operation code))");
	capture_free(&c);
	pr_dev_close(&d);
}

static void test_read_keys_sg_io_descriptor_sense(void **state)
{
	struct capture c;
	struct pr_dev d;
	struct pr_keys k;
	int ret;

	(void)state;
	io.no_read_ioctls = true;
	io.sg_status = 0x02;
	/* Descriptor format: UNIT ATTENTION, registrations preempted. */
	io.sense[0] = 0x72;
	io.sense[1] = 0x06;
	io.sense[2] = 0x2a;
	io.sense[3] = 0x05;
	io.sense_len = 8;
	open_dev(&d, "/dev/fake-dm");
	ret = pr_read_keys(&d, &k);
	capture_start(&c);
	cli_pr_failure(&d, "read-keys", ret);
	capture_stop(&c);
	assert_contains(c.err, "UNIT ATTENTION");
	assert_contains(c.err, "registrations preempted");
	capture_free(&c);
	pr_dev_close(&d);
}

/* A UNIT ATTENTION means the read did not run: it is read again. */
static void test_read_reservation_sg_io_unit_attention(void **state)
{
	struct pr_dev d;
	struct pr_resv r;

	(void)state;
	io.no_read_ioctls = true;
	io.ua_left = 2;
	put_be32(io.sg_data, 0x5);
	put_be32(io.sg_data + 4, 16);
	put_be64(io.sg_data + 8, 0xa2);
	io.sg_data[21] = 0x05;
	io.sg_data_len = 24;
	open_dev(&d, "/dev/fake-dm");
	assert_int_equal(pr_read_reservation(&d, &r), 0);
	assert_int_equal(io.sg_calls, 3);
	assert_true(r.held);
	assert_int_equal(r.key, 0xa2);
	assert_int_equal(r.scsi_type, 5);
	pr_dev_close(&d);
}

/* ... but not forever: after PR_IN_UA_RETRIES the UNIT ATTENTION counts. */
static void test_read_keys_sg_io_unit_attention_persists(void **state)
{
	struct pr_dev d;
	struct pr_keys k;

	(void)state;
	io.no_read_ioctls = true;
	io.ua_left = 100;
	open_dev(&d, "/dev/fake-dm");
	assert_int_equal(pr_read_keys(&d, &k), 0x02);
	assert_int_equal(io.sg_calls, 1 + PR_IN_UA_RETRIES);
	assert_int_equal(d.sg.sense_key, 0x6);
	pr_dev_close(&d);
}

static void test_read_keys_sg_io_path_failure(void **state)
{
	struct pr_dev d;
	struct pr_keys k;

	(void)state;
	io.no_read_ioctls = true;
	io.sg_host = 0x01;
	open_dev(&d, "/dev/fake-dm");
	assert_int_equal(pr_read_keys(&d, &k), 0x10000);
	assert_int_equal(pr_status_classify(0x10000), PR_CLASS_PATH);
	pr_dev_close(&d);
}

static void test_read_keys_sg_io_conflict(void **state)
{
	struct pr_dev d;
	struct pr_keys k;
	int ret;

	(void)state;
	io.no_read_ioctls = true;
	io.sg_status = 0x18;
	open_dev(&d, "/dev/fake-dm");
	ret = pr_read_keys(&d, &k);
	assert_int_equal(ret, 0x18);
	assert_int_equal(cli_exit_code(ret), PRTOOL_EXIT_CONFLICT);
	pr_dev_close(&d);
}

/*
 * A target that writes past the allocation length (LIO's READ FULL STATUS
 * puts a whole last descriptor there): the bytes after the @len that
 * pr_in() was given stay untouched, and only @len bytes count as data.
 */
static void test_pr_in_device_overrun(void **state)
{
	uint8_t buf[64 + 16];
	struct pr_dev d;
	size_t got = 0, i;

	(void)state;
	for (i = 0; i < 56; i++)
		io.sg_data[i] = (uint8_t)(0x80 + i);
	io.sg_data_len = 56;
	io.overrun = 16;
	memset(buf, 0xee, sizeof(buf));
	open_dev(&d, "/dev/fake-dm");
	assert_int_equal(pr_in(&d, PR_IN_READ_FULL_STATUS, buf, 40, &got), 0);
	assert_int_equal(io.dxfer_len, 40);
	assert_int_equal(io.cdb[8], 40);
	assert_int_equal(got, 40);
	assert_memory_equal(buf, io.sg_data, 40);
	for (i = 40; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xee);
	pr_dev_close(&d);
}

static void test_read_no_ioctl_no_sg_io(void **state)
{
	struct capture c;
	struct pr_dev d;
	struct pr_keys k;
	struct pr_resv r;
	int ret;

	(void)state;
	io.no_read_ioctls = true;
	io.no_sg_io = true;
	open_dev(&d, "/dev/fake-dm");
	ret = pr_read_keys(&d, &k);
	assert_int_equal(ret, -EOPNOTSUPP);
	capture_start(&c);
	assert_int_equal(cli_pr_failure(&d, "read-keys", ret),
			 PRTOOL_EXIT_OS);
	capture_stop(&c);
	assert_contains(c.err, "the kernel has no IOC_PR_READ_KEYS");
	capture_free(&c);
	assert_int_equal(pr_read_reservation(&d, &r), -EOPNOTSUPP);
	assert_contains(d.detail, "IOC_PR_READ_RESERVATION");
	pr_dev_close(&d);
}

/* A real ioctl error is not hidden behind the fallback. */
static void test_read_keys_eio_no_fallback(void **state)
{
	struct pr_dev d;
	struct pr_keys k;

	(void)state;
	io.ret = -1;
	io.ret_errno = EIO;
	open_dev(&d, "/dev/fake-dm");
	assert_int_equal(pr_read_keys(&d, &k), -EIO);
	assert_int_equal(io.calls, 1);
	pr_dev_close(&d);
}

/*
 * sd's pr_read_reservation() leaves the generation out when there is no
 * reservation: it comes from READ KEYS instead.
 */
static void test_read_reservation_ioctl_none(void **state)
{
	struct pr_dev d;
	struct pr_resv r;

	(void)state;
	io.rr_none = true;
	open_dev(&d, "/dev/fake-dm");
	assert_int_equal(pr_read_reservation(&d, &r), 0);
	assert_int_equal(r.source, PR_SRC_IOCTL);
	assert_false(r.held);
	assert_int_equal(r.generation, 7);
	assert_int_equal(io.req[0], IOC_PR_READ_RESERVATION);
	assert_int_equal(io.req[1], IOC_PR_READ_KEYS);
	pr_dev_close(&d);
}

static void test_read_reservation_ioctl(void **state)
{
	struct pr_dev d;
	struct pr_resv r;

	(void)state;
	open_dev(&d, "/dev/fake-dm");
	assert_int_equal(pr_read_reservation(&d, &r), 0);
	assert_int_equal(r.source, PR_SRC_IOCTL);
	assert_true(r.held);
	assert_int_equal(r.key, 0xabc);
	assert_int_equal(r.type, 3);
	assert_int_equal(r.generation, 9);
	pr_dev_close(&d);
}

static void test_read_reservation_sg_io(void **state)
{
	struct pr_dev d;
	struct pr_resv r;

	(void)state;
	io.no_read_ioctls = true;
	put_be32(io.sg_data, 3);
	put_be32(io.sg_data + 4, 16);
	put_be64(io.sg_data + 8, 0x123abc);
	io.sg_data[21] = 0x05; /* LU scope, Write Exclusive reg. only */
	io.sg_data_len = 24;
	open_dev(&d, "/dev/fake-dm");
	assert_int_equal(pr_read_reservation(&d, &r), 0);
	assert_int_equal(r.source, PR_SRC_SG_IO);
	assert_true(r.held);
	assert_int_equal(r.key, 0x123abc);
	assert_int_equal(r.scsi_type, 5);
	assert_int_equal(io.cdb[1], 0x01);
	pr_dev_close(&d);
}

static void test_parse_read_keys(void **state)
{
	struct pr_keys k = { 0 };
	uint8_t buf[40] = { 0 };

	(void)state;
	put_be32(buf, 0x10);
	put_be32(buf + 4, 24);
	put_be64(buf + 8, 1);
	put_be64(buf + 16, 2);
	put_be64(buf + 24, 3);
	/* All there. */
	assert_int_equal(pr_parse_read_keys(buf, 32, &k), 32);
	assert_int_equal(k.num_keys, 3);
	assert_int_equal(k.keys[2], 3);
	/* Truncated: what fits, and the length needed. */
	assert_int_equal(pr_parse_read_keys(buf, 20, &k), 32);
	assert_int_equal(k.num_keys, 1);
	/* Empty list. */
	put_be32(buf + 4, 0);
	assert_int_equal(pr_parse_read_keys(buf, 40, &k), 8);
	assert_int_equal(k.num_keys, 0);
	/* Shorter than the header. */
	assert_int_equal(pr_parse_read_keys(buf, 7, &k), -EBADMSG);
	free(k.keys);
}

static void test_parse_read_reservation(void **state)
{
	struct pr_resv r;
	uint8_t buf[24] = { 0 };

	(void)state;
	put_be32(buf, 4);
	assert_int_equal(pr_parse_read_reservation(buf, 8, &r), 0);
	assert_false(r.held);
	assert_int_equal(r.generation, 4);
	put_be32(buf + 4, 16);
	put_be64(buf + 8, 0xfeed);
	buf[21] = 0x08;
	assert_int_equal(pr_parse_read_reservation(buf, 24, &r), 0);
	assert_true(r.held);
	assert_int_equal(r.key, 0xfeed);
	assert_int_equal(r.scsi_type, 8);
	assert_int_equal(pr_parse_read_reservation(buf, 16, &r), -EBADMSG);
	assert_int_equal(pr_parse_read_reservation(buf, 4, &r), -EBADMSG);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_compat_layout),
		T(test_open_read_only),
		T(test_open_by_dm_name),
		T(test_open_errors),
		T(test_open_fifo_refused),
		T(test_register_args),
		T(test_register_positive_status),
		T(test_eperm_retries_read_write),
		T(test_eperm_rw_open_fails),
		T(test_eperm_partition_not_retried),
		T(test_report_conflict),
		T(test_read_keys_ioctl),
		T(test_read_keys_grows),
		T(test_read_keys_sg_io_fallback),
		T(test_read_keys_sg_io_check_condition),
		T(test_read_keys_sg_io_descriptor_sense),
		T(test_read_reservation_sg_io_unit_attention),
		T(test_read_reservation_ioctl_none),
		T(test_read_keys_sg_io_unit_attention_persists),
		T(test_read_keys_sg_io_path_failure),
		T(test_read_keys_sg_io_conflict),
		T(test_pr_in_device_overrun),
		T(test_read_no_ioctl_no_sg_io),
		T(test_read_keys_eio_no_fallback),
		T(test_read_reservation_ioctl),
		T(test_read_reservation_sg_io),
		T(test_parse_read_keys),
		T(test_parse_read_reservation),
	};

	return cmocka_run_group_tests_name("pr", tests, NULL, NULL);
}
