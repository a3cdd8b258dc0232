/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prtool: a small, strict JSON reader (RFC 8259) for the reports of other
 * tools (lvm2's --reportformat json). The whole document becomes a tree;
 * numbers keep their text.
 */
#ifndef PRTOOL_JSONP_H
#define PRTOOL_JSONP_H

#include <stdbool.h>
#include <stddef.h>

enum jv_type {
	JV_NULL,
	JV_BOOL,
	JV_NUMBER,
	JV_STRING,
	JV_ARRAY,
	JV_OBJECT,
};

/**
 * struct jv - one JSON value
 * @type: what it is
 * @boolean: the value of a JV_BOOL
 * @text: a JV_STRING's value (UTF-8, NUL-terminated; a string with an
 *	escaped NUL is refused) or a JV_NUMBER's text, else NULL
 * @name: the member name, for a value inside an object, else NULL
 * @child: the first element or member of an array or object
 * @next: the next element or member of the same parent
 */
struct jv {
	enum jv_type type;
	bool boolean;
	char *text;
	char *name;
	struct jv *child;
	struct jv *next;
};

/* Nesting deeper than this is refused. */
#define JV_MAX_DEPTH 64

/**
 * jv_parse() - parse a JSON document
 * @s: the text (NUL-terminated); blanks around the value are allowed
 * @err: receives what is wrong, with the byte offset, on failure
 * @len: size of @err
 *
 * Return: the tree (free it with jv_free()), or NULL on a syntax error or
 * when memory runs out.
 */
struct jv *jv_parse(const char *s, char *err, size_t len);

void jv_free(struct jv *v);

/* The member @name of object @obj, or NULL (also if @obj is no object). */
const struct jv *jv_get(const struct jv *obj, const char *name);

/* The string value of member @name of @obj, or NULL if it is no string. */
const char *jv_get_string(const struct jv *obj, const char *name);

#endif /* PRTOOL_JSONP_H */
