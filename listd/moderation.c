/* moderation.c - approve, reject, discard held posts (see moderation.h).
 * A decision is done once its held row is gone; a post that already left
 * the held state (a crash between the two steps) is not sent again. */
#include <string.h>

#include "core/log.h"
#include "core/store_post.h"
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

static void
apply_one(struct store *ds, const struct district *d, const struct decision *dc)
{
	struct verdict v;
	struct post p;
	char reason[POST_REASON_MAX + 1];
	enum status st = ST_OK;

	if (store_post_get(ds, dc->post_id, &p) != ST_OK)
		return;
	if (p.state == POST_HELD) {
		if (strcmp(dc->action, "approve") == 0)
			st = intake_rerun(ds, d, &p, 1, &v);
		else {
			snprintf(reason, sizeof(reason), "%s by %s%s%s",
			    strcmp(dc->action, "reject") == 0 ? "rejected" :
			    "discarded", dc->by, dc->note[0] ? ": " : "", dc->note);
			st = store_post_set_state(ds, p.id, strcmp(dc->action,
			    "reject") == 0 ? POST_REJECTED : POST_DISCARDED,
			    reason);
		}
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
