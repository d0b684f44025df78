/* digest.h - daily digests for members in digest mode: every accepted post
 * of a list is remembered, and once a day (or sooner when a digest passes
 * DIGEST_SIZE_MAX) one message gathers them: MIME (a contents part and a
 * multipart/digest of the posts) or plain text in the RFC 1153 layout. */
#ifndef LISTD_DIGEST_H
#define LISTD_DIGEST_H

#include "core/model.h"
#include "core/store.h"

#define DIGEST_INTERVAL		86400
#define DIGEST_SIZE_MAX		(100 * 1024)	/* send early past this */
#define DIGEST_POSTS_MAX	500

/* Send the digests that are due in the district. Returns how many. */
int	digest_run(struct store *ds, const struct district *d);

#endif
