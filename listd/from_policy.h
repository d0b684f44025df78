/* from_policy.h - the list's From policy for DMARC: leave From alone, or
 * rewrite it to "Name via List" <list@domain> with the author in Reply-To
 * and X-Original-From. The district's own domain (and its subdomains) is
 * never rewritten. Every decision is logged with its reason. */
#ifndef LISTD_FROM_POLICY_H
#define LISTD_FROM_POLICY_H

#include "listd/post.h"

/* Apply the policy to ctx->msg. Returns 1 when From was rewritten. */
int	from_policy_apply(struct post_ctx *ctx);

#endif
