/* resolvecache.h - the district and list rows a request's path names,
 * kept per server thread so the archive path does not look them up in
 * SQLite on every request. An entry is trusted while the write-ahead logs
 * of site.db and the district's store are unchanged (stat: inode, size,
 * modification time; every commit writes there) and for at most
 * RESOLVECACHE_TTL_MS, which bounds what a change the stat cannot see
 * (a log rewritten in place within one clock tick) may leave stale. */
#ifndef LISTD_WEB_RESOLVECACHE_H
#define LISTD_WEB_RESOLVECACHE_H

#include "core/model.h"

#define RESOLVECACHE_N		16
#define RESOLVECACHE_TTL_MS	1000

/* Identities of the two logs, taken before a lookup. */
struct resolve_stamp {
	long long	site[3];
	long long	dist[3];
	long long	now_ms;
};

/* Stamp the logs of home's site.db and district slug's store. */
void	resolvecache_stamp(const char *home, const char *slug,
	    struct resolve_stamp *out);
/* The cached rows for slug and list (list NULL: district only) when still
 * valid under stamp: 1 with *d and *l filled, 0 otherwise. */
int	resolvecache_get(const struct resolve_stamp *stamp, const char *slug,
	    const char *list, struct district *d, struct list *l);
/* Remember rows looked up after stamp was taken. */
void	resolvecache_put(const struct resolve_stamp *stamp,
	    const struct district *d, const struct list *l);

#endif
