/* page_admin.c - the front page, the administration home (districts the
 * account may manage), a district's dashboard (lists with member counts,
 * held posts, last post, last generator run), creating a list, and the
 * site audit log. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/html.h"
#include "core/mta_maps.h"
#include "core/store_archive.h"
#include "core/store_list.h"
#include "core/store_member.h"
#include "core/store_post.h"
#include "core/store_roster.h"
#include "core/store_site.h"
#include "web/layout.h"
#include "web/pages.h"

struct walk {
	struct req	*r;
	xmlNodePtr	 el;
	int64_t		 n;
};

static int	home_district(const struct district *d, void *arg);
static int	admin_district(const char *slug, void *arg);
static int	dash_list(const struct list *l, void *arg);
static int	count_held(const struct held *h, const struct post *p,
		    void *arg);
static void	dash_run(struct req *r, xmlNodePtr main);
static void	dash_create_form(struct req *r, xmlNodePtr main);

/* Format t as "2026-01-31 14:05 UTC" ("never" for 0). */
void
web_time(int64_t t, char *out, size_t out_len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0) {
		snprintf(out, out_len, "never");
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(out, out_len, "%Y-%m-%d %H:%M UTC", &tm);
}

static int
home_district(const struct district *d, void *arg)
{
	struct walk *w = arg;
	char href[128];

	snprintf(href, sizeof(href), "/d/%s/", d->slug);
	html_link(html_el(w->el, "li", NULL), href, d->name);
	return 0;
}

void
page_home(struct req *r)
{
	xmlNodePtr main;
	xmlDocPtr doc = page_new(r, "Mailing lists", &main);
	struct walk w = { r, NULL, 0 };

	html_el(main, "p", "Choose a district to see its public lists.");
	w.el = html_el(main, "ul", NULL);
	(void)store_district_each(r->site, home_district, &w);
	page_end(r, doc);
}

static int
admin_district(const char *slug, void *arg)
{
	struct walk *w = arg;
	char href[128];

	snprintf(href, sizeof(href), "/admin/d/%s/", slug);
	html_link(html_el(w->el, "li", NULL), href, slug);
	return 0;
}

static int
admin_site_district(const struct district *d, void *arg)
{
	return admin_district(d->slug, arg);
}

void
page_admin_home(struct req *r)
{
	xmlNodePtr main;
	xmlDocPtr doc = page_new(r, "Administration", &main);
	struct walk w = { r, NULL, 0 };

	html_el(main, "h2", "Districts");
	w.el = html_el(main, "ul", NULL);
	if (r->acct.is_site_admin) {
		(void)store_district_each(r->site, admin_site_district, &w);
		html_link(html_el(main, "p", NULL), "/admin/audit",
		    "Audit log");
		html_link(html_el(main, "p", NULL), "/admin/districts",
		    "Manage districts and their administrators");
		html_link(html_el(main, "p", NULL), "/admin/tokens",
		    "API tokens");
	} else
		(void)store_role_each(r->site, r->acct.id, "admin",
		    admin_district, &w);
	if (w.el->children == NULL)
		html_el(main, "p", "You administer no district. List owners "
		    "and moderators reach their lists from the links in "
		    "their mail.");
	page_end(r, doc);
}

static int
count_held(const struct held *h, const struct post *p, void *arg)
{
	(void)h;
	(void)p;
	((struct walk *)arg)->n++;
	return 0;
}

static int
dash_list(const struct list *l, void *arg)
{
	struct walk *w = arg, held = { w->r, NULL, 0 };
	struct member_filter f;
	xmlNodePtr tr = html_el(w->el, "tr", NULL);
	char href[256], num[32];
	int64_t n = 0;

	member_filter_all(&f);
	(void)store_member_count(w->r->ds, l->id, &f, &n);
	(void)store_held_each(w->r->ds, l->id, 0, count_held, &held);
	snprintf(href, sizeof(href), "/admin/d/%s/lists/%s/", w->r->d.slug,
	    l->name);
	html_link(html_el(tr, "td", NULL), href, l->name);
	table_cell(tr, model_list_kind_name(l->kind));
	snprintf(num, sizeof(num), "%lld", (long long)n);
	snprintf(href, sizeof(href), "/admin/d/%s/lists/%s/members",
	    w->r->d.slug, l->name);
	html_link(html_el(tr, "td", NULL), href, num);
	snprintf(num, sizeof(num), "%lld", (long long)held.n);
	snprintf(href, sizeof(href), "/admin/d/%s/lists/%s/held",
	    w->r->d.slug, l->name);
	html_link(html_el(tr, "td", NULL), href, num);
	table_cell(tr, l->description);
	return 0;
}

static void
dash_run(struct req *r, xmlNodePtr main)
{
	struct roster_run run;
	char when[40], line[300];

	html_el(main, "h2", "Roster generator");
	if (store_roster_run_last(r->ds, 0, &run) != ST_OK) {
		html_el(main, "p", "No generator run yet.");
		return;
	}
	web_time(run.finished, when, sizeof(when));
	snprintf(line, sizeof(line), "Last run %s%s: %lld accounts, %lld "
	    "added, %lld removed, %lld renamed, %d lists refused.", when,
	    run.dry_run ? " (dry run)" : "", (long long)run.accounts,
	    (long long)run.adds, (long long)run.removes,
	    (long long)run.renames, run.refused);
	html_el(main, "p", line);
	if (run.message[0])
		html_el(main, "p", run.message);
}

static void
dash_create_form(struct req *r, xmlNodePtr main)
{
	static const char *const kinds[] = { "discussion", "announcement",
	    NULL };
	char action[128];
	xmlNodePtr f;

	html_el(main, "h2", "Create a list");
	snprintf(action, sizeof(action), "/admin/d/%s/lists", r->d.slug);
	f = form_new(r, main, action);
	html_attr(f, "class", "stack");
	form_input(f, "Name (the part before @)", "text", "name", NULL);
	form_select(f, "Kind", "kind", kinds, "discussion");
	form_input(f, "Description", "text", "description", NULL);
	form_button(f, "Create list", NULL, NULL);
}

void
page_dashboard(struct req *r)
{
	static const char *const cols[] = { "List", "Kind", "Members",
	    "Held", "Description", NULL };
	xmlNodePtr main, p;
	char title[300], href[160];
	xmlDocPtr doc;
	struct walk w = { r, NULL, 0 };

	snprintf(title, sizeof(title), "%s: dashboard", r->d.name);
	doc = page_new(r, title, &main);
	p = html_el(main, "p", NULL);
	snprintf(href, sizeof(href), "/admin/d/%s/branding", r->d.slug);
	html_link(p, href, "Branding");
	html_text(p, " · ", strlen(" · "));
	snprintf(href, sizeof(href), "/d/%s/", r->d.slug);
	html_link(p, href, "Public list directory");
	w.el = table_new(main, cols);
	(void)store_list_each(r->ds, dash_list, &w);
	dash_run(r, main);
	dash_create_form(r, main);
	page_end(r, doc);
}

void
page_list_create(struct req *r)
{
	const char *name = req_form(r, "name"), *kind = req_form(r, "kind");
	const char *desc = req_form(r, "description"), *why = NULL;
	struct list l;
	int k;
	enum status st;

	k = kind ? model_list_kind_parse(kind) : -1;
	if (name == NULL || !model_list_name_valid(name, &why) ||
	    k < 0 || k == LIST_ROSTER) {
		req_fail(r, ST_DATA, "Invalid list name or kind: %s.",
		    why ? why : "kind must be discussion or announcement");
		return;
	}
	model_list_defaults(&l, (enum list_kind)k);
	snprintf(l.name, sizeof(l.name), "%s", name);
	if (desc && !model_text_valid(desc, DESC_MAX, 0)) {
		req_fail(r, ST_DATA, "The description is too long or holds "
		    "control characters.");
		return;
	}
	snprintf(l.description, sizeof(l.description), "%s", desc ? desc : "");
	if ((st = store_list_create(r->ds, &l)) != ST_OK) {
		req_fail(r, st, st == ST_EXISTS ? "A list named %s exists." :
		    "Cannot create %s; try again.", name);
		return;
	}
	req_audit(r, "list.create", "list=%s kind=%s", l.name, kind);
	(void)mta_maps_refresh(cfg->home, NULL);	/* Postfix learns it */
	req_redirect(r, "/admin/d/%s/lists/%s/", r->d.slug, l.name);
}

static int
audit_row(const struct audit_entry *e, void *arg)
{
	struct walk *w = arg;
	xmlNodePtr tr = html_el(w->el, "tr", NULL);
	char when[40];

	web_time(e->ts, when, sizeof(when));
	table_cell(tr, when);
	table_cell(tr, e->actor);
	table_cell(tr, e->district);
	table_cell(tr, e->action);
	table_cell(tr, e->detail);
	return 0;
}

void
page_audit(struct req *r)
{
	static const char *const cols[] = { "When", "Who", "District",
	    "Action", "Detail", NULL };
	xmlNodePtr main;
	xmlDocPtr doc = page_new(r, "Audit log", &main);
	struct walk w = { r, NULL, 0 };

	w.el = table_new(main, cols);
	(void)store_audit_each(r->site, "", 500, audit_row, &w);
	page_end(r, doc);
}
