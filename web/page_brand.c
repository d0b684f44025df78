/* page_brand.c - district branding (display name, logo, two colours) and
 * the stylesheets: the base one, and each district's (base plus its
 * colours as CSS variables), so pages never need inline style. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/html.h"
#include "core/store_site.h"
#include "core/store_sub.h"
#include "web/layout.h"
#include "web/pages.h"

static void	brand_load(struct req *r, struct brand *b);
static void	css_string(struct buf *out, const char *s);

int
web_colour_ok(const char *s)
{
	if (s == NULL || strlen(s) != 7 || s[0] != '#')
		return 0;
	for (int i = 1; i < 7; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

void
web_brand_load(struct req *r, struct brand *b)
{
	brand_load(r, b);
}

static void
brand_load(struct req *r, struct brand *b)
{
	snprintf(b->accent, sizeof(b->accent), "#1d4e89");
	snprintf(b->background, sizeof(b->background), "#ffffff");
	b->logo[0] = '\0';
	if (r->ds == NULL)
		return;
	(void)store_setting_get(r->ds, "web.accent", b->accent,
	    sizeof(b->accent));
	(void)store_setting_get(r->ds, "web.background", b->background,
	    sizeof(b->background));
	(void)store_setting_get(r->ds, "web.logo", b->logo, sizeof(b->logo));
	if (!web_colour_ok(b->accent))
		snprintf(b->accent, sizeof(b->accent), "#1d4e89");
	if (!web_colour_ok(b->background))
		snprintf(b->background, sizeof(b->background), "#ffffff");
	if (b->logo[0] && (!html_url_ok(b->logo, 0) ||
	    strncasecmp(b->logo, "mailto:", 7) == 0))
		b->logo[0] = '\0';
}

/* s as a double-quoted CSS string: ASCII other than letters, digits and
 * space becomes a hex escape, so no quote, backslash or line end can end
 * the string or the rule; UTF-8 (checked when stored) passes as is. */
static void
css_string(struct buf *out, const char *s)
{
	buf_append_str(out, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x80 || isalnum(c) || c == ' ')
			buf_append(out, s, 1);
		else
			buf_printf(out, "\\%x ", c);
	}
	buf_append_str(out, "\"");
}

void
web_brand_header_css(struct buf *out, const char *name, const struct brand *b)
{
	buf_printf(out, "body::before{content:");
	css_string(out, name);
	buf_printf(out, ";display:block;padding:.4rem 1rem .4rem %s;"
	    "margin-bottom:.5rem;background:%s", b->logo[0] ? "4.6rem" : "1rem",
	    b->accent);
	if (b->logo[0]) {
		buf_append_str(out, " url(");
		css_string(out, b->logo);
		buf_append_str(out, ") no-repeat .8rem center/auto 40px");
	}
	buf_printf(out, ";color:#fff;font:600 1.15rem/40px system-ui,"
	    "sans-serif}\n");
}

void
page_branding_form(struct req *r)
{
	xmlNodePtr main, f;
	char title[300], action[128];
	struct brand b;
	xmlDocPtr doc;

	brand_load(r, &b);
	snprintf(title, sizeof(title), "%s: branding", r->d.name);
	doc = page_new(r, title, &main);
	snprintf(action, sizeof(action), "/admin/d/%s/branding", r->d.slug);
	f = form_new(r, main, action);
	html_attr(f, "class", "stack");
	form_input(f, "Display name", "text", "name", r->d.name);
	form_input(f, "Logo URL (https:// or a path on this site)", "text",
	    "logo", b.logo);
	form_input(f, "Accent colour", "color", "accent", b.accent);
	form_input(f, "Background colour", "color", "background",
	    b.background);
	form_button(f, "Save branding", NULL, NULL);
	page_end(r, doc);
}

void
page_branding(struct req *r)
{
	const char *name = req_form(r, "name"), *logo = req_form(r, "logo");
	const char *accent = req_form(r, "accent");
	const char *bg = req_form(r, "background");

	if (name == NULL || *name == '\0' ||
	    !model_text_valid(name, NAME_MAX_LEN, 0)) {
		req_fail(r, ST_DATA, "The display name must be 1 to 200 "
		    "characters without control characters.");
		return;
	}
	if (logo == NULL || strlen(logo) > BRAND_URL_MAX ||
	    (*logo && (!html_url_ok(logo, 0) ||
	    strncasecmp(logo, "mailto:", 7) == 0))) {
		req_fail(r, ST_DATA, "The logo must be an http(s) URL or a "
		    "path on this site.");
		return;
	}
	if (!web_colour_ok(accent) || !web_colour_ok(bg)) {
		req_fail(r, ST_DATA, "Colours must look like #1d4e89.");
		return;
	}
	snprintf(r->d.name, sizeof(r->d.name), "%s", name);
	if (store_district_update(r->site, &r->d) != ST_OK ||
	    store_setting_set(r->ds, "web.logo", logo) != ST_OK ||
	    store_setting_set(r->ds, "web.accent", accent) != ST_OK ||
	    store_setting_set(r->ds, "web.background", bg) != ST_OK) {
		req_fail(r, ST_TEMP, "Cannot save the branding; try again.");
		return;
	}
	req_audit(r, "district.branding", "name=%s accent=%s background=%s",
	    name, accent, bg);
	req_redirect(r, "/admin/d/%s/", r->d.slug);
}

void
page_style(struct req *r)
{
	buf_printf(&r->out, ":root{--accent:#1d4e89;--bg:#ffffff}\n%s",
	    web_style_css);
	r->ctype = "text/css; charset=utf-8";
	r->cacheable = 1;
	r->http = 200;
}

void
page_district_style(struct req *r)
{
	struct brand b;

	brand_load(r, &b);
	buf_printf(&r->out, ":root{--accent:%s;--bg:%s}\n%s", b.accent,
	    b.background, web_style_css);
	r->ctype = "text/css; charset=utf-8";
	r->cacheable = 0;	/* branding changes show at once */
	r->http = 200;
}
