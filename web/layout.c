/* layout.c - the page frame (branding, navigation, account) and form
 * helpers. Branding colours reach the page through the district's
 * stylesheet (page_style.c), never through inline style. */
#include <stdio.h>
#include <string.h>

#include "core/html.h"
#include "core/log.h"
#include "core/store_sub.h"
#include "web/layout.h"
#include "web/session.h"

static void page_header(struct req *r, xmlNodePtr body);

static void
page_header(struct req *r, xmlNodePtr body)
{
	xmlNodePtr hdr = html_el(body, "header", NULL), nav, el;
	char logo[512] = "", href[300];

	html_attr(hdr, "class", "top");
	if (r->has_district) {
		if (r->ds && store_setting_get(r->ds, "web.logo", logo,
		    sizeof(logo)) == ST_OK && logo[0] &&
		    html_url_ok(logo, 0)) {
			el = html_el(hdr, "img", NULL);
			html_attr_url(el, "src", logo);
			html_attr(el, "alt", "");
			html_attr(el, "class", "logo");
		}
		snprintf(href, sizeof(href), "/d/%s/", r->d.slug);
		html_link(html_el(hdr, "strong", NULL), href, r->d.name);
	} else
		html_link(html_el(hdr, "strong", NULL), "/", "listd");
	nav = html_el(hdr, "nav", NULL);
	if (r->logged_in) {
		html_link(nav, "/admin/", "Administration");
		html_link(nav, "/password", "Password");
		form_action(r, nav, "/logout", "Sign out", NULL, NULL);
		html_el(nav, "span", r->acct.username);
	} else
		html_link(nav, "/login", "Sign in");
}

xmlDocPtr
page_new(struct req *r, const char *title, xmlNodePtr *main)
{
	xmlDocPtr doc;
	xmlNodePtr body;
	char css[120];

	if (r->has_district)
		snprintf(css, sizeof(css), "/d/%s/style.css", r->d.slug);
	else
		snprintf(css, sizeof(css), "/static/style.css");
	doc = html_doc_new(title, css, &body);
	page_header(r, body);
	*main = html_el(body, "main", NULL);
	html_el(*main, "h1", title);
	return doc;
}

void
page_end(struct req *r, xmlDocPtr doc)
{
	enum status st;

	buf_reset(&r->out);
	st = html_serialize(doc, &r->out);
	xmlFreeDoc(doc);
	if (st != ST_OK) {
		log_warnx("web render-failed path=%s", r->path);
		buf_reset(&r->out);
		buf_append_str(&r->out, "page too large");
		r->ctype = "text/plain; charset=utf-8";
		r->http = status_http(st);
		return;
	}
	r->ctype = "text/html; charset=utf-8";
	if (r->http == 0)
		r->http = 200;
}

void
page_message(struct req *r, const char *title, const char *msg)
{
	xmlNodePtr main;
	xmlDocPtr doc = page_new(r, title, &main);

	html_attr(html_el(main, "p", msg), "class", "message");
	page_end(r, doc);
}

xmlNodePtr
form_new(struct req *r, xmlNodePtr parent, const char *action)
{
	xmlNodePtr f = html_el(parent, "form", NULL), in;

	session_csrf_ensure(r);
	html_attr(f, "method", "post");
	html_attr_url(f, "action", action);
	in = html_el(f, "input", NULL);
	html_attr(in, "type", "hidden");
	html_attr(in, "name", "csrf");
	html_attr(in, "value", r->csrf);
	return f;
}

xmlNodePtr
form_input(xmlNodePtr form, const char *label, const char *type,
    const char *name, const char *value)
{
	xmlNodePtr l = form, in;

	if (label && strcmp(type, "hidden") != 0)
		l = html_el(form, "label", label);
	in = html_el(l, "input", NULL);
	html_attr(in, "type", type);
	html_attr(in, "name", name);
	if (value)
		html_attr(in, "value", value);
	return in;
}

xmlNodePtr
form_textarea(xmlNodePtr form, const char *label, const char *name,
    const char *value)
{
	xmlNodePtr l = html_el(form, "label", label), t;

	t = html_el(l, "textarea", NULL);
	html_attr(t, "name", name);
	html_attr(t, "rows", "6");
	if (value)
		html_text(t, value, strlen(value));
	return t;
}

xmlNodePtr
form_select(xmlNodePtr form, const char *label, const char *name,
    const char *const *choices, const char *current)
{
	xmlNodePtr l = html_el(form, "label", label), sel, o;

	sel = html_el(l, "select", NULL);
	html_attr(sel, "name", name);
	for (; *choices; choices++) {
		o = html_el(sel, "option", *choices);
		html_attr(o, "value", *choices);
		if (current && strcmp(current, *choices) == 0)
			html_attr(o, "selected", "selected");
	}
	return sel;
}

xmlNodePtr
form_button(xmlNodePtr form, const char *label, const char *name,
    const char *value)
{
	xmlNodePtr b = html_el(form, "button", label);

	html_attr(b, "type", "submit");
	if (name)
		html_attr(b, "name", name);
	if (value)
		html_attr(b, "value", value);
	return b;
}

xmlNodePtr
form_action(struct req *r, xmlNodePtr parent, const char *action,
    const char *label, const char *name, const char *value)
{
	xmlNodePtr f = form_new(r, parent, action);

	html_attr(f, "class", "inline");
	form_button(f, label, name, value);
	return f;
}

xmlNodePtr
table_new(xmlNodePtr parent, const char *const *cols)
{
	xmlNodePtr t = html_el(parent, "table", NULL), tr;

	tr = html_el(html_el(t, "thead", NULL), "tr", NULL);
	for (; *cols; cols++)
		html_el(tr, "th", *cols);
	return html_el(t, "tbody", NULL);
}

xmlNodePtr
table_cell(xmlNodePtr row, const char *text)
{
	return html_el(row, "td", text);
}
