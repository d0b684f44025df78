/* step_content.c - pipeline step: content policy. The list's size limit
 * (also enforced during the LMTP dialogue), MIME that cannot be read, then
 * the site's, district's and list's content rules (listd/policy.c). */
#include <string.h>

#include "core/log.h"
#include "core/store_site.h"
#include "core/xmem.h"
#include "listd/pipeline.h"
#include "listd/policy.h"

static const enum verdict_kind kinds[] = { VERDICT_HOLD, VERDICT_REJECT,
	VERDICT_DISCARD };

/* Load the rules for ctx's list; the site store sits two levels above the
 * district's directory ($home/districts/<slug>). */
static enum status
load_rules(struct post_ctx *ctx, struct policy_set *set)
{
	char *home = xstrdup(store_dir(ctx->ds)), *slash;
	struct store *site = NULL;
	enum status st;

	for (int i = 0; i < 2; i++)
		if ((slash = strrchr(home, '/')) != NULL)
			*slash = '\0';
	st = store_site_open(home, &site);
	if (st == ST_OK)
		st = policy_set_load(set, site, ctx->ds, ctx->list->id);
	store_close(site);
	xfree(home);
	return st;
}

int
step_content(struct post_ctx *ctx, struct verdict *v)
{
	struct policy_result res;
	struct policy_set set;
	enum status st;
	int rc = 1;

	if (ctx->list->max_size > 0 && (long)ctx->raw_len > ctx->list->max_size)
		return verdict_set(v, VERDICT_REJECT, ST_TOOBIG,
		    "message size %zu exceeds the list's limit of %ld bytes",
		    ctx->raw_len, ctx->list->max_size);
	if (g_mime_message_get_mime_part(ctx->msg) == NULL)
		return verdict_set(v, VERDICT_REJECT, ST_DATA,
		    "the message has no readable body");
	policy_set_init(&set, ctx->district->slug);
	if ((st = load_rules(ctx, &set)) != ST_OK) {
		/* When unsure, temp-fail: the MTA tries again. */
		rc = verdict_set(v, VERDICT_REJECT, ST_TEMP,
		    "content policy unavailable, try again later");
		goto out;
	}
	if (policy_check(&set, ctx->msg, ctx->raw_len, &res)) {
		log_info("policy match district=%s list=%s rule=%s action=%s "
		    "reason=\"%s\"", ctx->district->slug, ctx->list->name,
		    res.label, store_policy_action_name(res.action), res.reason);
		rc = verdict_set(v, kinds[res.action],
		    res.action == POLICY_REJECT ? ST_DENIED : ST_OK, "%s",
		    res.reason);
	}
out:
	policy_set_release(&set);
	return rc;
}
