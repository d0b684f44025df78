/* account.h - web accounts and API tokens as listctl admin|token and the
 * web's site pages change them: name checks, creating an account with its
 * district role, setting a password (which signs the account out),
 * removing a district administrator, and making a token whose secret is
 * returned once. SQL lives in store_web.c. */
#ifndef LISTD_ACCOUNT_H
#define LISTD_ACCOUNT_H

#include <stddef.h>

#include "core/status.h"
#include "core/store.h"
#include "core/store_web.h"

#define ACCOUNT_PASSWORD_GEN_LEN	20	/* generated passwords */

/* Is user a valid account name (letters, digits, . _ - @; 1 to
 * ACCOUNT_NAME_MAX)? */
int		account_name_valid(const char *user);
/* A fresh random password into pw (ACCOUNT_PASSWORD_GEN_LEN + 1 bytes;
 * needs at least TOKEN_LEN + 1). */
void		account_password_generate(char *pw, size_t pw_len);
/* Add account a (username, email, is_site_admin set) with password, and
 * when slug is not NULL make it administrator of that district, in one
 * transaction. ST_USAGE for a bad name or a password outside
 * PASSWD_MIN..PASSWD_MAX, ST_EXISTS when the name is taken. */
enum status	account_create(struct store *site, struct account *a,
		    const char *password, const char *slug);
/* Set account id's password and end all its sessions. ST_USAGE for a
 * password outside PASSWD_MIN..PASSWD_MAX. */
enum status	account_password_set(struct store *site, int64_t id,
		    const char *password);
/* Take district slug away from administrator username; the account goes
 * too (with its sessions) when it is then left with no district, is no
 * site administrator and no list role can reach it (no email). *deleted
 * says which. ST_NOTFOUND when username administers no such district. */
enum status	account_district_remove(struct store *site,
		    const char *username, const char *slug, int *deleted);
/* Make API token t (name and district set; district "" for the site):
 * its secret goes to secret (TOKEN_LEN + 1 bytes), only its hash is
 * stored; t->id and t->created are set. ST_USAGE for a bad name. */
enum status	account_token_create(struct store *site, struct api_token *t,
		    char *secret);

#endif
