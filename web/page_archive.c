/* page_archive.c - the list archives through the web: the static pages
 * archive/ renders under districts/<slug>/html/<list>/ (served only after
 * authz.c allowed the list's archive), the district's colours over the
 * archive stylesheet, and full-text search (FTS5). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "archive/archive.h"
#include "core/html.h"
#include "core/store_archive.h"
#include "core/store_sub.h"
#include "core/xmem.h"
#include "web/files.h"
#include "web/layout.h"
#include "web/pages.h"
#include "web/server.h"

#define ARCHIVE_FILE_MAX	(32L * 1024 * 1024)
#define SEARCH_HITS		50
#define HASH_IN_NAME		20

struct ctype_row {
	const char	*ext;
	const char	*ctype;
	int		 inline_ok;
};

static const struct ctype_row ctypes[] = {
	{ ".html", "text/html; charset=utf-8", 1 },
	{ ".css", "text/css; charset=utf-8", 1 },
	{ ".atom", "application/atom+xml; charset=utf-8", 1 },
	{ ".mbox", "application/mbox", 0 },
	{ ".txt", "text/plain; charset=utf-8", 1 },
};

struct hits {
	struct req	*r;
	xmlNodePtr	 el;
	int		 n;
};

static void	set_kind(struct req *, const char *);
static void	serve_attachment(struct req *, const char *);

static const struct ctype_row *
ctype_of(const char *path)
{
	size_t n = strlen(path);

	for (size_t i = 0; i < sizeof(ctypes) / sizeof(ctypes[0]); i++) {
		size_t e = strlen(ctypes[i].ext);

		if (n >= e && strcmp(path + n - e, ctypes[i].ext) == 0)
			return &ctypes[i];
	}
	return NULL;
}

/* Serve rel (checked by route.c: no dot segments) under the list's html
 * directory. Attachments and unknown kinds go out as downloads. */
void
page_archive_file(struct req *r)
{
	const char *rel = r->args[r->n_args - 1];
	const char *data;
	char *path;
	size_t len;

	if (strstr(rel, "/.") || rel[0] == '.') {
		req_fail(r, ST_NOTFOUND, "No such archive page.");
		return;
	}
	if (strncmp(rel, "att/", 4) == 0) {	/* from the raw message */
		serve_attachment(r, rel);
		return;
	}
	path = xasprintf("%s/html/%s/%s%s", store_dir(r->ds), r->l.name, rel,
	    rel[0] == '\0' || rel[strlen(rel) - 1] == '/' ? "index.html" : "");
	set_kind(r, rel);
	if (r->cookie[0][0] == '\0' && r->cookie[1][0] == '\0') {
		/* The usual case: one response per page and thread, reused
		 * (no copy, no headers built per request). */
		r->resp = web_file_response(path, ARCHIVE_FILE_MAX,
		    r->cacheable | (r->disposition[0] != '\0') << 1,
		    server_response_new, server_response_drop, r);
		data = r->resp ? "" : NULL;
	} else if ((data = web_file_cached(path, ARCHIVE_FILE_MAX, &len))) {
		buf_reset(&r->out);
		if (buf_append(&r->out, data, len) == -1) {
			errno = EFBIG;
			data = NULL;
		}
	}
	xfree(path);
	if (data == NULL) {
		req_fail(r, errno == EFBIG ? ST_TOOBIG : ST_NOTFOUND,
		    "No such archive page.");
		r->disposition[0] = '\0';
		r->cacheable = 0;
	}
}

/* Content type and disposition of rel by its name; a 200 answer. */
static void
set_kind(struct req *r, const char *rel)
{
	const struct ctype_row *ct = ctype_of(rel);

	r->ctype = ct ? ct->ctype : "application/octet-stream";
	if (ct == NULL || !ct->inline_ok)
		snprintf(r->disposition, sizeof(r->disposition), "attachment");
	r->cacheable = r->l.archive_public;
	r->http = 200;
}

/* An attachment, decoded from the archived message it belongs to (the page
 * cache keeps no attachment files). */
static void
serve_attachment(struct req *r, const char *rel)
{
	char *data = NULL;
	size_t len = 0;
	enum status st;

	st = archive_attachment_get(r->ds, &r->l, rel, &data, &len);
	if (st == ST_OK && len > ARCHIVE_FILE_MAX)
		st = ST_TOOBIG;
	buf_reset(&r->out);
	if (st == ST_OK && buf_append(&r->out, data, len) == -1)
		st = ST_TOOBIG;
	xfree(data);
	if (st != ST_OK) {
		req_fail(r, st, st == ST_NOTFOUND || st == ST_TOOBIG ?
		    "No such attachment." : "The archive is busy; try again.");
		return;
	}
	set_kind(r, rel);
}

static int
search_hit(const struct arc_msg *m, const char *snippet, void *arg)
{
	struct hits *h = arg;
	xmlNodePtr li = html_el(h->el, "li", NULL);
	char href[300], when[40];

	snprintf(href, sizeof(href), "/d/%s/archive/%s/m/%.*s.html",
	    h->r->d.slug, h->r->l.name, HASH_IN_NAME, m->hash);
	html_link(li, href, m->subject[0] ? m->subject : "(no subject)");
	web_time(m->date, when, sizeof(when));
	html_el(li, "div", when);
	html_el(li, "div", m->author_name[0] ? m->author_name : m->author_addr);
	html_el(li, "p", snippet);
	h->n++;
	return 0;
}

void
page_archive_search(struct req *r)
{
	const char *q = req_query(r, "q");
	struct hits h = { r, NULL, 0 };
	xmlNodePtr main, f;
	char title[300];
	char *fts = NULL;
	xmlDocPtr doc;

	snprintf(title, sizeof(title), "Search the archive of %s@%s",
	    r->l.name, r->d.domain);
	doc = page_new(r, title, &main);
	f = html_el(main, "form", NULL);
	html_attr(f, "method", "get");
	html_attr(f, "class", "row");
	form_input(f, "Words", "search", "q", q && strlen(q) < 500 ? q : "");
	form_button(f, "Search", NULL, NULL);
	if (q && strlen(q) < 500 && model_text_valid(q, 500, 0) &&
	    (fts = archive_search_query(q)) != NULL) {
		h.el = html_el(main, "ol", NULL);
		if (store_archive_search(r->ds, r->l.id, fts, SEARCH_HITS,
		    search_hit, &h) != ST_OK || h.n == 0)
			html_el(main, "p", "Nothing found.");
	} else if (q && *q)
		html_el(main, "p", "Type one or more words (at most 500 "
		    "characters).");
	xfree(fts);
	page_end(r, doc);
}

/* The archive's stylesheet with the district's branding over it: its
 * colours, and a header band with its logo and display name (the archive's
 * pages are static files shared with plain-file serving, so the header is
 * drawn by this stylesheet, never written into them; no script). */
void
page_archive_style(struct req *r)
{
	struct brand b;
	char *css, *path;
	size_t len = 0;

	web_brand_load(r, &b);
	path = xasprintf("%s/html/style.css", store_dir(r->ds));
	css = web_file_read(path, 1 << 20, &len);
	xfree(path);
	if (css)
		buf_append(&r->out, css, len);
	xfree(css);
	buf_printf(&r->out, "\nbody{background:%s}a{color:%s}nav{border-bottom:"
	    "4px solid %s;padding:.4em 0}\n", b.background, b.accent, b.accent);
	web_brand_header_css(&r->out, r->d.name, &b);
	r->ctype = "text/css; charset=utf-8";
	r->cacheable = 1;
	r->http = 200;
}

void
page_archive_home(struct req *r)
{
	req_redirect(r, "/d/%s/", r->d.slug);
}
