// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: parsing of dm-multipath table parameters, with tables as
 * "dmsetup table" shows them for maps set up by multipathd.
 */
#include "test_util.h"

#include "dm_table.h"

static struct mpath_table t;
static char err[256];

static void parse_ok(const char *params)
{
	if (mpath_parse_params(params, &t, err, sizeof(err)))
		fail_msg("'%s' rejected: %s", params, err);
}

static void parse_bad(const char *params, const char *err_part)
{
	if (!mpath_parse_params(params, &t, err, sizeof(err)))
		fail_msg("'%s' accepted", params ? params : "(null)");
	assert_contains(err, err_part);
}

static void assert_path(unsigned int i, unsigned int major,
			unsigned int minor, unsigned int pg)
{
	assert_true(i < t.nr_paths);
	assert_int_equal(t.paths[i].major, major);
	assert_int_equal(t.paths[i].minor, minor);
	assert_int_equal(t.paths[i].pg, pg);
}

/* ALUA array, two path groups of one path each (service-time). */
static void test_alua_two_pgs(void **state)
{
	(void)state;
	parse_ok("0 1 alua 2 1 service-time 0 1 1 8:16 1 "
		 "service-time 0 1 1 8:32 1");
	assert_int_equal(t.nr_features, 0);
	assert_false(t.queue_if_no_path);
	assert_string_equal(t.hw_handler, "alua");
	assert_int_equal(t.nr_pgs, 2);
	assert_int_equal(t.next_pg, 1);
	assert_int_equal(t.nr_paths, 2);
	assert_path(0, 8, 16, 1);
	assert_path(1, 8, 32, 2);
}

/* queue_if_no_path, two PGs of two paths, service-time with 2 args. */
static void test_queue_if_no_path_four_paths(void **state)
{
	(void)state;
	parse_ok("1 queue_if_no_path 1 alua 2 2 "
		 "service-time 0 2 2 8:16 1 1 8:48 1 1 "
		 "service-time 0 2 2 8:32 1 1 8:64 1 1");
	assert_int_equal(t.nr_features, 1);
	assert_true(t.queue_if_no_path);
	assert_int_equal(t.next_pg, 2);
	assert_int_equal(t.nr_paths, 4);
	assert_path(0, 8, 16, 1);
	assert_path(1, 8, 48, 1);
	assert_path(2, 8, 32, 2);
	assert_path(3, 8, 64, 2);
}

/* Several features, no hardware handler, round-robin with 1 path arg. */
static void test_features_round_robin(void **state)
{
	(void)state;
	parse_ok("3 queue_if_no_path queue_mode bio 0 1 1 "
		 "round-robin 0 2 1 65:0 1000 65:16 1000");
	assert_int_equal(t.nr_features, 3);
	assert_true(t.queue_if_no_path);
	assert_string_equal(t.hw_handler, "");
	assert_int_equal(t.nr_pgs, 1);
	assert_int_equal(t.nr_paths, 2);
	assert_path(0, 65, 0, 1);
	assert_path(1, 65, 16, 1);
}

static void test_pg_init_retries(void **state)
{
	(void)state;
	parse_ok("4 pg_init_retries 50 retain_attached_hw_handler "
		 "queue_if_no_path 1 alua 1 1 queue-length 0 3 1 "
		 "8:0 1 8:16 1 8:32 1");
	assert_int_equal(t.nr_features, 4);
	assert_true(t.queue_if_no_path);
	assert_int_equal(t.nr_paths, 3);
	assert_path(2, 8, 32, 1);
}

/* A hardware handler with arguments (count includes the name). */
static void test_hw_handler_args(void **state)
{
	(void)state;
	parse_ok("0 2 emc 1 1 1 round-robin 0 1 1 8:0 1000");
	assert_string_equal(t.hw_handler, "emc");
	assert_int_equal(t.nr_paths, 1);
	assert_path(0, 8, 0, 1);
}

/* Path selector arguments are skipped by count. */
static void test_selector_args(void **state)
{
	(void)state;
	parse_ok("0 0 1 1 historical-service-time 2 -t 1000 2 2 "
		 "8:16 1 1 8:32 1 1");
	assert_int_equal(t.nr_paths, 2);
	assert_path(1, 8, 32, 1);
}

/* NVMe-style majors and large minors. */
static void test_large_devt(void **state)
{
	(void)state;
	parse_ok("0 0 1 1 service-time 0 2 2 259:0 1 1 259:1048575 1 1");
	assert_path(0, 259, 0, 1);
	assert_path(1, 259, 1048575, 1);
}

/* All paths removed: multipathd reloads with no path groups. */
static void test_no_path_groups(void **state)
{
	(void)state;
	parse_ok("1 queue_if_no_path 0 0 0");
	assert_int_equal(t.nr_pgs, 0);
	assert_int_equal(t.nr_paths, 0);
}

static void test_whitespace(void **state)
{
	(void)state;
	parse_ok("  0   0  1 1\tround-robin 0 1 1  8:16  1000  \n");
	assert_int_equal(t.nr_paths, 1);
	assert_path(0, 8, 16, 1);
}

static void test_duplicate_path_kept_once(void **state)
{
	(void)state;
	parse_ok("0 0 2 1 round-robin 0 1 1 8:16 1000 "
		 "round-robin 0 2 1 8:16 1000 8:32 1000");
	assert_int_equal(t.nr_paths, 2);
	assert_path(0, 8, 16, 1);
	assert_path(1, 8, 32, 2);
}

static void test_max_paths(void **state)
{
	char params[4096];
	size_t n;
	int i;

	(void)state;
	n = (size_t)snprintf(params, sizeof(params),
			     "0 0 1 1 round-robin 0 %d 1", DM_MPATH_PR_MAX_PATHS);
	for (i = 0; i < DM_MPATH_PR_MAX_PATHS; i++)
		n += (size_t)snprintf(params + n, sizeof(params) - n,
				      " 8:%d 1000", i * 16);
	parse_ok(params);
	assert_int_equal(t.nr_paths, DM_MPATH_PR_MAX_PATHS);
	assert_path(DM_MPATH_PR_MAX_PATHS - 1, 8,
		    (DM_MPATH_PR_MAX_PATHS - 1) * 16, 1);

	n = (size_t)snprintf(params, sizeof(params),
			     "0 0 1 1 round-robin 0 %d 1",
			     DM_MPATH_PR_MAX_PATHS + 1);
	for (i = 0; i <= DM_MPATH_PR_MAX_PATHS; i++)
		n += (size_t)snprintf(params + n, sizeof(params) - n,
				      " 8:%d 1000", i * 16);
	parse_bad(params, "more than 64 paths");
}

static void test_truncated(void **state)
{
	(void)state;
	parse_bad("", "number of feature arguments, found the end");
	parse_bad("1", "feature argument, found the end");
	parse_bad("0 1", "hardware handler name, found the end");
	parse_bad("0 0 2", "initial path group, found the end");
	parse_bad("0 0 2 1 service-time 0 1 1 8:16 1",
		  "path group 2: expected a path selector name, found the end");
	parse_bad("0 0 1 1 service-time 0 2 2 8:16 1 1 8:32 1",
		  "path group 1: expected argument of path 8:32");
	parse_bad("0 0 1 1 service-time 0 2 2 8:16 1 1",
		  "path group 1: expected path 2");
	parse_bad("0 0 1 1 service-time", "number of path selector");
	parse_bad("0 0 1 1 round-robin 0 1",
		  "path group 1: expected the number of path arguments");
}

static void test_garbage(void **state)
{
	(void)state;
	parse_bad(NULL, "no table parameters");
	parse_bad("x 0 1 1", "expected the number of feature arguments");
	parse_bad("-1 0 0 0", "number of feature arguments");
	parse_bad("0 0 1 1 round-robin 0 1 1 sdb 1000",
		  "path 1 is 'sdb', not major:minor");
	parse_bad("0 0 1 1 round-robin 0 1 1 8: 1000", "not major:minor");
	parse_bad("0 0 1 1 round-robin 0 1 1 :16 1000", "not major:minor");
	parse_bad("0 0 1 1 round-robin 0 1 1 8:1048576 1000",
		  "not major:minor");
	parse_bad("0 0 1 1 round-robin 0 1 1 4096:0 1000",
		  "not major:minor");
	parse_bad("0 0 1 1 round-robin 0 1 1 8:16 1000 extra",
		  "unexpected 'extra' after the last path group");
	parse_bad("0 0 1 2 round-robin 0 1 1 8:16 1000",
		  "initial path group 2 does not exist");
	parse_bad("0 0 1 1 round-robin 0 0 1", "path group 1 has no paths");
	parse_bad("0 0 1 1 5 0 1 1 8:16 1", "expected a path selector name");
	parse_bad("99999999999 0", "number of feature arguments");
}

static void test_long_token(void **state)
{
	char params[512];

	(void)state;
	memset(params, 'a', sizeof(params) - 1);
	params[sizeof(params) - 1] = '\0';
	memcpy(params, "1 ", 2);
	parse_bad(params, "longer than");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alua_two_pgs),
		cmocka_unit_test(test_queue_if_no_path_four_paths),
		cmocka_unit_test(test_features_round_robin),
		cmocka_unit_test(test_pg_init_retries),
		cmocka_unit_test(test_hw_handler_args),
		cmocka_unit_test(test_selector_args),
		cmocka_unit_test(test_large_devt),
		cmocka_unit_test(test_no_path_groups),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_duplicate_path_kept_once),
		cmocka_unit_test(test_max_paths),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_long_token),
	};

	return cmocka_run_group_tests_name("dm_table", tests, NULL, NULL);
}
