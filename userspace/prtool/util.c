// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: messages and allocation helpers.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "prtool.h"

static bool err_to_syslog;

void prtool_log_to_syslog(bool on)
{
	err_to_syslog = on;
}

void prtool_err(const char *fmt, ...)
{
	va_list ap;

	if (err_to_syslog) {
		va_start(ap, fmt);
		vsyslog(LOG_ERR, fmt, ap);
		va_end(ap);
		return;
	}
	fputs(PROG_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int prtool_usage_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs(PROG_NAME ": ", stderr);
	if (cmd)
		fprintf(stderr, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd)
		fprintf(stderr, "Try '" PROG_NAME " %s --help'.\n", cmd);
	else
		fputs("Try '" PROG_NAME " --help'.\n", stderr);
	return PRTOOL_EXIT_USAGE;
}

static void oom(void)
{
	fputs(PROG_NAME ": out of memory\n", stderr);
	exit(PRTOOL_EXIT_OS);
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	size_t bytes;
	void *p;

	if (size && nmemb > SIZE_MAX / size)
		oom();
	bytes = nmemb * size;
	p = realloc(ptr, bytes ? bytes : 1);
	if (!p)
		oom();
	return p;
}

void opt_reset(void)
{
	/* 0 makes glibc reinitialise, also across different argv arrays. */
	optind = 0;
	opterr = 0;
}

int opt_error(const char *cmd, int c, char *argv[])
{
	const char *opt = optind > 0 ? argv[optind - 1] : "?";

	if (c == ':')
		return prtool_usage_err(cmd, "option '%s' needs a value", opt);
	if (optopt && optopt != '?')
		return prtool_usage_err(cmd, "unknown option '-%c'", optopt);
	return prtool_usage_err(cmd, "unknown option '%s'", opt);
}

int opt_one_operand(const char *cmd, int argc, char *argv[], const char *what,
		    const char **out)
{
	if (optind >= argc)
		return prtool_usage_err(cmd, "missing %s", what);
	if (optind + 1 < argc)
		return prtool_usage_err(cmd, "unexpected argument '%s'",
					argv[optind + 1]);
	*out = argv[optind];
	return 0;
}

int opt_json(int argc, char *argv[], const char *help, bool *json)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	*json = false;
	opt_reset();
	while ((c = getopt_long(argc, argv, ":jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = true;
			break;
		case 'h':
			fputs(help, stdout);
			return -1;
		default:
			return opt_error(argv[0], c, argv);
		}
	}
	return 0;
}

int opt_no_operand(const char *cmd, int argc, char *argv[])
{
	if (optind < argc)
		return prtool_usage_err(cmd, "unexpected argument '%s'",
					argv[optind]);
	return 0;
}
