/* moderation_notify.c - telling moderators what waits, and expiring held
 * posts nobody decided on. Moderators get one digest per list at most every
 * held_digest_minutes; each post in it has its own confirmation address
 * (reply to approve; write "reject" or "discard" to refuse). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/log.h"
#include "core/notice.h"
#include "core/store_list.h"
#include "core/store_post.h"
#include "core/store_sub.h"
#include "core/token.h"
#include "listd/moderation.h"

#define WAITING_MAX	100
#define DIGEST_MAX	(64 * 1024)

struct waiting {
	struct held	h[WAITING_MAX];
	struct post	p[WAITING_MAX];
	int		n;
};

static int
collect_unnotified(const struct held *h, const struct post *p, void *arg)
{
	struct waiting *w = arg;

	if (h->notified)
		return 0;
	w->h[w->n] = *h;
	w->p[w->n] = *p;
	return ++w->n == WAITING_MAX;
}

/* One line block per post, with a fresh moderation token. */
static enum status
digest_entry(struct store *ds, const struct district *d, const struct list *l,
    const struct held *h, const struct post *p, struct buf *out)
{
	struct pending pd;
	enum status st;

	memset(&pd, 0, sizeof(pd));
	token_random(pd.token);
	pd.list_id = l->id;
	pd.post_id = p->id;
	snprintf(pd.address, sizeof(pd.address), "%s", p->author);
	snprintf(pd.action, sizeof(pd.action), "moderate");
	pd.expires = h->held_at + (int64_t)cfg->held_expire_days * 86400;
	if ((st = store_pending_add(ds, &pd)) != ST_OK)
		return st;
	buf_printf(out, "Post %lld from %s\n  Subject: %s\n  Held because: %s\n"
	    "  To approve, write to %s-confirm+%s@%s\n\n", (long long)p->id,
	    p->author, p->subject, h->reason, l->name, pd.token, d->domain);
	return store_held_set_notified(ds, p->id);
}

static enum status
digest_list(struct store *ds, const struct district *d, int64_t list_id,
    struct waiting *w)
{
	struct notice_vars v = { "", "", "", "", "" };
	char key[64], last[32], count[32];
	struct list l;
	struct buf text;
	enum status st;
	int n = 0;

	snprintf(key, sizeof(key), "held_digest_at:%lld", (long long)list_id);
	if (store_setting_get(ds, key, last, sizeof(last)) == ST_OK &&
	    store_now() - strtoll(last, NULL, 10) <
	    (int64_t)cfg->held_digest_minutes * 60)
		return ST_OK;
	if ((st = store_list_get_id(ds, list_id, &l)) != ST_OK)
		return st;
	buf_init(&text, DIGEST_MAX);
	if ((st = store_begin(ds)) != ST_OK)
		goto out;
	for (int i = 0; i < w->n && st == ST_OK; i++)
		if (w->p[i].list_id == list_id && ++n)
			st = digest_entry(ds, d, &l, &w->h[i], &w->p[i], &text);
	snprintf(count, sizeof(count), "%d post%s", n, n == 1 ? "" : "s");
	snprintf(last, sizeof(last), "%lld", (long long)store_now());
	v.reason = count;
	v.extra = buf_cstr(&text);
	if (st == ST_OK)
		st = notice_send_owners(ds, d, &l, 1, "held-digest", &v);
	if (st == ST_OK)
		st = store_setting_set(ds, key, last);
	if (st != ST_OK)
		store_rollback(ds);
	else
		st = store_commit(ds);
out:
	buf_release(&text);
	return st;
}

int
moderation_notify(struct store *ds, const struct district *d)
{
	static __thread struct waiting w;
	int64_t done[WAITING_MAX];
	int n_done = 0;

	w.n = 0;
	if (store_held_each(ds, 0, 0, collect_unnotified, &w) != ST_OK)
		return 0;
	for (int i = 0; i < w.n; i++) {
		int seen = 0;

		for (int k = 0; k < n_done; k++)
			seen |= done[k] == w.p[i].list_id;
		if (seen)
			continue;
		done[n_done++] = w.p[i].list_id;
		if (digest_list(ds, d, w.p[i].list_id, &w) != ST_OK)
			log_warnx("moderation digest failed district=%s list_id=%lld",
			    d->slug, (long long)w.p[i].list_id);
	}
	return n_done;
}

static int
collect_old(const struct held *h, const struct post *p, void *arg)
{
	struct waiting *w = arg;

	w->h[w->n] = *h;
	w->p[w->n] = *p;
	return ++w->n == WAITING_MAX;
}

int
moderation_expire(struct store *ds, const struct district *d)
{
	static __thread struct waiting w;
	int64_t cutoff = store_now() - (int64_t)cfg->held_expire_days * 86400;

	w.n = 0;
	if (store_held_each_older(ds, cutoff, collect_old, &w) != ST_OK)
		return 0;
	for (int i = 0; i < w.n; i++) {
		struct notice_vars v = { w.p[i].author, "", "", "", "" };
		struct list l;

		if (store_begin(ds) != ST_OK)
			break;
		(void)store_post_set_state(ds, w.p[i].id, POST_DISCARDED,
		    "expired: no moderator decided in time");
		(void)store_held_remove(ds, w.p[i].id);
		if (w.p[i].author[0] && w.p[i].sender[0] &&
		    store_list_get_id(ds, w.p[i].list_id, &l) == ST_OK)
			(void)notice_send(ds, d, &l, w.p[i].author, "held-expired",
			    &v, NULL);
		if (store_commit(ds) == ST_OK)
			log_info("moderation expire district=%s post=%lld", d->slug,
			    (long long)w.p[i].id);
	}
	return w.n;
}
