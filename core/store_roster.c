/* store_roster.c - SQL for the generator's configuration and records:
 * source, definitions, managed lists, exclusions and the run log. The SQL
 * that writes generated members is in store_roster_member.c. */
#include <string.h>

#include "core/store_int.h"
#include "core/store_roster.h"

void
store_roster_source_defaults(struct roster_source_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->max_remove_percent = 10;
	c->max_errors = 10;
	c->interval_hours = 26;
}

enum status
store_roster_source_get(struct store *s, struct roster_source_conf *out)
{
	static const char sql[] = "SELECT type, path, query, max_remove_percent,"
	    " max_errors, interval_hours, updated, settings FROM roster_source";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	store_roster_source_defaults(out);
	err = sqlite3_step(st);
	if (err == SQLITE_ROW) {
		store_col_text(st, 0, out->type, sizeof(out->type));
		store_col_text(st, 1, out->path, sizeof(out->path));
		store_col_text(st, 2, out->query, sizeof(out->query));
		out->max_remove_percent = sqlite3_column_int(st, 3);
		out->max_errors = sqlite3_column_int(st, 4);
		out->interval_hours = sqlite3_column_int(st, 5);
		out->updated = sqlite3_column_int64(st, 6);
		store_col_text(st, 7, out->settings, sizeof(out->settings));
		rc = ST_OK;
	} else
		rc = err == SQLITE_DONE ? ST_NOTFOUND :
		    store_status(s, err, "roster_source_get");
	sqlite3_reset(st);
	return rc;
}

enum status
store_roster_source_set(struct store *s, struct roster_source_conf *c)
{
	static const char sql[] = "INSERT OR REPLACE INTO roster_source (id,"
	    " type, path, query, max_remove_percent, max_errors,"
	    " interval_hours, updated, settings)"
	    " VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	c->updated = store_now();
	sqlite3_bind_text(st, 1, c->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->query, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, c->max_remove_percent);
	sqlite3_bind_int(st, 5, c->max_errors);
	sqlite3_bind_int(st, 6, c->interval_hours);
	sqlite3_bind_int64(st, 7, c->updated);
	sqlite3_bind_text(st, 8, c->settings, -1, SQLITE_STATIC);
	return store_exec_stmt(s, st, "roster_source_set");
}

enum status
store_roster_def_add(struct store *s, struct roster_def *d)
{
	static const char sql[] = "INSERT INTO roster_def (name, kind, expr,"
	    " attribute, includes, created) VALUES (?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	d->created = store_now();
	sqlite3_bind_text(st, 1, d->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->kind == ROSTER_DEF_FAMILY ? "family" :
	    "rule", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d->expr, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, d->attribute, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, d->includes, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, d->created);
	if ((rc = store_exec_stmt(s, st, "roster_def_add")) == ST_OK)
		d->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

enum status
store_roster_def_remove(struct store *s, const char *name)
{
	static const char sql[] = "DELETE FROM roster_def WHERE name = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = store_exec_stmt(s, st, "roster_def_remove")) != ST_OK)
		return rc;
	return sqlite3_changes(s->db) ? ST_OK : ST_NOTFOUND;
}

struct each_ctx {
	void	*fn;
	void	*ctx;
};

static int
def_row(sqlite3_stmt *st, void *p)
{
	struct each_ctx *e = p;
	int (*fn)(const struct roster_def *, void *) =
	    (int (*)(const struct roster_def *, void *))e->fn;
	struct roster_def d;
	char kind[16];

	memset(&d, 0, sizeof(d));
	d.id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, d.name, sizeof(d.name));
	store_col_text(st, 2, kind, sizeof(kind));
	d.kind = strcmp(kind, "family") == 0 ? ROSTER_DEF_FAMILY :
	    ROSTER_DEF_RULE;
	store_col_text(st, 3, d.expr, sizeof(d.expr));
	store_col_text(st, 4, d.attribute, sizeof(d.attribute));
	store_col_text(st, 5, d.includes, sizeof(d.includes));
	d.created = sqlite3_column_int64(st, 6);
	return fn(&d, e->ctx);
}

enum status
store_roster_def_each(struct store *s,
    int (*fn)(const struct roster_def *, void *), void *ctx)
{
	static const char sql[] = "SELECT id, name, kind, expr, attribute,"
	    " includes, created FROM roster_def ORDER BY name";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct each_ctx e = { (void *)fn, ctx };

	if (st == NULL)
		return ST_INTERNAL;
	return store_row_each(s, st, def_row, &e, "roster_def_each");
}

enum status
store_roster_list_set(struct store *s, const struct roster_list *rl)
{
	static const char sql[] = "INSERT OR REPLACE INTO roster_list"
	    " (list_id, def_name, value, retired) VALUES (?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, rl->list_id);
	sqlite3_bind_text(st, 2, rl->def_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, rl->value, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, rl->retired);
	return store_exec_stmt(s, st, "roster_list_set");
}

static int
list_row(sqlite3_stmt *st, void *p)
{
	struct each_ctx *e = p;
	int (*fn)(const struct roster_list *, void *) =
	    (int (*)(const struct roster_list *, void *))e->fn;
	struct roster_list rl;

	rl.list_id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, rl.list_name, sizeof(rl.list_name));
	store_col_text(st, 2, rl.def_name, sizeof(rl.def_name));
	store_col_text(st, 3, rl.value, sizeof(rl.value));
	rl.retired = sqlite3_column_int(st, 4);
	return fn(&rl, e->ctx);
}

enum status
store_roster_list_each(struct store *s,
    int (*fn)(const struct roster_list *, void *), void *ctx)
{
	static const char sql[] = "SELECT r.list_id, l.name, r.def_name,"
	    " r.value, r.retired FROM roster_list r JOIN list l"
	    " ON l.id = r.list_id ORDER BY l.name";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct each_ctx e = { (void *)fn, ctx };

	if (st == NULL)
		return ST_INTERNAL;
	return store_row_each(s, st, list_row, &e, "roster_list_each");
}

enum status
store_roster_exclusion_add(struct store *s, int64_t list_id,
    const char *address)
{
	static const char sql[] = "INSERT INTO roster_exclusion (list_id,"
	    " address, created) VALUES (?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, store_now());
	return store_exec_stmt(s, st, "roster_exclusion_add");
}

enum status
store_roster_exclusion_remove(struct store *s, int64_t list_id,
    const char *address)
{
	static const char sql[] = "DELETE FROM roster_exclusion"
	    " WHERE list_id = ? AND address = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_text(st, 2, address, -1, SQLITE_STATIC);
	if ((rc = store_exec_stmt(s, st, "roster_exclusion_remove")) != ST_OK)
		return rc;
	return sqlite3_changes(s->db) ? ST_OK : ST_NOTFOUND;
}

static int
exclusion_row(sqlite3_stmt *st, void *p)
{
	struct each_ctx *e = p;
	int (*fn)(const char *, const char *, void *) =
	    (int (*)(const char *, const char *, void *))e->fn;
	const unsigned char *l = sqlite3_column_text(st, 0);
	const unsigned char *a = sqlite3_column_text(st, 1);

	return fn(l ? (const char *)l : "", a ? (const char *)a : "", e->ctx);
}

enum status
store_roster_exclusion_each(struct store *s, int64_t list_id,
    int (*fn)(const char *, const char *, void *), void *ctx)
{
	static const char sql[] = "SELECT l.name, x.address FROM"
	    " roster_exclusion x JOIN list l ON l.id = x.list_id"
	    " WHERE ?1 = 0 OR x.list_id = ?1 ORDER BY l.name, x.address";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct each_ctx e = { (void *)fn, ctx };

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	return store_row_each(s, st, exclusion_row, &e, "roster_exclusion_each");
}

static enum status
run_list_add(struct store *s, int64_t run_id, const struct roster_run_list *rl)
{
	static const char sql[] = "INSERT OR REPLACE INTO roster_run_list"
	    " (run_id, list_name, wanted, adds, removes, renames, state)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, rl->list_name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, rl->wanted);
	sqlite3_bind_int64(st, 4, rl->adds);
	sqlite3_bind_int64(st, 5, rl->removes);
	sqlite3_bind_int64(st, 6, rl->renames);
	sqlite3_bind_text(st, 7, rl->state, -1, SQLITE_STATIC);
	return store_exec_stmt(s, st, "roster_run_list_add");
}

enum status
store_roster_run_add(struct store *s, struct roster_run *r,
    const struct roster_run_list *lists, size_t n)
{
	static const char sql[] = "INSERT INTO roster_run (started, finished,"
	    " source, dry_run, applied, accounts, adds, removes, renames,"
	    " refused, errors, message) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, r->started);
	sqlite3_bind_int64(st, 2, r->finished);
	sqlite3_bind_text(st, 3, r->source, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, r->dry_run);
	sqlite3_bind_int(st, 5, r->applied);
	sqlite3_bind_int64(st, 6, r->accounts);
	sqlite3_bind_int64(st, 7, r->adds);
	sqlite3_bind_int64(st, 8, r->removes);
	sqlite3_bind_int64(st, 9, r->renames);
	sqlite3_bind_int(st, 10, r->refused);
	sqlite3_bind_int64(st, 11, r->errors);
	sqlite3_bind_text(st, 12, r->message, -1, SQLITE_STATIC);
	if ((rc = store_exec_stmt(s, st, "roster_run_add")) != ST_OK)
		return rc;
	r->id = sqlite3_last_insert_rowid(s->db);
	for (size_t i = 0; i < n && rc == ST_OK; i++)
		rc = run_list_add(s, r->id, &lists[i]);
	return rc;
}

enum status
store_roster_run_last(struct store *s, int applied_only,
    struct roster_run *out)
{
	static const char sql[] = "SELECT id, started, finished, source,"
	    " dry_run, applied, accounts, adds, removes, renames, refused,"
	    " errors, message FROM roster_run WHERE ?1 = 0 OR applied = 1"
	    " ORDER BY id DESC LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc = ST_NOTFOUND;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	memset(out, 0, sizeof(*out));
	sqlite3_bind_int(st, 1, applied_only);
	if ((err = sqlite3_step(st)) == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->started = sqlite3_column_int64(st, 1);
		out->finished = sqlite3_column_int64(st, 2);
		store_col_text(st, 3, out->source, sizeof(out->source));
		out->dry_run = sqlite3_column_int(st, 4);
		out->applied = sqlite3_column_int(st, 5);
		out->accounts = sqlite3_column_int64(st, 6);
		out->adds = sqlite3_column_int64(st, 7);
		out->removes = sqlite3_column_int64(st, 8);
		out->renames = sqlite3_column_int64(st, 9);
		out->refused = sqlite3_column_int(st, 10);
		out->errors = sqlite3_column_int64(st, 11);
		store_col_text(st, 12, out->message, sizeof(out->message));
		rc = ST_OK;
	} else if (err != SQLITE_DONE)
		rc = store_status(s, err, "roster_run_last");
	sqlite3_reset(st);
	return rc;
}

static int
run_list_row(sqlite3_stmt *st, void *p)
{
	struct each_ctx *e = p;
	int (*fn)(const struct roster_run_list *, void *) =
	    (int (*)(const struct roster_run_list *, void *))e->fn;
	struct roster_run_list rl;

	store_col_text(st, 0, rl.list_name, sizeof(rl.list_name));
	rl.wanted = sqlite3_column_int64(st, 1);
	rl.adds = sqlite3_column_int64(st, 2);
	rl.removes = sqlite3_column_int64(st, 3);
	rl.renames = sqlite3_column_int64(st, 4);
	store_col_text(st, 5, rl.state, sizeof(rl.state));
	return fn(&rl, e->ctx);
}

enum status
store_roster_run_list_each(struct store *s, int64_t run_id,
    int (*fn)(const struct roster_run_list *, void *), void *ctx)
{
	static const char sql[] = "SELECT list_name, wanted, adds, removes,"
	    " renames, state FROM roster_run_list WHERE run_id = ?"
	    " ORDER BY list_name";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct each_ctx e = { (void *)fn, ctx };

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, run_id);
	return store_row_each(s, st, run_list_row, &e, "roster_run_list_each");
}
