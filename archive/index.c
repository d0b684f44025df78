/* index.c - one message into the archive index: GMime reading (mailtext),
 * JWZ placement (thread.c), metadata and search text (store_archive).
 * Dates that are missing or absurd become the time of archiving, so a bad
 * header cannot file a post in the year 2999. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "archive/index.h"
#include "archive/mailtext.h"
#include "archive/sanitize.h"
#include "core/buf.h"
#include "core/xmem.h"

#define DATE_SLACK	(2 * 86400)	/* clocks run a little fast */

static char	*search_text(const struct mail_view *);
static char	*refs_text(const struct mail_view *);

static char *
search_text(const struct mail_view *mv)
{
	struct buf b;
	char *s;

	buf_init(&b, INDEX_TEXT_MAX);
	for (int i = 0; i < mv->n_pieces && !b.overflow; i++) {
		const struct mail_piece *p = &mv->pieces[i];
		size_t n;
		char *t;

		if (i > 0)
			buf_append(&b, "\n", 1);
		if (p->kind == PIECE_TEXT) {
			n = p->len > INDEX_TEXT_MAX ? INDEX_TEXT_MAX : p->len;
			if (buf_append(&b, p->text, n) == -1)
				buf_append(&b, p->text, INDEX_TEXT_MAX - b.len);
			continue;
		}
		t = sanitize_html_text(p->text, p->len, &n);
		if (buf_append(&b, t, n) == -1)
			buf_append(&b, t, INDEX_TEXT_MAX - b.len);
		xfree(t);
	}
	s = buf_steal(&b);
	return s ? s : xstrdup("");
}

static char *
refs_text(const struct mail_view *mv)
{
	struct buf b;
	char *s;

	buf_init(&b, (ARC_MSGID_MAX + 1) * MAIL_REFS_MAX + 1);
	for (int i = 0; i < mv->n_refs; i++)
		buf_printf(&b, "%s%s", i ? " " : "", mv->refs[i]);
	s = buf_steal(&b);
	return s ? s : xstrdup("");
}

static void
fill_msg(struct arc_msg *m, const struct list *l, const char *hash,
    const struct mail_view *mv, size_t len, int64_t now)
{
	time_t t;
	struct tm tm;

	memset(m, 0, sizeof(*m));
	m->list_id = l->id;
	snprintf(m->hash, sizeof(m->hash), "%s", hash);
	snprintf(m->message_id, sizeof(m->message_id), "%s", mv->message_id);
	snprintf(m->subject, sizeof(m->subject), "%s", mv->subject);
	snprintf(m->author_name, sizeof(m->author_name), "%s", mv->author_name);
	snprintf(m->author_addr, sizeof(m->author_addr), "%s", mv->author_addr);
	m->date = mv->date > 0 && mv->date < now + DATE_SLACK ? mv->date : now;
	t = (time_t)m->date;
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999)
		t = (time_t)(m->date = now), gmtime_r(&t, &tm);
	snprintf(m->month, sizeof(m->month), "%04d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1);
	m->size = (int64_t)len;
	m->n_attach = mv->n_att;
}

enum status
archive_index_add(struct store *s, const struct list *l, const char *hash,
    const char *raw, size_t len, struct index_touch *t)
{
	struct mail_view mv;
	struct arc_msg *m = xmalloc(sizeof(*m));
	char *body = NULL, *refs = NULL;
	int64_t id;
	int is_reply;
	enum status st;

	memset(t, 0, sizeof(*t));
	memset(&mv, 0, sizeof(mv));
	if ((st = store_archive_msg_find(s, l->id, hash, &id)) == ST_OK) {
		st = ST_EXISTS;
		goto out;
	}
	if (st != ST_NOTFOUND || (st = mailtext_parse(raw, len, &mv)) != ST_OK)
		goto out;
	fill_msg(m, l, hash, &mv, len, store_now());
	mailtext_base_subject(m->subject, m->base_subject,
	    sizeof(m->base_subject), &is_reply);
	if ((st = archive_thread_place(s, l->id, mv.message_id, hash, mv.refs,
	    mv.n_refs, m->base_subject, is_reply, &t->place)) != ST_OK)
		goto out;
	m->node = t->place.node;
	m->thread = t->place.thread;
	body = search_text(&mv);
	refs = refs_text(&mv);
	if ((st = store_archive_msg_insert(s, m, refs, body)) != ST_OK)
		goto out;
	t->msg = m->id;
	t->thread = m->thread;
	memcpy(t->month, m->month, sizeof(t->month));
out:
	xfree(body);
	xfree(refs);
	xfree(m);
	mailtext_free(&mv);
	return st;
}
