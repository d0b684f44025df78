/* store_roster_member.c - SQL for the members the generator makes: plain
 * member rows with source "directory", each linked by roster_member to the
 * stable id of the account it came from. Manual members are only read here
 * (so the generator can leave them alone), never written. */
#include <string.h>

#include "core/store_int.h"
#include "core/store_roster.h"

enum status
store_roster_member_each(struct store *s, int64_t list_id,
    int (*fn)(const struct roster_current *, void *), void *ctx)
{
	static const char sql[] = "SELECT m.id, m.address, m.name,"
	    " coalesce(r.account_id, '') FROM member m LEFT JOIN roster_member r"
	    " ON r.member_id = m.id WHERE m.list_id = ? AND m.source = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct roster_current c;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_text(st, 2, model_source_name(SOURCE_DIRECTORY), -1,
	    SQLITE_STATIC);
	while ((err = sqlite3_step(st)) == SQLITE_ROW) {
		c.member_id = sqlite3_column_int64(st, 0);
		c.address = (const char *)sqlite3_column_text(st, 1);
		c.name = (const char *)sqlite3_column_text(st, 2);
		c.account_id = (const char *)sqlite3_column_text(st, 3);
		if (c.address == NULL || c.name == NULL || c.account_id == NULL)
			continue;
		if (fn(&c, ctx))
			break;
	}
	sqlite3_reset(st);
	return err == SQLITE_ROW || err == SQLITE_DONE ? ST_OK :
	    store_status(s, err, "roster_member_each");
}

enum status
store_roster_manual_each(struct store *s, int64_t list_id,
    int (*fn)(const char *, void *), void *ctx)
{
	static const char sql[] = "SELECT address FROM member"
	    " WHERE list_id = ? AND source != ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	const unsigned char *a;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_text(st, 2, model_source_name(SOURCE_DIRECTORY), -1,
	    SQLITE_STATIC);
	while ((err = sqlite3_step(st)) == SQLITE_ROW)
		if ((a = sqlite3_column_text(st, 0)) != NULL &&
		    fn((const char *)a, ctx))
			break;
	sqlite3_reset(st);
	return err == SQLITE_ROW || err == SQLITE_DONE ? ST_OK :
	    store_status(s, err, "roster_manual_each");
}

static enum status
link_set(struct store *s, int64_t member_id, const char *account_id)
{
	static const char sql[] = "INSERT OR REPLACE INTO roster_member"
	    " (member_id, account_id) VALUES (?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, member_id);
	sqlite3_bind_text(st, 2, account_id, -1, SQLITE_STATIC);
	return store_exec_stmt(s, st, "roster_member_link");
}

enum status
store_roster_member_add(struct store *s, int64_t list_id, const char *address,
    const char *name, const char *account_id)
{
	static const char sql[] = "INSERT INTO member (list_id, address, name,"
	    " mode, role, source, created, updated)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);
	int64_t now = store_now();
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, model_mode_name(MODE_REGULAR), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 5, model_role_name(ROLE_MEMBER), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 6, model_source_name(SOURCE_DIRECTORY), -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, now);
	sqlite3_bind_int64(st, 8, now);
	if ((rc = store_exec_stmt(s, st, "roster_member_add")) != ST_OK)
		return rc;
	return link_set(s, sqlite3_last_insert_rowid(s->db), account_id);
}

enum status
store_roster_member_remove(struct store *s, int64_t member_id)
{
	static const char sql[] = "DELETE FROM member WHERE id = ?"
	    " AND source = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, member_id);
	sqlite3_bind_text(st, 2, model_source_name(SOURCE_DIRECTORY), -1,
	    SQLITE_STATIC);
	return store_exec_stmt(s, st, "roster_member_remove");
}

enum status
store_roster_member_rename(struct store *s, int64_t member_id,
    const char *address, const char *name)
{
	static const char sql[] = "UPDATE member SET address = ?, name = ?,"
	    " updated = ? WHERE id = ? AND source = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, address, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, store_now());
	sqlite3_bind_int64(st, 4, member_id);
	sqlite3_bind_text(st, 5, model_source_name(SOURCE_DIRECTORY), -1,
	    SQLITE_STATIC);
	return store_exec_stmt(s, st, "roster_member_rename");
}

enum status
store_roster_member_relink(struct store *s, int64_t member_id,
    const char *account_id, const char *name)
{
	static const char sql[] = "UPDATE member SET name = ?, updated = ?"
	    " WHERE id = ? AND source = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, store_now());
	sqlite3_bind_int64(st, 3, member_id);
	sqlite3_bind_text(st, 4, model_source_name(SOURCE_DIRECTORY), -1,
	    SQLITE_STATIC);
	if ((rc = store_exec_stmt(s, st, "roster_member_relink")) != ST_OK)
		return rc;
	return link_set(s, member_id, account_id);
}
