// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: naming and classification of PR results, both the PR_STS_*
 * values of Linux 6.5+ and the raw SCSI / NVMe results of 6.1.
 */
#include "cli.h"
#include "test_util.h"

#include <ctype.h>
#include <errno.h>

#include <linux/dm-mpath-pr.h>

#include "pr_compat.h"
#include "prtool.h"
#include "status.h"

static void check(int status, enum pr_status_class cls, int exit_code,
		  const char *name_part)
{
	char buf[128];

	assert_int_equal(pr_status_classify(status), cls);
	assert_int_equal(cli_exit_code(status), exit_code);
	assert_contains(pr_status_str(status, buf, sizeof(buf)), name_part);
}

static void test_success(void **state)
{
	(void)state;
	check(0, PR_CLASS_OK, PRTOOL_EXIT_OK, "success");
}

static void test_errno(void **state)
{
	(void)state;
	check(-EPERM, PR_CLASS_ERRNO, PRTOOL_EXIT_OS, strerror(EPERM));
	check(-EOPNOTSUPP, PR_CLASS_ERRNO, PRTOOL_EXIT_OS,
	      strerror(EOPNOTSUPP));
	check(-EIO, PR_CLASS_ERRNO, PRTOOL_EXIT_OS, strerror(EIO));
	check(-ENOTTY, PR_CLASS_ERRNO, PRTOOL_EXIT_OS, strerror(ENOTTY));
}

/* Linux 6.5+: enum pr_status. */
static void test_pr_sts(void **state)
{
	(void)state;
	check(PRTOOL_PR_STS_RESERVATION_CONFLICT, PR_CLASS_CONFLICT,
	      PRTOOL_EXIT_CONFLICT, "Reservation conflict");
	check(PRTOOL_PR_STS_IOERR, PR_CLASS_IO, PRTOOL_EXIT_PR, "I/O error");
	check(PRTOOL_PR_STS_PATH_FAILED, PR_CLASS_PATH, PRTOOL_EXIT_PR,
	      "path failed");
	check(PRTOOL_PR_STS_PATH_FAST_FAILED, PR_CLASS_PATH, PRTOOL_EXIT_PR,
	      "fast-failed");
	check(PRTOOL_PR_STS_RETRY_PATH_FAILURE, PR_CLASS_PATH, PRTOOL_EXIT_PR,
	      "path failure");
}

static void test_pr_sts_values(void **state)
{
	(void)state;
	/* The UAPI values; 6.1 raw SCSI results coincide with them. */
	assert_int_equal(PRTOOL_PR_STS_SUCCESS, 0);
	assert_int_equal(PRTOOL_PR_STS_IOERR, 0x2);
	assert_int_equal(PRTOOL_PR_STS_RESERVATION_CONFLICT, 0x18);
	assert_int_equal(PRTOOL_PR_STS_RETRY_PATH_FAILURE, 0xe0000);
	assert_int_equal(PRTOOL_PR_STS_PATH_FAST_FAILED, 0xf0000);
	assert_int_equal(PRTOOL_PR_STS_PATH_FAILED, 0x10000);
}

/* Linux 6.1: raw SCSI results from sd_pr_command(). */
static void test_scsi_raw_status_byte(void **state)
{
	(void)state;
	check(0x18, PR_CLASS_CONFLICT, PRTOOL_EXIT_CONFLICT,
	      "Reservation conflict");
	check(0x02, PR_CLASS_IO, PRTOOL_EXIT_PR, "check condition");
	check(0x08, PR_CLASS_IO, PRTOOL_EXIT_PR, "busy");
	check(0x28, PR_CLASS_IO, PRTOOL_EXIT_PR, "task set full");
	check(0x30, PR_CLASS_IO, PRTOOL_EXIT_PR, "ACA active");
	check(0x40, PR_CLASS_IO, PRTOOL_EXIT_PR, "aborted");
}

static void test_scsi_raw_ml_byte(void **state)
{
	(void)state;
	/* scsi-ml byte SCSIML_STAT_RESV_CONFLICT with the status byte. */
	check(0x118, PR_CLASS_CONFLICT, PRTOOL_EXIT_CONFLICT,
	      "Reservation conflict");
	check(0x402, PR_CLASS_IO, PRTOOL_EXIT_PR, "target failure");
	check(0x302, PR_CLASS_IO, PRTOOL_EXIT_PR, "medium error");
}

static void test_scsi_raw_host_byte(void **state)
{
	(void)state;
	check(0x00010000, PR_CLASS_PATH, PRTOOL_EXIT_PR,
	      "no connection to the target");
	check(0x00030000, PR_CLASS_PATH, PRTOOL_EXIT_PR, "timed out");
	check(0x000e0000, PR_CLASS_PATH, PRTOOL_EXIT_PR,
	      "transport disrupted");
	check(0x000f0000, PR_CLASS_PATH, PRTOOL_EXIT_PR, "fast-fail");
	check(0x00070000, PR_CLASS_PATH, PRTOOL_EXIT_PR, "host adapter");
	/* Kernels before 5.19: DID_NEXUS_FAILURE on a conflict. */
	check(0x00110018, PR_CLASS_CONFLICT, PRTOOL_EXIT_CONFLICT,
	      "Reservation conflict");
	/* The host byte wins over a status byte. */
	check(0x00010002, PR_CLASS_PATH, PRTOOL_EXIT_PR, "path failed");
}

/* Linux 6.1 NVMe: raw NVMe status. */
static void test_nvme_raw(void **state)
{
	(void)state;
	check(0x83, PR_CLASS_CONFLICT, PRTOOL_EXIT_CONFLICT,
	      "Reservation conflict");
	/* With the Do Not Retry bit. */
	check(0x4083, PR_CLASS_CONFLICT, PRTOOL_EXIT_CONFLICT,
	      "Reservation conflict");
	check(0x370, PR_CLASS_PATH, PRTOOL_EXIT_PR, "NVMe host path error");
	check(0x06, PR_CLASS_IO, PRTOOL_EXIT_PR, "internal error (NVMe)");
}

static void test_unknown_named(void **state)
{
	(void)state;
	check(0x99, PR_CLASS_OTHER, PRTOOL_EXIT_PR, "unknown PR status 0x99");
	check(0x7f0000, PR_CLASS_PATH, PRTOOL_EXIT_PR,
	      "SCSI host error, result 0x7f0000");
	check(0x06000000, PR_CLASS_OTHER, PRTOOL_EXIT_PR,
	      "SCSI driver error, result 0x6000000");
}

/* No positive result is ever shown as a bare number. */
static void test_never_bare_hex(void **state)
{
	static const int values[] = { 1,	 2,	   3,	     0x18,
				      0x83,	 0x118,	   0x99,     0x1ff,
				      0x10000, 0xe0000, 0x7f0000, 0x6000000,
				      0x7fffffff };
	char buf[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		const char *s = pr_status_str(values[i], buf, sizeof(buf));
		int words = 0;
		const char *p;

		for (p = s; *p; p++)
			if (isalpha((unsigned char)*p) &&
			    (p == s || *(p - 1) == ' '))
				words++;
		if (words < 2 || !strncmp(s, "0x", 2))
			fail_msg("status 0x%x named '%s'", values[i], s);
	}
}

static void test_sense_keys(void **state)
{
	(void)state;
	assert_string_equal(scsi_sense_key_name(0), "NO SENSE");
	assert_string_equal(scsi_sense_key_name(5), "ILLEGAL REQUEST");
	assert_string_equal(scsi_sense_key_name(6), "UNIT ATTENTION");
	assert_string_equal(scsi_sense_key_name(0xb), "ABORTED COMMAND");
	assert_string_equal(scsi_sense_key_name(16), "invalid sense key");
}

static void test_path_state_names(void **state)
{
	(void)state;
	assert_string_equal(mpr_path_state_name(DM_MPATH_PR_PATH_ACTIVE),
			    "active");
	assert_string_equal(mpr_path_state_name(DM_MPATH_PR_PATH_FAILED),
			    "failed");
	assert_string_equal(mpr_path_state_name(0), "unknown");
	assert_string_equal(mpr_path_state_name(99), "unknown");
	assert_string_equal(mpr_reg_state_name(DM_MPATH_PR_REG_UNKNOWN),
			    "unknown");
	assert_string_equal(mpr_reg_state_name(DM_MPATH_PR_REG_NONE), "none");
	assert_string_equal(mpr_reg_state_name(DM_MPATH_PR_REG_REGISTERED),
			    "registered");
	assert_string_equal(mpr_reg_state_name(DM_MPATH_PR_REG_PENDING),
			    "pending");
	assert_string_equal(mpr_reg_state_name(99), "invalid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_success),
		cmocka_unit_test(test_errno),
		cmocka_unit_test(test_pr_sts),
		cmocka_unit_test(test_pr_sts_values),
		cmocka_unit_test(test_scsi_raw_status_byte),
		cmocka_unit_test(test_scsi_raw_ml_byte),
		cmocka_unit_test(test_scsi_raw_host_byte),
		cmocka_unit_test(test_nvme_raw),
		cmocka_unit_test(test_unknown_named),
		cmocka_unit_test(test_never_bare_hex),
		cmocka_unit_test(test_sense_keys),
		cmocka_unit_test(test_path_state_names),
	};

	return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
