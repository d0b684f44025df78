/* workpool.c - see workpool.h. One mutex guards the job; items are taken
 * one at a time (a job's items are expected to cost tens of microseconds
 * or more, so the lock is not what limits it). */
#include <pthread.h>

#include "core/log.h"
#include "core/workpool.h"
#include "core/xmem.h"

#define WORKPOOL_MAX	16

struct workpool {
	pthread_mutex_t	 mu;		/* guards everything below */
	pthread_cond_t	 work;		/* a job started, or stop */
	pthread_cond_t	 finished;	/* the job's last item is done */
	pthread_t	 tid[WORKPOOL_MAX];
	int		 n_threads;
	workpool_fn	*fn;
	void		*ctx;
	int		 n;		/* items in the job */
	int		 next;		/* next item to take */
	int		 done;		/* items finished */
	int		 stop;
};

static void *
worker(void *arg)
{
	struct workpool *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		int i;

		while (!p->stop && p->next >= p->n)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->stop)
			break;
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		p->fn(p->ctx, i);
		pthread_mutex_lock(&p->mu);
		if (++p->done == p->n)
			pthread_cond_broadcast(&p->finished);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct workpool *
workpool_new(int n_threads)
{
	struct workpool *p = xcalloc(1, sizeof(*p));

	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->finished, NULL);
	for (int t = 0; t < n_threads && t < WORKPOOL_MAX; t++) {
		if (pthread_create(&p->tid[p->n_threads], NULL, worker, p) != 0) {
			log_warnx("workpool thread-start-failed started=%d",
			    p->n_threads);
			break;
		}
		p->n_threads++;
	}
	if (p->n_threads == 0) {
		workpool_free(p);
		return NULL;
	}
	return p;
}

void
workpool_start(struct workpool *p, int n, workpool_fn *fn, void *ctx)
{
	if (p == NULL) {
		for (int i = 0; i < n; i++)
			fn(ctx, i);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->fn = fn;
	p->ctx = ctx;
	p->n = n;
	p->next = 0;
	p->done = 0;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
}

void
workpool_wait(struct workpool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	while (p->done < p->n)
		pthread_cond_wait(&p->finished, &p->mu);
	p->n = p->next = p->done = 0;
	pthread_mutex_unlock(&p->mu);
}

void
workpool_free(struct workpool *p)
{
	if (p == NULL)
		return;
	workpool_wait(p);
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (int t = 0; t < p->n_threads; t++)
		pthread_join(p->tid[t], NULL);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->finished);
	pthread_mutex_destroy(&p->mu);
	xfree(p);
}
