/* step_headers.c - pipeline step: make the post a list message. RFC 2369 and
 * RFC 2919 list headers (old ones from upstream lists removed), the subject
 * prefix (never doubled on replies), the footer, Precedence and X-Loop, and
 * the list's From policy for DMARC (from_policy.c). */
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/log.h"
#include "core/msg.h"
#include "core/store_member.h"
#include "core/xmem.h"
#include "listd/footer.h"
#include "listd/from_policy.h"
#include "listd/pipeline.h"

/* Other lists' X-Loop headers are kept (see list_headers()). */
static const char *replaced_headers[] = {
	"List-Id", "List-Post", "List-Help", "List-Subscribe",
	"List-Unsubscribe", "List-Unsubscribe-Post", "List-Archive",
	"List-Owner", "Precedence", "Return-Path",
};

/* A description fit for a List-Id phrase: one line, no quotes. */
static void
phrase(const char *in, char *out, size_t out_len)
{
	size_t n = 0;

	for (; *in && n + 1 < out_len; in++)
		out[n++] = (*in == '"' || *in == '\\' || *in == '\r' ||
		    *in == '\n' || *in == '\t') ? ' ' : *in;
	out[n] = '\0';
}

static int
set(GMimeMessage *msg, const char *name, const char *value)
{
	return msg_header_set(msg, name, value);
}

static int
list_headers(struct post_ctx *ctx)
{
	const struct list *l = ctx->list;
	const char *dom = ctx->district->domain, *base = cfg->base_url;
	const char *slug = ctx->district->slug;
	char desc[DESC_MAX + 1], v[2048];
	int rc = 0;

	phrase(l->description[0] ? l->description : l->name, desc, sizeof(desc));
	snprintf(v, sizeof(v), "\"%s\" <%s.%s>", desc, l->name, dom);
	rc |= set(ctx->msg, "List-Id", v);
	if (l->policy == POLICY_ANNOUNCE)
		rc |= set(ctx->msg, "List-Post", "NO");
	else {
		snprintf(v, sizeof(v), "<mailto:%s@%s>", l->name, dom);
		rc |= set(ctx->msg, "List-Post", v);
	}
	snprintf(v, sizeof(v), "<mailto:%s-request@%s?subject=help>", l->name, dom);
	rc |= set(ctx->msg, "List-Help", v);
	snprintf(v, sizeof(v), "<mailto:%s-owner@%s>", l->name, dom);
	rc |= set(ctx->msg, "List-Owner", v);
	snprintf(v, sizeof(v), "<%s/d/%s/archive/%s/>", base, slug, l->name);
	rc |= set(ctx->msg, "List-Archive", v);
	if (ctx->personal) {
		/* Each copy gets its own signed one-click link (worker.c). */
	} else if (l->kind == LIST_ROSTER) {
		/* Mandatory membership: the link explains whom to ask. */
		snprintf(v, sizeof(v), "<%s/d/%s/lists/%s/roster>", base, slug,
		    l->name);
		rc |= set(ctx->msg, "List-Unsubscribe", v);
	} else {
		snprintf(v, sizeof(v), "<mailto:%s-join@%s>, <%s/d/%s/lists/%s/>",
		    l->name, dom, base, slug, l->name);
		rc |= set(ctx->msg, "List-Subscribe", v);
		snprintf(v, sizeof(v), "<mailto:%s-leave@%s>, "
		    "<%s/d/%s/lists/%s/unsubscribe>", l->name, dom, base, slug,
		    l->name);
		rc |= set(ctx->msg, "List-Unsubscribe", v);
	}
	rc |= set(ctx->msg, "Precedence", "list");
	snprintf(v, sizeof(v), "%s@%s", l->name, dom);
	/* X-Loop accumulates: every list a post passed through stays named,
	 * so a post looping between two lists comes back marked. */
	rc |= msg_header_append(ctx->msg, "X-Loop", v);
	return rc;
}

static void
subject_prefix(struct post_ctx *ctx)
{
	const char *prefix = ctx->list->subject_prefix;
	const char *subject = g_mime_message_get_subject(ctx->msg);
	char *s;

	if (prefix[0] == '\0')
		return;
	if (subject && strcasestr(subject, prefix) != NULL)
		return;		/* a reply keeps the prefix it has */
	s = xasprintf("%s %s", prefix, subject ? subject : "");
	g_mime_message_set_subject(ctx->msg, s, "utf-8");
	xfree(s);
}

/* Per-member copies: asked for, or (auto) lists small enough. Roster
 * lists are mandatory membership and never offer one-click leaving. */
static int
wants_personal(struct post_ctx *ctx)
{
	struct member_filter f;
	int64_t n = 0;

	if (ctx->list->kind == LIST_ROSTER ||
	    ctx->list->personalize == PERSONALIZE_NO)
		return 0;
	if (ctx->list->personalize == PERSONALIZE_YES)
		return 1;
	member_filter_all(&f);
	return store_member_count(ctx->ds, ctx->list->id, &f, &n) == ST_OK &&
	    n <= PERSONALIZE_AUTO_MAX;
}

int
step_headers(struct post_ctx *ctx, struct verdict *v)
{
	ctx->personal = wants_personal(ctx);
	for (size_t i = 0; i < sizeof(replaced_headers) /
	    sizeof(replaced_headers[0]); i++)
		msg_header_remove_all(ctx->msg, replaced_headers[i]);
	if (list_headers(ctx) != 0)
		return verdict_set(v, VERDICT_REJECT, ST_DATA,
		    "a list header could not be written");
	subject_prefix(ctx);
	if (ctx->list->footer[0] && footer_add(ctx->msg, ctx->list->footer) == -1)
		return verdict_set(v, VERDICT_REJECT, ST_DATA,
		    "the footer could not be added: unreadable body");
	from_policy_apply(ctx);
	return 1;
}
