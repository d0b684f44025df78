/* store_queue.c - SQL for the delivery queue (see store_queue.h). A batch's
 * lease is how a worker owns it; a lease outlives a crash only until the
 * next start, when store_batch_recover() releases it. */
#include <string.h>

#include "core/store_int.h"
#include "core/store_queue.h"
#include "core/xmem.h"

#define BATCH_COLS "id, post_id, domain, rcpts, n_rcpt, urgent, attempts," \
	" recoveries, next_try, state, last_error"

void
batch_clear(struct batch *b)
{
	xfree(b->rcpts);
	b->rcpts = NULL;
}

static void
row_to_batch(sqlite3_stmt *st, struct batch *b)
{
	const unsigned char *r;

	memset(b, 0, sizeof(*b));
	b->id = sqlite3_column_int64(st, 0);
	b->post_id = sqlite3_column_int64(st, 1);
	store_col_text(st, 2, b->domain, sizeof(b->domain));
	r = sqlite3_column_text(st, 3);
	b->rcpts = xstrdup(r ? (const char *)r : "");
	b->n_rcpt = sqlite3_column_int(st, 4);
	b->urgent = sqlite3_column_int(st, 5);
	b->attempts = sqlite3_column_int(st, 6);
	b->recoveries = sqlite3_column_int(st, 7);
	b->next_try = sqlite3_column_int64(st, 8);
	store_col_text(st, 9, b->state, sizeof(b->state));
	store_col_text(st, 10, b->last_error, sizeof(b->last_error));
}

enum status
store_batch_add(struct store *s, int64_t post_id, const char *domain,
    const char *rcpts, int n, int urgent)
{
	static const char sql[] = "INSERT INTO batch (post_id, domain, rcpts,"
	    " n_rcpt, urgent, created) VALUES (?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, post_id);
	sqlite3_bind_text(st, 2, domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, rcpts, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, n);
	sqlite3_bind_int(st, 5, urgent);
	sqlite3_bind_int64(st, 6, store_now());
	return store_exec_stmt(s, st, "batch_add");
}

enum status
store_batch_claim(struct store *s, int64_t now, int64_t lease_until, int max,
    struct batch *out, int *n)
{
	static const char sql[] = "UPDATE batch SET lease = ?2"
	    " WHERE id IN (SELECT b.id FROM batch b WHERE b.state = 'pending'"
	    " AND b.lease < ?1 AND b.next_try <= ?1 AND NOT EXISTS"
	    " (SELECT 1 FROM domain_backoff d WHERE d.domain = b.domain"
	    "  AND d.until > ?1)"
	    " ORDER BY b.urgent DESC, b.id LIMIT ?3)"
	    " RETURNING " BATCH_COLS;
	sqlite3_stmt *st = store_stmt(s, sql);
	int err;

	*n = 0;
	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, lease_until);
	sqlite3_bind_int(st, 3, max);
	while ((err = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		row_to_batch(st, &out[(*n)++]);
	while (err == SQLITE_ROW)
		err = sqlite3_step(st);
	sqlite3_reset(st);
	if (err != SQLITE_DONE) {
		for (int i = 0; i < *n; i++)
			batch_clear(&out[i]);
		*n = 0;
		return store_status(s, err, "batch_claim");
	}
	return ST_OK;
}

enum status
store_batch_done(struct store *s, int64_t id)
{
	static const char sql[] = "UPDATE batch SET state = 'done', lease = 0,"
	    " last_error = '' WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	return store_exec_stmt(s, st, "batch_done");
}

enum status
store_batch_retry(struct store *s, int64_t id, int64_t next_try,
    const char *error)
{
	static const char sql[] = "UPDATE batch SET attempts = attempts + 1,"
	    " lease = 0, next_try = ?, last_error = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, next_try);
	sqlite3_bind_text(st, 2, error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	return store_exec_stmt(s, st, "batch_retry");
}

enum status
store_batch_fail(struct store *s, int64_t id, const char *error)
{
	static const char sql[] = "UPDATE batch SET state = 'failed', lease = 0,"
	    " last_error = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	return store_exec_stmt(s, st, "batch_fail");
}

enum status
store_batch_recover(struct store *s, int max_recoveries, int *n_quarantined)
{
	static const char release[] = "UPDATE batch SET lease = 0,"
	    " recoveries = recoveries + 1 WHERE state = 'pending' AND lease > 0";
	static const char quarantine[] = "UPDATE batch SET state ="
	    " 'quarantined', last_error = 'recovered after a crash too often'"
	    " WHERE state = 'pending' AND recoveries >= ?";
	enum status rc;
	sqlite3_stmt *st;

	*n_quarantined = 0;
	if ((rc = store_exec_stmt(s, store_stmt(s, release), "batch_recover"))
	    != ST_OK)
		return rc;
	if ((st = store_stmt(s, quarantine)) == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int(st, 1, max_recoveries);
	if ((rc = store_exec_stmt(s, st, "batch_quarantine")) == ST_OK)
		*n_quarantined = sqlite3_changes(s->db);
	return rc;
}

static enum status
batch_walk(struct store *s, sqlite3_stmt *st,
    int (*fn)(const struct batch *, void *), void *ctx)
{
	struct batch b;
	int err, stop = 0;

	if (st == NULL)
		return ST_INTERNAL;
	while (!stop && (err = sqlite3_step(st)) == SQLITE_ROW) {
		row_to_batch(st, &b);
		stop = fn(&b, ctx);
		batch_clear(&b);
	}
	if (stop)
		err = SQLITE_DONE;
	sqlite3_reset(st);
	return err == SQLITE_DONE ? ST_OK : store_status(s, err, "batch_each");
}

enum status
store_batch_each_expired(struct store *s, int64_t cutoff,
    int (*fn)(const struct batch *, void *), void *ctx)
{
	static const char sql[] = "SELECT " BATCH_COLS " FROM batch"
	    " WHERE state = 'pending' AND lease = 0 AND post_id IN"
	    " (SELECT id FROM post WHERE received < ?) ORDER BY id LIMIT 500";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st)
		sqlite3_bind_int64(st, 1, cutoff);
	return batch_walk(s, st, fn, ctx);
}

enum status
store_batch_each(struct store *s, int64_t post_id,
    int (*fn)(const struct batch *, void *), void *ctx)
{
	static const char sql[] = "SELECT " BATCH_COLS " FROM batch"
	    " WHERE post_id = ? ORDER BY id";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st)
		sqlite3_bind_int64(st, 1, post_id);
	return batch_walk(s, st, fn, ctx);
}

enum status
store_batch_retry_now(struct store *s, int64_t post_id, int *n)
{
	static const char sql[] = "UPDATE batch SET next_try = 0"
	    " WHERE post_id = ? AND state = 'pending'";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;

	*n = 0;
	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, post_id);
	if ((rc = store_exec_stmt(s, st, "batch_retry_now")) == ST_OK)
		*n = sqlite3_changes(s->db);
	return rc;
}

enum status
store_batch_pending(struct store *s, int64_t post_id, int64_t *n_rcpt)
{
	static const char sql[] = "SELECT coalesce(sum(n_rcpt), 0) FROM batch"
	    " WHERE post_id = ? AND state = 'pending'";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st)
		sqlite3_bind_int64(st, 1, post_id);
	return store_row_ints(s, st, n_rcpt, 1, "batch_pending");
}

enum status
store_batch_set_urgent(struct store *s, int64_t post_id, int *n)
{
	static const char sql[] = "UPDATE batch SET urgent = 1"
	    " WHERE post_id = ? AND state = 'pending'";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;

	*n = 0;
	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, post_id);
	if ((rc = store_exec_stmt(s, st, "batch_set_urgent")) == ST_OK)
		*n = sqlite3_changes(s->db);
	return rc;
}

enum status
store_queue_depth(struct store *s, int64_t *batches, int64_t *rcpts)
{
	static const char sql[] = "SELECT count(*), coalesce(sum(n_rcpt), 0)"
	    " FROM batch WHERE state = 'pending'";
	int64_t v[2];
	enum status rc;

	rc = store_row_ints(s, store_stmt(s, sql), v, 2, "queue_depth");
	*batches = v[0];
	*rcpts = v[1];
	return rc;
}

enum status
store_backoff_get(struct store *s, const char *domain, int64_t *until,
    int *failures)
{
	static const char sql[] = "SELECT until, failures FROM domain_backoff"
	    " WHERE domain = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	int err;

	*until = 0;
	*failures = 0;
	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, domain, -1, SQLITE_STATIC);
	err = sqlite3_step(st);
	if (err == SQLITE_ROW) {
		*until = sqlite3_column_int64(st, 0);
		*failures = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return err == SQLITE_ROW || err == SQLITE_DONE ? ST_OK :
	    store_status(s, err, "backoff_get");
}

enum status
store_backoff_set(struct store *s, const char *domain, int64_t until,
    int failures)
{
	static const char sql[] = "INSERT OR REPLACE INTO domain_backoff"
	    " (domain, until, failures) VALUES (?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, domain, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, until);
	sqlite3_bind_int(st, 3, failures);
	return store_exec_stmt(s, st, "backoff_set");
}

enum status
store_backoff_clear(struct store *s, const char *domain)
{
	static const char sql[] = "DELETE FROM domain_backoff WHERE domain = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, domain, -1, SQLITE_STATIC);
	return store_exec_stmt(s, st, "backoff_clear");
}

enum status
store_failure_add(struct store *s, int64_t post_id, const char *address,
    int permanent, const char *code, const char *text)
{
	static const char sql[] = "INSERT INTO delivery_failure (post_id,"
	    " address, permanent, code, text, ts) VALUES (?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, post_id);
	sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, permanent);
	sqlite3_bind_text(st, 4, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, store_now());
	return store_exec_stmt(s, st, "failure_add");
}
