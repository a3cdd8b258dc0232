// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test: libprtool never prints, as a library user sees it.
 *
 * Built like any program that uses the library: public headers only
 * (the prtool/ headers), linked with libprtool.so. Every failure path a caller can
 * reach without a PR-capable device runs with stderr and stdout sent to a
 * file, which must stay empty (libmpathpersist's API included, even at
 * the verbosity where libmpathpersist itself prints). The controls show
 * that the capture sees a message, and that asked for diagnostics the
 * library hands them to the caller's function instead of printing.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <prtool/mpath_persist_compat.h>
#include <prtool/prtool.h>

static char dir[] = "/tmp/prtool-quiet-XXXXXX";
static char out_path[PATH_MAX];
static int saved_out = -1, saved_err = -1;

/* Send fds 1 and 2 to a fresh file. */
static void capture_start(void)
{
	int fd;

	snprintf(out_path, sizeof(out_path), "%s/out", dir);
	fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	assert_true(saved_out >= 0 && saved_err >= 0);
	assert_int_equal(dup2(fd, 1), 1);
	assert_int_equal(dup2(fd, 2), 2);
	close(fd);
}

/* Restore fds 1 and 2; return what was written meanwhile (malloc'd). */
static char *capture_end(void)
{
	char *text;
	struct stat st;
	FILE *f;
	size_t n;

	fflush(stdout);
	fflush(stderr);
	assert_int_equal(dup2(saved_out, 1), 1);
	assert_int_equal(dup2(saved_err, 2), 2);
	close(saved_out);
	close(saved_err);
	saved_out = saved_err = -1;
	assert_int_equal(stat(out_path, &st), 0);
	text = calloc(1, (size_t)st.st_size + 1);
	assert_non_null(text);
	f = fopen(out_path, "r");
	assert_non_null(f);
	n = fread(text, 1, (size_t)st.st_size, f);
	fclose(f);
	text[n] = '\0';
	return text;
}

/* After a failed assertion inside a capture: show what was captured. */
static int uncapture(void **state)
{
	(void)state;
	if (saved_out >= 0) {
		char *text = capture_end();

		print_error("captured:\n%s\n", text);
		free(text);
	}
	return 0;
}

static void assert_silent(char *text)
{
	if (text[0])
		print_error("the library wrote:\n%s\n", text);
	assert_string_equal(text, "");
	free(text);
}

/* A FIFO, a regular file and a character device, none a block device. */
static void make_files(char *fifo, char *file, size_t len)
{
	int fd;

	snprintf(fifo, len, "%s/fifo", dir);
	snprintf(file, len, "%s/file", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
}

static void test_native_api_quiet(void **state)
{
	char fifo[PATH_MAX], file[PATH_MAX], buf[128];
	static const uint8_t junk[] = { 0, 0, 0, 1, 0, 0, 0, 0xff, 1, 2 };
	struct prtool_full_status fs;
	struct prtool_capabilities caps;
	struct prtool_dev *dev = NULL;
	const char *why = NULL;
	unsigned int type;
	uint64_t key;
	int fd;

	(void)state;
	make_files(fifo, file, sizeof(fifo));
	capture_start();
	assert_int_equal(prtool_open("", &dev), -EINVAL);
	assert_int_equal(prtool_open("no-such-device-here", &dev), -ENOENT);
	assert_int_equal(prtool_open(fifo, &dev), -ENOTBLK);
	assert_int_equal(prtool_open(file, &dev), -ENOTBLK);
	assert_int_equal(prtool_open("/dev/null", &dev), -ENOTBLK);
	assert_int_equal(prtool_open("/nonexistent/dir/dev", &dev), -ENOENT);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(prtool_open_fd(fd, &dev), -ENOTBLK);
	assert_int_equal(prtool_open_fd(-1, &dev), -EBADF);
	assert_int_equal(prtool_parse_key("0x", &key, &why), -1);
	assert_non_null(why);
	assert_int_equal(prtool_parse_key("-1", &key, &why), -1);
	assert_int_not_equal(prtool_parse_type("no-such-type", &type), 0);
	assert_int_equal(prtool_parse_full_status(junk, 3, &fs), -EBADMSG);
	assert_int_equal(prtool_parse_full_status(junk, sizeof(junk), &fs), 0);
	prtool_full_status_free(&fs);
	prtool_parse_capabilities(junk, 2, &caps);
	assert_non_null(prtool_status_str(0x7fffffff, buf, sizeof(buf)));
	assert_non_null(prtool_status_str(-12345, buf, sizeof(buf)));
	assert_non_null(prtool_sense_key_name(99));
	assert_null(prtool_type_name(99));
	assert_int_not_equal(prtool_mpath_prin(fd, MPATH_PRIN_RKEY_SA,
					       (uint8_t *)buf, sizeof(buf),
					       &(size_t){ 0 }, 0),
			     MPATH_PR_SUCCESS);
	close(fd);
	assert_silent(capture_end());
}

static void test_mpathpersist_api_quiet(void **state)
{
	struct prout_param_descriptor *param;
	struct prin_resp *resp;
	int fd;

	(void)state;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	resp = calloc(1, sizeof(*resp));
	param = calloc(1, sizeof(*param));
	assert_non_null(resp);
	assert_non_null(param);
	param->key[7] = 1;
	capture_start();
	assert_non_null(mpath_lib_init());
	assert_int_equal(libmpathpersist_init(), 0);
	assert_int_equal(mpath_persistent_reserve_init_vecs(0),
			 MPATH_PR_SUCCESS);
	assert_int_not_equal(mpath_persistent_reserve_in(fd,
			MPATH_PRIN_RKEY_SA, resp, 0, 0), MPATH_PR_SUCCESS);
	assert_int_not_equal(mpath_persistent_reserve_in(fd, 9, resp, 0, 0),
			     MPATH_PR_SUCCESS);
	assert_int_not_equal(mpath_persistent_reserve_out(fd,
			MPATH_PROUT_REG_SA, 0, 0, param, 0, 0),
			     MPATH_PR_SUCCESS);
	assert_int_not_equal(mpath_persistent_reserve_out(fd, 42, 0, 0,
							  param, 0, 0),
			     MPATH_PR_SUCCESS);
	assert_int_not_equal(mpath_persistent_reserve_in__(-1,
			MPATH_PRIN_RRES_SA, resp, 0), MPATH_PR_SUCCESS);
	mpath_persistent_reserve_free_vecs();
	assert_int_equal(libmpathpersist_exit(), 0);
	assert_silent(capture_end());
	free(resp);
	free(param);
	close(fd);
}

static int log_calls;
static char log_first[256];

static void test_log(void *arg, int prio, const char *msg)
{
	(void)arg;
	(void)prio;
	if (!log_calls++)
		snprintf(log_first, sizeof(log_first), "%s", msg);
}

/*
 * The controls: the capture sees what is written to stderr; asked for its
 * diagnostics (verbose 1), the libmpathpersist API hands them to the
 * caller's function, still without printing.
 */
static void test_diagnostics_reach_the_caller_only(void **state)
{
	struct prin_resp *resp = calloc(1, sizeof(*resp));
	char *text;
	int fd;

	(void)state;
	capture_start();
	fputs("control", stderr);
	text = capture_end();
	assert_string_equal(text, "control");
	free(text);

	assert_non_null(resp);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	prtool_mpath_set_log(test_log, NULL);
	capture_start();
	assert_int_not_equal(mpath_persistent_reserve_in(fd,
			MPATH_PRIN_RKEY_SA, resp, 1, 1), MPATH_PR_SUCCESS);
	assert_int_not_equal(mpath_persistent_reserve_in(fd, 9, resp, 1, 3),
			     MPATH_PR_SUCCESS);
	text = capture_end();
	prtool_mpath_set_log(NULL, NULL);
	mpath_persistent_reserve_init_vecs(0);
	assert_silent(text);
	assert_true(log_calls >= 2);
	assert_non_null(strstr(log_first, "fd "));
	free(resp);
	close(fd);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char path[PATH_MAX];

	(void)state;
	snprintf(path, sizeof(path), "%s/fifo", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/file", dir);
	unlink(path);
	unlink(out_path);
	rmdir(dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_native_api_quiet, uncapture),
		cmocka_unit_test_teardown(test_mpathpersist_api_quiet, uncapture),
		cmocka_unit_test_teardown(test_diagnostics_reach_the_caller_only,
					  uncapture),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
