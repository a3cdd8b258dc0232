// SPDX-License-Identifier: GPL-2.0
/*
 * libprtool: the diagnostics of the libmpathpersist-compatible API.
 *
 * libmpathpersist prints its diagnostics (and, with @noisy, hex dumps) on
 * stderr up to the verbosity its caller sets. This library never prints:
 * the same messages go, up to the same verbosity, to the function set with
 * prtool_mpath_set_log(), and nowhere without one. prtool's mpathpersist
 * front end sets one that prints them as multipath-tools does.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <prtool/prtool.h>

#include "mpp.h"

int mpp_verbosity;
static prtool_log_fn *log_fn;
static void *log_arg;

void prtool_mpath_set_log(prtool_log_fn *fn, void *arg)
{
	log_fn = fn;
	log_arg = arg;
}

void mpp_log(int prio, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int n;

	if (prio > mpp_verbosity || !log_fn)
		return;
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	log_fn(log_arg, prio, msg);
	free(msg);
}

void mpp_hexdump(const uint8_t *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char line[81];
	size_t k, i, n;

	for (k = 0; k < len; k += 16) {
		size_t pos = 0;

		memset(line, ' ', 80);
		line[80] = '\0';
		n = len - k < 16 ? len - k : 16;
		for (i = 0; i < n; i++) {
			pos = 8 + 3 * i + (i >= 8);
			line[pos] = hex[buf[k + i] >> 4];
			line[pos + 1] = hex[buf[k + i] & 0xf];
		}
		if (n == 16) {
			mpp_log(0, "%.76s", line);
		} else {
			line[pos + 2] = '\0';
			mpp_log(0, "%s", line);
		}
	}
}
