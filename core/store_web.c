/* store_web.c - SQL for the web interface's site.db rows: accounts, roles,
 * sessions, failed logins and API tokens. No policy here (web/auth.c). */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "core/store_int.h"
#include "core/store_web.h"

#define ACCOUNT_COLS "id, username, password_hash, email, is_site_admin," \
	" disabled, created"
#define TOKEN_COLS "id, name, coalesce(district_slug, ''), created," \
	" coalesce(last_used, 0), revoked"

static void
row_to_account(sqlite3_stmt *st, struct account *a)
{
	a->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, a->username, sizeof(a->username));
	store_col_text(st, 2, a->password_hash, sizeof(a->password_hash));
	store_col_text(st, 3, a->email, sizeof(a->email));
	a->is_site_admin = sqlite3_column_int(st, 4);
	a->disabled = sqlite3_column_int(st, 5);
	a->created = sqlite3_column_int64(st, 6);
}

static void
row_to_token(sqlite3_stmt *st, struct api_token *t)
{
	t->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, t->name, sizeof(t->name));
	store_col_text(st, 2, t->district, sizeof(t->district));
	t->created = sqlite3_column_int64(st, 3);
	t->last_used = sqlite3_column_int64(st, 4);
	t->revoked = sqlite3_column_int(st, 5);
}

/* Step st once: ST_OK with a row, ST_NOTFOUND without; resets on no row. */
static enum status
step_row(struct store *s, sqlite3_stmt *st, const char *what)
{
	int err = sqlite3_step(st);

	if (err == SQLITE_ROW)
		return ST_OK;
	sqlite3_reset(st);
	return err == SQLITE_DONE ? ST_NOTFOUND : store_status(s, err, what);
}

enum status
store_account_add(struct store *site, struct account *a)
{
	static const char sql[] = "INSERT INTO account (username,"
	    " password_hash, email, is_site_admin, created) VALUES (?,?,?,?,?)";
	sqlite3_stmt *st = store_stmt(site, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	a->created = store_now();
	sqlite3_bind_text(st, 1, a->username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->email, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, a->is_site_admin);
	sqlite3_bind_int64(st, 5, a->created);
	rc = store_exec_stmt(site, st, "account_add");
	if (rc == ST_DATA)
		rc = ST_EXISTS;
	if (rc == ST_OK)
		a->id = sqlite3_last_insert_rowid(site->db);
	return rc;
}

static enum status
account_get_one(struct store *site, sqlite3_stmt *st, struct account *out)
{
	enum status rc = step_row(site, st, "account_get");

	if (rc == ST_OK) {
		row_to_account(st, out);
		sqlite3_reset(st);
	}
	return rc;
}

enum status
store_account_get(struct store *site, const char *username,
    struct account *out)
{
	static const char sql[] = "SELECT " ACCOUNT_COLS
	    " FROM account WHERE username = ?";
	sqlite3_stmt *st = store_stmt(site, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	return account_get_one(site, st, out);
}

enum status
store_account_get_id(struct store *site, int64_t id, struct account *out)
{
	static const char sql[] = "SELECT " ACCOUNT_COLS
	    " FROM account WHERE id = ?";
	sqlite3_stmt *st = store_stmt(site, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	return account_get_one(site, st, out);
}

/* Run sql (an UPDATE with a text then the account id) for account id. */
static enum status
account_set_text(struct store *site, const char *sql, int64_t id,
    const char *text, const char *what)
{
	sqlite3_stmt *st = store_stmt(site, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	return store_exec_stmt(site, st, what);
}

enum status
store_account_set_password(struct store *site, int64_t id, const char *hash)
{
	return account_set_text(site, "UPDATE account SET password_hash = ?"
	    " WHERE id = ?", id, hash, "account_set_password");
}

enum status
store_account_set_email(struct store *site, int64_t id, const char *email)
{
	return account_set_text(site, "UPDATE account SET email = ?"
	    " WHERE id = ?", id, email, "account_set_email");
}

enum status
store_account_remove(struct store *site, const char *username)
{
	static const char sql[] = "DELETE FROM account WHERE username = ?";
	static const char sql_r[] = "DELETE FROM role WHERE account_id = ?";
	struct account a;
	sqlite3_stmt *st;
	enum status rc;

	if ((rc = store_account_get(site, username, &a)) != ST_OK)
		return rc;
	if ((rc = store_session_remove_account(site, a.id)) != ST_OK)
		return rc;
	if ((st = store_stmt(site, sql_r)) == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, a.id);
	if ((rc = store_exec_stmt(site, st, "role_remove")) != ST_OK)
		return rc;
	if ((st = store_stmt(site, sql)) == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	return store_exec_stmt(site, st, "account_remove");
}

enum status
store_account_each(struct store *site,
    int (*fn)(const struct account *, void *), void *ctx)
{
	static const char sql[] = "SELECT " ACCOUNT_COLS
	    " FROM account ORDER BY username";
	sqlite3_stmt *st = store_stmt(site, sql);
	struct account a;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	while ((err = sqlite3_step(st)) == SQLITE_ROW) {
		row_to_account(st, &a);
		if (fn(&a, ctx) != 0)
			break;
	}
	sqlite3_reset(st);
	return err == SQLITE_ROW || err == SQLITE_DONE ? ST_OK :
	    store_status(site, err, "account_each");
}

/* sql (three parameters: account, district, role) prepared and bound;
 * NULL when it cannot be prepared. */
static sqlite3_stmt *
role_stmt(struct store *site, const char *sql, int64_t account_id,
    const char *slug, const char *role)
{
	sqlite3_stmt *st = store_stmt(site, sql);

	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_text(st, 2, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
	return st;
}

enum status
store_role_add(struct store *site, int64_t account_id, const char *slug,
    const char *role)
{
	static const char sql[] = "INSERT OR IGNORE INTO role (account_id,"
	    " district_slug, role) VALUES (?, ?, ?)";
	sqlite3_stmt *st = role_stmt(site, sql, account_id, slug, role);

	if (st == NULL)
		return ST_INTERNAL;
	return store_exec_stmt(site, st, "role_add");
}

enum status
store_role_has(struct store *site, int64_t account_id, const char *slug,
    const char *role)
{
	static const char sql[] = "SELECT 1 FROM role WHERE account_id = ?"
	    " AND district_slug = ? AND role = ?";
	sqlite3_stmt *st = role_stmt(site, sql, account_id, slug, role);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	if ((rc = step_row(site, st, "role_has")) == ST_OK)
		sqlite3_reset(st);
	return rc;
}

enum status
store_role_each(struct store *site, int64_t account_id, const char *role,
    int (*fn)(const char *slug, void *), void *ctx)
{
	static const char sql[] = "SELECT district_slug FROM role WHERE"
	    " account_id = ? AND role = ? ORDER BY district_slug";
	sqlite3_stmt *st = store_stmt(site, sql);
	char slug[SLUG_MAX + 1];
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, account_id);
	sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
	while ((err = sqlite3_step(st)) == SQLITE_ROW) {
		store_col_text(st, 0, slug, sizeof(slug));
		if (fn(slug, ctx) != 0)
			break;
	}
	sqlite3_reset(st);
	return err == SQLITE_ROW || err == SQLITE_DONE ? ST_OK :
	    store_status(site, err, "role_each");
}

enum status
store_session_add(struct store *site, const char *id_hash,
    const struct web_session *ws)
{
	static const char sql[] = "INSERT INTO web_session (id_hash,"
	    " account_id, csrf, created, expires) VALUES (?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(site, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, id_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ws->account_id);
	sqlite3_bind_text(st, 3, ws->csrf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, store_now());
	sqlite3_bind_int64(st, 5, ws->expires);
	return store_exec_stmt(site, st, "session_add");
}

enum status
store_session_get(struct store *site, const char *id_hash, int64_t now,
    struct web_session *out)
{
	static const char sql[] = "SELECT account_id, csrf, expires FROM"
	    " web_session WHERE id_hash = ? AND expires > ?";
	sqlite3_stmt *st = store_stmt(site, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, id_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = step_row(site, st, "session_get")) != ST_OK)
		return rc;
	out->account_id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, out->csrf, sizeof(out->csrf));
	out->expires = sqlite3_column_int64(st, 2);
	sqlite3_reset(st);
	return ST_OK;
}

enum status
store_session_remove(struct store *site, const char *id_hash)
{
	static const char sql[] = "DELETE FROM web_session WHERE id_hash = ?";
	sqlite3_stmt *st = store_stmt(site, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, id_hash, -1, SQLITE_STATIC);
	return store_exec_stmt(site, st, "session_remove");
}

enum status
store_session_remove_account(struct store *site, int64_t account_id)
{
	static const char sql[] = "DELETE FROM web_session WHERE"
	    " account_id = ?";
	sqlite3_stmt *st = store_stmt(site, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, account_id);
	return store_exec_stmt(site, st, "session_remove_account");
}

enum status
store_login_fail_add(struct store *site, const char *key)
{
	static const char sql[] = "INSERT INTO web_login_fail (key, ts)"
	    " VALUES (?, ?)";
	sqlite3_stmt *st = store_stmt(site, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, store_now());
	return store_exec_stmt(site, st, "login_fail_add");
}

enum status
store_login_fail_count(struct store *site, const char *key, int64_t since,
    int64_t *n)
{
	static const char sql[] = "SELECT count(*) FROM web_login_fail"
	    " WHERE key = ? AND ts >= ?";
	sqlite3_stmt *st = store_stmt(site, sql);
	enum status rc;

	*n = 0;
	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	if ((rc = step_row(site, st, "login_fail_count")) != ST_OK)
		return rc;
	*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return ST_OK;
}

enum status
store_login_fail_clear(struct store *site, const char *key)
{
	static const char sql[] = "DELETE FROM web_login_fail WHERE key = ?";
	sqlite3_stmt *st = store_stmt(site, sql);

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return store_exec_stmt(site, st, "login_fail_clear");
}

enum status
store_token_add(struct store *site, const char *hash, struct api_token *t)
{
	static const char sql[] = "INSERT INTO api_token (token_hash, name,"
	    " district_slug, created) VALUES (?, ?, nullif(?, ''), ?)";
	sqlite3_stmt *st = store_stmt(site, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	t->created = store_now();
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, t->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t->district, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, t->created);
	if ((rc = store_exec_stmt(site, st, "token_add")) == ST_OK)
		t->id = sqlite3_last_insert_rowid(site->db);
	return rc;
}

enum status
store_token_find(struct store *site, const char *hash, struct api_token *out)
{
	static const char sql[] = "SELECT " TOKEN_COLS " FROM api_token"
	    " WHERE token_hash = ? AND revoked = 0";
	static const char sql_u[] = "UPDATE api_token SET last_used = ?"
	    " WHERE id = ?";
	sqlite3_stmt *st = store_stmt(site, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	if ((rc = step_row(site, st, "token_find")) != ST_OK)
		return rc;
	row_to_token(st, out);
	sqlite3_reset(st);
	if ((st = store_stmt(site, sql_u)) == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, store_now());
	sqlite3_bind_int64(st, 2, out->id);
	(void)store_exec_stmt(site, st, "token_used");
	return ST_OK;
}

enum status
store_token_revoke(struct store *site, int64_t id)
{
	static const char sql[] = "UPDATE api_token SET revoked = 1"
	    " WHERE id = ? AND revoked = 0";
	sqlite3_stmt *st = store_stmt(site, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	rc = store_exec_stmt(site, st, "token_revoke");
	if (rc == ST_OK && sqlite3_changes(site->db) == 0)
		rc = ST_NOTFOUND;
	return rc;
}

enum status
store_token_each(struct store *site,
    int (*fn)(const struct api_token *, void *), void *ctx)
{
	static const char sql[] = "SELECT " TOKEN_COLS " FROM api_token"
	    " ORDER BY id";
	sqlite3_stmt *st = store_stmt(site, sql);
	struct api_token t;
	int err;

	if (st == NULL)
		return ST_INTERNAL;
	while ((err = sqlite3_step(st)) == SQLITE_ROW) {
		row_to_token(st, &t);
		if (fn(&t, ctx) != 0)
			break;
	}
	sqlite3_reset(st);
	return err == SQLITE_ROW || err == SQLITE_DONE ? ST_OK :
	    store_status(site, err, "token_each");
}

/* store_role_accounts' callback and its argument. */
struct role_walk {
	int	(*fn)(const struct account *, void *);
	void	*ctx;
};

static int
role_account_row(sqlite3_stmt *st, void *arg)
{
	struct role_walk *w = arg;
	struct account a;

	row_to_account(st, &a);
	return w->fn(&a, w->ctx);
}

enum status
store_role_accounts(struct store *site, const char *slug, const char *role,
    int (*fn)(const struct account *, void *), void *ctx)
{
	static const char sql[] = "SELECT a.id, a.username, a.password_hash,"
	    " a.email, a.is_site_admin, a.disabled, a.created FROM account a"
	    " JOIN role r ON r.account_id = a.id WHERE r.district_slug = ?"
	    " AND r.role = ? ORDER BY a.username";
	sqlite3_stmt *st = store_stmt(site, sql);
	struct role_walk w = { fn, ctx };

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
	return store_row_each(site, st, role_account_row, &w, "role_accounts");
}

enum status
store_role_remove(struct store *site, int64_t account_id, const char *slug,
    const char *role)
{
	static const char sql[] = "DELETE FROM role WHERE account_id = ?"
	    " AND district_slug = ? AND role = ?";
	sqlite3_stmt *st = role_stmt(site, sql, account_id, slug, role);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	rc = store_exec_stmt(site, st, "role_remove");
	if (rc == ST_OK && sqlite3_changes(site->db) == 0)
		rc = ST_NOTFOUND;
	return rc;
}

enum status
store_web_prune(struct store *site, int64_t now, int64_t fail_before,
    int64_t *n_sessions, int64_t *n_fails)
{
	static const char sql_s[] = "DELETE FROM web_session WHERE"
	    " expires <= ?";
	static const char sql_f[] = "DELETE FROM web_login_fail WHERE ts < ?";
	sqlite3_stmt *st;
	enum status rc;

	*n_sessions = *n_fails = 0;
	if ((st = store_stmt(site, sql_s)) == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, now);
	if ((rc = store_exec_stmt(site, st, "session_prune")) != ST_OK)
		return rc;
	*n_sessions = sqlite3_changes(site->db);
	if ((st = store_stmt(site, sql_f)) == NULL)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, fail_before);
	if ((rc = store_exec_stmt(site, st, "login_fail_prune")) != ST_OK)
		return rc;
	*n_fails = sqlite3_changes(site->db);
	return ST_OK;
}

void
store_web_hash(const char *s, char *out)
{
	gchar *hex = g_compute_checksum_for_string(G_CHECKSUM_SHA256, s, -1);

	snprintf(out, WEB_HASH_LEN + 1, "%s", hex);
	g_free(hex);
}
