// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: key parsing and the reservation type table.
 */
#include "test_util.h"

#include <stdint.h>

#include "parse.h"

static void key_ok(const char *s, uint64_t want)
{
	const char *why = NULL;
	uint64_t key = 0x5a5a;

	if (parse_key(s, &key, &why))
		fail_msg("'%s' rejected: %s", s, why);
	assert_int_equal(key, want);
}

static void key_bad(const char *s, const char *why_part)
{
	const char *why = NULL;
	uint64_t key = 0x5a5a;

	if (!parse_key(s, &key, &why))
		fail_msg("'%s' accepted as 0x%llx", s, (unsigned long long)key);
	assert_non_null(why);
	assert_contains(why, why_part);
	/* The output is untouched on failure. */
	assert_int_equal(key, 0x5a5a);
}

static void test_key_hex(void **state)
{
	(void)state;
	key_ok("0x0", 0);
	key_ok("0x1", 1);
	key_ok("0xdeadbeef", 0xdeadbeef);
	key_ok("0XABCDEF", 0xabcdef);
	key_ok("0xAbCd", 0xabcd);
	key_ok("0x123abc", 0x123abc);
	key_ok("0xffffffffffffffff", UINT64_MAX);
	key_ok("0x8000000000000000", 0x8000000000000000ULL);
	/* Leading zeros beyond 16 digits are fine while the value fits. */
	key_ok("0x00000000000000000001", 1);
}

static void test_key_decimal(void **state)
{
	(void)state;
	key_ok("0", 0);
	key_ok("1", 1);
	key_ok("1234567890", 1234567890ULL);
	key_ok("18446744073709551615", UINT64_MAX);
	key_ok("18446744073709551614", UINT64_MAX - 1);
}

static void test_key_rejects_empty_and_signs(void **state)
{
	(void)state;
	key_bad("", "empty");
	key_bad("-1", "negative");
	key_bad("-0x1", "negative");
	key_bad("+1", "sign");
	key_bad(" 1", "blank");
	key_bad("\t1", "blank");
}

static void test_key_rejects_suffixes(void **state)
{
	(void)state;
	key_bad("1K", "size suffix");
	key_bad("1k", "size suffix");
	key_bad("4M", "size suffix");
	key_bad("2G", "size suffix");
	key_bad("1KiB", "size suffix");
	key_bad("1MB", "size suffix");
	key_bad("3T", "size suffix");
	key_bad("1E", "size suffix");
}

static void test_key_rejects_overflow(void **state)
{
	(void)state;
	key_bad("18446744073709551616", "64 bits");
	key_bad("99999999999999999999", "64 bits");
	key_bad("0x10000000000000000", "64 bits");
	key_bad("0xffffffffffffffff0", "64 bits");
}

static void test_key_rejects_garbage(void **state)
{
	(void)state;
	key_bad("0x", "missing after 0x");
	key_bad("0xg", "not a hex digit");
	key_bad("0x12 ", "not a hex digit");
	key_bad("0x1-", "not a hex digit");
	key_bad("deadbeef", "not a number");
	key_bad("abc", "not a number");
	key_bad("12ab", "0x prefix");
	key_bad("1 ", "trailing");
	key_bad("1.5", "trailing");
	key_bad("0b101", "leading zero");
	key_bad("012", "leading zero");
	key_bad("00", "leading zero");
	key_bad("x12", "not a number");
}

static void test_key_null(void **state)
{
	const char *why = NULL;
	uint64_t key;

	(void)state;
	assert_int_equal(parse_key(NULL, &key, &why), -1);
	assert_non_null(why);
}

static void test_type_table_consistent(void **state)
{
	unsigned int i, j;

	(void)state;
	assert_int_equal(nr_pr_types, 6);
	for (i = 0; i < nr_pr_types; i++) {
		/* linux/pr.h numbers types 1..6 in this order. */
		assert_int_equal(pr_types[i].value, i + 1);
		assert_ptr_equal(pr_type_by_value(i + 1), &pr_types[i]);
		assert_non_null(pr_types[i].help);
		for (j = 0; j < i; j++) {
			assert_string_not_equal(pr_types[i].name,
						pr_types[j].name);
			assert_string_not_equal(pr_types[i].alias,
						pr_types[j].alias);
			assert_int_not_equal(pr_types[i].scsi,
					     pr_types[j].scsi);
		}
	}
	assert_null(pr_type_by_value(0));
	assert_null(pr_type_by_value(7));
}

static void test_type_names(void **state)
{
	static const struct {
		const char *s;
		unsigned int v;
	} ok[] = {
		{ "write-exclusive", 1 },
		{ "exclusive-access", 2 },
		{ "write-exclusive-reg-only", 3 },
		{ "exclusive-access-reg-only", 4 },
		{ "write-exclusive-all-regs", 5 },
		{ "exclusive-access-all-regs", 6 },
		{ "WE", 1 },
		{ "ea", 2 },
		{ "wero", 3 },
		{ "EARO", 4 },
		{ "wear", 5 },
		{ "eaar", 6 },
		{ "we-ro", 3 },
		{ "EA-RO", 4 },
		{ "we-ar", 5 },
		{ "ea-ar", 6 },
		{ "pr:1", 1 },
		{ "PR:6", 6 },
		{ "pr:0x3", 3 },
		/* the SPC-4 codes: 5 is registrants-only there */
		{ "scsi:1", 1 },
		{ "scsi:3", 2 },
		{ "scsi:5", 3 },
		{ "scsi:0x6", 4 },
		{ "SCSI:7", 5 },
		{ "scsi:8", 6 },
	};
	/*
	 * A bare number could be either numbering (issue 11: "--type 0x5"
	 * was taken as the kernel's 5, write-exclusive-all-regs, where
	 * mpathpersist -T 5 and sg_persist mean registrants-only).
	 */
	static const char *const bad[] = { "", "0", "1", "6", "7", "0x5", "5",
					   "-1", "we ", "write", "exclusive",
					   "1K", "w-ero", "we-r", "we-",
					   "-wero", "we-xx", "pr:", "pr:0",
					   "pr:7", "pr:we", "scsi:", "scsi:0",
					   "scsi:2", "scsi:4", "scsi:9",
					   "scsi:0x15", "scsi:-1", "kernel:5" };
	unsigned int i, v;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		v = 0;
		if (parse_pr_type(ok[i].s, &v))
			fail_msg("type '%s' rejected", ok[i].s);
		assert_int_equal(v, ok[i].v);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!parse_pr_type(bad[i], &v))
			fail_msg("type '%s' accepted", bad[i]);
}

static void test_type_from_scsi(void **state)
{
	(void)state;
	/* SPC-4 type codes to enum pr_type. */
	assert_int_equal(pr_type_from_scsi(0x1), 1);
	assert_int_equal(pr_type_from_scsi(0x3), 2);
	assert_int_equal(pr_type_from_scsi(0x5), 3);
	assert_int_equal(pr_type_from_scsi(0x6), 4);
	assert_int_equal(pr_type_from_scsi(0x7), 5);
	assert_int_equal(pr_type_from_scsi(0x8), 6);
	/* Obsolete and reserved codes have no block-layer type. */
	assert_int_equal(pr_type_from_scsi(0x0), 0);
	assert_int_equal(pr_type_from_scsi(0x2), 0);
	assert_int_equal(pr_type_from_scsi(0x4), 0);
	assert_int_equal(pr_type_from_scsi(0xf), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_hex),
		cmocka_unit_test(test_key_decimal),
		cmocka_unit_test(test_key_rejects_empty_and_signs),
		cmocka_unit_test(test_key_rejects_suffixes),
		cmocka_unit_test(test_key_rejects_overflow),
		cmocka_unit_test(test_key_rejects_garbage),
		cmocka_unit_test(test_key_null),
		cmocka_unit_test(test_type_table_consistent),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_type_from_scsi),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
