/* store_web.h - site.db rows of the web interface: admin accounts and their
 * district roles, login sessions, failed-login throttling and API tokens.
 * Secrets are never stored: sessions and tokens by their SHA-256 only. */
#ifndef LISTD_STORE_WEB_H
#define LISTD_STORE_WEB_H

#include <stdint.h>

#include "core/model.h"
#include "core/status.h"
#include "core/store.h"

#define ACCOUNT_NAME_MAX	64
#define ACCOUNT_HASH_MAX	200
#define WEB_HASH_LEN		64	/* SHA-256 in hex */
#define WEB_CSRF_LEN		32

struct account {
	int64_t	id;
	char	username[ACCOUNT_NAME_MAX + 1];
	char	password_hash[ACCOUNT_HASH_MAX + 1];
	char	email[ADDR_MAX + 1];
	int	is_site_admin;
	int	disabled;
	int64_t	created;
};

/* Add account a (id and created set). ST_EXISTS when the name is taken. */
enum status	store_account_add(struct store *site, struct account *a);
/* By name (case-insensitive) or id. ST_NOTFOUND when absent. */
enum status	store_account_get(struct store *site, const char *username,
		    struct account *out);
enum status	store_account_get_id(struct store *site, int64_t id,
		    struct account *out);
enum status	store_account_set_password(struct store *site, int64_t id,
		    const char *hash);
enum status	store_account_set_email(struct store *site, int64_t id,
		    const char *email);
/* Remove the account, its roles and sessions. ST_NOTFOUND when absent. */
enum status	store_account_remove(struct store *site, const char *username);
/* Each account in name order. */
enum status	store_account_each(struct store *site,
		    int (*fn)(const struct account *, void *), void *ctx);

/* District roles ("admin"). */
enum status	store_role_add(struct store *site, int64_t account_id,
		    const char *slug, const char *role);
/* ST_OK when the account holds role in slug, ST_NOTFOUND otherwise. */
enum status	store_role_has(struct store *site, int64_t account_id,
		    const char *slug, const char *role);
/* Each district slug where account holds role, in slug order. */
enum status	store_role_each(struct store *site, int64_t account_id,
		    const char *role, int (*fn)(const char *slug, void *),
		    void *ctx);

/* Remove role in slug from the account. ST_NOTFOUND when it had none. */
enum status	store_role_remove(struct store *site, int64_t account_id,
		    const char *slug, const char *role);
/* Each account holding role in slug, in name order. */
enum status	store_role_accounts(struct store *site, const char *slug,
		    const char *role, int (*fn)(const struct account *, void *),
		    void *ctx);

/* Sessions: id_hash is the SHA-256 (hex) of the cookie value. */
struct web_session {
	int64_t	account_id;
	char	csrf[WEB_CSRF_LEN + 1];
	int64_t	expires;
};
enum status	store_session_add(struct store *site, const char *id_hash,
		    const struct web_session *ws);
/* A live session (expires after now). ST_NOTFOUND otherwise. */
enum status	store_session_get(struct store *site, const char *id_hash,
		    int64_t now, struct web_session *out);
enum status	store_session_remove(struct store *site, const char *id_hash);
/* Remove every session of an account (password change). */
enum status	store_session_remove_account(struct store *site,
		    int64_t account_id);

/* Failed logins under key ("user:NAME" or "addr:IP"). */
enum status	store_login_fail_add(struct store *site, const char *key);
enum status	store_login_fail_count(struct store *site, const char *key,
		    int64_t since, int64_t *n);
enum status	store_login_fail_clear(struct store *site, const char *key);

/* Delete sessions expired at now and failed-login records older than
 * fail_before; *n_sessions and *n_fails get how many went. */
enum status	store_web_prune(struct store *site, int64_t now,
		    int64_t fail_before, int64_t *n_sessions, int64_t *n_fails);

/* API tokens. district "" means the whole site. */
struct api_token {
	int64_t	id;
	char	name[NAME_MAX_LEN + 1];
	char	district[SLUG_MAX + 1];
	int64_t	created;
	int64_t	last_used;
	int	revoked;
};
enum status	store_token_add(struct store *site, const char *hash,
		    struct api_token *t);
/* A token that is not revoked, by hash; last_used is updated. */
enum status	store_token_find(struct store *site, const char *hash,
		    struct api_token *out);
enum status	store_token_revoke(struct store *site, int64_t id);
enum status	store_token_each(struct store *site,
		    int (*fn)(const struct api_token *, void *), void *ctx);

/* SHA-256 of s as lower-case hex into out (WEB_HASH_LEN + 1 bytes). */
void		store_web_hash(const char *s, char *out);

#endif
