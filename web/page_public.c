/* page_public.c - what members and the public see: a district's list
 * directory, a list's page with the subscribe form, unsubscribe (form,
 * and the RFC 8058 one-click endpoint with a signed link), confirmation
 * links from mail, and the roster lists' explanation. Subscribing goes
 * through core/subscribe.c (double opt-in by mail). */
#include <stdio.h>
#include <string.h>

#include "core/addr.h"
#include "core/html.h"
#include "core/log.h"
#include "core/store_list.h"
#include "core/store_member.h"
#include "core/subscribe.h"
#include "core/store_roster.h"
#include "core/token.h"
#include "core/unsub.h"
#include "generator/source.h"
#include "web/layout.h"
#include "web/pages.h"
#include "web/session.h"

struct walk {
	struct req	*r;
	xmlNodePtr	 el;
};

static int	directory_row(const struct list *l, void *arg);
static void	sub_request(struct req *r, int subscribe);
static void	one_click(struct req *r, const char *a, const char *s);
static int	unsub_link_ok(struct req *r, const char *a, const char *s);

/* Is s the signature of the one-click link for address a of this list? */
static int
unsub_link_ok(struct req *r, const char *a, const char *s)
{
	return a && s && strlen(a) <= ADDR_MAX &&
	    token_shape_ok(s, TOKEN_SIG_LEN) &&
	    unsub_verify(r->d.slug, r->l.name, a, s);
}

static int
directory_row(const struct list *l, void *arg)
{
	struct walk *w = arg;
	xmlNodePtr li = html_el(w->el, "li", NULL);
	char href[256], addr[LIST_NAME_MAX + ADDR_DOMAIN_MAX + 2];

	snprintf(href, sizeof(href), "/d/%s/lists/%s/%s", w->r->d.slug,
	    l->name, l->kind == LIST_ROSTER ? "roster" : "");
	snprintf(addr, sizeof(addr), "%s@%s", l->name, w->r->d.domain);
	html_link(li, href, addr);
	if (l->description[0]) {
		html_text(li, " — ", strlen(" — "));
		html_text(li, l->description, strlen(l->description));
	}
	return 0;
}

/* Where the district signs its staff in with the directory password
 * (login=yes in its source settings), say so under its lists. */
static void
directory_sign_in_link(struct req *r, xmlNodePtr main)
{
	struct roster_source_conf conf;
	char on[8], href[SLUG_MAX + 16];

	if (store_roster_source_get(r->ds, &conf) != ST_OK ||
	    source_setting(&conf, "login", on, sizeof(on)) == NULL ||
	    strcmp(on, "yes") != 0)
		return;
	snprintf(href, sizeof(href), "/d/%s/login", r->d.slug);
	html_link(html_el(main, "p", NULL), href,
	    "Staff: sign in with your district account");
}

void
page_directory(struct req *r)
{
	struct walk w = { r, NULL };
	xmlNodePtr main;
	char title[300];
	xmlDocPtr doc;

	snprintf(title, sizeof(title), "%s: mailing lists", r->d.name);
	doc = page_new(r, title, &main);
	w.el = html_el(main, "ul", NULL);
	(void)store_list_each(r->ds, directory_row, &w);
	directory_sign_in_link(r, main);
	page_end(r, doc);
}

void
page_list_public(struct req *r)
{
	xmlNodePtr main, f;
	char title[300], action[256];
	xmlDocPtr doc;

	if (r->l.kind == LIST_ROSTER) {
		req_redirect(r, "/d/%s/lists/%s/roster", r->d.slug, r->l.name);
		return;
	}
	snprintf(title, sizeof(title), "%s@%s", r->l.name, r->d.domain);
	doc = page_new(r, title, &main);
	if (r->l.description[0])
		html_el(main, "p", r->l.description);
	snprintf(action, sizeof(action), "/d/%s/archive/%s/", r->d.slug,
	    r->l.name);
	html_link(html_el(main, "p", NULL), action, "Archive");
	if (r->l.subscribe == SUBSCRIBE_CLOSED)
		html_el(main, "p", "This list takes no subscriptions.");
	else {
		html_el(main, "h2", "Subscribe");
		snprintf(action, sizeof(action), "/d/%s/lists/%s/subscribe",
		    r->d.slug, r->l.name);
		f = form_new(r, main, action);
		html_attr(f, "class", "stack");
		form_input(f, "Your address", "email", "address", NULL);
		form_input(f, "Your name (optional)", "text", "name", NULL);
		form_button(f, "Subscribe", NULL, NULL);
	}
	snprintf(action, sizeof(action), "/d/%s/lists/%s/unsubscribe",
	    r->d.slug, r->l.name);
	html_link(html_el(main, "p", NULL), action, "Unsubscribe");
	page_end(r, doc);
}

/* Validate the form's address and ask core/subscribe.c to mail a
 * confirmation. */
static void
sub_request(struct req *r, int subscribe)
{
	const char *a = req_form(r, "address"), *name = req_form(r, "name");
	const char *why = NULL;
	char addr[ADDR_MAX + 1], what[300] = "";
	enum status st;

	if (a == NULL || addr_normalize(a, addr, sizeof(addr), &why) == -1) {
		req_fail(r, ST_DATA, "That address is not valid: %s.",
		    why ? why : "missing");
		return;
	}
	if (name && !model_text_valid(name, NAME_MAX_LEN, 0)) {
		req_fail(r, ST_DATA, "The name is too long or holds control "
		    "characters.");
		return;
	}
	if ((st = store_begin(r->ds)) == ST_OK) {
		st = subscribe_request(r->ds, &r->d, &r->l, addr,
		    name ? name : "", subscribe, what, sizeof(what));
		if (st == ST_OK || st == ST_EXISTS)
			st = store_commit(r->ds) == ST_OK ? st : ST_TEMP;
		else
			store_rollback(r->ds);
	}
	if (st == ST_OK || st == ST_EXISTS) {
		/* The same answer either way: the page must not reveal who
		 * is a member. */
		page_message(r, "Check your mail", "If the request can be "
		    "carried out, a confirmation message is on its way to "
		    "that address. Follow the link in it to finish.");
		return;
	}
	req_fail(r, st, "%s", what[0] ? what : "The request cannot be "
	    "carried out now; try again later.");
}

void
page_subscribe(struct req *r)
{
	if (r->l.kind == LIST_ROSTER) {
		req_fail(r, ST_DENIED, "Membership of this list comes from the "
		    "district directory; contact the district office.");
		return;
	}
	sub_request(r, 1);
}

void
page_unsubscribe_form(struct req *r)
{
	const char *a = req_query(r, "a"), *s = req_query(r, "s");
	xmlNodePtr main, f;
	char title[300], action[256];
	xmlDocPtr doc;

	snprintf(title, sizeof(title), "Unsubscribe from %s@%s", r->l.name,
	    r->d.domain);
	doc = page_new(r, title, &main);
	if (unsub_link_ok(r, a, s)) {
		/* The signed link: one button, posting as RFC 8058 does. */
		html_el(main, "p", a);
		f = html_el(main, "form", NULL);
		html_attr(f, "method", "post");
		if (unsub_url(action, sizeof(action), "", r->d.slug, r->l.name,
		    a) == -1)
			action[0] = '\0';
		html_attr_url(f, "action", action);
		form_input(f, NULL, "hidden", "List-Unsubscribe", "One-Click");
		form_button(f, "Unsubscribe", NULL, NULL);
	} else {
		snprintf(action, sizeof(action), "/d/%s/lists/%s/unsubscribe",
		    r->d.slug, r->l.name);
		f = form_new(r, main, action);
		html_attr(f, "class", "stack");
		form_input(f, "Your address", "email", "address", NULL);
		form_button(f, "Send me a confirmation", NULL, NULL);
	}
	page_end(r, doc);
}

/* RFC 8058: a signed link and the body List-Unsubscribe=One-Click remove
 * the member at once; no cookie or CSRF token is involved. */
static void
one_click(struct req *r, const char *a, const char *s)
{
	const char *body = req_form(r, "List-Unsubscribe");
	char addr[ADDR_MAX + 1];
	const char *why;
	enum status st;

	if (body == NULL || strcmp(body, "One-Click") != 0 ||
	    !unsub_link_ok(r, a, s) ||
	    addr_normalize(a, addr, sizeof(addr), &why) == -1) {
		req_fail(r, ST_DENIED, "This unsubscribe link is not valid.");
		return;
	}
	st = store_member_remove(r->ds, r->l.id, addr);
	if (st != ST_OK && st != ST_NOTFOUND) {
		req_fail(r, st, "Cannot unsubscribe now; try again.");
		return;
	}
	if (st == ST_OK)
		req_audit(r, "member.unsubscribe", "list=%s address=%s "
		    "via=one-click", r->l.name, addr);
	page_message(r, "Unsubscribed", "The address no longer receives "
	    "this list.");
}

void
page_unsubscribe(struct req *r)
{
	const char *a = req_query(r, "a"), *s = req_query(r, "s");
	const char *tok = req_form(r, "csrf");

	if (a || s) {
		one_click(r, a ? a : "", s ? s : "");
		return;
	}
	if (tok == NULL || !session_csrf_ok(r, tok)) {
		req_fail(r, ST_DENIED, "The form has expired or did not come "
		    "from this site; reload the page and retry.");
		return;
	}
	sub_request(r, 0);
}

void
page_roster(struct req *r)
{
	char title[300];

	snprintf(title, sizeof(title), "%s@%s", r->l.name, r->d.domain);
	page_message(r, title, "Membership of this list comes from the "
	    "district directory; contact the district office.");
}

void
page_confirm_form(struct req *r)
{
	xmlNodePtr main, f;
	char action[200];
	xmlDocPtr doc;

	if (!token_shape_ok(r->args[0], TOKEN_LEN)) {
		req_fail(r, ST_NOTFOUND, "This confirmation link is not valid.");
		return;
	}
	doc = page_new(r, "Confirm", &main);
	html_el(main, "p", "Press the button to confirm your request.");
	snprintf(action, sizeof(action), "/d/%s/confirm/%s", r->d.slug,
	    r->args[0]);
	f = form_new(r, main, action);
	form_button(f, "Confirm", NULL, NULL);
	page_end(r, doc);
}

void
page_confirm(struct req *r)
{
	char what[300] = "";
	enum status st;

	if (!token_shape_ok(r->args[0], TOKEN_LEN)) {
		req_fail(r, ST_NOTFOUND, "This confirmation link is not valid.");
		return;
	}
	if ((st = store_begin(r->ds)) == ST_OK) {
		st = subscribe_confirm(r->ds, &r->d, r->args[0], NULL, what,
		    sizeof(what));
		if (st == ST_OK)
			st = store_commit(r->ds);
		else
			store_rollback(r->ds);
	}
	if (st != ST_OK) {
		req_fail(r, st, "%s", what[0] ? what : "This confirmation "
		    "link is unknown, used or expired.");
		return;
	}
	req_audit(r, "subscription.confirm", "%s", what);
	page_message(r, "Confirmed", what[0] ? what : "Done.");
}
