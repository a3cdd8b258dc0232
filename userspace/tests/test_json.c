// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the JSON writer (escaping and structure).
 */
#include "test_util.h"

#include <stdint.h>

#include "json.h"

static char *buf;
static size_t len;
static FILE *f;
static struct json j;

static int setup(void **state)
{
	(void)state;
	f = open_memstream(&buf, &len);
	json_init(&j, f);
	return f ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	if (f)
		fclose(f);
	free(buf);
	buf = NULL;
	f = NULL;
	return 0;
}

static const char *out(void)
{
	fflush(f);
	return buf;
}

static void escaped(const char *in, const char *want)
{
	char *b = NULL;
	size_t l = 0;
	FILE *m = open_memstream(&b, &l);

	assert_non_null(m);
	json_write_escaped(m, in);
	fclose(m);
	assert_string_equal(b, want);
	free(b);
}

static void test_escape_plain(void **state)
{
	(void)state;
	escaped("", "\"\"");
	escaped("mpatha", "\"mpatha\"");
	escaped("/dev/mapper/a b", "\"/dev/mapper/a b\"");
}

static void test_escape_specials(void **state)
{
	(void)state;
	escaped("a\"b", "\"a\\\"b\"");
	escaped("a\\b", "\"a\\\\b\"");
	escaped("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"");
	escaped("/", "\"/\"");
}

static void test_escape_control(void **state)
{
	(void)state;
	escaped("\x01", "\"\\u0001\"");
	escaped("a\x1f" "b", "\"a\\u001fb\"");
	escaped("\x7f", "\"\\u007f\"");
	escaped("\x1b[31m", "\"\\u001b[31m\"");
}

static void test_escape_utf8(void **state)
{
	(void)state;
	/* Valid UTF-8 passes through. */
	escaped("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	escaped("\xe2\x82\xac", "\"\xe2\x82\xac\"");
	escaped("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
	/* Invalid bytes become U+FFFD, one per bad byte. */
	escaped("\xff", "\"\\ufffd\"");
	escaped("a\xc0\xaf" "b", "\"a\\ufffd\\ufffdb\"");
	escaped("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	escaped("\xe2\x82", "\"\\ufffd\\ufffd\"");
	escaped("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	escaped("\xe0\x80\x80", "\"\\ufffd\\ufffd\\ufffd\"");
}

static void test_object(void **state)
{
	(void)state;
	json_object_begin(&j);
	json_kv_string(&j, "device", "/dev/dm-3");
	json_kv_u64(&j, "generation", 31);
	json_kv_bool(&j, "aptpl", true);
	json_kv_string(&j, "map", NULL);
	json_kv_hex64(&j, "key", 0xdeadbeef00000001ULL);
	json_object_end(&j);
	json_finish(&j);
	assert_string_equal(out(),
			    "{\"device\":\"/dev/dm-3\",\"generation\":31,"
			    "\"aptpl\":true,\"map\":null,"
			    "\"key\":\"0xdeadbeef00000001\"}\n");
}

static void test_nested(void **state)
{
	(void)state;
	json_object_begin(&j);
	json_key(&j, "keys");
	json_array_begin(&j);
	json_string(&j, "0x1");
	json_string(&j, "0x2");
	json_array_end(&j);
	json_key(&j, "paths");
	json_array_begin(&j);
	json_object_begin(&j);
	json_kv_string(&j, "name", "sdb");
	json_key(&j, "last_error");
	json_null(&j);
	json_object_end(&j);
	json_object_begin(&j);
	json_object_end(&j);
	json_array_end(&j);
	json_key(&j, "empty");
	json_array_begin(&j);
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
	assert_string_equal(out(),
			    "{\"keys\":[\"0x1\",\"0x2\"],\"paths\":[{\"name\":"
			    "\"sdb\",\"last_error\":null},{}],\"empty\":[]}\n");
}

static void test_numbers(void **state)
{
	(void)state;
	json_array_begin(&j);
	json_u64(&j, UINT64_MAX);
	json_s64(&j, INT64_MIN);
	json_s64(&j, -5);
	json_u64(&j, 0);
	json_bool(&j, false);
	json_array_end(&j);
	json_finish(&j);
	assert_string_equal(out(), "[18446744073709551615,"
				   "-9223372036854775808,-5,0,false]\n");
}

static void test_key_escaped(void **state)
{
	(void)state;
	json_object_begin(&j);
	json_kv_string(&j, "we\"ird", "v\n");
	json_object_end(&j);
	json_finish(&j);
	assert_string_equal(out(), "{\"we\\\"ird\":\"v\\n\"}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_plain),
		cmocka_unit_test(test_escape_specials),
		cmocka_unit_test(test_escape_control),
		cmocka_unit_test(test_escape_utf8),
		cmocka_unit_test_setup_teardown(test_object, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_escaped, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
