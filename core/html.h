/* html.h - the only way to make markup: libxml2 trees built with escaping
 * constructors and serialised. Mail text can only ever become text nodes or
 * checked attribute values, never markup. Also builds plain XML (Atom). */
#ifndef LISTD_HTML_H
#define LISTD_HTML_H

#include <stddef.h>

#include <libxml/tree.h>

#include "core/buf.h"
#include "core/status.h"

/* A new HTML5 document (<!DOCTYPE html>, lang, charset and viewport meta,
 * title) with an optional stylesheet link (relative URL). *body receives
 * the <body> element. Caller frees with xmlFreeDoc(). */
xmlDocPtr	html_doc_new(const char *title, const char *css_href,
		    xmlNodePtr *body);
/* A new XML document whose root element is root_name in namespace ns (may
 * be NULL); *root receives it. Caller frees with xmlFreeDoc(). */
xmlDocPtr	html_xml_doc_new(const char *root_name, const char *ns,
		    xmlNodePtr *root);
/* Append element tag (a fixed, trusted name) to parent, with text content
 * when text is not NULL. Borrowed; owned by the document. */
xmlNodePtr	html_el(xmlNodePtr parent, const char *tag, const char *text);
/* Append len bytes of text (any bytes: invalid UTF-8 becomes U+FFFD and
 * control characters other than tab and newline are dropped). */
void		html_text(xmlNodePtr parent, const char *text, size_t len);
/* Set attribute name (trusted) to value (any bytes, cleaned as for text).
 * Refuses event-handler names (on*), style and href/src (use html_link):
 * returns -1 and sets nothing. */
int		html_attr(xmlNodePtr el, const char *name, const char *value);
/* Set a URL attribute (href, src or action only) to url when
 * html_url_ok(url, 0) accepts it; -1 and nothing set otherwise. */
int		html_attr_url(xmlNodePtr el, const char *name, const char *url);
/* Append <a href=href>text</a>. href must be relative, http, https or
 * mailto (case-insensitive, whitespace ignored); otherwise the text is
 * appended as a <span> without a link. Returns the element. */
xmlNodePtr	html_link(xmlNodePtr parent, const char *href, const char *text);
/* Is url acceptable to html_link()? With absolute_only, relative URLs are
 * refused too (links inside mail). */
int		html_url_ok(const char *url, int absolute_only);
/* Serialise doc into out (HTML or XML by the document's kind). ST_TOOBIG
 * when out's maximum is passed, ST_INTERNAL when libxml2 fails. */
enum status	html_serialize(xmlDocPtr doc, struct buf *out);
/* Append node and its subtree of an HTML document to out, exactly as
 * html_serialize writes it inside the page. Same errors. */
enum status	html_serialize_node(xmlNodePtr node, struct buf *out);

#endif
