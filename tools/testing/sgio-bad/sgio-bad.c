// SPDX-License-Identifier: GPL-2.0
/*
 * sgio-bad: malformed SG_IO PERSISTENT RESERVE requests on a map that
 * dm-mpath-pr answers, for scenario 37-sgio-malformed.
 *
 *   sgio-bad MAP PATH
 *
 * MAP is the attached map's device node (/dev/dm-N), PATH one of its
 * paths (/dev/sdX). Each case sends one request with SG_IO on MAP and
 * checks what comes back against what the block layer's sg_io() and a
 * device server give (Documentation/kernel.md, "SG_IO"): the ioctl's
 * result and errno; where it returns 0, status, driver_status, the sense
 * (key, ASC, ASCQ, sb_len_wr), resid and the data; where it fails, that
 * the caller's header was not written back. Cases the block layer
 * refuses before it sends anything, and the PR IN reads, are also sent
 * to PATH, and MAP's answer must equal PATH's (LIO's, through sd). No
 * case may change a registration or the reservation at the target: the
 * scenario compares LIO's state before and after.
 *
 * Prints TAP without a plan: "ok - NAME" or "not ok - NAME", with "# "
 * lines of detail. Exit status: 0 if every case passed, 1 if one failed,
 * 2 on a usage or setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <scsi/sg.h>

#define PR_IN			0x5e
#define PR_OUT			0x5f
#define PR_IN_READ_KEYS		0x00
#define PR_IN_READ_RESERVATION	0x01
#define PR_OUT_REGISTER		0x00
#define PR_OUT_REGISTER_MOVE	0x07
#define PR_OUT_PLEN		24

#define SAM_GOOD		0x00
#define SAM_CHECK_CONDITION	0x02
#define SENSE_ILLEGAL_REQUEST	0x05
#define SENSE_UNIT_ATTENTION	0x06
#define ASC_PARAM_LIST_LENGTH	0x1a
#define ASC_INVALID_FIELD_CDB	0x24
#define DRIVER_SENSE		0x08

#define SENTINEL		0xa5
#define BUF			256

static int map_fd, path_fd;
static int failed;
static void *unmapped, *readonly;

/* one request and what came back */
struct req {
	struct sg_io_hdr hdr;
	uint8_t cdb[64];
	uint8_t data[BUF];
	uint8_t sense[32];
	int rc;
	int err;
};

static void result(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		failed++;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, v >> 32);
	put_be32(p + 4, (uint32_t)v);
}

/* a header as sg_persist fills it, data and sense filled with SENTINEL */
static void init_req(struct req *r, uint8_t opcode, uint8_t sa)
{
	memset(r, 0, sizeof(*r));
	memset(r->data, SENTINEL, sizeof(r->data));
	memset(r->sense, SENTINEL, sizeof(r->sense));
	r->cdb[0] = opcode;
	r->cdb[1] = sa;
	r->hdr.interface_id = 'S';
	r->hdr.cmd_len = 10;
	r->hdr.cmdp = r->cdb;
	r->hdr.sbp = r->sense;
	r->hdr.mx_sb_len = sizeof(r->sense);
	r->hdr.dxferp = r->data;
	r->hdr.timeout = 20000;
	/* what the kernel must overwrite on an answer */
	r->hdr.status = 0xff;
	r->hdr.driver_status = 0xffff;
	r->hdr.sb_len_wr = 0xff;
	r->hdr.resid = -7;
}

/* PR IN SA with ALLOC allocation length, DXFER bytes of buffer */
static void pr_in(struct req *r, uint8_t sa, uint16_t alloc, unsigned int dxfer)
{
	init_req(r, PR_IN, sa);
	r->cdb[7] = alloc >> 8;
	r->cdb[8] = (uint8_t)alloc;
	r->hdr.dxfer_direction = SG_DXFER_FROM_DEV;
	r->hdr.dxfer_len = dxfer;
}

/* PR OUT REGISTER from KEY to SA_KEY: a 24-byte list, all of it sent */
static void pr_register(struct req *r, uint64_t key, uint64_t sa_key)
{
	init_req(r, PR_OUT, PR_OUT_REGISTER);
	put_be32(&r->cdb[5], PR_OUT_PLEN);
	memset(r->data, 0, PR_OUT_PLEN);
	put_be64(r->data, key);
	put_be64(r->data + 8, sa_key);
	r->hdr.dxfer_direction = SG_DXFER_TO_DEV;
	r->hdr.dxfer_len = PR_OUT_PLEN;
}

static void send_to(int fd, struct req *r, void *arg)
{
	errno = 0;
	r->rc = ioctl(fd, SG_IO, arg ? arg : (void *)&r->hdr);
	r->err = r->rc < 0 ? errno : 0;
}

/* a copy of TMPL whose pointers into TMPL's buffers point into its own */
static void copy_req(struct req *r, const struct req *tmpl)
{
	*r = *tmpl;
	if (tmpl->hdr.cmdp == tmpl->cdb)
		r->hdr.cmdp = r->cdb;
	if (tmpl->hdr.dxferp == tmpl->data)
		r->hdr.dxferp = r->data;
	if (tmpl->hdr.sbp == tmpl->sense)
		r->hdr.sbp = r->sense;
}

/* on PATH: again after a UNIT ATTENTION (a PR change through another nexus) */
static void send_path(struct req *r, const struct req *tmpl, void *arg)
{
	int i;

	for (i = 0; i < 3; i++) {
		copy_req(r, tmpl);
		send_to(path_fd, r, arg);
		if (r->rc || r->hdr.status != SAM_CHECK_CONDITION ||
		    r->hdr.sb_len_wr < 3 || (r->sense[2] & 0xf) != SENSE_UNIT_ATTENTION)
			return;
	}
}

static const char *errname(int err)
{
	const char *n = err ? strerrorname_np(err) : "0";

	return n ? n : "?";
}

static void show(const char *who, const struct req *r)
{
	printf("# %s: rc %d errno %s status 0x%x driver 0x%x sb_len_wr %u",
	       who, r->rc, errname(r->err), r->hdr.status, r->hdr.driver_status,
	       r->hdr.sb_len_wr);
	if (r->hdr.sb_len_wr >= 14 && r->hdr.sb_len_wr != 0xff)
		printf(" sense %x/%02x/%02x", r->sense[2] & 0xf, r->sense[12],
		       r->sense[13]);
	printf(" resid %d\n", r->hdr.resid);
}

static void dump(const char *what, const uint8_t *p, size_t n)
{
	size_t i;

	printf("# %s:", what);
	for (i = 0; i < n; i++)
		printf(" %02x", p[i]);
	printf("\n");
}

/* the ioctl failed with ERR and left the caller's header as it was */
static void want_errno(const char *name, const struct req *r, int err)
{
	bool ok = r->rc == -1 && r->err == err && r->hdr.status == 0xff &&
		  r->hdr.resid == -7 && r->hdr.sb_len_wr == 0xff;

	if (!ok)
		show("map", r);
	result(ok, "%s: %s, header not written back", name, errname(err));
}

/* a CHECK CONDITION with KEY/ASC, full sense, and RESID */
static void want_check(const char *name, const struct req *r, uint8_t key,
		       uint8_t asc, int resid)
{
	bool ok = r->rc == 0 && r->hdr.status == SAM_CHECK_CONDITION &&
		  r->hdr.masked_status == SAM_CHECK_CONDITION >> 1 &&
		  r->hdr.driver_status == DRIVER_SENSE &&
		  r->hdr.sb_len_wr == 18 && r->sense[0] == 0x70 &&
		  (r->sense[2] & 0xf) == key && r->sense[12] == asc &&
		  r->sense[13] == 0 && r->hdr.resid == resid &&
		  r->hdr.info & SG_INFO_CHECK;

	if (!ok)
		show("map", r);
	result(ok, "%s: CHECK CONDITION, sense %x/%02x/00, resid %d", name, key,
	       asc, resid);
}

/* MAP's answer equals PATH's: result, status, sense, resid, data */
static bool same_as_path(const char *name, const struct req *m, const struct req *p)
{
	bool ok = m->rc == p->rc && m->err == p->err;
	int xfer;

	if (ok && m->rc == 0) {
		/*
		 * Data past the transferred bytes is not compared: the block
		 * layer may copy a bounce buffer back whole.
		 */
		xfer = (int)m->hdr.dxfer_len - m->hdr.resid;
		ok = m->hdr.status == p->hdr.status &&
		     m->hdr.driver_status == p->hdr.driver_status &&
		     m->hdr.sb_len_wr == p->hdr.sb_len_wr &&
		     !memcmp(m->sense, p->sense, sizeof(m->sense)) &&
		     m->hdr.resid == p->hdr.resid &&
		     (m->hdr.dxferp != m->data || xfer < 0 || xfer > BUF ||
		      !memcmp(m->data, p->data, (size_t)xfer));
	}
	if (!ok) {
		show("map", m);
		show("path", p);
		dump("map data", m->data, 72);
		dump("path data", p->data, 72);
		dump("map sense", m->sense, 18);
		dump("path sense", p->sense, 18);
	}
	result(ok, "%s: the same answer as the path's (LIO through sd)", name);
	return ok;
}

/*
 * Send TMPL to MAP (header at ARG if not NULL) and to PATH; check MAP's
 * answer against PATH's and, if WANT_ERR, that both failed with it.
 */
static void both(const char *name, const struct req *tmpl, void *arg, int want_err,
		 struct req *m)
{
	struct req p;

	copy_req(m, tmpl);
	send_to(map_fd, m, arg);
	send_path(&p, tmpl, arg);
	if (want_err)
		want_errno(name, m, want_err);
	same_as_path(name, m, &p);
}

/* send TMPL to MAP only */
static void map_only(const struct req *tmpl, struct req *m)
{
	copy_req(m, tmpl);
	send_to(map_fd, m, NULL);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int main(int argc, char *argv[])
{
	struct req t, m;
	struct iovec iov;
	uint32_t keys_len;
	long pg = sysconf(_SC_PAGESIZE);

	if (argc != 3) {
		fprintf(stderr, "usage: sgio-bad MAP PATH\n");
		return 2;
	}
	map_fd = open(argv[1], O_RDWR);
	path_fd = open(argv[2], O_RDWR);
	if (map_fd < 0 || path_fd < 0) {
		perror("sgio-bad: open");
		return 2;
	}
	unmapped = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	readonly = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (unmapped == MAP_FAILED || readonly == MAP_FAILED || munmap(unmapped, pg)) {
		perror("sgio-bad: mmap");
		return 2;
	}

	/* the full READ KEYS, for the lengths below */
	pr_in(&t, PR_IN_READ_KEYS, BUF, BUF);
	map_only(&t, &m);
	if (m.rc || m.hdr.status != SAM_GOOD) {
		show("map", &m);
		fprintf(stderr, "sgio-bad: READ KEYS on %s failed\n", argv[1]);
		return 2;
	}
	keys_len = be32(m.data + 4);
	printf("# READ KEYS on the map: generation 0x%x, %u keys\n", be32(m.data),
	       keys_len / 8);
	if (keys_len < 16 || keys_len + 8 > BUF) {
		fprintf(stderr, "sgio-bad: want 2 to 31 registrations\n");
		return 2;
	}

	/* ---- bad user pointers ---- */
	pr_in(&t, PR_IN_READ_KEYS, BUF, BUF);
	both("the sg_io_hdr pointer (void *)1", &t, (void *)1, EFAULT, &m);

	pr_register(&t, 0, 0xbad1);
	t.hdr.dxferp = (void *)1;
	both("PR OUT REGISTER, dxferp (void *)1", &t, NULL, EFAULT, &m);

	pr_register(&t, 0, 0xbad2);
	t.hdr.dxferp = unmapped;
	both("PR OUT REGISTER, dxferp an unmapped page", &t, NULL, EFAULT, &m);

	pr_in(&t, PR_IN_READ_KEYS, BUF, BUF);
	t.hdr.dxferp = (void *)1;
	both("PR IN READ KEYS, dxferp (void *)1", &t, NULL, EFAULT, &m);

	pr_in(&t, PR_IN_READ_RESERVATION, BUF, BUF);
	t.hdr.dxferp = unmapped;
	both("PR IN READ RESERVATION, dxferp an unmapped page", &t, NULL, EFAULT, &m);

	pr_in(&t, PR_IN_READ_KEYS, 64, 64);
	t.hdr.dxferp = readonly;
	both("PR IN READ KEYS, dxferp a read-only page", &t, NULL, EFAULT, &m);

	pr_register(&t, 0, 0xbad3);
	t.hdr.cmdp = (void *)1;
	both("PR OUT REGISTER, cmdp (void *)1", &t, NULL, EFAULT, &m);

	pr_in(&t, PR_IN_READ_KEYS, BUF, BUF);
	t.hdr.cmdp = unmapped;
	both("PR IN READ KEYS, cmdp an unmapped page", &t, NULL, EFAULT, &m);

	/* sense: only written for a CHECK CONDITION */
	pr_in(&t, PR_IN_READ_KEYS, BUF, BUF);
	t.hdr.sbp = (void *)1;
	both("PR IN READ KEYS (GOOD), sbp (void *)1", &t, NULL, 0, &m);
	result(m.rc == 0 && m.hdr.status == SAM_GOOD && m.hdr.sb_len_wr == 0,
	       "...answered GOOD, sb_len_wr 0");

	init_req(&t, PR_OUT, PR_OUT_REGISTER_MOVE);
	put_be32(&t.cdb[5], PR_OUT_PLEN);
	memset(t.data, 0, BUF);
	t.hdr.dxfer_direction = SG_DXFER_TO_DEV;
	t.hdr.dxfer_len = PR_OUT_PLEN;
	t.hdr.sbp = (void *)1;
	map_only(&t, &m);
	want_errno("REGISTER AND MOVE (CHECK CONDITION), sbp (void *)1", &m, EFAULT);

	t.hdr.mx_sb_len = 0;
	map_only(&t, &m);
	result(m.rc == 0 && m.hdr.status == SAM_CHECK_CONDITION &&
	       m.hdr.driver_status == DRIVER_SENSE && m.hdr.sb_len_wr == 0 &&
	       m.hdr.resid == PR_OUT_PLEN,
	       "REGISTER AND MOVE, sbp (void *)1 and mx_sb_len 0: CHECK CONDITION, "
	       "DRIVER_SENSE, nothing written (sb_len_wr 0)");
	if (m.rc || m.hdr.sb_len_wr)
		show("map", &m);

	t.hdr.sbp = t.sense;
	t.hdr.mx_sb_len = 8;
	map_only(&t, &m);
	result(m.rc == 0 && m.hdr.status == SAM_CHECK_CONDITION &&
	       m.hdr.sb_len_wr == 8 && m.sense[0] == 0x70 &&
	       (m.sense[2] & 0xf) == SENSE_ILLEGAL_REQUEST &&
	       m.sense[8] == SENTINEL,
	       "REGISTER AND MOVE, mx_sb_len 8: sense cut to 8 bytes, the rest "
	       "of the buffer untouched");

	/* ---- the header: what sg_io() refuses before sending ---- */
	pr_in(&t, PR_IN_READ_KEYS, BUF, BUF);
	t.hdr.interface_id = 'Q';
	both("PR IN READ KEYS, interface_id 'Q'", &t, NULL, EINVAL, &m);

	pr_register(&t, 0, 0xbad4);
	t.hdr.dxfer_direction = SG_DXFER_NONE;
	both("PR OUT REGISTER, SG_DXFER_NONE with dxfer_len 24", &t, NULL, EINVAL, &m);

	pr_in(&t, PR_IN_READ_KEYS, BUF, BUF);
	t.hdr.dxfer_direction = SG_DXFER_NONE;
	both("PR IN READ KEYS, SG_DXFER_NONE with dxfer_len 256", &t, NULL, EINVAL, &m);

	pr_in(&t, PR_IN_READ_KEYS, BUF, BUF);
	t.hdr.dxfer_direction = 42;
	both("PR IN READ KEYS, dxfer_direction 42", &t, NULL, EINVAL, &m);

	pr_in(&t, PR_IN_READ_KEYS, BUF, BUF);
	t.hdr.cmd_len = 33;
	both("PR IN READ KEYS, cmd_len 33 (more than a scsi_cmnd holds)", &t, NULL,
	     EINVAL, &m);

	pr_in(&t, PR_IN_READ_KEYS, BUF, 0xf0000000u);
	both("PR IN READ KEYS, dxfer_len 0xf0000000 (beyond max_hw_sectors)", &t,
	     NULL, EIO, &m);

	/* ---- answered by the module ---- */
	pr_in(&t, PR_IN_READ_KEYS, BUF, BUF);
	iov.iov_base = t.data;
	iov.iov_len = BUF;
	t.hdr.dxferp = &iov;
	t.hdr.iovec_count = 1;
	map_only(&t, &m);
	want_errno("PR IN READ KEYS, iovec_count 1 (documented: not taken apart)",
		   &m, EOPNOTSUPP);

	pr_register(&t, 0, 0xbad5);
	t.hdr.dxfer_len = 16;
	map_only(&t, &m);
	want_check("PR OUT REGISTER, dxfer_len 16 < parameter list length 24", &m,
		   SENSE_ILLEGAL_REQUEST, ASC_PARAM_LIST_LENGTH, 16);

	pr_register(&t, 0, 0xbad6);
	t.hdr.dxfer_len = 0;
	map_only(&t, &m);
	want_check("PR OUT REGISTER, no data (dxfer_len 0)", &m,
		   SENSE_ILLEGAL_REQUEST, ASC_PARAM_LIST_LENGTH, 0);

	pr_register(&t, 0, 0xbad7);
	put_be32(&t.cdb[5], 23);
	map_only(&t, &m);
	want_check("PR OUT REGISTER, parameter list length 23", &m,
		   SENSE_ILLEGAL_REQUEST, ASC_PARAM_LIST_LENGTH, PR_OUT_PLEN);

	/* ---- PR IN: short allocation lengths, residuals ---- */
	pr_in(&t, PR_IN_READ_KEYS, 8, BUF);
	both("READ KEYS, allocation length 8, dxfer_len 256", &t, NULL, 0, &m);
	result(m.rc == 0 && m.hdr.resid == BUF - 8 && be32(m.data + 4) == keys_len &&
	       m.data[8] == SENTINEL,
	       "...resid %d, the header says %u bytes of keys, nothing past 8 "
	       "bytes written", BUF - 8, keys_len);

	pr_in(&t, PR_IN_READ_KEYS, 12, 12);
	both("READ KEYS, allocation length 12 (half a key), dxfer_len 12", &t, NULL, 0,
	     &m);
	result(m.rc == 0 && m.hdr.resid == 0, "...resid 0");

	/* SPC-4 4.2.5.6: not an error (LIO answers ILLEGAL REQUEST) */
	pr_in(&t, PR_IN_READ_KEYS, 0, BUF);
	map_only(&t, &m);
	result(m.rc == 0 && m.hdr.status == SAM_GOOD && m.hdr.resid == BUF &&
	       m.data[0] == SENTINEL,
	       "READ KEYS, allocation length 0: GOOD, resid %d, nothing written "
	       "(SPC-4: not an error)", BUF);
	if (m.rc || m.hdr.status || m.hdr.resid != BUF)
		show("map", &m);

	pr_in(&t, PR_IN_READ_RESERVATION, 8, BUF);
	both("READ RESERVATION, allocation length 8, dxfer_len 256", &t, NULL, 0, &m);
	result(m.rc == 0 && m.hdr.resid == BUF - 8 && be32(m.data + 4) == 16,
	       "...resid %d, the header says 16 bytes (a reservation is held)",
	       BUF - 8);

	pr_in(&t, PR_IN_READ_KEYS, BUF, 20);
	map_only(&t, &m);
	result(m.rc == 0 && m.hdr.status == SAM_GOOD && m.hdr.resid == 0 &&
	       be32(m.data + 4) == keys_len && m.data[20] == SENTINEL,
	       "READ KEYS, allocation length 256, dxfer_len 20: GOOD, 20 bytes, "
	       "resid 0");
	if (m.rc || m.hdr.resid)
		show("map", &m);

	printf("# %d failed\n", failed);
	return failed ? 1 : 0;
}
