/* store_int.h - internals shared by core/store*.c only: the handle, the
 * prepared-statement cache and the SQLite result mapping. Never include this
 * outside core/store*.c. */
#ifndef LISTD_STORE_INT_H
#define LISTD_STORE_INT_H

#include <stddef.h>
#include <sys/types.h>

#include <sqlite3.h>

#include "core/status.h"
#include "core/store.h"

#define STORE_STMT_MAX	160

struct store_stmt_slot {
	const char	*sql;	/* identity: the static SQL string's address */
	sqlite3_stmt	*stmt;
};

struct store {
	sqlite3			*db;
	int			 is_site;
	int			 writer_lock;	/* stripe held, or -1 */
	char			 slug[64];
	char			*dir;
	char			*path;		/* the database file */
	dev_t			 dev;		/* its identity at open */
	ino_t			 ino;
	int			 n_stmts;
	struct store_stmt_slot	 stmts[STORE_STMT_MAX];
};

/* The prepared statement for sql (a static string), prepared once per
 * connection and reset before it is handed out. NULL on error (logged). */
sqlite3_stmt	*store_stmt(struct store *s, const char *sql);
/* Map an SQLite result code to a status; warns on corruption. */
enum status	 store_status(struct store *s, int rc, const char *what);
/* Copy column i as text into dst (dst_len bytes, always terminated). */
void		 store_col_text(sqlite3_stmt *st, int i, char *dst, size_t dst_len);
/* Run a statement that returns no rows. */
enum status	 store_exec_stmt(struct store *s, sqlite3_stmt *st, const char *what);
/* Step st for one row: fill(st, out) when there is one. ST_NOTFOUND when
 * there is none. Resets st. */
enum status	 store_row_one(struct store *s, sqlite3_stmt *st,
		     void (*fill)(sqlite3_stmt *, void *), void *out,
		     const char *what);
/* Step st over its rows, calling row(st, ctx) for each until it returns
 * non-zero (which stops the walk, still ST_OK). Resets st. */
enum status	 store_row_each(struct store *s, sqlite3_stmt *st,
		     int (*row)(sqlite3_stmt *, void *), void *ctx,
		     const char *what);
/* Step st once (an aggregate query) and read its first n columns as
 * integers into out[0..n); all 0 and a status when it gives no row. */
enum status	 store_row_ints(struct store *s, sqlite3_stmt *st,
		     int64_t *out, int n, const char *what);
/* Apply the migrations of the given kind (site or district). */
enum status	 store_schema_apply(struct store *s);

#endif
