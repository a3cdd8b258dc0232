// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: libprtool's native API (include/prtool/prtool.h) on the fake
 * block device, and its PR IN decoders on made-up responses.
 */
#include "test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <scsi/sg.h>

#include <prtool/prtool.h>

#include "fake_sys.h"
#include "pr_compat.h"

static const struct fake_blk dm3 = {
	.path = "/dev/fake-dm",
	.alias = "/dev/mapper/mpatha",
	.major = 253,
	.minor = 3,
};

static struct {
	int calls;
	unsigned long req;
	struct pr_registration reg;
	struct pr_reservation rsv;
	struct pr_preempt pp;
	int ret;
	bool no_read_ioctls;
	struct pr_read_reservation rr;
	uint8_t cdb[10];
	uint8_t *resp;		/* SG_IO PR IN data */
	size_t resp_len;
	unsigned int dxfer_lens[4];
	int sg_calls;
	uint8_t status;
} io;

static int fake_ioctl(unsigned long req, void *arg, bool rw)
{
	(void)rw;
	io.calls++;
	io.req = req;
	if (req == IOC_PR_REGISTER) {
		memcpy(&io.reg, arg, sizeof(io.reg));
	} else if (req == IOC_PR_RESERVE || req == IOC_PR_RELEASE) {
		memcpy(&io.rsv, arg, sizeof(io.rsv));
	} else if (req == IOC_PR_PREEMPT || req == IOC_PR_PREEMPT_ABORT) {
		memcpy(&io.pp, arg, sizeof(io.pp));
	} else if (req == IOC_PR_CLEAR) {
		;
	} else if (req == IOC_PR_READ_KEYS) {
		struct pr_read_keys *rk = arg;
		uint64_t *keys = (uint64_t *)(uintptr_t)rk->keys_ptr;

		if (io.no_read_ioctls) {
			errno = ENOTTY;
			return -1;
		}
		keys[0] = 0xabc;
		rk->num_keys = 1;
		rk->generation = 4;
	} else if (req == IOC_PR_READ_RESERVATION) {
		if (io.no_read_ioctls) {
			errno = ENOTTY;
			return -1;
		}
		memcpy(arg, &io.rr, sizeof(io.rr));
	} else if (req == SG_IO) {
		struct sg_io_hdr *h = arg;
		size_t n = io.resp_len < h->dxfer_len ? io.resp_len :
							h->dxfer_len;

		memcpy(io.cdb, h->cmdp, sizeof(io.cdb));
		if (io.sg_calls < 4)
			io.dxfer_lens[io.sg_calls] = h->dxfer_len;
		io.sg_calls++;
		h->status = io.status;
		h->host_status = 0;
		h->driver_status = 0;
		h->sb_len_wr = 0;
		h->resid = 0;
		if (!io.status && h->dxfer_direction == SG_DXFER_FROM_DEV) {
			memcpy(h->dxferp, io.resp, n);
			h->resid = (int)(h->dxfer_len - n);
		}
		return 0;
	} else {
		errno = ENOTTY;
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

static void test_version(void **state)
{
	(void)state;
	assert_string_equal(prtool_version(), PRTOOL_VERSION);
	assert_int_equal(LIBPRTOOL_VERSION_MAJOR, 0);
}

static void test_open_close(void **state)
{
	struct prtool_dev *dev;
	int fd;

	(void)state;
	assert_int_equal(prtool_open("mpatha", &dev), 0);
	assert_string_equal(prtool_dev_path(dev), "/dev/mapper/mpatha");
	assert_true(prtool_dev_fd(dev) >= FAKE_FD_BASE);
	assert_string_equal(prtool_dev_detail(dev), "");
	prtool_close(dev);
	assert_int_equal(fake_open_fds, 0);

	assert_int_equal(prtool_open("nosuch", &dev), -ENOENT);
	assert_null(dev);
	assert_int_equal(prtool_open(NULL, &dev), -EINVAL);
	assert_int_equal(prtool_open("", &dev), -EINVAL);
	fake_blk.not_blk = true;
	assert_int_equal(prtool_open("/dev/fake-dm", &dev), -ENOTBLK);
	fake_blk.not_blk = false;

	fd = open("/dev/fake-dm", O_RDONLY);
	assert_int_equal(prtool_open_fd(fd, &dev), 0);
	assert_int_equal(prtool_dev_fd(dev), fd);
	prtool_close(dev);
	/* Still the caller's. */
	assert_int_equal(fake_open_fds, 1);
	close(fd);
	assert_int_equal(prtool_open_fd(-1, &dev), -EBADF);
	prtool_close(NULL);
}

static void test_out_ops(void **state)
{
	struct prtool_dev *dev;

	(void)state;
	assert_int_equal(prtool_open("/dev/fake-dm", &dev), 0);
	assert_int_equal(prtool_register(dev, 1, 2, 0), 0);
	assert_int_equal(io.reg.old_key, 1);
	assert_int_equal(io.reg.new_key, 2);
	assert_int_equal(io.reg.flags, 0);
	assert_int_equal(prtool_register(dev, 0, 3, PRTOOL_REG_IGNORE_KEY), 0);
	assert_int_equal(io.reg.flags, PR_FL_IGNORE_KEY);
	io.calls = 0;
	assert_int_equal(prtool_register(dev, 0, 3, 0x80), -EINVAL);
	assert_int_equal(io.calls, 0);

	assert_int_equal(prtool_reserve(dev, 9,
			 PRTOOL_TYPE_EXCLUSIVE_ACCESS_REG_ONLY), 0);
	assert_int_equal(io.req, IOC_PR_RESERVE);
	assert_int_equal(io.rsv.type, 4);
	assert_int_equal(prtool_release(dev, 9, 4), 0);
	assert_int_equal(io.req, IOC_PR_RELEASE);
	assert_int_equal(prtool_preempt(dev, 9, 10, 1, true), 0);
	assert_int_equal(io.req, IOC_PR_PREEMPT_ABORT);
	assert_int_equal(io.pp.old_key, 9);
	assert_int_equal(io.pp.new_key, 10);
	io.ret = 0x18;
	assert_int_equal(prtool_clear(dev, 9), 0x18);
	assert_int_equal(io.req, IOC_PR_CLEAR);
	assert_int_equal(prtool_status_classify(0x18), PRTOOL_CLASS_CONFLICT);
	prtool_close(dev);
}

static void test_reads_ioctl(void **state)
{
	struct prtool_reservation r;
	struct prtool_dev *dev;
	struct prtool_keys k;

	(void)state;
	assert_int_equal(prtool_open("/dev/fake-dm", &dev), 0);
	assert_int_equal(prtool_read_keys(dev, &k), 0);
	assert_int_equal(k.generation, 4);
	assert_int_equal(k.num_keys, 1);
	assert_int_equal(k.keys[0], 0xabc);
	assert_int_equal(k.source, PRTOOL_SRC_IOCTL);
	prtool_keys_free(&k);
	assert_null(k.keys);

	io.rr.key = 0x77;
	io.rr.generation = 5;
	io.rr.type = PRTOOL_TYPE_EXCLUSIVE_ACCESS_ALL_REGS;
	assert_int_equal(prtool_read_reservation(dev, &r), 0);
	assert_true(r.held);
	assert_int_equal(r.type, 6);
	assert_int_equal(r.scsi_type, 8);
	assert_int_equal(r.scope, 0);
	assert_int_equal(r.source, PRTOOL_SRC_IOCTL);
	prtool_close(dev);
}

static void test_read_reservation_sg_io(void **state)
{
	uint8_t resp[24] = { 0 };
	struct prtool_reservation r;
	struct prtool_scsi_outcome o;
	struct prtool_dev *dev;

	(void)state;
	io.no_read_ioctls = true;
	put_be32(resp, 0x33);
	put_be32(resp + 4, 16);
	put_be64(resp + 8, 0x123abc);
	resp[21] = 0x15; /* scope 1, Write Exclusive, registrants only */
	io.resp = resp;
	io.resp_len = sizeof(resp);
	assert_int_equal(prtool_open("/dev/fake-dm", &dev), 0);
	assert_int_equal(prtool_last_scsi(dev, &o), -ENODATA);
	assert_int_equal(o.sense_key, -1);
	assert_int_equal(prtool_read_reservation(dev, &r), 0);
	assert_int_equal(r.source, PRTOOL_SRC_SG_IO);
	assert_true(r.held);
	assert_int_equal(r.generation, 0x33);
	assert_int_equal(r.key, 0x123abc);
	assert_int_equal(r.scsi_type, 5);
	assert_int_equal(r.type, PRTOOL_TYPE_WRITE_EXCLUSIVE_REG_ONLY);
	assert_int_equal(r.scope, 1);
	assert_int_equal(prtool_last_scsi(dev, &o), 0);
	assert_int_equal(o.status, 0);
	prtool_close(dev);
}

static void test_parse_capabilities(void **state)
{
	static const uint8_t resp[8] = { 0x00, 0x08, 0x9d, 0xf1,
					 0xea, 0x01, 0x00, 0x00 };
	struct prtool_capabilities c;

	(void)state;
	prtool_parse_capabilities(resp, sizeof(resp), &c);
	assert_int_equal(c.length, 8);
	assert_true(c.rlr_c);
	assert_true(c.crh);
	assert_true(c.sip_c);
	assert_true(c.atp_c);
	assert_true(c.ptpl_c);
	assert_true(c.tmv);
	assert_int_equal(c.allow_commands, 7);
	assert_true(c.ptpl_a);
	assert_int_equal(c.type_mask, 0xea01);

	/* Short: the rest reads as zero. */
	prtool_parse_capabilities(resp, 3, &c);
	assert_int_equal(c.length, 8);
	assert_true(c.crh);
	assert_false(c.tmv);
	assert_int_equal(c.type_mask, 0);
	prtool_parse_capabilities(resp, 0, &c);
	assert_int_equal(c.length, 0);
	assert_false(c.crh);
}

/* Append one full status descriptor with a TransportID; returns its size. */
static size_t fs_desc(uint8_t *p, uint64_t key, uint8_t flags,
		      uint8_t scope_type, uint16_t rtpi, const uint8_t *tid,
		      size_t tid_len)
{
	memset(p, 0, 24);
	put_be64(p, key);
	p[12] = flags;
	p[13] = scope_type;
	p[18] = (uint8_t)(rtpi >> 8);
	p[19] = (uint8_t)rtpi;
	put_be32(p + 20, (uint32_t)tid_len);
	memcpy(p + 24, tid, tid_len);
	return 24 + tid_len;
}

static void test_parse_full_status(void **state)
{
	uint8_t tid_fc[24] = { 0x00, 0, 0, 0, 0, 0, 0, 0,
			       0x21, 0x00, 0x00, 0x24, 0xff, 0x12, 0x34, 0x56 };
	uint8_t tid_iscsi[28] = { 0x45, 0, 0, 24 };
	struct prtool_full_status fs;
	uint8_t buf[256] = { 0 };
	size_t len = 8;

	(void)state;
	memcpy(tid_iscsi + 4, "iqn.2003-01.org.x,i,0x1", 23);
	len += fs_desc(buf + len, 0x123abc, 0x01, 0x05, 1, tid_fc,
		       sizeof(tid_fc));
	len += fs_desc(buf + len, 0xdeadbeef00000001ULL, 0x02, 0, 2,
		       tid_iscsi, sizeof(tid_iscsi));
	put_be32(buf, 7);
	put_be32(buf + 4, (uint32_t)(len - 8));

	assert_int_equal(prtool_parse_full_status(buf, len, &fs), 0);
	assert_int_equal(fs.generation, 7);
	assert_int_equal(fs.num, 2);
	assert_false(fs.truncated);
	assert_int_equal(fs.regs[0].key, 0x123abc);
	assert_true(fs.regs[0].holder);
	assert_false(fs.regs[0].all_tg_pt);
	assert_int_equal(fs.regs[0].type, 5);
	assert_int_equal(fs.regs[0].scope, 0);
	assert_int_equal(fs.regs[0].rtpi, 1);
	assert_int_equal(fs.regs[0].protocol_id, PRTOOL_PROTO_FC);
	assert_int_equal(fs.regs[0].tid_len, 24);
	assert_int_equal(fs.regs[0].tid[8], 0x21);
	assert_true(fs.regs[1].all_tg_pt);
	assert_false(fs.regs[1].holder);
	assert_int_equal(fs.regs[1].protocol_id, PRTOOL_PROTO_ISCSI);
	assert_int_equal(fs.regs[1].format_code, 1);
	assert_memory_equal(fs.regs[1].tid + 4, "iqn.2003-01.org.x,i,0x1",
			    23);
	prtool_full_status_free(&fs);
	assert_null(fs.regs);

	/* Cut in the middle of the second TransportID: clamped, flagged. */
	assert_int_equal(prtool_parse_full_status(buf, len - 10, &fs), 0);
	assert_true(fs.truncated);
	assert_int_equal(fs.num, 2);
	assert_int_equal(fs.regs[1].tid_len, sizeof(tid_iscsi) - 10);
	prtool_full_status_free(&fs);

	/* Cut inside the second descriptor's header: dropped. */
	assert_int_equal(prtool_parse_full_status(buf, 8 + 48 + 10, &fs), 0);
	assert_true(fs.truncated);
	assert_int_equal(fs.num, 1);
	prtool_full_status_free(&fs);

	/* A corrupt TransportID length is clamped to the data. */
	put_be32(buf + 8 + 20, 0x7fffffff);
	assert_int_equal(prtool_parse_full_status(buf, len, &fs), 0);
	assert_true(fs.truncated);
	assert_int_equal(fs.num, 1);
	assert_int_equal(fs.regs[0].tid_len, len - 8 - 24);
	prtool_full_status_free(&fs);

	/* ADDITIONAL LENGTH 0: nothing, whatever follows. */
	put_be32(buf + 4, 0);
	assert_int_equal(prtool_parse_full_status(buf, len, &fs), 0);
	assert_int_equal(fs.num, 0);
	assert_false(fs.truncated);
	prtool_full_status_free(&fs);

	assert_int_equal(prtool_parse_full_status(buf, 7, &fs), -EBADMSG);
}

static void test_parse_full_status_many(void **state)
{
	uint8_t tid[24] = { 0x06, 0, 0, 0, 0x50, 0x06, 0x05, 0xb0 };
	struct prtool_full_status fs;
	size_t len = 8;
	uint8_t *buf;
	uint32_t i;

	(void)state;
	buf = calloc(1, 8 + 100 * 48);
	for (i = 0; i < 100; i++)
		len += fs_desc(buf + len, 0x1000 + i, 0, 0, (uint16_t)i, tid,
			       sizeof(tid));
	put_be32(buf + 4, (uint32_t)(len - 8));
	assert_int_equal(prtool_parse_full_status(buf, len, &fs), 0);
	assert_int_equal(fs.num, 100);
	assert_int_equal(fs.regs[99].key, 0x1000 + 99);
	assert_int_equal(fs.regs[99].rtpi, 99);
	assert_int_equal(fs.regs[99].protocol_id, PRTOOL_PROTO_SAS);
	prtool_full_status_free(&fs);
	free(buf);
}

static void test_read_full_status_grows(void **state)
{
	uint8_t tid[24] = { 0x06 };
	struct prtool_full_status fs;
	struct prtool_dev *dev;
	size_t len = 8;
	uint32_t i;

	(void)state;
	/* 200 descriptors of 48 bytes: more than the first 8192 bytes. */
	io.resp = calloc(1, 8 + 200 * 48);
	for (i = 0; i < 200; i++)
		len += fs_desc(io.resp + len, i + 1, 0, 0, 0, tid,
			       sizeof(tid));
	put_be32(io.resp + 4, (uint32_t)(len - 8));
	io.resp_len = len;
	assert_int_equal(prtool_open("/dev/fake-dm", &dev), 0);
	assert_int_equal(prtool_read_full_status(dev, &fs), 0);
	assert_int_equal(io.sg_calls, 2);
	assert_int_equal(io.dxfer_lens[0], 8192);
	assert_int_equal(io.dxfer_lens[1], len);
	assert_int_equal(io.cdb[1], 0x03);
	assert_int_equal(fs.num, 200);
	assert_false(fs.truncated);
	prtool_full_status_free(&fs);

	io.status = 0x18;
	assert_int_equal(prtool_read_full_status(dev, &fs), 0x18);
	assert_null(fs.regs);
	prtool_close(dev);
	free(io.resp);
}

static void test_report_capabilities(void **state)
{
	uint8_t resp[8] = { 0x00, 0x08, 0x10, 0x80, 0x00, 0x01 };
	struct prtool_capabilities c;
	struct prtool_dev *dev;

	(void)state;
	io.resp = resp;
	io.resp_len = sizeof(resp);
	assert_int_equal(prtool_open("/dev/fake-dm", &dev), 0);
	assert_int_equal(prtool_report_capabilities(dev, &c), 0);
	assert_int_equal(io.cdb[1], 0x02);
	assert_int_equal(io.cdb[8], 8);
	assert_true(c.crh);
	assert_true(c.tmv);
	assert_int_equal(c.type_mask, 0x0001);
	prtool_close(dev);
}

static void test_names(void **state)
{
	unsigned int t;
	uint64_t key;
	const char *why;
	char buf[64];

	(void)state;
	assert_string_equal(prtool_type_name(3), "write-exclusive-reg-only");
	assert_string_equal(prtool_type_description(3),
			    "Write Exclusive, registrants only");
	assert_null(prtool_type_name(7));
	assert_int_equal(prtool_type_to_scsi(PRTOOL_TYPE_EXCLUSIVE_ACCESS), 3);
	assert_int_equal(prtool_type_from_scsi(8), 6);
	assert_int_equal(prtool_type_from_scsi(2), 0);
	assert_int_equal(prtool_parse_type("earo", &t), 0);
	assert_int_equal(t, 4);
	assert_int_equal(prtool_parse_type("nope", &t), -1);
	assert_int_equal(prtool_parse_key("0x10", &key, &why), 0);
	assert_int_equal(key, 16);
	assert_int_equal(prtool_parse_key("1K", &key, &why), -1);
	assert_string_equal(prtool_status_str(0x18, buf, sizeof(buf)),
			    "Reservation conflict");
	assert_string_equal(prtool_sense_key_name(5), "ILLEGAL REQUEST");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_version),
		T(test_open_close),
		T(test_out_ops),
		T(test_reads_ioctl),
		T(test_read_reservation_sg_io),
		T(test_parse_capabilities),
		T(test_parse_full_status),
		T(test_parse_full_status_many),
		T(test_read_full_status_grows),
		T(test_report_capabilities),
		T(test_names),
	};

	return cmocka_run_group_tests_name("libprtool", tests, NULL, NULL);
}
