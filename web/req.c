/* req.c - reading one request (form body, query, headers, cookies) and the
 * simple answers every handler shares: error pages, redirects, audit. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <microhttpd.h>

#include "core/json.h"
#include "core/log.h"
#include "core/store_site.h"
#include "core/utf8.h"
#include "core/xmem.h"
#include "web/layout.h"
#include "web/req.h"

static int form_add(struct req *r, char *pair);

const char *
req_form(const struct req *r, const char *name)
{
	for (int i = 0; i < r->n_form; i++)
		if (strcmp(r->form[i].name, name) == 0)
			return r->form[i].value;
	return NULL;
}

const char *
req_query(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
	    name);
}

const char *
req_header(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
req_cookie(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

/* Decode one "name=value" pair in place and append it; -1 when bad. */
static int
form_add(struct req *r, char *pair)
{
	char *eq = strchr(pair, '='), *v, *w, *val;
	size_t n;

	if (eq == NULL)
		eq = pair + strlen(pair);
	v = *eq ? eq + 1 : eq;
	*eq = '\0';
	for (char *p = pair; *p; p++)
		if (*p == '+')
			*p = ' ';
	for (char *p = v; *p; p++)
		if (*p == '+')
			*p = ' ';
	MHD_http_unescape(pair);
	n = MHD_http_unescape(v);
	if (!utf8_valid(pair, strlen(pair)) || strlen(v) != n ||
	    !utf8_valid(v, n))
		return -1;
	val = v;
	for (w = v; *v; v++)	/* CRLF from text areas becomes LF */
		if (!(*v == '\r' && v[1] == '\n'))
			*w++ = *v;
	*w = '\0';
	if (r->n_form == WEB_FORM_MAX)
		return -1;
	if (r->form == NULL)	/* not per request: most have no form */
		r->form = xcalloc(WEB_FORM_MAX, sizeof(*r->form));
	r->form[r->n_form].name = pair;
	r->form[r->n_form].value = val;
	r->n_form++;
	return 0;
}

enum status
req_form_parse(struct req *r)
{
	char *p, *next;

	if (r->body.len == 0)
		return ST_OK;
	for (p = r->body.data; p; p = next) {
		next = strchr(p, '&');
		if (next)
			*next++ = '\0';
		if (*p == '\0')
			continue;
		if (form_add(r, p) == -1)
			return ST_DATA;
	}
	return ST_OK;
}

void
req_fail(struct req *r, enum status st, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->http = status_http(st);
	buf_reset(&r->out);
	r->location[0] = '\0';
	if (strncmp(r->path, "/api/", 5) == 0) {
		struct json j;

		json_init(&j, 4096);
		json_obj_begin(&j);
		json_kv_str(&j, "error", status_name(st));
		json_kv_str(&j, "message", msg);
		json_obj_end(&j);
		buf_append_str(&r->out, json_text(&j) ? json_text(&j) : "{}");
		json_release(&j);
		r->ctype = "application/json";
		return;
	}
	page_message(r, status_name(st), msg);
	r->http = status_http(st);
}

void
req_redirect(struct req *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->location, sizeof(r->location), fmt, ap);
	va_end(ap);
	r->http = 303;
	buf_reset(&r->out);
}

void
req_audit(struct req *r, const char *action, const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (r->site == NULL ||
	    store_audit_add(r->site, r->actor, r->has_district ? r->d.slug : "",
	    action, detail) != ST_OK)
		log_warnx("web audit-failed actor=%s action=%s", r->actor,
		    action);
}
