/* store_backup.h - a consistent copy of a live district.db (SQLite's online
 * backup API, safe while listd writes) and the check a restore runs on a
 * copy before it is put in place. */
#ifndef LISTD_STORE_BACKUP_H
#define LISTD_STORE_BACKUP_H

#include <stddef.h>

#include "core/status.h"
#include "core/store.h"

/* Copy the database of s into a new file at dest (which must not exist) as
 * one snapshot. Writers are not blocked for long: the copy runs in steps
 * and starts over when a writer changes the source. Returns ST_OK,
 * ST_NOSPACE, ST_TEMP (busy too long, I/O) with a reason in err. On failure
 * dest is removed. */
enum status	store_backup_copy(struct store *s, const char *dest, char *err,
		    size_t err_len);
/* Is the file at path an intact district database (quick_check passes and
 * the list table is readable)? ST_OK or ST_DATA with a reason in err. */
enum status	store_backup_check(const char *path, char *err, size_t err_len);

#endif
