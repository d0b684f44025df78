/* digest.c - building and queuing digests (see digest.h). Posts go in as
 * they arrived (before footers and rewriting); the digest itself carries
 * the list headers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/log.h"
#include "core/msg.h"
#include "core/msgstore.h"
#include "core/notice.h"
#include "core/store_digest.h"
#include "core/store_list.h"
#include "core/store_member.h"
#include "core/store_post.h"
#include "core/store_sub.h"
#include "core/token.h"
#include "core/xmem.h"
#include "listd/digest.h"
#include "listd/queue.h"

#define DIGEST_LISTS_MAX	64
#define DIGEST_TEXT_MAX		(8 * 1024 * 1024)

struct due {
	struct digest_pending	d[DIGEST_LISTS_MAX];
	int			n;
};

struct gather {
	struct store		*ds;
	GMimeMultipart		*posts;		/* MIME: the digest part */
	struct buf		 toc;		/* table of contents */
	struct buf		 text;		/* RFC 1153 body */
	int			 n;
	int			 rfc1153;
};

static int
collect_due(const struct digest_pending *p, void *arg)
{
	struct due *due = arg;

	due->d[due->n++] = *p;
	return due->n == DIGEST_LISTS_MAX;
}

/* The first plain-text part of a message as UTF-8, or a note. */
static char *
first_text(GMimeObject *o, int depth)
{
	if (o == NULL || depth > 8)
		return NULL;
	if (GMIME_IS_MULTIPART(o)) {
		int n = g_mime_multipart_get_count(GMIME_MULTIPART(o));

		for (int i = 0; i < n && i < 32; i++) {
			char *t = first_text(g_mime_multipart_get_part(
			    GMIME_MULTIPART(o), i), depth + 1);

			if (t)
				return t;
		}
		return NULL;
	}
	if (GMIME_IS_TEXT_PART(o) && g_mime_content_type_is_type(
	    g_mime_object_get_content_type(o), "text", "plain"))
		return g_mime_text_part_get_text(GMIME_TEXT_PART(o));
	return NULL;
}

/* Add one stored post to the digest being gathered. */
static int
add_post(int64_t post_id, void *arg)
{
	struct gather *g = arg;
	struct post p;
	GMimeMessage *msg;
	char *raw = NULL, *text;
	size_t len;

	if (store_post_get(g->ds, post_id, &p) != ST_OK ||
	    msgstore_get(store_dir(g->ds), p.raw_hash, (size_t)64 << 20, &raw,
	    &len) != ST_OK || (msg = msg_parse(raw, len)) == NULL) {
		xfree(raw);
		return 0;
	}
	g->n++;
	buf_printf(&g->toc, "%3d. %s (%s)\n", g->n, p.subject, p.author);
	if (g->rfc1153) {
		const char *date = msg_header(msg, "Date");

		text = first_text(g_mime_message_get_mime_part(msg), 0);
		buf_printf(&g->text, "------------------------------\n\n"
		    "Date: %s\nFrom: %s\nSubject: %s\n\n%s\n\n", date ? date : "",
		    p.author, p.subject, text ? text :
		    "[this message has no plain-text part]");
		g_free(text);
	} else {
		GMimeMessagePart *part = g_mime_message_part_new_with_message(
		    "rfc822", msg);

		g_mime_multipart_add(g->posts, GMIME_OBJECT(part));
		g_object_unref(part);
	}
	g_object_unref(msg);
	xfree(raw);
	return g->n == DIGEST_POSTS_MAX;
}

static void
list_headers(GMimeMessage *msg, const struct district *d, const struct list *l)
{
	char v[512];

	snprintf(v, sizeof(v), "<%s.%s>", l->name, d->domain);
	msg_header_set(msg, "List-Id", v);
	snprintf(v, sizeof(v), "<mailto:%s-leave@%s>", l->name, d->domain);
	msg_header_set(msg, "List-Unsubscribe", v);
	if (l->policy != POLICY_ANNOUNCE) {
		snprintf(v, sizeof(v), "<mailto:%s@%s>", l->name, d->domain);
		msg_header_set(msg, "List-Post", v);
	}
	snprintf(v, sizeof(v), "%s@%s", l->name, d->domain);
	msg_header_set(msg, "X-Loop", v);
	msg_header_set(msg, "Precedence", "list");
}

static GMimeObject *
text_part(const char *text)
{
	GMimeTextPart *t = g_mime_text_part_new_with_subtype("plain");

	g_mime_text_part_set_text(t, text);
	g_mime_part_set_content_encoding(GMIME_PART(t),
	    g_mime_part_get_best_content_encoding(GMIME_PART(t),
	    GMIME_ENCODING_CONSTRAINT_7BIT));
	return GMIME_OBJECT(t);
}

/* The digest message for g's posts into out (CRLF). */
static int
compose(const struct district *d, const struct list *l, struct gather *g,
    struct buf *out)
{
	GMimeMessage *msg = g_mime_message_new(TRUE);
	GDateTime *now = g_date_time_new_now_utc();
	char addr[ADDR_MAX + 1], subject[256], id[128], tok[TOKEN_LEN + 1];
	char *date = g_date_time_format(now, "%e %b %Y");
	GMimeObject *body;
	int rc;

	snprintf(addr, sizeof(addr), "%s@%s", l->name, d->domain);
	snprintf(subject, sizeof(subject), "%s digest, %s (%d message%s)",
	    l->name, date, g->n, g->n == 1 ? "" : "s");
	token_random(tok);
	snprintf(id, sizeof(id), "listd.digest.%s@%s", tok, d->domain);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM,
	    l->description[0] ? l->description : l->name, addr);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, NULL, addr);
	g_mime_message_set_subject(msg, subject, "utf-8");
	g_mime_message_set_message_id(msg, id);
	g_mime_message_set_date(msg, now);
	list_headers(msg, d, l);
	if (g->rfc1153) {
		struct buf all;

		buf_init(&all, DIGEST_TEXT_MAX + 4096);
		buf_printf(&all, "%s Digest\n\nToday's Topics:\n\n%s\n",
		    l->name, buf_cstr(&g->toc));
		buf_append_str(&all, buf_cstr(&g->text));
		buf_printf(&all, "------------------------------\n\nEnd of %s "
		    "Digest\n******************************\n", l->name);
		body = text_part(buf_cstr(&all));
		buf_release(&all);
	} else {
		GMimeMultipart *mixed = g_mime_multipart_new_with_subtype("mixed");
		GMimeObject *toc = text_part(buf_cstr(&g->toc));

		g_mime_multipart_add(mixed, toc);
		g_mime_multipart_add(mixed, GMIME_OBJECT(g->posts));
		g_object_unref(toc);
		body = GMIME_OBJECT(mixed);
	}
	g_mime_message_set_mime_part(msg, body);
	rc = msg_write(msg, out);
	g_object_unref(body);
	g_object_unref(msg);
	g_date_time_unref(now);
	g_free(date);
	return rc;
}

struct rcpts {
	struct buf	b;
	int		n;
};

static int
add_digest_member(const struct member *m, void *arg)
{
	struct rcpts *r = arg;

	if (r->b.len)
		buf_append(&r->b, "\n", 1);
	buf_append_str(&r->b, m->address);
	r->n++;
	return 0;
}

/* Gather, compose and queue one list's digest; forget its items. */
static enum status
send_digest(struct store *ds, const struct district *d,
    const struct digest_pending *dp)
{
	struct gather g;
	struct member_filter f;
	struct rcpts r;
	struct list l;
	struct post p;
	struct buf raw;
	char key[64], when[32];
	enum status st;
	int64_t n = 0;

	if ((st = store_list_get_id(ds, dp->list_id, &l)) != ST_OK)
		return st;
	memset(&g, 0, sizeof(g));
	g.ds = ds;
	g.rfc1153 = l.digest_format == DIGEST_RFC1153;
	g.posts = g_mime_multipart_new_with_subtype("digest");
	buf_init(&g.toc, 1 << 20);
	buf_init(&g.text, DIGEST_TEXT_MAX);
	buf_init(&raw, DIGEST_TEXT_MAX * 2);
	buf_init(&r.b, 64 << 20);
	r.n = 0;
	member_filter_all(&f);
	f.mode = MODE_DIGEST;
	if ((st = store_begin(ds)) != ST_OK)
		goto out;
	(void)store_member_each(ds, l.id, &f, add_digest_member, &r);
	(void)store_digest_each_post(ds, l.id, dp->last_post_id, add_post, &g);
	if (r.n > 0 && g.n > 0) {
		if (compose(d, &l, &g, &raw) == -1)
			st = ST_TOOBIG;
		else if ((st = notice_post_add(ds, d, &l, "digest", "digest", &raw,
		    NULL, &p)) == ST_OK &&
		    (st = queue_rcpts_enqueue(ds, p.id, buf_cstr(&r.b), 0,
		    cfg->batch_size, &n)) == ST_OK)
			st = store_post_set_queued(ds, p.id, p.raw_hash, n, 0);
	}
	snprintf(key, sizeof(key), "digest_at:%lld", (long long)l.id);
	snprintf(when, sizeof(when), "%lld", (long long)store_now());
	if (st == ST_OK && (st = store_digest_clear(ds, l.id, dp->last_post_id))
	    == ST_OK)
		st = store_setting_set(ds, key, when);
	if (st == ST_OK)
		st = store_commit(ds);
	else
		store_rollback(ds);
	log_info("digest sent district=%s list=%s posts=%d rcpt=%lld st=%s",
	    d->slug, l.name, g.n, (long long)n, status_name(st));
out:
	g_object_unref(g.posts);
	buf_release(&g.toc);
	buf_release(&g.text);
	buf_release(&raw);
	buf_release(&r.b);
	return st;
}

int
digest_run(struct store *ds, const struct district *d)
{
	static __thread struct due due;
	int64_t now = store_now();
	int sent = 0;

	due.n = 0;
	if (store_digest_each_list(ds, collect_due, &due) != ST_OK)
		return 0;
	for (int i = 0; i < due.n; i++) {
		char key[64], last[32];
		int64_t since;

		snprintf(key, sizeof(key), "digest_at:%lld",
		    (long long)due.d[i].list_id);
		/* A list's first digest counts from its first waiting post. */
		since = store_setting_get(ds, key, last, sizeof(last)) == ST_OK ?
		    strtoll(last, NULL, 10) : due.d[i].oldest;
		if (now - since < DIGEST_INTERVAL && due.d[i].size < DIGEST_SIZE_MAX)
			continue;
		if (send_digest(ds, d, &due.d[i]) == ST_OK)
			sent++;
	}
	return sent;
}
