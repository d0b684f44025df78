/* page_auth.c - sign in (with throttling of failed attempts per account
 * and per client address), sign out, change password. */
#include <stdio.h>
#include <string.h>

#include "core/html.h"
#include "core/log.h"
#include "core/passwd.h"
#include "core/store_web.h"
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

void
page_login_form(struct req *r)
{
	xmlNodePtr main, f;
	xmlDocPtr doc = page_new(r, "Sign in", &main);

	f = form_new(r, main, "/login");
	html_attr(f, "class", "stack");
	html_attr(form_input(f, "User name", "text", "username", NULL),
	    "autocomplete", "username");
	html_attr(form_input(f, "Password", "password", "password", NULL),
	    "autocomplete", "current-password");
	form_button(f, "Sign in", NULL, NULL);
	page_end(r, doc);
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

void
page_login(struct req *r)
{
	const char *user = req_form(r, "username");
	const char *pw = req_form(r, "password");
	char user_key[ACCOUNT_NAME_MAX + 8], addr_key[80];
	struct account a;

	if (user == NULL || pw == NULL || *user == '\0' ||
	    strlen(user) > ACCOUNT_NAME_MAX || strlen(pw) > PASSWD_MAX) {
		req_fail(r, ST_DATA, "Give a user name and a password.");
		return;
	}
	snprintf(user_key, sizeof(user_key), "user:%s", user);
	for (char *p = user_key; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	snprintf(addr_key, sizeof(addr_key), "addr:%s", r->client);
	if (login_throttled(r, user_key, addr_key)) {
		req_fail(r, ST_DENIED, "Too many failed sign-ins; wait 15 "
		    "minutes and try again.");
		return;
	}
	if (store_account_get(r->site, user, &a) != ST_OK || a.disabled ||
	    !passwd_check(pw, a.password_hash)) {
		login_failed(r, user_key, addr_key);
		req_fail(r, ST_DENIED, "Wrong user name or password.");
		return;
	}
	(void)store_login_fail_clear(r->site, user_key);
	if (session_start(r, &a) != ST_OK) {
		req_fail(r, ST_TEMP, "Cannot start a session; try again.");
		return;
	}
	log_info("web login user=%s addr=%s", a.username, r->client);
	req_redirect(r, "/admin/");
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
