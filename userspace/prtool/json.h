/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prtool: a small JSON writer.
 *
 * Output is compact (one line per document). Separators are inserted
 * automatically; a value inside an object must be preceded by json_key().
 * 64-bit keys are written as "0x..." strings by the callers, since JSON
 * numbers lose precision above 2^53 in most readers.
 */
#ifndef PRTOOL_JSON_H
#define PRTOOL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH];
	bool after_key;
};

void json_init(struct json *j, FILE *f);
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_s64(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* Ends the document with a newline. */
void json_finish(struct json *j);

/* Shorthands for "key": value inside an object. */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_u64(struct json *j, const char *key, uint64_t v);
void json_kv_s64(struct json *j, const char *key, int64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);
void json_kv_hex64(struct json *j, const char *key, uint64_t v);

/* Write @s as a JSON string literal (quotes included) to @f. */
void json_write_escaped(FILE *f, const char *s);

#endif /* PRTOOL_JSON_H */
