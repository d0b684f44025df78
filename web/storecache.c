/* storecache.c - per-thread SQLite handles for the web server: one site
 * handle and a few district handles per thread, released by a pthread key
 * destructor when the thread exits. A district handle whose file was
 * replaced (listctl district remove + restore) is reopened on its next use. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/model.h"
#include "core/xmem.h"
#include "web/storecache.h"

struct cached_district {
	char		 slug[SLUG_MAX + 1];
	struct store	*s;
	uint64_t	 used;
};

struct thread_stores {
	struct store		*site;
	uint64_t		 tick;
	struct cached_district	 d[STORECACHE_DISTRICTS];
};

static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
thread_stores_free(void *p)
{
	struct thread_stores *ts = p;

	if (ts == NULL)
		return;
	for (int i = 0; i < STORECACHE_DISTRICTS; i++)
		store_close(ts->d[i].s);
	store_close(ts->site);
	xfree(ts);
}

static void
key_make(void)
{
	(void)pthread_key_create(&key, thread_stores_free);
}

static struct thread_stores *
thread_stores(void)
{
	struct thread_stores *ts;

	(void)pthread_once(&once, key_make);
	if ((ts = pthread_getspecific(key)) == NULL) {
		ts = xcalloc(1, sizeof(*ts));
		(void)pthread_setspecific(key, ts);
	}
	return ts;
}

enum status
storecache_site(const char *home, struct store **out)
{
	struct thread_stores *ts = thread_stores();
	enum status st = ST_OK;

	if (ts->site == NULL)
		st = store_site_open(home, &ts->site);
	*out = ts->site;
	return st;
}

enum status
storecache_district(const char *home, const char *slug, struct store **out)
{
	struct thread_stores *ts = thread_stores();
	struct cached_district *victim = &ts->d[0];
	enum status st;

	ts->tick++;
	for (int i = 0; i < STORECACHE_DISTRICTS; i++) {
		struct cached_district *c = &ts->d[i];

		if (c->s && strcmp(c->slug, slug) == 0) {
			if (store_replaced(c->s)) {
				/* Restored or removed since: reopen below. */
				victim = c;
				break;
			}
			c->used = ts->tick;
			*out = c->s;
			return ST_OK;
		}
		if (c->s == NULL || c->used < victim->used)
			victim = c;
	}
	store_close(victim->s);
	victim->s = NULL;
	if ((st = store_district_open(home, slug, 0, &victim->s)) != ST_OK) {
		victim->s = NULL;
		*out = NULL;
		return st;
	}
	snprintf(victim->slug, sizeof(victim->slug), "%s", slug);
	victim->used = ts->tick;
	*out = victim->s;
	return ST_OK;
}
