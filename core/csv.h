/* csv.h - an RFC 4180 CSV reader for member imports and directory exports:
 * header row, quoted fields with "" escapes, CRLF or LF, an optional UTF-8
 * BOM. Each record is bounded; a bad record is reported with its line and
 * the reader moves on to the next one. */
#ifndef LISTD_CSV_H
#define LISTD_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "core/buf.h"

#define CSV_RECORD_MAX	65536	/* bytes in one record */
#define CSV_FIELDS_MAX	256

struct csv_reader {
	FILE		*fp;
	int		 owns_fp;
	size_t		 line;		/* line the next record starts on */
	int		 started;
	struct buf	 rec;		/* unescaped bytes of the record */
	size_t		 n_fields;
	size_t		 starts[CSV_FIELDS_MAX];
	char		*fields[CSV_FIELDS_MAX];
};

/* Open path ("-" for stdin). -1 with errno on failure. */
int	csv_open(struct csv_reader *r, const char *path);
/* Read from fp (a memory stream, say); csv_close() closes it. */
void	csv_open_fp(struct csv_reader *r, FILE *fp);
void	csv_close(struct csv_reader *r);
/* Read the next record. Returns 1 with the record in r->fields[0..n_fields)
 * and its first line in *line; 0 at end of file; -1 for a bad record, with
 * *line and a fixed *reason ("unterminated quoted field", "invalid UTF-8",
 * ...). After -1 the next call reads the following record. Fields are
 * borrowed until the next call. Blank lines are skipped. */
int	csv_next(struct csv_reader *r, size_t *line, const char **reason);
/* Index of the header field named name (case-insensitive, trimmed), or -1. */
int	csv_column(const struct csv_reader *r, const char *name);

#endif
