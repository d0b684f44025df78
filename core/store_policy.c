/* store_policy.c - SQL for content policy rules and presets. One table,
 * policy_rule, in both site.db and district.db (list_id 0 is "the whole
 * store": the site, or the district); presets are rows of the district's
 * setting table under "policy.preset.<name>". */
#include <string.h>

#include "core/store_int.h"
#include "core/store_policy.h"

static const char *kind_names[] = { "max_size", "attachment_deny",
	"attachment_allow", "word" };
static const char *action_names[] = { "hold", "reject", "discard" };
static const char *scope_names[] = { "site", "district", "list" };

static int name_parse(const char **names, int n, const char *s);
static enum status count_rules(struct store *s, int64_t *n);

const char *
store_policy_kind_name(enum policy_kind k)
{
	return (unsigned)k < POLICY_KIND__COUNT ? kind_names[k] : "unknown";
}

const char *
store_policy_action_name(enum policy_action a)
{
	return (unsigned)a < POLICY_ACTION__COUNT ? action_names[a] : "unknown";
}

const char *
store_policy_scope_name(enum policy_scope sc)
{
	return (unsigned)sc < POLICY_SCOPE__COUNT ? scope_names[sc] : "unknown";
}

static int
name_parse(const char **names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

int
store_policy_kind_parse(const char *s)
{
	return name_parse(kind_names, POLICY_KIND__COUNT, s);
}

int
store_policy_action_parse(const char *s)
{
	return name_parse(action_names, POLICY_ACTION__COUNT, s);
}

static enum status
count_rules(struct store *s, int64_t *n)
{
	static const char sql[] = "SELECT count(*) FROM policy_rule";

	return store_row_ints(s, store_stmt(s, sql), n, 1, "policy_count");
}

enum status
store_policy_add(struct store *s, struct policy_rule *r)
{
	static const char sql[] = "INSERT INTO policy_rule (list_id, kind,"
	    " pattern, action, message, created) VALUES (?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st;
	enum status rc;
	int64_t n;

	if (s->is_site != (r->scope == POLICY_SITE) ||
	    (r->scope == POLICY_LIST && r->list_id <= 0))
		return ST_USAGE;
	if ((rc = count_rules(s, &n)) != ST_OK)
		return rc;
	if (n >= POLICY_RULES_MAX)
		return ST_TOOBIG;
	if ((st = store_stmt(s, sql)) == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, r->scope == POLICY_LIST ? r->list_id : 0);
	sqlite3_bind_text(st, 2, store_policy_kind_name(r->kind), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->pattern, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, store_policy_action_name(r->action), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->message, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, store_now());
	if ((rc = store_exec_stmt(s, st, "policy_add")) == ST_OK)
		r->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

enum status
store_policy_remove(struct store *s, int64_t id)
{
	static const char sql[] = "DELETE FROM policy_rule WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = store_exec_stmt(s, st, "policy_remove")) != ST_OK)
		return rc;
	return sqlite3_changes(s->db) > 0 ? ST_OK : ST_NOTFOUND;
}

/* Fill r from a row (id, list_id, kind, pattern, action, message). */
static int
row_to_rule(struct store *s, sqlite3_stmt *st, struct policy_rule *r)
{
	char tmp[32];
	int kind, action;

	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->list_id = sqlite3_column_int64(st, 1);
	r->scope = s->is_site ? POLICY_SITE :
	    r->list_id ? POLICY_LIST : POLICY_DISTRICT;
	store_col_text(st, 2, tmp, sizeof(tmp));
	kind = store_policy_kind_parse(tmp);
	store_col_text(st, 3, r->pattern, sizeof(r->pattern));
	store_col_text(st, 4, tmp, sizeof(tmp));
	action = store_policy_action_parse(tmp);
	store_col_text(st, 5, r->message, sizeof(r->message));
	if (kind < 0 || action < 0)
		return -1;	/* written by a newer listd: skip it */
	r->kind = (enum policy_kind)kind;
	r->action = (enum policy_action)action;
	return 0;
}

enum status
store_policy_each(struct store *s, int64_t list_id,
    int (*fn)(const struct policy_rule *, void *), void *ctx)
{
	static const char sql[] = "SELECT id, list_id, kind, pattern, action,"
	    " message FROM policy_rule WHERE list_id = 0 OR ?1 = -1"
	    " OR list_id = ?1 ORDER BY list_id <> 0, list_id, id";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct policy_rule r;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	while ((err = sqlite3_step(st)) == SQLITE_ROW) {
		if (row_to_rule(s, st, &r) == -1)
			continue;
		if (fn(&r, ctx))
			break;
	}
	sqlite3_reset(st);
	return err == SQLITE_ROW || err == SQLITE_DONE ? ST_OK :
	    store_status(s, err, "policy_each");
}

enum status
store_policy_preset_get(struct store *s, const char *name, int *is_on)
{
	static const char sql[] = "SELECT value FROM setting"
	    " WHERE key = 'policy.preset.' || ?";
	sqlite3_stmt *st;
	int err;

	*is_on = 0;
	if (s->is_site)
		return ST_OK;
	if ((st = store_stmt(s, sql)) == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	err = sqlite3_step(st);
	if (err == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);

		*is_on = v && strcmp((const char *)v, "on") == 0;
	}
	sqlite3_reset(st);
	return err == SQLITE_ROW || err == SQLITE_DONE ? ST_OK :
	    store_status(s, err, "policy_preset_get");
}

enum status
store_policy_preset_set(struct store *s, const char *name, int is_on)
{
	static const char sql[] = "INSERT OR REPLACE INTO setting (key, value)"
	    " VALUES ('policy.preset.' || ?, ?)";
	sqlite3_stmt *st;

	if (s->is_site)
		return ST_USAGE;
	if ((st = store_stmt(s, sql)) == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, is_on ? "on" : "off", -1, SQLITE_STATIC);
	return store_exec_stmt(s, st, "policy_preset_set");
}
