// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: parser for dm-multipath table parameters.
 *
 * The format is the one multipath_status() emits for STATUSTYPE_TABLE in
 * drivers/md/dm-mpath.c, which is also what multipath_ctr() accepts. Every
 * count is checked against the tokens that follow, so a truncated or
 * garbled table is reported instead of yielding a wrong path list.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dm_table.h"

#define TOKEN_MAX 128

struct tokenizer {
	const char *p;
	char tok[TOKEN_MAX];
	char *err;
	size_t errlen;
};

static int fail(struct tokenizer *tk, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct tokenizer *tk, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tk->err, tk->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Next whitespace-separated token into tk->tok; -1 at end or if too long. */
static int next_token(struct tokenizer *tk, const char *what)
{
	size_t n = 0;

	while (isspace((unsigned char)*tk->p))
		tk->p++;
	if (!*tk->p)
		return fail(tk, "expected %s, found the end of the table",
			    what);
	while (*tk->p && !isspace((unsigned char)*tk->p)) {
		if (n == TOKEN_MAX - 1)
			return fail(tk, "expected %s, found a token longer "
				    "than %d characters", what, TOKEN_MAX - 1);
		tk->tok[n++] = *tk->p++;
	}
	tk->tok[n] = '\0';
	return 0;
}

static int parse_uint_str(const char *s, unsigned int max, unsigned int *v)
{
	unsigned long long x = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		x = x * 10 + (unsigned int)(*s - '0');
		if (x > max)
			return -1;
	}
	*v = (unsigned int)x;
	return 0;
}

static int next_uint(struct tokenizer *tk, const char *what, unsigned int max,
		     unsigned int *v)
{
	if (next_token(tk, what))
		return -1;
	if (parse_uint_str(tk->tok, max, v))
		return fail(tk, "expected %s (0 to %u), found '%s'", what, max,
			    tk->tok);
	return 0;
}

static int skip_tokens(struct tokenizer *tk, unsigned int n, const char *what)
{
	while (n--)
		if (next_token(tk, what))
			return -1;
	return 0;
}

static int parse_devt(const char *s, unsigned int *major, unsigned int *minor)
{
	char buf[TOKEN_MAX];
	char *colon;

	snprintf(buf, sizeof(buf), "%s", s);
	colon = strchr(buf, ':');
	if (!colon)
		return -1;
	*colon = '\0';
	/* MAJOR is 12 bits and MINOR 20 bits in the kernel's dev_t. */
	if (parse_uint_str(buf, 4095, major) ||
	    parse_uint_str(colon + 1, (1U << 20) - 1, minor))
		return -1;
	return 0;
}

static int add_path(struct tokenizer *tk, struct mpath_table *t,
		    unsigned int major, unsigned int minor, unsigned int pg)
{
	unsigned int i;

	for (i = 0; i < t->nr_paths; i++)
		if (t->paths[i].major == major && t->paths[i].minor == minor)
			return 0;
	if (t->nr_paths == DM_MPATH_PR_MAX_PATHS)
		return fail(tk, "more than %d paths (the most one attachment "
			    "accepts)", DM_MPATH_PR_MAX_PATHS);
	t->paths[t->nr_paths].major = major;
	t->paths[t->nr_paths].minor = minor;
	t->paths[t->nr_paths].pg = pg;
	t->nr_paths++;
	return 0;
}

static int parse_pg(struct tokenizer *tk, struct mpath_table *t,
		    unsigned int pg)
{
	unsigned int nr_sel_args, nr_paths, nr_path_args, i;
	char what[64];

	if (next_token(tk, "a path selector name"))
		goto where;
	if (isdigit((unsigned char)tk->tok[0]))
		return fail(tk, "path group %u: expected a path selector "
			    "name, found '%s'", pg, tk->tok);
	if (next_uint(tk, "the number of path selector arguments", 1024,
		      &nr_sel_args) ||
	    skip_tokens(tk, nr_sel_args, "a path selector argument") ||
	    next_uint(tk, "the number of paths", 1U << 20, &nr_paths) ||
	    next_uint(tk, "the number of path arguments", 1024,
		      &nr_path_args))
		goto where;
	if (!nr_paths)
		return fail(tk, "path group %u has no paths", pg);

	for (i = 1; i <= nr_paths; i++) {
		unsigned int major, minor;

		snprintf(what, sizeof(what), "path %u (major:minor)", i);
		if (next_token(tk, what))
			goto where;
		if (parse_devt(tk->tok, &major, &minor))
			return fail(tk, "path group %u: path %u is '%s', not "
				    "major:minor", pg, i, tk->tok);
		if (add_path(tk, t, major, minor, pg))
			return -1;
		snprintf(what, sizeof(what), "argument of path %u:%u", major,
			 minor);
		if (skip_tokens(tk, nr_path_args, what))
			goto where;
	}
	return 0;

where:
	/* Prefix the tokenizer's message with the path group. */
	{
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", tk->err);
		return fail(tk, "path group %u: %s", pg, msg);
	}
}

int mpath_parse_params(const char *params, struct mpath_table *t, char *err,
		       size_t errlen)
{
	struct tokenizer tk = { .p = params, .err = err, .errlen = errlen };
	unsigned int nr_hw, i;

	memset(t, 0, sizeof(*t));
	if (errlen)
		err[0] = '\0';
	if (!params)
		return fail(&tk, "no table parameters");

	if (next_uint(&tk, "the number of feature arguments", 1024,
		      &t->nr_features))
		return -1;
	for (i = 0; i < t->nr_features; i++) {
		if (next_token(&tk, "a feature argument"))
			return -1;
		if (!strcmp(tk.tok, "queue_if_no_path"))
			t->queue_if_no_path = true;
	}

	if (next_uint(&tk, "the number of hardware handler arguments", 1024,
		      &nr_hw))
		return -1;
	if (nr_hw) {
		if (next_token(&tk, "a hardware handler name"))
			return -1;
		snprintf(t->hw_handler, sizeof(t->hw_handler), "%.*s",
			 (int)sizeof(t->hw_handler) - 1, tk.tok);
		if (skip_tokens(&tk, nr_hw - 1, "a hardware handler argument"))
			return -1;
	}

	if (next_uint(&tk, "the number of path groups", 1024, &t->nr_pgs) ||
	    next_uint(&tk, "the initial path group", 1024, &t->next_pg))
		return -1;
	if (t->next_pg > t->nr_pgs)
		return fail(&tk, "initial path group %u does not exist (%u "
			    "path groups)", t->next_pg, t->nr_pgs);

	for (i = 1; i <= t->nr_pgs; i++)
		if (parse_pg(&tk, t, i))
			return -1;

	while (isspace((unsigned char)*tk.p))
		tk.p++;
	if (*tk.p) {
		next_token(&tk, "nothing");
		return fail(&tk, "unexpected '%s' after the last path group",
			    tk.tok);
	}
	return 0;
}
