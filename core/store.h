/* store.h - open the site store (site.db) and a district's store
 * (districts/<slug>/district.db); transactions. Only core/store*.c touch
 * SQLite: everything above calls the domain functions in store_*.h. */
#ifndef LISTD_STORE_H
#define LISTD_STORE_H

#include <stdint.h>

#include "core/status.h"

struct store;

/* Open (creating when absent) $home/site.db and apply migrations. On success
 * *out is set; caller closes with store_close(). */
enum status	store_site_open(const char *home, struct store **out);
/* Open the store of district slug under home. With create, make the
 * directory and database when absent; without it, a missing district is
 * ST_NOTFOUND. The handle never shows another district's rows. */
enum status	store_district_open(const char *home, const char *slug,
		    int create, struct store **out);
/* store_close(NULL) does nothing. */
void		store_close(struct store *s);

/* The district slug a district store was opened for ("" for the site).
 * Borrowed; valid until store_close(). */
const char	*store_slug(const struct store *s);
/* Directory of the district ($home/districts/<slug>). Borrowed. */
const char	*store_dir(const struct store *s);
/* Is the file s was opened from gone, or another file now at its path (a
 * district removed, or restored from a backup, since)? One stat(). A
 * long-lived handle that is replaced must be closed and opened again. */
int		 store_replaced(const struct store *s);

/* Switch this connection to synchronous=NORMAL (WAL): commits survive a
 * crash of the process but not always a power cut. Only for records whose
 * loss repeats work (delivery marks), never for intake (P1). */
void		store_sync_relaxed(struct store *s);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Commit maps SQLITE_FULL to
 * ST_NOSPACE and busy/IO errors to ST_TEMP. Rollback never fails. */
enum status	store_begin(struct store *s);
enum status	store_commit(struct store *s);
void		store_rollback(struct store *s);

/* A read transaction (BEGIN DEFERRED ... COMMIT) around many reads: one
 * snapshot and one lock instead of a lock per statement. Begin fails
 * (ST_INTERNAL) inside any transaction; call store_read_end() only after
 * a begin that succeeded. store_read_end(NULL) does nothing. */
enum status	store_read_begin(struct store *s);
void		store_read_end(struct store *s);
/* A second connection to the district store s is open on, for another
 * thread (each thread has its own connection). Caller closes with
 * store_close(). */
enum status	store_district_reopen(const struct store *s, struct store **out);

/* Seconds since the epoch; the store's notion of "now" (tests may pin it
 * with LISTD_NOW). */
int64_t		store_now(void);

/* Path of the district directory under home, whether or not it exists.
 * Caller frees with xfree(). NULL for an invalid slug. */
char		*store_district_path(const char *home, const char *slug);

#endif
