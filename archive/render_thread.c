/* render_thread.c - a thread page: the JWZ tree of one conversation, in
 * tree order, placeholders (missing parents) shown as gaps. Iterative walk:
 * a 10,000-deep reply chain needs no deep recursion, and nesting on the
 * page stops at OUTLINE_DEPTH_MAX. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive/render_thread.h"
#include "core/html.h"
#include "core/xmem.h"

#define OUTLINE_DEPTH_MAX	24

struct tnode {
	int64_t		 id;
	int64_t		 parent;
	struct arc_msg	*msg;
	int		 first_child;	/* index, -1 when none */
	int		 next_sibling;
};

struct tree {
	struct tnode	*n;
	int		 len;
	int		 cap;
	struct arc_msg	*msgs;
	int		 n_msgs;
	int		 cap_msgs;
};

static int
add_node(const struct arc_node *an, void *ctx)
{
	struct tree *t = ctx;

	if (t->len == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->n = xrealloc(t->n, sizeof(*t->n) * (size_t)t->cap);
	}
	t->n[t->len].id = an->id;
	t->n[t->len].parent = an->parent;
	t->n[t->len].msg = NULL;
	t->n[t->len].first_child = t->n[t->len].next_sibling = -1;
	t->len++;
	return 0;
}

static int
add_msg(const struct arc_msg *m, void *ctx)
{
	struct tree *t = ctx;

	if (t->n_msgs == t->cap_msgs) {
		t->cap_msgs = t->cap_msgs ? t->cap_msgs * 2 : 64;
		t->msgs = xrealloc(t->msgs, sizeof(*t->msgs) *
		    (size_t)t->cap_msgs);
	}
	t->msgs[t->n_msgs++] = *m;
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	const struct tnode *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int
find(const struct tree *t, int64_t id)
{
	struct tnode key = { .id = id };
	struct tnode *hit = bsearch(&key, t->n, (size_t)t->len, sizeof(key),
	    cmp_id);

	return hit ? (int)(hit - t->n) : -1;
}

/* Attach messages to nodes and children to parents; children keep the
 * date order of the messages (placeholders last). */
static void
link_tree(struct tree *t)
{
	qsort(t->n, (size_t)t->len, sizeof(*t->n), cmp_id);
	for (int i = 0; i < t->n_msgs; i++) {
		int k = find(t, t->msgs[i].node);

		if (k >= 0)
			t->n[k].msg = &t->msgs[i];
	}
	for (int i = t->len - 1; i >= 0; i--) {
		int p = t->n[i].parent ? find(t, t->n[i].parent) : -1;

		if (p < 0 || p == i)
			continue;
		t->n[i].next_sibling = t->n[p].first_child;
		t->n[p].first_child = i;
	}
}

static void
outline_item(struct render_ctx *r, xmlNodePtr li, const struct tnode *n)
{
	char href[80], when[40];

	if (n->msg == NULL) {
		html_text(li, "(message not in the archive)", 28);
		return;
	}
	snprintf(href, sizeof(href), "#m%lld", (long long)n->msg->id);
	html_link(li, href, render_subject(n->msg));
	html_text(li, " \xe2\x80\x94 ", 5);
	render_author(r, li, n->msg->author_name, "");
	render_date(n->msg->date, when, sizeof(when));
	html_text(li, ", ", 2);
	html_text(li, when, strlen(when));
}

static void
article(struct render_ctx *r, xmlNodePtr main, const struct arc_msg *m,
    int full)
{
	xmlNodePtr a = html_el(main, "article", NULL), p;
	char id[32], href[80], when[40], *body = NULL;

	snprintf(id, sizeof(id), "m%lld", (long long)m->id);
	html_attr(a, "id", id);
	href[0] = '.', href[1] = '.', href[2] = '/';
	render_msg_name(m->hash, href + 3, sizeof(href) - 3);
	html_link(html_el(a, "h2", NULL), href, render_subject(m));
	p = html_el(a, "p", NULL);
	html_attr(p, "class", "meta");
	render_author(r, p, m->author_name, m->author_addr);
	render_date(m->date, when, sizeof(when));
	html_text(p, ", ", 2);
	html_text(p, when, strlen(when));
	if (full && store_archive_msg_body(r->s, m->id, &body) == ST_OK)
		render_body_text(r, a, body, strlen(body), 1);
	xfree(body);
}

/* Depth-first walk without recursion: outline and articles in one pass. */
static void
walk(struct render_ctx *r, struct tree *t, int root, xmlNodePtr outline,
    xmlNodePtr main)
{
	int *stack = xmalloc(sizeof(int) * (size_t)(t->len + 1));
	int *depth = xmalloc(sizeof(int) * (size_t)(t->len + 1));
	xmlNodePtr *ul = xcalloc(OUTLINE_DEPTH_MAX + 2, sizeof(*ul));
	int sp = 0, shown = 0;

	ul[0] = outline;
	stack[sp] = root, depth[sp++] = 0;
	while (sp > 0) {
		int i = stack[--sp], d = depth[sp], c, base;
		xmlNodePtr li = html_el(ul[d], "li", NULL);

		outline_item(r, li, &t->n[i]);
		if (t->n[i].msg)
			article(r, main, t->n[i].msg, shown++ < RENDER_THREAD_MAX);
		if ((c = t->n[i].first_child) < 0)
			continue;
		if (d < OUTLINE_DEPTH_MAX)
			ul[d + 1] = html_el(li, "ul", NULL), d++;
		base = sp;
		for (; c >= 0; c = t->n[c].next_sibling) {
			stack[sp] = c;
			depth[sp++] = d;
		}
		for (int a = base, b = sp - 1; a < b; a++, b--) {
			int tmp = stack[a];	/* pop children in order */

			stack[a] = stack[b];
			stack[b] = tmp;
		}
	}
	xfree(stack);
	xfree(depth);
	xfree(ul);
}

enum status
render_thread(struct render_ctx *r, int64_t thread)
{
	struct tree t;
	char rel[64];
	xmlDocPtr doc;
	xmlNodePtr main, outline;
	enum status st;
	int root;

	memset(&t, 0, sizeof(t));
	snprintf(rel, sizeof(rel), "t/%lld.html", (long long)thread);
	if ((st = store_archive_each_node(r->s, thread, add_node, &t)) != ST_OK ||
	    (st = store_archive_each_in_thread(r->s, thread, add_msg, &t))
	    != ST_OK)
		goto out;
	if (t.n_msgs == 0) {	/* merged into another thread, or empty */
		char *path = xasprintf("%s/%s", r->dir, rel);

		unlink(path);
		xfree(path);
		goto out;
	}
	link_tree(&t);
	if ((root = find(&t, thread)) < 0) {
		st = ST_INTERNAL;
		goto out;
	}
	doc = render_page(r, render_subject(&t.msgs[0]), 1, &main);
	outline = html_el(main, "ul", NULL);
	html_attr(outline, "class", "thread");
	walk(r, &t, root, outline, main);
	st = render_write(r, rel, doc);
out:
	xfree(t.n);
	xfree(t.msgs);
	return st;
}
