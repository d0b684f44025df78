/* bounce.h - what listd does with bounces that reach LIST-bounces@: parse
 * them (bounce_parse.c), score the members they name (decaying: a score
 * halves every week without bounces), stop delivery past the threshold and
 * tell the owners, then probe: a probe that bounces removes the member, a
 * probe that does not re-enables delivery. */
#ifndef LISTD_BOUNCE_H
#define LISTD_BOUNCE_H

#include "core/listaddr.h"
#include "core/store_sub.h"
#include "listd/post.h"

#define BOUNCE_THRESHOLD	5.0	/* score that stops delivery */
#define BOUNCE_HALF_LIFE	(7 * 86400)
#define BOUNCE_PROBE_AFTER	(3 * 86400)	/* disabled this long: probe */
#define BOUNCE_PROBE_WAIT	(7 * 86400)	/* no bounce: enable again */

/* Handle a message to LIST-bounces[+TOKEN]@ inside the intake transaction;
 * v gets a discard verdict naming what was recorded. */
enum status	bounce_handle(struct post_ctx *ctx, struct post *p,
		    const struct listaddr *la, struct verdict *v);
/* Probe members whose delivery has been off for a while, and re-enable
 * those whose probe did not bounce. Returns how many were acted on. */
int		bounce_maintain(struct store *ds, const struct district *d);
/* The score after decay from b->updated to now. */
double		bounce_decayed(const struct bounce_state *b, int64_t now);

#endif
