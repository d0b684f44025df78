/* step_content.c - pipeline step: content policy. The list's size limit
 * (also enforced during the LMTP dialogue) and MIME that cannot be read. */
#include "listd/pipeline.h"

int
step_content(struct post_ctx *ctx, struct verdict *v)
{
	if (ctx->list->max_size > 0 && (long)ctx->raw_len > ctx->list->max_size)
		return verdict_set(v, VERDICT_REJECT, ST_TOOBIG,
		    "message size %zu exceeds the list's limit of %ld bytes",
		    ctx->raw_len, ctx->list->max_size);
	if (g_mime_message_get_mime_part(ctx->msg) == NULL)
		return verdict_set(v, VERDICT_REJECT, ST_DATA,
		    "the message has no readable body");
	return 1;
}
