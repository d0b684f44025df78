/* page_auth.c - sign in with a local password (/login) or a district's
 * directory password (/d/D/login, checked by generator_ldap_login), with
 * one throttle of failed attempts per account and per client address for
 * both; sign out, change password. */
#include <stdio.h>
#include <string.h>

#include "core/addr.h"
#include "core/html.h"
#include "core/log.h"
#include "core/passwd.h"
#include "core/store_roster.h"
#include "core/store_web.h"
#include "generator/generator.h"
#include "web/layout.h"
#include "web/pages.h"
#include "web/session.h"

#define LOGIN_WINDOW		(15 * 60)
#define LOGIN_FAILS_ACCOUNT	5
#define LOGIN_FAILS_ADDRESS	20

static int	login_throttled(struct req *r, const char *user_key,
		    const char *addr_key);
static void	login_failed(struct req *r, const char *user_key,
		    const char *addr_key);

/* The password hash of an account that signs in with its district's
 * directory: never a crypt(3) hash, so no local password matches it. */
#define DIRECTORY_HASH	"!directory"

static void
login_form(struct req *r, const char *title, const char *action)
{
	xmlNodePtr main, f;
	xmlDocPtr doc = page_new(r, title, &main);

	f = form_new(r, main, action);
	html_attr(f, "class", "stack");
	html_attr(form_input(f, "User name", "text", "username", NULL),
	    "autocomplete", "username");
	html_attr(form_input(f, "Password", "password", "password", NULL),
	    "autocomplete", "current-password");
	form_button(f, "Sign in", NULL, NULL);
	page_end(r, doc);
}

void
page_login_form(struct req *r)
{
	login_form(r, "Sign in", "/login");
}

static int
login_throttled(struct req *r, const char *user_key, const char *addr_key)
{
	int64_t since = store_now() - LOGIN_WINDOW, n_user = 0, n_addr = 0;

	(void)store_login_fail_count(r->site, user_key, since, &n_user);
	(void)store_login_fail_count(r->site, addr_key, since, &n_addr);
	return n_user >= LOGIN_FAILS_ACCOUNT || n_addr >= LOGIN_FAILS_ADDRESS;
}

static void
login_failed(struct req *r, const char *user_key, const char *addr_key)
{
	(void)store_login_fail_add(r->site, user_key);
	(void)store_login_fail_add(r->site, addr_key);
	log_info("web login-failed %s %s", user_key, addr_key);
}

/* The form's user name and password, and the throttle keys for the
 * account name (lower-cased, prefixed with "slug/" for a directory
 * sign-in) and the client. 0, or -1 when the request was answered (bad
 * form, or throttled). */
static int
login_begin(struct req *r, const char *prefix, const char **user,
    const char **pw, char *user_key, size_t user_key_len, char *addr_key,
    size_t addr_key_len)
{
	*user = req_form(r, "username");
	*pw = req_form(r, "password");
	if (*user == NULL || *pw == NULL || **user == '\0' || **pw == '\0' ||
	    strlen(*user) > ACCOUNT_NAME_MAX || strlen(*pw) > PASSWD_MAX) {
		req_fail(r, ST_DATA, "Give a user name and a password.");
		return -1;
	}
	snprintf(user_key, user_key_len, "user:%s%s", prefix, *user);
	for (char *p = user_key; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	snprintf(addr_key, addr_key_len, "addr:%s", r->client);
	if (login_throttled(r, user_key, addr_key)) {
		req_fail(r, ST_DENIED, "Too many failed sign-ins; wait 15 "
		    "minutes and try again.");
		return -1;
	}
	return 0;
}

/* The password was right: start a session for a and go to /admin/. */
static void
login_done(struct req *r, struct account *a, const char *user_key)
{
	(void)store_login_fail_clear(r->site, user_key);
	if (session_start(r, a) != ST_OK) {
		req_fail(r, ST_TEMP, "Cannot start a session; try again.");
		return;
	}
	log_info("web login user=%s addr=%s", a->username, r->client);
	req_redirect(r, "/admin/");
}

/* Check user's local password; answers the request either way. */
static void
login_local(struct req *r, const char *user, const char *pw,
    const char *user_key, const char *addr_key)
{
	struct account a;

	if (store_account_get(r->site, user, &a) != ST_OK || a.disabled ||
	    !passwd_check(pw, a.password_hash)) {
		login_failed(r, user_key, addr_key);
		req_fail(r, ST_DENIED, "Wrong user name or password.");
		return;
	}
	login_done(r, &a, user_key);
}

void
page_login(struct req *r)
{
	char user_key[ACCOUNT_NAME_MAX + SLUG_MAX + 8], addr_key[80];
	const char *user, *pw;

	if (login_begin(r, "", &user, &pw, user_key, sizeof(user_key),
	    addr_key, sizeof(addr_key)) == 0)
		login_local(r, user, pw, user_key, addr_key);
}

void
page_district_login_form(struct req *r)
{
	char title[NAME_MAX_LEN + 16], action[SLUG_MAX + 16];

	snprintf(title, sizeof(title), "Sign in to %s", r->d.name);
	snprintf(action, sizeof(action), "/d/%s/login", r->d.slug);
	login_form(r, title, action);
}

/* The local account of a directory user ("slug/login"), created at the
 * first sign-in; its address and district-admin role follow the
 * directory at every sign-in. ST_DENIED for a disabled account. */
static enum status
directory_account(struct req *r, const char *name,
    const struct generator_login *gl, struct account *a)
{
	char email[ADDR_MAX + 1];
	const char *why;
	enum status st;

	if (addr_normalize(gl->address, email, sizeof(email), &why) == -1)
		email[0] = '\0';
	st = store_account_get(r->site, name, a);
	if (st == ST_NOTFOUND) {
		memset(a, 0, sizeof(*a));
		snprintf(a->username, sizeof(a->username), "%s", name);
		snprintf(a->password_hash, sizeof(a->password_hash), "%s",
		    DIRECTORY_HASH);
		snprintf(a->email, sizeof(a->email), "%s", email);
		st = store_account_add(r->site, a);
	} else if (st == ST_OK && (a->disabled ||
	    strcmp(a->password_hash, DIRECTORY_HASH) != 0))
		return ST_DENIED;
	else if (st == ST_OK && strcmp(a->email, email) != 0 &&
	    (st = store_account_set_email(r->site, a->id, email)) == ST_OK)
		snprintf(a->email, sizeof(a->email), "%s", email);
	if (st != ST_OK)
		return st;
	if (gl->district_admin)
		return store_role_add(r->site, a->id, r->d.slug, "admin");
	st = store_role_remove(r->site, a->id, r->d.slug, "admin");
	return st == ST_NOTFOUND ? ST_OK : st;
}

/* Sign in with the district's directory. */
static void
login_directory(struct req *r, const char *user, const char *pw,
    const char *user_key, const char *addr_key)
{
	struct roster_source_conf conf;
	struct generator_login gl;
	struct account a;
	char err[600];
	enum status st;

	/* user_key is "user:slug/name": the account's name follows "user:". */
	if (strlen(user_key + 5) > ACCOUNT_NAME_MAX) {
		req_fail(r, ST_DATA, "The user name is too long.");
		return;
	}
	for (const char *p = user; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			req_fail(r, ST_DATA, "The user name has control "
			    "characters.");
			return;
		}
	if (store_roster_source_get(r->ds, &conf) != ST_OK)
		memset(&conf, 0, sizeof(conf));
	st = generator_ldap_login(&conf, user, pw, &gl, err, sizeof(err));
	if (st != ST_OK)
		log_warnx("web directory-login district=%s user=%s st=%s "
		    "err=\"%s\"", r->d.slug, user, status_name(st), err);
	if (st == ST_DENIED) {
		login_failed(r, user_key, addr_key);
		req_fail(r, ST_DENIED, "Wrong user name or password.");
	} else if (st == ST_NOTFOUND)
		req_fail(r, ST_NOTFOUND, "%s has no directory sign-in; sign in "
		    "at /login with a local account.", r->d.name);
	else if (st == ST_CONFIG)
		req_fail(r, ST_CONFIG, "The district's directory sign-in is "
		    "not set up right; tell the site administrator.");
	else if (st != ST_OK)
		req_fail(r, ST_TEMP, "The district's directory is unavailable; "
		    "try again later.");
	else if (!gl.has_role)
		req_fail(r, ST_DENIED, "Your directory account has no role in "
		    "%s.", r->d.name);
	else if ((st = directory_account(r, user_key + 5, &gl, &a)) != ST_OK)
		req_fail(r, st == ST_DENIED ? ST_DENIED : ST_TEMP, "%s",
		    st == ST_DENIED ? "This account is disabled." :
		    "Cannot sign in now; try again.");
	else
		login_done(r, &a, user_key);
}

/* POST /d/D/login: the site administrator signs in with the local
 * password here too, so a directory outage never locks them out; every
 * other name is looked up in the district's directory. */
void
page_district_login(struct req *r)
{
	char user_key[ACCOUNT_NAME_MAX + SLUG_MAX + 8], addr_key[80];
	char prefix[SLUG_MAX + 2];
	const char *user, *pw;
	struct account a;

	if (req_form(r, "username") != NULL && store_account_get(r->site,
	    req_form(r, "username"), &a) == ST_OK && a.is_site_admin) {
		page_login(r);
		return;
	}
	snprintf(prefix, sizeof(prefix), "%s/", r->d.slug);
	if (login_begin(r, prefix, &user, &pw, user_key, sizeof(user_key),
	    addr_key, sizeof(addr_key)) == 0)
		login_directory(r, user, pw, user_key, addr_key);
}

void
page_logout(struct req *r)
{
	session_end(r);
	req_redirect(r, "/login");
}

void
page_password_form(struct req *r)
{
	xmlNodePtr main, f;
	xmlDocPtr doc = page_new(r, "Change password", &main);

	f = form_new(r, main, "/password");
	html_attr(f, "class", "stack");
	form_input(f, "Current password", "password", "current", NULL);
	form_input(f, "New password (at least 10 characters)", "password",
	    "new", NULL);
	form_input(f, "New password again", "password", "again", NULL);
	form_button(f, "Change password", NULL, NULL);
	page_end(r, doc);
}

void
page_password(struct req *r)
{
	const char *cur = req_form(r, "current"), *pw = req_form(r, "new");
	const char *again = req_form(r, "again");
	char hash[PASSWD_HASH_MAX];

	if (strcmp(r->acct.password_hash, DIRECTORY_HASH) == 0) {
		req_fail(r, ST_DENIED, "You sign in with your district's "
		    "directory password; change it there.");
		return;
	}
	if (cur == NULL || pw == NULL || again == NULL ||
	    !passwd_check(cur, r->acct.password_hash)) {
		req_fail(r, ST_DENIED, "The current password is wrong.");
		return;
	}
	if (strlen(pw) < PASSWD_MIN || strlen(pw) > PASSWD_MAX ||
	    strcmp(pw, again) != 0) {
		req_fail(r, ST_DATA, "The new password must be 10 to 256 "
		    "characters and typed the same twice.");
		return;
	}
	if (passwd_hash(pw, hash, sizeof(hash)) == -1 ||
	    store_account_set_password(r->site, r->acct.id, hash) != ST_OK ||
	    store_session_remove_account(r->site, r->acct.id) != ST_OK ||
	    session_start(r, &r->acct) != ST_OK) {
		req_fail(r, ST_TEMP, "Cannot change the password; try again.");
		return;
	}
	req_audit(r, "account.password", "user=%s", r->acct.username);
	page_message(r, "Password changed", "Your password was changed; "
	    "other sessions were signed out.");
}
