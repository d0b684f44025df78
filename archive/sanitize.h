/* sanitize.h - HTML from mail, made inert: parsed with libxml2's HTML
 * parser and copied through an allow-list into our own tree. */
#ifndef LISTD_ARCHIVE_SANITIZE_H
#define LISTD_ARCHIVE_SANITIZE_H

#include <stddef.h>

#include <libxml/tree.h>

/* Append to parent an allow-listed copy of html[0..len) (UTF-8): no
 * script, style, event attribute, form, frame, object or image; links only
 * to http, https and mailto (rel=nofollow). The parsed tree is never
 * edited in place. */
void	sanitize_html(xmlNodePtr parent, const char *html, size_t len);
/* The readable text of html[0..len) (scripts and styles left out), for
 * search and the thread view. Caller frees with xfree(). */
char	*sanitize_html_text(const char *html, size_t len, size_t *out_len);

#endif
