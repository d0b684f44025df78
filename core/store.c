/* store.c - opening stores, pragmas, the statement cache, transactions and
 * the mapping of SQLite results to enum status. Domain SQL lives in
 * store_<noun>.c beside the function that runs it. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/fault.h"
#include "core/log.h"
#include "core/model.h"
#include "core/store_int.h"
#include "core/xmem.h"

#define BUSY_TIMEOUT_MS	10000

/* Writers of one district in this process queue on a mutex before BEGIN
 * IMMEDIATE, instead of meeting in SQLite's busy handler, which sleeps
 * 1, 2, 5 ... 100 ms and let an unlucky writer wait seconds (measured:
 * intake p99 436 ms -> 83 ms). Districts hash to stripes. A thread takes at
 * most one stripe: a thread already holding one leaves further begins to
 * SQLite's own locking, so two stripes are never awaited in turn. Other
 * processes (listctl) still meet at SQLite's lock. */
#define WRITER_STRIPES	32
static pthread_mutex_t writer_mu[WRITER_STRIPES] = {
	[0 ... WRITER_STRIPES - 1] = PTHREAD_MUTEX_INITIALIZER
};
static __thread int writer_held = -1;

static int
writer_stripe(const char *slug)
{
	unsigned int h = 5381;

	for (const char *p = slug; *p; p++)
		h = h * 33 + (unsigned char)*p;
	return (int)(h % WRITER_STRIPES);
}

static void
writer_lock(struct store *s)
{
	if (s->is_site || writer_held != -1)
		return;
	s->writer_lock = writer_stripe(s->slug);
	pthread_mutex_lock(&writer_mu[s->writer_lock]);
	writer_held = s->writer_lock;
}

static void
writer_unlock(struct store *s)
{
	if (s->writer_lock < 0)
		return;
	pthread_mutex_unlock(&writer_mu[s->writer_lock]);
	s->writer_lock = -1;
	writer_held = -1;
}

static enum status store_open_path(const char *, int, const char *,
    struct store **);

enum status
store_status(struct store *s, int rc, const char *what)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return ST_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_PROTOCOL:
		log_warnx("store busy what=%s district=%s rc=%d err=\"%s\"", what,
		    s ? s->slug : "", rc, s ? sqlite3_errmsg(s->db) : "");
		return ST_TEMP;
	case SQLITE_FULL:
		log_warnx("store full what=%s district=%s", what, s ? s->slug : "");
		return ST_NOSPACE;
	case SQLITE_CONSTRAINT:
		return ST_EXISTS;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		log_warnx("store corrupt what=%s district=%s err=\"%s\"", what,
		    s ? s->slug : "", s ? sqlite3_errmsg(s->db) : "");
		return ST_INTERNAL;
	default:
		log_warnx("store error what=%s district=%s rc=%d err=\"%s\"", what,
		    s ? s->slug : "", rc, s ? sqlite3_errmsg(s->db) : "");
		return ST_INTERNAL;
	}
}

sqlite3_stmt *
store_stmt(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int rc;

	for (int i = 0; i < s->n_stmts; i++) {
		if (s->stmts[i].sql == sql) {
			sqlite3_reset(s->stmts[i].stmt);
			sqlite3_clear_bindings(s->stmts[i].stmt);
			return s->stmts[i].stmt;
		}
	}
	rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	    NULL);
	if (rc != SQLITE_OK) {
		log_warnx("store prepare district=%s err=\"%s\" sql=\"%.60s\"",
		    s->slug, sqlite3_errmsg(s->db), sql);
		return NULL;
	}
	if (s->n_stmts == STORE_STMT_MAX)
		fatalx("store: statement cache full; raise STORE_STMT_MAX");
	s->stmts[s->n_stmts].sql = sql;
	s->stmts[s->n_stmts].stmt = st;
	s->n_stmts++;
	return st;
}

void
store_col_text(sqlite3_stmt *st, int i, char *dst, size_t dst_len)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(dst, dst_len, "%s", t ? (const char *)t : "");
}

enum status
store_exec_stmt(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc;

	if (st == NULL)
		return ST_INTERNAL;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return ST_OK;
	return store_status(s, rc, what);
}

enum status
store_row_one(struct store *s, sqlite3_stmt *st,
    void (*fill)(sqlite3_stmt *, void *), void *out, const char *what)
{
	enum status rc;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	err = sqlite3_step(st);
	if (err == SQLITE_ROW) {
		fill(st, out);
		rc = ST_OK;
	} else
		rc = err == SQLITE_DONE ? ST_NOTFOUND : store_status(s, err, what);
	sqlite3_reset(st);
	return rc;
}

enum status
store_row_each(struct store *s, sqlite3_stmt *st,
    int (*row)(sqlite3_stmt *, void *), void *ctx, const char *what)
{
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	while ((err = sqlite3_step(st)) == SQLITE_ROW)
		if (row(st, ctx)) {
			err = SQLITE_DONE;
			break;
		}
	sqlite3_reset(st);
	return err == SQLITE_DONE ? ST_OK : store_status(s, err, what);
}

enum status
store_row_ints(struct store *s, sqlite3_stmt *st, int64_t *out, int n,
    const char *what)
{
	int err;

	for (int i = 0; i < n; i++)
		out[i] = 0;
	if (st == NULL)
		return ST_INTERNAL;
	if ((err = sqlite3_step(st)) == SQLITE_ROW)
		for (int i = 0; i < n; i++)
			out[i] = sqlite3_column_int64(st, i);
	sqlite3_reset(st);
	return err == SQLITE_ROW ? ST_OK : store_status(s, err, what);
}

static enum status
exec_sql(struct store *s, const char *sql, const char *what)
{
	char *err = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &err);

	if (rc != SQLITE_OK) {
		log_warnx("store exec what=%s district=%s err=\"%s\"", what,
		    s->slug, err ? err : "");
		sqlite3_free(err);
		return store_status(s, rc, what);
	}
	return ST_OK;
}

/* Before SQLite's first use: no global memory statistics (each of its
 * allocations would take a process-wide mutex to count itself; nothing
 * reads them; a 10,000-message import ran 6% faster without). */
static void
sqlite_setup(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static enum status
store_open_path(const char *path, int is_site, const char *slug,
    struct store **out)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct store *s = xcalloc(1, sizeof(*s));
	struct stat sb;
	enum status st;
	int rc;

	s->writer_lock = -1;
	s->is_site = is_site;
	snprintf(s->slug, sizeof(s->slug), "%s", slug);
	pthread_once(&once, sqlite_setup);
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_warnx("store open path=%s err=\"%s\"", path,
		    s->db ? sqlite3_errmsg(s->db) : "out of memory");
		st = status_is_temp(store_status(s, rc, "open")) ? ST_TEMP :
		    ST_INTERNAL;
		goto fail;
	}
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(s->db, 1);
	/* P1: synchronous=FULL on every connection, WAL for readers. */
	if ((st = exec_sql(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    " PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;", "pragma"))
	    != ST_OK)
		goto fail;
	if ((st = store_schema_apply(s)) != ST_OK)
		goto fail;
	/* Who we opened, so store_replaced() sees a file put in its place. */
	s->path = xstrdup(path);
	if (stat(path, &sb) == 0) {
		s->dev = sb.st_dev;
		s->ino = sb.st_ino;
	}
	*out = s;
	return ST_OK;
fail:
	store_close(s);
	return st;
}

enum status
store_site_open(const char *home, struct store **out)
{
	char *path;
	enum status st;

	if (mkdir(home, 0750) == -1 && errno != EEXIST) {
		log_warn("store mkdir path=%s", home);
		return ST_TEMP;
	}
	path = xasprintf("%s/site.db", home);
	st = store_open_path(path, 1, "", out);
	xfree(path);
	return st;
}

char *
store_district_path(const char *home, const char *slug)
{
	if (!model_slug_valid(slug))
		return NULL;
	return xasprintf("%s/districts/%s", home, slug);
}

enum status
store_district_open(const char *home, const char *slug, int create,
    struct store **out)
{
	char *dir, *parent = NULL, *path = NULL;
	enum status st = ST_TEMP;
	struct stat sb;

	*out = NULL;
	if ((dir = store_district_path(home, slug)) == NULL)
		return ST_NOTFOUND;
	path = xasprintf("%s/district.db", dir);
	if (stat(path, &sb) == -1) {
		if (!create) {
			st = ST_NOTFOUND;
			goto out;
		}
		parent = xasprintf("%s/districts", home);
		if ((mkdir(home, 0750) == -1 && errno != EEXIST) ||
		    (mkdir(parent, 0750) == -1 && errno != EEXIST) ||
		    (mkdir(dir, 0750) == -1 && errno != EEXIST)) {
			log_warn("store mkdir district=%s", slug);
			goto out;
		}
	}
	if ((st = store_open_path(path, 0, slug, out)) == ST_OK) {
		(*out)->dir = dir;
		dir = NULL;
	}
out:
	xfree(parent);
	xfree(path);
	xfree(dir);
	return st;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	writer_unlock(s);	/* closed inside a transaction: let others in */
	for (int i = 0; i < s->n_stmts; i++)
		sqlite3_finalize(s->stmts[i].stmt);
	if (s->db)
		sqlite3_close(s->db);
	xfree(s->dir);
	xfree(s->path);
	xfree(s);
}

int
store_replaced(const struct store *s)
{
	struct stat sb;

	if (s->path == NULL || stat(s->path, &sb) == -1)
		return 1;
	return sb.st_dev != s->dev || sb.st_ino != s->ino;
}

const char *
store_slug(const struct store *s)
{
	return s->slug;
}

const char *
store_dir(const struct store *s)
{
	return s->dir ? s->dir : "";
}

void
store_sync_relaxed(struct store *s)
{
	(void)exec_sql(s, "PRAGMA synchronous=NORMAL", "pragma");
}

enum status
store_begin(struct store *s)
{
	static const char sql[] = "BEGIN IMMEDIATE";
	enum status st;

	writer_lock(s);
	if ((st = store_exec_stmt(s, store_stmt(s, sql), "begin")) != ST_OK)
		writer_unlock(s);
	return st;
}

enum status
store_commit(struct store *s)
{
	static const char sql[] = "COMMIT";
	enum status st;

	if (fault_hit("store.commit")) {
		store_rollback(s);
		return ST_TEMP;
	}
	if ((st = store_exec_stmt(s, store_stmt(s, sql), "commit")) != ST_OK)
		store_rollback(s);
	writer_unlock(s);
	return st;
}

void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		(void)exec_sql(s, "ROLLBACK", "rollback");
	writer_unlock(s);
}

enum status
store_read_begin(struct store *s)
{
	static const char sql[] = "BEGIN DEFERRED";

	if (!sqlite3_get_autocommit(s->db))
		return ST_INTERNAL;
	return store_exec_stmt(s, store_stmt(s, sql), "read begin");
}

void
store_read_end(struct store *s)
{
	if (s != NULL && !sqlite3_get_autocommit(s->db))
		(void)exec_sql(s, "COMMIT", "read end");
}

enum status
store_district_reopen(const struct store *s, struct store **out)
{
	char *path = xasprintf("%s/district.db", s->dir);
	enum status st;

	if ((st = store_open_path(path, 0, s->slug, out)) == ST_OK)
		(*out)->dir = xstrdup(s->dir);
	xfree(path);
	return st;
}

int64_t
store_now(void)
{
	const char *pin = getenv("LISTD_NOW");

	if (pin && *pin)
		return strtoll(pin, NULL, 10);
	return (int64_t)time(NULL);
}
