/* subscribe.h - joining and leaving a list, double opt-in: a request makes
 * a single-use, expiring token and mails a confirmation; the token, answered
 * by mail (LIST-confirm+TOKEN@) or by link, carries the request out (after
 * an owner's approval on lists that need one). Also answers moderators'
 * confirmation tokens. Used by mail commands and the web interface; runs
 * inside the caller's transaction. */
#ifndef LISTD_SUBSCRIBE_H
#define LISTD_SUBSCRIBE_H

#include <stddef.h>

#include "core/model.h"
#include "core/status.h"
#include "core/store.h"

#define SUBSCRIBE_CONFIRM_TTL		(7 * 86400)
#define SUBSCRIBE_CONFIRMS_PER_DAY	3	/* per list and address */

/* Start a subscription (subscribe) or unsubscription for address. ST_OK
 * when a confirmation was sent; ST_EXISTS when there is nothing to do
 * (already a member / not a member); ST_DENIED for roster or closed lists
 * and past the rate limit. why gets a short explanation. */
enum status	subscribe_request(struct store *ds, const struct district *d,
		    const struct list *l, const char *address, const char *name,
		    int subscribe, char *why, size_t why_len);
/* Carry out confirmation token. answer (may be NULL) is a moderator's word:
 * approve (default), reject or discard. ST_NOTFOUND for an unknown token,
 * ST_DENIED for one used or expired; what describes the outcome. */
enum status	subscribe_confirm(struct store *ds, const struct district *d,
		    const char *token, const char *answer, char *what,
		    size_t what_len);

#endif
