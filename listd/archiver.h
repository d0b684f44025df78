/* archiver.h - hands accepted posts to the archive after the MTA has its
 * reply, so rendering pages never delays intake. A post is marked archived
 * once archive_post_add() has taken it (it is idempotent, so a crash in
 * between only repeats work). */
#ifndef LISTD_ARCHIVER_H
#define LISTD_ARCHIVER_H

#include "core/model.h"
#include "core/store.h"

#define ARCHIVER_BATCH	50	/* posts archived per pass */

/* Archive the district's accepted posts not yet archived. Returns how many. */
int	archiver_run(struct store *ds, const struct district *d);

#endif
