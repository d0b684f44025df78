/* render_feed.c - the Atom feed (an XML tree through core/html.c, so mail
 * text is escaped by construction) and monthly mboxrd downloads made from
 * the raw messages in messages/. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "archive/render_feed.h"
#include "core/html.h"
#include "core/log.h"
#include "core/msgstore.h"
#include "core/xmem.h"

#define ATOM_NS		"http://www.w3.org/2005/Atom"
#define SUMMARY_MAX	400
#define RAW_MAX		(256 * 1024 * 1024)

struct feed_ctx {
	struct render_ctx	*r;
	xmlNodePtr		 root;
	int			 n;
};

struct mbox_ctx {
	struct render_ctx	*r;
	struct buf		 b;
	enum status		 st;
};

static void
rfc3339(int64_t t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL)
		snprintf(out, len, "1970-01-01T00:00:00Z");
	else
		strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
feed_entry(const struct arc_msg *m, void *ctx)
{
	struct feed_ctx *fc = ctx;
	xmlNodePtr e = html_el(fc->root, "entry", NULL), a, link;
	char when[32], id[128], href[80], *body = NULL;
	size_t n;

	if (fc->n++ == 0) {
		rfc3339(m->date, when, sizeof(when));
		html_el(fc->root, "updated", when);
	}
	html_el(e, "title", render_subject(m));
	snprintf(id, sizeof(id), "urn:listd:%s:%s:%.*s", store_slug(fc->r->s),
	    fc->r->l->name, RENDER_NAME_LEN, m->hash);
	html_el(e, "id", id);
	rfc3339(m->date, when, sizeof(when));
	html_el(e, "updated", when);
	a = html_el(e, "author", NULL);
	html_el(a, "name", m->author_name[0] ? m->author_name : "(unknown)");
	render_msg_name(m->hash, href, sizeof(href));
	link = html_link(e, href, NULL);
	xmlNodeSetName(link, BAD_CAST "link");
	if (store_archive_msg_body(fc->r->s, m->id, &body) == ST_OK) {
		n = strlen(body);
		while (n > SUMMARY_MAX)	/* cut on a character boundary */
			for (n = SUMMARY_MAX; n > 0 &&
			    ((unsigned char)body[n] & 0xc0) == 0x80; n--)
				;
		body[n] = '\0';
		html_el(e, "summary", body);
	}
	xfree(body);
	return 0;
}

enum status
render_feed(struct render_ctx *r)
{
	struct feed_ctx fc = { .r = r };
	char id[128];
	xmlDocPtr doc = html_xml_doc_new("feed", ATOM_NS, &fc.root);
	enum status st;

	html_el(fc.root, "title", r->l->name);
	snprintf(id, sizeof(id), "urn:listd:%s:%s", store_slug(r->s),
	    r->l->name);
	html_el(fc.root, "id", id);
	if ((st = store_archive_each_recent(r->s, r->l->id, RENDER_FEED_ENTRIES,
	    feed_entry, &fc)) != ST_OK) {
		xmlFreeDoc(doc);
		return st;
	}
	if (fc.n == 0)
		html_el(fc.root, "updated", "1970-01-01T00:00:00Z");
	return render_write(r, "feed.atom", doc);
}

/* Append one message in mboxrd form: From_ line, body lines matching
 * ^>*From  get one more '>', a blank line after. */
static enum status
mbox_append(struct render_ctx *r, struct buf *b, const struct arc_msg *m)
{
	char *raw = NULL, date[40];
	size_t len, start = 0, run = 0;
	time_t t = (time_t)m->date;
	struct tm tm;
	enum status st;

	if ((st = msgstore_get(store_dir(r->s), m->hash, RAW_MAX, &raw, &len))
	    != ST_OK)
		return st;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm) == 0)
		snprintf(date, sizeof(date), "Thu Jan  1 00:00:00 1970");
	buf_printf(b, "From %s %s\n", strchr(m->author_addr, ' ') ||
	    !m->author_addr[0] ? "MAILER-DAEMON" : m->author_addr, date);
	/* Lines are copied in runs; a run ends before a line to quote. */
	while (start < len) {
		const char *nl = memchr(raw + start, '\n', len - start);
		size_t eol = nl ? (size_t)(nl - raw) : len, q = start;

		while (q < eol && raw[q] == '>')
			q++;
		if (eol - q >= 5 && memcmp(raw + q, "From ", 5) == 0) {
			buf_append(b, raw + run, start - run);
			buf_append(b, ">", 1);
			run = start;
		}
		start = eol + 1;
	}
	buf_append(b, raw + run, len - run);
	if (len > 0 && raw[len - 1] != '\n')
		buf_append(b, "\n", 1);
	buf_append(b, "\n", 1);
	xfree(raw);
	return b->overflow ? ST_TOOBIG : ST_OK;
}

static int
mbox_msg(const struct arc_msg *m, void *ctx)
{
	struct mbox_ctx *mc = ctx;

	mc->st = mbox_append(mc->r, &mc->b, m);
	return mc->st != ST_OK;
}

enum status
render_mbox(struct render_ctx *r, const char *month)
{
	struct mbox_ctx mc = { .r = r, .st = ST_OK };
	char rel[40];
	enum status st;

	buf_init(&mc.b, (size_t)4 << 30);
	st = store_archive_each_in_month(r->s, r->l->id, month, mbox_msg,
	    &mc);
	if (st == ST_OK)
		st = mc.st;
	snprintf(rel, sizeof(rel), "%s/%s.mbox", month, month);
	if (st == ST_OK)
		st = render_write_page(r->dir, rel, mc.b.data ? mc.b.data : "",
		    mc.b.len);
	buf_release(&mc.b);
	return st;
}

enum status
render_mbox_add(struct render_ctx *r, const struct arc_msg *m, int last)
{
	struct buf b;
	char *path;
	enum status st;
	int fd;

	if (!last)
		return render_mbox(r, m->month);	/* not the newest */
	path = xasprintf("%s/%s/%s.mbox", r->dir, m->month, m->month);
	buf_init(&b, RAW_MAX * 2);
	if ((st = mbox_append(r, &b, m)) == ST_OK) {
		if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		    0640)) == -1 || write(fd, b.data, b.len) != (ssize_t)b.len)
			st = ST_TEMP;
		if (fd != -1 && close(fd) == -1)
			st = ST_TEMP;
	}
	if (st == ST_TEMP)
		log_warn("archive mbox append path=%s", path);
	buf_release(&b);
	xfree(path);
	return st;
}
