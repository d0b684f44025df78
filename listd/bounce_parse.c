/* bounce_parse.c - parse a bounce with GMime and decide: first the RFC 3464
 * delivery-status parts (bounce_dsn.c), then X-Failed-Recipients, then, for
 * mail that is not an auto-reply (bounce_auto.c), the text heuristics of
 * bounce_heuristic.c. Parts inside a returned message are never read. */
#include <ctype.h>
#include <string.h>

#include <gmime/gmime.h>

#include "core/xmem.h"
#include "listd/bounce_auto.h"
#include "listd/bounce_dsn.h"
#include "listd/bounce_heuristic.h"
#include "listd/bounce_parse.h"

#define WALK_DEPTH_MAX	8
#define WALK_PARTS_MAX	64

/* What the walk over the MIME tree collects. */
struct collect {
	GByteArray	*dsn;		/* delivery-status bodies, concatenated */
	GByteArray	*text;		/* readable text parts, concatenated */
	GByteArray	*html;		/* text/html parts, read when no text */
	int		 n_parts;
};

static void	 walk(GMimeObject *o, struct collect *c, int depth);
static void	 walk_forwarded(GMimeMessage *m, struct collect *c);
static void	 html_to_text(GByteArray *html, GByteArray *text);
static void	 append_part(GMimePart *part, GByteArray *to);
static void	 append_bounded(GByteArray *to, const guint8 *p, size_t n);
static char	*header_copy(GMimeMessage *m, const char *name);
static void	 from_header_list(struct bounce_report *r, const char *v);
static void	 decide(GMimeMessage *m, struct collect *c,
		    struct bounce_report *r);
static GMimeMessage *message_parse(const char *data, size_t len);

const char *
bounce_verdict_name(enum bounce_verdict v)
{
	switch (v) {
	case BOUNCE_PERMANENT:	return "permanent";
	case BOUNCE_TEMPORARY:	return "temporary";
	default:		return "none";
	}
}

const char *
bounce_source_name(enum bounce_source s)
{
	static const char *names[] = { "none", "dsn", "header", "text",
	    "autoreply" };

	if ((unsigned)s >= sizeof(names) / sizeof(names[0]))
		return "none";
	return names[s];
}

void
bounce_report_free(struct bounce_report *r)
{
	xfree(r);
}

enum status
bounce_parse(const char *data, size_t len, struct bounce_report **out)
{
	struct collect c = { NULL, NULL, NULL, 0 };
	struct bounce_report *r = NULL;
	GMimeMessage *m = NULL;
	enum status st = ST_DATA;

	*out = NULL;
	if (len > BOUNCE_MSG_MAX) {
		st = ST_TOOBIG;
		goto out;
	}
	if (len == 0 || (m = message_parse(data, len)) == NULL)
		goto out;
	c.dsn = g_byte_array_new();
	c.text = g_byte_array_new();
	c.html = g_byte_array_new();
	r = xcalloc(1, sizeof(*r));
	walk(g_mime_message_get_mime_part(m), &c, 0);
	if (c.dsn->len == 0)
		walk_forwarded(m, &c);
	html_to_text(c.html, c.text);
	decide(m, &c, r);
	*out = r;
	r = NULL;
	st = ST_OK;
out:
	if (c.dsn)
		g_byte_array_unref(c.dsn);
	if (c.text)
		g_byte_array_unref(c.text);
	if (c.html)
		g_byte_array_unref(c.html);
	if (m)
		g_object_unref(m);
	bounce_report_free(r);
	return st;
}

/* NULL when GMime finds no message; a body-less message still parses. */
static GMimeMessage *
message_parse(const char *data, size_t len)
{
	GMimeStream *s;
	GMimeParser *p;
	GMimeMessage *m;

	s = g_mime_stream_mem_new_with_buffer(data, len);
	p = g_mime_parser_new_with_stream(s);
	g_mime_parser_set_format(p, GMIME_FORMAT_MESSAGE);
	m = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	g_object_unref(s);
	if (m && g_mime_message_get_mime_part(m) == NULL) {
		g_object_unref(m);
		m = NULL;
	}
	return m;
}

/* Delivery-status and readable text outside any returned message. The
 * original message (message/rfc822, text/rfc822-headers) is skipped: a bounce
 * of a bounce blames only the outer report's recipients. */
static void
walk(GMimeObject *o, struct collect *c, int depth)
{
	GMimeContentType *ct;

	if (o == NULL || depth > WALK_DEPTH_MAX || c->n_parts++ > WALK_PARTS_MAX)
		return;
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);
		int n = g_mime_multipart_get_count(mp);

		for (int i = 0; i < n && i < WALK_PARTS_MAX; i++)
			walk(g_mime_multipart_get_part(mp, i), c, depth + 1);
		return;
	}
	if (!GMIME_IS_PART(o))
		return;		/* message/rfc822: the returned original */
	ct = g_mime_object_get_content_type(o);
	if (g_mime_content_type_is_type(ct, "message", "delivery-status") ||
	    g_mime_content_type_is_type(ct, "message",
	    "global-delivery-status"))
		append_part(GMIME_PART(o), c->dsn);
	else if (g_mime_content_type_is_type(ct, "text", "html"))
		append_part(GMIME_PART(o), c->html);
	else if (g_mime_content_type_is_type(ct, "text", "plain") ||
	    (depth == 0 && g_mime_content_type_is_type(ct, "text", "*")))
		append_part(GMIME_PART(o), c->text);
}

/* A bounce forwarded whole (multipart/mixed; report-type=delivery-status
 * around a message/rfc822 holding the report): read the inner report. */
static void
walk_forwarded(GMimeMessage *m, struct collect *c)
{
	GMimeObject *top = g_mime_message_get_mime_part(m);
	GMimeContentType *ct = g_mime_object_get_content_type(top);
	const char *rt = g_mime_content_type_get_parameter(ct, "report-type");
	GMimeMultipart *mp;

	if (!GMIME_IS_MULTIPART(top) || rt == NULL ||
	    g_ascii_strcasecmp(rt, "delivery-status") != 0)
		return;
	mp = GMIME_MULTIPART(top);
	for (int i = 0; i < g_mime_multipart_get_count(mp) && i < 4; i++) {
		GMimeObject *o = g_mime_multipart_get_part(mp, i);
		GMimeMessage *inner;

		if (!GMIME_IS_MESSAGE_PART(o) || (inner =
		    g_mime_message_part_get_message(GMIME_MESSAGE_PART(o))) ==
		    NULL)
			continue;
		walk(g_mime_message_get_mime_part(inner), c, 1);
	}
}

/* Crude text of an HTML part: tags dropped (block ends become line ends),
 * the common entities decoded. Enough for the phrases the heuristics read. */
static void
html_to_text(GByteArray *html, GByteArray *text)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&nbsp;", ' ' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&amp;", '&' }, { "&quot;", '"' }, { "&#64;", '@' },
	};
	const char *p = (const char *)html->data, *end = p + html->len;
	char ch;

	while (p < end && text->len < BOUNCE_TEXT_MAX) {
		ch = *p++;
		if (ch == '<' && p < end && (g_ascii_isalpha(*p) || *p == '/' ||
		    *p == '!')) {
			int is_break = g_ascii_strncasecmp(p, "br", 2) == 0 ||
			    *p == '/' || g_ascii_strncasecmp(p, "p", 1) == 0;
			const char *gt = memchr(p, '>', (size_t)(end - p));

			p = gt ? gt + 1 : end;
			if (is_break)
				g_byte_array_append(text, (const guint8 *)"\n", 1);
			continue;
		}
		for (size_t i = 0; ch == '&' && i < G_N_ELEMENTS(ents); i++) {
			size_t n = strlen(ents[i].ent) - 1;

			if ((size_t)(end - p) >= n &&
			    g_ascii_strncasecmp(p, ents[i].ent + 1, n) == 0) {
				ch = ents[i].c;
				p += n;
			}
		}
		g_byte_array_append(text, (const guint8 *)&ch, 1);
	}
}

/* Decode the part's content onto to, within BOUNCE_TEXT_MAX. */
static void
append_part(GMimePart *part, GByteArray *to)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *s;
	GByteArray *b;

	if (w == NULL || to->len >= BOUNCE_TEXT_MAX)
		return;
	s = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(w, s);
	b = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	append_bounded(to, b->data, b->len);
	append_bounded(to, (const guint8 *)"\n\n", 2);
	g_object_unref(s);
}

/* NULs become spaces so the rest can use C strings. */
static void
append_bounded(GByteArray *to, const guint8 *p, size_t n)
{
	size_t room = BOUNCE_TEXT_MAX - to->len, start = to->len;

	if (to->len >= BOUNCE_TEXT_MAX)
		return;
	if (n > room)
		n = room;
	g_byte_array_append(to, p, (guint)n);
	for (size_t i = start; i < to->len; i++)
		if (to->data[i] == '\0')
			to->data[i] = ' ';
}

/* Raw (undecoded) header value, NULs dropped, or "" . Caller frees. */
static char *
header_copy(GMimeMessage *m, const char *name)
{
	const char *v = g_mime_object_get_header(GMIME_OBJECT(m), name);

	return xstrndup(v ? v : "", BOUNCE_LINE_MAX);
}

/* X-Failed-Recipients (Exim and others): comma-separated addresses. */
static void
from_header_list(struct bounce_report *r, const char *v)
{
	char tok[BOUNCE_LINE_MAX + 1];
	size_t n;

	while (*v) {
		n = strcspn(v, ",");
		if (n < sizeof(tok)) {
			memcpy(tok, v, n);
			tok[n] = '\0';
			bounce_report_add(r, tok, NULL, NULL, NULL, 0);
		}
		v += n;
		if (*v == ',')
			v++;
	}
}

static void
decide(GMimeMessage *m, struct collect *c, struct bounce_report *r)
{
	struct bounce_text t;
	char *subject = header_copy(m, "Subject");
	char *from = header_copy(m, "From");
	char *failed = header_copy(m, "X-Failed-Recipients");
	char *to = header_copy(m, "To");

	g_byte_array_append(c->text, (const guint8 *)"", 1);
	g_byte_array_append(c->dsn, (const guint8 *)"", 1);
	t.subject = subject;
	t.from = from;
	t.to = to;
	t.body = (const char *)c->text->data;
	t.body_len = c->text->len - 1;
	if (bounce_is_challenge(&t)) {
		r->source = BOUNCE_SRC_AUTOREPLY;
	} else if (bounce_dsn_parse((const char *)c->dsn->data, r) > 0) {
		r->source = BOUNCE_SRC_DSN;
	} else if (*failed) {
		from_header_list(r, failed);
		bounce_heuristic_details(&t, r);
		r->source = BOUNCE_SRC_HEADER;
	} else if (bounce_is_auto_reply(m) &&
	    !bounce_heuristic_looks_like_bounce(&t)) {
		r->source = BOUNCE_SRC_AUTOREPLY;
	} else if (bounce_heuristic_scan(&t, r) > 0) {
		r->source = BOUNCE_SRC_TEXT;
	}
	bounce_report_settle(r);
	xfree(to);
	xfree(failed);
	xfree(from);
	xfree(subject);
}

/* Strip "rfc822;", brackets, quotes and trailing dots around an address. */
static int
clean_addr(const char *in, char *out, size_t out_len)
{
	const char *p = in, *semi = strchr(in, ';'), *e;
	size_t n;

	if (semi && semi - in < 16)
		p = semi + 1;
	while (*p && (isspace((unsigned char)*p) || strchr("<\"'([", *p)))
		p++;
	e = p + strlen(p);
	while (e > p && (isspace((unsigned char)e[-1]) ||
	    strchr(">\"')].,:;", e[-1])))
		e--;
	n = (size_t)(e - p);
	if (n == 0 || n >= out_len)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

struct bounce_rcpt *
bounce_report_add(struct bounce_report *r, const char *addr,
    const char *status, const char *diag, const char *mta, int is_temporary)
{
	char raw[ADDR_MAX + 1], norm[ADDR_MAX + 1];
	const char *why;
	struct bounce_rcpt *e = NULL;

	if (clean_addr(addr, raw, sizeof(raw)) == -1 ||
	    addr_normalize(raw, norm, sizeof(norm), &why) == -1)
		return NULL;
	for (size_t i = 0; i < r->n_rcpts; i++)
		if (addr_cmp(r->rcpts[i].addr, norm) == 0)
			e = &r->rcpts[i];
	if (e == NULL) {
		if (r->n_rcpts == BOUNCE_RCPT_MAX) {
			r->is_truncated = 1;
			return NULL;
		}
		e = &r->rcpts[r->n_rcpts++];
		memset(e, 0, sizeof(*e));
		snprintf(e->addr, sizeof(e->addr), "%s", norm);
		e->is_temporary = is_temporary;
	} else if (!is_temporary)
		e->is_temporary = 0;
	if (status && *status && !*e->status)
		snprintf(e->status, sizeof(e->status), "%s", status);
	if (diag && *diag && !*e->diag)
		snprintf(e->diag, sizeof(e->diag), "%s", diag);
	if (mta && *mta && !*e->mta)
		snprintf(e->mta, sizeof(e->mta), "%s", mta);
	return e;
}

void
bounce_report_settle(struct bounce_report *r)
{
	r->verdict = BOUNCE_NONE;
	for (size_t i = 0; i < r->n_rcpts; i++) {
		if (!r->rcpts[i].is_temporary) {
			r->verdict = BOUNCE_PERMANENT;
			return;
		}
		r->verdict = BOUNCE_TEMPORARY;
	}
}
