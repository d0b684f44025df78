/* account.c - accounts and tokens as listctl and the web change them: the
 * checks, the hashing and the order of steps both need. No output here. */
#include <stdio.h>
#include <string.h>

#include "core/account.h"
#include "core/passwd.h"
#include "core/token.h"

static int	count_role(const char *slug, void *arg);

int
account_name_valid(const char *user)
{
	size_t n = strlen(user);

	return n > 0 && n <= ACCOUNT_NAME_MAX && strspn(user,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-@") == n;
}

void
account_password_generate(char *pw, size_t pw_len)
{
	char tok[TOKEN_LEN + 1];

	token_random(tok);
	tok[ACCOUNT_PASSWORD_GEN_LEN] = '\0';
	snprintf(pw, pw_len, "%s", tok);
}

static int
password_ok(const char *pw)
{
	size_t n = strlen(pw);

	return n >= PASSWD_MIN && n <= PASSWD_MAX && strcspn(pw, "\r\n") == n;
}

enum status
account_create(struct store *site, struct account *a, const char *password,
    const char *slug)
{
	enum status st;

	if (!account_name_valid(a->username) || !password_ok(password))
		return ST_USAGE;
	if (passwd_hash(password, a->password_hash,
	    sizeof(a->password_hash)) == -1)
		return ST_INTERNAL;
	if ((st = store_begin(site)) != ST_OK)
		return st;
	if ((st = store_account_add(site, a)) == ST_OK && slug)
		st = store_role_add(site, a->id, slug, "admin");
	if (st == ST_OK)
		st = store_commit(site);
	if (st != ST_OK)
		store_rollback(site);
	return st;
}

enum status
account_password_set(struct store *site, int64_t id, const char *password)
{
	char hash[PASSWD_HASH_MAX];
	enum status st;

	if (!password_ok(password))
		return ST_USAGE;
	if (passwd_hash(password, hash, sizeof(hash)) == -1)
		return ST_INTERNAL;
	if ((st = store_account_set_password(site, id, hash)) != ST_OK)
		return st;
	return store_session_remove_account(site, id);
}

static int
count_role(const char *slug, void *arg)
{
	(void)slug;
	(*(int *)arg)++;
	return 0;
}

enum status
account_district_remove(struct store *site, const char *username,
    const char *slug, int *deleted)
{
	struct account a;
	enum status st;
	int n_left = 0;

	*deleted = 0;
	if ((st = store_account_get(site, username, &a)) != ST_OK)
		return st;
	if ((st = store_role_remove(site, a.id, slug, "admin")) != ST_OK)
		return st;
	if ((st = store_role_each(site, a.id, "admin", count_role, &n_left))
	    != ST_OK)
		return st;
	if (n_left == 0 && !a.is_site_admin && a.email[0] == '\0') {
		if ((st = store_account_remove(site, a.username)) != ST_OK)
			return st;
		*deleted = 1;
		return ST_OK;
	}
	/* Kept: its sessions lose the district at the next request (authz
	 * reads the role every time). */
	return ST_OK;
}

enum status
account_token_create(struct store *site, struct api_token *t, char *secret)
{
	char hash[WEB_HASH_LEN + 1];

	if (!*t->name || !model_text_valid(t->name, NAME_MAX_LEN, 0))
		return ST_USAGE;
	token_random(secret);
	store_web_hash(secret, hash);
	return store_token_add(site, hash, t);
}
