// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: mpathpersist's PR IN output. Made-up responses go through
 * mpp_print_prin(), and stdout and stderr are compared byte for byte with
 * tests/golden/NAME.out and NAME.err (no .err file: stderr must be empty).
 * The golden files were written from the reference's formats, not from
 * this code's output.
 */
#include "test_util.h"

#include <stdbool.h>
#include <stdint.h>

#include "mpp_format.h"

#ifndef GOLDEN_DIR
#error "GOLDEN_DIR must name tests/golden"
#endif

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		size_t n;

		if (*len + 4096 + 1 > cap) {
			cap = *len + 8192;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		n = fread(buf + *len, 1, cap - *len - 1, f);
		*len += n;
		if (!n)
			break;
	}
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

/* Compare @got with GOLDEN_DIR/@name; a missing .err means "empty". */
static void check_golden(const char *name, const char *got, size_t got_len,
			 bool optional)
{
	char path[512];
	size_t len;
	char *want;

	snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, name);
	want = read_file(path, &len);
	if (!want) {
		if (!optional)
			fail_msg("cannot read %s", path);
		if (got_len)
			fail_msg("%s: expected no output, got:\n%s", name, got);
		return;
	}
	if (len != got_len || memcmp(want, got, len))
		fail_msg("%s differs.\n--- expected (%zu bytes)\n%s--- got "
			 "(%zu bytes)\n%s---", name, len, want, got_len, got);
	free(want);
}

/*
 * Run the formatter on a response; compare with NAME.out and NAME.err
 * (with @notes), or with NAME.out and nothing on stderr (without).
 */
static void golden_notes(const char *name, bool notes, int sa,
			 const uint8_t *buf, size_t len)
{
	char *out = NULL, *err = NULL;
	size_t out_len = 0, err_len = 0;
	char fname[128];
	FILE *fo, *fe;

	fo = open_memstream(&out, &out_len);
	fe = open_memstream(&err, &err_len);
	assert_non_null(fo);
	assert_non_null(fe);
	mpp_print_prin(fo, fe, notes, sa, buf, len);
	fclose(fo);
	fclose(fe);
	snprintf(fname, sizeof(fname), "%s.out", name);
	check_golden(fname, out, out_len, false);
	if (notes) {
		snprintf(fname, sizeof(fname), "%s.err", name);
		check_golden(fname, err, err_len, true);
	} else if (err_len) {
		fail_msg("%s: expected nothing on stderr, got:\n%s", name, err);
	}
	free(out);
	free(err);
}

static void golden(const char *name, int sa, const uint8_t *buf, size_t len)
{
	golden_notes(name, true, sa, buf, len);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
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

/* A READ KEYS response with @n keys. */
static size_t keys_resp(uint8_t *b, uint32_t gen, const uint64_t *keys,
			uint32_t n)
{
	uint32_t i;

	put_be32(b, gen);
	put_be32(b + 4, 8 * n);
	for (i = 0; i < n; i++)
		put_be64(b + 8 + 8 * i, keys[i]);
	return 8 + 8 * (size_t)n;
}

static void test_read_keys(void **state)
{
	static const uint64_t keys[] = {
		0x123abc, 0x123abc, UINT64_MAX, 0x1, 0x0, 0xabcdef0123456789,
	};
	static const uint64_t two[] = { 0x123abc, 0xdeadbeef00000001ULL };
	static const uint64_t cut[] = { 0xa, 0xb, 0xc };
	uint8_t b[8 + 8 * 6];

	(void)state;
	golden("rkeys_0", 0, b, keys_resp(b, 0, NULL, 0));
	golden("rkeys_1", 0, b, keys_resp(b, 0x1f, two, 1));
	golden("rkeys_2", 0, b, keys_resp(b, 0x1f, two, 2));
	golden("rkeys_6", 0, b, keys_resp(b, 0xfffffffe, keys, 6));
	/* The allocation length (16) let one key of three through. */
	keys_resp(b, 1, cut, 3);
	golden("rkeys_cut", 0, b, 16);
}

static size_t resv_resp(uint8_t *b, uint32_t gen, uint64_t key,
			uint8_t scope_type)
{
	memset(b, 0, 24);
	put_be32(b, gen);
	put_be32(b + 4, 16);
	put_be64(b + 8, key);
	b[21] = scope_type;
	return 24;
}

static void test_read_reservation(void **state)
{
	char *out = NULL;
	size_t out_len = 0;
	uint8_t b[24] = { 0, 0, 0, 3 };
	unsigned int t;
	FILE *fo;

	(void)state;
	golden("rres_none", 1, b, 8);
	/* The device may send the full 24 bytes with no reservation. */
	golden("rres_none", 1, b, 24);
	golden("rres_held", 1, b, resv_resp(b, 3, 0x123abc, 0x05));
	golden("rres_scope", 1, b, resv_resp(b, 3, 0, 0x28));

	/* Every type code, one after the other. */
	fo = open_memstream(&out, &out_len);
	for (t = 0; t < 16; t++)
		mpp_print_prin(fo, stderr, true, 1, b,
			       resv_resp(b, 0x100 + t, 0xabc000 + t,
					 (uint8_t)t));
	fclose(fo);
	check_golden("rres_types.out", out, out_len, false);
	free(out);
}

static void test_report_capabilities(void **state)
{
	/* SIP_C, ATP_C, PTPL_C, TMV, PTPL_A and every type (the spec's). */
	static const uint8_t all[8] = { 0, 8, 0x0d, 0x81, 0xea, 0x01 };
	/* CRH, ALLOW COMMANDS 5, some types, reserved bits set. */
	static const uint8_t mask[8] = { 0, 8, 0x10, 0xd0, 0x5d, 0xff };
	/* TMV 0: no type lines, whatever the mask says. */
	static const uint8_t notmv[8] = { 0, 8, 0x14, 0x30, 0xff, 0xff };
	static const uint8_t shrt[8] = { 0, 2, 0xff, 0xff, 0xff, 0xff };

	(void)state;
	golden("rcap_tmv1", 2, all, sizeof(all));
	golden("rcap_tmv1_mask", 2, mask, sizeof(mask));
	golden("rcap_tmv0", 2, notmv, sizeof(notmv));
	/* A LENGTH of 2 or less: a message on stderr, nothing on stdout. */
	golden("rcap_short", 2, shrt, sizeof(shrt));
	golden("rcap_short", 2, shrt, 2);
	golden("rcap_short", 2, shrt, 0);
}

/* Append a full status descriptor; returns its length. */
static size_t fs_desc(uint8_t *p, uint64_t key, uint8_t flags,
		      uint8_t scope_type, uint16_t rtpi, const uint8_t *tid,
		      size_t tid_len)
{
	memset(p, 0, 24);
	put_be64(p, key);
	p[12] = flags;
	p[13] = scope_type;
	put_be16(p + 18, rtpi);
	put_be32(p + 20, (uint32_t)tid_len);
	if (tid_len)
		memcpy(p + 24, tid, tid_len);
	return 24 + tid_len;
}

/* An iSCSI TransportID for @name: NUL-padded to 4, at least 24 bytes. */
static size_t iscsi_tid(uint8_t *t, uint8_t format, const char *name)
{
	size_t alen = (strlen(name) + 1 + 3) & ~(size_t)3;

	if (alen < 20)
		alen = 20;
	memset(t, 0, 4 + alen);
	t[0] = (uint8_t)(format << 6 | 0x5);
	put_be16(t + 2, (uint16_t)alen);
	memcpy(t + 4, name, strlen(name));
	return 4 + alen;
}

static void test_full_status_transports(void **state)
{
	static const uint8_t fc[24] = { 0x00, 0, 0, 0, 0, 0, 0, 0, 0x21, 0x00,
					0x00, 0x24, 0xff, 0x12, 0x34, 0x56 };
	static const uint8_t sas[24] = { 0x06, 0, 0, 0, 0x50, 0x06, 0x05,
					 0xb0, 0x00, 0x00, 0x00, 0x01 };
	/* SRP (protocol 4): no transport line. */
	static const uint8_t srp[24] = { 0x04, 0, 0, 0, 0xfe, 0x80 };
	uint8_t tid[256], b[1024] = { 0 };
	size_t len = 8, n;

	(void)state;
	put_be32(b, 7);
	golden("rfs_empty", 3, b, 8);
	/* ADDITIONAL LENGTH 0: whatever follows is not looked at. */
	golden("rfs_empty", 3, b, 64);

	len += fs_desc(b + len, 0x123abc, 0x01, 0x05, 1, fc, sizeof(fc));
	len += fs_desc(b + len, 0xdeadbeef00000001ULL, 0x02, 0, 7, sas,
		       sizeof(sas));
	n = iscsi_tid(tid, 0, "iqn.2003-01.org.linux-iscsi.host1");
	len += fs_desc(b + len, 0x10, 0, 0, 0xffff, tid, n);
	n = iscsi_tid(tid, 1, "iqn.1994-05.com.example:h2,i,0x23d000000001");
	len += fs_desc(b + len, 0x11, 0, 0, 2, tid, n);
	len += fs_desc(b + len, 0x12, 0, 0, 3, srp, sizeof(srp));
	/* No TransportID at all, holder, non-zero scope, obsolete type. */
	len += fs_desc(b + len, 0x13, 0x03, 0x1c, 4, NULL, 0);
	put_be32(b + 4, (uint32_t)(len - 8));
	golden("rfs_transports", 3, b, len);
}

static size_t many_resp(uint8_t *b)
{
	uint8_t sas[24] = { 0x06, 0, 0, 0, 0x50, 0x01, 0x40, 0x50 };
	size_t len = 8;
	int i;

	put_be32(b, 0x2a);
	for (i = 0; i < 40; i++) {
		sas[11] = (uint8_t)i;
		len += fs_desc(b + len, 0x1000 + (uint64_t)i, i == 33 ? 1 : 0,
			       i == 33 ? 0x08 : 0, (uint16_t)(i + 1), sas,
			       sizeof(sas));
	}
	put_be32(b + 4, (uint32_t)(len - 8));
	return len;
}

static void test_full_status_many(void **state)
{
	uint8_t b[8 + 40 * 48];
	size_t len;

	(void)state;
	/* More than the 30 that overflow mpathpersist 0.14.3. */
	len = many_resp(b);
	assert_int_equal(len, sizeof(b));
	golden("rfs_many", 3, b, len);
	/* Cut by the allocation length: what arrived whole, and a note. */
	golden("rfs_cut", 3, b, 120);
	/* mpathpersist prints no note: nor does the front end below -v 3. */
	golden_notes("rfs_cut", false, 3, b, 120);
}

static void test_short_responses(void **state)
{
	char *out = NULL;
	size_t out_len = 0;
	uint8_t b[4] = { 0, 0, 0, 9 };
	FILE *fo;

	(void)state;
	/* Less than a header: the rest reads as zero, nothing crashes. */
	fo = open_memstream(&out, &out_len);
	mpp_print_prin(fo, stderr, true, 0, b, 4);
	mpp_print_prin(fo, stderr, true, 1, b, 4);
	mpp_print_prin(fo, stderr, true, 3, b, 4);
	mpp_print_prin(fo, stderr, true, 3, b, 0);
	mpp_print_prin(fo, stderr, true, 9, b, 4);
	fclose(fo);
	assert_string_equal(out,
			    "  PR generation=0x9, \t0 registered reservation "
			    "key.\n"
			    "  PR generation=0x9, there is NO reservation "
			    "held \n"
			    "  PR generation=0x9 \n"
			    "  PR generation=0x0 \n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_keys),
		cmocka_unit_test(test_read_reservation),
		cmocka_unit_test(test_report_capabilities),
		cmocka_unit_test(test_full_status_transports),
		cmocka_unit_test(test_full_status_many),
		cmocka_unit_test(test_short_responses),
	};

	return cmocka_run_group_tests_name("mpp_format", tests, NULL, NULL);
}
