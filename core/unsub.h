/* unsub.h - the signed per-member links and VERP addresses that personalised
 * delivery puts in each copy: the RFC 8058 one-click unsubscribe URL, and a
 * bounce address naming the member. Both are verified with the site secret
 * (token.h), so they need no stored state. */
#ifndef LISTD_UNSUB_H
#define LISTD_UNSUB_H

#include <stddef.h>
#include <stdint.h>

/* {base}/d/{slug}/lists/{list}/unsubscribe?a={address}&s={signature}, the
 * address percent-encoded. -1 when it does not fit out_len. */
int	unsub_url(char *out, size_t out_len, const char *base, const char *slug,
	    const char *list, const char *address);
/* Does sig sign (slug, list, address)? */
int	unsub_verify(const char *slug, const char *list, const char *address,
	    const char *sig);
/* VERP token for a member of a list ("m<id>-<signature prefix>"), into out
 * (at least 40 bytes). */
void	unsub_verp_token(char *out, size_t out_len, const char *slug,
	    int64_t list_id, int64_t member_id);
/* The member id a VERP token names, or 0 when it is not valid. */
int64_t	unsub_verp_member(const char *token, const char *slug, int64_t list_id);

#endif
