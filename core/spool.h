/* spool.h - durable file writes (P1): write to a temporary name, fsync,
 * rename into place, fsync the directory; and the free-disk check (P6). */
#ifndef LISTD_SPOOL_H
#define LISTD_SPOOL_H

#include <stddef.h>

#include "core/status.h"

/* Write data to dir/name durably. The file appears complete or not at all.
 * Returns ST_OK, ST_NOSPACE when the disk is full (ENOSPC, EDQUOT), or
 * ST_TEMP for any other failure; nothing partial is left behind.
 * Fault points: spool.write, spool.fsync, spool.rename, spool.dirsync. */
enum status	spool_write_file(const char *dir, const char *name,
		    const void *data, size_t len);
/* Make dir and its parents (mode 0750). -1 with errno on failure. */
int		spool_mkdirs(const char *dir);
/* Is there at least min_percent free space (for unprivileged users) on the
 * file system holding path? Unreadable counts as enough (logged). */
int		spool_disk_ok(const char *path, int min_percent);
/* Read the whole file at path, at most max bytes. ST_TOOBIG over max,
 * ST_NOTFOUND when absent. *data (NUL-terminated) is freed with xfree(). */
enum status	spool_read_file(const char *path, size_t max, char **data,
		    size_t *len);

#endif
