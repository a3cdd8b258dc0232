// SPDX-License-Identifier: GPL-2.0
/*
 * prtool: JSON documents of other tools (lvm2's --reportformat json) as a
 * tree. json-c parses, in its strict mode (RFC 8259); this file only turns
 * its objects into struct jv, which keeps members in document order and
 * numbers as their text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonp.h"

static void jv_fail(char *err, size_t len, const char *what, size_t at)
{
	if (err && len)
		snprintf(err, len, "%s at byte %zu", what, at);
}

/* @o as a struct jv named @name (copied), or NULL for want of memory. */
static struct jv *jv_of(struct json_object *o, const char *name, bool *nul)
{
	struct jv *v = calloc(1, sizeof(*v)), **tail;
	const char *s;

	if (!v)
		return NULL;
	if (name && !(v->name = strdup(name)))
		goto fail;
	switch (json_object_get_type(o)) {
	case json_type_null:
		v->type = JV_NULL;
		break;
	case json_type_boolean:
		v->type = JV_BOOL;
		v->boolean = json_object_get_boolean(o);
		break;
	case json_type_int:
	case json_type_double:
		v->type = JV_NUMBER;
		/* the text as parsed (json-c keeps it for the serializer) */
		v->text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		if (!v->text)
			goto fail;
		break;
	case json_type_string:
		v->type = JV_STRING;
		s = json_object_get_string(o);
		/* an escaped NUL would cut the C string short: refused */
		if ((size_t)json_object_get_string_len(o) != strlen(s))
			*nul = true;
		v->text = strdup(s);
		if (!v->text)
			goto fail;
		break;
	case json_type_array: {
		size_t i, n = json_object_array_length(o);

		v->type = JV_ARRAY;
		tail = &v->child;
		for (i = 0; i < n; i++) {
			*tail = jv_of(json_object_array_get_idx(o, i), NULL, nul);
			if (!*tail)
				goto fail;
			tail = &(*tail)->next;
		}
		break;
	}
	case json_type_object: {
		struct json_object_iterator it = json_object_iter_begin(o);
		struct json_object_iterator end = json_object_iter_end(o);

		v->type = JV_OBJECT;
		tail = &v->child;
		for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
			*tail = jv_of(json_object_iter_peek_value(&it),
				      json_object_iter_peek_name(&it), nul);
			if (!*tail)
				goto fail;
			tail = &(*tail)->next;
		}
		break;
	}
	}
	return v;
fail:
	jv_free(v);
	return NULL;
}

struct jv *jv_parse(const char *s, char *err, size_t len)
{
	struct json_tokener *tok = json_tokener_new_ex(JV_MAX_DEPTH);
	size_t n = strlen(s), end;
	struct json_object *o;
	bool nul = false;
	struct jv *v;

	if (err && len)
		err[0] = '\0';
	/* RFC 8259 has no raw control characters, json-c lets some through */
	end = strcspn(s, "\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
		      "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
		      "\x1c\x1d\x1e\x1f");
	if (end != n) {
		json_tokener_free(tok);
		jv_fail(err, len, "a control character", end);
		return NULL;
	}
	if (!tok) {
		jv_fail(err, len, strerror(ENOMEM), 0);
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, s, (int)n);
	end = json_tokener_get_parse_end(tok);
	if (!o) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		/* the text ended inside a value */
		if (e == json_tokener_continue)
			jv_fail(err, len, "unexpected end", n);
		else if (e == json_tokener_error_depth)
			jv_fail(err, len, "nested too deeply", end);
		else
			jv_fail(err, len, json_tokener_error_desc(e), end);
		json_tokener_free(tok);
		return NULL;
	}
	json_tokener_free(tok);
	end += strspn(s + end, " \t\r\n");
	if (end != n) {
		jv_fail(err, len, "trailing data", end);
		json_object_put(o);
		return NULL;
	}
	v = jv_of(o, NULL, &nul);
	json_object_put(o);
	if (!v) {
		jv_fail(err, len, strerror(ENOMEM), 0);
		return NULL;
	}
	if (nul) {
		jv_free(v);
		jv_fail(err, len, "a string with an escaped NUL", 0);
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
