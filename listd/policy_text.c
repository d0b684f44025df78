/* policy_text.c - text as the word rules see it: case-folded, accents and
 * invisible characters removed, punctuation made spaces; HTML reduced to
 * its visible text. Matching itself is in policy.c. */
#include <string.h>

#include <glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "listd/policy.h"

#define HTML_DEPTH_MAX	256	/* libxml2's own default nesting limit */

static void fold_char(GString *out, gunichar c);
static int is_inline(const xmlChar *name);
static void html_collect(xmlNode *n, GString *out, int depth);

/* Append c (from NFKD text) to out: marks and format characters vanish,
 * letters and digits stay, anything else is one space. */
static void
fold_char(GString *out, gunichar c)
{
	GUnicodeType t = g_unichar_type(c);

	if (g_unichar_ismark(c) || t == G_UNICODE_FORMAT)
		return;		/* é -> e; zero-width space, soft hyphen */
	if (g_unichar_isalnum(c)) {
		g_string_append_unichar(out, c);
		return;
	}
	if (out->len > 0 && out->str[out->len - 1] != ' ')
		g_string_append_c(out, ' ');
}

char *
policy_fold(const char *s, size_t len)
{
	gchar *valid, *folded, *nfkd;
	GString *out;

	valid = g_utf8_make_valid(s, (gssize)len);
	folded = g_utf8_casefold(valid, -1);
	/* NFKD rather than NFD: fullwidth and ligature letters fold too. */
	nfkd = g_utf8_normalize(folded, -1, G_NORMALIZE_NFKD);
	out = g_string_sized_new(strlen(nfkd ? nfkd : folded) + 3);
	g_string_append_c(out, ' ');
	for (const gchar *p = nfkd ? nfkd : folded; *p; p = g_utf8_next_char(p))
		fold_char(out, g_utf8_get_char(p));
	if (out->str[out->len - 1] != ' ')
		g_string_append_c(out, ' ');
	g_free(nfkd);
	g_free(folded);
	g_free(valid);
	return g_string_free(out, FALSE);
}

/* Elements that do not break a word when they sit inside one. */
static int
is_inline(const xmlChar *name)
{
	static const char *names[] = { "a", "abbr", "b", "bdi", "bdo", "big",
	    "cite", "code", "del", "dfn", "em", "font", "i", "ins", "kbd",
	    "mark", "q", "s", "samp", "small", "span", "strike", "strong",
	    "sub", "sup", "tt", "u", "var", NULL };

	for (int i = 0; names[i]; i++)
		if (xmlStrcasecmp(name, (const xmlChar *)names[i]) == 0)
			return 1;
	return 0;
}

static void
html_collect(xmlNode *n, GString *out, int depth)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				g_string_append(out, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE && depth < HTML_DEPTH_MAX) {
			int brk = !is_inline(n->name);

			if (brk)
				g_string_append_c(out, ' ');
			html_collect(n->children, out, depth + 1);
			if (brk)
				g_string_append_c(out, ' ');
		}
	}
}

char *
policy_html_text(const char *html, size_t len)
{
	GString *out = g_string_new("");
	htmlDocPtr doc;

	if (len > (size_t)G_MAXINT)
		len = (size_t)G_MAXINT;
	doc = htmlReadMemory(html, (int)len, NULL, "UTF-8", HTML_PARSE_RECOVER |
	    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	if (doc != NULL) {
		html_collect(xmlDocGetRootElement(doc), out, 0);
		xmlFreeDoc(doc);
	} else
		g_string_append_len(out, html, (gssize)len);	/* judge raw */
	return g_string_free(out, FALSE);
}
