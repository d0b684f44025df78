/* storecache.h - SQLite handles kept open per server thread (each thread has
 * its own connections, as the store requires), so a request does not pay
 * for opening a database and checking its migrations. Closed when the
 * thread ends. */
#ifndef LISTD_WEB_STORECACHE_H
#define LISTD_WEB_STORECACHE_H

#include "core/status.h"
#include "core/store.h"

#define STORECACHE_DISTRICTS	8	/* district handles kept per thread */

/* This thread's site store, opened on first use. Borrowed: never close it;
 * valid until the thread ends. */
enum status	storecache_site(const char *home, struct store **out);
/* This thread's handle on district slug's store (must exist). Borrowed as
 * above; the least recently used handle is closed past the limit. */
enum status	storecache_district(const char *home, const char *slug,
		    struct store **out);

#endif
