/* ctl_member.c - listctl member add|remove|list|set|import|export.
 * Import is one transaction: a file with bad rows changes nothing unless
 * --skip-bad is given, and every bad row is named by line. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "core/addr.h"
#include "core/csv.h"
#include "core/store_list.h"
#include "core/store_member.h"
#include "listd/ctl.h"

static int member_add(struct ctl *);
static int member_remove(struct ctl *);
static int member_list(struct ctl *);
static int member_set(struct ctl *);
static int member_import(struct ctl *);
static int member_export(struct ctl *);

#define IMPORT_ERRORS_SHOWN	50

const struct ctl_verb ctl_member_verbs[] = {
	{ "add", "name=,mode=,role=", 2, 2,
	  "add LIST ADDRESS [--name NAME] [--mode regular|digest|nomail] "
	  "[--role member|moderator|owner]", "add one member", member_add },
	{ "remove", "", 2, 2, "remove LIST ADDRESS", "remove one member",
	  member_remove },
	{ "list", "role=,mode=,source=,search=", 1, 1,
	  "list LIST [--role R] [--mode M] [--source manual|directory] "
	  "[--search TEXT]", "list members, one per line", member_list },
	{ "set", "name=,mode=,role=", 2, 2,
	  "set LIST ADDRESS [--name NAME] [--mode M] [--role R]",
	  "change a member's name, delivery mode or role", member_set },
	{ "import", "skip-bad,mode=", 2, 2,
	  "import LIST FILE.csv [--skip-bad] [--mode M]",
	  "add members from a CSV file with a header row naming an address "
	  "(or email) column and optionally name and mode columns; existing "
	  "members are left as they are; \"-\" reads stdin", member_import },
	{ "export", "", 1, 2, "export LIST [FILE.csv]",
	  "write members as CSV (address,name,mode,role,source) to FILE or "
	  "stdout", member_export },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

/* Fill m's name, mode and role from the options. 0 or an exit code. */
static int
member_options(struct ctl *c, struct member *m)
{
	const char *name = ctl_opt(c, "name"), *mode = ctl_opt(c, "mode");
	const char *role = ctl_opt(c, "role");
	int v;

	if (name) {
		if (!model_text_valid(name, NAME_MAX_LEN, 0))
			return ctl_fail(c, ST_USAGE, "invalid name: one line of "
			    "UTF-8 text, at most %d bytes", NAME_MAX_LEN);
		snprintf(m->name, sizeof(m->name), "%s", name);
	}
	if (mode) {
		if ((v = model_mode_parse(mode)) < 0)
			return ctl_fail(c, ST_USAGE, "--mode \"%s\": expected %s",
			    mode, model_mode_choices());
		m->mode = (enum delivery_mode)v;
	}
	if (role) {
		if ((v = model_role_parse(role)) < 0)
			return ctl_fail(c, ST_USAGE, "--role \"%s\": expected "
			    "member, moderator or owner", role);
		m->role = (enum member_role)v;
	}
	return 0;
}

static int
parse_member_address(struct ctl *c, const char *in, char *out)
{
	const char *reason;

	if (addr_normalize(in, out, ADDR_MAX + 1, &reason) == -1)
		return ctl_fail(c, ST_DATA, "invalid address \"%s\": %s", in,
		    reason);
	return 0;
}

static int
member_add(struct ctl *c)
{
	struct district d;
	struct store *ds;
	struct list l;
	struct member m;
	enum status st;
	int rc;

	memset(&m, 0, sizeof(m));
	if ((rc = parse_member_address(c, c->pos[1], m.address)) != 0 ||
	    (rc = member_options(c, &m)) != 0)
		return rc;
	if ((rc = ctl_open_list(c, c->pos[0], &d, &ds, &l)) != 0)
		return rc;
	m.list_id = l.id;
	m.source = SOURCE_MANUAL;
	st = store_member_add(ds, &m);
	store_close(ds);
	if (st == ST_EXISTS)
		return ctl_fail(c, st, "%s is already a member of %s@%s",
		    m.address, l.name, d.domain);
	if (st != ST_OK)
		return ctl_fail(c, st, "cannot add %s (%s)", m.address,
		    status_name(st));
	ctl_audit(c, d.slug, "member.add", "list=%s address=%s", l.name,
	    m.address);
	if (!c->json)
		printf("%s added to %s@%s\n", m.address, l.name, d.domain);
	return 0;
}

static int
member_remove(struct ctl *c)
{
	struct district d;
	struct store *ds;
	struct list l;
	char addr[ADDR_MAX + 1];
	enum status st;
	int rc;

	if ((rc = parse_member_address(c, c->pos[1], addr)) != 0)
		return rc;
	if ((rc = ctl_open_list(c, c->pos[0], &d, &ds, &l)) != 0)
		return rc;
	st = store_member_remove(ds, l.id, addr);
	store_close(ds);
	if (st != ST_OK)
		return ctl_fail(c, st, st == ST_NOTFOUND ? "%s is not a member "
		    "of %s@%s" : "cannot remove %s from %s@%s", addr, l.name,
		    d.domain);
	ctl_audit(c, d.slug, "member.remove", "list=%s address=%s", l.name,
	    addr);
	if (!c->json)
		printf("%s removed from %s@%s\n", addr, l.name, d.domain);
	return 0;
}

static void
member_json(struct json *j, const struct member *m)
{
	char when[32];

	json_obj_begin(j);
	json_kv_str(j, "address", m->address);
	json_kv_str(j, "name", m->name);
	json_kv_str(j, "mode", model_mode_name(m->mode));
	json_kv_str(j, "role", model_role_name(m->role));
	json_kv_str(j, "source", model_source_name(m->source));
	ctl_time(m->created, when, sizeof(when));
	json_kv_str(j, "created", when);
	ctl_time(m->updated, when, sizeof(when));
	json_kv_str(j, "updated", when);
	json_obj_end(j);
}

static int
print_member(const struct member *m, void *ctx)
{
	struct json *j = ctx;

	if (j)
		member_json(j, m);
	else
		printf("%s\t%s\t%s\t%s\t%s\n", m->address, m->name,
		    model_mode_name(m->mode), model_role_name(m->role),
		    model_source_name(m->source));
	return 0;
}

/* Parse --role/--mode/--source/--search into a filter; 0 or exit code. */
static int
filter_options(struct ctl *c, struct member_filter *f)
{
	const char *v;

	member_filter_all(f);
	if ((v = ctl_opt(c, "role")) && (f->role = model_role_parse(v)) < 0)
		return ctl_fail(c, ST_USAGE, "--role \"%s\": expected member, "
		    "moderator or owner", v);
	if ((v = ctl_opt(c, "mode")) && (f->mode = model_mode_parse(v)) < 0)
		return ctl_fail(c, ST_USAGE, "--mode \"%s\": expected %s", v,
		    model_mode_choices());
	if ((v = ctl_opt(c, "source")) && (f->source = model_source_parse(v)) < 0)
		return ctl_fail(c, ST_USAGE, "--source \"%s\": expected manual "
		    "or directory", v);
	f->query = ctl_opt(c, "search");
	return 0;
}

static int
member_list(struct ctl *c)
{
	struct district d;
	struct store *ds;
	struct list l;
	struct member_filter f;
	struct json j;
	enum status st;
	int rc;

	if ((rc = filter_options(c, &f)) != 0)
		return rc;
	if ((rc = ctl_open_list(c, c->pos[0], &d, &ds, &l)) != 0)
		return rc;
	if (c->json) {
		ctl_json_begin(&j, (size_t)1 << 30);
		json_arr_begin(&j);
	}
	st = store_member_each(ds, l.id, &f, print_member, c->json ? &j : NULL);
	store_close(ds);
	if (st != ST_OK) {
		if (c->json)
			json_release(&j);
		return ctl_fail(c, st, "cannot read members (%s)", status_name(st));
	}
	if (c->json) {
		json_arr_end(&j);
		return ctl_json_end(&j);
	}
	return 0;
}

static int
member_set(struct ctl *c)
{
	struct district d;
	struct store *ds;
	struct list l;
	struct member m;
	char addr[ADDR_MAX + 1];
	enum status st;
	int rc;

	if ((rc = parse_member_address(c, c->pos[1], addr)) != 0)
		return rc;
	if (!ctl_opt(c, "name") && !ctl_opt(c, "mode") && !ctl_opt(c, "role"))
		return ctl_fail(c, ST_USAGE, "nothing to change: give --name, "
		    "--mode or --role");
	if ((rc = ctl_open_list(c, c->pos[0], &d, &ds, &l)) != 0)
		return rc;
	if ((st = store_member_get(ds, l.id, addr, &m)) != ST_OK) {
		rc = ctl_fail(c, st, "%s is not a member of %s@%s", addr, l.name,
		    d.domain);
		goto out;
	}
	if ((rc = member_options(c, &m)) != 0)
		goto out;
	if ((st = store_member_update(ds, &m)) != ST_OK) {
		rc = ctl_fail(c, st, "cannot update %s (%s)", addr,
		    status_name(st));
		goto out;
	}
	ctl_audit(c, d.slug, "member.set", "list=%s address=%s mode=%s role=%s",
	    l.name, addr, model_mode_name(m.mode), model_role_name(m.role));
	if (!c->json)
		printf("%s updated\n", addr);
out:
	store_close(ds);
	return rc;
}

struct import_state {
	struct ctl	*c;
	const char	*file;
	int		 n_added;
	int		 n_existing;
	int		 n_bad;
	GHashTable	*seen;
	struct json	*errors;
};

static void
import_error(struct import_state *is, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
import_error(struct import_state *is, size_t line, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (is->n_bad++ < IMPORT_ERRORS_SHOWN || is->c->json) {
		if (is->errors) {
			json_obj_begin(is->errors);
			json_kv_int(is->errors, "line", (int64_t)line);
			json_kv_str(is->errors, "error", msg);
			json_obj_end(is->errors);
		} else
			fprintf(stderr, "listctl: member import: %s:%zu: %s\n",
			    is->file, line, msg);
	}
}

/* One data row: validate, check for duplicates, insert. */
static void
import_row(struct import_state *is, struct store *ds, const struct list *l,
    struct csv_reader *r, size_t line, int col_addr, int col_name,
    int col_mode, int default_mode)
{
	struct member m;
	const char *reason, *raw;
	char *key, trimmed[ADDR_MAX * 2 + 2];
	size_t n;
	enum status st;
	int mode = default_mode;

	memset(&m, 0, sizeof(m));
	raw = (size_t)col_addr < r->n_fields ? r->fields[col_addr] : "";
	while (isspace((unsigned char)*raw))
		raw++;
	snprintf(trimmed, sizeof(trimmed), "%s", raw);
	n = strlen(trimmed);
	while (n > 0 && isspace((unsigned char)trimmed[n - 1]))
		trimmed[--n] = '\0';
	if (addr_normalize(trimmed, m.address, sizeof(m.address), &reason) == -1) {
		import_error(is, line, "invalid address \"%.100s\": %s", trimmed,
		    reason);
		return;
	}
	if (col_name >= 0 && (size_t)col_name < r->n_fields) {
		if (!model_text_valid(r->fields[col_name], NAME_MAX_LEN, 0)) {
			import_error(is, line, "invalid name for %s: one line of "
			    "text, at most %d bytes", m.address, NAME_MAX_LEN);
			return;
		}
		snprintf(m.name, sizeof(m.name), "%s", r->fields[col_name]);
	}
	if (col_mode >= 0 && (size_t)col_mode < r->n_fields &&
	    r->fields[col_mode][0] &&
	    (mode = model_mode_parse(r->fields[col_mode])) < 0) {
		import_error(is, line, "invalid mode \"%.40s\": expected %s",
		    r->fields[col_mode], model_mode_choices());
		return;
	}
	key = g_ascii_strdown(m.address, -1);
	if (g_hash_table_contains(is->seen, key)) {
		import_error(is, line, "duplicate address %s", m.address);
		g_free(key);
		return;
	}
	g_hash_table_add(is->seen, key);
	m.list_id = l->id;
	m.mode = (enum delivery_mode)mode;
	m.role = ROLE_MEMBER;
	m.source = SOURCE_MANUAL;
	st = store_member_add(ds, &m);
	if (st == ST_OK)
		is->n_added++;
	else if (st == ST_EXISTS)
		is->n_existing++;
	else
		import_error(is, line, "cannot store %s (%s)", m.address,
		    status_name(st));
}

static int
import_file(struct import_state *is, struct store *ds, const struct list *l,
    struct csv_reader *r)
{
	const char *reason, *v;
	size_t line;
	int rc, col_addr, col_name, col_mode, mode = MODE_REGULAR;

	if ((v = ctl_opt(is->c, "mode")) && (mode = model_mode_parse(v)) < 0)
		return ctl_fail(is->c, ST_USAGE, "--mode \"%s\": expected %s", v,
		    model_mode_choices());
	if ((rc = csv_next(r, &line, &reason)) <= 0)
		return ctl_fail(is->c, ST_DATA, "%s:%zu: %s", is->file, line,
		    rc == 0 ? "empty file: expected a header row with an "
		    "address column" : reason);
	if ((col_addr = csv_column(r, "address")) < 0 &&
	    (col_addr = csv_column(r, "email")) < 0)
		return ctl_fail(is->c, ST_DATA, "%s:%zu: the header row has no "
		    "\"address\" or \"email\" column", is->file, line);
	col_name = csv_column(r, "name");
	col_mode = csv_column(r, "mode");
	while ((rc = csv_next(r, &line, &reason)) != 0) {
		if (rc < 0) {
			import_error(is, line, "%s", reason);
			continue;
		}
		import_row(is, ds, l, r, line, col_addr, col_name, col_mode, mode);
	}
	return 0;
}

static int
member_import(struct ctl *c)
{
	struct import_state is = { c, c->pos[1], 0, 0, 0, NULL, NULL };
	struct district d;
	struct store *ds;
	struct list l;
	struct csv_reader r;
	struct json j;
	enum status st;
	int rc, skip_bad = ctl_flag(c, "skip-bad"), applied = 0;

	if (csv_open(&r, c->pos[1]) == -1)
		return ctl_fail(c, ST_NOTFOUND, "cannot read %s: %s", c->pos[1],
		    strerror(errno));
	if ((rc = ctl_open_list(c, c->pos[0], &d, &ds, &l)) != 0) {
		csv_close(&r);
		return rc;
	}
	is.seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (c->json) {
		ctl_json_begin(&j, 64 << 20);
		json_obj_begin(&j);
		json_key(&j, "errors");
		json_arr_begin(&j);
		is.errors = &j;
	}
	if ((st = store_begin(ds)) != ST_OK) {
		rc = ctl_fail(c, st, "cannot start a transaction (%s)",
		    status_name(st));
		goto out;
	}
	if ((rc = import_file(&is, ds, &l, &r)) != 0) {
		store_rollback(ds);
		goto out;
	}
	if (is.n_bad > 0 && !skip_bad) {
		store_rollback(ds);
		rc = status_exit(ST_DATA);
	} else if ((st = store_commit(ds)) != ST_OK) {
		rc = ctl_fail(c, st, "cannot commit the import (%s); nothing "
		    "was changed", status_name(st));
		goto out;
	} else {
		applied = 1;
		ctl_audit(c, d.slug, "member.import", "list=%s file=%s added=%d "
		    "existing=%d bad=%d", l.name, is.file, is.n_added,
		    is.n_existing, is.n_bad);
	}
	if (c->json) {
		json_arr_end(&j);
		json_kv_bool(&j, "applied", applied);
		json_kv_int(&j, "added", applied ? is.n_added : 0);
		json_kv_int(&j, "existing", is.n_existing);
		json_kv_int(&j, "bad", is.n_bad);
		json_obj_end(&j);
		json_print(&j, stdout);
	} else if (applied) {
		printf("%s@%s: %d added, %d already members, %d bad rows "
		    "skipped\n", l.name, d.domain, is.n_added, is.n_existing,
		    is.n_bad);
	} else {
		if (is.n_bad > IMPORT_ERRORS_SHOWN)
			fprintf(stderr, "listctl: member import: ... and %d more "
			    "bad rows\n", is.n_bad - IMPORT_ERRORS_SHOWN);
		fprintf(stderr, "listctl: member import: %s: %d bad rows; "
		    "nothing was imported (fix them, or give --skip-bad)\n",
		    is.file, is.n_bad);
	}
out:
	if (c->json)
		json_release(&j);
	g_hash_table_destroy(is.seen);
	store_close(ds);
	csv_close(&r);
	return rc;
}

/* Write one CSV field, quoted when needed; text that a spreadsheet would
 * run as a formula gets a leading apostrophe. */
static void
csv_field(FILE *fp, const char *s, int last)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	int formula = strchr("=+-@\t", s[0]) != NULL && s[0] != '\0';

	if (quote || formula) {
		fputc('"', fp);
		if (formula)
			fputc('\'', fp);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', fp);
			fputc(*s, fp);
		}
		fputc('"', fp);
	} else
		fputs(s, fp);
	fputs(last ? "\r\n" : ",", fp);
}

static int
export_member(const struct member *m, void *ctx)
{
	FILE *fp = ctx;

	csv_field(fp, m->address, 0);
	csv_field(fp, m->name, 0);
	csv_field(fp, model_mode_name(m->mode), 0);
	csv_field(fp, model_role_name(m->role), 0);
	csv_field(fp, model_source_name(m->source), 1);
	return 0;
}

static int
member_export(struct ctl *c)
{
	struct district d;
	struct store *ds;
	struct list l;
	struct member_filter f;
	FILE *fp = stdout;
	enum status st;
	int rc;

	if ((rc = ctl_open_list(c, c->pos[0], &d, &ds, &l)) != 0)
		return rc;
	if (c->n_pos == 2 && (fp = fopen(c->pos[1], "w")) == NULL) {
		rc = ctl_fail(c, ST_TEMP, "cannot write %s: %s", c->pos[1],
		    strerror(errno));
		goto out;
	}
	fputs("address,name,mode,role,source\r\n", fp);
	member_filter_all(&f);
	st = store_member_each(ds, l.id, &f, export_member, fp);
	if (st != ST_OK)
		rc = ctl_fail(c, st, "cannot read members (%s)", status_name(st));
	if (fp != stdout && fclose(fp) != 0 && rc == 0)
		rc = ctl_fail(c, ST_TEMP, "cannot write %s: %s", c->pos[1],
		    strerror(errno));
out:
	store_close(ds);
	return rc;
}
