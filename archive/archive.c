/* archive.c - the archive's entry points: one post added incrementally,
 * a list rebuilt or rendered in full. Import is import.c; page kinds are
 * render_*.c. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive/archive.h"
#include "archive/index.h"
#include "archive/render.h"
#include "archive/render_feed.h"
#include "archive/render_index.h"
#include "archive/render_message.h"
#include "archive/render_pool.h"
#include "archive/render_thread.h"
#include "core/buf.h"
#include "core/fault.h"
#include "core/log.h"
#include "core/msgstore.h"
#include "core/xmem.h"

#define MERGED_RERENDER_MAX	500	/* message pages re-linked on a merge */

struct merge_ctx {
	struct render_ctx	*r;
	const char		*skip_month;
};

struct id_set {
	int64_t	*v;
	int	 n;
	int	 cap;
};

static void
id_add(struct id_set *set, int64_t id)
{
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 64;
		set->v = xrealloc(set->v, sizeof(*set->v) * (size_t)set->cap);
	}
	set->v[set->n++] = id;
}

static int
collect_msg(const struct arc_msg *m, void *ctx)
{
	id_add(ctx, m->id);
	return 0;
}

/* A month travels as a job id YYYYMM ("2020-01" is 202001). */
static int64_t
month_id(const char *month)
{
	int y, mo, end = 0;

	if (sscanf(month, "%4d-%2d%n", &y, &mo, &end) != 2 || end != 7 ||
	    month[7] != '\0' || y < 0 || mo < 1 || mo > 12)
		return -1;
	return (int64_t)y * 100 + mo;
}

static void
month_name(int64_t id, char *month, size_t size)
{
	snprintf(month, size, "%04d-%02d", (int)(id / 100), (int)(id % 100));
}

/* A month's two views and its mbox. */
static enum status
render_month_all(struct render_ctx *r, int64_t id)
{
	char month[ARC_MONTH_LEN + 1];
	enum status st;

	month_name(id, month, sizeof(month));
	if ((st = render_month(r, month)) == ST_OK)
		st = render_mbox(r, month);
	return st;
}

/* Month views regrouped after a merge; the month mboxes do not depend on
 * threading, and the new message's month is rendered by the caller. */
static int
regroup_month_cb(const char *month, int64_t n, void *ctx)
{
	struct merge_ctx *mc = ctx;

	(void)n;
	if (strcmp(month, mc->skip_month) == 0)
		return 0;
	return render_month(mc->r, month) != ST_OK;
}

/* The pages of a message's neighbours, whose previous/next links change
 * (only those: render_message_relink); a neighbour both in thread and by
 * date is rendered once. */
static void
render_neighbours(struct render_ctx *r, const struct arc_msg *m)
{
	int64_t id, seen[4];
	int n_seen = 0;

	for (int k = 0; k < 4; k++) {
		int dir = k % 2 ? 1 : -1, dup = 0;

		if (store_archive_msg_step(r->s, m, k < 2 ? m->thread : 0, dir,
		    &id) != ST_OK || id == 0 || id == m->id)
			continue;
		for (int i = 0; i < n_seen; i++)
			dup |= seen[i] == id;
		if (dup)
			continue;
		seen[n_seen++] = id;
		render_message_relink(r, id);
	}
}

/* The pages of one thread that took in merged threads: its messages'
 * pages are re-linked ("whole thread") and its months regrouped; the page
 * of the thread itself too unless it is the new message's, which the
 * caller renders. */
static void
render_merged_into(struct render_ctx *r, const struct index_touch *t,
    int64_t into, int *budget)
{
	struct id_set ids = { 0 };
	struct merge_ctx mc = { .r = r, .skip_month = t->month };

	if (into != t->thread)
		render_thread(r, into);
	store_archive_each_in_thread(r->s, into, collect_msg, &ids);
	for (int i = 0; i < ids.n && *budget > 0; i++)
		if (ids.v[i] != t->msg) {
			render_message_relink(r, ids.v[i]);
			(*budget)--;
		}
	xfree(ids.v);
	store_archive_each_thread_month(r->s, into, regroup_month_cb, &mc);
}

/* Threads merged by the new message: their pages go, and every thread
 * they went into is re-rendered. That is usually the new message's
 * thread, but not always: a reference chain can join two older threads
 * while the new message sits in a third. */
static void
render_merged(struct render_ctx *r, const struct index_touch *t)
{
	int64_t into[THREAD_GONE_MAX + 1];
	int n_into = 0, budget = MERGED_RERENDER_MAX;

	for (int i = 0; i < t->place.n_gone; i++)
		render_thread(r, t->place.gone[i]);	/* removes the page */
	if (t->place.n_gone == 0)
		return;
	into[n_into++] = t->thread;
	for (int i = 0; i < t->place.n_gone; i++) {
		int seen = 0;

		for (int k = 0; k < n_into; k++)
			seen |= into[k] == t->place.gone_to[i];
		if (!seen)
			into[n_into++] = t->place.gone_to[i];
	}
	for (int k = 0; k < n_into; k++)
		render_merged_into(r, t, into[k], &budget);
}

static void
remove_page(struct render_ctx *r, const char *hash)
{
	char name[80], *path;

	render_msg_name(hash, name, sizeof(name));
	path = xasprintf("%s/%s", r->dir, name);
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("archive unlink path=%s", path);
	xfree(path);
}

/* The pages that change when a message was added, but its own. */
static enum status
render_touched(struct render_ctx *r, const struct index_touch *t)
{
	struct arc_msg m;
	enum status st;
	int last;

	if ((st = store_archive_msg_get(r->s, t->msg, &m)) != ST_OK)
		return st;
	last = render_last_in_month(r, &m);
	render_neighbours(r, &m);
	render_merged(r, t);
	if ((st = render_thread(r, t->thread)) != ST_OK ||
	    (st = (t->place.n_gone ? render_month(r, t->month) :
	    render_month_add(r, &m, last))) != ST_OK ||
	    (st = render_mbox_add(r, &m, last)) != ST_OK ||
	    (st = render_list_index(r)) != ST_OK ||
	    (st = render_feed(r)) != ST_OK)
		return st;
	return render_home(r);
}

enum status
archive_post_add(struct store *s, const struct list *l, const char *hash,
    const char *raw, size_t raw_len)
{
	struct index_touch t;
	struct render_ctx r;
	enum status st, page_st;
	int opened;

	if ((st = store_begin(s)) != ST_OK)
		return st;
	st = archive_index_add(s, l, hash, raw, raw_len, &t);
	if (st != ST_OK) {
		store_rollback(s);
		if (st == ST_EXISTS)
			return ST_OK;	/* the same post again */
		log_info("archive add-failed district=%s list=%s msg=%.12s "
		    "status=%s", store_slug(s), l->name, hash, status_name(st));
		return st;
	}
	/* The post's own page is written before the commit that shows it
	 * (search, month views, its neighbours' links), so no reader follows
	 * a link to a page not written yet; a page of a post whose commit
	 * failed is taken away again. The same context renders the rest
	 * once committed. */
	if ((opened = (page_st = render_open(&r, s, l)) == ST_OK))
		page_st = render_message(&r, t.msg);
	if ((st = store_commit(s)) != ST_OK) {
		if (page_st == ST_OK)
			remove_page(&r, hash);
		render_close(&r);
		return st;
	}
	log_debug("archive add district=%s list=%s msg=%.12s thread=%lld",
	    store_slug(s), l->name, hash, (long long)t.thread);
	fault_pause("archive.committed");
	if (opened) {
		render_snapshot(&r);
		st = render_touched(&r, &t);
	}
	render_close(&r);
	return page_st != ST_OK ? page_st : st;
}

/* The jobs of a full render, in the order the pool's front takes them:
 * month views with their mbox (few, large), thread pages, then message
 * pages (the pool's back takes those first). */
struct job_list {
	struct render_job	*v;
	int			 n;
	int			 cap;
	struct id_set		 msgs;
	struct id_set		 threads;
};

static void
job_add(struct job_list *jl, enum status (*page)(struct render_ctx *,
    int64_t), int64_t id)
{
	if (jl->n == jl->cap) {
		jl->cap = jl->cap ? jl->cap * 2 : 256;
		jl->v = xrealloc(jl->v, sizeof(*jl->v) * (size_t)jl->cap);
	}
	jl->v[jl->n++] = (struct render_job){ page, id };
}

static int
collect_page(const struct arc_msg *m, void *ctx)
{
	struct job_list *jl = ctx;

	id_add(&jl->msgs, m->id);
	id_add(&jl->threads, m->thread);
	return 0;
}

static int
collect_month(const char *month, int64_t n, void *ctx)
{
	int64_t id = month_id(month);

	(void)n;
	if (id == -1) {
		log_warnx("archive bad-month month=\"%s\" (not rendered)",
		    month);
		return 0;
	}
	job_add(ctx, render_month_all, id);
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Every page of r's list, then the archive home. */
static enum status
render_every(struct render_ctx *r)
{
	struct job_list jl = { 0 };
	int64_t *t;
	enum status st;

	if ((st = store_archive_each_month(r->s, r->l->id, collect_month,
	    &jl)) != ST_OK || (st = store_archive_each_msg(r->s, r->l->id,
	    collect_page, &jl)) != ST_OK)
		goto out;
	t = jl.threads.v;
	if (jl.threads.n > 0)
		qsort(t, (size_t)jl.threads.n, sizeof(*t), cmp_id);
	for (int i = 0; i < jl.threads.n; i++)	/* each thread once */
		if (i == 0 || t[i] != t[i - 1])
			job_add(&jl, render_thread, t[i]);
	for (int i = 0; i < jl.msgs.n; i++)
		job_add(&jl, render_message, jl.msgs.v[i]);
	if ((st = render_pool_jobs(r, jl.v, jl.n)) != ST_OK ||
	    (st = render_list_index(r)) != ST_OK ||
	    (st = render_feed(r)) != ST_OK)
		goto out;
	st = render_home(r);
out:
	xfree(jl.v);
	xfree(jl.msgs.v);
	xfree(jl.threads.v);
	return st;
}

enum status
archive_render_all(struct store *s, const struct list *l)
{
	struct render_ctx r;
	enum status st;

	if ((st = render_open(&r, s, l)) == ST_OK)
		st = render_every(&r);
	render_close(&r);
	return st;
}

enum status
archive_export(struct store *s, const struct list *l, const char *dir)
{
	struct render_ctx r;
	enum status st;

	if ((st = render_open_at(&r, s, l, dir)) == ST_OK)
		st = render_every(&r);
	render_close(&r);
	return st;
}

struct hash_list {
	char	(*h)[MSGSTORE_HASH_LEN + 1];
	int	  n;
	int	  cap;
};

static int
collect_hash(const struct arc_msg *m, void *ctx)
{
	struct hash_list *hl = ctx;

	if (hl->n == hl->cap) {
		hl->cap = hl->cap ? hl->cap * 2 : 256;
		hl->h = xrealloc(hl->h, sizeof(*hl->h) * (size_t)hl->cap);
	}
	memcpy(hl->h[hl->n++], m->hash, MSGSTORE_HASH_LEN + 1);
	return 0;
}

static enum status
reindex(struct store *s, const struct list *l, const struct hash_list *hl)
{
	struct index_touch t;
	enum status st;

	if ((st = store_archive_list_clear(s, l->id)) != ST_OK)
		return st;
	for (int i = 0; i < hl->n; i++) {
		char *raw = NULL;
		size_t len;

		st = msgstore_get(store_dir(s), hl->h[i], ARCHIVE_MSG_MAX, &raw,
		    &len);
		if (st == ST_OK)
			st = archive_index_add(s, l, hl->h[i], raw, len, &t);
		xfree(raw);
		if (st != ST_OK && st != ST_EXISTS) {
			log_warnx("archive rebuild district=%s list=%s msg=%.12s "
			    "status=%s", store_slug(s), l->name, hl->h[i],
			    status_name(st));
			return st;
		}
	}
	return ST_OK;
}

enum status
archive_rebuild(struct store *s, const struct list *l)
{
	struct hash_list hl = { 0 };
	enum status st;

	if ((st = store_archive_each_msg(s, l->id, collect_hash, &hl)) != ST_OK ||
	    (st = store_begin(s)) != ST_OK)
		goto out;
	if ((st = reindex(s, l, &hl)) != ST_OK) {
		store_rollback(s);	/* the old index stays */
		goto out;
	}
	if ((st = store_commit(s)) == ST_OK)
		st = archive_render_all(s, l);
out:
	xfree(hl.h);
	return st;
}

char *
archive_search_query(const char *text)
{
	struct buf b;
	const char *p = text;
	char *q;

	buf_init(&b, strlen(text) * 3 + 16);
	while (*p) {
		size_t n;

		while (*p && isspace((unsigned char)*p))
			p++;
		if ((n = strcspn(p, " \t\r\n\v\f")) == 0)
			break;
		buf_append_str(&b, b.len ? " \"" : "\"");
		for (size_t i = 0; i < n; i++)
			buf_append(&b, p[i] == '"' ? "\"\"" : p + i,
			    p[i] == '"' ? 2 : 1);
		buf_append(&b, "\"", 1);
		p += n;
	}
	q = b.len ? buf_steal(&b) : NULL;
	buf_release(&b);	/* frees nothing after a steal */
	return q;
}
