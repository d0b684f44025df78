/* render_pool.c - render independent pages on two threads (see
 * render_pool.h). Threads take ids in small chunks from one shared
 * counter, so a slow page does not leave the other thread idle. Each
 * thread has its own SQLite connection (STYLE.md "State and threads"). */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "archive/render_pool.h"
#include "core/log.h"

#define POOL_CHUNK	8	/* ids taken at a time */

struct pool {
	struct render_ctx	 *first;	/* the caller's context */
	const int64_t		 *ids;
	int			  n;
	enum status		(*page)(struct render_ctx *, int64_t);
	atomic_int		  next;		/* next id index to take */
	atomic_int		  failed;	/* a page failed: stop */
	_Atomic enum status	  st;		/* the first failure */
};

static void	 pool_work(struct pool *, struct render_ctx *);
static void	*pool_thread(void *);

static void
pool_work(struct pool *p, struct render_ctx *r)
{
	int i, end;
	enum status st;

	while (!atomic_load(&p->failed) &&
	    (i = atomic_fetch_add(&p->next, POOL_CHUNK)) < p->n) {
		end = i + POOL_CHUNK < p->n ? i + POOL_CHUNK : p->n;
		for (; i < end; i++)
			if ((st = p->page(r, p->ids[i])) != ST_OK) {
				enum status ok = ST_OK;

				atomic_compare_exchange_strong(&p->st, &ok, st);
				atomic_store(&p->failed, 1);
				return;
			}
	}
}

/* A helper thread: its own connection and context, then the shared work. */
static void *
pool_thread(void *arg)
{
	struct pool *p = arg;
	struct store *s = NULL;
	struct render_ctx r;

	if (store_district_reopen(p->first->s, &s) != ST_OK) {
		log_warnx("archive render-thread no-store district=%s",
		    store_slug(p->first->s));
		return NULL;	/* the caller's thread does the rest */
	}
	if (render_open_at(&r, s, p->first->l, p->first->root) == ST_OK) {
		r.write_att = p->first->write_att;
		pool_work(p, &r);
	}
	render_close(&r);
	store_close(s);
	return NULL;
}

enum status
render_pool_run(struct render_ctx *r, const int64_t *ids, int n,
    enum status (*page)(struct render_ctx *, int64_t))
{
	pthread_t tid[RENDER_THREADS];
	int n_started = 0;
	struct pool p;

	memset(&p, 0, sizeof(p));
	p.first = r;
	p.ids = ids;
	p.n = n;
	p.page = page;
	atomic_init(&p.next, 0);
	atomic_init(&p.failed, 0);
	atomic_init(&p.st, ST_OK);
	for (int t = 1; t < RENDER_THREADS && n > POOL_CHUNK; t++)
		if (pthread_create(&tid[n_started], NULL, pool_thread, &p) == 0)
			n_started++;
	pool_work(&p, r);
	for (int t = 0; t < n_started; t++)
		pthread_join(tid[t], NULL);
	return atomic_load(&p.st);
}
