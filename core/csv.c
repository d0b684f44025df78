/* csv.c - RFC 4180 reader (see csv.h). Reads byte by byte through stdio's
 * buffer; a record never grows past CSV_RECORD_MAX. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "core/csv.h"
#include "core/utf8.h"

void
csv_open_fp(struct csv_reader *r, FILE *fp)
{
	memset(r, 0, sizeof(*r));
	r->fp = fp;
	r->owns_fp = 1;
	r->line = 1;
	buf_init(&r->rec, CSV_RECORD_MAX);
}

int
csv_open(struct csv_reader *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	if (strcmp(path, "-") == 0) {
		r->fp = stdin;
	} else {
		if ((r->fp = fopen(path, "rb")) == NULL)
			return -1;
		r->owns_fp = 1;
	}
	r->line = 1;
	buf_init(&r->rec, CSV_RECORD_MAX);
	return 0;
}

void
csv_close(struct csv_reader *r)
{
	if (r->owns_fp && r->fp)
		fclose(r->fp);
	r->fp = NULL;
	buf_release(&r->rec);
}

/* Skip to the end of the current physical line after a bad record. */
static void
skip_line(struct csv_reader *r)
{
	int c;

	while ((c = getc(r->fp)) != EOF && c != '\n')
		;
	if (c == '\n')
		r->line++;
}

/* A UTF-8 byte order mark is not data. A broken one (0xEF not followed
 * by 0xBB 0xBF) is invalid UTF-8: -1, with the rest of its line skipped. */
static int
skip_bom(struct csv_reader *r)
{
	int a = getc(r->fp), last;

	if (a != 0xef) {
		if (a != EOF)
			ungetc(a, r->fp);
		return 0;
	}
	if ((last = getc(r->fp)) == 0xbb && (last = getc(r->fp)) == 0xbf)
		return 0;
	if (last == '\n')
		r->line++;
	else if (last != EOF)
		skip_line(r);
	return -1;
}

/* Skip to the end of a record whose field may be quoted: newlines inside
 * quotes belong to the record, so the next record starts after it. */
static void
skip_record(struct csv_reader *r, int in_quote)
{
	int c;

	if (!in_quote) {
		skip_line(r);
		return;
	}
	while ((c = getc(r->fp)) != EOF) {
		if (c == '"')
			in_quote = !in_quote;
		else if (c == '\n') {
			r->line++;
			if (!in_quote)
				break;
		}
	}
}

static void
end_field(struct csv_reader *r)
{
	buf_append(&r->rec, "", 1);	/* the NUL between fields */
}

/* Read one raw record into r->rec as NUL-separated fields. */
static int
read_record(struct csv_reader *r, const char **reason)
{
	int c, in_quote = 0, was_quoted = 0, at_start = 1;

	r->n_fields = 0;
	buf_reset(&r->rec);
	r->starts[r->n_fields++] = 0;
	for (;;) {
		c = getc(r->fp);
		if (c == EOF) {
			if (in_quote)
				return *reason = "unterminated quoted field", -1;
			break;
		}
		if (in_quote) {
			if (c == '"') {
				int d = getc(r->fp);

				if (d == '"') {
					buf_append(&r->rec, "\"", 1);
					continue;
				}
				if (d != EOF)
					ungetc(d, r->fp);
				in_quote = 0;
				continue;
			}
			if (c == '\n')
				r->line++;
		} else if (c == '"') {
			if (!at_start || was_quoted) {
				skip_line(r);
				return *reason = "quote inside an unquoted field", -1;
			}
			in_quote = was_quoted = 1;
			continue;
		} else if (c == ',') {
			end_field(r);
			if (r->n_fields == CSV_FIELDS_MAX) {
				skip_line(r);
				return *reason = "too many fields", -1;
			}
			r->starts[r->n_fields++] = r->rec.len;
			at_start = 1;
			was_quoted = 0;
			continue;
		} else if (c == '\r') {
			int d = getc(r->fp);

			if (d == '\n') {
				r->line++;
				break;
			}
			if (d != EOF)
				ungetc(d, r->fp);
		} else if (c == '\n') {
			r->line++;
			break;
		} else if (was_quoted) {
			skip_line(r);
			return *reason = "text after a closing quote", -1;
		}
		if (c == '\0') {
			skip_record(r, in_quote);
			return *reason = "NUL byte in field", -1;
		}
		at_start = 0;
		if (buf_append(&r->rec, &c, 1) == -1) {
			skip_record(r, in_quote);
			return *reason = "record longer than 64 KB", -1;
		}
	}
	end_field(r);
	if (r->rec.overflow)
		return *reason = "record longer than 64 KB", -1;
	return c == EOF && r->rec.len == 1 && r->n_fields == 1 ? 0 : 1;
}

int
csv_next(struct csv_reader *r, size_t *line, const char **reason)
{
	int rc;

	for (;;) {
		*line = r->line;
		*reason = NULL;
		if (!r->started) {
			r->started = 1;
			if (skip_bom(r) == -1)
				return *reason = "invalid UTF-8", -1;
		}
		rc = read_record(r, reason);
		if (rc <= 0)
			return rc;
		if (r->n_fields == 1 && r->rec.len == 1)
			continue;	/* blank line */
		break;
	}
	for (size_t i = 0; i < r->n_fields; i++)
		r->fields[i] = r->rec.data + r->starts[i];
	for (size_t i = 0; i < r->n_fields; i++)
		if (!utf8_valid(r->fields[i], strlen(r->fields[i])))
			return *reason = "invalid UTF-8", -1;
	return 1;
}

int
csv_column(const struct csv_reader *r, const char *name)
{
	for (size_t i = 0; i < r->n_fields; i++) {
		const char *f = r->fields[i];
		size_t n = strlen(f);

		while (n > 0 && isspace((unsigned char)*f))
			f++, n--;
		while (n > 0 && isspace((unsigned char)f[n - 1]))
			n--;
		if (n == strlen(name) && strncasecmp(f, name, n) == 0)
			return (int)i;
	}
	return -1;
}
