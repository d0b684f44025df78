/* moderation.h - carrying out moderators' decisions on held posts, which
 * listctl and the web interface record as intents in the store. */
#ifndef LISTD_MODERATION_H
#define LISTD_MODERATION_H

#include "core/model.h"
#include "core/store.h"

/* Carry out every decided held post of the district. Returns how many. */
int	moderation_apply(struct store *ds, const struct district *d);

#endif
