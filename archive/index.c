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
#include "core/log.h"
#include "core/msgstore.h"
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

/* The header fields of m (its hash is set already). */
static void
fill_msg(struct arc_msg *m, const struct mail_view *mv, size_t len,
    int64_t now)
{
	time_t t;
	struct tm tm;

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
archive_index_prepare(const char *raw, size_t len, int64_t now,
    struct index_prep *p)
{
	struct mail_view mv;
	enum status st;

	memset(p, 0, sizeof(*p));
	msgstore_hash(raw, len, p->m.hash);
	memset(&mv, 0, sizeof(mv));
	if ((st = mailtext_parse(raw, len, &mv)) != ST_OK) {
		mailtext_free(&mv);
		return st;	/* p holds the hash alone */
	}
	fill_msg(&p->m, &mv, len, now);
	mailtext_base_subject(p->m.subject, p->m.base_subject,
	    sizeof(p->m.base_subject), &p->is_reply);
	p->n_refs = mv.n_refs;		/* the references move to p */
	memcpy(p->refs, mv.refs, sizeof(*p->refs) * (size_t)mv.n_refs);
	mv.n_refs = 0;
	p->body = search_text(&mv);
	p->body_only = mv.n_pieces == 1 && mv.pieces[0].kind == PIECE_TEXT &&
	    mv.pieces[0].len <= INDEX_TEXT_MAX && mv.n_att == 0;
	p->refs_text = refs_text(&mv);
	p->ready = 1;
	mailtext_free(&mv);
	return ST_OK;
}

void
archive_index_prep_free(struct index_prep *p)
{
	for (int i = 0; i < p->n_refs; i++)
		xfree(p->refs[i]);
	xfree(p->body);
	xfree(p->refs_text);
	memset(p, 0, sizeof(*p));
}

/* Is message hash in list l already? ST_EXISTS, ST_NOTFOUND or an error. */
static enum status
held_already(struct store *s, const struct list *l, const char *hash)
{
	int64_t id;
	enum status st = store_archive_msg_find(s, l->id, hash, &id);

	return st == ST_OK ? ST_EXISTS : st;
}

/* archive_index_commit past the lookup. */
static enum status
index_store(struct store *s, const struct list *l, struct index_prep *p,
    struct index_touch *t)
{
	struct arc_msg *m = &p->m;
	enum status st;

	if (!p->ready)
		return ST_DATA;
	m->list_id = l->id;
	if ((st = archive_thread_place(s, l->id, m->message_id, m->hash,
	    p->refs, p->n_refs, m->base_subject, p->is_reply, &t->place))
	    != ST_OK)
		goto fail;
	m->node = t->place.node;
	m->thread = t->place.thread;
	if ((st = store_archive_msg_insert(s, m, p->refs_text, p->body_only))
	    != ST_OK)
		goto fail;
	t->msg = m->id;
	t->thread = m->thread;
	memcpy(t->month, m->month, sizeof(t->month));
	return ST_OK;
fail:
	/* Only the lookup above means "held already": a conflict past it is
	 * an inconsistent index, never a reason to drop the message quietly. */
	if (st == ST_EXISTS) {
		log_warnx("archive index-conflict list=%s msg=%.12s", l->name,
		    m->hash);
		st = ST_INTERNAL;
	}
	return st;
}

enum status
archive_index_commit(struct store *s, const struct list *l,
    struct index_prep *p, struct index_touch *t)
{
	enum status st;

	memset(t, 0, sizeof(*t));
	if ((st = held_already(s, l, p->m.hash)) != ST_NOTFOUND)
		return st;
	return index_store(s, l, p, t);
}

enum status
archive_index_text(struct store *s, const struct index_prep *p)
{
	return store_archive_msg_text(s, &p->m, p->body);
}

enum status
archive_index_add(struct store *s, const struct list *l, const char *hash,
    const char *raw, size_t len, struct index_touch *t)
{
	struct index_prep p;
	enum status st;

	memset(t, 0, sizeof(*t));
	if ((st = held_already(s, l, hash)) != ST_NOTFOUND)
		return st;	/* known (no need to parse it), or an error */
	if ((st = archive_index_prepare(raw, len, store_now(), &p)) == ST_OK)
		st = index_store(s, l, &p, t);
	if (st == ST_OK)
		st = archive_index_text(s, &p);
	archive_index_prep_free(&p);
	return st;
}
