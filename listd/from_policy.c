/* from_policy.c - DMARC From rewriting (see from_policy.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "core/msg.h"
#include "listd/from_policy.h"

/* Is domain the district's domain or one of its subdomains? */
static int
is_own_domain(const char *domain, const char *district_domain)
{
	size_t n = strlen(domain), d = strlen(district_domain);

	if (strcasecmp(domain, district_domain) == 0)
		return 1;
	return n > d && domain[n - d - 1] == '.' &&
	    strcasecmp(domain + n - d, district_domain) == 0;
}

static void
log_decision(const struct post_ctx *ctx, const char *action, const char *why)
{
	const char *id = msg_message_id(ctx->msg);

	log_info("pipeline from_policy district=%s list=%s msg=%s action=%s "
	    "reason=\"%s\"", ctx->district->slug, ctx->list->name,
	    id ? id : "-", action, why);
}

int
from_policy_apply(struct post_ctx *ctx)
{
	InternetAddressList *from, *reply_to;
	InternetAddress *author, *list_addr;
	char name[NAME_MAX_LEN + 64], addr[ADDR_MAX + 1];
	char *original;

	if (ctx->list->dmarc == DMARC_LEAVE) {
		log_decision(ctx, "leave", "the list's policy is leave");
		return 0;
	}
	if (ctx->author[0] == '\0') {
		log_decision(ctx, "leave", "no valid From address");
		return 0;
	}
	if (is_own_domain(addr_domain(ctx->author), ctx->district->domain)) {
		log_decision(ctx, "leave", "the author is in the district's domain");
		return 0;
	}
	author = internet_address_mailbox_new(ctx->author_name, ctx->author);
	original = internet_address_to_string(author, NULL, TRUE);
	snprintf(name, sizeof(name), "%s via %s",
	    ctx->author_name[0] ? ctx->author_name : ctx->author,
	    ctx->list->name);
	snprintf(addr, sizeof(addr), "%s@%s", ctx->list->name,
	    ctx->district->domain);
	list_addr = internet_address_mailbox_new(name, addr);
	from = g_mime_message_get_from(ctx->msg);
	internet_address_list_clear(from);
	internet_address_list_add(from, list_addr);
	reply_to = g_mime_message_get_reply_to(ctx->msg);
	if (internet_address_list_length(reply_to) == 0)
		internet_address_list_add(reply_to, author);
	msg_header_set(ctx->msg, "X-Original-From", original);
	g_free(original);
	g_object_unref(author);
	g_object_unref(list_addr);
	log_decision(ctx, "rewrite", "the author's domain is outside the district");
	return 1;
}
