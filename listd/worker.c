/* worker.c - the delivery loop (see worker.h). Each worker keeps its own
 * SQLite connections: the site store and one per district it serves. A
 * batch is marked done only after the relay's reply to DATA (P3). */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/fault.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/msgpack.h"
#include "core/msgstore.h"
#include "core/store_list.h"
#include "core/store_post.h"
#include "core/store_queue.h"
#include "core/store_member.h"
#include "core/store_site.h"
#include "core/unsub.h"
#include "core/xmem.h"
#include "listd/deliver.h"
#include "listd/archiver.h"
#include "listd/bounce.h"
#include "listd/digest.h"
#include "listd/schedule.h"
#include "listd/moderation.h"

#include "listd/worker.h"
#include "web/web.h"
#include "listd/queue.h"

#define DISTRICTS_MAX		256
#define DISTRICT_REFRESH	5	/* seconds between district list reads */
#define EXPIRE_EVERY		60	/* seconds between expiry passes */
#define EXPIRE_MAX		200	/* batches expired per pass */

struct wdistrict {
	struct district	 d;
	struct store	*ds;
};

struct wctx {
	int			 id;
	const char		*home;
	volatile int		*stopping;
	struct wdistrict	 districts[DISTRICTS_MAX];
	int			 n_districts;
	time_t			 refreshed;
	char			 body_hash[MSGSTORE_HASH_LEN + 1];
	char			*body;		/* cache of the last body read */
	size_t			 body_len;
	time_t			 expired_at;
};

/* One claimed batch on its way: the batch, its post's envelope and the
 * recipients split out of the batch's text. */
struct job {
	struct batch		 b;
	struct post		 post;
	struct list		 list;
	char			 reverse_path[ADDR_MAX + 1];
	struct deliver_rcpt	*rcpts;
	int			 n_rcpts;
};

static int
add_district(const struct district *d, void *arg)
{
	struct wctx *w = arg;

	for (int i = 0; i < w->n_districts; i++)
		if (strcmp(w->districts[i].d.slug, d->slug) == 0) {
			w->districts[i].d = *d;
			/* Restored from a backup since: drop the old file's
			 * handle; open_district() opens the new one. */
			if (w->districts[i].ds &&
			    store_replaced(w->districts[i].ds)) {
				store_close(w->districts[i].ds);
				w->districts[i].ds = NULL;
			}
			return 0;
		}
	if (w->n_districts == DISTRICTS_MAX)
		return 1;
	w->districts[w->n_districts].d = *d;
	w->districts[w->n_districts].ds = NULL;
	w->n_districts++;
	return 0;
}

static void
refresh_districts(struct wctx *w)
{
	struct store *site;

	if (time(NULL) - w->refreshed < DISTRICT_REFRESH)
		return;
	w->refreshed = time(NULL);
	if (store_site_open(w->home, &site) != ST_OK)
		return;
	(void)store_district_each(site, add_district, w);
	store_close(site);
}

/* Open a district for this worker. Its delivery records may use relaxed
 * syncing: losing a "done" mark to a power cut only re-sends (P3 is at
 * least once); intake's commits stay fully synchronous (P1). */
static int
open_district(struct wctx *w, struct wdistrict *wd)
{
	if (store_district_open(w->home, wd->d.slug, 0, &wd->ds) != ST_OK)
		return -1;
	store_sync_relaxed(wd->ds);
	msgpack_preload(store_dir(wd->ds));	/* as use_district() in intake.c */
	return 0;
}

/* The outgoing body of a post, read once and kept while it is reused. */
static int
load_body(struct wctx *w, struct store *ds, const char *hash)
{
	if (strcmp(w->body_hash, hash) == 0 && w->body)
		return 0;
	xfree(w->body);
	w->body = NULL;
	w->body_hash[0] = '\0';
	if (msgstore_get(store_dir(ds), hash, (size_t)2 << 30, &w->body,
	    &w->body_len) != ST_OK)
		return -1;
	snprintf(w->body_hash, sizeof(w->body_hash), "%s", hash);
	return 0;
}

/* Split the batch's newline-separated recipients in place. */
static void
split_rcpts(struct job *j)
{
	char *p = j->b.rcpts;

	j->rcpts = xcalloc((size_t)j->b.n_rcpt + 1, sizeof(*j->rcpts));
	while (*p && j->n_rcpts <= j->b.n_rcpt) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		if (*p)
			j->rcpts[j->n_rcpts++].address = p;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

static int
prepare_job(struct store *ds, const struct district *d, struct job *j)
{
	struct list l;

	if (store_post_get(ds, j->b.post_id, &j->post) != ST_OK ||
	    store_list_get_id(ds, j->post.list_id, &l) != ST_OK)
		return -1;
	j->list = l;
	/* Notices carry their own envelope sender (a probe's VERP address). */
	if (strcmp(j->post.kind, "notice") == 0 && j->post.sender[0]) {
		size_t n = strlen(j->post.sender);

		memcpy(j->reverse_path, j->post.sender, n + 1);
	} else
		snprintf(j->reverse_path, sizeof(j->reverse_path),
		    "%s-bounces@%s", l.name, d->domain);
	split_rcpts(j);
	return 0;
}

static void
job_clear(struct job *j)
{
	batch_clear(&j->b);
	xfree(j->rcpts);
}

static int
is_2xx(int code) { return code >= 200 && code < 300; }
static int
is_5xx(int code) { return code >= 500 && code < 600; }

/* A recipient the relay refused for now goes back to the queue on its own,
 * behind a back-off for its domain. */
static void
defer_rcpt(struct store *ds, const struct job *j, const struct deliver_rcpt *r,
    int64_t now)
{
	const char *domain = addr_domain(r->address);
	int64_t until;
	int failures;

	(void)store_backoff_get(ds, domain, &until, &failures);
	failures++;
	(void)store_backoff_set(ds, domain, now + queue_backoff(failures,
	    cfg->retry_min, cfg->retry_max), failures);
	(void)store_batch_add(ds, j->b.post_id, domain, r->address, 1,
	    j->b.urgent);
}

/* Count every recipient of j under kind, by its domain (for /metrics). */
static void
count_rcpts(const struct job *j, enum metrics_delivery kind)
{
	for (int k = 0; k < j->n_rcpts; k++)
		metrics_delivery_add(addr_domain(j->rcpts[k].address), kind, 1);
}

/* Record the relay's answer for one job; returns the recipients that reached
 * it. Runs inside the caller's transaction. */
static int64_t
record_job(struct store *ds, struct job *j, const struct deliver_msg *m,
    int session_ok, const char *err, int64_t now)
{
	int64_t delivered = 0, bounced = 0;
	int any_ok = 0, any_code = 0;

	for (int k = 0; k < j->n_rcpts; k++) {
		any_ok |= is_2xx(j->rcpts[k].code);
		any_code |= j->rcpts[k].code != 0;
	}
	/* The message as a whole failed (or never got as far as RCPT): the
	 * batch goes again, or fails whole on a 5xx to DATA. When no RCPT was
	 * accepted, the DATA reply says nothing; each RCPT reply decides. */
	if (!session_ok || !any_code || (any_ok && !is_2xx(m->code))) {
		if (session_ok && is_5xx(m->code)) {
			for (int k = 0; k < j->n_rcpts; k++, bounced++)
				store_failure_add(ds, j->b.post_id,
				    j->rcpts[k].address, 1, "5.0.0", m->text);
			store_batch_fail(ds, j->b.id, m->text);
		} else
			store_batch_retry(ds, j->b.id, now + queue_backoff(
			    j->b.attempts + 1, cfg->retry_min, cfg->retry_max),
			    session_ok ? m->text : err);
		count_rcpts(j, bounced ? METRICS_BOUNCED : METRICS_DEFERRED);
		store_post_tally(ds, j->b.post_id, 0, bounced);
		return 0;
	}
	for (int k = 0; k < j->n_rcpts; k++) {
		const struct deliver_rcpt *r = &j->rcpts[k];

		enum metrics_delivery kind = METRICS_DELIVERED;

		if (is_5xx(r->code)) {
			store_failure_add(ds, j->b.post_id, r->address, 1,
			    "5.0.0", r->text);
			bounced++;
			kind = METRICS_BOUNCED;
		} else if (!is_2xx(r->code)) {
			defer_rcpt(ds, j, r, now);
			kind = METRICS_DEFERRED;
		} else
			delivered++;
		metrics_delivery_add(addr_domain(r->address), kind, 1);
	}
	store_batch_done(ds, j->b.id);
	if (strcmp(j->b.domain, "*") != 0 && delivered > 0)
		store_backoff_clear(ds, j->b.domain);
	store_post_tally(ds, j->b.post_id, delivered, bounced);
	return delivered;
}

#define COPY_PREFIX_MAX	2048

/* One copy per member: its own VERP envelope and one-click link. */
static void
personal_msgs(struct store *ds, const struct district *d, struct job *j,
    struct deliver_msg *msgs, char *prefixes, char *paths)
{
	for (int k = 0; k < j->n_rcpts; k++) {
		char url[CONFIG_STR_MAX + 600], tok[64];
		char *prefix = prefixes + (size_t)k * COPY_PREFIX_MAX;
		char *path = paths + (size_t)k * (ADDR_MAX + 1);
		struct member m;
		int n;

		if (store_member_get(ds, j->list.id, j->rcpts[k].address, &m)
		    == ST_OK) {
			unsub_verp_token(tok, sizeof(tok), d->slug, j->list.id,
			    m.id);
			n = snprintf(path, ADDR_MAX + 1, "%s-bounces+%s@%s",
			    j->list.name, tok, d->domain);
			if (n < 0 || n > 64 + 1 + (int)strlen(d->domain))
				snprintf(path, ADDR_MAX + 1, "%s", j->reverse_path);
		} else
			snprintf(path, ADDR_MAX + 1, "%s", j->reverse_path);
		prefix[0] = '\0';
		if (unsub_url(url, sizeof(url), cfg->base_url, d->slug,
		    j->list.name, j->rcpts[k].address) == 0)
			snprintf(prefix, COPY_PREFIX_MAX, "List-Unsubscribe: <%s>,\r\n"
			    " <mailto:%s-leave@%s>\r\nList-Unsubscribe-Post: "
			    "List-Unsubscribe=One-Click\r\n", url, j->list.name,
			    d->domain);
		msgs[k].reverse_path = path;
		msgs[k].prefix = prefix;
		msgs[k].prefix_len = strlen(prefix);
		msgs[k].body = NULL;
		msgs[k].rcpts = &j->rcpts[k];
		msgs[k].n_rcpts = 1;
	}
}

/* Fold per-copy answers into the recipients, as if one message had carried
 * them: a copy refused after RCPT counts against its recipient. */
static void
fold_personal(struct job *j, const struct deliver_msg *msgs,
    struct deliver_msg *as_one)
{
	memset(as_one, 0, sizeof(*as_one));
	as_one->code = 250;
	for (int k = 0; k < j->n_rcpts; k++) {
		struct deliver_rcpt *r = &j->rcpts[k];

		if (r->code >= 200 && r->code < 300 &&
		    !(msgs[k].code >= 200 && msgs[k].code < 300)) {
			r->code = msgs[k].code ? msgs[k].code : 451;
			snprintf(r->text, sizeof(r->text), "%s", msgs[k].text);
		}
	}
}

static void
send_personal(struct wctx *w, struct wdistrict *wd, struct job *j)
{
	struct deliver_msg *msgs = xcalloc((size_t)j->n_rcpts + 1, sizeof(*msgs));
	char *prefixes = xcalloc((size_t)j->n_rcpts + 1, COPY_PREFIX_MAX);
	char *paths = xcalloc((size_t)j->n_rcpts + 1, ADDR_MAX + 1);
	struct deliver_msg one;
	char err[256] = "";
	int ok;

	personal_msgs(wd->ds, &wd->d, j, msgs, prefixes, paths);
	ok = load_body(w, wd->ds, j->post.out_hash) == 0;
	for (int k = 0; k < j->n_rcpts; k++) {
		msgs[k].body = w->body;
		msgs[k].body_len = w->body_len;
	}
	if (!ok)
		snprintf(err, sizeof(err), "the post's body cannot be read");
	else
		ok = deliver_session(cfg->relay, cfg->helo_name, msgs,
		    j->n_rcpts, NULL, NULL, err, sizeof(err)) == 0;
	fault_crash("deliver.sent");
	fold_personal(j, msgs, &one);
	if (store_begin(wd->ds) == ST_OK) {
		int64_t delivered = record_job(wd->ds, j, &one, ok, err,
		    store_now());

		if (store_commit(wd->ds) == ST_OK)
			log_info("deliver personal district=%s batch=%lld "
			    "delivered=%lld%s%s", wd->d.slug, (long long)j->b.id,
			    (long long)delivered, ok ? "" : " error=", err);
	}
	xfree(msgs);
	xfree(prefixes);
	xfree(paths);
}

/* Jobs of one session, recorded one by one as the relay answers. */
struct session_jobs {
	struct wdistrict	*wd;
	struct job		*jobs;
	int			 recorded[WORKER_BATCHES_PER_SESSION];
	int64_t			 delivered;
};

/* The relay answered DATA for jobs[i]: record it now, in its own
 * transaction, so a crash re-sends at most the batch in flight (P3). */
static void
on_sent(struct deliver_msg *m, int i, void *arg)
{
	struct session_jobs *sj = arg;
	struct store *ds = sj->wd->ds;

	fault_crash("deliver.sent");
	if (store_begin(ds) != ST_OK)
		return;		/* the lease expires; the batch goes again */
	sj->delivered += record_job(ds, &sj->jobs[i], m, 1, "", store_now());
	if (store_commit(ds) == ST_OK)
		sj->recorded[i] = 1;
}

/* Send jobs[0..n) (one body) in one SMTP session and record the outcome. */
static void
send_jobs(struct wctx *w, struct wdistrict *wd, struct job *jobs, int n)
{
	struct deliver_msg msgs[WORKER_BATCHES_PER_SESSION];
	struct session_jobs sj;
	char err[256] = "";
	int ok;

	memset(msgs, 0, sizeof(msgs));
	memset(&sj, 0, sizeof(sj));
	sj.wd = wd;
	sj.jobs = jobs;
	ok = load_body(w, wd->ds, jobs[0].post.out_hash) == 0;
	for (int i = 0; i < n; i++) {
		msgs[i].reverse_path = jobs[i].reverse_path;
		msgs[i].body = w->body;
		msgs[i].body_len = w->body_len;
		msgs[i].rcpts = jobs[i].rcpts;
		msgs[i].n_rcpts = jobs[i].n_rcpts;
	}
	if (!ok)
		snprintf(err, sizeof(err), "the post's body cannot be read");
	else
		ok = deliver_session(cfg->relay, cfg->helo_name, msgs, n, on_sent,
		    &sj, err, sizeof(err)) == 0;
	/* What the relay never answered (refused, cut off) goes again. */
	if (store_begin(wd->ds) != ST_OK)
		return;
	for (int i = 0; i < n; i++)
		if (!sj.recorded[i])
			sj.delivered += record_job(wd->ds, &jobs[i], &msgs[i], ok,
			    err, store_now());
	if (store_commit(wd->ds) != ST_OK)
		log_warnx("deliver commit failed district=%s", wd->d.slug);
	log_info("deliver session district=%s batches=%d delivered=%lld%s%s",
	    wd->d.slug, n, (long long)sj.delivered, ok ? "" : " error=", err);
}

/* Lease ready batches of one district and deliver them. Returns how many
 * batches were handled. */
static int
work_district(struct wctx *w, struct wdistrict *wd)
{
	struct job jobs[WORKER_BATCHES_PER_SESSION];
	struct batch claimed[WORKER_BATCHES_PER_SESSION];
	int n = 0, n_jobs = 0, start;
	int64_t now = store_now();

	if (wd->ds == NULL && open_district(w, wd) == -1)
		return 0;
	if (store_batch_claim(wd->ds, now, now + WORKER_LEASE_SECONDS,
	    WORKER_BATCHES_PER_SESSION, claimed, &n) != ST_OK || n == 0)
		return 0;
	memset(jobs, 0, sizeof(jobs));
	for (int i = 0; i < n; i++) {
		jobs[n_jobs].b = claimed[i];
		if (prepare_job(wd->ds, &wd->d, &jobs[n_jobs]) == -1) {
			job_clear(&jobs[n_jobs]);
			continue;
		}
		n_jobs++;
	}
	/* One session per run of batches that share a body. */
	for (start = 0; start < n_jobs; ) {
		int end = start + 1;

		while (end < n_jobs && strcmp(jobs[end].post.out_hash,
		    jobs[start].post.out_hash) == 0)
			end++;
		if (jobs[start].post.personal)
			for (int k = start; k < end; k++)
				send_personal(w, wd, &jobs[k]);
		else
			send_jobs(w, wd, jobs + start, end - start);
		start = end;
	}
	for (int i = 0; i < n_jobs; i++)
		job_clear(&jobs[i]);
	return n;
}

struct expired {
	struct batch	b[EXPIRE_MAX];
	int		n;
};

static int
collect_expired(const struct batch *b, void *arg)
{
	struct expired *e = arg;

	e->b[e->n] = *b;
	e->b[e->n].rcpts = xstrdup(b->rcpts);
	return ++e->n == EXPIRE_MAX;
}

/* Recipients still deferred after max_queue_age are given up: each is
 * recorded as a permanent failure, so every recipient ends accounted
 * for (P4). */
static void
expire_district(struct wdistrict *wd)
{
	static __thread struct expired e;
	int64_t cutoff = store_now() - cfg->max_queue_age;

	e.n = 0;
	if (store_batch_each_expired(wd->ds, cutoff, collect_expired, &e)
	    != ST_OK || e.n == 0)
		return;
	if (store_begin(wd->ds) == ST_OK) {
		for (int i = 0; i < e.n; i++) {
			struct job j;

			memset(&j, 0, sizeof(j));
			j.b = e.b[i];
			e.b[i].rcpts = NULL;
			split_rcpts(&j);
			for (int k = 0; k < j.n_rcpts; k++)
				store_failure_add(wd->ds, j.b.post_id,
				    j.rcpts[k].address, 1, "4.4.7",
				    "gave up: still deferred after max_queue_age");
			store_batch_fail(wd->ds, j.b.id, "expired");
			store_post_tally(wd->ds, j.b.post_id, 0, j.n_rcpts);
			job_clear(&j);
		}
		if (store_commit(wd->ds) == ST_OK)
			log_info("deliver expire district=%s batches=%d",
			    wd->d.slug, e.n);
	}
	for (int i = 0; i < e.n; i++)
		batch_clear(&e.b[i]);
}

/* Worker 0's chores: moderators' decisions and queue expiry. */
static int
maintain(struct wctx *w)
{
	int did = 0;

	for (int i = 0; i < w->n_districts && !*w->stopping; i++) {
		struct wdistrict *wd = &w->districts[i];

		if (wd->ds == NULL && open_district(w, wd) == -1)
			continue;
		did += moderation_apply(wd->ds, &wd->d);
		(void)moderation_notify(wd->ds, &wd->d);
		did += archiver_run(wd->ds, &wd->d);
		if (time(NULL) - w->expired_at >= EXPIRE_EVERY) {
			expire_district(wd);
			did += bounce_maintain(wd->ds, &wd->d);
			did += moderation_expire(wd->ds, &wd->d);
			did += digest_run(wd->ds, &wd->d);
			did += schedule_generate(wd->ds, &wd->d);
		}
	}
	if (time(NULL) - w->expired_at >= EXPIRE_EVERY) {
		web_prune(w->home);
		w->expired_at = time(NULL);
	}
	return did;
}

static void *
worker_main(void *arg)
{
	struct wctx *w = arg;

	while (!*w->stopping) {
		int did = 0;

		refresh_districts(w);
		if (w->id == 0)
			did += maintain(w);
		for (int i = 0; i < w->n_districts && !*w->stopping; i++)
			did += work_district(w, &w->districts[i]);
		if (!did)
			queue_wait(1000);
	}
	for (int i = 0; i < w->n_districts; i++)
		store_close(w->districts[i].ds);
	xfree(w->body);
	xfree(w);
	return NULL;
}

void
worker_start(struct worker_pool *pool, int n, const char *home,
    volatile int *stopping)
{
	memset(pool, 0, sizeof(*pool));
	pool->home = home;
	pool->stopping = stopping;
	for (int i = 0; i < n && i < WORKER_MAX; i++) {
		struct wctx *w = xcalloc(1, sizeof(*w));

		w->id = i;
		w->home = home;
		w->stopping = stopping;
		if (pthread_create(&pool->threads[pool->n], NULL, worker_main,
		    w) != 0) {
			xfree(w);
			break;
		}
		pool->n++;
	}
}

void
worker_join(struct worker_pool *pool)
{
	queue_notify();
	for (int i = 0; i < pool->n; i++)
		pthread_join(pool->threads[i], NULL);
}

static int
recover_district(const struct district *d, void *arg)
{
	const char *home = arg;
	struct store *ds;
	int n = 0;

	if (store_district_open(home, d->slug, 0, &ds) != ST_OK)
		return 0;
	if (store_batch_recover(ds, 3, &n) == ST_OK && n > 0)
		log_warnx("deliver quarantine district=%s batches=%d "
		    "alert=\"batches quarantined after repeated crashes\"",
		    d->slug, n);
	store_close(ds);
	return 0;
}

void
worker_recover(const char *home)
{
	struct store *site;

	if (store_site_open(home, &site) != ST_OK)
		return;
	(void)store_district_each(site, recover_district, (void *)home);
	store_close(site);
}
