/* msgstore.h - a district's raw messages, content-addressed by SHA-256:
 * loose files districts/<slug>/messages/ab/<hash>.eml (the mail path,
 * written durably through spool.c) or in packs under messages/packs/ (the
 * archive import, msgpack.h). One copy however many lists or queue entries
 * refer to it. */
#ifndef LISTD_MSGSTORE_H
#define LISTD_MSGSTORE_H

#include <stddef.h>

#include "core/status.h"

#define MSGSTORE_HASH_LEN	64

/* SHA-256 of data as 64 lower-case hex digits into hash (65 bytes). */
void		msgstore_hash(const void *data, size_t len, char *hash);
/* SHA-256 of data, 32 bytes into digest (the one SHA-256 of listd:
 * nettle's, which uses the CPU's SHA instructions where there are some;
 * hashing is a quarter of an import's parsing). */
void		msgstore_sha256(const void *data, size_t len,
		    unsigned char *digest);
/* Store data under district_dir as a loose file; hash (65 bytes) receives
 * its name. Storing bytes already there (loose or packed) is a no-op.
 * Status as spool_write_file(). */
enum status	msgstore_put(const char *district_dir, const void *data,
		    size_t len, char *hash);
/* Path of a loose stored message (a packed one has none: read it with
 * msgstore_get). Caller frees with xfree(). NULL for a hash that is not 64
 * hex digits. */
char		*msgstore_path(const char *district_dir, const char *hash);
/* Read a stored message (at most max bytes), loose or packed. Caller
 * frees *data. ST_NOTFOUND, ST_TOOBIG, ST_DATA (a damaged pack), ST_TEMP. */
enum status	msgstore_get(const char *district_dir, const char *hash,
		    size_t max, char **data, size_t *len);
/* Is hash stored in district_dir, loose or packed? */
int		msgstore_has(const char *district_dir, const char *hash);

#endif
