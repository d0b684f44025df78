/* render_index.c - archive home, list index and the two month views. All
 * built from district.db alone (no raw message is read here). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/render_index.h"
#include "core/html.h"
#include "core/log.h"
#include "core/spool.h"
#include "core/xmem.h"

struct month_ctx {
	struct render_ctx	*r;
	xmlNodePtr		 parent;
	xmlNodePtr		 group;
	int64_t			 thread;
	int			 by_thread;
};

static int
home_row(const char *name, const char *desc, int64_t n, int64_t last,
    void *ctx)
{
	xmlNodePtr tbody = ctx, tr = html_el(tbody, "tr", NULL);
	char href[LIST_NAME_MAX + 16], num[32], when[40] = "";

	snprintf(href, sizeof(href), "%s/index.html", name);
	html_link(html_el(tr, "td", NULL), href, name);
	html_el(tr, "td", desc);
	snprintf(num, sizeof(num), "%lld", (long long)n);
	html_el(tr, "td", num);
	if (last)
		render_date(last, when, sizeof(when));
	html_el(tr, "td", when);
	return 0;
}

enum status
render_home(struct render_ctx *r)
{
	xmlNodePtr body, main, table, tr;
	xmlDocPtr doc = html_doc_new("Mailing list archives", "style.css",
	    &body);
	enum status st;

	main = html_el(body, "main", NULL);
	html_el(main, "h1", "Mailing list archives");
	table = html_el(main, "table", NULL);
	tr = html_el(table, "tr", NULL);
	html_el(tr, "th", "List");
	html_el(tr, "th", "Description");
	html_el(tr, "th", "Messages");
	html_el(tr, "th", "Latest");
	if ((st = store_archive_each_list(r->s, home_row, table)) != ST_OK) {
		xmlFreeDoc(doc);
		return st;
	}
	buf_reset(&r->out);
	st = html_serialize(doc, &r->out);
	xmlFreeDoc(doc);
	return st == ST_OK ? render_write_page(r->root, "index.html",
	    r->out.data ? r->out.data : "", r->out.len) : st;
}

static int
month_row(const char *month, int64_t n, void *ctx)
{
	struct month_ctx *mc = ctx;
	xmlNodePtr tr = html_el(mc->parent, "tr", NULL), td;
	char href[64], num[32];

	html_el(tr, "td", month);
	snprintf(num, sizeof(num), "%lld", (long long)n);
	html_el(tr, "td", num);
	td = html_el(tr, "td", NULL);
	snprintf(href, sizeof(href), "%s/thread.html", month);
	html_link(td, href, "by thread");
	html_text(td, " \xc2\xb7 ", 4);
	snprintf(href, sizeof(href), "%s/date.html", month);
	html_link(td, href, "by date");
	html_text(td, " \xc2\xb7 ", 4);
	snprintf(href, sizeof(href), "%s/%s.mbox", month, month);
	html_link(td, href, "mbox");
	return 0;
}

enum status
render_list_index(struct render_ctx *r)
{
	struct month_ctx mc = { .r = r };
	xmlNodePtr main, tr;
	xmlDocPtr doc;
	enum status st;

	doc = render_page(r, r->l->name, 0, &main);
	if (r->l->description[0])
		html_el(main, "p", r->l->description);
	mc.parent = html_el(main, "table", NULL);
	tr = html_el(mc.parent, "tr", NULL);
	html_el(tr, "th", "Month");
	html_el(tr, "th", "Messages");
	html_el(tr, "th", "View");
	if ((st = store_archive_each_month(r->s, r->l->id, month_row, &mc))
	    != ST_OK) {
		xmlFreeDoc(doc);
		return st;
	}
	return render_write(r, "index.html", doc);
}

static void
msg_line(struct month_ctx *mc, xmlNodePtr li, const struct arc_msg *m)
{
	char href[80], when[40];

	href[0] = '.', href[1] = '.', href[2] = '/';
	render_msg_name(m->hash, href + 3, sizeof(href) - 3);
	html_link(li, href, render_subject(m));
	html_text(li, " \xe2\x80\x94 ", 5);
	render_author(mc->r, li, m->author_name, "");
	render_date(m->date, when, sizeof(when));
	html_text(li, ", ", 2);
	html_text(li, when, strlen(when));
}

/* The month's messages by date, read once for both month views. */
struct month_rows {
	struct arc_msg	*v;
	int		 n;
	int		 cap;
};

/* A row's place in the by-thread order. */
struct thread_key {
	int64_t	first;		/* date of its thread's first row */
	int64_t	thread;
	int	pos;		/* index in date order */
};

static int
collect_row(const struct arc_msg *m, void *ctx)
{
	struct month_rows *mr = ctx;

	if (mr->n == mr->cap) {
		mr->cap = mr->cap ? mr->cap * 2 : 128;
		mr->v = xrealloc(mr->v, sizeof(*mr->v) * (size_t)mr->cap);
	}
	mr->v[mr->n++] = *m;
	return 0;
}

/* By thread, then date order (pos) inside it. */
static int
cmp_thread(const void *a, const void *b)
{
	const struct thread_key *x = a, *y = b;

	if (x->thread != y->thread)
		return x->thread < y->thread ? -1 : 1;
	return x->pos - y->pos;
}

/* Threads by their first message, then thread id, then date order. Rows
 * are in (date, id) order, so pos breaks ties between equal dates as id
 * does. */
static int
cmp_first(const void *a, const void *b)
{
	const struct thread_key *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return cmp_thread(a, b);
}

/* Indexes of mr's rows in by-thread order. Caller frees with xfree(). */
static int *
thread_order(const struct month_rows *mr)
{
	struct thread_key *k = xcalloc((size_t)mr->n + 1, sizeof(*k));
	int *ix = xcalloc((size_t)mr->n + 1, sizeof(*ix));

	for (int i = 0; i < mr->n; i++) {
		k[i].thread = mr->v[i].thread;
		k[i].pos = i;
	}
	qsort(k, (size_t)mr->n, sizeof(*k), cmp_thread);
	for (int i = 0; i < mr->n; i++)
		k[i].first = i > 0 && k[i].thread == k[i - 1].thread ?
		    k[i - 1].first : mr->v[k[i].pos].date;
	qsort(k, (size_t)mr->n, sizeof(*k), cmp_first);
	for (int i = 0; i < mr->n; i++)
		ix[i] = k[i].pos;
	xfree(k);
	return ix;
}

static void
month_msg(struct month_ctx *mc, const struct arc_msg *m)
{
	char href[64];

	if (!mc->by_thread) {
		msg_line(mc, html_el(mc->parent, "li", NULL), m);
		return;
	}
	if (mc->group == NULL || m->thread != mc->thread) {
		xmlNodePtr li = html_el(mc->parent, "li", NULL);

		snprintf(href, sizeof(href), "../t/%lld.html",
		    (long long)m->thread);
		html_link(html_el(li, "strong", NULL), href, render_subject(m));
		mc->group = html_el(li, "ul", NULL);
		mc->thread = m->thread;
	}
	msg_line(mc, html_el(mc->group, "li", NULL), m);
}

/* One month view of rows, in the order of ix (NULL: date order). */
static enum status
month_page(struct render_ctx *r, const char *month,
    const struct month_rows *mr, const int *ix)
{
	int by_thread = ix != NULL;
	struct month_ctx mc = { .r = r, .by_thread = by_thread };
	char title[LIST_NAME_MAX + 40], rel[40], other[32];
	xmlNodePtr main, p;
	xmlDocPtr doc;

	snprintf(title, sizeof(title), "%s, %s, by %s", r->l->name, month,
	    by_thread ? "thread" : "date");
	doc = render_page(r, title, 1, &main);
	p = html_el(main, "p", NULL);
	snprintf(other, sizeof(other), "%s.html", by_thread ? "date" :
	    "thread");
	html_link(p, other, by_thread ? "by date" : "by thread");
	mc.parent = html_el(main, by_thread ? "ul" : "ol", NULL);
	for (int i = 0; i < mr->n; i++)
		month_msg(&mc, &mr->v[ix ? ix[i] : i]);
	snprintf(rel, sizeof(rel), "%s/%s.html", month, by_thread ? "thread" :
	    "date");
	return render_write(r, rel, doc);
}

/* Both views from one read of the month (by date); the by-thread order
 * is sorted here instead of by a second, grouped query. */
static enum status
month_pages(struct render_ctx *r, const char *month)
{
	struct month_rows mr = { 0 };
	int *ix = NULL;
	enum status st;

	if ((st = store_archive_each_in_month(r->s, r->l->id, month,
	    collect_row, &mr)) != ST_OK)
		goto out;
	ix = thread_order(&mr);
	if ((st = month_page(r, month, &mr, ix)) == ST_OK)
		st = month_page(r, month, &mr, NULL);
out:
	xfree(ix);
	xfree(mr.v);
	return st;
}

enum status
render_month(struct render_ctx *r, const char *month)
{
	char *dir = xasprintf("%s/%s", r->dir, month);
	enum status st = ST_OK;

	if (spool_mkdirs(dir) == -1) {
		log_warn("archive mkdir path=%s", dir);
		st = ST_TEMP;
	}
	xfree(dir);
	if (st == ST_OK)
		st = month_pages(r, month);
	return st;
}

/* Is m, the last message of its month, after another of the month and
 * not at the same second (a tie could order its thread's new group before
 * another in the by-thread view)? */
static int
after_the_rest(struct render_ctx *r, const struct arc_msg *m)
{
	struct arc_msg o;
	int64_t id;

	if (store_archive_msg_step(r->s, m, 0, -1, &id) != ST_OK || id == 0 ||
	    store_archive_msg_get(r->s, id, &o) != ST_OK)
		return 0;
	return strcmp(o.month, m->month) == 0 && o.date < m->date;
}

struct month_count {
	const char	*month;
	int64_t		 n;
};

static int
thread_month_count(const char *month, int64_t n, void *ctx)
{
	struct month_count *mc = ctx;

	if (strcmp(month, mc->month) == 0)
		mc->n = n;
	return 0;
}

/* Insert frag into page rel of r's list before the first "before" after
 * the first "anchor". ST_NOTFOUND when the page or either mark is
 * missing. */
static enum status
patch_page(struct render_ctx *r, const char *rel, const char *anchor,
    const char *before, const struct buf *frag)
{
	char *path = xasprintf("%s/%s", r->dir, rel), *old = NULL, *at, *pos;
	struct buf page;
	size_t len;
	enum status st;

	st = spool_read_file(path, RENDER_PAGE_MAX, &old, &len);
	xfree(path);
	if (st != ST_OK || (at = strstr(old, anchor)) == NULL ||
	    (pos = strstr(at, before)) == NULL) {
		xfree(old);
		return ST_NOTFOUND;
	}
	buf_init(&page, RENDER_PAGE_MAX);
	buf_append(&page, old, (size_t)(pos - old));
	buf_append(&page, frag->data, frag->len);
	buf_append(&page, pos, len - (size_t)(pos - old));
	st = page.overflow ? ST_TOOBIG : render_write_page(r->dir, rel,
	    page.data, page.len);
	buf_release(&page);
	xfree(old);
	return st;
}

/* m's row, and (new_group) its row inside a new thread group, serialised
 * alone as a full render would write them. */
static enum status
month_rows_alone(struct render_ctx *r, const struct arc_msg *m,
    int new_group, struct buf *row, struct buf *group)
{
	struct month_ctx mc = { .r = r };
	xmlNodePtr body, li;
	xmlDocPtr doc = html_doc_new("", "", &body);
	enum status st;

	li = html_el(body, "li", NULL);
	msg_line(&mc, li, m);
	st = html_serialize_node(li, row);
	if (st == ST_OK && new_group) {
		mc.by_thread = 1;
		mc.parent = body;
		month_msg(&mc, m);
		st = html_serialize_node(body->last, group);
	}
	xmlFreeDoc(doc);
	return st;
}

enum status
render_month_add(struct render_ctx *r, const struct arc_msg *m, int last)
{
	struct month_count tc = { .month = m->month };
	struct buf row, group;
	char rel[40], anchor[64];
	enum status st;

	if (!last || !after_the_rest(r, m) ||
	    store_archive_each_thread_month(r->s, m->thread,
	    thread_month_count, &tc) != ST_OK || tc.n < 1)
		return render_month(r, m->month);
	buf_init(&row, RENDER_PAGE_MAX);
	buf_init(&group, RENDER_PAGE_MAX);
	st = month_rows_alone(r, m, tc.n == 1, &row, &group);
	snprintf(rel, sizeof(rel), "%s/thread.html", m->month);
	if (st == ST_OK && tc.n == 1)
		st = patch_page(r, rel, "<main>", "</ul></main>", &group);
	else if (st == ST_OK) {
		snprintf(anchor, sizeof(anchor),
		    "<li><strong><a href=\"../t/%lld.html\">",
		    (long long)m->thread);
		st = patch_page(r, rel, anchor, "</ul></li>", &row);
	}
	snprintf(rel, sizeof(rel), "%s/date.html", m->month);
	if (st == ST_OK)
		st = patch_page(r, rel, "<main>", "</ol></main>", &row);
	buf_release(&row);
	buf_release(&group);
	return st == ST_NOTFOUND ? render_month(r, m->month) : st;
}
