/* layout.h - the frame of every page (district branding, navigation, the
 * signed-in account) and the form pieces pages are built from. Markup
 * only through core/html.h. */
#ifndef LISTD_WEB_LAYOUT_H
#define LISTD_WEB_LAYOUT_H

#include <libxml/tree.h>

#include "web/req.h"

/* A new page titled title; *main receives the <main> element to fill.
 * Caller finishes with page_end(). */
xmlDocPtr	page_new(struct req *r, const char *title, xmlNodePtr *main);
/* Serialise doc into r's response (200, text/html) and free it. */
void		page_end(struct req *r, xmlDocPtr doc);
/* A whole page holding a heading and one message. */
void		page_message(struct req *r, const char *title, const char *msg);

/* <form method=post action=action> with the hidden CSRF field. */
xmlNodePtr	form_new(struct req *r, xmlNodePtr parent, const char *action);
/* A labelled <input>. type: text, password, email, number, hidden... */
xmlNodePtr	form_input(xmlNodePtr form, const char *label, const char *type,
		    const char *name, const char *value);
/* A labelled <textarea>. */
xmlNodePtr	form_textarea(xmlNodePtr form, const char *label,
		    const char *name, const char *value);
/* A labelled <select> of the NULL-terminated choices, current selected. */
xmlNodePtr	form_select(xmlNodePtr form, const char *label, const char *name,
		    const char *const *choices, const char *current);
/* A submit button; name/value may be NULL. */
xmlNodePtr	form_button(xmlNodePtr form, const char *label, const char *name,
		    const char *value);
/* A one-button form posting name=value to action. */
xmlNodePtr	form_action(struct req *r, xmlNodePtr parent, const char *action,
		    const char *label, const char *name, const char *value);
/* A <table> with a header row of the NULL-terminated column names. */
xmlNodePtr	table_new(xmlNodePtr parent, const char *const *cols);
/* Append a cell with text to row. */
xmlNodePtr	table_cell(xmlNodePtr row, const char *text);

/* Format t as "2026-01-31 14:05 UTC" ("never" for 0). */
void		web_time(int64_t t, char *out, size_t out_len);

/* Is s a colour "#rrggbb"? */
int		web_colour_ok(const char *s);

/* A district's branding (colours checked, defaults filled in, a logo that
 * is no acceptable URL dropped). */
#define BRAND_URL_MAX	400
struct brand {
	char	accent[8];
	char	background[8];
	char	logo[BRAND_URL_MAX + 1];
};
/* Load r->d's branding into b (defaults without a district store). */
void		web_brand_load(struct req *r, struct brand *b);
/* Append a CSS rule to out that draws a header band (the logo and the
 * display name, on the accent colour) above a page's content without any
 * markup: for the archive's pages, which are static files. */
void		web_brand_header_css(struct buf *out, const char *name,
		    const struct brand *b);

/* The base stylesheet (static). */
extern const char web_style_css[];

#endif
