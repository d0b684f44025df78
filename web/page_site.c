/* page_site.c - the site administrator's district pages: the list of
 * districts, creating one, editing its name, domain, students-email and
 * report-to, and deleting it after confirmation. The checks and steps are
 * core/district.c's, the same listctl district add|set|remove run.
 * District administrators are page_site_admins.c. */
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/district.h"
#include "core/mta_maps.h"
#include "core/html.h"
#include "core/store_list.h"
#include "core/store_site.h"
#include "core/store_sub.h"
#include "core/xmem.h"
#include "web/layout.h"
#include "web/pages.h"

struct walk {
	struct req	*r;
	xmlNodePtr	 el;
	int		 n;
};

static int	district_row(const struct district *d, void *arg);
static int	count_list(const struct list *l, void *arg);
static int	form_students(const struct req *r);

static int
district_row(const struct district *d, void *arg)
{
	struct walk *w = arg;
	xmlNodePtr tr = html_el(w->el, "tr", NULL);
	char href[128], when[40];

	snprintf(href, sizeof(href), "/admin/districts/%s", d->slug);
	html_link(html_el(tr, "td", NULL), href, d->slug);
	table_cell(tr, d->name);
	table_cell(tr, d->domain);
	table_cell(tr, d->students_have_email ? "yes" : "no");
	web_time(d->created, when, sizeof(when));
	table_cell(tr, when);
	return 0;
}

void
page_site_districts(struct req *r)
{
	static const char *const cols[] = { "Slug", "Name", "Domain",
	    "Students email", "Created", NULL };
	xmlNodePtr main, f, p;
	xmlDocPtr doc = page_new(r, "Districts", &main);
	struct walk w = { r, NULL, 0 };

	p = html_el(main, "p", NULL);
	html_link(p, "/admin/tokens", "API tokens");
	html_text(p, " · ", strlen(" · "));
	html_link(p, "/admin/audit", "Audit log");
	w.el = table_new(main, cols);
	(void)store_district_each(r->site, district_row, &w);
	html_el(main, "h2", "Add a district");
	f = form_new(r, main, "/admin/districts");
	html_attr(f, "class", "stack");
	form_input(f, "Slug (a-z, 0-9 and -; names its directory)", "text",
	    "slug", NULL);
	form_input(f, "Display name", "text", "name", NULL);
	form_input(f, "Mail domain (lists are LIST@domain)", "text", "domain",
	    NULL);
	form_input(f, "Students have email", "checkbox", "students_email",
	    "yes");
	form_button(f, "Add district", NULL, NULL);
	page_end(r, doc);
}

/* The students_email checkbox: 1 when ticked ("yes"), else 0; -1 for any
 * other value. */
static int
form_students(const struct req *r)
{
	const char *v = req_form(r, "students_email");

	if (v == NULL)
		return 0;
	return strcmp(v, "yes") == 0 ? 1 : -1;
}

void
page_site_district_create(struct req *r)
{
	const char *slug = req_form(r, "slug");
	struct district d;
	char why[600];
	enum status st;
	int students = form_students(r);

	memset(&d, 0, sizeof(d));
	if (slug == NULL || !model_slug_valid(slug)) {
		req_fail(r, ST_DATA, "Invalid slug: use a-z, 0-9 and '-', at "
		    "most %d characters, starting with a letter or digit.",
		    SLUG_MAX);
		return;
	}
	if (req_form(r, "domain") == NULL || req_form(r, "name") == NULL ||
	    students < 0) {
		req_fail(r, ST_DATA, "A domain and a name are required.");
		return;
	}
	if (district_fields_apply(&d, req_form(r, "domain"),
	    req_form(r, "name"), why, sizeof(why)) != ST_OK) {
		req_fail(r, ST_DATA, "%s.", why);
		return;
	}
	snprintf(d.slug, sizeof(d.slug), "%s", slug);
	d.students_have_email = students;
	if ((st = district_create(cfg->home, r->site, &d)) != ST_OK) {
		req_fail(r, st, st == ST_EXISTS ? "A district with slug %s or "
		    "domain %s exists already." : "Cannot add %s; try again.",
		    d.slug, d.domain);
		return;
	}
	r->has_district = 1;
	r->d = d;
	req_audit(r, "district.add", "domain=%s", d.domain);
	(void)mta_maps_refresh(cfg->home, NULL);	/* Postfix follows */
	req_redirect(r, "/admin/districts/%s", d.slug);
}

void
page_site_district(struct req *r)
{
	xmlNodePtr main, f, p, cb;
	char title[300], action[160], report[DISTRICT_REPORT_TO_MAX + 1] = "";
	xmlDocPtr doc;

	snprintf(title, sizeof(title), "District %s", r->d.slug);
	doc = page_new(r, title, &main);
	p = html_el(main, "p", NULL);
	snprintf(action, sizeof(action), "/admin/d/%s/", r->d.slug);
	html_link(p, action, "Dashboard");
	html_text(p, " · ", strlen(" · "));
	snprintf(action, sizeof(action), "/admin/districts/%s/delete",
	    r->d.slug);
	html_link(p, action, "Delete this district");
	(void)store_setting_get(r->ds, "report_to", report, sizeof(report));
	snprintf(action, sizeof(action), "/admin/districts/%s", r->d.slug);
	f = form_new(r, main, action);
	html_attr(f, "class", "stack");
	form_input(f, "Display name", "text", "name", r->d.name);
	form_input(f, "Mail domain", "text", "domain", r->d.domain);
	cb = form_input(f, "Students have email", "checkbox", "students_email",
	    "yes");
	if (r->d.students_have_email)
		html_attr(cb, "checked", "checked");
	form_input(f, "Roster report to (addresses, comma separated)", "text",
	    "report_to", report);
	form_button(f, "Save", NULL, NULL);
	site_admins_section(r, main);
	page_end(r, doc);
}

void
page_site_district_update(struct req *r)
{
	const char *report = req_form(r, "report_to");
	struct district d = r->d;
	char why[600];
	enum status st;
	int students = form_students(r);

	if (req_form(r, "domain") == NULL || req_form(r, "name") == NULL ||
	    students < 0) {
		req_fail(r, ST_DATA, "A domain and a name are required.");
		return;
	}
	if (district_fields_apply(&d, req_form(r, "domain"),
	    req_form(r, "name"), why, sizeof(why)) != ST_OK ||
	    (report && district_report_to_check(report, why,
	    sizeof(why)) != ST_OK)) {
		req_fail(r, ST_DATA, "%s.", why);
		return;
	}
	d.students_have_email = students;
	if ((st = store_district_update(r->site, &d)) != ST_OK) {
		req_fail(r, st, st == ST_EXISTS ? "Another district has the "
		    "domain %s." : "Cannot save %s; try again.", st ==
		    ST_EXISTS ? d.domain : d.slug);
		return;
	}
	if (report && district_report_to_set(r->ds, report, why,
	    sizeof(why)) != ST_OK) {
		req_fail(r, ST_TEMP, "Saved, except the report-to addresses; "
		    "try again.");
		return;
	}
	req_audit(r, "district.set", "domain=%s name=%s students=%d",
	    d.domain, d.name, d.students_have_email);
	(void)mta_maps_refresh(cfg->home, NULL);	/* the domain may move */
	req_redirect(r, "/admin/districts/%s", d.slug);
}

static int
count_list(const struct list *l, void *arg)
{
	(void)l;
	((struct walk *)arg)->n++;
	return 0;
}

void
page_site_district_delete_form(struct req *r)
{
	xmlNodePtr main, f;
	char title[300], action[160], msg[600];
	struct walk w = { r, NULL, 0 };
	xmlDocPtr doc;

	(void)store_list_each(r->ds, count_list, &w);
	snprintf(title, sizeof(title), "Delete district %s", r->d.slug);
	doc = page_new(r, title, &main);
	snprintf(msg, sizeof(msg), "This removes %s (%s) and its %d lists "
	    "from service; its directory is kept under removed/ on the "
	    "server. Type the district's slug to confirm.", r->d.name,
	    r->d.domain, w.n);
	html_el(main, "p", msg);
	snprintf(action, sizeof(action), "/admin/districts/%s/delete",
	    r->d.slug);
	f = form_new(r, main, action);
	html_attr(f, "class", "stack");
	form_input(f, "District slug", "text", "confirm", NULL);
	if (w.n > 0)
		form_input(f, "Also remove its lists", "checkbox", "force",
		    "yes");
	form_button(f, "Delete this district", NULL, NULL);
	page_end(r, doc);
}

void
page_site_district_delete(struct req *r)
{
	const char *c = req_form(r, "confirm"), *force = req_form(r, "force");
	char *kept = NULL;
	enum status st;
	int n_lists = 0;

	if (c == NULL || strcmp(c, r->d.slug) != 0) {
		req_fail(r, ST_DATA, "Type the district's slug to confirm.");
		return;
	}
	st = district_retire(cfg->home, r->site, r->d.slug,
	    force && strcmp(force, "yes") == 0, &n_lists, &kept);
	if (st == ST_DENIED) {
		req_fail(r, ST_DATA, "%s has %d lists: tick \"Also remove its "
		    "lists\" or remove them first.", r->d.slug, n_lists);
		return;
	}
	if (st != ST_OK) {
		req_fail(r, st, "Cannot delete %s; try again.", r->d.slug);
		return;
	}
	req_audit(r, "district.remove", "lists=%d kept_in=%s", n_lists, kept);
	(void)mta_maps_refresh(cfg->home, NULL);	/* Postfix follows */
	xfree(kept);
	req_redirect(r, "/admin/districts");
}
