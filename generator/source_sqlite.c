/* source_sqlite.c - a directory kept in an SQLite database, read with the
 * district's configured query (its result columns play the CSV header's
 * part). The SQL itself runs in core/store_roster_extdb.c. */
#include <stdio.h>

#include "core/store_roster.h"
#include "core/xmem.h"
#include "generator/source.h"

static enum status sqlite_src_open(struct source *,
    const struct roster_source_conf *, char *, size_t);
static int sqlite_src_next(struct source *, const char **);
static void sqlite_src_close(struct source *);

const struct source_ops source_sqlite_ops = {
	"sqlite", sqlite_src_open, sqlite_src_next, sqlite_src_close, NULL,
	NULL,
};

struct sqlite_src {
	struct roster_extdb	*x;
	const char		*vals[SOURCE_COLUMNS_MAX];
	char			 err[512];
};

static enum status
sqlite_src_open(struct source *src, const struct roster_source_conf *conf,
    char *err, size_t err_len)
{
	struct sqlite_src *q = xcalloc(1, sizeof(*q));
	char msg[512];
	enum status st;
	size_t n;

	src->state = q;
	if (conf->query[0] == '\0') {
		snprintf(err, err_len, "%s: no query configured", conf->path);
		return ST_CONFIG;
	}
	st = store_roster_extdb_open(conf->path, conf->query, &q->x, msg,
	    sizeof(msg));
	if (st != ST_OK) {
		snprintf(err, err_len, "%s: %s", conf->path, msg);
		return st;
	}
	n = store_roster_extdb_columns(q->x);
	for (size_t i = 0; i < n && i < SOURCE_COLUMNS_MAX; i++)
		src->columns[src->n_columns++] =
		    source_column_dup(store_roster_extdb_column(q->x, i));
	return ST_OK;
}

static int
sqlite_src_next(struct source *src, const char **reason)
{
	struct sqlite_src *q = src->state;
	int rc;

	rc = store_roster_extdb_next(q->x, q->vals, q->err, sizeof(q->err));
	if (rc == 1) {
		src->line++;
		src->n_fields = src->n_columns;
		src->fields = q->vals;
	} else if (rc == -1) {
		*reason = q->err;
		return -2;
	}
	return rc;
}

static void
sqlite_src_close(struct source *src)
{
	struct sqlite_src *q = src->state;

	if (q == NULL)
		return;
	store_roster_extdb_close(q->x);
	xfree(q);
}
