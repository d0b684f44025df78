/* page_site_admins.c - the site administrator's pages for district
 * administrators (listed on the district's page, added with a password
 * given or generated and shown once, removed, password reset) and API
 * tokens (listed, created with the secret shown once, revoked). The steps
 * are core/account.c's, the same listctl admin and token run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/account.h"
#include "core/addr.h"
#include "core/html.h"
#include "core/passwd.h"
#include "core/store_site.h"
#include "core/token.h"
#include "web/layout.h"
#include "web/pages.h"

struct walk {
	struct req	*r;
	xmlNodePtr	 el;
};

static int	admin_row(const struct account *a, void *arg);
static int	token_row(const struct api_token *t, void *arg);
static int	district_choice(const struct district *d, void *arg);
static enum status district_admin_get(struct req *r, struct account *a);
static void	show_secret(struct req *r, const char *title, const char *what,
		    const char *secret, const char *back);

static int
admin_row(const struct account *a, void *arg)
{
	struct walk *w = arg;
	xmlNodePtr tr = html_el(w->el, "tr", NULL), td;
	char action[200], when[40];

	table_cell(tr, a->username);
	table_cell(tr, a->email);
	web_time(a->created, when, sizeof(when));
	table_cell(tr, when);
	td = html_el(tr, "td", NULL);
	snprintf(action, sizeof(action), "/admin/districts/%s/admins/password",
	    w->r->d.slug);
	form_action(w->r, td, action, "Reset password", "user", a->username);
	snprintf(action, sizeof(action), "/admin/districts/%s/admins/remove",
	    w->r->d.slug);
	form_action(w->r, td, action, "Remove", "user", a->username);
	return 0;
}

void
site_admins_section(struct req *r, xmlNodePtr main)
{
	static const char *const cols[] = { "Account", "Email", "Created", "",
	    NULL };
	struct walk w = { r, NULL };
	char action[160];
	xmlNodePtr f;

	html_el(main, "h2", "District administrators");
	w.el = table_new(main, cols);
	(void)store_role_accounts(r->site, r->d.slug, "admin", admin_row, &w);
	if (w.el->children == NULL)
		html_el(main, "p", "No administrator yet.");
	html_el(main, "h3", "Add an administrator");
	snprintf(action, sizeof(action), "/admin/districts/%s/admins",
	    r->d.slug);
	f = form_new(r, main, action);
	html_attr(f, "class", "stack");
	form_input(f, "Account name (letters, digits, . _ - @)", "text", "user",
	    NULL);
	form_input(f, "Email (optional)", "email", "email", NULL);
	form_input(f, "Initial password (empty: one is made and shown once)",
	    "password", "password", NULL);
	form_button(f, "Add administrator", NULL, NULL);
}

/* A page showing a secret once, with a link back. */
static void
show_secret(struct req *r, const char *title, const char *what,
    const char *secret, const char *back)
{
	xmlNodePtr main, p;
	xmlDocPtr doc = page_new(r, title, &main);

	html_attr(html_el(main, "p", what), "class", "message");
	p = html_el(main, "p", NULL);
	html_attr(html_el(p, "code", secret), "class", "secret");
	html_link(html_el(main, "p", NULL), back, "Back");
	page_end(r, doc);
}

void
page_site_admin_add(struct req *r)
{
	const char *user = req_form(r, "user"), *email = req_form(r, "email");
	const char *pw = req_form(r, "password"), *why;
	char gen[TOKEN_LEN + 1], back[160];
	struct account a;
	enum status st;

	memset(&a, 0, sizeof(a));
	if (user == NULL || !account_name_valid(user)) {
		req_fail(r, ST_DATA, "Invalid account name: use letters, digits "
		    "and . _ - @ (at most %d).", ACCOUNT_NAME_MAX);
		return;
	}
	if (email && *email && addr_normalize(email, a.email, sizeof(a.email),
	    &why) == -1) {
		req_fail(r, ST_DATA, "Invalid email: %s.", why);
		return;
	}
	if (pw == NULL || *pw == '\0') {
		account_password_generate(gen, sizeof(gen));
		pw = NULL;
	}
	snprintf(a.username, sizeof(a.username), "%s", user);
	st = account_create(r->site, &a, pw ? pw : gen, r->d.slug);
	if (st == ST_USAGE) {
		req_fail(r, ST_DATA, "The password must be %d to %d characters "
		    "on one line.", PASSWD_MIN, PASSWD_MAX);
		return;
	}
	if (st != ST_OK) {
		req_fail(r, st, st == ST_EXISTS ? "An account named %s exists." :
		    "Cannot add %s; try again.", user);
		return;
	}
	req_audit(r, "admin.add", "user=%s role=district-admin", a.username);
	snprintf(back, sizeof(back), "/admin/districts/%s", r->d.slug);
	if (pw) {
		req_redirect(r, "%s", back);
		return;
	}
	show_secret(r, "Administrator added", "The password of this account "
	    "is shown only now; give it to its owner.", gen, back);
}

/* The account named by the form's user field, if it administers r->d. */
static enum status
district_admin_get(struct req *r, struct account *a)
{
	const char *user = req_form(r, "user");

	if (user == NULL || !account_name_valid(user) ||
	    store_account_get(r->site, user, a) != ST_OK ||
	    store_role_has(r->site, a->id, r->d.slug, "admin") != ST_OK) {
		req_fail(r, ST_NOTFOUND, "No such administrator of %s.",
		    r->d.slug);
		return ST_NOTFOUND;
	}
	return ST_OK;
}

void
page_site_admin_remove(struct req *r)
{
	struct account a;
	int deleted = 0;

	if (district_admin_get(r, &a) != ST_OK)
		return;
	if (account_district_remove(r->site, a.username, r->d.slug, &deleted)
	    != ST_OK) {
		req_fail(r, ST_TEMP, "Cannot remove %s; try again.", a.username);
		return;
	}
	req_audit(r, "admin.remove", "user=%s account_deleted=%d", a.username,
	    deleted);
	req_redirect(r, "/admin/districts/%s", r->d.slug);
}

void
page_site_admin_password(struct req *r)
{
	char pw[TOKEN_LEN + 1], back[160];
	struct account a;

	if (district_admin_get(r, &a) != ST_OK)
		return;
	account_password_generate(pw, sizeof(pw));
	if (account_password_set(r->site, a.id, pw) != ST_OK) {
		req_fail(r, ST_TEMP, "Cannot set the password; try again.");
		return;
	}
	req_audit(r, "admin.password", "user=%s", a.username);
	snprintf(back, sizeof(back), "/admin/districts/%s", r->d.slug);
	show_secret(r, "Password reset", "The new password of this account "
	    "is shown only now; its sessions have been signed out.", pw, back);
}

static int
token_row(const struct api_token *t, void *arg)
{
	struct walk *w = arg;
	xmlNodePtr tr = html_el(w->el, "tr", NULL), td;
	char id[32], when[40];

	snprintf(id, sizeof(id), "%lld", (long long)t->id);
	table_cell(tr, id);
	table_cell(tr, t->name);
	table_cell(tr, t->district[0] ? t->district : "(whole site)");
	web_time(t->created, when, sizeof(when));
	table_cell(tr, when);
	web_time(t->last_used, when, sizeof(when));
	table_cell(tr, when);
	td = html_el(tr, "td", t->revoked ? "revoked" : NULL);
	if (!t->revoked)
		form_action(w->r, td, "/admin/tokens/revoke", "Revoke", "id",
		    id);
	return 0;
}

static int
district_choice(const struct district *d, void *arg)
{
	struct walk *w = arg;
	xmlNodePtr o = html_el(w->el, "option", d->slug);

	html_attr(o, "value", d->slug);
	return 0;
}

void
page_site_tokens(struct req *r)
{
	static const char *const cols[] = { "Id", "Name", "Scope", "Created",
	    "Last used", "", NULL };
	xmlNodePtr main, f, l, o;
	xmlDocPtr doc = page_new(r, "API tokens", &main);
	struct walk w = { r, NULL };

	w.el = table_new(main, cols);
	(void)store_token_each(r->site, token_row, &w);
	html_el(main, "h2", "Make a token");
	f = form_new(r, main, "/admin/tokens");
	html_attr(f, "class", "stack");
	form_input(f, "Name (what it is for)", "text", "name", NULL);
	l = html_el(f, "label", "Scope");
	w.el = html_el(l, "select", NULL);
	html_attr(w.el, "name", "district");
	o = html_el(w.el, "option", "(whole site)");
	html_attr(o, "value", "");
	(void)store_district_each(r->site, district_choice, &w);
	form_button(f, "Make token", NULL, NULL);
	page_end(r, doc);
}

void
page_site_token_create(struct req *r)
{
	const char *name = req_form(r, "name"), *slug = req_form(r, "district");
	char secret[TOKEN_LEN + 1];
	struct api_token t;
	struct district d;

	memset(&t, 0, sizeof(t));
	if (name == NULL || *name == '\0' || strlen(name) > NAME_MAX_LEN ||
	    !model_text_valid(name, NAME_MAX_LEN, 0)) {
		req_fail(r, ST_DATA, "The name must be 1 to %d characters on "
		    "one line.", NAME_MAX_LEN);
		return;
	}
	if (slug && *slug && (!model_slug_valid(slug) ||
	    store_district_get(r->site, slug, &d) != ST_OK)) {
		req_fail(r, ST_DATA, "No such district.");
		return;
	}
	snprintf(t.name, sizeof(t.name), "%s", name);
	snprintf(t.district, sizeof(t.district), "%s", slug ? slug : "");
	if (account_token_create(r->site, &t, secret) != ST_OK) {
		req_fail(r, ST_TEMP, "Cannot make the token; try again.");
		return;
	}
	req_audit(r, "token.add", "id=%lld name=%s scope=%s", (long long)t.id,
	    t.name, t.district[0] ? t.district : "site");
	show_secret(r, "Token made", "The token is shown only now; store it "
	    "where the program using it can read it.", secret, "/admin/tokens");
}

void
page_site_token_revoke(struct req *r)
{
	const char *v = req_form(r, "id");
	char *end = NULL;
	long long id = v ? strtoll(v, &end, 10) : 0;
	enum status st;

	if (v == NULL || *v == '\0' || *end != '\0' || id <= 0) {
		req_fail(r, ST_DATA, "The token id must be a number.");
		return;
	}
	if ((st = store_token_revoke(r->site, id)) != ST_OK) {
		req_fail(r, st, "No live token %lld.", id);
		return;
	}
	req_audit(r, "token.revoke", "id=%lld", id);
	req_redirect(r, "/admin/tokens");
}
