/* store_metrics.c - the aggregate queries behind /metrics (read only; see
 * store_metrics.h). Queue and generator figures reuse the queries that
 * listctl health and generate status already run. */
#include <string.h>

#include <sqlite3.h>

#include "core/store_health.h"
#include "core/store_int.h"
#include "core/store_metrics.h"
#include "core/store_queue.h"
#include "core/store_roster.h"

static enum status
post_counts(struct store *s, struct store_metrics *m)
{
	static const char sql[] = "SELECT count(*),"
	    " coalesce(sum(state IN ('queued', 'done')), 0),"
	    " coalesce(sum(state = 'held'), 0),"
	    " coalesce(sum(state = 'rejected'), 0),"
	    " coalesce(sum(state = 'discarded'), 0) FROM post"
	    " WHERE kind = 'post'";
	int64_t v[5];
	enum status st;

	st = store_row_ints(s, store_stmt(s, sql), v, 5, "metrics_posts");
	m->received = v[0];
	m->accepted = v[1];
	m->held = v[2];
	m->rejected = v[3];
	m->discarded = v[4];
	return st;
}

static enum status
bounce_disabled(struct store *s, struct store_metrics *m)
{
	static const char sql[] = "SELECT count(*) FROM bounce"
	    " WHERE disabled_at > 0";

	return store_row_ints(s, store_stmt(s, sql), &m->bounce_disabled, 1,
	    "metrics_disabled");
}

static int
count_list_error(const struct roster_run_list *rl, void *ctx)
{
	if (strcmp(rl->state, "error") == 0 || strcmp(rl->state, "refused") == 0)
		(*(int *)ctx)++;
	return 0;
}

static enum status
last_run(struct store *s, struct store_metrics *m)
{
	struct roster_run run;
	int n_bad = 0;
	enum status st;

	st = store_roster_run_last(s, 0, &run);
	if (st == ST_NOTFOUND)
		return ST_OK;
	if (st != ST_OK ||
	    (st = store_roster_run_list_each(s, run.id, count_list_error,
	    &n_bad)) != ST_OK)
		return st;
	m->has_run = 1;
	m->run_finished = run.finished ? run.finished : run.started;
	m->run_ok = (run.applied || run.dry_run) && run.refused == 0 &&
	    n_bad == 0;
	return ST_OK;
}

enum status
store_metrics_district(struct store *s, struct store_metrics *m)
{
	int64_t n;
	enum status st;

	memset(m, 0, sizeof(*m));
	if ((st = post_counts(s, m)) != ST_OK ||
	    (st = store_queue_depth(s, &m->queue_batches, &m->queue_rcpts))
	    != ST_OK ||
	    (st = store_health_queue_oldest(s, &m->queue_oldest, &n)) != ST_OK ||
	    (st = bounce_disabled(s, m)) != ST_OK)
		return st;
	return last_run(s, m);
}
