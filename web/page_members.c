/* page_members.c - a list's members: search and page through, add,
 * remove, change mode or role, import CSV pasted into the page (each bad
 * line reported, good lines added in one transaction) and export CSV. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "core/csv.h"
#include "core/html.h"
#include "core/store_member.h"
#include "web/layout.h"
#include "web/pages.h"

#define MEMBERS_PAGE	50
#define IMPORT_ERRORS_SHOWN	100

static const char *const modes[] = { "regular", "digest", "nomail", NULL };
static const char *const roles[] = { "member", "moderator", "owner", NULL };

struct walk {
	struct req	*r;
	xmlNodePtr	 el;
};

static int	member_row(const struct member *m, void *arg);
static void	members_forms(struct req *r, xmlNodePtr main);
static enum status member_add_one(struct req *r, const char *address,
		    const char *name, const char *mode, const char *role,
		    const char **why);

static int
member_row(const struct member *m, void *arg)
{
	struct walk *w = arg;
	xmlNodePtr tr = html_el(w->el, "tr", NULL), f;
	char action[256];

	table_cell(tr, m->address);
	table_cell(tr, m->name);
	table_cell(tr, model_source_name(m->source));
	snprintf(action, sizeof(action), "/admin/d/%s/lists/%s/members/change",
	    w->r->d.slug, w->r->l.name);
	f = form_new(w->r, html_el(tr, "td", NULL), action);
	html_attr(f, "class", "row");
	form_input(f, NULL, "hidden", "address", m->address);
	form_select(f, "Mode", "mode", modes, model_mode_name(m->mode));
	form_select(f, "Role", "role", roles, model_role_name(m->role));
	form_button(f, "Change", "do", "change");
	form_button(f, "Remove", "do", "remove");
	return 0;
}

static void
members_forms(struct req *r, xmlNodePtr main)
{
	char action[256];
	xmlNodePtr f;

	html_el(main, "h2", "Add a member");
	snprintf(action, sizeof(action), "/admin/d/%s/lists/%s/members/add",
	    r->d.slug, r->l.name);
	f = form_new(r, main, action);
	html_attr(f, "class", "row");
	form_input(f, "Address", "email", "address", NULL);
	form_input(f, "Name", "text", "name", NULL);
	form_select(f, "Mode", "mode", modes, "regular");
	form_select(f, "Role", "role", roles, "member");
	form_button(f, "Add", NULL, NULL);
	html_el(main, "h2", "Import CSV");
	html_el(main, "p", "A header row naming the columns: address "
	    "(required), name, mode, role.");
	snprintf(action, sizeof(action), "/admin/d/%s/lists/%s/members/import",
	    r->d.slug, r->l.name);
	f = form_new(r, main, action);
	html_attr(f, "class", "stack");
	form_textarea(f, "CSV", "csv", "address,name\n");
	form_button(f, "Import", NULL, NULL);
	snprintf(action, sizeof(action), "/admin/d/%s/lists/%s/members/export",
	    r->d.slug, r->l.name);
	html_link(html_el(main, "p", NULL), action, "Export as CSV");
}

void
page_members(struct req *r)
{
	static const char *const cols[] = { "Address", "Name", "Source",
	    "Mode, role", NULL };
	const char *q = req_query(r, "q"), *pg = req_query(r, "page");
	struct member_filter f;
	struct walk w = { r, NULL };
	xmlNodePtr main, sf, p;
	char title[300], line[200], href[400];
	long page = pg ? strtol(pg, NULL, 10) : 1;
	int64_t n = 0;
	xmlDocPtr doc;

	if (page < 1 || page > 1000000)
		page = 1;
	member_filter_all(&f);
	if (q && *q && strlen(q) <= ADDR_MAX)
		f.query = q;
	f.limit = MEMBERS_PAGE;
	f.offset = (int)((page - 1) * MEMBERS_PAGE);
	(void)store_member_count(r->ds, r->l.id, &f, &n);
	snprintf(title, sizeof(title), "Members of %s@%s", r->l.name,
	    r->d.domain);
	doc = page_new(r, title, &main);
	sf = html_el(main, "form", NULL);
	html_attr(sf, "method", "get");
	html_attr(sf, "class", "row");
	form_input(sf, "Search", "search", "q", f.query ? f.query : "");
	form_button(sf, "Search", NULL, NULL);
	snprintf(line, sizeof(line), "%lld members match; page %ld of %lld.",
	    (long long)n, page, (long long)((n + MEMBERS_PAGE - 1) /
	    MEMBERS_PAGE));
	html_el(main, "p", line);
	w.el = table_new(main, cols);
	(void)store_member_each(r->ds, r->l.id, &f, member_row, &w);
	p = html_el(main, "p", NULL);
	if (page > 1) {
		snprintf(href, sizeof(href), "?page=%ld", page - 1);
		html_link(p, href, "Previous page");
	}
	if ((int64_t)page * MEMBERS_PAGE < n) {
		snprintf(href, sizeof(href), "?page=%ld", page + 1);
		html_link(p, href, " Next page");
	}
	members_forms(r, main);
	page_end(r, doc);
}

/* Validate and add one member; *why explains a refusal. */
static enum status
member_add_one(struct req *r, const char *address, const char *name,
    const char *mode, const char *role, const char **why)
{
	struct member m;
	int md = mode && *mode ? model_mode_parse(mode) : MODE_REGULAR;
	int rl = role && *role ? model_role_parse(role) : ROLE_MEMBER;
	enum status st;

	memset(&m, 0, sizeof(m));
	if (address == NULL || addr_normalize(address, m.address,
	    sizeof(m.address), why) == -1)
		return ST_DATA;
	if (name && !model_text_valid(name, NAME_MAX_LEN, 0)) {
		*why = "the name is too long or holds control characters";
		return ST_DATA;
	}
	if (md < 0 || rl < 0) {
		*why = "unknown mode or role";
		return ST_DATA;
	}
	snprintf(m.name, sizeof(m.name), "%s", name ? name : "");
	m.list_id = r->l.id;
	m.mode = (enum delivery_mode)md;
	m.role = (enum member_role)rl;
	m.source = SOURCE_MANUAL;
	if ((st = store_member_add(r->ds, &m)) == ST_EXISTS)
		*why = "already a member";
	else if (st != ST_OK)
		*why = "the store failed; try again";
	return st;
}

void
page_members_add(struct req *r)
{
	const char *a = req_form(r, "address"), *why = NULL;
	enum status st;

	st = member_add_one(r, a, req_form(r, "name"), req_form(r, "mode"),
	    req_form(r, "role"), &why);
	if (st != ST_OK) {
		req_fail(r, st, "Cannot add %s: %s.", a ? a : "", why);
		return;
	}
	req_audit(r, "member.add", "list=%s address=%s", r->l.name, a);
	req_redirect(r, "/admin/d/%s/lists/%s/members", r->d.slug, r->l.name);
}

void
page_members_change(struct req *r)
{
	const char *a = req_form(r, "address"), *act = req_form(r, "do");
	int md = model_mode_parse(req_form(r, "mode") ? req_form(r, "mode") : "");
	int rl = model_role_parse(req_form(r, "role") ? req_form(r, "role") : "");
	struct member m;
	enum status st;

	if (a == NULL || act == NULL || strlen(a) > ADDR_MAX ||
	    store_member_get(r->ds, r->l.id, a, &m) != ST_OK) {
		req_fail(r, ST_NOTFOUND, "No such member.");
		return;
	}
	if (strcmp(act, "remove") == 0) {
		st = store_member_remove(r->ds, r->l.id, m.address);
	} else if (strcmp(act, "change") == 0 && md >= 0 && rl >= 0) {
		m.mode = (enum delivery_mode)md;
		m.role = (enum member_role)rl;
		st = store_member_update(r->ds, &m);
	} else {
		req_fail(r, ST_DATA, "Unknown change.");
		return;
	}
	if (st != ST_OK) {
		req_fail(r, st, "Cannot change %s; try again.", m.address);
		return;
	}
	req_audit(r, strcmp(act, "remove") == 0 ? "member.remove" :
	    "member.change", "list=%s address=%s mode=%s role=%s", r->l.name,
	    m.address, model_mode_name(m.mode), model_role_name(m.role));
	req_redirect(r, "/admin/d/%s/lists/%s/members", r->d.slug, r->l.name);
}

static const char *
csv_field(const struct csv_reader *cr, int col)
{
	return col >= 0 && (size_t)col < cr->n_fields ? cr->fields[col] : NULL;
}

void
page_members_import(struct req *r)
{
	const char *csv = req_form(r, "csv"), *why;
	struct csv_reader cr;
	xmlNodePtr main, ul;
	xmlDocPtr doc;
	FILE *fp;
	size_t line;
	int rc, col[4], n_added = 0, n_bad = 0;
	char msg[300];

	if (csv == NULL || (fp = fmemopen((void *)csv, strlen(csv) + 1, "r"))
	    == NULL) {
		req_fail(r, ST_DATA, "Paste the CSV into the form.");
		return;
	}
	csv_open_fp(&cr, fp);
	doc = page_new(r, "Import result", &main);
	ul = html_el(main, "ul", NULL);
	html_attr(ul, "class", "errors");
	if (csv_next(&cr, &line, &why) != 1 ||
	    (col[0] = csv_column(&cr, "address")) < 0) {
		html_el(ul, "li", "line 1: the header row must name an "
		    "address column");
		n_bad++;
		goto done;
	}
	col[1] = csv_column(&cr, "name");
	col[2] = csv_column(&cr, "mode");
	col[3] = csv_column(&cr, "role");
	if (store_begin(r->ds) != ST_OK) {
		n_bad++;
		goto done;
	}
	while ((rc = csv_next(&cr, &line, &why)) != 0) {
		if (rc == 1 && member_add_one(r, csv_field(&cr, col[0]),
		    csv_field(&cr, col[1]), csv_field(&cr, col[2]),
		    csv_field(&cr, col[3]), &why) == ST_OK) {
			n_added++;
			continue;
		}
		if (n_bad++ < IMPORT_ERRORS_SHOWN) {
			snprintf(msg, sizeof(msg), "line %zu: %s", line, why);
			html_el(ul, "li", msg);
		}
	}
	if (store_commit(r->ds) != ST_OK) {
		store_rollback(r->ds);
		n_added = 0;
		html_el(ul, "li", "the store failed; nothing was added");
	}
done:
	csv_close(&cr);
	snprintf(msg, sizeof(msg), "%d added, %d lines refused.", n_added,
	    n_bad);
	html_attr(html_el(main, "p", msg), "class", "message");
	req_audit(r, "member.import", "list=%s added=%d refused=%d",
	    r->l.name, n_added, n_bad);
	page_end(r, doc);
}

static int
export_row(const struct member *m, void *arg)
{
	struct req *r = arg;

	buf_append_str(&r->out, m->address);
	buf_append_str(&r->out, ",\"");
	for (const char *p = m->name; *p; p++)
		buf_append(&r->out, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
	buf_printf(&r->out, "\",%s,%s\r\n", model_mode_name(m->mode),
	    model_role_name(m->role));
	return r->out.overflow;
}

void
page_members_export(struct req *r)
{
	struct member_filter f;

	member_filter_all(&f);
	buf_append_str(&r->out, "address,name,mode,role\r\n");
	if (store_member_each(r->ds, r->l.id, &f, export_row, r) != ST_OK ||
	    r->out.overflow) {
		req_fail(r, ST_TOOBIG, "The export is too large or failed.");
		return;
	}
	r->ctype = "text/csv; charset=utf-8";
	snprintf(r->disposition, sizeof(r->disposition),
	    "attachment; filename=\"%s-members.csv\"", r->l.name);
	r->http = 200;
}
