/* command.c - list commands by mail and confirmations (see command.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/config.h"
#include "core/log.h"
#include "core/msg.h"
#include "core/store_list.h"
#include "core/store_member.h"
#include "core/store_post.h"
#include "core/store_sub.h"
#include "core/token.h"
#include "core/subscribe.h"
#include "listd/command.h"
#include "core/notice.h"

/* May we answer this message at all? RFC 3834 and loop sense. */
static const char *
no_reply_reason(struct post_ctx *ctx)
{
	const char *as = msg_header(ctx->msg, "Auto-Submitted");
	const char *prec = msg_header(ctx->msg, "Precedence");
	int n = 0;

	if (ctx->envelope_sender[0] == '\0')
		return "null sender";
	if (as && g_ascii_strncasecmp(as, "no", 2) != 0)
		return "automatic message (Auto-Submitted)";
	if (prec && (!g_ascii_strcasecmp(prec, "bulk") ||
	    !g_ascii_strcasecmp(prec, "junk") || !g_ascii_strcasecmp(prec, "list")))
		return "bulk or list mail (Precedence)";
	if (msg_header(ctx->msg, "List-Id") || msg_header(ctx->msg, "X-Loop"))
		return "mail from a list or a loop";
	if (strstr(ctx->author, "-request@") || strstr(ctx->author, "-bounces"))
		return "mail from a list manager";
	if (store_reply_count(ctx->ds, ctx->author, store_now() - 86400, &n)
	    != ST_OK || n >= COMMAND_REPLIES_PER_DAY)
		return "reply limit for this address reached";
	return NULL;
}

/* The first plain-text part that is not an attachment, as UTF-8; NULL when
 * there is none (HTML-only mail: its hidden text is never read). */
static char *
plain_text(GMimeObject *o, int depth)
{
	if (o == NULL || depth > 8)
		return NULL;
	if (GMIME_IS_MULTIPART(o)) {
		int n = g_mime_multipart_get_count(GMIME_MULTIPART(o));

		for (int i = 0; i < n && i < 32; i++) {
			char *t = plain_text(g_mime_multipart_get_part(
			    GMIME_MULTIPART(o), i), depth + 1);

			if (t)
				return t;
		}
		return NULL;
	}
	if (GMIME_IS_TEXT_PART(o) && g_mime_content_type_is_type(
	    g_mime_object_get_content_type(o), "text", "plain") &&
	    !g_mime_part_is_attachment(GMIME_PART(o)))
		return g_mime_text_part_get_text(GMIME_TEXT_PART(o));
	return NULL;
}

struct results {
	struct buf	out;
	int		n_commands;
	int		sent_notice;
};

/* Run one command line; returns 0 at the end of the commands. */
static int
run_line(struct post_ctx *ctx, struct results *r, char *line)
{
	char why[200], *w = line, *arg;
	struct member m;
	int mode;

	size_t n;

	while (isspace((unsigned char)*w))
		w++;
	n = strlen(w);
	while (n > 0 && isspace((unsigned char)w[n - 1]))
		w[--n] = '\0';
	if (*w == '\0' || *w == '>')
		return 1;
	if (!g_ascii_strncasecmp(w, "end", 3) || !strncmp(w, "--", 2))
		return 0;
	for (arg = w; *arg && !isspace((unsigned char)*arg); arg++)
		;
	if (*arg)
		*arg++ = '\0';
	while (isspace((unsigned char)*arg))
		arg++;
	r->n_commands++;
	buf_printf(&r->out, "> %.80s %.80s\n", w, arg);
	if (!g_ascii_strcasecmp(w, "subscribe") || !g_ascii_strcasecmp(w, "join") ||
	    !g_ascii_strcasecmp(w, "unsubscribe") || !g_ascii_strcasecmp(w, "leave")) {
		int sub = !g_ascii_strcasecmp(w, "subscribe") ||
		    !g_ascii_strcasecmp(w, "join");

		(void)subscribe_request(ctx->ds, ctx->district, ctx->list,
		    ctx->author, ctx->author_name, sub, why, sizeof(why));
		buf_printf(&r->out, "%s\n\n", why);
	} else if (!g_ascii_strcasecmp(w, "help")) {
		buf_printf(&r->out, "help follows below\n\n");
		r->sent_notice = 2;
	} else if (!g_ascii_strcasecmp(w, "set")) {
		char *v = arg + strcspn(arg, " \t");

		while (isspace((unsigned char)*v))
			v++;
		mode = model_mode_parse(!g_ascii_strncasecmp(arg, "delivery", 8) ?
		    v : arg);
		if (mode < 0)
			buf_printf(&r->out, "unknown setting: use set digest, set "
			    "nomail or set regular\n\n");
		else if (store_member_get(ctx->ds, ctx->list->id, ctx->author,
		    &m) != ST_OK)
			buf_printf(&r->out, "%s is not a member\n\n", ctx->author);
		else {
			m.mode = (enum delivery_mode)mode;
			(void)store_member_update(ctx->ds, &m);
			buf_printf(&r->out, "delivery for %s is now %s\n\n",
			    ctx->author, model_mode_name(m.mode));
		}
	} else
		buf_printf(&r->out, "unknown command (send \"help\")\n\n");
	return r->n_commands < COMMAND_LINES_MAX;
}

static enum status
run_request(struct post_ctx *ctx, struct verdict *v)
{
	struct notice_vars nv = { ctx->author, "", "", "", "" };
	const char *subject = g_mime_message_get_subject(ctx->msg);
	struct results r;
	char *text, *line, *save = NULL, subj[256];
	enum status st;
	int go = 1;

	memset(&r, 0, sizeof(r));
	buf_init(&r.out, 64 * 1024);
	snprintf(subj, sizeof(subj), "%s", subject ? subject : "");
	if (!g_ascii_strncasecmp(subj, "re:", 3))
		subj[0] = '\0';
	go = run_line(ctx, &r, subj);
	text = plain_text(g_mime_message_get_mime_part(ctx->msg), 0);
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line && go;
	    line = strtok_r(NULL, "\n", &save))
		go = run_line(ctx, &r, line);
	g_free(text);
	nv.extra = buf_cstr(&r.out);
	if (r.n_commands == 0 || r.sent_notice == 2)
		st = notice_send(ctx->ds, ctx->district, ctx->list, ctx->author,
		    "help", &nv, NULL);
	else
		st = notice_send(ctx->ds, ctx->district, ctx->list, ctx->author,
		    "command-results", &nv, NULL);
	verdict_set(v, VERDICT_DISCARD, ST_OK, "%d commands from %s answered",
	    r.n_commands, ctx->author);
	buf_release(&r.out);
	return st;
}

/* -join@ and -leave@: one request; refusals are explained by mail. */
static enum status
join_leave(struct post_ctx *ctx, int subscribe, struct verdict *v)
{
	struct notice_vars nv = { ctx->author, "", "", "", "" };
	char why[200];
	enum status st;

	st = subscribe_request(ctx->ds, ctx->district, ctx->list, ctx->author,
	    ctx->author_name, subscribe, why, sizeof(why));
	verdict_set(v, VERDICT_DISCARD, ST_OK, "%s: %s", subscribe ?
	    "subscribe" : "unsubscribe", why);
	if (st == ST_DENIED && ctx->list->kind == LIST_ROSTER)
		return notice_send(ctx->ds, ctx->district, ctx->list, ctx->author,
		    "roster-refusal", &nv, NULL);
	if (st == ST_DENIED && ctx->list->subscribe == SUBSCRIBE_CLOSED)
		return notice_send(ctx->ds, ctx->district, ctx->list, ctx->author,
		    "closed-refusal", &nv, NULL);
	return st == ST_DENIED || st == ST_EXISTS ? ST_OK : st;
}

/* The first word of the reply's own text (quoted lines skipped). */
static void
first_word(GMimeMessage *msg, char *out, size_t out_len)
{
	char *text = plain_text(g_mime_message_get_mime_part(msg), 0);
	char *p = text;

	out[0] = '\0';
	while (p && *p) {
		size_t n;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '>') {
			p += strcspn(p, "\n");
			continue;
		}
		n = strcspn(p, " \t\r\n");
		snprintf(out, out_len, "%.*s", (int)n, p);
		break;
	}
	g_free(text);
}

enum status
command_handle(struct post_ctx *ctx, struct post *p, const struct listaddr *la,
    struct verdict *v)
{
	const char *why = NULL;
	char what[200], answer[32];
	enum status st;

	(void)p;
	/* A confirmation is answered by anyone holding the token, even an
	 * auto-responder cannot guess it; everything else needs a person. */
	if (la->kind != LISTADDR_CONFIRM && (why = no_reply_reason(ctx)) != NULL)
		return verdict_set(v, VERDICT_DISCARD, ST_OK,
		    "command ignored: %s", why), ST_OK;
	if ((st = store_reply_add(ctx->ds, ctx->author)) != ST_OK)
		return st;
	switch (la->kind) {
	case LISTADDR_JOIN:
		return join_leave(ctx, 1, v);
	case LISTADDR_LEAVE:
		return join_leave(ctx, 0, v);
	case LISTADDR_CONFIRM:
		first_word(ctx->msg, answer, sizeof(answer));
		st = subscribe_confirm(ctx->ds, ctx->district, la->token, answer,
		    what, sizeof(what));
		verdict_set(v, VERDICT_DISCARD, ST_OK, "confirmation: %s", what);
		return st == ST_NOTFOUND || st == ST_DENIED ? ST_OK : st;
	default:
		return run_request(ctx, v);
	}
}
