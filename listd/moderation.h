/* moderation.h - carrying out moderators' decisions on held posts, which
 * listctl and the web interface record as intents in the store. */
#ifndef LISTD_MODERATION_H
#define LISTD_MODERATION_H

#include "core/model.h"
#include "core/store.h"

/* Carry out every decided held post of the district. Returns how many. */
int	moderation_apply(struct store *ds, const struct district *d);
/* Send moderators a digest of newly held posts (per list, rate-limited by
 * held_digest_minutes). Returns how many lists were considered. */
int	moderation_notify(struct store *ds, const struct district *d);
/* Discard held posts older than held_expire_days, telling their authors.
 * Returns how many expired. */
int	moderation_expire(struct store *ds, const struct district *d);

#endif
