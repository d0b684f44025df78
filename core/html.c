/* html.c - libxml2 tree helpers, the only place markup is made (STYLE.md
 * "Output built by construction"). Every string from outside is cleaned to
 * valid UTF-8 without control characters and enters the tree only through
 * escaping constructors (xmlNewText, xmlSetProp). No policy lives here:
 * what a page shows is decided in archive/ and web/. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xmlIO.h>

#include "core/html.h"
#include "core/utf8.h"
#include "core/xmem.h"

struct serialize_out {
	struct buf	*out;
	int		 too_big;
};

static char	*clean_text(const char *s, size_t len);
static int	 attr_name_ok(const char *name);

/* Copy of s[0..len) as valid UTF-8: invalid bytes become U+FFFD, control
 * characters other than tab and newline are dropped (CR too). */
static char *
clean_text(const char *s, size_t len)
{
	char *out = xmalloc(len * 3 + 1), *o = out;
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if (p[i] < 0x80) {
			if (p[i] >= 0x20 || p[i] == '\t' || p[i] == '\n')
				*o++ = (char)p[i];
			i++;
			continue;
		}
		if ((n = utf8_seq(p + i, len - i)) == 0 ||
		    (n == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0)) {
			/* invalid, or a C1 control character */
			if (n == 0)
				memcpy(o, "\xef\xbf\xbd", 3), o += 3;
			i += n ? n : 1;
			continue;
		}
		memcpy(o, p + i, n);
		o += n;
		i += n;
	}
	*o = '\0';
	return out;
}

xmlDocPtr
html_doc_new(const char *title, const char *css_href, xmlNodePtr *body)
{
	xmlDocPtr doc = htmlNewDocNoDtD(NULL, NULL);
	xmlNodePtr html, head, el;

	doc->encoding = xmlStrdup(BAD_CAST "UTF-8");	/* no &#NNN; bloat */
	xmlCreateIntSubset(doc, BAD_CAST "html", NULL, NULL);
	html = xmlNewDocNode(doc, NULL, BAD_CAST "html", NULL);
	xmlDocSetRootElement(doc, html);
	xmlSetProp(html, BAD_CAST "lang", BAD_CAST "en");
	head = html_el(html, "head", NULL);
	el = html_el(head, "meta", NULL);
	xmlSetProp(el, BAD_CAST "charset", BAD_CAST "utf-8");
	el = html_el(head, "meta", NULL);
	xmlSetProp(el, BAD_CAST "name", BAD_CAST "viewport");
	xmlSetProp(el, BAD_CAST "content",
	    BAD_CAST "width=device-width, initial-scale=1");
	html_el(head, "title", title ? title : "");
	if (css_href && html_url_ok(css_href, 0)) {
		el = html_el(head, "link", NULL);
		xmlSetProp(el, BAD_CAST "rel", BAD_CAST "stylesheet");
		xmlSetProp(el, BAD_CAST "href", BAD_CAST css_href);
	}
	*body = html_el(html, "body", NULL);
	return doc;
}

xmlDocPtr
html_xml_doc_new(const char *root_name, const char *ns, xmlNodePtr *root)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");

	*root = xmlNewDocNode(doc, NULL, BAD_CAST root_name, NULL);
	xmlDocSetRootElement(doc, *root);
	if (ns)
		xmlNewNs(*root, BAD_CAST ns, NULL);
	return doc;
}

xmlNodePtr
html_el(xmlNodePtr parent, const char *tag, const char *text)
{
	xmlNodePtr el = xmlNewDocNode(parent->doc, NULL, BAD_CAST tag, NULL);

	xmlAddChild(parent, el);
	if (text)
		html_text(el, text, strlen(text));
	return el;
}

void
html_text(xmlNodePtr parent, const char *text, size_t len)
{
	char *clean;
	xmlNodePtr t;

	if (len == 0)
		return;
	clean = clean_text(text, len);
	if (*clean) {
		t = xmlNewDocText(parent->doc, BAD_CAST clean);
		xmlAddChild(parent, t);	/* may merge into a text sibling */
	}
	xfree(clean);
}

static int
attr_name_ok(const char *name)
{
	if (strncasecmp(name, "on", 2) == 0 || strcasecmp(name, "style") == 0 ||
	    strcasecmp(name, "href") == 0 || strcasecmp(name, "src") == 0 ||
	    strcasecmp(name, "srcset") == 0 || strcasecmp(name, "action") == 0 ||
	    strcasecmp(name, "formaction") == 0)
		return 0;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' &&
		    *p != ':')
			return 0;
	return *name != '\0';
}

int
html_attr(xmlNodePtr el, const char *name, const char *value)
{
	char *clean;

	if (!attr_name_ok(name))
		return -1;
	clean = clean_text(value, strlen(value));
	xmlSetProp(el, BAD_CAST name, BAD_CAST clean);
	xfree(clean);
	return 0;
}

/* Set a URL attribute whose name and value were checked by the caller. */
static int
html_attr_set_checked(xmlNodePtr el, const char *name, const char *url)
{
	char *clean = clean_text(url, strlen(url));

	xmlSetProp(el, BAD_CAST name, BAD_CAST clean);
	xfree(clean);
	return 0;
}

int
html_url_ok(const char *url, int absolute_only)
{
	char scheme[16];
	size_t n = 0;
	const char *p;

	for (p = url; *p; p++)
		if ((unsigned char)*p < 0x21 || *p == '\\' || *p == 0x7f)
			return 0;	/* no spaces/controls to hide a scheme */
	n = strcspn(url, ":/?#");
	if (url[n] != ':')
		return !absolute_only && !(url[0] == '/' && url[1] == '/');
	if (n == 0 || n >= sizeof(scheme))
		return 0;
	memcpy(scheme, url, n);
	scheme[n] = '\0';
	return strcasecmp(scheme, "http") == 0 ||
	    strcasecmp(scheme, "https") == 0 || strcasecmp(scheme, "mailto") == 0;
}

xmlNodePtr
html_link(xmlNodePtr parent, const char *href, const char *text)
{
	xmlNodePtr a;
	char *clean;

	if (href == NULL || !html_url_ok(href, 0))
		return html_el(parent, "span", text);
	a = html_el(parent, "a", text);
	clean = clean_text(href, strlen(href));
	xmlSetProp(a, BAD_CAST "href", BAD_CAST clean);
	xfree(clean);
	return a;
}

/* Output callback of html_serialize: append to the caller's buf; -1 (and
 * so an error on the output buffer) past the buf's maximum. */
static int
serialize_write(void *ctx, const char *data, int len)
{
	struct serialize_out *so = ctx;

	if (buf_append(so->out, data, (size_t)len) == -1) {
		so->too_big = 1;
		return -1;
	}
	return len;
}

/* HTML goes out as UTF-8, as every page declares (<meta charset>):
 * htmlDocDumpMemory would pick its "HTML" output encoding, which turns
 * each non-ASCII character into an entity through a linear table search
 * (an em dash per month-view row), bigger and slower. Text is escaped the
 * same way (&lt; &gt; &amp;); only the non-ASCII characters are left as
 * they are. */
enum status
html_serialize(xmlDocPtr doc, struct buf *out)
{
	struct serialize_out so = { .out = out, .too_big = 0 };
	xmlOutputBufferPtr ob;
	xmlChar *mem = NULL;
	int len = 0;
	enum status st = ST_OK;

	if (doc->type == XML_HTML_DOCUMENT_NODE) {
		if ((ob = xmlOutputBufferCreateIO(serialize_write, NULL, &so,
		    NULL)) == NULL)
			return ST_INTERNAL;
		htmlDocContentDumpFormatOutput(ob, doc, NULL, 0);
		if (xmlOutputBufferClose(ob) < 0)
			st = so.too_big ? ST_TOOBIG : ST_INTERNAL;
		return st;
	}
	xmlDocDumpMemoryEnc(doc, &mem, &len, "UTF-8");
	if (mem == NULL || len < 0) {
		st = ST_INTERNAL;
		goto out;
	}
	if (buf_append(out, mem, (size_t)len) == -1)
		st = ST_TOOBIG;
out:
	xmlFree(mem);
	return st;
}

enum status
html_serialize_node(xmlNodePtr node, struct buf *out)
{
	struct serialize_out so = { .out = out, .too_big = 0 };
	xmlOutputBufferPtr ob;

	if ((ob = xmlOutputBufferCreateIO(serialize_write, NULL, &so, NULL))
	    == NULL)
		return ST_INTERNAL;
	htmlNodeDumpFormatOutput(ob, node->doc, node, NULL, 0);
	if (xmlOutputBufferClose(ob) < 0)
		return so.too_big ? ST_TOOBIG : ST_INTERNAL;
	return ST_OK;
}

int
html_attr_url(xmlNodePtr el, const char *name, const char *url)
{
	if ((strcmp(name, "href") != 0 && strcmp(name, "src") != 0 &&
	    strcmp(name, "action") != 0) || !html_url_ok(url, 0))
		return -1;
	return html_attr_set_checked(el, name, url);
}
