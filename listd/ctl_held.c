/* ctl_held.c - listctl held list|show|approve|reject|discard. A decision is
 * written to the store as an intent; the running listd carries it out
 * (approved posts go through the pipeline's remaining steps and out). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/msgstore.h"
#include "core/store_post.h"
#include "core/xmem.h"
#include "listd/ctl.h"

static int held_list(struct ctl *);
static int held_show(struct ctl *);
static int held_approve(struct ctl *);
static int held_reject(struct ctl *);
static int held_discard(struct ctl *);
static int held_allow(struct ctl *);

#define HELD_SHOW_MAX	(64 * 1024)

const struct ctl_verb ctl_held_verbs[] = {
	{ "list", "all", 1, 1, "list LIST@DOMAIN [--all]",
	  "posts waiting for a moderator (--all: decided ones too)", held_list },
	{ "show", "", 2, 2, "show LIST@DOMAIN POST",
	  "the held post as it arrived (first 64 KB)", held_show },
	{ "approve", "", 2, 2, "approve LIST@DOMAIN POST",
	  "let the post through to the list", held_approve },
	{ "reject", "reason=", 2, 2, "reject LIST@DOMAIN POST [--reason TEXT]",
	  "refuse the post (the author will be told)", held_reject },
	{ "discard", "", 2, 2, "discard LIST@DOMAIN POST",
	  "drop the post silently", held_discard },
	{ "allow", "", 2, 2, "allow LIST@DOMAIN POST",
	  "let the post through and let its author post from now on",
	  held_allow },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

struct hwalk {
	struct json	*j;
	int		 n;
};

static int
print_held(const struct held *h, const struct post *p, void *arg)
{
	struct hwalk *w = arg;
	char when[32];

	ctl_time(h->held_at, when, sizeof(when));
	w->n++;
	if (w->j) {
		json_obj_begin(w->j);
		json_kv_int(w->j, "post", p->id);
		json_kv_str(w->j, "author", p->author);
		json_kv_str(w->j, "sender", p->sender);
		json_kv_str(w->j, "subject", p->subject);
		json_kv_int(w->j, "size", p->size);
		json_kv_str(w->j, "reason", h->reason);
		json_kv_str(w->j, "held_at", when);
		json_kv_str(w->j, "decision", h->action);
		json_kv_str(w->j, "decided_by", h->action_by);
		json_obj_end(w->j);
	} else
		printf("%lld\t%s\t%s\t\"%.60s\"\t%s%s%s\n", (long long)p->id, when,
		    p->author, p->subject, h->reason, h->action[0] ? "\t" : "",
		    h->action);
	return 0;
}

static int
held_list(struct ctl *c)
{
	struct hwalk w = { NULL, 0 };
	struct district d;
	struct store *ds;
	struct list l;
	struct json j;
	enum status st;
	int rc;

	if ((rc = ctl_open_list(c, c->pos[0], &d, &ds, &l)) != 0)
		return rc;
	if (c->json) {
		ctl_json_begin(&j, 64 << 20);
		json_arr_begin(&j);
		w.j = &j;
	}
	st = store_held_each(ds, l.id, ctl_flag(c, "all") ? -1 : 0, print_held,
	    &w);
	store_close(ds);
	if (st != ST_OK) {
		if (c->json)
			json_release(&j);
		return ctl_fail(c, st, "cannot read held posts (%s)",
		    status_name(st));
	}
	if (c->json) {
		json_arr_end(&j);
		return ctl_json_end(&j);
	}
	if (w.n == 0)
		printf("nothing is held for %s@%s\n", l.name, d.domain);
	return 0;
}

/* Open the list and the held post named by the arguments. */
static int
open_held(struct ctl *c, struct district *d, struct store **ds,
    struct list *l, struct post *p)
{
	struct held h;
	char *end;
	int64_t id;
	int rc;

	errno = 0;
	id = strtoll(c->pos[1], &end, 10);
	if (errno || end == c->pos[1] || *end || id <= 0)
		return ctl_fail(c, ST_USAGE, "\"%s\" is not a post number",
		    c->pos[1]);
	if ((rc = ctl_open_list(c, c->pos[0], d, ds, l)) != 0)
		return rc;
	if (store_post_get(*ds, id, p) != ST_OK || p->list_id != l->id ||
	    store_held_get(*ds, id, &h) != ST_OK) {
		store_close(*ds);
		*ds = NULL;
		return ctl_fail(c, ST_NOTFOUND, "post %lld is not held for %s@%s",
		    (long long)id, l->name, d->domain);
	}
	return 0;
}

static int
held_show(struct ctl *c)
{
	struct district d;
	struct store *ds;
	struct list l;
	struct post p;
	char *raw = NULL;
	size_t len;
	enum status st;
	int rc;

	if ((rc = open_held(c, &d, &ds, &l, &p)) != 0)
		return rc;
	st = msgstore_get(store_dir(ds), p.raw_hash, (size_t)1 << 30, &raw, &len);
	store_close(ds);
	if (st != ST_OK)
		return ctl_fail(c, st, "cannot read post %lld (%s)",
		    (long long)p.id, status_name(st));
	fwrite(raw, 1, len < HELD_SHOW_MAX ? len : HELD_SHOW_MAX, stdout);
	if (len > HELD_SHOW_MAX)
		printf("\n[... %zu more bytes]\n", len - HELD_SHOW_MAX);
	xfree(raw);
	return 0;
}

static int
held_decide(struct ctl *c, const char *action)
{
	struct district d;
	struct store *ds;
	struct list l;
	struct post p;
	const char *note = ctl_opt(c, "reason");
	enum status st;
	int rc;

	if (note && !model_text_valid(note, POST_REASON_MAX, 0))
		return ctl_fail(c, ST_USAGE, "--reason: one line of text, at "
		    "most %d bytes", POST_REASON_MAX);
	if ((rc = open_held(c, &d, &ds, &l, &p)) != 0)
		return rc;
	st = store_held_decide(ds, p.id, action, c->actor, note);
	store_close(ds);
	if (st == ST_EXISTS)
		return ctl_fail(c, st, "post %lld was already decided",
		    (long long)p.id);
	if (st != ST_OK)
		return ctl_fail(c, st, "cannot record the decision (%s)",
		    status_name(st));
	ctl_audit(c, d.slug, "held.decide", "list=%s post=%lld action=%s",
	    l.name, (long long)p.id, action);
	if (!c->json)
		printf("post %lld: %s; listd carries it out\n", (long long)p.id,
		    action);
	return 0;
}

static int held_approve(struct ctl *c) { return held_decide(c, "approve"); }
static int held_reject(struct ctl *c) { return held_decide(c, "reject"); }
static int held_discard(struct ctl *c) { return held_decide(c, "discard"); }
static int held_allow(struct ctl *c) { return held_decide(c, "allow"); }
