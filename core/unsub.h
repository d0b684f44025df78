/* unsub.h - the signed one-click unsubscribe link (RFC 8058) that goes in
 * each member's List-Unsubscribe header, and its check on the web side.
 * The signature covers "unsub:<slug>:<list>:<lower-cased address>". */
#ifndef LISTD_UNSUB_H
#define LISTD_UNSUB_H

#include <stddef.h>

/* Write "{base}/d/<slug>/lists/<list>/unsubscribe?a=<address>&s=<sig>"
 * (address percent-encoded) into out. -1 when it does not fit or an
 * argument is empty; needs token_secret_load() first. */
int	web_unsubscribe_url(char *out, size_t out_len, const char *base,
	    const char *slug, const char *list, const char *address);
/* Does sig sign the unsubscription of address from slug's list? */
int	web_unsubscribe_check(const char *slug, const char *list,
	    const char *address, const char *sig);

#endif
