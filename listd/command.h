/* command.h - mail to a list's command addresses: LIST-join@ (subscribe),
 * LIST-leave@ (unsubscribe), LIST-request@ (commands in the subject or the
 * plain-text body: subscribe, unsubscribe, help, set digest|nomail|regular)
 * and LIST-confirm+TOKEN@ (answers to confirmations). Subscribing and
 * leaving are double opt-in; requests per address are rate-limited; no
 * reply ever goes to automatic mail (RFC 3834). Runs inside the intake
 * transaction. */
#ifndef LISTD_COMMAND_H
#define LISTD_COMMAND_H

#include "core/listaddr.h"
#include "listd/post.h"

#define COMMAND_CONFIRM_TTL	(7 * 86400)
#define COMMAND_CONFIRMS_PER_DAY 3	/* per list and address */
#define COMMAND_REPLIES_PER_DAY	10	/* per address, all lists */
#define COMMAND_LINES_MAX	20

/* Handle the message in ctx sent to la; v gets a discard verdict whose
 * reason says what was done (the message itself goes to no one). */
enum status	command_handle(struct post_ctx *ctx, struct post *p,
		    const struct listaddr *la, struct verdict *v);
/* Carry out a confirmation token (from mail or the web). *what gets a
 * short description. ST_NOTFOUND unknown, ST_DENIED used or expired. */
enum status	command_confirm(struct store *ds, const struct district *d,
		    const char *token, const char *answer, char *what,
		    size_t what_len);
/* Start a subscription or unsubscription for address (double opt-in), as
 * the web form does. ST_DENIED for roster or closed lists and rate limits,
 * with the reason in why. */
enum status	command_request(struct store *ds, const struct district *d,
		    const struct list *l, const char *address, const char *name,
		    int subscribe, char *why, size_t why_len);

#endif
