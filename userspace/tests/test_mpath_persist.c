// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the libmpathpersist-compatible API
 * (include/prtool/mpath_persist_compat.h) on the fake block device and a
 * fake libdevmapper: which kernel interface each service action uses, the
 * bytes it sends, the structures it fills and the MPATH_PR_* codes.
 */
#include "test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <scsi/sg.h>

#include <prtool/mpath_persist_compat.h>
#include <prtool/prtool.h>

#include "fake_dm.h"
#include "fake_sys.h"
#include "mpp.h"
#include "pr_compat.h"

static const struct fake_blk dm3 = {
	.path = "/dev/fake-dm",
	/* Opening the map's first path reaches the same fake. */
	.alias = "/dev/block/8:16",
	.major = 253,
	.minor = 3,
};

#define MAX_SG 16

static struct {
	int calls;
	unsigned long reqs[16];
	struct pr_registration reg;
	struct pr_reservation rsv;
	struct pr_preempt pp;
	struct pr_clear clr;
	int ret, ret_errno;
	/* IOC_PR_READ_*: missing, or what they report */
	bool no_read_ioctls;
	uint32_t nr_keys;
	uint64_t keys[8];
	struct pr_read_reservation rr;
	/* SG_IO: one scripted answer per call, the last one repeats */
	int sg_calls;
	uint8_t cdb[MAX_SG][10];
	int dir[MAX_SG];
	uint8_t out[1024];
	unsigned int out_len;
	const uint8_t *resp;
	size_t resp_len;
	struct {
		uint8_t status, host;
		int sense_key;	/* -1: no sense */
		uint8_t asc, ascq;
		int err;	/* SG_IO fails with this errno */
	} sg[MAX_SG];
	int nr_sg;
} io;

static int fake_ioctl(unsigned long req, void *arg, bool rw)
{
	(void)rw;
	if (io.calls < 16)
		io.reqs[io.calls] = req;
	io.calls++;
	if (req == SG_IO) {
		struct sg_io_hdr *h = arg;
		int i = io.sg_calls < io.nr_sg ? io.sg_calls : io.nr_sg - 1;

		if (io.sg_calls < MAX_SG) {
			memcpy(io.cdb[io.sg_calls], h->cmdp, 10);
			io.dir[io.sg_calls] = h->dxfer_direction;
		}
		io.sg_calls++;
		if (i >= 0 && io.sg[i].err) {
			errno = io.sg[i].err;
			return -1;
		}
		h->status = i >= 0 ? io.sg[i].status : 0;
		h->host_status = i >= 0 ? io.sg[i].host : 0;
		h->driver_status = 0;
		h->sb_len_wr = 0;
		h->resid = 0;
		if (i >= 0 && io.sg[i].sense_key >= 0) {
			uint8_t *sb = h->sbp;

			memset(sb, 0, 18);
			sb[0] = 0x70;
			sb[2] = (uint8_t)io.sg[i].sense_key;
			sb[7] = 10;
			sb[12] = io.sg[i].asc;
			sb[13] = io.sg[i].ascq;
			h->sb_len_wr = 18;
			h->driver_status = 0x08;
		}
		if (h->dxfer_direction == SG_DXFER_TO_DEV) {
			io.out_len = h->dxfer_len;
			memcpy(io.out, h->dxferp,
			       h->dxfer_len < sizeof(io.out) ? h->dxfer_len :
							       sizeof(io.out));
		} else if (!h->status && !h->host_status) {
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
		return 0;
	}
	if (req == IOC_PR_REGISTER)
		memcpy(&io.reg, arg, sizeof(io.reg));
	else if (req == IOC_PR_RESERVE || req == IOC_PR_RELEASE)
		memcpy(&io.rsv, arg, sizeof(io.rsv));
	else if (req == IOC_PR_PREEMPT || req == IOC_PR_PREEMPT_ABORT)
		memcpy(&io.pp, arg, sizeof(io.pp));
	else if (req == IOC_PR_CLEAR)
		memcpy(&io.clr, arg, sizeof(io.clr));
	else {
		errno = ENOTTY;
		return -1;
	}
	if (io.ret < 0) {
		errno = io.ret_errno;
		return -1;
	}
	return io.ret;
}

static int fd = -1;

/*
 * The library hands its diagnostics to the caller (prtool_mpath_set_log()):
 * print them on stderr as the mpathpersist front end does, so that the
 * tests below see what a user of the front end sees.
 */
static void stderr_log(void *arg, int prio, const char *msg)
{
	(void)arg;
	(void)prio;
	fprintf(stderr, "12.000345 | %s\n", msg);
}

static int setup(void **state)
{
	int i;

	(void)state;
	memset(&io, 0, sizeof(io));
	for (i = 0; i < MAX_SG; i++)
		io.sg[i].sense_key = -1;
	fake_blk_reset(&dm3);
	fake_blk.ioctl = fake_ioctl;
	fake_dm_reset();
	mpath_mx_alloc_len = 0;
	mpp_verbosity = 0;
	prtool_mpath_set_log(stderr_log, NULL);
	fd = open("/dev/fake-dm", O_RDONLY);
	assert_true(fd >= FAKE_FD_BASE);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	close(fd);
	/* Nothing of ours stays open: descriptors, dm tasks. */
	assert_int_equal(fake_open_fds, 0);
	assert_int_equal(fake_dm.tasks_open, 0);
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

/* A response buffer as mpathpersist allocates it, for any service action. */
static struct prin_resp *alloc_resp(void)
{
	struct prin_resp *r = calloc(1, sizeof(*r) + MPATH_MX_TIDS *
					    sizeof(struct prin_fulldescr *));

	assert_non_null(r);
	return r;
}

static struct prout_param_descriptor *alloc_param(uint64_t rk, uint64_t sark)
{
	struct prout_param_descriptor *p;

	p = calloc(1, sizeof(*p) + MPATH_MX_TIDS * sizeof(struct transportid *));
	assert_non_null(p);
	put_be64(p->key, rk);
	put_be64(p->sa_key, sark);
	return p;
}

static void test_layout(void **state)
{
	(void)state;
	/* libmpathpersist's layouts. */
	assert_int_equal(sizeof(struct prin_readdescr), 8 + 8192);
	assert_int_equal(sizeof(struct prin_resvdescr), 24);
	assert_int_equal(offsetof(struct prin_resvdescr, scope_type), 21);
	assert_int_equal(sizeof(struct prin_capdescr), 8);
	assert_int_equal(offsetof(struct prin_capdescr, pr_type_mask), 4);
	assert_int_equal(sizeof(struct transportid), 258);
	assert_int_equal(sizeof(struct prin_fulldescr), 270);
	assert_int_equal(offsetof(struct prin_fulldescr, rtpi), 10);
	assert_int_equal(offsetof(struct print_fulldescr_list, private_buffer),
			 8);
	assert_int_equal(offsetof(struct print_fulldescr_list, descriptors),
			 8200);
	assert_int_equal(sizeof(struct prin_resp), 8200);
	assert_int_equal(offsetof(struct prout_param_descriptor, sa_flags),
			 20);
	assert_int_equal(offsetof(struct prout_param_descriptor,
				  private_buffer), 24);
	assert_int_equal(offsetof(struct prout_param_descriptor,
				  num_transportid), 24 + 8192);
	assert_int_equal(MPATH_MAX_FULL_DESCRIPTORS, 30);
}

static void test_init_exit(void **state)
{
	struct config *conf;

	(void)state;
	assert_int_equal(libmpathpersist_init(), 0);
	assert_int_equal(libmpathpersist_exit(), 0);
	conf = mpath_lib_init();
	assert_non_null(conf);
	assert_int_equal(mpath_lib_exit(conf), 0);
	assert_int_equal(mpath_persistent_reserve_init_vecs(2),
			 MPATH_PR_SUCCESS);
	assert_int_equal(mpp_verbosity, 2);
	mpath_persistent_reserve_free_vecs();
}

static void test_read_keys_ioctl(void **state)
{
	struct prin_resp *r = alloc_resp();

	(void)state;
	io.nr_keys = 2;
	io.keys[0] = 0x123abc;
	io.keys[1] = 0xdeadbeef00000001ULL;
	assert_int_equal(mpath_persistent_reserve_in(fd, MPATH_PRIN_RKEY_SA, r,
						     0, 0), MPATH_PR_SUCCESS);
	assert_int_equal(io.sg_calls, 0);
	assert_int_equal(r->prin_descriptor.prin_readkeys.prgeneration, 0x1f);
	assert_int_equal(r->prin_descriptor.prin_readkeys.additional_length,
			 16);
	/* Keys stay big-endian, as in the response. */
	assert_int_equal(r->prin_descriptor.prin_readkeys.key_list[5], 0x12);
	assert_int_equal(r->prin_descriptor.prin_readkeys.key_list[7], 0xbc);
	assert_int_equal(r->prin_descriptor.prin_readkeys.key_list[8], 0xde);
	assert_int_equal(r->prin_descriptor.prin_readkeys.key_list[15], 0x01);
	assert_int_equal(r->prin_descriptor.prin_readkeys.key_list[16], 0);

	/* The allocation length cuts the keys, not the count. */
	mpath_mx_alloc_len = 16;
	memset(r, 0xff, sizeof(*r));
	assert_int_equal(__mpath_persistent_reserve_in(fd, MPATH_PRIN_RKEY_SA,
						       r, 0), MPATH_PR_SUCCESS);
	assert_int_equal(r->prin_descriptor.prin_readkeys.additional_length,
			 16);
	assert_int_equal(r->prin_descriptor.prin_readkeys.key_list[7], 0xbc);
	assert_int_equal(r->prin_descriptor.prin_readkeys.key_list[8], 0);
	free(r);
}

static void test_read_keys_sg_io(void **state)
{
	uint8_t resp[24] = { 0 };
	struct prin_resp *r = alloc_resp();

	(void)state;
	io.no_read_ioctls = true;
	put_be32(resp, 7);
	put_be32(resp + 4, 16);
	put_be64(resp + 8, 0xa);
	put_be64(resp + 16, 0xb);
	io.resp = resp;
	io.resp_len = sizeof(resp);
	assert_int_equal(mpath_persistent_reserve_in__(fd, MPATH_PRIN_RKEY_SA,
						       r, 0), MPATH_PR_SUCCESS);
	assert_int_equal(io.sg_calls, 1);
	assert_int_equal(io.cdb[0][0], 0x5e);
	assert_int_equal(io.cdb[0][1], 0x00);
	/* Default allocation length 8192. */
	assert_int_equal(io.cdb[0][7], 0x20);
	assert_int_equal(io.cdb[0][8], 0x00);
	assert_int_equal(r->prin_descriptor.prin_readkeys.prgeneration, 7);
	assert_int_equal(r->prin_descriptor.prin_readkeys.key_list[15], 0xb);

	mpath_mx_alloc_len = 100;
	assert_int_equal(__mpath_persistent_reserve_in(fd, MPATH_PRIN_RKEY_SA,
						       r, 0), MPATH_PR_SUCCESS);
	assert_int_equal(io.cdb[1][7], 0);
	assert_int_equal(io.cdb[1][8], 100);
	free(r);
}

static void test_read_reservation(void **state)
{
	struct prin_resvdescr *rr;
	struct prin_resp *r = alloc_resp();

	(void)state;
	rr = &r->prin_descriptor.prin_readresv;
	io.rr.generation = 3;
	assert_int_equal(mpath_persistent_reserve_in(fd, MPATH_PRIN_RRES_SA, r,
						     0, 0), MPATH_PR_SUCCESS);
	assert_int_equal(rr->prgeneration, 3);
	assert_int_equal(rr->additional_length, 0);

	io.rr.key = 0x123abc;
	io.rr.type = 3; /* PR_WRITE_EXCLUSIVE_REG_ONLY */
	assert_int_equal(mpath_persistent_reserve_in(fd, MPATH_PRIN_RRES_SA, r,
						     0, 0), MPATH_PR_SUCCESS);
	assert_int_equal(rr->additional_length, 16);
	assert_int_equal(rr->key[7], 0xbc);
	/* SPC-4 type code 5, LU_SCOPE. */
	assert_int_equal(rr->scope_type, 0x05);
	free(r);
}

static void test_read_reservation_sg_io_scope(void **state)
{
	uint8_t resp[24] = { 0, 0, 0, 9, 0, 0, 0, 16 };
	struct prin_resp *r = alloc_resp();

	(void)state;
	io.no_read_ioctls = true;
	put_be64(resp + 8, 0x55);
	resp[21] = 0x28;
	io.resp = resp;
	io.resp_len = sizeof(resp);
	assert_int_equal(mpath_persistent_reserve_in(fd, MPATH_PRIN_RRES_SA, r,
						     0, 0), MPATH_PR_SUCCESS);
	assert_int_equal(io.cdb[0][1], 0x01);
	assert_int_equal(io.cdb[0][8], 24);
	assert_int_equal(r->prin_descriptor.prin_readresv.scope_type, 0x28);
	assert_int_equal(r->prin_descriptor.prin_readresv.prgeneration, 9);
	free(r);
}

static void test_report_capabilities(void **state)
{
	static const uint8_t resp[8] = { 0x00, 0x08, 0x1d, 0x81, 0xea, 0x01 };
	struct prin_capdescr *c;
	struct prin_resp *r = alloc_resp();

	(void)state;
	io.resp = resp;
	io.resp_len = sizeof(resp);
	c = &r->prin_descriptor.prin_readcap;
	assert_int_equal(mpath_persistent_reserve_in(fd, MPATH_PRIN_RCAP_SA, r,
						     0, 0), MPATH_PR_SUCCESS);
	assert_int_equal(io.cdb[0][1], 0x02);
	assert_int_equal(io.cdb[0][8], 8);
	assert_int_equal(c->length, 8);
	assert_int_equal(c->flags[0], 0x1d);
	assert_int_equal(c->flags[1], 0x81);
	assert_int_equal(c->pr_type_mask, 0xea01);
	free(r);
}

/* Append a full status descriptor with an FC TransportID. */
static size_t fs_fc(uint8_t *p, uint64_t key, uint8_t flags, uint8_t st,
		    uint16_t rtpi)
{
	memset(p, 0, 48);
	put_be64(p, key);
	p[12] = flags;
	p[13] = st;
	p[18] = (uint8_t)(rtpi >> 8);
	p[19] = (uint8_t)rtpi;
	put_be32(p + 20, 24);
	p[24 + 8] = 0x21;
	p[24 + 15] = 0x56;
	return 48;
}

static void test_read_full_status(void **state)
{
	uint8_t resp[8 + 48 + 44] = { 0 };
	struct print_fulldescr_list *fd_list;
	struct prin_fulldescr *d;
	struct prin_resp *r = alloc_resp();
	size_t len = 8;

	(void)state;
	len += fs_fc(resp + len, 0x123abc, 0x01, 0x05, 1);
	/* iSCSI, port identifier format. */
	put_be64(resp + len, 0x77);
	resp[len + 12] = 0x02;
	put_be32(resp + len + 20, 20);
	resp[len + 24] = 0x45;
	resp[len + 27] = 16;
	memcpy(resp + len + 28, "iqn.a,i,0x12", 12);
	len += 44;
	put_be32(resp, 7);
	put_be32(resp + 4, (uint32_t)(len - 8));
	io.resp = resp;
	io.resp_len = len;
	fd_list = &r->prin_descriptor.prin_readfd;
	assert_int_equal(mpath_persistent_reserve_in(fd, MPATH_PRIN_RFSTAT_SA,
						     r, 0, 0),
			 MPATH_PR_SUCCESS);
	assert_int_equal(io.cdb[0][1], 0x03);
	assert_int_equal(fd_list->prgeneration, 7);
	assert_int_equal(fd_list->number_of_descriptor, 2);
	d = fd_list->descriptors[0];
	assert_ptr_equal(d, (void *)fd_list->private_buffer);
	assert_int_equal(d->key[7], 0xbc);
	assert_int_equal(d->flag, 0x01);
	assert_int_equal(d->scope_type, 0x05);
	assert_int_equal(d->rtpi, 1);
	assert_int_equal(d->trnptid.protocol_id, MPATH_PROTOCOL_ID_FC);
	assert_int_equal(d->trnptid.n_port_name[0], 0x21);
	assert_int_equal(d->trnptid.n_port_name[7], 0x56);
	d = fd_list->descriptors[1];
	assert_int_equal(d->flag, 0x02);
	assert_int_equal(d->trnptid.protocol_id, MPATH_PROTOCOL_ID_ISCSI);
	assert_int_equal(d->trnptid.format_code, 1);
	assert_string_equal((char *)d->trnptid.iscsi_name, "iqn.a,i,0x12");
	free(r);
}

static void test_read_full_status_no_overflow(void **state)
{
	size_t size = sizeof(struct prin_resp) +
		      MPATH_MX_TIDS * sizeof(struct prin_fulldescr *);
	uint8_t *resp = calloc(1, 8 + 40 * 48);
	struct prin_resp *r;
	uint8_t *mem;
	size_t len = 8, i;

	(void)state;
	for (i = 0; i < 40; i++)
		len += fs_fc(resp + len, 0x100 + i, 0, 0, (uint16_t)i);
	put_be32(resp + 4, (uint32_t)(len - 8));
	io.resp = resp;
	io.resp_len = len;
	/* Exactly what mpathpersist allocates, then a guard. */
	mem = malloc(size + 64);
	memset(mem, 0xa5, size + 64);
	r = (struct prin_resp *)mem;
	assert_int_equal(mpath_persistent_reserve_in(fd, MPATH_PRIN_RFSTAT_SA,
						     r, 0, 0),
			 MPATH_PR_SUCCESS);
	assert_int_equal(r->prin_descriptor.prin_readfd.number_of_descriptor,
			 30);
	assert_int_equal(r->prin_descriptor.prin_readfd.descriptors[29]->key[6],
			 0x01);
	assert_int_equal(r->prin_descriptor.prin_readfd.descriptors[29]->key[7],
			 29);
	/* Pointers 30 and 31 and the guard are untouched. */
	for (i = size - 2 * sizeof(void *); i < size + 64; i++)
		assert_int_equal(mem[i], 0xa5);
	free(mem);
	free(resp);
}

static void test_in_hex_dump(void **state)
{
	struct prin_resp *r = alloc_resp();
	struct capture c;
	char *line2;

	(void)state;
	io.nr_keys = 2;
	io.keys[0] = 0x123abc;
	io.keys[1] = 0x10;
	capture_start(&c);
	assert_int_equal(mpath_persistent_reserve_in(fd, MPATH_PRIN_RKEY_SA, r,
						     1, 0), MPATH_PR_SUCCESS);
	capture_stop(&c);
	assert_string_equal(c.out, "");
	/* "<sec>.<usec> | " then 8 blanks and 16 bytes, padded to 76. */
	assert_contains(c.err, " |         00 00 00 1f 00 00 00 10  00 00 00 "
			       "00 00 12 3a bc" "                    \n");
	line2 = strchr(c.err, '\n') + 1;
	assert_contains(line2, " |         00 00 00 00 00 00 00 10\n");
	assert_true(strchr(c.err, '|') > c.err + 2);
	capture_free(&c);
	free(r);
}

static void test_in_not_multipath(void **state)
{
	struct prin_resp *r = alloc_resp();
	struct capture c;
	int file;

	(void)state;
	capture_start(&c);
	fake_dm.exists = false;
	assert_int_equal(mpath_persistent_reserve_in(fd, MPATH_PRIN_RKEY_SA, r,
						     0, 0), MPATH_PR_DMMP_ERROR);
	fake_dm.exists = true;
	fake_dm.type = "linear";
	assert_int_equal(mpath_persistent_reserve_in(fd, MPATH_PRIN_RKEY_SA, r,
						     0, 0), MPATH_PR_DMMP_ERROR);
	fake_dm.type = "multipath";
	fake_dm.uuid = "LVM-xyz";
	assert_int_equal(mpath_persistent_reserve_in(fd, MPATH_PRIN_RKEY_SA, r,
						     0, 0), MPATH_PR_DMMP_ERROR);
	fake_dm.uuid = "mpath-1";
	fake_dm.run_fails = true;
	assert_int_equal(mpath_persistent_reserve_in(fd, MPATH_PRIN_RKEY_SA, r,
						     0, 0), MPATH_PR_DMMP_ERROR);
	fake_dm.run_fails = false;
	capture_stop(&c);
	/* Silent at verbosity 0; nothing was sent. */
	assert_string_equal(c.err, "");
	assert_int_equal(io.calls, 0);
	capture_free(&c);

	/* At verbosity 1 it says why. */
	fake_dm.type = "linear";
	capture_start(&c);
	assert_int_equal(mpath_persistent_reserve_in(fd, MPATH_PRIN_RKEY_SA, r,
						     0, 1), MPATH_PR_DMMP_ERROR);
	capture_stop(&c);
	assert_contains(c.err, "253:3: not a multipath map: map mpatha is a "
			       "'linear' map, not a multipath map");
	capture_free(&c);

	/* Not a block device, not a descriptor. */
	file = open("/proc/self/status", O_RDONLY);
	assert_true(file >= 0);
	assert_int_equal(mpath_persistent_reserve_in(file, MPATH_PRIN_RKEY_SA,
						     r, 0, 0),
			 MPATH_PR_FILE_ERROR);
	close(file);
	assert_int_equal(mpath_persistent_reserve_in(-1, MPATH_PRIN_RKEY_SA, r,
						     0, 0), MPATH_PR_FILE_ERROR);
	assert_int_equal(mpath_persistent_reserve_in(fd, 4, r, 0, -1),
			 MPATH_PR_SYNTAX_ERROR);
	assert_int_equal(mpath_persistent_reserve_in(fd, 0, NULL, 0, -1),
			 MPATH_PR_SYNTAX_ERROR);
	free(r);
}

static void sense(int i, uint8_t status, int key, uint8_t asc, uint8_t ascq)
{
	io.sg[i].status = status;
	io.sg[i].sense_key = key;
	io.sg[i].asc = asc;
	io.sg[i].ascq = ascq;
	if (i + 1 > io.nr_sg)
		io.nr_sg = i + 1;
}

/* READ FULL STATUS answered with @key (CHECK CONDITION), on every try. */
static int in_with_sense(int key)
{
	struct prin_resp *r = alloc_resp();
	int ret;

	memset(&io.sg, 0, sizeof(io.sg));
	io.nr_sg = 0;
	io.sg_calls = 0;
	sense(0, 0x02, key, 0x11, 0x22);
	ret = mpath_persistent_reserve_in(fd, MPATH_PRIN_RFSTAT_SA, r, 0, 0);
	free(r);
	return ret;
}

static void test_sense_codes(void **state)
{
	static const struct {
		int key, code;
	} t[] = {
		{ 0x0, MPATH_PR_NO_SENSE },
		{ 0x2, MPATH_PR_SENSE_NOT_READY },
		{ 0x3, MPATH_PR_SENSE_MEDIUM_ERROR },
		{ 0x4, MPATH_PR_SENSE_HARDWARE_ERROR },
		{ 0x5, MPATH_PR_ILLEGAL_REQ },
		{ 0x6, MPATH_PR_SENSE_UNIT_ATTENTION },
		{ 0x7, MPATH_PR_OTHER },
		{ 0x8, MPATH_PR_OTHER },
		{ 0xa, MPATH_PR_OTHER },
		{ 0xb, MPATH_PR_SENSE_ABORTED_COMMAND },
		{ 0xd, MPATH_PR_OTHER },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		io.resp = (const uint8_t *)"\0\0\0\0\0\0\0\0";
		io.resp_len = 8;
		assert_int_equal(in_with_sense(t[i].key), t[i].code);
	}
	/* RECOVERED ERROR is success. */
	assert_int_equal(in_with_sense(0x1), MPATH_PR_SUCCESS);

	/* Without sense data a CHECK CONDITION is "other". */
	memset(&io.sg, 0, sizeof(io.sg));
	io.sg[0].sense_key = -1;
	io.sg[0].status = 0x02;
	io.nr_sg = 1;
	{
		struct prin_resp *r = alloc_resp();

		assert_int_equal(mpath_persistent_reserve_in(
					 fd, MPATH_PRIN_RCAP_SA, r, 0, 0),
				 MPATH_PR_OTHER);
		io.sg[0].status = 0x18;
		assert_int_equal(mpath_persistent_reserve_in(
					 fd, MPATH_PRIN_RCAP_SA, r, 0, 0),
				 MPATH_PR_RESERV_CONFLICT);
		free(r);
	}
}

static void test_unit_attention_retries(void **state)
{
	(void)state;
	/* Still UNIT ATTENTION after 5 retries, on the map and the path. */
	assert_int_equal(in_with_sense(0x6), MPATH_PR_SENSE_UNIT_ATTENTION);
	assert_int_equal(io.sg_calls, 12);

	/* Twice, then through. */
	memset(&io.sg, 0, sizeof(io.sg));
	io.sg_calls = 0;
	io.nr_sg = 0;
	sense(0, 0x02, 0x6, 0x29, 0);
	sense(1, 0x02, 0x6, 0x2a, 3);
	sense(2, 0, -1, 0, 0);
	{
		struct prin_resp *r = alloc_resp();

		io.resp = (const uint8_t *)"\0\0\0\1\0\0\0\0";
		io.resp_len = 8;
		assert_int_equal(mpath_persistent_reserve_in(
					 fd, MPATH_PRIN_RFSTAT_SA, r, 0, 0),
				 MPATH_PR_SUCCESS);
		assert_int_equal(io.sg_calls, 3);
		assert_int_equal(r->prin_descriptor.prin_readfd.prgeneration,
				 1);
		free(r);
	}
}

static void test_not_ready_retries(void **state)
{
	struct prin_resp *r = alloc_resp();

	(void)state;
	/* 04/07 is retried... */
	sense(0, 0x02, 0x2, 0x04, 0x07);
	sense(1, 0, -1, 0, 0);
	io.resp = (const uint8_t *)"\0\0\0\0\0\0\0\0";
	io.resp_len = 8;
	assert_int_equal(mpath_persistent_reserve_in(fd, MPATH_PRIN_RFSTAT_SA,
						     r, 0, 0),
			 MPATH_PR_SUCCESS);
	assert_int_equal(io.sg_calls, 2);
	/* ...another NOT READY is not (it moves on to the path). */
	assert_int_equal(in_with_sense(0x2), MPATH_PR_SENSE_NOT_READY);
	assert_int_equal(io.sg_calls, 2);
	free(r);
}

static void test_in_fails_over_to_a_path(void **state)
{
	struct prin_resp *r = alloc_resp();

	(void)state;
	/* The map's path fails at the transport; the table's first path
	 * (/dev/block/8:16, the fake again) answers. */
	io.sg[0].host = 0x01;
	io.sg[1].host = 0;
	io.nr_sg = 2;
	io.resp = (const uint8_t *)"\0\0\0\5\0\0\0\0";
	io.resp_len = 8;
	assert_int_equal(mpath_persistent_reserve_in(fd, MPATH_PRIN_RFSTAT_SA,
						     r, 0, 0),
			 MPATH_PR_SUCCESS);
	assert_int_equal(io.sg_calls, 2);
	assert_int_equal(r->prin_descriptor.prin_readfd.prgeneration, 5);
	assert_int_equal(fake_opens_ro, 2);

	/* ILLEGAL REQUEST does not fail over. */
	io.sg_calls = 0;
	assert_int_equal(in_with_sense(0x5), MPATH_PR_ILLEGAL_REQ);
	assert_int_equal(io.sg_calls, 1);

	/* SG_IO not supported at all: no fail-over either. */
	memset(&io.sg, 0, sizeof(io.sg));
	io.sg[0].err = ENOTTY;
	io.nr_sg = 1;
	io.sg_calls = 0;
	assert_int_equal(mpath_persistent_reserve_in(fd, MPATH_PRIN_RCAP_SA, r,
						     0, 0), MPATH_PR_OTHER);
	assert_int_equal(io.sg_calls, 1);

	/* No path reachable: DMMP error, as "no path available". */
	io.sg[0].err = EIO;
	io.sg_calls = 0;
	assert_int_equal(mpath_persistent_reserve_in(fd, MPATH_PRIN_RCAP_SA, r,
						     0, 0), MPATH_PR_DMMP_ERROR);
	assert_int_equal(io.sg_calls, 2);
	free(r);
}

static int out(int sa, unsigned int type, struct prout_param_descriptor *p)
{
	return mpath_persistent_reserve_out(fd, sa, 0, type, p, 0, 0);
}

static void test_out_register(void **state)
{
	struct prout_param_descriptor *p = alloc_param(0, 0x123abc);

	(void)state;
	assert_int_equal(out(MPATH_PROUT_REG_SA, 0, p), MPATH_PR_SUCCESS);
	assert_int_equal(io.reqs[0], IOC_PR_REGISTER);
	assert_int_equal(io.reg.old_key, 0);
	assert_int_equal(io.reg.new_key, 0x123abc);
	assert_int_equal(io.reg.flags, 0);

	put_be64(p->key, 0x123abc);
	put_be64(p->sa_key, 0x456);
	/* ALL_TG_PT and APTPL do not change the ioctl. */
	p->sa_flags = MPATH_F_ALL_TG_PT_MASK | MPATH_F_APTPL_MASK;
	assert_int_equal(out(MPATH_PROUT_REG_SA, 0, p), MPATH_PR_SUCCESS);
	assert_int_equal(io.reg.old_key, 0x123abc);
	assert_int_equal(io.reg.new_key, 0x456);

	assert_int_equal(out(MPATH_PROUT_REG_IGN_SA, 0, p), MPATH_PR_SUCCESS);
	assert_int_equal(io.reg.old_key, 0);
	assert_int_equal(io.reg.new_key, 0x456);
	assert_int_equal(io.reg.flags, PR_FL_IGNORE_KEY);
	assert_int_equal(io.sg_calls, 0);
	free(p);
}

/*
 * RELEASE that reports a failure (device-mapper's RELEASE on every path:
 * the second path answers UNIT ATTENTION) counts as done when the key no
 * longer holds the reservation, as in libmpathpersist.
 */
static void test_out_release_verified(void **state)
{
	struct prout_param_descriptor *p = alloc_param(0xaa, 0);

	(void)state;
	io.ret = 0x02;		/* CHECK CONDITION, as Linux 6.1 reports it */
	io.rr.type = 0;		/* no reservation left */
	assert_int_equal(out(MPATH_PROUT_REL_SA, MPATH_PRTPE_WE_RO, p),
			 MPATH_PR_SUCCESS);
	assert_int_equal(io.reqs[0], IOC_PR_RELEASE);
	assert_int_equal(io.reqs[1], IOC_PR_READ_RESERVATION);
	/* Another key holds it: RELEASE by a non-holder changes nothing. */
	io.rr.type = 3;
	io.rr.key = 0xbb;
	assert_int_equal(out(MPATH_PROUT_REL_SA, MPATH_PRTPE_WE_RO, p),
			 MPATH_PR_SUCCESS);
	/* Still ours: the failure stands. */
	io.rr.key = 0xaa;
	assert_int_equal(out(MPATH_PROUT_REL_SA, MPATH_PRTPE_WE_RO, p),
			 MPATH_PR_OTHER);
	/* The reservation cannot be read: the failure stands. */
	io.no_read_ioctls = true;
	io.nr_sg = 1;
	io.sg[0].status = 0x02;
	io.sg[0].sense_key = 0x4;
	assert_int_equal(out(MPATH_PROUT_REL_SA, MPATH_PRTPE_WE_RO, p),
			 MPATH_PR_OTHER);
	/* A conflict is not looked into. */
	io.no_read_ioctls = false;
	io.calls = 0;
	io.ret = 0x18;
	io.rr.type = 0;
	assert_int_equal(out(MPATH_PROUT_REL_SA, MPATH_PRTPE_WE_RO, p),
			 MPATH_PR_RESERV_CONFLICT);
	assert_int_equal(io.calls, 1);
	free(p);
}

static void test_out_reserve_release_preempt_clear(void **state)
{
	struct prout_param_descriptor *p = alloc_param(0xaa, 0xbb);
	struct capture c;

	(void)state;
	assert_int_equal(out(MPATH_PROUT_RES_SA, MPATH_PRTPE_WE_RO, p),
			 MPATH_PR_SUCCESS);
	assert_int_equal(io.reqs[0], IOC_PR_RESERVE);
	assert_int_equal(io.rsv.key, 0xaa);
	assert_int_equal(io.rsv.type, 3);
	assert_int_equal(out(MPATH_PROUT_REL_SA, MPATH_PRTPE_EA_AR, p),
			 MPATH_PR_SUCCESS);
	assert_int_equal(io.reqs[1], IOC_PR_RELEASE);
	assert_int_equal(io.rsv.type, 6);
	assert_int_equal(out(MPATH_PROUT_PREE_SA, MPATH_PRTPE_WE, p),
			 MPATH_PR_SUCCESS);
	assert_int_equal(io.reqs[2], IOC_PR_PREEMPT);
	assert_int_equal(io.pp.old_key, 0xaa);
	assert_int_equal(io.pp.new_key, 0xbb);
	assert_int_equal(io.pp.type, 1);
	assert_int_equal(out(MPATH_PROUT_PREE_AB_SA, MPATH_PRTPE_EA, p),
			 MPATH_PR_SUCCESS);
	assert_int_equal(io.reqs[3], IOC_PR_PREEMPT_ABORT);
	assert_int_equal(io.pp.type, 2);
	assert_int_equal(out(MPATH_PROUT_CLEAR_SA, 0, p), MPATH_PR_SUCCESS);
	assert_int_equal(io.reqs[4], IOC_PR_CLEAR);
	assert_int_equal(io.clr.key, 0xaa);
	/* No type given: type 0 through the ioctl, the device judges. */
	assert_int_equal(out(MPATH_PROUT_RES_SA, 0, p), MPATH_PR_SUCCESS);
	assert_int_equal(io.reqs[5], IOC_PR_RESERVE);
	assert_int_equal(io.rsv.type, 0);
	/* Only the low nibble of the type counts, as in the CDB. */
	assert_int_equal(out(MPATH_PROUT_RES_SA, 0x15, p), MPATH_PR_SUCCESS);
	assert_int_equal(io.rsv.type, 3);
	assert_int_equal(io.sg_calls, 0);
	/* REGISTER AND MOVE is not supported. */
	capture_start(&c);
	assert_int_equal(out(MPATH_PROUT_REG_MOV_SA, 0, p), MPATH_PR_OTHER);
	assert_int_equal(out(-1, 0, p), MPATH_PR_OTHER);
	assert_int_equal(out(MPATH_PROUT_REG_SA, 0, NULL),
			 MPATH_PR_SYNTAX_ERROR);
	capture_stop(&c);
	assert_contains(c.err, " | PERSISTENT RESERVE OUT service action 7 is "
			       "not supported\n");
	assert_contains(c.err, " | no PERSISTENT RESERVE OUT parameters\n");
	capture_free(&c);
	free(p);
}

static void test_out_sg_io_for_what_ioctls_lack(void **state)
{
	struct prout_param_descriptor *p = alloc_param(0xaa, 0);

	(void)state;
	/* An obsolete type code goes to the device as it is. */
	sense(0, 0x02, 0x5, 0x24, 0);
	assert_int_equal(out(MPATH_PROUT_RES_SA, 0x2, p), MPATH_PR_ILLEGAL_REQ);
	assert_int_equal(io.sg_calls, 1);
	assert_int_equal(io.dir[0], SG_DXFER_TO_DEV);
	assert_int_equal(io.cdb[0][0], 0x5f);
	assert_int_equal(io.cdb[0][1], 0x01);
	assert_int_equal(io.cdb[0][2], 0x02);
	assert_int_equal(io.cdb[0][8], 24);
	assert_int_equal(io.out_len, 24);
	assert_int_equal(io.out[7], 0xaa);

	/* So does a scope other than LU_SCOPE. */
	io.sg[0].status = 0;
	io.sg[0].sense_key = -1;
	assert_int_equal(mpath_persistent_reserve_out(fd, MPATH_PROUT_REL_SA,
						      1, MPATH_PRTPE_WE, p, 0,
						      0), MPATH_PR_SUCCESS);
	assert_int_equal(io.cdb[1][1], 0x02);
	assert_int_equal(io.cdb[1][2], 0x11);
	free(p);
}

static void test_out_codes(void **state)
{
	static const struct {
		int ret, err, code;
	} t[] = {
		{ 0x18, 0, MPATH_PR_RESERV_CONFLICT },
		{ 0x118, 0, MPATH_PR_RESERV_CONFLICT }, /* 6.1, raw */
		{ 0x10000, 0, MPATH_PR_OTHER },
		{ 0xe0000, 0, MPATH_PR_OTHER },
		{ 0x2, 0, MPATH_PR_OTHER },
		{ -1, EINVAL, MPATH_PR_ILLEGAL_REQ },
		{ -1, EOPNOTSUPP, MPATH_PR_ILLEGAL_REQ },
		{ -1, EBADE, MPATH_PR_RESERV_CONFLICT },
		{ -1, ENODEV, MPATH_PR_DMMP_ERROR },
		{ -1, ENOTCONN, MPATH_PR_DMMP_ERROR },
		{ -1, EIO, MPATH_PR_OTHER },
		{ -1, EPERM, MPATH_PR_OTHER },
	};
	struct prout_param_descriptor *p = alloc_param(0xaa, 0xbb);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		io.ret = t[i].ret;
		io.ret_errno = t[i].err;
		assert_int_equal(out(MPATH_PROUT_REG_SA, 0, p), t[i].code);
		assert_int_equal(out(MPATH_PROUT_PREE_SA, 5, p), t[i].code);
	}
	free(p);
}

static void test_out_not_multipath(void **state)
{
	struct prout_param_descriptor *p = alloc_param(0, 1);

	(void)state;
	fake_dm.exists = false;
	assert_int_equal(out(MPATH_PROUT_REG_SA, 0, p), MPATH_PR_DMMP_ERROR);
	assert_int_equal(io.calls, 0);
	free(p);
}

static void test_out_transport_ids(void **state)
{
	static const uint8_t want[] = {
		/* FC: 24 bytes, N_PORT_NAME at 8 */
		0x00, 0, 0, 0, 0, 0, 0, 0,
		0x21, 0x00, 0x00, 0x24, 0xff, 0x12, 0x34, 0x56,
		0, 0, 0, 0, 0, 0, 0, 0,
		/* SAS: 24 bytes, address at 4 */
		0x06, 0, 0, 0, 0x50, 0x06, 0x05, 0xb0, 0, 0, 0, 0x01,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		/* iSCSI name: length 20 at bytes 2-3, name at 4 */
		0x05, 0, 0, 20, 'i', 'q', 'n', '.', 'x', 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		/* iSCSI port identifier, built as mpathpersist does */
		0x45, 0, 0, 20, 'i', 'q', 'n', '.', 'y', ',', 'i', ',',
		'0', 'x', '1', 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	struct prout_param_descriptor *p = alloc_param(0, 0x123abc);
	struct transportid t[4];
	struct capture c;

	(void)state;
	memset(t, 0, sizeof(t));
	t[0].protocol_id = MPATH_PROTOCOL_ID_FC;
	memcpy(t[0].n_port_name, "\x21\x00\x00\x24\xff\x12\x34\x56", 8);
	t[1].protocol_id = MPATH_PROTOCOL_ID_SAS;
	memcpy(t[1].sas_address, "\x50\x06\x05\xb0\x00\x00\x00\x01", 8);
	t[2].protocol_id = MPATH_PROTOCOL_ID_ISCSI;
	strcpy((char *)t[2].iscsi_name, "iqn.x");
	t[3].protocol_id = MPATH_PROTOCOL_ID_ISCSI;
	t[3].format_code = MPATH_WWUI_PORT_IDENTIFIER;
	t[3].iscsi_name[1] = 20;
	strcpy((char *)t[3].iscsi_name + 2, "iqn.y,i,0x1");
	p->trnptid_list[0] = &t[0];
	p->trnptid_list[1] = &t[1];
	p->trnptid_list[2] = &t[2];
	p->trnptid_list[3] = &t[3];
	p->num_transportid = 4;
	p->sa_flags = MPATH_F_SPEC_I_PT_MASK;

	assert_int_equal(out(MPATH_PROUT_REG_SA, 0, p), MPATH_PR_SUCCESS);
	/* SG_IO with the transport IDs, then every path by ioctl. */
	assert_int_equal(io.reqs[0], SG_IO);
	assert_int_equal(io.cdb[0][1], 0x00);
	assert_int_equal(io.out_len, 28 + sizeof(want));
	assert_int_equal(io.cdb[0][8], 28 + sizeof(want));
	assert_int_equal(io.out[15], 0xbc);
	assert_int_equal(io.out[20], MPATH_F_SPEC_I_PT_MASK);
	assert_int_equal(io.out[27], sizeof(want));
	assert_memory_equal(io.out + 28, want, sizeof(want));
	assert_int_equal(io.reqs[1], IOC_PR_REGISTER);
	assert_int_equal(io.reg.new_key, 0x123abc);
	assert_int_equal(io.reg.flags, PR_FL_IGNORE_KEY);
	/* The caller's structure is left alone. */
	assert_int_equal(p->private_buffer[3], 0);

	/* A failing SPEC_I_PT registration stops there. */
	io.calls = 0;
	sense(0, 0x18, -1, 0, 0);
	assert_int_equal(out(MPATH_PROUT_REG_SA, 0, p),
			 MPATH_PR_RESERV_CONFLICT);
	assert_int_equal(io.calls, 1);

	/* Malformed ones are refused before anything is sent. */
	io.calls = 0;
	capture_start(&c);
	t[1].protocol_id = 0x4;
	assert_int_equal(out(MPATH_PROUT_REG_SA, 0, p), MPATH_PR_SYNTAX_ERROR);
	t[1].protocol_id = MPATH_PROTOCOL_ID_SAS;
	t[1].format_code = 0x80;
	assert_int_equal(out(MPATH_PROUT_REG_SA, 0, p), MPATH_PR_SYNTAX_ERROR);
	t[1].format_code = 0;
	t[2].format_code = MPATH_WWUI_PORT_IDENTIFIER; /* no ",i,0x" */
	assert_int_equal(out(MPATH_PROUT_REG_SA, 0, p), MPATH_PR_SYNTAX_ERROR);
	t[2].format_code = 0;
	memset(t[2].iscsi_name, 'a', sizeof(t[2].iscsi_name));
	assert_int_equal(out(MPATH_PROUT_REG_SA, 0, p), MPATH_PR_SYNTAX_ERROR);
	p->trnptid_list[2] = NULL;
	assert_int_equal(out(MPATH_PROUT_REG_SA, 0, p), MPATH_PR_SYNTAX_ERROR);
	capture_stop(&c);
	assert_int_equal(io.calls, 0);
	assert_contains(c.err, " | transport ID 1 is malformed\n");
	assert_contains(c.err, " | transport ID 2 is malformed\n");
	capture_free(&c);
	free(p);
}

static void test_out_hex_dump(void **state)
{
	struct prout_param_descriptor *p = alloc_param(0x11, 0x22);
	struct capture c;

	(void)state;
	p->sa_flags = MPATH_F_APTPL_MASK;
	capture_start(&c);
	assert_int_equal(mpath_persistent_reserve_out(fd, MPATH_PROUT_REG_SA, 0,
						      0, p, 1, 0),
			 MPATH_PR_SUCCESS);
	capture_stop(&c);
	assert_contains(c.err, " |         00 00 00 00 00 00 00 11  00 00 00 "
			       "00 00 00 00 22" "                    \n");
	assert_contains(c.err, " |         00 00 00 00 01 00 00 00\n");
	capture_free(&c);
	free(p);
}

static void test_encode_tid(void **state)
{
	uint8_t tid[MPP_TID_MAX];
	char name[300];

	(void)state;
	assert_int_equal(mpp_encode_tid(0, 0, (const uint8_t *)"12345678", 8,
					tid), 24);
	assert_int_equal(mpp_encode_tid(0, 1, (const uint8_t *)"12345678", 8,
					tid), -EINVAL);
	assert_int_equal(mpp_encode_tid(6, 0, (const uint8_t *)"1234567", 7,
					tid), -EINVAL);
	assert_int_equal(mpp_encode_tid(1, 0, (const uint8_t *)"12345678", 8,
					tid), -EINVAL);
	/* iSCSI: NUL, padding to 4, at least 20 bytes of name field. */
	memset(name, 'n', sizeof(name));
	assert_int_equal(mpp_encode_tid(5, 0, (const uint8_t *)name, 19, tid),
			 24);
	assert_int_equal(mpp_encode_tid(5, 0, (const uint8_t *)name, 20, tid),
			 28);
	assert_int_equal(tid[3], 24);
	assert_int_equal(tid[23], 'n');
	assert_int_equal(tid[24], 0);
	assert_int_equal(mpp_encode_tid(5, 0, (const uint8_t *)name, 251, tid),
			 256);
	assert_int_equal(mpp_encode_tid(5, 0, (const uint8_t *)name, 252, tid),
			 -EINVAL);
	assert_int_equal(mpp_encode_tid(5, 0, (const uint8_t *)name, 0, tid),
			 -EINVAL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_layout),
		T(test_init_exit),
		T(test_read_keys_ioctl),
		T(test_read_keys_sg_io),
		T(test_read_reservation),
		T(test_read_reservation_sg_io_scope),
		T(test_report_capabilities),
		T(test_read_full_status),
		T(test_read_full_status_no_overflow),
		T(test_in_hex_dump),
		T(test_in_not_multipath),
		T(test_sense_codes),
		T(test_unit_attention_retries),
		T(test_not_ready_retries),
		T(test_in_fails_over_to_a_path),
		T(test_out_register),
		T(test_out_reserve_release_preempt_clear),
		T(test_out_release_verified),
		T(test_out_sg_io_for_what_ioctls_lack),
		T(test_out_codes),
		T(test_out_not_multipath),
		T(test_out_transport_ids),
		T(test_out_hex_dump),
		T(test_encode_tid),
	};

	return cmocka_run_group_tests_name("mpath_persist", tests, NULL, NULL);
}
