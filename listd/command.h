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

#define COMMAND_REPLIES_PER_DAY	10	/* per address, all lists */
#define COMMAND_LINES_MAX	20

/* Handle the message in ctx sent to la; v gets a discard verdict whose
 * reason says what was done (the message itself goes to no one). */
enum status	command_handle(struct post_ctx *ctx, struct post *p,
		    const struct listaddr *la, struct verdict *v);
#endif
