// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: prtool's device-mapper lookups and libdevmapper's log
 * function, with the real libdevmapper. A dm name longer than DM_NAME_LEN
 * makes libdevmapper log an error before any ioctl (and without a
 * device-mapper driver, opening its control node does), so the lookup
 * fails with a logged message on any machine.
 */
#include "cli.h"
#include "test_util.h"

#include <libdevmapper.h>

#include "dm.h"

static char long_name[300];
static int own_calls;

static void own_log(int level, const char *file, int line, int dm_errno,
		    const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void own_log(int level, const char *file, int line, int dm_errno,
		    const char *fmt, ...)
{
	(void)level;
	(void)file;
	(void)line;
	(void)dm_errno;
	(void)fmt;
	own_calls++;
}

static int setup(void **state)
{
	(void)state;
	memset(long_name, 'x', sizeof(long_name) - 1);
	dm_log_with_errno_init(NULL);
	own_calls = 0;
	return 0;
}

/*
 * Without a log function of the program's: libdevmapper's message is
 * caught (it names the cause in prtool's line, nothing else is printed),
 * and the default is back afterwards (issue 11: the library replaced the
 * program's libdevmapper log function for good on first use).
 */
static void test_default_restored(void **state)
{
	struct mpath_map m;
	struct capture c;

	(void)state;
	capture_start(&c);
	assert_int_not_equal(cli_resolve_map(long_name, &m), 0);
	capture_stop(&c);
	/*
	 * One line, prtool's, with libdevmapper's words in it if it logged
	 * any ("Name ... too long"; "open failed" on a machine without a
	 * device-mapper driver): libdevmapper printed nothing itself.
	 */
	assert_contains(c.err, "device-mapper lookup failed: ");
	assert_ptr_equal(strchr(c.err, '\n'), c.err + strlen(c.err) - 1);
	capture_free(&c);
	assert_int_equal(dm_log_is_non_default(), 0);
}

/* A program's own libdevmapper log function stays, and gets the messages. */
static void test_own_log_kept(void **state)
{
	struct mpath_map m;
	struct capture c;

	(void)state;
	dm_log_with_errno_init(own_log);
	capture_start(&c);
	assert_int_not_equal(cli_resolve_map(long_name, &m), 0);
	capture_stop(&c);
	capture_free(&c);
	assert_true(own_calls >= 1);
	/* and it is still there: prtool's own is installed only during a call */
	assert_int_equal(dm_log_is_non_default(), 1);
	dm_log_with_errno_init(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* first: the old code replaced the log function on first use */
		cmocka_unit_test_setup(test_own_log_kept, setup),
		cmocka_unit_test_setup(test_default_restored, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
