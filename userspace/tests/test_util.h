/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the prtool unit tests: capture of stdout and stderr
 * into memory, so that tests can assert on messages.
 */
#ifndef PRTOOL_TEST_UTIL_H
#define PRTOOL_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct capture {
	FILE *saved_out, *saved_err;
	char *out, *err;
	size_t out_len, err_len;
};

static inline void capture_start(struct capture *c)
{
	memset(c, 0, sizeof(*c));
	fflush(stdout);
	fflush(stderr);
	c->saved_out = stdout;
	c->saved_err = stderr;
	stdout = open_memstream(&c->out, &c->out_len);
	stderr = open_memstream(&c->err, &c->err_len);
	assert_non_null(stdout);
	assert_non_null(stderr);
}

static inline void capture_stop(struct capture *c)
{
	fclose(stdout);
	fclose(stderr);
	stdout = c->saved_out;
	stderr = c->saved_err;
}

static inline void capture_free(struct capture *c)
{
	free(c->out);
	free(c->err);
	c->out = c->err = NULL;
}

/* Assert that @hay contains @needle, printing both when it does not. */
#define assert_contains(hay, needle)                                         \
	do {                                                                 \
		const char *h_ = (hay), *n_ = (needle);                      \
		if (!h_ || !strstr(h_, n_))                                  \
			fail_msg("expected \"%s\" in \"%s\"", n_,            \
				 h_ ? h_ : "(null)");                        \
	} while (0)

#define assert_not_contains(hay, needle)                                     \
	do {                                                                 \
		const char *h_ = (hay), *n_ = (needle);                      \
		if (h_ && strstr(h_, n_))                                    \
			fail_msg("unexpected \"%s\" in \"%s\"", n_, h_);     \
	} while (0)

#endif /* PRTOOL_TEST_UTIL_H */
