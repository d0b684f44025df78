/* store_member.c - SQL for members. Addresses compare case-insensitively
 * (COLLATE NOCASE), so Alice@X and alice@x are one member. */
#include <string.h>

#include "core/store_int.h"
#include "core/store_member.h"

#define MEMBER_COLS "id, list_id, address, name, mode, role, source," \
	" created, updated"

void
member_filter_all(struct member_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->role = f->mode = f->source = -1;
}

static void
row_to_member(sqlite3_stmt *st, void *out)
{
	struct member *m = out;
	char tmp[32];

	m->id = sqlite3_column_int64(st, 0);
	m->list_id = sqlite3_column_int64(st, 1);
	store_col_text(st, 2, m->address, sizeof(m->address));
	store_col_text(st, 3, m->name, sizeof(m->name));
	store_col_text(st, 4, tmp, sizeof(tmp));
	m->mode = (enum delivery_mode)model_mode_parse(tmp);
	store_col_text(st, 5, tmp, sizeof(tmp));
	m->role = (enum member_role)model_role_parse(tmp);
	store_col_text(st, 6, tmp, sizeof(tmp));
	m->source = (enum member_source)model_source_parse(tmp);
	m->created = sqlite3_column_int64(st, 7);
	m->updated = sqlite3_column_int64(st, 8);
}

enum status
store_member_add(struct store *s, struct member *m)
{
	static const char sql[] = "INSERT INTO member (list_id, address, name,"
	    " mode, role, source, created, updated)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	m->created = m->updated = store_now();
	sqlite3_bind_int64(st, 1, m->list_id);
	sqlite3_bind_text(st, 2, m->address, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, m->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, model_mode_name(m->mode), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, model_role_name(m->role), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, model_source_name(m->source), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, m->created);
	sqlite3_bind_int64(st, 8, m->updated);
	if ((rc = store_exec_stmt(s, st, "member_add")) == ST_OK)
		m->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

enum status
store_member_remove(struct store *s, int64_t list_id, const char *address)
{
	static const char sql[] = "DELETE FROM member WHERE list_id = ?"
	    " AND address = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
	if ((rc = store_exec_stmt(s, st, "member_remove")) != ST_OK)
		return rc;
	return sqlite3_changes(s->db) ? ST_OK : ST_NOTFOUND;
}

enum status
store_member_get(struct store *s, int64_t list_id, const char *address,
    struct member *out)
{
	static const char sql[] = "SELECT " MEMBER_COLS " FROM member"
	    " WHERE list_id = ? AND address = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st) {
		sqlite3_bind_int64(st, 1, list_id);
		sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
	}
	return store_row_one(s, st, row_to_member, out, "member_get");
}

enum status
store_member_get_id(struct store *s, int64_t id, struct member *out)
{
	static const char sql[] = "SELECT " MEMBER_COLS " FROM member"
	    " WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st)
		sqlite3_bind_int64(st, 1, id);
	return store_row_one(s, st, row_to_member, out, "member_get_id");
}

enum status
store_member_update(struct store *s, struct member *m)
{
	static const char sql[] = "UPDATE member SET name = ?, mode = ?,"
	    " role = ?, source = ?, updated = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	m->updated = store_now();
	sqlite3_bind_text(st, 1, m->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, model_mode_name(m->mode), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, model_role_name(m->role), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, model_source_name(m->source), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, m->updated);
	sqlite3_bind_int64(st, 6, m->id);
	return store_exec_stmt(s, st, "member_update");
}

/* Bind list id and the filter to ?1..?7 of the filtered queries below. */
static void
bind_filter(sqlite3_stmt *st, int64_t list_id, const struct member_filter *f)
{
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_text(st, 2, f->role >= 0 ?
	    model_role_name((enum member_role)f->role) : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->mode >= 0 ?
	    model_mode_name((enum delivery_mode)f->mode) : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f->source >= 0 ?
	    model_source_name((enum member_source)f->source) : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 5, f->query ? f->query : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, f->limit > 0 ? f->limit : -1);
	sqlite3_bind_int(st, 7, f->offset);
}

#define MEMBER_WHERE " WHERE list_id = ?1 AND (?2 = '' OR role = ?2)" \
	" AND (?3 = '' OR mode = ?3) AND (?4 = '' OR source = ?4)" \
	" AND (?5 = '' OR instr(lower(address), lower(?5)) > 0" \
	"      OR instr(lower(name), lower(?5)) > 0)"

struct member_walk {
	int	(*fn)(const struct member *, void *);
	void	*ctx;
};

static int
member_row(sqlite3_stmt *st, void *arg)
{
	struct member_walk *w = arg;
	struct member m;

	row_to_member(st, &m);
	return w->fn(&m, w->ctx);
}

enum status
store_member_each(struct store *s, int64_t list_id,
    const struct member_filter *f, int (*fn)(const struct member *, void *),
    void *ctx)
{
	static const char sql[] = "SELECT " MEMBER_COLS " FROM member"
	    MEMBER_WHERE " ORDER BY address LIMIT ?6 OFFSET ?7";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct member_walk w = { fn, ctx };

	if (st)
		bind_filter(st, list_id, f);
	return store_row_each(s, st, member_row, &w, "member_each");
}

enum status
store_member_count(struct store *s, int64_t list_id,
    const struct member_filter *f, int64_t *n)
{
	static const char sql[] = "SELECT count(*) FROM member" MEMBER_WHERE
	    " AND ?6 = ?6 AND ?7 = ?7";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st)
		bind_filter(st, list_id, f);
	return store_row_ints(s, st, n, 1, "member_count");
}

struct rcpt_walk {
	int	(*fn)(const char *, const char *, void *);
	void	*ctx;
};

static int
rcpt_row(sqlite3_stmt *st, void *arg)
{
	struct rcpt_walk *w = arg;
	const char *a = (const char *)sqlite3_column_text(st, 0);
	const char *d = (const char *)sqlite3_column_text(st, 1);

	return w->fn(a ? a : "", d ? d : "", w->ctx);
}

enum status
store_member_each_recipient(struct store *s, int64_t list_id,
    int (*fn)(const char *, const char *, void *), void *ctx)
{
	static const char sql[] = "SELECT address, domain FROM member"
	    " WHERE list_id = ? AND mode = 'regular' AND id NOT IN"
	    " (SELECT member_id FROM bounce WHERE disabled_at > 0)"
	    " ORDER BY domain, address";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct rcpt_walk w = { fn, ctx };

	if (st)
		sqlite3_bind_int64(st, 1, list_id);
	return store_row_each(s, st, rcpt_row, &w, "member_each_recipient");
}
