/* directory.c - read and judge a district's account rows (directory.h).
 * Strings live in one GStringChunk per run; duplicate addresses and ids are
 * found with two hash tables. A row's first problem is the one reported. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/addr.h"
#include "core/model.h"
#include "core/utf8.h"
#include "core/xmem.h"
#include "generator/directory.h"

struct columns {
	int	addr, name, role, active, id;
};

static void row_error(struct directory *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static const char *const role_names[] = { "staff", "student", "utility" };

const char *
directory_role_name(enum account_role r)
{
	return role_names[r];
}

static void
row_error(struct directory *d, size_t line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (d->n_errors < DIRECTORY_ERRORS_KEPT) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		d->errors[d->n_errors] = xasprintf("%s:%zu: %s", d->label, line,
		    msg);
	}
	d->n_errors++;
}

int
directory_column(const struct directory *d, const char *name)
{
	for (size_t i = 0; i < d->n_columns; i++)
		if (strcasecmp(d->columns[i], name) == 0)
			return (int)i;
	return -1;
}

static int
parse_active(const char *v)
{
	static const char *const yes[] = { "yes", "y", "true", "1", "active" };
	static const char *const no[] = { "no", "n", "false", "0", "inactive" };

	for (size_t i = 0; i < 5; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* Trim white space into the chunk; every value of an account goes here. */
static const char *
chunk_trim(struct directory *d, const char *v)
{
	size_t n;

	while (isspace((unsigned char)*v))
		v++;
	n = strlen(v);
	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	return g_string_chunk_insert_len(d->chunk, v, (gssize)n);
}

/* Check the fields that every account needs; fill a. 0 or -1 (reported). */
static int
judge_row(struct directory *d, const struct columns *c, size_t line,
    struct account *a)
{
	const char *reason, *v;
	char norm[ADDR_MAX + 1], key[ADDR_MAX + 1];
	int x;

	v = a->values[c->addr];
	if (addr_normalize(v, norm, sizeof(norm), &reason) == -1) {
		row_error(d, line, "invalid address \"%.100s\": %s", v, reason);
		return -1;
	}
	a->address = g_string_chunk_insert(d->chunk, norm);
	for (x = 0; norm[x]; x++)
		key[x] = g_ascii_tolower(norm[x]);
	key[x] = '\0';
	a->key = g_string_chunk_insert(d->chunk, key);
	v = a->values[c->role];
	for (x = 0; x < 3 && strcasecmp(v, role_names[x]) != 0; x++)
		;
	if (x == 3) {
		row_error(d, line, "unknown role \"%.40s\" for %s: expected "
		    "staff, student or utility", v, norm);
		return -1;
	}
	a->role = (enum account_role)x;
	a->values[c->role] = role_names[x];
	a->is_active = 1;
	if (c->active >= 0 && (a->is_active =
	    parse_active(a->values[c->active])) == -1) {
		row_error(d, line, "invalid active value \"%.40s\" for %s: "
		    "expected yes or no", a->values[c->active], norm);
		return -1;
	}
	a->name = c->name >= 0 ? a->values[c->name] : "";
	if (!model_text_valid(a->name, NAME_MAX_LEN, 0)) {
		row_error(d, line, "invalid name for %s: one line of text, at "
		    "most %d bytes", norm, NAME_MAX_LEN);
		return -1;
	}
	return 0;
}

/* Refuse a second row with the same address or id. 0 or -1 (reported). */
static int
check_unique(struct directory *d, size_t line, struct account *a, int has_id)
{
	gpointer first;

	if ((first = g_hash_table_lookup(d->by_key, a->key)) != NULL) {
		row_error(d, line, "duplicate address %s (first on line %zu)",
		    a->address, (size_t)GPOINTER_TO_SIZE(first));
		return -1;
	}
	if (has_id && (first = g_hash_table_lookup(d->by_id, a->id)) != NULL) {
		row_error(d, line, "duplicate id \"%.100s\" (first on line %zu)",
		    a->id, (size_t)GPOINTER_TO_SIZE(first));
		return -1;
	}
	g_hash_table_insert(d->by_key, (gpointer)a->key, GSIZE_TO_POINTER(line));
	g_hash_table_insert(d->by_id, (gpointer)a->id, GSIZE_TO_POINTER(line));
	return 0;
}

static void
add_row(struct directory *d, const struct columns *c, struct source *src)
{
	struct account a;

	if (src->n_fields != d->n_columns) {
		row_error(d, src->line, "%zu fields where the header has %zu",
		    src->n_fields, d->n_columns);
		return;
	}
	for (size_t i = 0; i < src->n_fields; i++)
		if (!utf8_valid(src->fields[i], strlen(src->fields[i]))) {
			row_error(d, src->line, "invalid UTF-8");
			return;
		}
	memset(&a, 0, sizeof(a));
	a.values = xmalloc(sizeof(char *) * d->n_columns);
	for (size_t i = 0; i < d->n_columns; i++)
		a.values[i] = chunk_trim(d, src->fields[i]);
	if (judge_row(d, c, src->line, &a) == -1)
		goto bad;
	a.id = c->id >= 0 ? a.values[c->id] : a.key;
	if (a.id[0] == '\0' || strlen(a.id) > ROSTER_ID_MAX) {
		row_error(d, src->line, "missing or overlong id for %s",
		    a.address);
		goto bad;
	}
	if (check_unique(d, src->line, &a, c->id >= 0) == -1)
		goto bad;
	if (d->n_accounts == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 1024;
		d->accounts = xrealloc(d->accounts, d->cap * sizeof(a));
	}
	d->accounts[d->n_accounts++] = a;
	return;
bad:
	xfree(a.values);
}

static int
find_columns(struct directory *d, struct columns *c, char *err,
    size_t err_len)
{
	if ((c->addr = directory_column(d, "address")) < 0)
		c->addr = directory_column(d, "email");
	if ((c->id = directory_column(d, "id")) < 0)
		c->id = directory_column(d, "account_id");
	c->name = directory_column(d, "name");
	c->role = directory_column(d, "role");
	c->active = directory_column(d, "active");
	if (c->addr < 0 || c->role < 0) {
		snprintf(err, err_len, "%s:1: the header has no \"%s\" column "
		    "(columns: address or email, role; optional: id, name, "
		    "active, any attribute)", d->label, c->addr < 0 ?
		    "address" : "role");
		return -1;
	}
	return 0;
}

static enum status
read_rows(struct directory *d, struct source *src, const struct columns *c,
    char *err, size_t err_len)
{
	const char *reason;
	int rc;

	while ((rc = source_next(src, &reason)) != 0) {
		if (rc == -2) {
			snprintf(err, err_len, "%s:%zu: %s", d->label,
			    src->line, reason);
			return ST_TEMP;
		}
		if (rc == -1)
			row_error(d, src->line, "%s", reason);
		else
			add_row(d, c, src);
		if (d->n_accounts + d->n_errors > DIRECTORY_ROWS_MAX) {
			snprintf(err, err_len, "%s: more than %d rows",
			    d->label, DIRECTORY_ROWS_MAX);
			return ST_TOOBIG;
		}
	}
	return ST_OK;
}

enum status
directory_load(const struct roster_source_conf *conf, struct directory **out,
    char *err, size_t err_len)
{
	struct directory *d = xcalloc(1, sizeof(*d));
	struct source *src = NULL;
	struct columns c;
	enum status st;

	*out = NULL;
	snprintf(d->label, sizeof(d->label), "%s", conf->path);
	d->chunk = g_string_chunk_new(1 << 16);
	d->by_key = g_hash_table_new(g_str_hash, g_str_equal);
	d->by_id = g_hash_table_new(g_str_hash, g_str_equal);
	if ((st = source_open(conf, &src, err, err_len)) != ST_OK)
		goto out;
	for (size_t i = 0; i < src->n_columns; i++)
		d->columns[d->n_columns++] = xstrdup(src->columns[i]);
	if (find_columns(d, &c, err, err_len) == -1) {
		st = ST_DATA;
		goto out;
	}
	st = read_rows(d, src, &c, err, err_len);
out:
	source_close(src);
	if (st == ST_OK)
		*out = d;
	else
		directory_free(d);
	return st;
}

void
directory_free(struct directory *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n_accounts; i++)
		xfree(d->accounts[i].values);
	for (size_t i = 0; i < d->n_errors && i < DIRECTORY_ERRORS_KEPT; i++)
		xfree(d->errors[i]);
	for (size_t i = 0; i < d->n_columns; i++)
		xfree(d->columns[i]);
	xfree(d->accounts);
	g_hash_table_destroy(d->by_key);
	g_hash_table_destroy(d->by_id);
	g_string_chunk_free(d->chunk);
	xfree(d);
}
