/* store_sub.c - SQL for subscription state (see store_sub.h). */
#include <string.h>

#include "core/store_int.h"
#include "core/store_sub.h"

enum status
store_pending_add(struct store *s, struct pending *p)
{
	static const char sql[] = "INSERT INTO pending (token, list_id, address,"
	    " name, action, post_id, created, expires)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	p->created = store_now();
	sqlite3_bind_text(st, 1, p->token, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, p->list_id);
	sqlite3_bind_text(st, 3, p->address, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, p->action, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, p->post_id);
	sqlite3_bind_int64(st, 7, p->created);
	sqlite3_bind_int64(st, 8, p->expires);
	if ((rc = store_exec_stmt(s, st, "pending_add")) == ST_OK)
		p->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

#define PENDING_COLS "id, token, list_id, address, name, action, post_id," \
	" created, expires"

static void
row_to_pending(sqlite3_stmt *st, struct pending *p)
{
	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, p->token, sizeof(p->token));
	p->list_id = sqlite3_column_int64(st, 2);
	store_col_text(st, 3, p->address, sizeof(p->address));
	store_col_text(st, 4, p->name, sizeof(p->name));
	store_col_text(st, 5, p->action, sizeof(p->action));
	p->post_id = sqlite3_column_int64(st, 6);
	p->created = sqlite3_column_int64(st, 7);
	p->expires = sqlite3_column_int64(st, 8);
}

enum status
store_pending_take(struct store *s, const char *token, int64_t now,
    struct pending *out)
{
	static const char get[] = "SELECT " PENDING_COLS ", used FROM pending"
	    " WHERE token = ?";
	static const char use[] = "UPDATE pending SET used = 1 WHERE id = ?"
	    " AND used = 0";
	sqlite3_stmt *st = store_stmt(s, get);
	enum status rc;
	int err, used = 0;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
	err = sqlite3_step(st);
	if (err == SQLITE_ROW) {
		row_to_pending(st, out);
		used = sqlite3_column_int(st, 9);
	}
	sqlite3_reset(st);
	if (err == SQLITE_DONE)
		return ST_NOTFOUND;
	if (err != SQLITE_ROW)
		return store_status(s, err, "pending_take");
	if (used || out->expires < now)
		return ST_DENIED;
	if ((st = store_stmt(s, use)) == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, out->id);
	if ((rc = store_exec_stmt(s, st, "pending_use")) != ST_OK)
		return rc;
	return sqlite3_changes(s->db) ? ST_OK : ST_DENIED;
}

/* One count(*) with a text and an integer parameter. */
static enum status
count_query(struct store *s, const char *sql, int64_t a, const char *t,
    int64_t since, int *n)
{
	sqlite3_stmt *st = store_stmt(s, sql);
	int err;

	*n = 0;
	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_text(st, 2, t, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, since);
	err = sqlite3_step(st);
	if (err == SQLITE_ROW)
		*n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return err == SQLITE_ROW ? ST_OK : store_status(s, err, "count");
}

enum status
store_pending_count(struct store *s, int64_t list_id, const char *address,
    int64_t since, int *n)
{
	static const char sql[] = "SELECT count(*) FROM pending WHERE"
	    " list_id = ?1 AND address = ?2 AND created >= ?3";

	return count_query(s, sql, list_id, address, since, n);
}

enum status
store_pending_each(struct store *s, int64_t list_id, const char *action,
    int (*fn)(const struct pending *, void *), void *ctx)
{
	static const char sql[] = "SELECT " PENDING_COLS " FROM pending"
	    " WHERE list_id = ? AND action = ? AND used = 0 AND expires >= ?"
	    " ORDER BY id";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct pending p;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_text(st, 2, action, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, store_now());
	while ((err = sqlite3_step(st)) == SQLITE_ROW) {
		row_to_pending(st, &p);
		if (fn(&p, ctx))
			break;
	}
	sqlite3_reset(st);
	return err == SQLITE_ROW || err == SQLITE_DONE ? ST_OK :
	    store_status(s, err, "pending_each");
}

enum status
store_reply_count(struct store *s, const char *address, int64_t since, int *n)
{
	static const char sql[] = "SELECT count(*) FROM reply_log WHERE"
	    " ?1 = ?1 AND address = ?2 AND ts >= ?3";

	return count_query(s, sql, 0, address, since, n);
}

enum status
store_reply_add(struct store *s, const char *address)
{
	static const char sql[] = "INSERT INTO reply_log (address, ts)"
	    " VALUES (?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, address, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, store_now());
	return store_exec_stmt(s, st, "reply_add");
}

enum status
store_template_get(struct store *s, int64_t list_id, const char *name,
    struct buf *out)
{
	static const char sql[] = "SELECT body FROM template WHERE name = ?"
	    " AND list_id IN (?, 0) ORDER BY list_id DESC LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, sql);
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, list_id);
	err = sqlite3_step(st);
	if (err == SQLITE_ROW) {
		buf_reset(out);
		buf_append_str(out, (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	if (err == SQLITE_DONE)
		return ST_NOTFOUND;
	return err == SQLITE_ROW ? ST_OK : store_status(s, err, "template_get");
}

enum status
store_template_set(struct store *s, int64_t list_id, const char *name,
    const char *body)
{
	static const char sql[] = "INSERT OR REPLACE INTO template (list_id,"
	    " name, body) VALUES (?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
	return store_exec_stmt(s, st, "template_set");
}

enum status
store_template_remove(struct store *s, int64_t list_id, const char *name)
{
	static const char sql[] = "DELETE FROM template WHERE list_id = ?"
	    " AND name = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	return store_exec_stmt(s, st, "template_remove");
}

static void
row_to_bounce(sqlite3_stmt *st, struct bounce_state *b)
{
	b->member_id = sqlite3_column_int64(st, 0);
	b->score = sqlite3_column_double(st, 1);
	b->updated = sqlite3_column_int64(st, 2);
	b->disabled_at = sqlite3_column_int64(st, 3);
	b->probes = sqlite3_column_int(st, 4);
	b->last_probe = sqlite3_column_int64(st, 5);
}

enum status
store_bounce_get(struct store *s, int64_t member_id, struct bounce_state *out)
{
	static const char sql[] = "SELECT member_id, score, updated,"
	    " disabled_at, probes, last_probe FROM bounce WHERE member_id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	int err;

	memset(out, 0, sizeof(*out));
	out->member_id = member_id;
	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, member_id);
	err = sqlite3_step(st);
	if (err == SQLITE_ROW)
		row_to_bounce(st, out);
	sqlite3_reset(st);
	return err == SQLITE_ROW || err == SQLITE_DONE ? ST_OK :
	    store_status(s, err, "bounce_get");
}

enum status
store_bounce_put(struct store *s, const struct bounce_state *b)
{
	static const char sql[] = "INSERT OR REPLACE INTO bounce (member_id,"
	    " score, updated, disabled_at, probes, last_probe)"
	    " VALUES (?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, b->member_id);
	sqlite3_bind_double(st, 2, b->score);
	sqlite3_bind_int64(st, 3, b->updated);
	sqlite3_bind_int64(st, 4, b->disabled_at);
	sqlite3_bind_int(st, 5, b->probes);
	sqlite3_bind_int64(st, 6, b->last_probe);
	return store_exec_stmt(s, st, "bounce_put");
}

enum status
store_bounce_each_disabled(struct store *s,
    int (*fn)(const struct bounce_state *, void *), void *ctx)
{
	static const char sql[] = "SELECT member_id, score, updated,"
	    " disabled_at, probes, last_probe FROM bounce WHERE disabled_at > 0"
	    " ORDER BY disabled_at LIMIT 1000";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct bounce_state b;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	while ((err = sqlite3_step(st)) == SQLITE_ROW) {
		row_to_bounce(st, &b);
		if (fn(&b, ctx))
			break;
	}
	sqlite3_reset(st);
	return err == SQLITE_ROW || err == SQLITE_DONE ? ST_OK :
	    store_status(s, err, "bounce_each_disabled");
}

enum status
store_allowed_add(struct store *s, int64_t list_id, const char *address)
{
	static const char sql[] = "INSERT OR IGNORE INTO allowed_sender"
	    " (list_id, address, added) VALUES (?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, store_now());
	return store_exec_stmt(s, st, "allowed_add");
}

enum status
store_allowed_has(struct store *s, int64_t list_id, const char *address)
{
	static const char sql[] = "SELECT 1 FROM allowed_sender"
	    " WHERE list_id = ? AND address = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
	err = sqlite3_step(st);
	sqlite3_reset(st);
	if (err == SQLITE_ROW)
		return ST_OK;
	return err == SQLITE_DONE ? ST_NOTFOUND :
	    store_status(s, err, "allowed_has");
}

enum status
store_setting_get(struct store *s, const char *key, char *out, size_t out_len)
{
	static const char sql[] = "SELECT value FROM setting WHERE key = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	int err;

	out[0] = '\0';
	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	err = sqlite3_step(st);
	if (err == SQLITE_ROW)
		store_col_text(st, 0, out, out_len);
	sqlite3_reset(st);
	if (err == SQLITE_ROW)
		return ST_OK;
	return err == SQLITE_DONE ? ST_NOTFOUND :
	    store_status(s, err, "setting_get");
}

enum status
store_setting_set(struct store *s, const char *key, const char *value)
{
	static const char sql[] = "INSERT OR REPLACE INTO setting (key, value)"
	    " VALUES (?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return store_exec_stmt(s, st, "setting_set");
}
