// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the JSON tree over json-c (jsonp.c) and the parser of lvm2's
 * VG report (lvm.c), on reports as lvm 2.03 prints them. json-c parses;
 * these check what prtool relies on: strictness, numbers as their text,
 * member order, the depth limit, and the error's byte offset.
 */
#include "test_util.h"

#include "jsonp.h"
#include "lvm.h"

static void test_values(void **state)
{
	struct jv *v, *e;
	char err[128];

	(void)state;
	v = jv_parse(" {\"a\": [1, -2.5e+3, true, false, null, \"x\"],"
		     " \"b\": {}, \"c\": []} ", err, sizeof(err));
	assert_non_null(v);
	assert_int_equal(v->type, JV_OBJECT);
	e = v->child;
	assert_string_equal(e->name, "a");
	assert_int_equal(e->type, JV_ARRAY);
	e = e->child;
	assert_int_equal(e->type, JV_NUMBER);
	assert_string_equal(e->text, "1");
	e = e->next;
	assert_string_equal(e->text, "-2.5e+3");
	e = e->next;
	assert_int_equal(e->type, JV_BOOL);
	assert_true(e->boolean);
	e = e->next;
	assert_false(e->boolean);
	e = e->next;
	assert_int_equal(e->type, JV_NULL);
	e = e->next;
	assert_int_equal(e->type, JV_STRING);
	assert_string_equal(e->text, "x");
	assert_null(e->next);
	assert_int_equal(jv_get(v, "b")->type, JV_OBJECT);
	assert_null(jv_get(v, "b")->child);
	assert_int_equal(jv_get(v, "c")->type, JV_ARRAY);
	assert_null(jv_get(v, "d"));
	assert_null(jv_get_string(v, "a"));
	assert_null(jv_get(jv_get(v, "a"), "x"));
	jv_free(v);
}

static void test_strings(void **state)
{
	struct jv *v;
	char err[128];

	(void)state;
	v = jv_parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\u20ac "
		     "\\ud83d\\ude00\"", err, sizeof(err));
	assert_non_null(v);
	assert_string_equal(v->text, "q\" b\\ s/ \b\f\n\r\t \xc3\xa9 "
				     "\xe2\x82\xac \xf0\x9f\x98\x80");
	jv_free(v);
	/* UTF-8 passes through as it is. */
	v = jv_parse("\"/dev/mapper/v\xc3\xa9\"", err, sizeof(err));
	assert_non_null(v);
	assert_string_equal(v->text, "/dev/mapper/v\xc3\xa9");
	jv_free(v);
}

static void test_errors(void **state)
{
	static const char *const bad[] = {
		"", " ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{1:2}",
		"[1 2]", "01", "1.", "-", "1e", ".5", "+1", "tru", "nul",
		"\"abc", "\"a\x01\"", "\"\\x\"", "\"\\u12\"", "\"\\u0000\"",
		"[] []",
		"{} x", "'a'", "[\"\\u004",
	};
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct jv *v = jv_parse(bad[i], err, sizeof(err));

		if (v)
			fail_msg("accepted bad JSON #%zu: %s", i, bad[i]);
		assert_non_null(strstr(err, "at byte"));
	}
	assert_null(jv_parse("[1, x]", err, sizeof(err)));
	assert_string_equal(err, "unexpected character at byte 4");
}

/* A lone surrogate becomes U+FFFD, as json-c decodes it: valid UTF-8. */
static void test_lone_surrogates(void **state)
{
	static const char *const in[] = {
		"\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
	};
	static const char *const out[] = {
		"\xef\xbf\xbd", "\xef\xbf\xbd", "\xef\xbf\xbd" "A",
	};
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct jv *v = jv_parse(in[i], err, sizeof(err));

		assert_non_null(v);
		assert_string_equal(v->text, out[i]);
		jv_free(v);
	}
}

static void test_depth(void **state)
{
	char deep[2 * JV_MAX_DEPTH + 8], err[128];
	struct jv *v;
	int i;

	(void)state;
	for (i = 0; i < JV_MAX_DEPTH; i++) {
		deep[i] = '[';
		deep[2 * JV_MAX_DEPTH - 1 - i] = ']';
	}
	deep[2 * JV_MAX_DEPTH] = '\0';
	v = jv_parse(deep, err, sizeof(err));
	assert_non_null(v);
	jv_free(v);
	/* One more level is refused. */
	memmove(deep + 1, deep, 2 * JV_MAX_DEPTH + 1);
	deep[0] = '[';
	strcat(deep, "]");
	assert_null(jv_parse(deep, err, sizeof(err)));
	assert_non_null(strstr(err, "nested too deeply"));
}

/* lvm vgs --reportformat json -o vg_name,pv_name, as 2.03.16 prints it. */
static const char report_two[] =
	"  {\n"
	"      \"report\": [\n"
	"          {\n"
	"              \"vg\": [\n"
	"                  {\"vg_name\":\"vgpr\", \"pv_name\":\"/dev/mapper/mpathC\"},\n"
	"                  {\"vg_name\":\"vgpr\", \"pv_name\":\"/dev/mapper/mpathA\"}\n"
	"              ]\n"
	"          }\n"
	"      ]\n"
	"  }\n";

static void test_lvm_report(void **state)
{
	struct lvm_vg_pvs pvs;
	char why[256];

	(void)state;
	assert_int_equal(lvm_parse_vg_pvs(report_two, "vgpr", &pvs, why,
					  sizeof(why)), 0);
	assert_int_equal(pvs.n, 2);
	assert_int_equal(pvs.missing, 0);
	/* lvm's order (pv_uuid) is kept. */
	assert_string_equal(pvs.devs[0], "/dev/mapper/mpathC");
	assert_string_equal(pvs.devs[1], "/dev/mapper/mpathA");
	lvm_vg_pvs_free(&pvs);
	assert_null(pvs.devs);
}

static void test_lvm_report_missing(void **state)
{
	static const char report[] =
		"{\"report\": [{\"vg\": [\n"
		"  {\"vg_name\":\"vg0\", \"pv_name\":\"[unknown]\"},\n"
		"  {\"vg_name\":\"vg0\", \"pv_name\":\"/dev/sdb\"},\n"
		"  {\"vg_name\":\"vg0\", \"pv_name\":\"\"}]}]}";
	struct lvm_vg_pvs pvs;
	char why[256];

	(void)state;
	assert_int_equal(lvm_parse_vg_pvs(report, "vg0", &pvs, why,
					  sizeof(why)), 0);
	assert_int_equal(pvs.n, 1);
	assert_string_equal(pvs.devs[0], "/dev/sdb");
	assert_int_equal(pvs.missing, 2);
	lvm_vg_pvs_free(&pvs);
}

static void test_lvm_report_bad(void **state)
{
	struct lvm_vg_pvs pvs;
	char why[256];

	(void)state;
	assert_int_equal(lvm_parse_vg_pvs("not json", "vg", &pvs, why,
					  sizeof(why)), -1);
	assert_non_null(strstr(why, "not JSON"));
	assert_int_equal(lvm_parse_vg_pvs("{\"x\": 1}", "vg", &pvs, why,
					  sizeof(why)), -1);
	assert_non_null(strstr(why, "no \"report\""));
	assert_int_equal(lvm_parse_vg_pvs("{\"report\": [{\"lv\": []}]}",
					  "vg", &pvs, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "no \"vg\" rows"));
	assert_int_equal(lvm_parse_vg_pvs("{\"report\": [{\"vg\": "
					  "[{\"vg_name\": \"vg\"}]}]}", "vg",
					  &pvs, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "lacks vg_name or pv_name"));
	/* A report of another VG is not taken for this one. */
	assert_int_equal(lvm_parse_vg_pvs(report_two, "vgother", &pvs, why,
					  sizeof(why)), -1);
	assert_string_equal(why, "lvm reported VG vgpr, not vgother");
	assert_null(pvs.devs);
	/* No rows: a VG without PVs (lvm reports none). */
	assert_int_equal(lvm_parse_vg_pvs("{\"report\": [{\"vg\": []}]}", "vg",
					  &pvs, why, sizeof(why)), 0);
	assert_int_equal(pvs.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_lone_surrogates),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_lvm_report),
		cmocka_unit_test(test_lvm_report_missing),
		cmocka_unit_test(test_lvm_report_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
