/* store_post.c - SQL for posts and held posts (see store_post.h). */
#include <string.h>

#include "core/store_int.h"
#include "core/store_post.h"

static const char *state_names[POST__COUNT] = {
	"received", "queued", "held", "rejected", "discarded", "quarantined",
	"done",
};

const char *
post_state_name(enum post_state st)
{
	return (unsigned)st < POST__COUNT ? state_names[st] : "unknown";
}

int
post_state_parse(const char *s)
{
	for (int i = 0; i < POST__COUNT; i++)
		if (strcmp(state_names[i], s) == 0)
			return i;
	return -1;
}

#define POST_COLS "id, list_id, kind, rcpt, raw_hash, out_hash, message_id, body_hash," \
	" sender, author, subject, size, state, reason, urgent, attempts," \
	" n_rcpt, n_delivered, n_bounced, received, updated, personal"

static void
row_to_post(sqlite3_stmt *st, void *out)
{
	struct post *p = out;
	char tmp[32];
	int c = 0;

	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(st, c++);
	p->list_id = sqlite3_column_int64(st, c++);
	store_col_text(st, c++, p->kind, sizeof(p->kind));
	store_col_text(st, c++, p->rcpt, sizeof(p->rcpt));
	store_col_text(st, c++, p->raw_hash, sizeof(p->raw_hash));
	store_col_text(st, c++, p->out_hash, sizeof(p->out_hash));
	store_col_text(st, c++, p->message_id, sizeof(p->message_id));
	store_col_text(st, c++, p->body_hash, sizeof(p->body_hash));
	store_col_text(st, c++, p->sender, sizeof(p->sender));
	store_col_text(st, c++, p->author, sizeof(p->author));
	store_col_text(st, c++, p->subject, sizeof(p->subject));
	p->size = sqlite3_column_int64(st, c++);
	store_col_text(st, c++, tmp, sizeof(tmp));
	p->state = (enum post_state)post_state_parse(tmp);
	store_col_text(st, c++, p->reason, sizeof(p->reason));
	p->urgent = sqlite3_column_int(st, c++);
	p->attempts = sqlite3_column_int(st, c++);
	p->n_rcpt = sqlite3_column_int64(st, c++);
	p->n_delivered = sqlite3_column_int64(st, c++);
	p->n_bounced = sqlite3_column_int64(st, c++);
	p->received = sqlite3_column_int64(st, c++);
	p->updated = sqlite3_column_int64(st, c++);
	p->personal = sqlite3_column_int(st, c++);
}

static enum status
post_one(struct store *s, sqlite3_stmt *st, struct post *out)
{
	return store_row_one(s, st, row_to_post, out, "post_get");
}

struct post_walk_ctx {
	int	(*fn)(const struct post *, void *);
	void	*ctx;
};

static int
post_row(sqlite3_stmt *st, void *arg)
{
	struct post_walk_ctx *w = arg;
	struct post p;

	row_to_post(st, &p);
	return w->fn(&p, w->ctx);
}

/* Walk the rows of st through fn. */
static enum status
post_walk(struct store *s, sqlite3_stmt *st,
    int (*fn)(const struct post *, void *), void *ctx)
{
	struct post_walk_ctx w = { fn, ctx };

	return store_row_each(s, st, post_row, &w, "post_each");
}

enum status
store_post_add(struct store *s, struct post *p)
{
	static const char sql[] = "INSERT INTO post (list_id, raw_hash,"
	    " message_id, body_hash, sender, author, subject, size, state,"
	    " reason, urgent, attempts, received, updated, kind, rcpt)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	p->received = p->updated = store_now();
	sqlite3_bind_int64(st, 1, p->list_id);
	sqlite3_bind_text(st, 2, p->raw_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, p->message_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p->body_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, p->sender, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, p->author, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, p->subject, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, p->size);
	sqlite3_bind_text(st, 9, post_state_name(p->state), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, p->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 11, p->urgent);
	sqlite3_bind_int(st, 12, p->attempts);
	sqlite3_bind_int64(st, 13, p->received);
	sqlite3_bind_int64(st, 14, p->updated);
	sqlite3_bind_text(st, 15, p->kind[0] ? p->kind : "post", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 16, p->rcpt, -1, SQLITE_STATIC);
	if ((rc = store_exec_stmt(s, st, "post_add")) == ST_OK)
		p->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

enum status
store_post_get(struct store *s, int64_t id, struct post *out)
{
	static const char sql[] = "SELECT " POST_COLS " FROM post WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st)
		sqlite3_bind_int64(st, 1, id);
	return post_one(s, st, out);
}

enum status
store_post_seen(struct store *s, int64_t list_id, const char *message_id,
    const char *body_hash, int64_t since, struct post *out)
{
	static const char sql[] = "SELECT " POST_COLS " FROM post"
	    " WHERE list_id = ? AND message_id = ? AND body_hash = ?"
	    " AND received >= ? ORDER BY id DESC LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st) {
		sqlite3_bind_int64(st, 1, list_id);
		sqlite3_bind_text(st, 2, message_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, body_hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, since);
	}
	return post_one(s, st, out);
}

enum status
store_post_set_state(struct store *s, int64_t id, enum post_state state,
    const char *reason)
{
	static const char sql[] = "UPDATE post SET state = ?, reason = ?,"
	    " updated = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, post_state_name(state), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, reason ? reason : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, store_now());
	sqlite3_bind_int64(st, 4, id);
	return store_exec_stmt(s, st, "post_set_state");
}

enum status
store_post_set_queued(struct store *s, int64_t id, const char *out_hash,
    int64_t n_rcpt, int personal)
{
	static const char sql[] = "UPDATE post SET state = ?1, out_hash = ?2,"
	    " n_rcpt = ?3, updated = ?4, reason = '', personal = ?6"
	    " WHERE id = ?5";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, post_state_name(n_rcpt ? POST_QUEUED :
	    POST_DONE), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, out_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, n_rcpt);
	sqlite3_bind_int64(st, 4, store_now());
	sqlite3_bind_int64(st, 5, id);
	sqlite3_bind_int(st, 6, personal);
	return store_exec_stmt(s, st, "post_set_queued");
}

enum status
store_post_attempt(struct store *s, int64_t id, int *attempts)
{
	static const char sql[] = "UPDATE post SET attempts = attempts + 1"
	    " WHERE id = ? RETURNING attempts";
	sqlite3_stmt *st = store_stmt(s, sql);
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	err = sqlite3_step(st);
	*attempts = err == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	while (err == SQLITE_ROW)
		err = sqlite3_step(st);
	sqlite3_reset(st);
	return err == SQLITE_DONE ? ST_OK : store_status(s, err, "post_attempt");
}

enum status
store_post_tally(struct store *s, int64_t id, int64_t delivered,
    int64_t bounced)
{
	static const char sql[] = "UPDATE post SET"
	    " n_delivered = n_delivered + ?, n_bounced = n_bounced + ?,"
	    " updated = ?3, state = CASE WHEN state = 'queued' AND NOT EXISTS"
	    " (SELECT 1 FROM batch WHERE post_id = ?4 AND state = 'pending')"
	    " THEN 'done' ELSE state END WHERE id = ?4";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, delivered);
	sqlite3_bind_int64(st, 2, bounced);
	sqlite3_bind_int64(st, 3, store_now());
	sqlite3_bind_int64(st, 4, id);
	return store_exec_stmt(s, st, "post_tally");
}

enum status
store_post_each_state(struct store *s, enum post_state state, int limit,
    int (*fn)(const struct post *, void *), void *ctx)
{
	static const char sql[] = "SELECT " POST_COLS " FROM post"
	    " WHERE state = ? ORDER BY id LIMIT ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st) {
		sqlite3_bind_text(st, 1, post_state_name(state), -1,
		    SQLITE_STATIC);
		sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
	}
	return post_walk(s, st, fn, ctx);
}

enum status
store_post_each(struct store *s, const struct post_filter *f,
    int (*fn)(const struct post *, void *), void *ctx)
{
	static const char sql[] = "SELECT " POST_COLS " FROM post p"
	    " WHERE (?1 = 0 OR list_id = ?1)"
	    " AND (?2 = '' OR instr(lower(sender), lower(?2)) > 0)"
	    " AND (?3 = 0 OR received < ?3)"
	    " AND (?4 = 0 OR (SELECT max(attempts) FROM batch b"
	    "      WHERE b.post_id = p.id) >= ?4)"
	    " AND (?5 = 0 OR state IN ('queued', 'received', 'held'))"
	    " ORDER BY id DESC LIMIT 1000";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st) {
		sqlite3_bind_int64(st, 1, f->list_id);
		sqlite3_bind_text(st, 2, f->sender ? f->sender : "", -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, f->before);
		sqlite3_bind_int(st, 4, f->min_retries);
		sqlite3_bind_int(st, 5, f->only_undelivered);
	}
	return post_walk(s, st, fn, ctx);
}

enum status
store_post_each_unarchived(struct store *s, int limit,
    int (*fn)(const struct post *, void *), void *ctx)
{
	static const char sql[] = "SELECT " POST_COLS " FROM post"
	    " WHERE archived = 0 AND kind = 'post'"
	    " AND state IN ('queued', 'done') ORDER BY id LIMIT ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st)
		sqlite3_bind_int(st, 1, limit);
	return post_walk(s, st, fn, ctx);
}

enum status
store_post_set_archived(struct store *s, int64_t id)
{
	static const char sql[] = "UPDATE post SET archived = 1 WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	return store_exec_stmt(s, st, "post_set_archived");
}

enum status
store_post_delete(struct store *s, int64_t id)
{
	static const char sql[] = "DELETE FROM post WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = store_exec_stmt(s, st, "post_delete")) != ST_OK)
		return rc;
	return sqlite3_changes(s->db) ? ST_OK : ST_NOTFOUND;
}

enum status
store_held_add(struct store *s, int64_t post_id, const char *reason)
{
	static const char sql[] = "INSERT INTO held (post_id, reason, held_at)"
	    " VALUES (?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, post_id);
	sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, store_now());
	return store_exec_stmt(s, st, "held_add");
}

static void
row_to_held(sqlite3_stmt *st, void *out)
{
	struct held *h = out;
	const int base = 0;

	h->post_id = sqlite3_column_int64(st, base);
	store_col_text(st, base + 1, h->reason, sizeof(h->reason));
	store_col_text(st, base + 2, h->action, sizeof(h->action));
	store_col_text(st, base + 3, h->action_by, sizeof(h->action_by));
	store_col_text(st, base + 4, h->action_note, sizeof(h->action_note));
	h->held_at = sqlite3_column_int64(st, base + 5);
	h->notified = sqlite3_column_int(st, base + 6);
}

enum status
store_held_get(struct store *s, int64_t post_id, struct held *out)
{
	static const char sql[] = "SELECT post_id, reason, action, action_by,"
	    " action_note, held_at, notified FROM held WHERE post_id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st)
		sqlite3_bind_int64(st, 1, post_id);
	return store_row_one(s, st, row_to_held, out, "held_get");
}

enum status
store_held_decide(struct store *s, int64_t post_id, const char *action,
    const char *by, const char *note)
{
	static const char sql[] = "UPDATE held SET action = ?, action_by = ?,"
	    " action_note = ? WHERE post_id = ? AND action = ''";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct held h;
	enum status rc;

	if ((rc = store_held_get(s, post_id, &h)) != ST_OK)
		return rc;
	if (h.action[0])
		return ST_EXISTS;
	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, note ? note : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, post_id);
	if ((rc = store_exec_stmt(s, st, "held_decide")) != ST_OK)
		return rc;
	return sqlite3_changes(s->db) ? ST_OK : ST_EXISTS;
}

struct held_walk_ctx {
	struct store	*s;
	int		(*fn)(const struct held *, const struct post *, void *);
	void		*ctx;
};

static int
held_row(sqlite3_stmt *st, void *arg)
{
	struct held_walk_ctx *w = arg;
	struct held h;
	struct post p;

	row_to_held(st, &h);
	if (store_post_get(w->s, h.post_id, &p) != ST_OK)
		return 0;
	return w->fn(&h, &p, w->ctx);
}

/* Walk held rows selected by st (columns as row_to_held), with their posts. */
static enum status
held_walk(struct store *s, sqlite3_stmt *st,
    int (*fn)(const struct held *, const struct post *, void *), void *ctx)
{
	struct held_walk_ctx w = { s, fn, ctx };

	return store_row_each(s, st, held_row, &w, "held_each");
}

enum status
store_held_each(struct store *s, int64_t list_id, int decided,
    int (*fn)(const struct held *, const struct post *, void *), void *ctx)
{
	static const char sql[] = "SELECT h.post_id, h.reason, h.action,"
	    " h.action_by, h.action_note, h.held_at, h.notified"
	    " FROM held h JOIN post p ON p.id = h.post_id"
	    " WHERE (?1 = 0 OR p.list_id = ?1)"
	    " AND (?2 < 0 OR (?2 = 0 AND h.action = '')"
	    "      OR (?2 = 1 AND h.action != ''))"
	    " ORDER BY h.post_id";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st) {
		sqlite3_bind_int64(st, 1, list_id);
		sqlite3_bind_int(st, 2, decided);
	}
	return held_walk(s, st, fn, ctx);
}

enum status
store_held_each_older(struct store *s, int64_t cutoff,
    int (*fn)(const struct held *, const struct post *, void *), void *ctx)
{
	static const char sql[] = "SELECT post_id, reason, action, action_by,"
	    " action_note, held_at, notified FROM held"
	    " WHERE action = '' AND held_at < ? ORDER BY post_id LIMIT 500";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st)
		sqlite3_bind_int64(st, 1, cutoff);
	return held_walk(s, st, fn, ctx);
}

enum status
store_held_set_notified(struct store *s, int64_t post_id)
{
	static const char sql[] = "UPDATE held SET notified = 1"
	    " WHERE post_id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, post_id);
	return store_exec_stmt(s, st, "held_set_notified");
}

enum status
store_held_remove(struct store *s, int64_t post_id)
{
	static const char sql[] = "DELETE FROM held WHERE post_id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, post_id);
	return store_exec_stmt(s, st, "held_remove");
}
