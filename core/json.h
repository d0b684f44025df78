/* json.h - a JSON writer that escapes by construction. Strings are emitted
 * as valid UTF-8 (invalid bytes become U+FFFD) with <, > and & escaped so
 * the output is safe inside HTML too. */
#ifndef LISTD_JSON_H
#define LISTD_JSON_H

#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"

#define JSON_DEPTH_MAX	32

struct json {
	struct buf	b;
	int		depth;
	int		n_items[JSON_DEPTH_MAX];	/* items at each depth */
	int		after_key;
};

/* Start a document of at most max bytes. */
void	json_init(struct json *j, size_t max);
void	json_release(struct json *j);
void	json_obj_begin(struct json *j);
void	json_obj_end(struct json *j);
void	json_arr_begin(struct json *j);
void	json_arr_end(struct json *j);
/* An object key; the next value belongs to it. */
void	json_key(struct json *j, const char *key);
void	json_str(struct json *j, const char *s);
void	json_int(struct json *j, int64_t v);
void	json_bool(struct json *j, int v);
void	json_null(struct json *j);
/* Shorthands for key + value. */
void	json_kv_str(struct json *j, const char *key, const char *s);
void	json_kv_int(struct json *j, const char *key, int64_t v);
void	json_kv_bool(struct json *j, const char *key, int v);
/* The text so far; NULL if the maximum size or nesting depth
 * (JSON_DEPTH_MAX - 1 levels) was passed. Borrowed. */
const char *json_text(const struct json *j);
/* Write the document and a newline to fp; -1 on overflow or write error. */
int	json_print(struct json *j, FILE *fp);

#endif
