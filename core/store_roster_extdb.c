/* store_roster_extdb.c - read a district's account directory from an
 * external SQLite database with a configured query. The database is opened
 * read-only and the query must be a single read-only statement, so a
 * directory query can never change the directory. */
#include <stdio.h>
#include <string.h>

#include "core/store_int.h"
#include "core/store_roster.h"
#include "core/xmem.h"

#define EXTDB_COLUMNS_MAX	256

struct roster_extdb {
	sqlite3		*db;
	sqlite3_stmt	*st;
	int		 n_cols;
};

static enum status
extdb_fail(struct roster_extdb *x, enum status st, const char *what,
    char *err, size_t err_len)
{
	snprintf(err, err_len, "%s: %s", what,
	    x->db ? sqlite3_errmsg(x->db) : "out of memory");
	return st;
}

enum status
store_roster_extdb_open(const char *path, const char *query,
    struct roster_extdb **out, char *err, size_t err_len)
{
	struct roster_extdb *x = xcalloc(1, sizeof(*x));
	const char *tail = NULL;
	enum status st = ST_OK;

	*out = NULL;
	if (sqlite3_open_v2(path, &x->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(x->db, "PRAGMA schema_version", NULL, NULL, NULL)
	    != SQLITE_OK) {
		st = extdb_fail(x, ST_TEMP, "cannot open the database", err,
		    err_len);
		goto out;
	}
	sqlite3_busy_timeout(x->db, 10000);
	if (sqlite3_prepare_v2(x->db, query, -1, &x->st, &tail) != SQLITE_OK) {
		st = extdb_fail(x, ST_DATA, "bad query", err, err_len);
		goto out;
	}
	while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' ||
	    *tail == ';' || *tail == '\r'))
		tail++;
	if (x->st == NULL || (tail && *tail) || !sqlite3_stmt_readonly(x->st)) {
		snprintf(err, err_len, "bad query: it must be one read-only "
		    "SELECT statement");
		st = ST_DATA;
		goto out;
	}
	x->n_cols = sqlite3_column_count(x->st);
	if (x->n_cols <= 0 || x->n_cols > EXTDB_COLUMNS_MAX) {
		snprintf(err, err_len, "bad query: it returns %d columns "
		    "(expected 1 to %d)", x->n_cols, EXTDB_COLUMNS_MAX);
		st = ST_DATA;
	}
out:
	if (st != ST_OK)
		store_roster_extdb_close(x);
	else
		*out = x;
	return st;
}

size_t
store_roster_extdb_columns(struct roster_extdb *x)
{
	return (size_t)x->n_cols;
}

const char *
store_roster_extdb_column(struct roster_extdb *x, size_t i)
{
	const char *n = sqlite3_column_name(x->st, (int)i);

	return n ? n : "";
}

int
store_roster_extdb_next(struct roster_extdb *x, const char **vals, char *err,
    size_t err_len)
{
	int rc = sqlite3_step(x->st);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW) {
		snprintf(err, err_len, "query failed: %s", sqlite3_errmsg(x->db));
		return -1;
	}
	for (int i = 0; i < x->n_cols; i++) {
		const unsigned char *t = sqlite3_column_text(x->st, i);

		vals[i] = t ? (const char *)t : "";
	}
	return 1;
}

void
store_roster_extdb_close(struct roster_extdb *x)
{
	if (x == NULL)
		return;
	sqlite3_finalize(x->st);
	sqlite3_close(x->db);
	xfree(x);
}
