/* moderation.c - held posts: tell the moderators (a digest per list, not a
 * mail per post, each post with its own confirmation address), carry out
 * their decisions (approve, allow the sender from now on, reject with a
 * notice to the author, discard), and expire what waits too long. A
 * decision is done once its held row is gone; a post that already left the
 * held state (a crash between the two steps) is not sent again. */
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/log.h"
#include "core/notice.h"
#include "core/store_list.h"
#include "core/store_post.h"
#include "core/store_sub.h"
#include "core/token.h"
#include "listd/intake.h"
#include "listd/moderation.h"
#include "listd/post.h"

#define DECISIONS_MAX	200

struct decision {
	int64_t	post_id;
	char	action[16];
	char	by[128];
	char	note[POST_REASON_MAX + 1];
};

struct decisions {
	struct decision	d[DECISIONS_MAX];
	int		n;
};

static int
collect(const struct held *h, const struct post *p, void *arg)
{
	struct decisions *ds = arg;
	struct decision *d = &ds->d[ds->n++];

	(void)p;
	d->post_id = h->post_id;
	snprintf(d->action, sizeof(d->action), "%s", h->action);
	snprintf(d->by, sizeof(d->by), "%s", h->action_by);
	snprintf(d->note, sizeof(d->note), "%s", h->action_note);
	return ds->n == DECISIONS_MAX;
}

/* Tell the author why the post went nowhere (not for null senders). */
static void
tell_author(struct store *ds, const struct district *d, const struct post *p,
    const char *template, const char *reason)
{
	struct notice_vars v = { p->author, "", "", reason, "" };
	struct list l;

	if (p->author[0] == '\0' || p->sender[0] == '\0' ||
	    store_list_get_id(ds, p->list_id, &l) != ST_OK)
		return;
	(void)notice_send(ds, d, &l, p->author, template, &v, NULL);
}

static enum status
refuse(struct store *ds, const struct district *d, const struct post *p,
    const struct decision *dc)
{
	int reject = strcmp(dc->action, "reject") == 0;
	char reason[POST_REASON_MAX + 1];
	enum status st;

	snprintf(reason, sizeof(reason), "%s by %s%s%s", reject ? "rejected" :
	    "discarded", dc->by, dc->note[0] ? ": " : "", dc->note);
	if ((st = store_begin(ds)) != ST_OK)
		return st;
	st = store_post_set_state(ds, p->id, reject ? POST_REJECTED :
	    POST_DISCARDED, reason);
	if (st == ST_OK && reject)
		tell_author(ds, d, p, "rejected", dc->note[0] ? dc->note :
		    "a moderator declined it");
	if (st != ST_OK) {
		store_rollback(ds);
		return st;
	}
	return store_commit(ds);
}

static void
apply_one(struct store *ds, const struct district *d, const struct decision *dc)
{
	struct verdict v;
	struct post p;
	enum status st = ST_OK;
	int approve = !strcmp(dc->action, "approve") || !strcmp(dc->action, "allow");

	if (store_post_get(ds, dc->post_id, &p) != ST_OK)
		return;
	if (p.state == POST_HELD) {
		if (!strcmp(dc->action, "allow") && p.author[0])
			st = store_allowed_add(ds, p.list_id, p.author);
		if (st == ST_OK)
			st = approve ? intake_rerun(ds, d, &p, 1, &v) :
			    refuse(ds, d, &p, dc);
	}
	if (st != ST_OK) {
		log_warnx("moderation failed district=%s post=%lld action=%s st=%s",
		    d->slug, (long long)p.id, dc->action, status_name(st));
		return;
	}
	(void)store_held_remove(ds, p.id);
	log_info("moderation done district=%s post=%lld action=%s by=%s",
	    d->slug, (long long)p.id, dc->action, dc->by);
}

int
moderation_apply(struct store *ds, const struct district *d)
{
	static __thread struct decisions dcs;

	dcs.n = 0;
	if (store_held_each(ds, 0, 1, collect, &dcs) != ST_OK)
		return 0;
	for (int i = 0; i < dcs.n; i++)
		apply_one(ds, d, &dcs.d[i]);
	return dcs.n;
}
