/* step_sender.c - pipeline step: who may post. open: anyone; members: the
 * list's members; moderated: everyone is held but moderators and owners;
 * announce: only moderators and owners. Everyone else gets the list's
 * non-member action (hold, reject or discard). */
#include <string.h>
#include <strings.h>

#include "core/store_member.h"
#include "core/store_sub.h"
#include "listd/pipeline.h"

static int
nonmember(const struct post_ctx *ctx, struct verdict *v, const char *why)
{
	switch (ctx->list->nonmember) {
	case NONMEMBER_REJECT:
		return verdict_set(v, VERDICT_REJECT, ST_DENIED, "%s", why);
	case NONMEMBER_DISCARD:
		return verdict_set(v, VERDICT_DISCARD, ST_DENIED, "%s", why);
	default:
		return verdict_set(v, VERDICT_HOLD, ST_OK, "%s", why);
	}
}

/* Look the author, then the envelope sender, up among the members. */
static void
find_member(struct post_ctx *ctx)
{
	ctx->is_member = store_member_get(ctx->ds, ctx->list->id, ctx->author,
	    &ctx->member) == ST_OK;
	if (!ctx->is_member && ctx->envelope_sender[0] &&
	    strcasecmp(ctx->envelope_sender, ctx->author) != 0)
		ctx->is_member = store_member_get(ctx->ds, ctx->list->id,
		    ctx->envelope_sender, &ctx->member) == ST_OK;
}

int
step_sender(struct post_ctx *ctx, struct verdict *v)
{
	int is_poster;

	find_member(ctx);
	if (ctx->skip_sender_policy)
		return 1;
	/* A sender a moderator allowed posts like a member. */
	if (!ctx->is_member && ctx->list->policy == POLICY_MEMBERS &&
	    store_allowed_has(ctx->ds, ctx->list->id, ctx->author) == ST_OK)
		return 1;
	is_poster = ctx->is_member && (ctx->member.role == ROLE_OWNER ||
	    ctx->member.role == ROLE_MODERATOR);
	switch (ctx->list->policy) {
	case POLICY_OPEN:
		return 1;
	case POLICY_MEMBERS:
		if (ctx->is_member)
			return 1;
		return nonmember(ctx, v, "the sender is not a member of the list");
	case POLICY_MODERATED:
		if (is_poster)
			return 1;
		if (!ctx->is_member && ctx->list->nonmember != NONMEMBER_HOLD)
			return nonmember(ctx, v, "the sender is not a member of "
			    "the list");
		return verdict_set(v, VERDICT_HOLD, ST_OK,
		    "the list is moderated");
	case POLICY_ANNOUNCE:
	default:
		if (is_poster)
			return 1;
		return nonmember(ctx, v, "only the list's owners and "
		    "moderators may post to this announcement list");
	}
}
