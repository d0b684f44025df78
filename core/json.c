/* json.c - JSON writer (see json.h). */
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/utf8.h"

static void
json_sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->n_items[j->depth]++ > 0)
		buf_append(&j->b, ",", 1);
}

void
json_init(struct json *j, size_t max)
{
	memset(j, 0, sizeof(*j));
	buf_init(&j->b, max);
}

void
json_release(struct json *j)
{
	buf_release(&j->b);
}

static void
json_open(struct json *j, char c)
{
	json_sep(j);
	buf_append(&j->b, &c, 1);
	/* Deeper than we track commas for: refuse the document rather than
	 * emit invalid JSON. */
	if (j->depth >= JSON_DEPTH_MAX - 1) {
		j->b.overflow = 1;
		return;
	}
	j->n_items[++j->depth] = 0;
}

static void
json_close(struct json *j, char c)
{
	buf_append(&j->b, &c, 1);
	if (j->depth > 0)
		j->depth--;
}

void json_obj_begin(struct json *j) { json_open(j, '{'); }
void json_obj_end(struct json *j) { json_close(j, '}'); }
void json_arr_begin(struct json *j) { json_open(j, '['); }
void json_arr_end(struct json *j) { json_close(j, ']'); }

static void
json_quote(struct json *j, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);

	buf_append(&j->b, "\"", 1);
	while (left > 0) {
		size_t n = utf8_seq(p, left);
		char esc[8];

		if (n == 0) {
			buf_append(&j->b, "\\ufffd", 6);
			p++, left--;
			continue;
		}
		if (n > 1) {
			buf_append(&j->b, p, n);
		} else if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			buf_append(&j->b, esc, 2);
		} else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&' ||
		    *p == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			buf_append(&j->b, esc, 6);
		} else {
			buf_append(&j->b, p, 1);
		}
		p += n;
		left -= n;
	}
	buf_append(&j->b, "\"", 1);
}

void
json_key(struct json *j, const char *key)
{
	json_sep(j);
	json_quote(j, key);
	buf_append(&j->b, ":", 1);
	j->after_key = 1;
}

void
json_str(struct json *j, const char *s)
{
	json_sep(j);
	if (s == NULL)
		buf_append_str(&j->b, "null");
	else
		json_quote(j, s);
}

void
json_int(struct json *j, int64_t v)
{
	json_sep(j);
	buf_printf(&j->b, "%lld", (long long)v);
}

void
json_bool(struct json *j, int v)
{
	json_sep(j);
	buf_append_str(&j->b, v ? "true" : "false");
}

void
json_null(struct json *j)
{
	json_sep(j);
	buf_append_str(&j->b, "null");
}

void json_kv_str(struct json *j, const char *k, const char *s) { json_key(j, k); json_str(j, s); }
void json_kv_int(struct json *j, const char *k, int64_t v) { json_key(j, k); json_int(j, v); }
void json_kv_bool(struct json *j, const char *k, int v) { json_key(j, k); json_bool(j, v); }

const char *
json_text(const struct json *j)
{
	return j->b.overflow ? NULL : buf_cstr(&j->b);
}

int
json_print(struct json *j, FILE *fp)
{
	const char *t = json_text(j);

	if (t == NULL)
		return -1;
	return fprintf(fp, "%s\n", t) < 0 ? -1 : 0;
}
