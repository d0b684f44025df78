/* store_archive_read.c - the archive's read side: the iterators the pages
 * are rendered from, FTS5 search, attachments and per-list settings. The
 * write side (messages, containers) is store_archive.c. */
#include <string.h>

#include "core/store_archive.h"
#include "core/store_int.h"
#include "core/xmem.h"

#define MSG_COLS "m.id, m.list_id, m.node, m.thread, m.date, m.size," \
	" m.n_attach, m.hash, m.message_id, m.subject, m.base_subject," \
	" m.author_name, m.author_addr, m.month"

static void		row_to_msg(sqlite3_stmt *, struct arc_msg *);
static enum status	each_msg(struct store *, sqlite3_stmt *,
			    int (*)(const struct arc_msg *, void *), void *);
static enum status	each_count(struct store *, sqlite3_stmt *,
			    int (*)(const char *, int64_t, void *), void *);

static void
row_to_msg(sqlite3_stmt *st, struct arc_msg *m)
{
	m->id = sqlite3_column_int64(st, 0);
	m->list_id = sqlite3_column_int64(st, 1);
	m->node = sqlite3_column_int64(st, 2);
	m->thread = sqlite3_column_int64(st, 3);
	m->date = sqlite3_column_int64(st, 4);
	m->size = sqlite3_column_int64(st, 5);
	m->n_attach = sqlite3_column_int(st, 6);
	store_col_text(st, 7, m->hash, sizeof(m->hash));
	store_col_text(st, 8, m->message_id, sizeof(m->message_id));
	store_col_text(st, 9, m->subject, sizeof(m->subject));
	store_col_text(st, 10, m->base_subject, sizeof(m->base_subject));
	store_col_text(st, 11, m->author_name, sizeof(m->author_name));
	store_col_text(st, 12, m->author_addr, sizeof(m->author_addr));
	store_col_text(st, 13, m->month, sizeof(m->month));
}

/* Step st to the end, calling fn per row; resets st. */
static enum status
each_msg(struct store *s, sqlite3_stmt *st,
    int (*fn)(const struct arc_msg *, void *), void *ctx)
{
	struct arc_msg *m;
	enum status rc = ST_OK;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	m = xmalloc(sizeof(*m));
	while ((err = sqlite3_step(st)) == SQLITE_ROW) {
		row_to_msg(st, m);
		if (fn(m, ctx) != 0)
			break;
	}
	if (err != SQLITE_ROW && err != SQLITE_DONE)
		rc = store_status(s, err, "archive_each");
	sqlite3_reset(st);
	xfree(m);
	return rc;
}

static enum status
each_count(struct store *s, sqlite3_stmt *st,
    int (*fn)(const char *, int64_t, void *), void *ctx)
{
	enum status rc = ST_OK;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	while ((err = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		if (fn(t ? (const char *)t : "", sqlite3_column_int64(st, 1),
		    ctx) != 0)
			break;
	}
	if (err != SQLITE_ROW && err != SQLITE_DONE)
		rc = store_status(s, err, "archive_each");
	sqlite3_reset(st);
	return rc;
}

enum status
store_archive_each_month(struct store *s, int64_t list_id,
    int (*fn)(const char *, int64_t, void *), void *ctx)
{
	static const char sql[] = "SELECT month, n FROM arc_month"
	    " WHERE list_id = ? ORDER BY month DESC";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st)
		sqlite3_bind_int64(st, 1, list_id);
	return each_count(s, st, fn, ctx);
}

enum status
store_archive_each_in_month(struct store *s, int64_t list_id,
    const char *month, int (*fn)(const struct arc_msg *, void *), void *ctx)
{
	static const char sql[] = "SELECT " MSG_COLS " FROM arc_msg m"
	    " WHERE m.list_id = ? AND m.month = ? ORDER BY m.date, m.id";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st) {
		sqlite3_bind_int64(st, 1, list_id);
		sqlite3_bind_text(st, 2, month, -1, SQLITE_STATIC);
	}
	return each_msg(s, st, fn, ctx);
}

enum status
store_archive_each_node(struct store *s, int64_t thread,
    int (*fn)(const struct arc_node *, void *), void *ctx)
{
	static const char sql[] = "SELECT n.id, n.parent, n.thread,"
	    " coalesce(m.id, 0) FROM arc_node n"
	    " LEFT JOIN arc_msg m ON m.node = n.id WHERE n.thread = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct arc_node n;
	enum status rc = ST_OK;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, thread);
	while ((err = sqlite3_step(st)) == SQLITE_ROW) {
		n.id = sqlite3_column_int64(st, 0);
		n.parent = sqlite3_column_int64(st, 1);
		n.thread = sqlite3_column_int64(st, 2);
		n.msg = sqlite3_column_int64(st, 3);
		if (fn(&n, ctx) != 0)
			break;
	}
	if (err != SQLITE_ROW && err != SQLITE_DONE)
		rc = store_status(s, err, "archive_each_node");
	sqlite3_reset(st);
	return rc;
}

enum status
store_archive_each_thread_month(struct store *s, int64_t thread,
    int (*fn)(const char *, int64_t, void *), void *ctx)
{
	static const char sql[] = "SELECT month, count(*) FROM arc_msg"
	    " WHERE thread = ? GROUP BY month";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st)
		sqlite3_bind_int64(st, 1, thread);
	return each_count(s, st, fn, ctx);
}

enum status
store_archive_each_in_thread(struct store *s, int64_t thread,
    int (*fn)(const struct arc_msg *, void *), void *ctx)
{
	static const char sql[] = "SELECT " MSG_COLS " FROM arc_msg m"
	    " WHERE m.thread = ? ORDER BY m.date, m.id";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st)
		sqlite3_bind_int64(st, 1, thread);
	return each_msg(s, st, fn, ctx);
}

enum status
store_archive_each_recent(struct store *s, int64_t list_id, int n,
    int (*fn)(const struct arc_msg *, void *), void *ctx)
{
	static const char sql[] = "SELECT " MSG_COLS " FROM arc_msg m"
	    " WHERE m.list_id = ? ORDER BY m.date DESC, m.id DESC LIMIT ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st) {
		sqlite3_bind_int64(st, 1, list_id);
		sqlite3_bind_int(st, 2, n);
	}
	return each_msg(s, st, fn, ctx);
}

enum status
store_archive_each_msg(struct store *s, int64_t list_id,
    int (*fn)(const struct arc_msg *, void *), void *ctx)
{
	static const char sql[] = "SELECT " MSG_COLS " FROM arc_msg m"
	    " WHERE m.list_id = ? ORDER BY m.id";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st)
		sqlite3_bind_int64(st, 1, list_id);
	return each_msg(s, st, fn, ctx);
}

enum status
store_archive_each_list(struct store *s, int (*fn)(const char *,
    const char *, int64_t, int64_t, void *), void *ctx)
{
	/* Subqueries, not a grouped join: the count sums the list's month
	 * counters (arc_month, kept by triggers), the latest date is one
	 * step into arc_msg_date; every add renders the archive home. */
	static const char sql[] = "SELECT l.name, l.description,"
	    " coalesce((SELECT sum(c.n) FROM arc_month c"
	    " WHERE c.list_id = l.id), 0),"
	    " coalesce((SELECT max(m.date) FROM arc_msg m"
	    " WHERE m.list_id = l.id), 0) FROM list l ORDER BY l.name";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc = ST_OK;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	while ((err = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *n = sqlite3_column_text(st, 0);
		const unsigned char *d = sqlite3_column_text(st, 1);

		if (fn(n ? (const char *)n : "", d ? (const char *)d : "",
		    sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
		    ctx) != 0)
			break;
	}
	if (err != SQLITE_ROW && err != SQLITE_DONE)
		rc = store_status(s, err, "archive_each_list");
	sqlite3_reset(st);
	return rc;
}

enum status
store_archive_count(struct store *s, int64_t list_id, int64_t *n)
{
	static const char sql[] = "SELECT coalesce(sum(n), 0) FROM arc_month"
	    " WHERE list_id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	err = sqlite3_step(st);
	*n = err == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	rc = err == SQLITE_ROW ? ST_OK : store_status(s, err, "archive_count");
	sqlite3_reset(st);
	return rc;
}

enum status
store_archive_search(struct store *s, int64_t list_id, const char *query,
    int limit, int (*fn)(const struct arc_msg *, const char *, void *),
    void *ctx)
{
	static const char sql[] = "SELECT " MSG_COLS ","
	    " snippet(arc_fts, 2, '[', ']', '...', 12)"
	    " FROM arc_fts f JOIN arc_msg m ON m.id = f.rowid"
	    " WHERE arc_fts MATCH ? AND m.list_id = ?"
	    " ORDER BY bm25(arc_fts, 10.0, 5.0, 1.0) LIMIT ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct arc_msg m;
	enum status rc = ST_OK;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, list_id);
	sqlite3_bind_int(st, 3, limit);
	while ((err = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *snip = sqlite3_column_text(st, 14);

		row_to_msg(st, &m);
		if (fn(&m, snip ? (const char *)snip : "", ctx) != 0)
			break;
	}
	if (err == SQLITE_ERROR)	/* FTS5 refused the query */
		rc = ST_DATA;
	else if (err != SQLITE_ROW && err != SQLITE_DONE)
		rc = store_status(s, err, "archive_search");
	sqlite3_reset(st);
	return rc;
}

enum status
store_archive_html_as_text(struct store *s, int64_t list_id, int *as_text)
{
	static const char sql[] = "SELECT html_as_text FROM arc_setting"
	    " WHERE list_id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	int err;

	*as_text = 0;
	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	err = sqlite3_step(st);
	if (err == SQLITE_ROW)
		*as_text = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return err == SQLITE_ROW || err == SQLITE_DONE ? ST_OK :
	    store_status(s, err, "archive_setting");
}

enum status
store_archive_set_html_as_text(struct store *s, int64_t list_id,
    int as_text)
{
	static const char sql[] = "INSERT INTO arc_setting (list_id,"
	    " html_as_text) VALUES (?1, ?2) ON CONFLICT (list_id)"
	    " DO UPDATE SET html_as_text = ?2";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st) {
		sqlite3_bind_int64(st, 1, list_id);
		sqlite3_bind_int(st, 2, as_text);
	}
	return store_exec_stmt(s, st, "archive_set_setting");
}
