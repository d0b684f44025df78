/* page_list.c - one list's settings (every setting the CLI can set, one
 * table of fields) and deleting a list after a confirmation page. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/html.h"
#include "core/mta_maps.h"
#include "core/list_setting.h"
#include "core/store_list.h"
#include "web/layout.h"
#include "web/pages.h"

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
	for (size_t i = 0; i < n_list_settings; i++) {
		const struct list_setting *ls = &list_settings[i];
		const char *v = ls->get(&r->l, tmp, sizeof(tmp));

		if (ls->choices)
			form_select(f, ls->label, ls->field, ls->choices, v);
		else if (ls->multiline)
			form_textarea(f, ls->label, ls->field, v);
		else
			form_input(f, ls->label, "text", ls->field, v);
	}
	form_button(f, "Save settings", NULL, NULL);
	page_end(r, doc);
}

void
page_list_update(struct req *r)
{
	struct list l = r->l;
	const char *v, *err;

	for (size_t i = 0; i < n_list_settings; i++) {
		const struct list_setting *ls = &list_settings[i];

		if ((v = req_form(r, ls->field)) == NULL)
			continue;
		if ((err = ls->set(&l, v)) != NULL) {
			req_fail(r, ST_DATA, "%s: %s.", ls->label, err);
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
	(void)mta_maps_refresh(cfg->home, NULL);	/* Postfix forgets it */
	req_redirect(r, "/admin/d/%s/", r->d.slug);
}
