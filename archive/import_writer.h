/* import_writer.h - a thread that writes an import's raw messages into
 * messages/ while the importing thread parses and indexes: the kernel's
 * file creation overlaps the parse and SQLite work. */
#ifndef LISTD_ARCHIVE_IMPORT_WRITER_H
#define LISTD_ARCHIVE_IMPORT_WRITER_H

#include <stddef.h>

#include "core/status.h"

#define IMPORT_WRITER_QUEUE	(32L * 1024 * 1024)	/* bytes waiting */

struct import_writer;

/* Start a writer for district directory dir (borrowed: must outlive the
 * writer). NULL when no thread could be started: the caller then writes
 * itself with import_writer_put_raw(). Free with import_writer_free(). */
struct import_writer	*import_writer_new(const char *dir);
/* Queue a copy of raw[0..len) to be written as hash (unless already
 * there). Waits while IMPORT_WRITER_QUEUE bytes are queued. */
void		 import_writer_put(struct import_writer *w, const char *hash,
		    const char *raw, size_t len);
/* Wait until everything queued is written. Returns the first failure of
 * any write since the last drain (ST_TEMP, ST_NOSPACE), else ST_OK. */
enum status	 import_writer_drain(struct import_writer *w);
/* Drain, stop the thread and free w. NULL does nothing. */
void		 import_writer_free(struct import_writer *w);
/* Write raw as hash into dir's messages/ unless there already (no fsync:
 * the import syncs the file system once per batch). */
enum status	 import_writer_put_raw(const char *dir, const char *hash,
		    const char *raw, size_t len);

#endif
