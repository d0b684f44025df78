/* store_digest.c - SQL for digest items (see store_digest.h). */
#include "core/store_digest.h"
#include "core/store_int.h"

enum status
store_digest_add(struct store *s, int64_t post_id, int64_t list_id,
    int64_t size)
{
	static const char sql[] = "INSERT OR IGNORE INTO digest_item (post_id,"
	    " list_id, size, added) VALUES (?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, post_id);
	sqlite3_bind_int64(st, 2, list_id);
	sqlite3_bind_int64(st, 3, size);
	sqlite3_bind_int64(st, 4, store_now());
	return store_exec_stmt(s, st, "digest_add");
}

enum status
store_digest_each_list(struct store *s,
    int (*fn)(const struct digest_pending *, void *), void *ctx)
{
	static const char sql[] = "SELECT list_id, count(*), sum(size),"
	    " min(added), max(post_id) FROM digest_item GROUP BY list_id";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct digest_pending d;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	while ((err = sqlite3_step(st)) == SQLITE_ROW) {
		d.list_id = sqlite3_column_int64(st, 0);
		d.n_posts = sqlite3_column_int(st, 1);
		d.size = sqlite3_column_int64(st, 2);
		d.oldest = sqlite3_column_int64(st, 3);
		d.last_post_id = sqlite3_column_int64(st, 4);
		if (fn(&d, ctx))
			break;
	}
	sqlite3_reset(st);
	return err == SQLITE_ROW || err == SQLITE_DONE ? ST_OK :
	    store_status(s, err, "digest_each_list");
}

enum status
store_digest_each_post(struct store *s, int64_t list_id, int64_t last_post_id,
    int (*fn)(int64_t, void *), void *ctx)
{
	static const char sql[] = "SELECT post_id FROM digest_item"
	    " WHERE list_id = ? AND post_id <= ? ORDER BY post_id";
	sqlite3_stmt *st = store_stmt(s, sql);
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_int64(st, 2, last_post_id);
	while ((err = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(sqlite3_column_int64(st, 0), ctx))
			break;
	sqlite3_reset(st);
	return err == SQLITE_ROW || err == SQLITE_DONE ? ST_OK :
	    store_status(s, err, "digest_each_post");
}

enum status
store_digest_clear(struct store *s, int64_t list_id, int64_t last_post_id)
{
	static const char sql[] = "DELETE FROM digest_item WHERE list_id = ?"
	    " AND post_id <= ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_int64(st, 2, last_post_id);
	return store_exec_stmt(s, st, "digest_clear");
}
