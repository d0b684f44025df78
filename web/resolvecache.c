/* resolvecache.c - per-thread cache of the district and list rows behind a
 * request's path (see resolvecache.h for when an entry is trusted). No
 * SQL here: misses go to the store through route.c's resolve(). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/xmem.h"
#include "web/resolvecache.h"

struct resolve_entry {
	struct resolve_stamp	stamp;
	struct district		d;
	int			has_list;
	struct list		l;
	unsigned long long	used;
};

struct resolve_cache {
	unsigned long long	tick;
	struct resolve_entry	e[RESOLVECACHE_N];
};

static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void	key_make(void);
static struct resolve_cache *cache(void);
static void	log_id(const char *path, long long out[3]);
static int	stamp_valid(const struct resolve_stamp *then,
		    const struct resolve_stamp *now);

static void
key_make(void)
{
	(void)pthread_key_create(&key, xfree);
}

static struct resolve_cache *
cache(void)
{
	struct resolve_cache *c;

	(void)pthread_once(&once, key_make);
	if ((c = pthread_getspecific(key)) == NULL) {
		c = xcalloc(1, sizeof(*c));
		(void)pthread_setspecific(key, c);
	}
	return c;
}

/* inode, size and mtime (ns) of a write-ahead log; zeros when absent. */
static void
log_id(const char *path, long long out[3])
{
	struct stat sb;

	memset(out, 0, 3 * sizeof(out[0]));
	if (stat(path, &sb) == -1)
		return;
	out[0] = (long long)sb.st_ino;
	out[1] = (long long)sb.st_size;
	out[2] = (long long)sb.st_mtim.tv_sec * 1000000000LL +
	    sb.st_mtim.tv_nsec;
}

void
resolvecache_stamp(const char *home, const char *slug,
    struct resolve_stamp *out)
{
	char path[4096];
	struct timespec ts;

	snprintf(path, sizeof(path), "%s/site.db-wal", home);
	log_id(path, out->site);
	snprintf(path, sizeof(path), "%s/districts/%s/district.db-wal", home,
	    slug);
	log_id(path, out->dist);
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	out->now_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
stamp_valid(const struct resolve_stamp *then, const struct resolve_stamp *now)
{
	return memcmp(then->site, now->site, sizeof(then->site)) == 0 &&
	    memcmp(then->dist, now->dist, sizeof(then->dist)) == 0 &&
	    now->now_ms - then->now_ms < RESOLVECACHE_TTL_MS;
}

int
resolvecache_get(const struct resolve_stamp *stamp, const char *slug,
    const char *list, struct district *d, struct list *l)
{
	struct resolve_cache *c = cache();

	for (int i = 0; i < RESOLVECACHE_N; i++) {
		struct resolve_entry *e = &c->e[i];

		if (e->used == 0 || strcmp(e->d.slug, slug) != 0 ||
		    (list == NULL) != !e->has_list ||
		    (list && strcmp(e->l.name, list) != 0))
			continue;
		if (!stamp_valid(&e->stamp, stamp)) {
			e->used = 0;
			return 0;
		}
		e->used = ++c->tick;
		*d = e->d;
		if (list)
			*l = e->l;
		return 1;
	}
	return 0;
}

void
resolvecache_put(const struct resolve_stamp *stamp, const struct district *d,
    const struct list *l)
{
	struct resolve_cache *c = cache();
	struct resolve_entry *victim = &c->e[0];

	for (int i = 0; i < RESOLVECACHE_N; i++)
		if (c->e[i].used < victim->used)
			victim = &c->e[i];
	victim->stamp = *stamp;
	victim->d = *d;
	victim->has_list = l != NULL;
	if (l)
		victim->l = *l;
	victim->used = ++c->tick;
}
