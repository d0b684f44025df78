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

static int xloop_is(const char *, const char *);
static int is_own_xloop(GMimeMessage *, const char *);

/* Is value exactly self (case aside), maybe in angle brackets and spaces?
 * A substring test would take bigstaff@ for staff@. */
static int
xloop_is(const char *value, const char *self)
{
	size_t n;

	while (*value == ' ' || *value == '\t' || *value == '<')
		value++;
	n = strlen(self);
	if (g_ascii_strncasecmp(value, self, n) != 0)
		return 0;
	for (value += n; *value; value++)
		if (*value != ' ' && *value != '\t' && *value != '>' &&
		    *value != '\r' && *value != '\n')
			return 0;
	return 1;
}

/* Does any X-Loop header name this list? */
static int
is_own_xloop(GMimeMessage *msg, const char *self)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	int n = g_mime_header_list_get_count(hl);

	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);

		if (g_ascii_strcasecmp(g_mime_header_get_name(h), "X-Loop") == 0 &&
		    xloop_is(g_mime_header_get_value(h), self))
			return 1;
	}
	return 0;
}

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
	int received = msg_header_count(ctx->msg, "Received");

	snprintf(id, sizeof(id), "<%s.%s>", ctx->list->name,
	    ctx->district->domain);
	snprintf(self, sizeof(self), "%s@%s", ctx->list->name,
	    ctx->district->domain);
	if (list_id && strcasestr(list_id, id) != NULL)
		return verdict_set(v, VERDICT_DISCARD, ST_LOOP,
		    "loop: the post already carries this list's List-Id");
	if (is_own_xloop(ctx->msg, self))
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
