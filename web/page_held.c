/* page_held.c - a list's moderation queue: each held post with its reason
 * and a safe preview (text escaped by construction, HTML through the
 * archive's sanitiser), and decisions on one or several at once (approve,
 * reject with a reason, discard, allow the sender). Decisions are written
 * as intents that the daemon carries out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/mailtext.h"
#include "archive/sanitize.h"
#include "core/html.h"
#include "core/log.h"
#include "core/msgstore.h"
#include "core/store_post.h"
#include "core/xmem.h"
#include "web/layout.h"
#include "web/pages.h"

#define PREVIEW_MAX	(4L * 1024 * 1024)	/* raw bytes read */
#define PREVIEW_TEXT	20000			/* characters shown */
#define HELD_SHOWN	200

struct walk {
	struct req	*r;
	xmlNodePtr	 el;
	int		 n;
};

static void	held_preview(struct req *r, xmlNodePtr parent,
		    const struct post *p);
static int	held_item(const struct held *h, const struct post *p,
		    void *arg);

static void
held_preview(struct req *r, xmlNodePtr parent, const struct post *p)
{
	xmlNodePtr body = html_el(parent, "div", NULL);
	struct mail_view mv;
	char *raw = NULL;
	size_t len = 0;

	html_attr(body, "class", "body");
	if (msgstore_get(store_dir(r->ds), p->raw_hash, PREVIEW_MAX, &raw,
	    &len) != ST_OK || mailtext_parse(raw, len, &mv) != ST_OK) {
		html_text(body, "(the message cannot be shown)", 29);
		xfree(raw);
		return;
	}
	for (int i = 0; i < mv.n_pieces; i++) {
		const struct mail_piece *pc = &mv.pieces[i];
		size_t n = pc->len > PREVIEW_TEXT ? PREVIEW_TEXT : pc->len;

		if (pc->kind == PIECE_HTML)
			sanitize_html(body, pc->text, pc->len);
		else
			html_text(body, pc->text, n);
	}
	mailtext_free(&mv);
	xfree(raw);
}

static int
held_item(const struct held *h, const struct post *p, void *arg)
{
	struct walk *w = arg;
	xmlNodePtr div = html_el(w->el, "div", NULL), lab, cb;
	char line[600], when[40], id[32];

	if (w->n++ >= HELD_SHOWN)
		return 1;
	html_attr(div, "class", "held");
	lab = html_el(div, "label", NULL);
	cb = html_el(lab, "input", NULL);
	html_attr(cb, "type", "checkbox");
	html_attr(cb, "name", "id");
	snprintf(id, sizeof(id), "%lld", (long long)p->id);
	html_attr(cb, "value", id);
	html_el(lab, "strong", p->subject[0] ? p->subject : "(no subject)");
	web_time(h->held_at, when, sizeof(when));
	snprintf(line, sizeof(line), "From %s, held %s: %s", p->sender, when,
	    h->reason);
	html_el(div, "p", line);
	held_preview(w->r, div, p);
	return 0;
}

void
page_held(struct req *r)
{
	static const char *const acts[] = { "approve", "reject", "discard",
	    "allow", NULL };
	struct walk w = { r, NULL, 0 };
	xmlNodePtr main, f, bar;
	char title[300], action[256];
	xmlDocPtr doc;

	snprintf(title, sizeof(title), "Held posts of %s@%s", r->l.name,
	    r->d.domain);
	doc = page_new(r, title, &main);
	snprintf(action, sizeof(action), "/admin/d/%s/lists/%s/held",
	    r->d.slug, r->l.name);
	f = form_new(r, main, action);
	w.el = f;
	(void)store_held_each(r->ds, r->l.id, 0, held_item, &w);
	if (w.n == 0) {
		html_el(main, "p", "No post is waiting.");
		page_end(r, doc);
		return;
	}
	bar = html_el(f, "div", NULL);
	html_attr(bar, "class", "row");
	form_select(bar, "Decision for the ticked posts", "action", acts,
	    "approve");
	form_input(bar, "Reason (sent with a rejection)", "text", "note", NULL);
	form_button(bar, "Apply", NULL, NULL);
	page_end(r, doc);
}

/* Record the decision for one post of this list; ST_NOTFOUND for a post of
 * another list (the id is checked against r->l). */
static enum status
held_decide_one(struct req *r, const char *ids, const char *act,
    const char *note)
{
	struct post p;
	char *end;
	long long id = strtoll(ids, &end, 10);

	if (end == ids || *end || id <= 0 ||
	    store_post_get(r->ds, id, &p) != ST_OK || p.list_id != r->l.id)
		return ST_NOTFOUND;
	return store_held_decide(r->ds, id, act, r->actor, note);
}

void
page_held_decide(struct req *r)
{
	const char *act = req_form(r, "action"), *note = req_form(r, "note");
	int n_done = 0, n_bad = 0;
	char msg[200];

	if (act == NULL || (strcmp(act, "approve") && strcmp(act, "reject") &&
	    strcmp(act, "discard") && strcmp(act, "allow"))) {
		req_fail(r, ST_DATA, "Choose approve, reject, discard or allow.");
		return;
	}
	if (note && !model_text_valid(note, POST_REASON_MAX, 0)) {
		req_fail(r, ST_DATA, "The reason is too long or holds control "
		    "characters.");
		return;
	}
	for (int i = 0; i < r->n_form; i++) {
		if (strcmp(r->form[i].name, "id") != 0)
			continue;
		if (held_decide_one(r, r->form[i].value, act, note ? note : "")
		    == ST_OK) {
			n_done++;
			req_audit(r, "held.decide", "list=%s post=%s action=%s",
			    r->l.name, r->form[i].value, act);
		} else
			n_bad++;
	}
	if (n_done == 0) {
		req_fail(r, n_bad ? ST_NOTFOUND : ST_DATA, "No held post was "
		    "chosen, or they were decided already.");
		return;
	}
	snprintf(msg, sizeof(msg), "%d posts marked %s; the daemon carries "
	    "the decision out shortly. %d could not be marked.", n_done, act,
	    n_bad);
	page_message(r, "Decision recorded", msg);
}
