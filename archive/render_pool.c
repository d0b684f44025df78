/* render_pool.c - render independent pages on two threads (see
 * render_pool.h). The caller's thread takes jobs from the front of the
 * list, the others from the back, a few at a time under one mutex, so a
 * slow page does not leave another thread idle. Each thread has its own
 * SQLite connection (STYLE.md "State and threads"). */
#include <pthread.h>
#include <string.h>

#include "archive/render_pool.h"
#include "core/log.h"

#define POOL_CHUNK	4	/* jobs taken at a time, when many are left */

struct render_pool {
	struct render_ctx	 *first;	/* the caller's context */
	const struct render_job	 *jobs;
	pthread_t		  tid[RENDER_THREADS];
	int			  n_started;
	pthread_mutex_t		  mu;		/* guards the three below */
	int			  front;	/* next job from the front */
	int			  back;		/* one past the last untaken */
	enum status		  st;		/* the first failure */
};

static int	 pool_take(struct render_pool *, int, int *);
static void	 pool_work(struct render_pool *, struct render_ctx *, int);
static void	*pool_thread(void *);

/* Take up to POOL_CHUNK jobs from the front (or the back): their first
 * index in *at, their count returned; 0 when none is left or a job
 * failed. */
static int
pool_take(struct render_pool *p, int from_back, int *at)
{
	int n = 0;

	pthread_mutex_lock(&p->mu);
	if (p->st == ST_OK && p->front < p->back) {
		n = p->back - p->front > 4 * RENDER_THREADS * POOL_CHUNK ?
		    POOL_CHUNK : 1;
		if (from_back)
			*at = p->back -= n;
		else
			*at = p->front, p->front += n;
	}
	pthread_mutex_unlock(&p->mu);
	return n;
}

static void
pool_work(struct render_pool *p, struct render_ctx *r, int from_back)
{
	enum status st;
	int at, n;

	while ((n = pool_take(p, from_back, &at)) > 0)
		for (int i = at; i < at + n; i++)
			if ((st = p->jobs[i].page(r, p->jobs[i].id)) != ST_OK) {
				pthread_mutex_lock(&p->mu);
				if (p->st == ST_OK)
					p->st = st;
				pthread_mutex_unlock(&p->mu);
				return;
			}
}

/* A helper thread: its own connection and context, then the shared work
 * from the back. */
static void *
pool_thread(void *arg)
{
	struct render_pool *p = arg;
	struct store *s = NULL;
	struct render_ctx r;

	if (store_district_reopen(p->first->s, &s) != ST_OK) {
		log_warnx("archive render-thread no-store district=%s",
		    store_slug(p->first->s));
		return NULL;	/* the caller's thread does the rest */
	}
	if (render_open_at(&r, s, p->first->l, p->first->root) == ST_OK) {
		r.write_att = p->first->write_att;
		pool_work(p, &r, 1);
	}
	render_close(&r);
	store_close(s);
	return NULL;
}

enum status
render_pool_jobs(struct render_ctx *r, const struct render_job *jobs, int n)
{
	struct render_pool p;

	memset(&p, 0, sizeof(p));
	p.first = r;
	p.jobs = jobs;
	p.back = n;
	p.st = ST_OK;
	pthread_mutex_init(&p.mu, NULL);
	for (int t = 1; t < RENDER_THREADS && n > POOL_CHUNK; t++)
		if (pthread_create(&p.tid[p.n_started], NULL, pool_thread, &p)
		    == 0)
			p.n_started++;
	pool_work(&p, r, 0);
	for (int t = 0; t < p.n_started; t++)
		pthread_join(p.tid[t], NULL);
	pthread_mutex_destroy(&p.mu);
	return p.st;
}
