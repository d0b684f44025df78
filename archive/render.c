/* render.c - shared pieces of the archive pages: output directory, page
 * frame, atomic writes, authors, dates and body text with folded quotes.
 * Markup only through core/html.c. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "archive/render.h"
#include "core/html.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/spool.h"
#include "core/xmem.h"

#define STYLE_CSS \
	"body{font-family:system-ui,sans-serif;margin:0 auto;max-width:52em;" \
	"padding:0 .8em;line-height:1.45;color:#222}" \
	"pre{white-space:pre-wrap;word-wrap:break-word;font-size:.92em}" \
	"nav{margin:.6em 0;font-size:.95em}nav a{margin-right:.8em}" \
	"table{border-collapse:collapse;width:100%}td,th{padding:.2em .4em;" \
	"text-align:left;vertical-align:top}tr:nth-child(even){background:#f4f4f4}" \
	"ul.thread{padding-left:1em}ul.thread ul{padding-left:1.1em}" \
	"article{border-top:1px solid #ccc;padding:.4em 0}" \
	"details{color:#666}.meta{color:#555;font-size:.9em}" \
	"img{max-width:100%}@media(max-width:40em){td.d{display:none}}\n"

static void	 text_block(struct render_ctx *, xmlNodePtr, const char *,
		    size_t);
static char	*obfuscate(const char *, size_t, size_t *);

static int
render_subdirs(struct render_ctx *r)
{
	char *m = xasprintf("%s/m", r->dir), *t = xasprintf("%s/t", r->dir);
	int rc = spool_mkdirs(m) == -1 || spool_mkdirs(t) == -1 ? -1 : 0;

	xfree(m);
	xfree(t);
	return rc;
}

enum status
render_open(struct render_ctx *r, struct store *s, const struct list *l)
{
	char *root = xasprintf("%s/html", store_dir(s));
	enum status st = render_open_at(r, s, l, root);

	r->write_att = 0;
	xfree(root);
	return st;
}

enum status
render_open_at(struct render_ctx *r, struct store *s, const struct list *l,
    const char *root)
{
	char *css;
	enum status st = ST_OK;

	memset(r, 0, sizeof(*r));
	r->s = s;
	r->l = l;
	r->is_public = l->archive_public;
	r->write_att = 1;
	r->root = xstrdup(root);
	r->dir = xasprintf("%s/%s", r->root, l->name);
	buf_init(&r->out, RENDER_PAGE_MAX);
	if (spool_mkdirs(r->dir) == -1 || render_subdirs(r) == -1) {
		log_warn("archive mkdir district=%s list=%s", store_slug(s),
		    l->name);
		return ST_TEMP;
	}
	/* One snapshot for all the pages: no lock per statement. */
	r->in_read_txn = store_read_begin(s) == ST_OK;
	if (store_archive_html_as_text(s, l->id, &r->html_as_text) != ST_OK)
		return ST_TEMP;
	css = xasprintf("%s/style.css", r->root);
	if (access(css, F_OK) == -1)
		st = render_write_bytes(r->root, "style.css", STYLE_CSS,
		    strlen(STYLE_CSS));
	xfree(css);
	return st;
}

void
render_snapshot(struct render_ctx *r)
{
	if (!r->in_read_txn)
		r->in_read_txn = store_read_begin(r->s) == ST_OK;
}

int
render_last_in_month(struct render_ctx *r, const struct arc_msg *m)
{
	struct arc_msg next;
	int64_t id;

	if (store_archive_msg_step(r->s, m, 0, 1, &id) != ST_OK)
		return 0;
	return id == 0 || (store_archive_msg_get(r->s, id, &next) == ST_OK &&
	    strcmp(next.month, m->month) != 0);
}

void
render_close(struct render_ctx *r)
{
	if (r->in_read_txn)
		store_read_end(r->s);
	xfree(r->root);
	xfree(r->dir);
	buf_release(&r->out);
	memset(r, 0, sizeof(*r));
}

xmlDocPtr
render_page(struct render_ctx *r, const char *title, int depth,
    xmlNodePtr *main)
{
	char up[64] = "", href[80];
	xmlDocPtr doc;
	xmlNodePtr body, nav;

	for (int i = 0; i < depth && i < 8; i++)
		memcpy(up + i * 3, "../", 4);
	snprintf(href, sizeof(href), "%s../style.css", up);
	doc = html_doc_new(title, href, &body);
	nav = html_el(body, "nav", NULL);
	snprintf(href, sizeof(href), "%s../index.html", up);
	html_link(nav, href, "All lists");
	snprintf(href, sizeof(href), "%sindex.html", up);
	html_link(nav, href, r->l->name);
	snprintf(href, sizeof(href), "%sfeed.atom", up);
	html_link(nav, href, "Feed");
	*main = html_el(body, "main", NULL);
	html_el(*main, "h1", title);
	return doc;
}

enum status
render_write_bytes(const char *dir, const char *relpath, const char *data,
    size_t len)
{
	char *path = xasprintf("%s/%s", dir, relpath);
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	enum status st = ST_TEMP;
	ssize_t n;
	size_t off = 0;
	int fd;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640))
	    == -1)
		goto out;
	while (off < len && (n = write(fd, data + off, len - off)) > 0)
		off += (size_t)n;
	if (close(fd) == -1 || off != len || rename(tmp, path) == -1) {
		st = errno == ENOSPC ? ST_NOSPACE : ST_TEMP;
		unlink(tmp);
		goto out;
	}
	st = ST_OK;
out:
	if (st != ST_OK)
		log_warn("archive write path=%s", path);
	xfree(tmp);
	xfree(path);
	return st;
}

/* Whether path already holds exactly data[0..len). */
static int
same_bytes(const char *path, const char *data, size_t len)
{
	char chunk[16384];
	struct stat sb;
	size_t off = 0;
	ssize_t n;
	int fd, same = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	if (fstat(fd, &sb) == -1 || (size_t)sb.st_size != len)
		goto out;
	while (off < len && (n = read(fd, chunk, sizeof(chunk))) > 0 &&
	    (size_t)n <= len - off && memcmp(chunk, data + off, (size_t)n) == 0)
		off += (size_t)n;
	same = off == len;
out:
	close(fd);
	return same;
}

/* A new page is created in place with one write(): no temporary file, no
 * rename (it is a cache; a crash mid-write leaves a page the next render
 * replaces, since its bytes differ). */
static enum status
write_new(const char *path, const char *data, size_t len)
{
	ssize_t n;
	size_t off = 0;
	int fd, saved;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640))
	    == -1)
		return errno == EEXIST ? ST_EXISTS : ST_TEMP;
	while (off < len && (n = write(fd, data + off, len - off)) > 0)
		off += (size_t)n;
	saved = errno;
	if (close(fd) == -1 || off != len) {
		saved = off != len ? saved : errno;
		unlink(path);
		errno = saved;
		return errno == ENOSPC ? ST_NOSPACE : ST_TEMP;
	}
	return ST_OK;
}

enum status
render_write_page(const char *dir, const char *relpath, const char *data,
    size_t len)
{
	char *path = xasprintf("%s/%s", dir, relpath);
	enum status st;

	metrics_page_rendered();
	st = write_new(path, data, len);
	if (st == ST_EXISTS)
		st = same_bytes(path, data, len) ? ST_OK :
		    render_write_bytes(dir, relpath, data, len);
	else if (st != ST_OK)
		log_warn("archive write path=%s", path);
	xfree(path);
	return st;
}

enum status
render_write(struct render_ctx *r, const char *relpath, xmlDocPtr doc)
{
	enum status st;

	buf_reset(&r->out);
	st = html_serialize(doc, &r->out);
	xmlFreeDoc(doc);
	if (st != ST_OK)
		return st;
	return render_write_page(r->dir, relpath, r->out.data ? r->out.data :
	    "", r->out.len);
}

/* Copy of s with every "@" between address characters shown as " (at) ". */
static char *
obfuscate(const char *s, size_t len, size_t *out_len)
{
	struct buf b;
	size_t start = 0;

	buf_init(&b, len * 6 + 16);
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '@' || i == 0 || i + 1 == len ||
		    s[i - 1] == ' ' || s[i + 1] == ' ' || s[i - 1] == '\n' ||
		    s[i + 1] == '\n')
			continue;
		buf_append(&b, s + start, i - start);
		buf_append_str(&b, " (at) ");
		start = i + 1;
	}
	buf_append(&b, s + start, len - start);
	*out_len = b.len;
	return buf_steal(&b);
}

void
render_author(struct render_ctx *r, xmlNodePtr parent, const char *name,
    const char *addr)
{
	char line[ARC_NAME_MAX + ADDR_MAX + 8], *shown;
	size_t n;

	if (*name && *addr)
		snprintf(line, sizeof(line), "%s <%s>", name, addr);
	else
		snprintf(line, sizeof(line), "%s", *name ? name : *addr ? addr :
		    "(unknown sender)");
	if (!r->is_public) {
		html_text(parent, line, strlen(line));
		return;
	}
	shown = obfuscate(line, strlen(line), &n);
	html_text(parent, shown, n);
	xfree(shown);
}

static void
text_block(struct render_ctx *r, xmlNodePtr parent, const char *s,
    size_t len)
{
	xmlNodePtr pre = html_el(parent, "pre", NULL);
	char *shown;
	size_t n;

	if (!r->is_public) {
		html_text(pre, s, len);
		return;
	}
	shown = obfuscate(s, len, &n);
	html_text(pre, shown, n);
	xfree(shown);
}

void
render_body_text(struct render_ctx *r, xmlNodePtr parent, const char *text,
    size_t len, int fold)
{
	size_t start = 0, i = 0, qstart = 0;
	int in_quote = 0;

	if (!fold) {
		text_block(r, parent, text, len);
		return;
	}
	while (i < len) {
		size_t eol = i;
		int quoted = text[i] == '>';

		while (eol < len && text[eol] != '\n')
			eol++;
		if (quoted && !in_quote) {
			if (i > start)
				text_block(r, parent, text + start, i - start);
			qstart = i;
			in_quote = 1;
		} else if (!quoted && in_quote) {
			xmlNodePtr d = html_el(parent, "details", NULL);

			html_el(d, "summary", "quoted text");
			text_block(r, d, text + qstart, i - qstart);
			start = i;
			in_quote = 0;
		}
		i = eol < len ? eol + 1 : len;
	}
	if (in_quote) {
		xmlNodePtr d = html_el(parent, "details", NULL);

		html_el(d, "summary", "quoted text");
		text_block(r, d, text + qstart, len - qstart);
	} else if (len > start)
		text_block(r, parent, text + start, len - start);
}

void
render_date(int64_t t, char *out, size_t out_len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL)
		snprintf(out, out_len, "?");
	else
		strftime(out, out_len, "%Y-%m-%d %H:%M UTC", &tm);
}

void
render_msg_name(const char *hash, char *out, size_t out_len)
{
	snprintf(out, out_len, "m/%.*s.html", RENDER_NAME_LEN, hash);
}

const char *
render_subject(const struct arc_msg *m)
{
	return m->subject[0] ? m->subject : "(no subject)";
}
