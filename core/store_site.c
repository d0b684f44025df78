/* store_site.c - SQL for site.db: districts and the audit log. */
#include <string.h>

#include "core/store_int.h"
#include "core/store_site.h"

static void
row_to_district(sqlite3_stmt *st, void *out)
{
	struct district *d = out;

	d->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, d->slug, sizeof(d->slug));
	store_col_text(st, 2, d->domain, sizeof(d->domain));
	store_col_text(st, 3, d->name, sizeof(d->name));
	d->students_have_email = sqlite3_column_int(st, 4);
	d->created = sqlite3_column_int64(st, 5);
}

#define DISTRICT_COLS "id, slug, domain, name, students_have_email, created"

enum status
store_district_add(struct store *site, struct district *d)
{
	static const char sql[] = "INSERT INTO district (slug, domain, name,"
	    " students_have_email, created) VALUES (?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(site, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	d->created = store_now();
	sqlite3_bind_text(st, 1, d->slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, d->students_have_email);
	sqlite3_bind_int64(st, 5, d->created);
	if ((rc = store_exec_stmt(site, st, "district_add")) == ST_OK)
		d->id = sqlite3_last_insert_rowid(site->db);
	return rc;
}

static enum status
district_get_one(struct store *site, const char *sql, const char *key,
    struct district *out)
{
	sqlite3_stmt *st = store_stmt(site, sql);

	if (st)
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return store_row_one(site, st, row_to_district, out, "district_get");
}

enum status
store_district_get(struct store *site, const char *slug, struct district *out)
{
	static const char sql[] = "SELECT " DISTRICT_COLS
	    " FROM district WHERE slug = ?";

	return district_get_one(site, sql, slug, out);
}

enum status
store_district_by_domain(struct store *site, const char *domain,
    struct district *out)
{
	static const char sql[] = "SELECT " DISTRICT_COLS
	    " FROM district WHERE domain = ?";

	return district_get_one(site, sql, domain, out);
}

enum status
store_district_update(struct store *site, const struct district *d)
{
	static const char sql[] = "UPDATE district SET domain = ?, name = ?,"
	    " students_have_email = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(site, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, d->domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, d->students_have_email);
	sqlite3_bind_int64(st, 4, d->id);
	return store_exec_stmt(site, st, "district_update");
}

enum status
store_district_remove(struct store *site, const char *slug)
{
	static const char sql[] = "DELETE FROM district WHERE slug = ?";
	sqlite3_stmt *st = store_stmt(site, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	if ((rc = store_exec_stmt(site, st, "district_remove")) != ST_OK)
		return rc;
	return sqlite3_changes(site->db) ? ST_OK : ST_NOTFOUND;
}

struct district_walk {
	int	(*fn)(const struct district *, void *);
	void	*ctx;
};

static int
district_row(sqlite3_stmt *st, void *arg)
{
	struct district_walk *w = arg;
	struct district d;

	row_to_district(st, &d);
	return w->fn(&d, w->ctx);
}

enum status
store_district_each(struct store *site,
    int (*fn)(const struct district *, void *), void *ctx)
{
	static const char sql[] = "SELECT " DISTRICT_COLS
	    " FROM district ORDER BY slug";
	struct district_walk w = { fn, ctx };

	return store_row_each(site, store_stmt(site, sql), district_row, &w,
	    "district_each");
}

enum status
store_audit_add(struct store *site, const char *actor, const char *district,
    const char *action, const char *detail)
{
	static const char sql[] = "INSERT INTO audit (ts, actor, district,"
	    " action, detail) VALUES (?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(site, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, store_now());
	sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, district ? district : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, detail ? detail : "", -1, SQLITE_STATIC);
	return store_exec_stmt(site, st, "audit_add");
}

enum status
store_audit_each(struct store *site, const char *district, int limit,
    int (*fn)(const struct audit_entry *, void *), void *ctx)
{
	static const char sql[] = "SELECT id, ts, actor, district, action,"
	    " detail FROM audit WHERE (?1 = '' OR district = ?1)"
	    " ORDER BY id DESC LIMIT ?2";
	sqlite3_stmt *st = store_stmt(site, sql);
	struct audit_entry e;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, district ? district : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit);
	while ((err = sqlite3_step(st)) == SQLITE_ROW) {
		e.id = sqlite3_column_int64(st, 0);
		e.ts = sqlite3_column_int64(st, 1);
		store_col_text(st, 2, e.actor, sizeof(e.actor));
		store_col_text(st, 3, e.district, sizeof(e.district));
		store_col_text(st, 4, e.action, sizeof(e.action));
		store_col_text(st, 5, e.detail, sizeof(e.detail));
		if (fn(&e, ctx))
			break;
	}
	sqlite3_reset(st);
	return err == SQLITE_ROW || err == SQLITE_DONE ? ST_OK :
	    store_status(site, err, "audit_each");
}
