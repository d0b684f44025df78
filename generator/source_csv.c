/* source_csv.c - a directory export as CSV (core/csv.h: header row, RFC
 * 4180 quoting, UTF-8 with or without BOM, CRLF or LF). Bad records are
 * passed up with their line; judging fields is directory.c's job. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/csv.h"
#include "core/xmem.h"
#include "generator/source.h"

static enum status csv_src_open(struct source *,
    const struct roster_source_conf *, char *, size_t);
static int csv_src_next(struct source *, const char **);
static void csv_src_close(struct source *);

const struct source_ops source_csv_ops = {
	"csv", csv_src_open, csv_src_next, csv_src_close, NULL, NULL,
};

static enum status
csv_src_open(struct source *src, const struct roster_source_conf *conf,
    char *err, size_t err_len)
{
	struct csv_reader *r = xcalloc(1, sizeof(*r));
	const char *reason;
	size_t line;
	int rc;

	if (csv_open(r, conf->path) == -1) {
		snprintf(err, err_len, "%s: cannot read: %s", conf->path,
		    strerror(errno));
		xfree(r);
		return ST_TEMP;
	}
	src->state = r;
	if ((rc = csv_next(r, &line, &reason)) <= 0) {
		if (rc == 0)
			snprintf(err, err_len, "%s: the file is empty (no header "
			    "row)", conf->path);
		else
			snprintf(err, err_len, "%s:%zu: bad header row: %s",
			    conf->path, line, reason);
		return ST_DATA;
	}
	for (size_t i = 0; i < r->n_fields; i++)
		src->columns[src->n_columns++] = source_column_dup(r->fields[i]);
	return ST_OK;
}

static int
csv_src_next(struct source *src, const char **reason)
{
	struct csv_reader *r = src->state;
	int rc = csv_next(r, &src->line, reason);

	if (rc == 1) {
		src->n_fields = r->n_fields;
		src->fields = (const char *const *)r->fields;
	}
	if (rc <= 0 && ferror(r->fp)) {
		*reason = "read error";
		return -2;
	}
	return rc;
}

static void
csv_src_close(struct source *src)
{
	if (src->state) {
		csv_close(src->state);
		xfree(src->state);
	}
}
