/* page_list.c - one list's settings (every setting the CLI can set, one
 * table of fields) and deleting a list after a confirmation page. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/html.h"
#include "core/store_list.h"
#include "web/layout.h"
#include "web/pages.h"

struct field {
	const char	*name;
	const char	*label;
	const char	*const *choices;	/* NULL: free text */
	const char	*(*get)(const struct list *, char *, size_t);
	const char	*(*set)(struct list *, const char *);	/* error */
};

static const char *const policies[] = { "open", "members", "moderated",
    "announce", NULL };
static const char *const nonmembers[] = { "hold", "reject", "discard", NULL };
static const char *const dmarcs[] = { "leave", "rewrite", NULL };
static const char *const subscribes[] = { "open", "confirm", "approve",
    "closed", NULL };
static const char *const archives[] = { "private", "public", NULL };

#define ENUM_FIELD(fn, member, type, parse, name)			\
static const char *							\
get_##fn(const struct list *l, char *b, size_t n)			\
{									\
	(void)b; (void)n;						\
	return name(l->member);						\
}									\
static const char *							\
set_##fn(struct list *l, const char *v)				\
{									\
	int k = parse(v);						\
	if (k < 0)							\
		return "unknown choice";				\
	l->member = (type)k;						\
	return NULL;							\
}

ENUM_FIELD(policy, policy, enum post_policy, model_policy_parse,
    model_policy_name)
ENUM_FIELD(nonmember, nonmember, enum nonmember_action,
    model_nonmember_parse, model_nonmember_name)
ENUM_FIELD(dmarc, dmarc, enum dmarc_mode, model_dmarc_parse,
    model_dmarc_name)
ENUM_FIELD(subscribe, subscribe, enum subscribe_policy,
    model_subscribe_parse, model_subscribe_name)

static const char *
get_desc(const struct list *l, char *b, size_t n)
{
	(void)b; (void)n;
	return l->description;
}

static const char *
set_desc(struct list *l, const char *v)
{
	if (!model_text_valid(v, DESC_MAX, 1))
		return "must be UTF-8 text of at most 1000 bytes";
	snprintf(l->description, sizeof(l->description), "%s", v);
	return NULL;
}

static const char *
get_archive(const struct list *l, char *b, size_t n)
{
	(void)b; (void)n;
	return l->archive_public ? "public" : "private";
}

static const char *
set_archive(struct list *l, const char *v)
{
	if (strcmp(v, "public") != 0 && strcmp(v, "private") != 0)
		return "expected public or private";
	l->archive_public = strcmp(v, "public") == 0;
	return NULL;
}

static const char *
get_prefix(const struct list *l, char *b, size_t n)
{
	(void)b; (void)n;
	return l->subject_prefix;
}

static const char *
set_prefix(struct list *l, const char *v)
{
	if (!model_text_valid(v, PREFIX_MAX, 0))
		return "must be one line of UTF-8 text, at most 64 bytes";
	snprintf(l->subject_prefix, sizeof(l->subject_prefix), "%s", v);
	return NULL;
}

static const char *
get_footer(const struct list *l, char *b, size_t n)
{
	(void)b; (void)n;
	return l->footer;
}

static const char *
set_footer(struct list *l, const char *v)
{
	if (!model_text_valid(v, FOOTER_MAX, 1))
		return "must be UTF-8 text of at most 2000 bytes";
	snprintf(l->footer, sizeof(l->footer), "%s", v);
	return NULL;
}

static const char *
get_max(const struct list *l, char *b, size_t n)
{
	snprintf(b, n, "%ld", l->max_size);
	return b;
}

static const char *
set_max(struct list *l, const char *v)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 0 || n > 1024L * 1024 * 1024)
		return "expected a number of bytes (0 for the site limit)";
	l->max_size = n;
	return NULL;
}

static const struct field fields[] = {
	{ "description", "Description", NULL, get_desc, set_desc },
	{ "policy", "Who may post", policies, get_policy, set_policy },
	{ "nonmember", "Posts from non-members", nonmembers, get_nonmember,
	  set_nonmember },
	{ "dmarc", "From rewriting (DMARC)", dmarcs, get_dmarc, set_dmarc },
	{ "subscribe", "Subscription", subscribes, get_subscribe,
	  set_subscribe },
	{ "archive", "Archive", archives, get_archive, set_archive },
	{ "subject_prefix", "Subject prefix", NULL, get_prefix, set_prefix },
	{ "footer", "Footer", NULL, get_footer, set_footer },
	{ "max_size", "Largest post in bytes (0: site limit)", NULL, get_max,
	  set_max },
};

#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

static void
list_links(struct req *r, xmlNodePtr main)
{
	xmlNodePtr p = html_el(main, "p", NULL);
	char href[256];

	snprintf(href, sizeof(href), "/admin/d/%s/lists/%s/members",
	    r->d.slug, r->l.name);
	html_link(p, href, "Members");
	html_text(p, " · ", strlen(" · "));
	snprintf(href, sizeof(href), "/admin/d/%s/lists/%s/held", r->d.slug,
	    r->l.name);
	html_link(p, href, "Held posts");
	html_text(p, " · ", strlen(" · "));
	snprintf(href, sizeof(href), "/d/%s/archive/%s/", r->d.slug, r->l.name);
	html_link(p, href, "Archive");
	if (req_is_district_admin(r)) {
		html_text(p, " · ", strlen(" · "));
		snprintf(href, sizeof(href), "/admin/d/%s/lists/%s/delete",
		    r->d.slug, r->l.name);
		html_link(p, href, "Delete list");
	}
}

void
page_list_settings(struct req *r)
{
	xmlNodePtr main, f;
	char title[300], action[256], tmp[32];
	xmlDocPtr doc;

	snprintf(title, sizeof(title), "%s@%s", r->l.name, r->d.domain);
	doc = page_new(r, title, &main);
	list_links(r, main);
	html_el(main, "p", model_list_kind_name(r->l.kind));
	snprintf(action, sizeof(action), "/admin/d/%s/lists/%s/", r->d.slug,
	    r->l.name);
	f = form_new(r, main, action);
	html_attr(f, "class", "stack");
	for (size_t i = 0; i < N_FIELDS; i++) {
		const char *v = fields[i].get(&r->l, tmp, sizeof(tmp));

		if (fields[i].choices)
			form_select(f, fields[i].label, fields[i].name,
			    fields[i].choices, v);
		else if (strcmp(fields[i].name, "footer") == 0 ||
		    strcmp(fields[i].name, "description") == 0)
			form_textarea(f, fields[i].label, fields[i].name, v);
		else
			form_input(f, fields[i].label, "text", fields[i].name,
			    v);
	}
	form_button(f, "Save settings", NULL, NULL);
	page_end(r, doc);
}

void
page_list_update(struct req *r)
{
	struct list l = r->l;
	const char *v, *err;

	for (size_t i = 0; i < N_FIELDS; i++) {
		if ((v = req_form(r, fields[i].name)) == NULL)
			continue;
		if ((err = fields[i].set(&l, v)) != NULL) {
			req_fail(r, ST_DATA, "%s: %s.", fields[i].label, err);
			return;
		}
	}
	if (store_list_update(r->ds, &l) != ST_OK) {
		req_fail(r, ST_TEMP, "Cannot save the settings; try again.");
		return;
	}
	req_audit(r, "list.update", "list=%s policy=%s subscribe=%s "
	    "archive=%s", l.name, model_policy_name(l.policy),
	    model_subscribe_name(l.subscribe),
	    l.archive_public ? "public" : "private");
	req_redirect(r, "/admin/d/%s/lists/%s/", r->d.slug, l.name);
}

void
page_list_delete_form(struct req *r)
{
	xmlNodePtr main, f;
	char title[300], action[256], msg[400];
	xmlDocPtr doc;

	snprintf(title, sizeof(title), "Delete %s@%s", r->l.name,
	    r->d.domain);
	doc = page_new(r, title, &main);
	snprintf(msg, sizeof(msg), "This removes the list %s, its members "
	    "and its settings. Type the list's name to confirm.", r->l.name);
	html_el(main, "p", msg);
	snprintf(action, sizeof(action), "/admin/d/%s/lists/%s/delete",
	    r->d.slug, r->l.name);
	f = form_new(r, main, action);
	html_attr(f, "class", "stack");
	form_input(f, "List name", "text", "confirm", NULL);
	form_button(f, "Delete this list", NULL, NULL);
	page_end(r, doc);
}

void
page_list_delete(struct req *r)
{
	const char *c = req_form(r, "confirm");

	if (c == NULL || strcmp(c, r->l.name) != 0) {
		req_fail(r, ST_DATA, "Type the list's name to confirm.");
		return;
	}
	if (store_list_remove(r->ds, r->l.name) != ST_OK) {
		req_fail(r, ST_TEMP, "Cannot delete the list; try again.");
		return;
	}
	req_audit(r, "list.delete", "list=%s", r->l.name);
	req_redirect(r, "/admin/d/%s/", r->d.slug);
}
