/* msgstore.h - a district's raw messages, content-addressed by SHA-256 under
 * districts/<slug>/messages/ab/<hash>.eml: one copy however many lists or
 * queue entries refer to it. Written durably through spool.c. */
#ifndef LISTD_MSGSTORE_H
#define LISTD_MSGSTORE_H

#include <stddef.h>

#include "core/status.h"

#define MSGSTORE_HASH_LEN	64

/* SHA-256 of data as 64 lower-case hex digits into hash (65 bytes). */
void		msgstore_hash(const void *data, size_t len, char *hash);
/* Store data under district_dir; hash (65 bytes) receives its name.
 * Storing the same bytes twice is a no-op. Status as spool_write_file(). */
enum status	msgstore_put(const char *district_dir, const void *data,
		    size_t len, char *hash);
/* Path of a stored message. Caller frees with xfree(). NULL for a hash that
 * is not 64 hex digits. */
char		*msgstore_path(const char *district_dir, const char *hash);
/* Read a stored message (at most max bytes). Caller frees *data. */
enum status	msgstore_get(const char *district_dir, const char *hash,
		    size_t max, char **data, size_t *len);

#endif
