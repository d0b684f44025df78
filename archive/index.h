/* index.h - index one raw message of a list: parse, thread, store the
 * metadata and the searchable text. Rendering is not done here. */
#ifndef LISTD_ARCHIVE_INDEX_H
#define LISTD_ARCHIVE_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "archive/thread.h"
#include "core/model.h"
#include "core/status.h"
#include "core/store.h"
#include "core/store_archive.h"

#define INDEX_TEXT_MAX	(256 * 1024)	/* searchable text kept per message */

/* What indexing one message changed, for incremental rendering. */
struct index_touch {
	int64_t			msg;
	int64_t			thread;
	char			month[ARC_MONTH_LEN + 1];
	struct thread_place	place;
};

/* Index raw[0..len) (stored in messages/ as hash) in list l. Call inside a
 * transaction. ST_EXISTS when the list already holds this message (nothing
 * changes); ST_DATA when it cannot be read as a mail at all. */
enum status	archive_index_add(struct store *s, const struct list *l,
		    const char *hash, const char *raw, size_t len,
		    struct index_touch *t);

#endif
