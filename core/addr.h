/* addr.h - e-mail address parsing and normalisation (RFC 5321/5322 addr-spec,
 * RFC 6531 UTF-8). Display names and header lists are GMime's job (msg.c);
 * this file judges one bare address. */
#ifndef LISTD_ADDR_H
#define LISTD_ADDR_H

#include <stddef.h>

#define ADDR_MAX	254	/* RFC 5321 path limit less the brackets */
#define ADDR_LOCAL_MAX	64
#define ADDR_DOMAIN_MAX	253
#define ADDR_LABEL_MAX	63

/* Check the addr-spec in and write its normal form into out (at least
 * ADDR_MAX + 1 bytes): the local part as given, the domain with ASCII letters
 * lower-cased (internationalised labels kept as given). Returns 0, or -1 with
 * *reason set to a fixed English phrase ("missing domain", "contains a line
 * break", ...). Comments, address literals, whitespace and control characters
 * are refused. */
int		 addr_normalize(const char *in, char *out, size_t out_len,
		     const char **reason);
/* The domain of a normalised address (after the last '@'). Borrowed. */
const char	*addr_domain(const char *addr);
/* Case-insensitive comparison of two normalised addresses (0 when equal). */
int		 addr_cmp(const char *a, const char *b);

#endif
