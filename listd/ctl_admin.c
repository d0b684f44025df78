/* ctl_admin.c - listctl admin add|list|remove|password: accounts of the
 * web interface (site administrators and district administrators).
 * Passwords come from a file (first line) or are generated and printed
 * once; only their yescrypt hash is stored. */
#include <stdio.h>
#include <string.h>

#include "core/account.h"
#include "core/addr.h"
#include "core/passwd.h"
#include "core/store_site.h"
#include "core/store_web.h"
#include "listd/ctl.h"

static int admin_add(struct ctl *);
static int admin_list(struct ctl *);
static int admin_remove(struct ctl *);
static int admin_password(struct ctl *);

const struct ctl_verb ctl_admin_verbs[] = {
	{ "add", "site,district=,email=,password-file=", 1, 1,
	  "add USER [--site | --district SLUG] [--email ADDR] "
	  "[--password-file FILE]",
	  "add a web account: site administrator, administrator of a "
	  "district, or neither (list owners and moderators: their --email "
	  "is matched against the list's members); without --password-file "
	  "a password is generated and printed once", admin_add },
	{ "list", "", 0, 0, "list", "list web accounts and their districts",
	  admin_list },
	{ "remove", "", 1, 1, "remove USER",
	  "remove an account, its roles and sessions", admin_remove },
	{ "password", "password-file=", 1, 1,
	  "password USER [--password-file FILE]",
	  "set a new password (generated when no file is given); signs the "
	  "account out everywhere", admin_password },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

/* The password from --password-file (first line) or a generated one
 * (printed later by the caller). Returns 0 or an exit code. */
static int
read_password(struct ctl *c, char *pw, size_t pw_len, int *generated)
{
	const char *path = ctl_opt(c, "password-file");
	FILE *fp;
	size_t n;

	*generated = 0;
	if (path == NULL) {
		account_password_generate(pw, pw_len);
		*generated = 1;
		return 0;
	}
	if ((fp = fopen(path, "r")) == NULL)
		return ctl_fail(c, ST_NOTFOUND, "%s: cannot open", path);
	if (fgets(pw, (int)pw_len, fp) == NULL)
		pw[0] = '\0';
	fclose(fp);
	n = strcspn(pw, "\r\n");
	pw[n] = '\0';
	if (n < PASSWD_MIN || n > PASSWD_MAX)
		return ctl_fail(c, ST_DATA, "%s:1: the password must be %d to "
		    "%d characters", path, PASSWD_MIN, PASSWD_MAX);
	return 0;
}

static int
check_user(struct ctl *c, const char *user)
{
	if (!account_name_valid(user))
		return ctl_fail(c, ST_USAGE, "invalid user name \"%s\": use "
		    "letters, digits and . _ - @ (at most %d)", user,
		    ACCOUNT_NAME_MAX);
	return 0;
}

static int
admin_add(struct ctl *c)
{
	const char *user = c->pos[0], *slug = ctl_opt(c, "district");
	const char *email = ctl_opt(c, "email"), *why;
	struct store *site;
	struct district d;
	struct account a;
	char pw[PASSWD_MAX + 2];
	int rc, generated;
	enum status st;

	if ((rc = check_user(c, user)) != 0)
		return rc;
	if (ctl_flag(c, "site") && slug != NULL)
		return ctl_fail(c, ST_USAGE, "give --site or --district SLUG, "
		    "not both");
	memset(&a, 0, sizeof(a));
	if (email && addr_normalize(email, a.email, sizeof(a.email), &why))
		return ctl_fail(c, ST_USAGE, "invalid --email \"%s\": %s",
		    email, why);
	if ((site = ctl_site(c)) == NULL)
		return status_exit(ST_TEMP);
	if (slug && store_district_get(site, slug, &d) != ST_OK)
		return ctl_fail(c, ST_NOTFOUND, "no district \"%s\"", slug);
	if ((rc = read_password(c, pw, sizeof(pw), &generated)) != 0)
		return rc;
	snprintf(a.username, sizeof(a.username), "%s", user);
	a.is_site_admin = ctl_flag(c, "site");
	if ((st = account_create(site, &a, pw, slug)) != ST_OK)
		return ctl_fail(c, st, st == ST_EXISTS ? "account \"%s\" "
		    "exists" : "cannot add \"%s\"", user);
	ctl_audit(c, slug ? slug : "", "admin.add", "user=%s role=%s", user,
	    slug ? "district-admin" : a.is_site_admin ? "site-admin" : "none");
	if (c->json) {
		struct json j;

		ctl_json_begin(&j, 4096);
		json_obj_begin(&j);
		json_kv_str(&j, "username", a.username);
		json_kv_str(&j, "district", slug ? slug : "");
		if (generated)
			json_kv_str(&j, "password", pw);
		json_obj_end(&j);
		return ctl_json_end(&j);
	}
	printf("added %s (%s)\n", user, slug ? slug : a.is_site_admin ?
	    "site administrator" : "no district role");
	if (generated)
		printf("password: %s\n", pw);
	return 0;
}

struct list_ctx {
	struct ctl	*c;
	struct json	*j;
	char		 roles[512];
};

static int
role_cat(const char *slug, void *arg)
{
	struct list_ctx *lc = arg;
	size_t n = strlen(lc->roles);

	snprintf(lc->roles + n, sizeof(lc->roles) - n, "%s%s", n ? "," : "",
	    slug);
	return 0;
}

static int
account_row(const struct account *a, void *arg)
{
	struct list_ctx *lc = arg;

	lc->roles[0] = '\0';
	(void)store_role_each(lc->c->site, a->id, "admin", role_cat, lc);
	if (lc->j == NULL) {
		printf("%-20s %-10s %s%s\n", a->username, a->is_site_admin ?
		    "site" : "district", lc->roles, a->disabled ?
		    " (disabled)" : "");
		return 0;
	}
	json_obj_begin(lc->j);
	json_kv_str(lc->j, "username", a->username);
	json_kv_str(lc->j, "email", a->email);
	json_kv_bool(lc->j, "site_admin", a->is_site_admin);
	json_kv_str(lc->j, "districts", lc->roles);
	json_kv_bool(lc->j, "disabled", a->disabled);
	json_obj_end(lc->j);
	return 0;
}

static int
admin_list(struct ctl *c)
{
	struct list_ctx lc = { c, NULL, "" };
	struct json j;
	enum status st;

	if (ctl_site(c) == NULL)
		return status_exit(ST_TEMP);
	if (c->json) {
		ctl_json_begin(&j, 1 << 20);
		json_arr_begin(&j);
		lc.j = &j;
	}
	st = store_account_each(c->site, account_row, &lc);
	if (st != ST_OK)
		return ctl_fail(c, st, "cannot read the accounts");
	if (c->json) {
		json_arr_end(&j);
		return ctl_json_end(&j);
	}
	return 0;
}

static int
admin_remove(struct ctl *c)
{
	enum status st;

	if (ctl_site(c) == NULL)
		return status_exit(ST_TEMP);
	if ((st = store_account_remove(c->site, c->pos[0])) != ST_OK)
		return ctl_fail(c, st, st == ST_NOTFOUND ? "no account \"%s\"" :
		    "cannot remove \"%s\"", c->pos[0]);
	ctl_audit(c, "", "admin.remove", "user=%s", c->pos[0]);
	if (!c->json)
		printf("removed %s\n", c->pos[0]);
	return 0;
}

static int
admin_password(struct ctl *c)
{
	char pw[PASSWD_MAX + 2];
	struct account a;
	int rc, generated;

	if (ctl_site(c) == NULL)
		return status_exit(ST_TEMP);
	if (store_account_get(c->site, c->pos[0], &a) != ST_OK)
		return ctl_fail(c, ST_NOTFOUND, "no account \"%s\"", c->pos[0]);
	if ((rc = read_password(c, pw, sizeof(pw), &generated)) != 0)
		return rc;
	if (account_password_set(c->site, a.id, pw) != ST_OK)
		return ctl_fail(c, ST_TEMP, "cannot set the password");
	ctl_audit(c, "", "admin.password", "user=%s", a.username);
	if (generated)
		printf("password: %s\n", pw);
	return 0;
}
