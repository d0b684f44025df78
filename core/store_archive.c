/* store_archive.c - SQL for the list archives: messages, JWZ containers,
 * attachments, settings and FTS5 search. No threading decisions here (see
 * archive/thread.c); every statement is prepared once and bound. */
#include <stdio.h>
#include <string.h>

#include "core/store_archive.h"
#include "core/store_int.h"
#include "core/xmem.h"

/* A bulk import's page cache: its transactions touch far more than the
 * default 2 MB, which would spill dirty pages to the WAL mid-transaction. */
#define STORE_ARCHIVE_BULK_CACHE_KB "65536"

#define MSG_COLS "m.id, m.list_id, m.node, m.thread, m.date, m.size," \
	" m.n_attach, m.hash, m.message_id, m.subject, m.base_subject," \
	" m.author_name, m.author_addr, m.month"

static void		row_to_msg(sqlite3_stmt *, struct arc_msg *);
static enum status	get_int(struct store *, sqlite3_stmt *, int64_t *);

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

/* One integer from the first row; ST_NOTFOUND without a row. */
static enum status
get_int(struct store *s, sqlite3_stmt *st, int64_t *v)
{
	enum status rc;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	err = sqlite3_step(st);
	if (err == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		rc = ST_OK;
	} else
		rc = err == SQLITE_DONE ? ST_NOTFOUND :
		    store_status(s, err, "archive_get");
	sqlite3_reset(st);
	return rc;
}

enum status
store_archive_msg_find(struct store *s, int64_t list_id, const char *hash,
    int64_t *id)
{
	static const char sql[] = "SELECT id FROM arc_msg WHERE list_id = ?"
	    " AND hash = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st) {
		sqlite3_bind_int64(st, 1, list_id);
		sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	}
	return get_int(s, st, id);
}

enum status
store_archive_msg_find_prefix(struct store *s, int64_t list_id,
    const char *prefix, int64_t *id)
{
	static const char sql[] = "SELECT id FROM arc_msg WHERE list_id = ?1"
	    " AND hash >= ?2 AND hash < ?2 || 'g' ORDER BY hash LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st) {
		sqlite3_bind_int64(st, 1, list_id);
		sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
	}
	return get_int(s, st, id);
}

enum status
store_archive_msg_text(struct store *s, const struct arc_msg *m,
    const char *body)
{
	static const char sql[] = "INSERT INTO arc_fts (rowid, subject,"
	    " author, body) VALUES (?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);
	char author[ARC_NAME_MAX + ADDR_MAX + 4];

	if (st == NULL)
		return ST_INTERNAL;
	snprintf(author, sizeof(author), "%s %s", m->author_name,
	    m->author_addr);
	sqlite3_bind_int64(st, 1, m->id);
	sqlite3_bind_text(st, 2, m->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, author, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, body ? body : "", -1, SQLITE_STATIC);
	return store_exec_stmt(s, st, "archive_fts_insert");
}

enum status
store_archive_msg_insert(struct store *s, struct arc_msg *m,
    const char *refs, int body_only)
{
	static const char sql[] = "INSERT INTO arc_msg (list_id, hash, node,"
	    " thread, message_id, refs, subject, base_subject, author_name,"
	    " author_addr, date, month, size, n_attach, body_only)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, m->list_id);
	sqlite3_bind_text(st, 2, m->hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, m->node);
	sqlite3_bind_int64(st, 4, m->thread);
	sqlite3_bind_text(st, 5, m->message_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, refs ? refs : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, m->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, m->base_subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, m->author_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, m->author_addr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, m->date);
	sqlite3_bind_text(st, 12, m->month, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, m->size);
	sqlite3_bind_int(st, 14, m->n_attach);
	sqlite3_bind_int(st, 15, body_only != 0);
	if ((rc = store_exec_stmt(s, st, "archive_msg_insert")) != ST_OK)
		return rc;
	m->id = sqlite3_last_insert_rowid(s->db);
	return ST_OK;
}

enum status
store_archive_msg_get(struct store *s, int64_t id, struct arc_msg *out)
{
	static const char sql[] = "SELECT " MSG_COLS " FROM arc_msg m"
	    " WHERE m.id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	err = sqlite3_step(st);
	if (err == SQLITE_ROW) {
		row_to_msg(st, out);
		rc = ST_OK;
	} else
		rc = err == SQLITE_DONE ? ST_NOTFOUND :
		    store_status(s, err, "archive_msg_get");
	sqlite3_reset(st);
	return rc;
}

/* The text of the first row's first column, copied into *out (xfree). */
static enum status
one_text(struct store *s, sqlite3_stmt *st, const char *what, char **out)
{
	enum status rc;
	int err;

	*out = NULL;
	if (st == NULL)
		return ST_INTERNAL;
	err = sqlite3_step(st);
	if (err == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		*out = xstrdup(t ? (const char *)t : "");
		rc = ST_OK;
	} else
		rc = err == SQLITE_DONE ? ST_NOTFOUND :
		    store_status(s, err, what);
	sqlite3_reset(st);
	return rc;
}

enum status
store_archive_msg_body(struct store *s, int64_t id, char **body)
{
	static const char sql[] = "SELECT body FROM arc_fts WHERE rowid = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st)
		sqlite3_bind_int64(st, 1, id);
	return one_text(s, st, "archive_msg_body", body);
}

enum status
store_archive_msg_page_text(struct store *s, int64_t id, char **text)
{
	static const char sql[] = "SELECT f.body FROM arc_msg m"
	    " JOIN arc_fts f ON f.rowid = m.id WHERE m.id = ? AND m.body_only";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st)
		sqlite3_bind_int64(st, 1, id);
	return one_text(s, st, "archive_msg_page_text", text);
}

enum status
store_archive_msg_step(struct store *s, const struct arc_msg *m,
    int64_t thread, int dir, int64_t *id)
{
	static const char prev_l[] = "SELECT id FROM arc_msg WHERE list_id = ?"
	    " AND (date < ?2 OR (date = ?2 AND id < ?3))"
	    " ORDER BY date DESC, id DESC LIMIT 1";
	static const char next_l[] = "SELECT id FROM arc_msg WHERE list_id = ?"
	    " AND (date > ?2 OR (date = ?2 AND id > ?3))"
	    " ORDER BY date, id LIMIT 1";
	static const char prev_t[] = "SELECT id FROM arc_msg WHERE thread = ?"
	    " AND (date < ?2 OR (date = ?2 AND id < ?3))"
	    " ORDER BY date DESC, id DESC LIMIT 1";
	static const char next_t[] = "SELECT id FROM arc_msg WHERE thread = ?"
	    " AND (date > ?2 OR (date = ?2 AND id > ?3))"
	    " ORDER BY date, id LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, thread ? (dir < 0 ? prev_t : next_t) :
	    (dir < 0 ? prev_l : next_l));
	enum status rc;

	if (st) {
		sqlite3_bind_int64(st, 1, thread ? thread : m->list_id);
		sqlite3_bind_int64(st, 2, m->date);
		sqlite3_bind_int64(st, 3, m->id);
	}
	rc = get_int(s, st, id);
	if (rc == ST_NOTFOUND) {
		*id = 0;
		rc = ST_OK;
	}
	return rc;
}

enum status
store_archive_thread_by_subject(struct store *s, int64_t list_id,
    const char *base, int64_t *thread)
{
	static const char sql[] = "SELECT thread FROM arc_msg WHERE list_id = ?"
	    " AND base_subject = ? ORDER BY date DESC LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st) {
		sqlite3_bind_int64(st, 1, list_id);
		sqlite3_bind_text(st, 2, base, -1, SQLITE_STATIC);
	}
	return get_int(s, st, thread);
}

enum status
store_archive_list_clear(struct store *s, int64_t list_id)
{
	static const char fts[] = "DELETE FROM arc_fts WHERE rowid IN"
	    " (SELECT id FROM arc_msg WHERE list_id = ?)";
	static const char msg[] = "DELETE FROM arc_msg WHERE list_id = ?";
	static const char node[] = "DELETE FROM arc_node WHERE list_id = ?";
	const char *sqls[] = { fts, msg, node };
	enum status rc = ST_OK;

	for (size_t i = 0; i < 3 && rc == ST_OK; i++) {
		sqlite3_stmt *st = store_stmt(s, sqls[i]);

		if (st)
			sqlite3_bind_int64(st, 1, list_id);
		rc = store_exec_stmt(s, st, "archive_clear");
	}
	return rc;
}

static enum status
node_one(struct store *s, sqlite3_stmt *st, struct arc_node *out)
{
	enum status rc;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	err = sqlite3_step(st);
	if (err == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->parent = sqlite3_column_int64(st, 1);
		out->thread = sqlite3_column_int64(st, 2);
		out->msg = sqlite3_column_int64(st, 3);
		rc = ST_OK;
	} else
		rc = err == SQLITE_DONE ? ST_NOTFOUND :
		    store_status(s, err, "archive_node_get");
	sqlite3_reset(st);
	return rc;
}

#define NODE_COLS "n.id, n.parent, n.thread," \
	" coalesce((SELECT m.id FROM arc_msg m WHERE m.node = n.id), 0)"

enum status
store_archive_node_get(struct store *s, int64_t list_id, const char *msgid,
    struct arc_node *out)
{
	static const char sql[] = "SELECT " NODE_COLS " FROM arc_node n"
	    " WHERE n.list_id = ? AND n.msgid = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st) {
		sqlite3_bind_int64(st, 1, list_id);
		sqlite3_bind_text(st, 2, msgid, -1, SQLITE_STATIC);
	}
	return node_one(s, st, out);
}

enum status
store_archive_node_get_id(struct store *s, int64_t id, struct arc_node *out)
{
	static const char sql[] = "SELECT " NODE_COLS " FROM arc_node n"
	    " WHERE n.id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st)
		sqlite3_bind_int64(st, 1, id);
	return node_one(s, st, out);
}

enum status
store_archive_node_add(struct store *s, int64_t list_id, const char *msgid,
    struct arc_node *out)
{
	static const char ins[] = "INSERT INTO arc_node (list_id, msgid)"
	    " VALUES (?, ?)";
	static const char upd[] = "UPDATE arc_node SET thread = id"
	    " WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, ins);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_text(st, 2, msgid, -1, SQLITE_STATIC);
	if ((rc = store_exec_stmt(s, st, "archive_node_add")) != ST_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	out->id = out->thread = sqlite3_last_insert_rowid(s->db);
	if ((st = store_stmt(s, upd)) == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, out->id);
	return store_exec_stmt(s, st, "archive_node_add");
}

enum status
store_archive_node_set_parent(struct store *s, int64_t id, int64_t parent)
{
	static const char sql[] = "UPDATE arc_node SET parent = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st) {
		sqlite3_bind_int64(st, 1, parent);
		sqlite3_bind_int64(st, 2, id);
	}
	return store_exec_stmt(s, st, "archive_node_parent");
}

enum status
store_archive_node_link(struct store *s, int64_t id, int64_t parent,
    int64_t thread)
{
	static const char sql[] = "UPDATE arc_node SET parent = ?, thread = ?"
	    " WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st) {
		sqlite3_bind_int64(st, 1, parent);
		sqlite3_bind_int64(st, 2, thread);
		sqlite3_bind_int64(st, 3, id);
	}
	return store_exec_stmt(s, st, "archive_node_link");
}

enum status
store_archive_thread_move(struct store *s, int64_t list_id, int64_t from,
    int64_t to, int with_msgs)
{
	/* "+list_id": found through the thread index; SQLite would otherwise
	 * pick the (list_id, msgid) index and read every node of the list. */
	static const char nodes[] = "UPDATE arc_node SET thread = ?"
	    " WHERE thread = ? AND +list_id = ?";
	static const char msgs[] = "UPDATE arc_msg SET thread = ?"
	    " WHERE thread = ? AND +list_id = ?";
	enum status rc = ST_OK;

	for (int i = 0; i < (with_msgs ? 2 : 1) && rc == ST_OK; i++) {
		sqlite3_stmt *st = store_stmt(s, i ? msgs : nodes);

		if (st) {
			sqlite3_bind_int64(st, 1, to);
			sqlite3_bind_int64(st, 2, from);
			sqlite3_bind_int64(st, 3, list_id);
		}
		rc = store_exec_stmt(s, st, "archive_thread_move");
	}
	return rc;
}

void
store_archive_defer_checkpoint(struct store *s)
{
	(void)sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1,
	    NULL);
}

void
store_archive_bulk(struct store *s)
{
	(void)sqlite3_exec(s->db, "PRAGMA cache_size = -" 
	    STORE_ARCHIVE_BULK_CACHE_KB, NULL, NULL, NULL);
}
