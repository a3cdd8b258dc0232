/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prtool: common declarations.
 */
#ifndef PRTOOL_H
#define PRTOOL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define PROG_NAME "prtool"

#ifndef PRTOOL_VERSION
#define PRTOOL_VERSION "0.1.0"
#endif

/*
 * Exit codes. Keep in step with the usage text in prtool.c and with
 * man/prtool.8.
 */
enum prtool_exit {
	PRTOOL_EXIT_OK = 0,
	PRTOOL_EXIT_USAGE = 1,	  /* bad command line */
	PRTOOL_EXIT_OS = 2,	  /* device or OS error: open, ioctl errno, dm */
	PRTOOL_EXIT_CONFLICT = 3, /* the device answered RESERVATION CONFLICT */
	PRTOOL_EXIT_PR = 4,	  /* other PR failure: path, transport, I/O */
	PRTOOL_EXIT_NETLINK = 5,  /* module or netlink error */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Subcommand entry points: argv[0] is the subcommand name. */
int cmd_register(int argc, char *argv[]);
int cmd_register_ignore(int argc, char *argv[]);
int cmd_unregister(int argc, char *argv[]);
int cmd_read_keys(int argc, char *argv[]);
int cmd_read_reservation(int argc, char *argv[]);
int cmd_reserve(int argc, char *argv[]);
int cmd_release(int argc, char *argv[]);
int cmd_preempt(int argc, char *argv[]);
int cmd_preempt_abort(int argc, char *argv[]);
int cmd_clear(int argc, char *argv[]);
int cmd_read_full_status(int argc, char *argv[]);
int cmd_report_capabilities(int argc, char *argv[]);
int cmd_attach(int argc, char *argv[]);

struct prtool_full_status;
struct prtool_capabilities;

/*
 * The output of read-full-status and report-capabilities for device
 * @dev: text, or one JSON document on a line (exposed for the unit tests).
 */
void pr_print_full_status(FILE *f, const char *dev,
			  const struct prtool_full_status *fs, bool json);
void pr_print_capabilities(FILE *f, const char *dev,
			   const struct prtool_capabilities *c, bool json);
int cmd_sync(int argc, char *argv[]);
int cmd_detach(int argc, char *argv[]);
int cmd_list(int argc, char *argv[]);
int cmd_show(int argc, char *argv[]);
int cmd_set(int argc, char *argv[]);
int cmd_resync(int argc, char *argv[]);
int cmd_path_state(int argc, char *argv[]);
int cmd_monitor(int argc, char *argv[]);
int cmd_daemon(int argc, char *argv[]);

struct pr_dev;
/*
 * cmd_pr.c: the start of every read subcommand: its options (--json,
 * --help, which prints @help) and its DEVICE, opened into @dev. Return:
 * true to go on; false with *@ret the exit code to return at once (0
 * after --help).
 */
bool read_cmd_start(int argc, char *argv[], const char *help, bool *json,
		    struct pr_dev *dev, int *ret);

/*
 * A path argument: a kernel name ("sdb", looked up as /dev/sdb), a device
 * node or MAJOR:MINOR. Return: 0, or -errno with the reason in @why.
 */
int mpr_parse_path_arg(const char *arg, unsigned int *major,
		       unsigned int *minor, char *why, size_t len);
int cmd_mpathpersist(int argc, char *argv[]);
int cmd_lvmpersist(int argc, char *argv[]);

/*
 * The mpathpersist front end (mpathpersist.c): argv as mpathpersist gets
 * it. Returns an MPATH_PR_* code, which is its exit status.
 */
int mpathpersist_main(int argc, char *argv[]);

/*
 * The lvmpersist front end (lvmpersist.c): argv as LVM2's lvmpersist gets
 * it. Returns its exit status, 0 or 1.
 */
int lvmpersist_main(int argc, char *argv[]);

/* The whole program, minus main(): unit tests call this on argv arrays. */
int prtool_main(int argc, char *argv[]);
/**
 * prtool_exit() - flush standard output; the status to exit with
 * @argv0: the name prtool runs under (prtool, mpathpersist, lvmpersist)
 * @ret: prtool_main()'s status
 *
 * A write error (a full disk, a closed pipe) is an error of the run:
 * @ret if that is one already, else the front end's code for it: 2
 * (PRTOOL_EXIT_OS) for prtool, 15 (MPATH_PR_OTHER; 2 would mean NOT READY)
 * for mpathpersist, 1 for lvmpersist (which exits 0 or 1).
 */
int prtool_exit(const char *argv0, int ret);

/* Messages on stderr, prefixed with "prtool: ". */
void prtool_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* prtool_err() goes to syslog (LOG_ERR) instead of stderr (the daemon). */
void prtool_log_to_syslog(bool on);
/* A usage error for subcommand @cmd: message, then a hint; returns 1. */
int prtool_usage_err(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * getopt_long() helpers for subcommands. Optstrings start with ':' so that
 * a missing value is reported as ':'.
 */
void opt_reset(void);
int opt_error(const char *cmd, int c, char *argv[]);
/*
 * Exactly one operand must remain after the options; it is stored in *out.
 * Return: 0, or the usage exit code after printing what is wrong.
 */
int opt_one_operand(const char *cmd, int argc, char *argv[], const char *what,
		    const char **out);
/* The rest of the options are fine but there must be no operand. */
int opt_no_operand(const char *cmd, int argc, char *argv[]);
/*
 * Options --json and --help (which prints @help) and nothing else: 0, -1
 * after --help, or the usage error's exit code. Operands are left alone.
 */
int opt_json(int argc, char *argv[], const char *help, bool *json);

void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);

#endif /* PRTOOL_H */
