/* workpool.h - a few long-lived threads that run one function over the
 * indexes 0..n-1 of a job while the caller goes on with other work; the
 * caller then waits for the job. One job at a time. */
#ifndef LISTD_CORE_WORKPOOL_H
#define LISTD_CORE_WORKPOOL_H

struct workpool;

typedef void	workpool_fn(void *ctx, int i);

/* Start n_threads threads. NULL when none could be started: the functions
 * below then run each job on the caller's thread, at start. */
struct workpool	*workpool_new(int n_threads);
/* Run fn(ctx, i) for i in 0..n-1 on the pool's threads and return at
 * once (p NULL: run them all now). The previous job must be waited for. */
void		 workpool_start(struct workpool *p, int n, workpool_fn *fn,
		    void *ctx);
/* Wait until every fn of the current job has returned. */
void		 workpool_wait(struct workpool *p);
/* Wait, stop the threads, free p. NULL does nothing. */
void		 workpool_free(struct workpool *p);

#endif
