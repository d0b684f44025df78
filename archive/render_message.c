/* render_message.c - one message's page: From, Date, Subject, the body
 * (text, or HTML through the sanitiser unless the list shows HTML as
 * text), attachments as download links, previous/next in thread and by
 * date. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "archive/mailtext.h"
#include "archive/render_message.h"
#include "archive/sanitize.h"
#include "core/html.h"
#include "core/log.h"
#include "core/msgstore.h"
#include "core/spool.h"
#include "core/xmem.h"

#define RAW_MAX	(256 * 1024 * 1024)

static const char *safe_ext[] = { "txt", "pdf", "png", "jpg", "jpeg", "gif",
	"zip", "gz", "tgz", "bz2", "xz", "patch", "diff", "csv", "doc",
	"docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "mp3",
	"mp4", "wav", "ogg", "log", "asc", "sig", "p7s", "ics", "vcf", "bin",
	"tar", "7z", "rtf", "eml", NULL };

static void	nav_links(struct render_ctx *, xmlNodePtr,
		    const struct arc_msg *);
static void	body(struct render_ctx *, xmlNodePtr, const struct mail_view *);
static void	attachments(struct render_ctx *, xmlNodePtr,
		    const struct arc_msg *, const struct mail_view *);

void
render_attach_name(const char *fn, int n, char *out, size_t out_len)
{
	char name[64];
	size_t o = 0;
	const char *dot;
	int ext_ok = 0;

	while (*fn == '.' || *fn == ' ')
		fn++;
	for (const char *p = fn; *p && o + 1 < sizeof(name); p++)
		name[o++] = isalnum((unsigned char)*p) || *p == '.' ||
		    *p == '-' || *p == '_' ? *p : '_';
	name[o] = '\0';
	if (o == 0)
		snprintf(name, sizeof(name), "attachment");
	if ((dot = strrchr(name, '.')) != NULL)
		for (int i = 0; safe_ext[i]; i++)
			if (strcasecmp(dot + 1, safe_ext[i]) == 0)
				ext_ok = 1;
	snprintf(out, out_len, "%d-%s%s", n, name, ext_ok ? "" : ".bin");
}

static void
step_link(struct render_ctx *r, xmlNodePtr nav, const struct arc_msg *m,
    int64_t thread, int dir, const char *label)
{
	struct arc_msg other;
	char href[80];
	int64_t id;

	if (store_archive_msg_step(r->s, m, thread, dir, &id) != ST_OK ||
	    id == 0 || store_archive_msg_get(r->s, id, &other) != ST_OK)
		return;
	href[0] = '.', href[1] = '.', href[2] = '/';
	render_msg_name(other.hash, href + 3, sizeof(href) - 3);
	html_link(nav, href, label);
}

static void
nav_links(struct render_ctx *r, xmlNodePtr main, const struct arc_msg *m)
{
	xmlNodePtr nav = html_el(main, "nav", NULL);
	char href[80];

	step_link(r, nav, m, m->thread, -1, "previous in thread");
	step_link(r, nav, m, m->thread, 1, "next in thread");
	step_link(r, nav, m, 0, -1, "previous by date");
	step_link(r, nav, m, 0, 1, "next by date");
	snprintf(href, sizeof(href), "../t/%lld.html", (long long)m->thread);
	html_link(nav, href, "whole thread");
	snprintf(href, sizeof(href), "../%s/date.html", m->month);
	html_link(nav, href, m->month);
}

static void
body(struct render_ctx *r, xmlNodePtr main, const struct mail_view *mv)
{
	xmlNodePtr div = html_el(main, "div", NULL);

	html_attr(div, "class", "body");
	for (int i = 0; i < mv->n_pieces; i++) {
		const struct mail_piece *p = &mv->pieces[i];

		if (p->kind == PIECE_TEXT)
			render_body_text(r, div, p->text, p->len, 0);
		else if (r->html_as_text) {
			size_t n;
			char *t = sanitize_html_text(p->text, p->len, &n);

			render_body_text(r, div, t, n, 0);
			xfree(t);
		} else
			sanitize_html(html_el(div, "div", NULL), p->text, p->len);
	}
}

static void
attachments(struct render_ctx *r, xmlNodePtr main, const struct arc_msg *m,
    const struct mail_view *mv)
{
	char *dir, name[96], rel[200];
	xmlNodePtr ul;

	if (mv->n_att == 0)
		return;
	dir = xasprintf("%s/att/%.*s", r->dir, RENDER_NAME_LEN, m->hash);
	html_el(main, "h2", "Attachments");
	ul = html_el(main, "ul", NULL);
	if (r->write_att && spool_mkdirs(dir) == -1)
		log_warn("archive mkdir path=%s", dir);
	for (int i = 0; i < mv->n_att; i++) {
		char *data, label[400];
		size_t len;
		xmlNodePtr li = html_el(ul, "li", NULL);

		render_attach_name(mv->att[i].filename, i + 1, name,
		    sizeof(name));
		if (mailtext_att_data(&mv->att[i], &data, &len) != ST_OK ||
		    (r->write_att &&
		    render_write_page(dir, name, data, len) != ST_OK)) {
			html_text(li, "(unreadable attachment)", 23);
			xfree(data);
			continue;
		}
		xfree(data);
		snprintf(rel, sizeof(rel), "../att/%.*s/%s", RENDER_NAME_LEN,
		    m->hash, name);
		snprintf(label, sizeof(label), "%s (%s, %zu bytes)",
		    mv->att[i].filename[0] ? mv->att[i].filename : name,
		    mv->att[i].ctype, len);
		html_attr(html_link(li, rel, label), "download", name);
	}
	xfree(dir);
}

static void
headers(struct render_ctx *r, xmlNodePtr main, const struct arc_msg *m)
{
	xmlNodePtr table = html_el(main, "table", NULL), tr;
	char when[40];

	html_attr(table, "class", "meta");
	tr = html_el(table, "tr", NULL);
	html_el(tr, "th", "From");
	render_author(r, html_el(tr, "td", NULL), m->author_name,
	    m->author_addr);
	tr = html_el(table, "tr", NULL);
	html_el(tr, "th", "Date");
	render_date(m->date, when, sizeof(when));
	html_el(tr, "td", when);
	tr = html_el(table, "tr", NULL);
	html_el(tr, "th", "Subject");
	html_el(tr, "td", render_subject(m));
}

/* The page of message id. A message stored body_only (one text part, no
 * attachment) is rendered from its stored text, the same bytes its one
 * part gives: no raw read, no MIME parse. */
enum status
render_message(struct render_ctx *r, int64_t id)
{
	struct arc_msg m;
	struct mail_view mv;
	char *raw = NULL, *text = NULL, rel[80];
	size_t len;
	xmlDocPtr doc;
	xmlNodePtr main;
	enum status st;

	memset(&mv, 0, sizeof(mv));
	if ((st = store_archive_msg_get(r->s, id, &m)) != ST_OK)
		goto out;
	if ((st = store_archive_msg_page_text(r->s, id, &text)) == ST_OK) {
		mv.n_pieces = 1;
		mv.pieces[0].kind = PIECE_TEXT;
		mv.pieces[0].text = text;
		mv.pieces[0].len = strlen(text);
	} else if (st != ST_NOTFOUND ||
	    (st = msgstore_get(store_dir(r->s), m.hash, RAW_MAX, &raw, &len))
	    != ST_OK || (st = mailtext_parse(raw, len, &mv)) != ST_OK)
		goto out;
	doc = render_page(r, render_subject(&m), 1, &main);
	headers(r, main, &m);
	nav_links(r, main, &m);
	body(r, main, &mv);
	attachments(r, main, &m, &mv);
	render_msg_name(m.hash, rel, sizeof(rel));
	st = render_write(r, rel, doc);
out:
	mailtext_free(&mv);	/* frees text too, as its one piece */
	xfree(raw);
	return st;
}

/* The navigation bar of m's page, serialised as render_message writes it
 * (into r->out). */
static enum status
nav_bytes(struct render_ctx *r, const struct arc_msg *m)
{
	xmlNodePtr body, main;
	xmlDocPtr doc = html_doc_new(NULL, NULL, &body);
	enum status st;

	main = html_el(body, "main", NULL);
	nav_links(r, main, m);
	buf_reset(&r->out);
	st = html_serialize_node(main->children, &r->out);
	xmlFreeDoc(doc);
	return st;
}

enum status
render_message_relink(struct render_ctx *r, int64_t id)
{
	static const char open_tag[] = "</table><nav>", close_tag[] = "</nav>";
	struct arc_msg m;
	struct buf page;
	char rel[80], *path, *old = NULL, *nav, *end;
	size_t len;
	enum status st;

	if ((st = store_archive_msg_get(r->s, id, &m)) != ST_OK)
		return st;
	render_msg_name(m.hash, rel, sizeof(rel));
	path = xasprintf("%s/%s", r->dir, rel);
	st = spool_read_file(path, RENDER_PAGE_MAX, &old, &len);
	xfree(path);
	/* Header text before the bar is escaped: no "<" in it, so the first
	 * "</table><nav>" opens the bar, and the bar holds no other nav. */
	if (st != ST_OK || (nav = strstr(old, open_tag)) == NULL ||
	    (end = strstr(nav, close_tag)) == NULL) {
		xfree(old);
		return render_message(r, id);
	}
	nav += sizeof(open_tag) - 1 - (sizeof("<nav>") - 1);
	end += sizeof(close_tag) - 1;
	if ((st = nav_bytes(r, &m)) == ST_OK) {
		buf_init(&page, RENDER_PAGE_MAX);
		buf_append(&page, old, (size_t)(nav - old));
		buf_append(&page, r->out.data, r->out.len);
		buf_append(&page, end, len - (size_t)(end - old));
		st = render_write_page(r->dir, rel, page.data, page.len);
		buf_release(&page);
	}
	xfree(old);
	return st;
}
