/* migrate_members.c - member files from the old server: the text of
 * Mailman 2's `list_members -f` and Mailman 3's `mailman members` (one
 * "Name" <address> or bare address a line), Mailman 3 CSV, and Mailman 3
 * REST JSON. Every bad line stops the migration with file:line; the
 * settings are migrate_mm2.c's job. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "core/addr.h"
#include "core/csv.h"
#include "core/pylit.h"
#include "core/utf8.h"
#include "listd/migrate.h"

#define MEMBERS_FILE_MAX	(64L * 1024 * 1024)
#define MEMBER_LINE_MAX		2048

static int	parse_line(char *line, char *addr, char *name,
		    const char **reason);

/* Trim in place; returns the new start. */
static char *
trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* `"Name" <addr>`, `Name <addr>` or `addr` into addr and name. */
static int
parse_line(char *line, char *addr, char *name, const char **reason)
{
	char *lt, *s = trim(line), *nm = "";
	size_t n = strlen(s);

	if (n > 0 && s[n - 1] == '>' && (lt = strrchr(s, '<')) != NULL) {
		s[n - 1] = '\0';
		*lt = '\0';
		nm = trim(s);
		s = lt + 1;
		n = strlen(nm);
		if (n >= 2 && nm[0] == '"' && nm[n - 1] == '"') {
			nm[n - 1] = '\0';
			nm++;
		}
	}
	if (addr_normalize(s, addr, ADDR_MAX + 1, reason) == -1)
		return -1;
	if (!model_text_valid(nm, NAME_MAX_LEN, 0)) {
		*reason = "the name is not one line of UTF-8 text of at most "
		    "200 bytes";
		return -1;
	}
	snprintf(name, NAME_MAX_LEN + 1, "%s", nm);
	return 0;
}

enum status
migrate_members_text(struct mig_plan *p, const char *path, int mode,
    char *err, size_t err_len)
{
	char line[MEMBER_LINE_MAX + 2], addr[ADDR_MAX + 1];
	char name[NAME_MAX_LEN + 1];
	const char *reason;
	FILE *fp = fopen(path, "r");
	size_t lineno = 0;
	enum status st = ST_OK;

	if (fp == NULL) {
		snprintf(err, err_len, "%s: cannot open: %s", path,
		    strerror(errno));
		return ST_NOTFOUND;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (strlen(line) > MEMBER_LINE_MAX) {
			snprintf(err, err_len, "%s:%zu: line longer than %d "
			    "bytes", path, lineno, MEMBER_LINE_MAX);
			st = ST_DATA;
			break;
		}
		if (*trim(line) == '\0' || *trim(line) == '#')
			continue;
		if (parse_line(line, addr, name, &reason) == -1) {
			snprintf(err, err_len, "%s:%zu: %s", path, lineno, reason);
			st = ST_DATA;
			break;
		}
		migrate_plan_member(p, addr, name, mode, ROLE_MEMBER);
	}
	fclose(fp);
	return st;
}

/* Mailman 3 names: delivery_mode and delivery_status, role. */
static int
mm3_mode(const char *mode, const char *status)
{
	if (status && *status && strcasecmp(status, "enabled") != 0)
		return MODE_NOMAIL;
	if (mode && strstr(mode, "digest"))
		return MODE_DIGEST;
	return MODE_REGULAR;
}

static int
mm3_role(const char *role)
{
	if (role == NULL || *role == '\0' || !strcasecmp(role, "member"))
		return ROLE_MEMBER;
	if (!strcasecmp(role, "owner"))
		return ROLE_OWNER;
	if (!strcasecmp(role, "moderator"))
		return ROLE_MODERATOR;
	return -1;	/* nonmember: a posting rule, not a member */
}

/* One entry from CSV or JSON; a nonmember row becomes an allowed sender
 * only when its moderation action accepts. */
static int
mm3_entry(struct mig_plan *p, const char *email, const char *name,
    const char *mode, const char *status, const char *role, const char **why)
{
	char addr[ADDR_MAX + 1];
	int r = mm3_role(role);

	if (addr_normalize(email ? email : "", addr, sizeof(addr), why) == -1)
		return -1;
	if (name && !model_text_valid(name, NAME_MAX_LEN, 0)) {
		*why = "the name is not one line of UTF-8 text of at most 200 "
		    "bytes";
		return -1;
	}
	if (r < 0) {
		migrate_plan_note(p, "role", addr, 0, "role \"%s\" is not a "
		    "membership in listd; skipped", role);
		return 0;
	}
	if (r != ROLE_MEMBER && migrate_plan_find(p, addr) == NULL)
		migrate_plan_member(p, addr, name, MODE_NOMAIL, r);
	else
		migrate_plan_member(p, addr, name, mm3_mode(mode, status), r);
	return 0;
}

static const char *
field(struct csv_reader *r, int col)
{
	return col >= 0 && (size_t)col < r->n_fields ? r->fields[col] : NULL;
}

static enum status
mm3_csv(struct mig_plan *p, const char *path, char *err, size_t err_len)
{
	struct csv_reader r;
	const char *reason;
	size_t line;
	int rc, ce, cn, cm, cs, cr;
	enum status st = ST_OK;

	if (csv_open(&r, path) == -1) {
		snprintf(err, err_len, "%s: cannot open: %s", path,
		    strerror(errno));
		return ST_NOTFOUND;
	}
	(void)csv_next(&r, &line, &reason);
	if ((ce = csv_column(&r, "email")) < 0)
		ce = csv_column(&r, "address");
	cn = csv_column(&r, "display_name") >= 0 ?
	    csv_column(&r, "display_name") : csv_column(&r, "name");
	cm = csv_column(&r, "delivery_mode");
	cs = csv_column(&r, "delivery_status");
	cr = csv_column(&r, "role");
	while ((rc = csv_next(&r, &line, &reason)) != 0) {
		if (rc < 0 || mm3_entry(p, field(&r, ce), field(&r, cn),
		    field(&r, cm), field(&r, cs), field(&r, cr), &reason) == -1) {
			snprintf(err, err_len, "%s:%zu: %s", path, line, reason);
			st = ST_DATA;
			break;
		}
	}
	csv_close(&r);
	return st;
}

static const char *
json_str(const struct pyval *d, const char *key)
{
	const struct pyval *v = pyval_dict_get(d, key);

	return v && v->kind == PYVAL_STR ? v->s : NULL;
}

static enum status
mm3_json(struct mig_plan *p, const char *path, const char *text, size_t len,
    char *err, size_t err_len)
{
	struct pyval *top;
	const struct pyval *entries;
	const char *why;
	enum status st;
	char perr[300];

	if ((st = pylit_parse_json(text, len, &top, perr, sizeof(perr))) != ST_OK) {
		snprintf(err, err_len, "%s: %s", path, perr);
		return st;
	}
	entries = top->kind == PYVAL_LIST ? top : pyval_dict_get(top, "entries");
	if (entries == NULL || entries->kind != PYVAL_LIST) {
		snprintf(err, err_len, "%s: expected a list of members or "
		    "{\"entries\": [...]}", path);
		st = ST_DATA;
	}
	for (size_t k = 0; st == ST_OK && k < entries->n; k++) {
		const struct pyval *e = entries->items[k];

		if (mm3_entry(p, json_str(e, "email"), json_str(e,
		    "display_name"), json_str(e, "delivery_mode"), json_str(e,
		    "delivery_status"), json_str(e, "role"), &why) == -1) {
			snprintf(err, err_len, "%s: entry %zu: %s", path, k + 1,
			    why);
			st = ST_DATA;
		}
	}
	pyval_unref(top);
	return st;
}

/* A CSV header row: the first line has a comma and no address in it. */
static int
is_csv_header(const char *s)
{
	size_t n = strcspn(s, "\n");

	return memchr(s, ',', n) != NULL && memchr(s, '@', n) == NULL;
}

enum status
migrate_mm3_members(struct mig_plan *p, const char *path, char *err,
    size_t err_len)
{
	GError *gerr = NULL;
	gchar *text = NULL;
	gsize len = 0;
	const char *s;
	enum status st;

	if (!g_file_get_contents(path, &text, &len, &gerr)) {
		snprintf(err, err_len, "%s: cannot read: %s", path, gerr->message);
		g_error_free(gerr);
		return ST_NOTFOUND;
	}
	for (s = text; s < text + len && isspace((unsigned char)*s); s++)
		;
	if (len > MEMBERS_FILE_MAX) {
		snprintf(err, err_len, "%s: larger than %ld bytes", path,
		    MEMBERS_FILE_MAX);
		st = ST_TOOBIG;
	} else if (*s == '{' || *s == '[')
		st = mm3_json(p, path, text, len, err, err_len);
	else if (is_csv_header(s))
		st = mm3_csv(p, path, err, err_len);
	else
		st = migrate_members_text(p, path, MODE_REGULAR, err, err_len);
	g_free(text);
	return st;
}
