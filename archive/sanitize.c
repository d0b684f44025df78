/* sanitize.c - HTML parts of mail through libxml2's HTML parser and an
 * allow-list (STYLE.md: never edit the parsed tree in place). Unknown
 * elements are unwrapped (their allowed content kept), dangerous ones
 * dropped with their content, and only a few plain attributes survive. */
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include "archive/sanitize.h"
#include "core/buf.h"
#include "core/html.h"
#include "core/xmem.h"

#define SANITIZE_DEPTH_MAX	48
#define SANITIZE_TEXT_MAX	(2 * 1024 * 1024)

enum rule { RULE_UNWRAP, RULE_KEEP, RULE_DROP, RULE_LINK, RULE_IMAGE };

struct tag_rule {
	const char	*name;
	enum rule	 rule;
	int		 is_block;
};

static const struct tag_rule tags[] = {
	{ "a", RULE_LINK, 0 }, { "abbr", RULE_KEEP, 0 }, { "b", RULE_KEEP, 0 },
	{ "blockquote", RULE_KEEP, 1 }, { "br", RULE_KEEP, 1 },
	{ "caption", RULE_KEEP, 1 }, { "cite", RULE_KEEP, 0 },
	{ "code", RULE_KEEP, 0 }, { "dd", RULE_KEEP, 1 }, { "div", RULE_KEEP, 1 },
	{ "dl", RULE_KEEP, 1 }, { "dt", RULE_KEEP, 1 }, { "em", RULE_KEEP, 0 },
	{ "h1", RULE_KEEP, 1 }, { "h2", RULE_KEEP, 1 }, { "h3", RULE_KEEP, 1 },
	{ "h4", RULE_KEEP, 1 }, { "h5", RULE_KEEP, 1 }, { "h6", RULE_KEEP, 1 },
	{ "hr", RULE_KEEP, 1 }, { "i", RULE_KEEP, 0 }, { "img", RULE_IMAGE, 0 },
	{ "kbd", RULE_KEEP, 0 }, { "li", RULE_KEEP, 1 }, { "ol", RULE_KEEP, 1 },
	{ "p", RULE_KEEP, 1 }, { "pre", RULE_KEEP, 1 }, { "q", RULE_KEEP, 0 },
	{ "s", RULE_KEEP, 0 }, { "small", RULE_KEEP, 0 },
	{ "span", RULE_KEEP, 0 }, { "strong", RULE_KEEP, 0 },
	{ "sub", RULE_KEEP, 0 }, { "sup", RULE_KEEP, 0 },
	{ "table", RULE_KEEP, 1 }, { "tbody", RULE_KEEP, 1 },
	{ "td", RULE_KEEP, 0 }, { "tfoot", RULE_KEEP, 1 },
	{ "th", RULE_KEEP, 0 }, { "thead", RULE_KEEP, 1 },
	{ "tr", RULE_KEEP, 1 }, { "tt", RULE_KEEP, 0 }, { "u", RULE_KEEP, 0 },
	{ "ul", RULE_KEEP, 1 },
	/* dropped with everything inside */
	{ "applet", RULE_DROP, 0 }, { "audio", RULE_DROP, 0 },
	{ "base", RULE_DROP, 0 }, { "button", RULE_DROP, 0 },
	{ "canvas", RULE_DROP, 0 }, { "embed", RULE_DROP, 0 },
	{ "form", RULE_DROP, 0 }, { "frame", RULE_DROP, 0 },
	{ "frameset", RULE_DROP, 0 }, { "head", RULE_DROP, 0 },
	{ "iframe", RULE_DROP, 0 }, { "input", RULE_DROP, 0 },
	{ "link", RULE_DROP, 0 }, { "math", RULE_DROP, 0 },
	{ "meta", RULE_DROP, 0 }, { "noscript", RULE_DROP, 0 },
	{ "object", RULE_DROP, 0 }, { "option", RULE_DROP, 0 },
	{ "param", RULE_DROP, 0 }, { "script", RULE_DROP, 0 },
	{ "select", RULE_DROP, 0 }, { "style", RULE_DROP, 0 },
	{ "svg", RULE_DROP, 0 }, { "template", RULE_DROP, 0 },
	{ "textarea", RULE_DROP, 0 }, { "title", RULE_DROP, 0 },
	{ "video", RULE_DROP, 0 }, { "xml", RULE_DROP, 0 },
};

static const char *keep_attrs[] = { "title", "colspan", "rowspan", "align",
	"valign", "dir", "lang", NULL };

static const struct tag_rule	*rule_for(const xmlChar *);
static void	copy_children(xmlNodePtr, xmlNodePtr, int);
static void	copy_element(xmlNodePtr, xmlNodePtr, int);
static void	text_of(struct buf *, xmlNodePtr, int);
static htmlDocPtr parse(const char *, size_t);

static const struct tag_rule *
rule_for(const xmlChar *name)
{
	static const struct tag_rule unwrap = { "", RULE_UNWRAP, 0 };

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strcasecmp(tags[i].name, (const char *)name) == 0)
			return &tags[i];
	return &unwrap;
}

static htmlDocPtr
parse(const char *html, size_t len)
{
	if (len > (size_t)INT32_MAX)
		len = INT32_MAX;
	return htmlReadMemory(html, (int)len, NULL, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_NONET | HTML_PARSE_COMPACT);
}

static void
copy_attrs(xmlNodePtr dst, xmlNodePtr src)
{
	for (int i = 0; keep_attrs[i]; i++) {
		xmlChar *v = xmlGetProp(src, BAD_CAST keep_attrs[i]);

		if (v)
			html_attr(dst, keep_attrs[i], (const char *)v);
		xmlFree(v);
	}
}

static void
copy_element(xmlNodePtr dst, xmlNodePtr src, int depth)
{
	const struct tag_rule *r = rule_for(src->name);
	xmlNodePtr el;
	xmlChar *v;

	switch (r->rule) {
	case RULE_DROP:
		return;
	case RULE_UNWRAP:
		copy_children(dst, src, depth + 1);
		return;
	case RULE_IMAGE:	/* no remote loads: the alt text only */
		v = xmlGetProp(src, BAD_CAST "alt");
		if (v && *v) {
			el = html_el(dst, "span", "[image: ");
			html_text(el, (const char *)v, strlen((const char *)v));
			html_text(el, "]", 1);
		}
		xmlFree(v);
		return;
	case RULE_LINK:
		v = xmlGetProp(src, BAD_CAST "href");
		el = html_link(dst, v && html_url_ok((const char *)v, 1) ?
		    (const char *)v : NULL, NULL);
		if (v && html_url_ok((const char *)v, 1))
			html_attr(el, "rel", "nofollow noopener noreferrer");
		xmlFree(v);
		break;
	case RULE_KEEP:
	default:
		el = html_el(dst, r->name, NULL);
		copy_attrs(el, src);
		break;
	}
	copy_children(el, src, depth + 1);
}

static void
copy_children(xmlNodePtr dst, xmlNodePtr src, int depth)
{
	for (xmlNodePtr c = src->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (c->content)
				html_text(dst, (const char *)c->content,
				    strlen((const char *)c->content));
		} else if (c->type == XML_ELEMENT_NODE) {
			if (depth < SANITIZE_DEPTH_MAX)
				copy_element(dst, c, depth);
			else	/* too deep: flatten to the next level */
				copy_children(dst, c, depth);
		}
	}
}

void
sanitize_html(xmlNodePtr parent, const char *html, size_t len)
{
	htmlDocPtr doc;
	xmlNodePtr root, body = NULL;

	if (len == 0 || (doc = parse(html, len)) == NULL)
		return;
	if ((root = xmlDocGetRootElement(doc)) != NULL) {
		for (xmlNodePtr c = root->children; c; c = c->next)
			if (c->type == XML_ELEMENT_NODE &&
			    strcasecmp((const char *)c->name, "body") == 0)
				body = c;
		if (strcasecmp((const char *)root->name, "html") != 0)
			copy_element(parent, root, 0);
		else
			copy_children(parent, body ? body : root, 0);
	}
	xmlFreeDoc(doc);
}

static void
text_of(struct buf *b, xmlNodePtr n, int depth)
{
	for (xmlNodePtr c = n->children; c && !b->overflow; c = c->next) {
		const struct tag_rule *r;

		if (c->type == XML_TEXT_NODE && c->content)
			buf_append_str(b, (const char *)c->content);
		if (c->type != XML_ELEMENT_NODE || depth > SANITIZE_DEPTH_MAX)
			continue;
		if ((r = rule_for(c->name))->rule == RULE_DROP)
			continue;
		text_of(b, c, depth + 1);
		if (r->is_block)
			buf_append(b, "\n", 1);
	}
}

char *
sanitize_html_text(const char *html, size_t len, size_t *out_len)
{
	struct buf b;
	htmlDocPtr doc;
	char *out;

	buf_init(&b, SANITIZE_TEXT_MAX);
	if (len > 0 && (doc = parse(html, len)) != NULL) {
		if (xmlDocGetRootElement(doc))
			text_of(&b, xmlDocGetRootElement(doc), 0);
		xmlFreeDoc(doc);
	}
	*out_len = b.len;
	out = buf_steal(&b);
	return out ? out : xstrdup("");
}
