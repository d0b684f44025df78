/* step_loop.c - pipeline step: mail that has been here before, has
 * travelled too far, or was written by a machine. Our own List-Id or X-Loop
 * is discarded; too many Received headers are rejected; bounces and
 * automatic replies sent to the posting address are discarded or held. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "core/msg.h"
#include "listd/pipeline.h"

#define MAX_RECEIVED	30

static int
is_auto_reply(GMimeMessage *msg)
{
	const char *as = msg_header(msg, "Auto-Submitted");
	const char *prec = msg_header(msg, "Precedence");

	if (as && g_ascii_strncasecmp(as, "no", 2) != 0)
		return 1;
	if (prec && (g_ascii_strcasecmp(prec, "bulk") == 0 ||
	    g_ascii_strcasecmp(prec, "junk") == 0))
		return 1;
	return msg_header(msg, "X-Autoreply") != NULL ||
	    msg_header(msg, "X-Autorespond") != NULL;
}

int
step_loop(struct post_ctx *ctx, struct verdict *v)
{
	char id[LIST_NAME_MAX + ADDR_DOMAIN_MAX + 4], self[ADDR_MAX + 1];
	const char *list_id = msg_header(ctx->msg, "List-Id");
	const char *xloop = msg_header(ctx->msg, "X-Loop");
	int received = msg_header_count(ctx->msg, "Received");

	snprintf(id, sizeof(id), "<%s.%s>", ctx->list->name,
	    ctx->district->domain);
	snprintf(self, sizeof(self), "%s@%s", ctx->list->name,
	    ctx->district->domain);
	if (list_id && strcasestr(list_id, id) != NULL)
		return verdict_set(v, VERDICT_DISCARD, ST_LOOP,
		    "loop: the post already carries this list's List-Id");
	if (xloop && strcasestr(xloop, self) != NULL)
		return verdict_set(v, VERDICT_DISCARD, ST_LOOP,
		    "loop: the post already carries this list's X-Loop");
	if (received > MAX_RECEIVED)
		return verdict_set(v, VERDICT_REJECT, ST_LOOP,
		    "too many Received headers (%d, limit %d): mail loop",
		    received, MAX_RECEIVED);
	if (ctx->envelope_sender[0] == '\0')
		return verdict_set(v, VERDICT_DISCARD, ST_DATA,
		    "a bounce (null sender) sent to the posting address");
	if (is_auto_reply(ctx->msg) && !ctx->skip_sender_policy)
		return verdict_set(v, VERDICT_HOLD, ST_OK,
		    "suspected loop: an automatic reply sent to the list");
	return 1;
}
