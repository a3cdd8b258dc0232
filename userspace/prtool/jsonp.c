// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: a small, strict JSON reader (see jsonp.h).
 *
 * Recursive descent over RFC 8259: no comments, no trailing commas, no
 * leading zeros, no control characters inside strings; \uXXXX escapes
 * (surrogate pairs included) become UTF-8.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonp.h"

struct jp {
	const char *s;
	size_t pos;
	char *err;
	size_t errlen;
	bool failed;
};

static void __attribute__((format(printf, 2, 3)))
jp_fail(struct jp *p, const char *fmt, ...)
{
	char msg[128];
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "%s at byte %zu", msg, p->pos);
}

static void skip_ws(struct jp *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
	       p->s[p->pos] == '\n' || p->s[p->pos] == '\r')
		p->pos++;
}

static struct jv *new_value(struct jp *p, enum jv_type type)
{
	struct jv *v = calloc(1, sizeof(*v));

	if (!v)
		jp_fail(p, "out of memory");
	else
		v->type = type;
	return v;
}

static int hex4(const char *s, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string at p->pos (the opening quote); returns it decoded. */
static char *parse_string(struct jp *p)
{
	size_t start = ++p->pos, n = 0, i;
	unsigned int cp, lo;
	char *out, c;

	/* The decoded text is never longer than the source. */
	while (p->s[p->pos] && p->s[p->pos] != '"') {
		if (p->s[p->pos] == '\\' && p->s[p->pos + 1])
			p->pos++;
		p->pos++;
	}
	if (p->s[p->pos] != '"') {
		jp_fail(p, "unterminated string");
		return NULL;
	}
	out = malloc(p->pos - start + 1);
	if (!out) {
		jp_fail(p, "out of memory");
		return NULL;
	}
	for (i = start; i < p->pos; i++) {
		c = p->s[i];
		if ((unsigned char)c < 0x20) {
			p->pos = i;
			jp_fail(p, "control character in a string");
			goto bad;
		}
		if (c != '\\') {
			out[n++] = c;
			continue;
		}
		c = p->s[++i];
		switch (c) {
		case '"':
		case '\\':
		case '/':
			out[n++] = c;
			break;
		case 'b':
			out[n++] = '\b';
			break;
		case 'f':
			out[n++] = '\f';
			break;
		case 'n':
			out[n++] = '\n';
			break;
		case 'r':
			out[n++] = '\r';
			break;
		case 't':
			out[n++] = '\t';
			break;
		case 'u':
			/* Every escape lies inside the quotes. */
			if (i + 4 >= p->pos || hex4(p->s + i + 1, &cp))
				goto bad_escape;
			i += 4;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (i + 6 >= p->pos || p->s[i + 1] != '\\' ||
				    p->s[i + 2] != 'u' ||
				    hex4(p->s + i + 3, &lo) || lo < 0xdc00 ||
				    lo > 0xdfff)
					goto bad_escape;
				i += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				goto bad_escape;
			}
			if (!cp) {
				p->pos = i;
				jp_fail(p, "NUL in a string");
				goto bad;
			}
			n += put_utf8(out + n, cp);
			break;
		default:
			goto bad_escape;
		}
	}
	out[n] = '\0';
	p->pos++;
	return out;
bad_escape:
	p->pos = i;
	jp_fail(p, "bad escape in a string");
bad:
	free(out);
	return NULL;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char *parse_number(struct jp *p)
{
	size_t start = p->pos;
	const char *s = p->s;
	char *t;

	if (s[p->pos] == '-')
		p->pos++;
	if (s[p->pos] == '0') {
		p->pos++;
	} else if (is_digit(s[p->pos])) {
		while (is_digit(s[p->pos]))
			p->pos++;
	} else {
		jp_fail(p, "bad number");
		return NULL;
	}
	if (s[p->pos] == '.') {
		p->pos++;
		if (!is_digit(s[p->pos])) {
			jp_fail(p, "bad number");
			return NULL;
		}
		while (is_digit(s[p->pos]))
			p->pos++;
	}
	if (s[p->pos] == 'e' || s[p->pos] == 'E') {
		p->pos++;
		if (s[p->pos] == '+' || s[p->pos] == '-')
			p->pos++;
		if (!is_digit(s[p->pos])) {
			jp_fail(p, "bad number");
			return NULL;
		}
		while (is_digit(s[p->pos]))
			p->pos++;
	}
	t = strndup(s + start, p->pos - start);
	if (!t)
		jp_fail(p, "out of memory");
	return t;
}

static struct jv *parse_value(struct jp *p, int depth);

/* Elements or members up to @close; @object: members with names. */
static struct jv *parse_container(struct jp *p, int depth, bool object)
{
	struct jv *v = new_value(p, object ? JV_OBJECT : JV_ARRAY), **tail;
	char close = object ? '}' : ']';

	if (!v)
		return NULL;
	if (depth >= JV_MAX_DEPTH) {
		jp_fail(p, "nested too deeply");
		goto bad;
	}
	tail = &v->child;
	p->pos++;
	skip_ws(p);
	if (p->s[p->pos] == close) {
		p->pos++;
		return v;
	}
	for (;;) {
		char *name = NULL;
		struct jv *e;

		if (object) {
			if (p->s[p->pos] != '"') {
				jp_fail(p, "expected a member name");
				goto bad;
			}
			name = parse_string(p);
			if (!name)
				goto bad;
			skip_ws(p);
			if (p->s[p->pos] != ':') {
				free(name);
				jp_fail(p, "expected ':'");
				goto bad;
			}
			p->pos++;
		}
		e = parse_value(p, depth + 1);
		if (!e) {
			free(name);
			goto bad;
		}
		e->name = name;
		*tail = e;
		tail = &e->next;
		skip_ws(p);
		if (p->s[p->pos] == ',') {
			p->pos++;
			skip_ws(p);
			continue;
		}
		if (p->s[p->pos] == close) {
			p->pos++;
			return v;
		}
		jp_fail(p, "expected ',' or '%c'", close);
		goto bad;
	}
bad:
	jv_free(v);
	return NULL;
}

static struct jv *parse_literal(struct jp *p, const char *word,
				enum jv_type type, bool b)
{
	size_t n = strlen(word);
	struct jv *v;

	if (strncmp(p->s + p->pos, word, n)) {
		jp_fail(p, "unexpected character '%c'", p->s[p->pos]);
		return NULL;
	}
	p->pos += n;
	v = new_value(p, type);
	if (v)
		v->boolean = b;
	return v;
}

static struct jv *parse_value(struct jp *p, int depth)
{
	struct jv *v;
	char *t;

	skip_ws(p);
	switch (p->s[p->pos]) {
	case '{':
		return parse_container(p, depth, true);
	case '[':
		return parse_container(p, depth, false);
	case '"':
		t = parse_string(p);
		if (!t)
			return NULL;
		v = new_value(p, JV_STRING);
		if (!v)
			free(t);
		else
			v->text = t;
		return v;
	case 't':
		return parse_literal(p, "true", JV_BOOL, true);
	case 'f':
		return parse_literal(p, "false", JV_BOOL, false);
	case 'n':
		return parse_literal(p, "null", JV_NULL, false);
	case '\0':
		jp_fail(p, "unexpected end of input");
		return NULL;
	default:
		if (p->s[p->pos] != '-' && !is_digit(p->s[p->pos])) {
			jp_fail(p, "unexpected character '%c'", p->s[p->pos]);
			return NULL;
		}
		t = parse_number(p);
		if (!t)
			return NULL;
		v = new_value(p, JV_NUMBER);
		if (!v)
			free(t);
		else
			v->text = t;
		return v;
	}
}

struct jv *jv_parse(const char *s, char *err, size_t len)
{
	struct jp p = { .s = s, .err = err, .errlen = len };
	struct jv *v;

	if (err && len)
		err[0] = '\0';
	v = parse_value(&p, 0);
	if (!v)
		return NULL;
	skip_ws(&p);
	if (s[p.pos]) {
		jp_fail(&p, "trailing data");
		jv_free(v);
		return NULL;
	}
	return v;
}

void jv_free(struct jv *v)
{
	while (v) {
		struct jv *next = v->next;

		jv_free(v->child);
		free(v->text);
		free(v->name);
		free(v);
		v = next;
	}
}

const struct jv *jv_get(const struct jv *obj, const char *name)
{
	const struct jv *e;

	if (!obj || obj->type != JV_OBJECT)
		return NULL;
	for (e = obj->child; e; e = e->next)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

const char *jv_get_string(const struct jv *obj, const char *name)
{
	const struct jv *e = jv_get(obj, name);

	return e && e->type == JV_STRING ? e->text : NULL;
}
