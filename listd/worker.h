/* worker.h - delivery workers: threads that lease ready batches from every
 * district's queue, hand them to the relay (deliver.c) and record what the
 * relay said: delivered, deferred with back-off, or failed (P3, P4). */
#ifndef LISTD_WORKER_H
#define LISTD_WORKER_H

#include <pthread.h>

#define WORKER_MAX		64
#define WORKER_BATCHES_PER_SESSION	10
#define WORKER_LEASE_SECONDS	300

struct worker_pool {
	pthread_t	 threads[WORKER_MAX];
	int		 n;
	const char	*home;
	volatile int	*stopping;
};

/* After a crash, before the workers start: release the dead process's
 * leases and quarantine batches recovered too often (P5). */
void	worker_recover(const char *home);
/* Start n workers. */
void	worker_start(struct worker_pool *pool, int n, const char *home,
	    volatile int *stopping);
/* Wait for the workers to finish their current session and stop. */
void	worker_join(struct worker_pool *pool);

#endif
