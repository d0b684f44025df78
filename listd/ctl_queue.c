/* ctl_queue.c - listctl queue list|show|retry|delete|urgent: posts on their
 * way to members, their batches and what the relay said. Post numbers are
 * per district, so every verb names the district. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/store_list.h"
#include "core/store_post.h"
#include "core/store_queue.h"
#include "core/store_site.h"
#include "listd/ctl.h"

static int queue_list(struct ctl *);
static int queue_show(struct ctl *);
static int queue_retry(struct ctl *);
static int queue_delete(struct ctl *);
static int queue_urgent(struct ctl *);

const struct ctl_verb ctl_queue_verbs[] = {
	{ "list", "district=,list=,sender=,older-than=,min-retries=,all", 0, 0,
	  "list [--district SLUG] [--list LIST@DOMAIN] [--sender TEXT] "
	  "[--older-than 30m|2h|1d] [--min-retries N] [--all]",
	  "posts still on their way (--all: finished ones too), newest first",
	  queue_list },
	{ "show", "", 2, 2, "show DISTRICT POST",
	  "one post: its state, tallies and batches", queue_show },
	{ "retry", "", 2, 2, "retry DISTRICT POST",
	  "make the post's waiting batches due now", queue_retry },
	{ "delete", "", 2, 2, "delete DISTRICT POST",
	  "drop a post and its undelivered batches", queue_delete },
	{ "urgent", "", 2, 2, "urgent DISTRICT POST",
	  "deliver the post's waiting batches ahead of bulk mail",
	  queue_urgent },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

/* "90", "30m", "2h", "1d" -> seconds; -1 when malformed. */
static long
parse_age(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || n < 0)
		return -1;
	switch (*end) {
	case '\0': case 's': break;
	case 'm': n *= 60; break;
	case 'h': n *= 3600; break;
	case 'd': n *= 86400; break;
	default: return -1;
	}
	return end[0] && end[1] ? -1 : n;
}

static int
parse_post_id(struct ctl *c, const char *s, int64_t *id)
{
	char *end;

	errno = 0;
	*id = strtoll(s, &end, 10);
	if (errno || end == s || *end || *id <= 0)
		return ctl_fail(c, ST_USAGE, "\"%s\" is not a post number", s);
	return 0;
}

struct qwalk {
	struct ctl		*c;
	struct store		*ds;
	const struct district	*d;
	struct json		*j;
	int			 n;
	struct post_filter	 f;
};

static void
post_json(struct json *j, const struct district *d, const struct post *p,
    const char *list, int64_t pending)
{
	char when[32];

	ctl_time(p->received, when, sizeof(when));
	json_obj_begin(j);
	json_kv_str(j, "district", d->slug);
	json_kv_int(j, "post", p->id);
	json_kv_str(j, "list", list);
	json_kv_str(j, "kind", p->kind);
	json_kv_str(j, "state", post_state_name(p->state));
	json_kv_str(j, "reason", p->reason);
	json_kv_str(j, "message_id", p->message_id);
	json_kv_str(j, "sender", p->sender);
	json_kv_str(j, "author", p->author);
	json_kv_str(j, "subject", p->subject);
	json_kv_int(j, "size", p->size);
	json_kv_bool(j, "urgent", p->urgent);
	json_kv_int(j, "recipients", p->n_rcpt);
	json_kv_int(j, "delivered", p->n_delivered);
	json_kv_int(j, "bounced", p->n_bounced);
	json_kv_int(j, "pending", pending);
	json_kv_str(j, "received", when);
	json_obj_end(j);
}

static int
print_post(const struct post *p, void *arg)
{
	struct qwalk *w = arg;
	struct list l;
	int64_t pending = 0;
	char when[32];

	if (store_list_get_id(w->ds, p->list_id, &l) != ST_OK)
		snprintf(l.name, sizeof(l.name), "?");
	(void)store_batch_pending(w->ds, p->id, &pending);
	w->n++;
	if (w->j) {
		post_json(w->j, w->d, p, l.name, pending);
		return 0;
	}
	ctl_time(p->received, when, sizeof(when));
	printf("%s %lld %s@%s %s rcpt=%lld delivered=%lld bounced=%lld "
	    "pending=%lld from=%s received=%s subject=\"%.60s\"\n", w->d->slug,
	    (long long)p->id, l.name, w->d->domain, post_state_name(p->state),
	    (long long)p->n_rcpt, (long long)p->n_delivered,
	    (long long)p->n_bounced, (long long)pending, p->sender, when,
	    p->subject);
	return 0;
}

/* Fill the post filter from the options; 0 or an exit code. */
static int
post_filter(struct ctl *c, struct post_filter *f)
{
	const char *v;
	long n;

	memset(f, 0, sizeof(*f));
	f->only_undelivered = !ctl_flag(c, "all");
	f->sender = ctl_opt(c, "sender");
	if ((v = ctl_opt(c, "older-than"))) {
		if ((n = parse_age(v)) < 0)
			return ctl_fail(c, ST_USAGE, "--older-than \"%s\": "
			    "expected e.g. 90, 30m, 2h or 1d", v);
		f->before = store_now() - n;
	}
	if ((v = ctl_opt(c, "min-retries"))) {
		if ((n = parse_age(v)) < 0 || strpbrk(v, "smhd"))
			return ctl_fail(c, ST_USAGE, "--min-retries \"%s\": "
			    "expected a number", v);
		f->min_retries = (int)n;
	}
	return 0;
}

static int
walk_district(const struct district *d, void *arg)
{
	struct qwalk *w = arg;
	struct store *ds;

	if (store_district_open(w->c->home, d->slug, 0, &ds) != ST_OK)
		return 0;
	w->ds = ds;
	w->d = d;
	(void)store_post_each(ds, &w->f, print_post, w);
	store_close(ds);
	return 0;
}

static int
queue_list(struct ctl *c)
{
	struct qwalk w;
	const char *only = ctl_opt(c, "district"), *list = ctl_opt(c, "list");
	struct district d;
	struct store *site, *ds;
	struct list l;
	struct json j;
	int rc;

	memset(&w, 0, sizeof(w));
	w.c = c;
	if ((rc = post_filter(c, &w.f)) != 0)
		return rc;
	if ((site = ctl_site(c)) == NULL)
		return status_exit(ST_TEMP);
	if (c->json) {
		ctl_json_begin(&j, 64 << 20);
		json_arr_begin(&j);
		w.j = &j;
	}
	if (list) {
		if ((rc = ctl_open_list(c, list, &d, &ds, &l)) != 0)
			goto fail;
		w.f.list_id = l.id;
		w.ds = ds;
		w.d = &d;
		(void)store_post_each(ds, &w.f, print_post, &w);
		store_close(ds);
	} else if (only) {
		if (store_district_get(site, only, &d) != ST_OK) {
			rc = ctl_fail(c, ST_NOTFOUND, "no district \"%s\"", only);
			goto fail;
		}
		walk_district(&d, &w);
	} else
		(void)store_district_each(site, walk_district, &w);
	if (c->json) {
		json_arr_end(&j);
		return ctl_json_end(&j);
	}
	if (w.n == 0)
		printf("the queue is empty\n");
	return 0;
fail:
	if (c->json)
		json_release(&j);
	return rc;
}

/* Open DISTRICT and read POST from the positional arguments. */
static int
open_post(struct ctl *c, struct district *d, struct store **ds,
    struct post *p)
{
	int64_t id;
	enum status st;
	int rc;

	if ((rc = parse_post_id(c, c->pos[1], &id)) != 0)
		return rc;
	if ((rc = ctl_open_district(c, c->pos[0], d, ds)) != 0)
		return rc;
	if ((st = store_post_get(*ds, id, p)) != ST_OK) {
		store_close(*ds);
		*ds = NULL;
		return ctl_fail(c, st, "no post %lld in district %s",
		    (long long)id, d->slug);
	}
	return 0;
}

static int
print_batch(const struct batch *b, void *arg)
{
	struct json *j = arg;
	char when[32];

	ctl_time(b->next_try, when, sizeof(when));
	if (j) {
		json_obj_begin(j);
		json_kv_int(j, "id", b->id);
		json_kv_str(j, "domain", b->domain);
		json_kv_int(j, "recipients", b->n_rcpt);
		json_kv_str(j, "state", b->state);
		json_kv_int(j, "attempts", b->attempts);
		json_kv_int(j, "recoveries", b->recoveries);
		json_kv_bool(j, "urgent", b->urgent);
		json_kv_str(j, "next_try", b->next_try ? when : "");
		json_kv_str(j, "last_error", b->last_error);
		json_obj_end(j);
	} else
		printf("  batch %lld domain=%s rcpt=%d state=%s attempts=%d%s%s%s\n",
		    (long long)b->id, b->domain, b->n_rcpt, b->state, b->attempts,
		    b->urgent ? " urgent" : "", b->last_error[0] ? " error=" : "",
		    b->last_error);
	return 0;
}

static int
queue_show(struct ctl *c)
{
	struct qwalk w;
	struct district d;
	struct store *ds;
	struct post p;
	struct json j;
	int rc;

	memset(&w, 0, sizeof(w));
	w.c = c;
	if ((rc = open_post(c, &d, &ds, &p)) != 0)
		return rc;
	w.ds = ds;
	w.d = &d;
	if (c->json) {
		ctl_json_begin(&j, 64 << 20);
		json_obj_begin(&j);
		json_key(&j, "post");
		w.j = &j;
		print_post(&p, &w);
		json_key(&j, "batches");
		json_arr_begin(&j);
		(void)store_batch_each(ds, p.id, print_batch, &j);
		json_arr_end(&j);
		json_obj_end(&j);
		store_close(ds);
		return ctl_json_end(&j);
	}
	print_post(&p, &w);
	if (p.reason[0])
		printf("  reason: %s\n", p.reason);
	(void)store_batch_each(ds, p.id, print_batch, NULL);
	store_close(ds);
	return 0;
}

/* Shared shape of retry, delete and urgent: open the post, change it. */
static int
queue_change(struct ctl *c, const char *action)
{
	struct district d;
	struct store *ds;
	struct post p;
	enum status st;
	int rc, n = 0;

	if ((rc = open_post(c, &d, &ds, &p)) != 0)
		return rc;
	if (!strcmp(action, "retry"))
		st = store_batch_retry_now(ds, p.id, &n);
	else if (!strcmp(action, "urgent"))
		st = store_batch_set_urgent(ds, p.id, &n);
	else
		st = store_post_delete(ds, p.id);
	store_close(ds);
	if (st != ST_OK)
		return ctl_fail(c, st, "cannot %s post %lld (%s)", action,
		    (long long)p.id, status_name(st));
	ctl_audit(c, d.slug, action[0] == 'd' ? "queue.delete" :
	    action[0] == 'r' ? "queue.retry" : "queue.urgent", "post=%lld",
	    (long long)p.id);
	if (!c->json)
		printf("post %lld: %s%s\n", (long long)p.id, action[0] == 'd' ?
		    "deleted" : action[0] == 'r' ? "due now" : "urgent",
		    action[0] == 'd' ? "" : n ? "" : " (no waiting batches)");
	return 0;
}

static int queue_retry(struct ctl *c) { return queue_change(c, "retry"); }
static int queue_delete(struct ctl *c) { return queue_change(c, "delete"); }
static int queue_urgent(struct ctl *c) { return queue_change(c, "urgent"); }
