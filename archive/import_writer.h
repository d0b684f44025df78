/* import_writer.h - a thread that appends an import's raw messages to one
 * pack under messages/packs/ (core/msgpack.h) while the importing thread
 * parses and indexes; a drain makes the batch durable. */
#ifndef LISTD_ARCHIVE_IMPORT_WRITER_H
#define LISTD_ARCHIVE_IMPORT_WRITER_H

#include <stddef.h>

#include "core/status.h"

#define IMPORT_WRITER_QUEUE	(32L * 1024 * 1024)	/* bytes waiting */

struct import_writer;

/* Start a writer for district directory dir (borrowed: must outlive the
 * writer). When no thread can be started it writes inline, in
 * import_writer_put(). Never NULL; free with import_writer_free(). */
struct import_writer	*import_writer_new(const char *dir);
/* Queue raw[0..len) (xmalloc'ed: the writer takes it and frees it) to be
 * written as hash (unless the district holds it already, loose or
 * packed). Waits while IMPORT_WRITER_QUEUE bytes are queued. */
void		 import_writer_put(struct import_writer *w, const char *hash,
		    char *raw, size_t len);
/* Wait until everything queued is written, then make it durable (the
 * pack's bytes fdatasync'ed, its index written and renamed into place):
 * after ST_OK an index row may name any message put so far. Returns the
 * first failure of any write since the last drain (ST_TEMP, ST_NOSPACE),
 * else the commit's status. */
enum status	 import_writer_drain(struct import_writer *w);
/* Stop the thread and free w. What no drain committed is not named by
 * any pack index (its bytes are cut off or unreferenced). NULL does
 * nothing. */
void		 import_writer_free(struct import_writer *w);

#endif
