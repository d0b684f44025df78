/* queue.h - recipient batches: build them for an accepted post, wake the
 * delivery workers, and compute back-off. The SQL is in core/store_queue.c;
 * sending is deliver.c's job. */
#ifndef LISTD_QUEUE_H
#define LISTD_QUEUE_H

#include <stdint.h>

#include "core/status.h"
#include "core/store.h"

/* Members of one domain below this count share mixed batches. */
#define QUEUE_MIN_DOMAIN_BATCH	10

/* Split the regular-delivery members of list_id into batches of at most
 * batch_size recipients, grouped by domain, and queue them for post_id.
 * Streams the member list. Must run inside the caller's transaction.
 * *n_rcpt receives the number of recipients queued. */
enum status	queue_post_enqueue(struct store *ds, int64_t post_id,
		    int64_t list_id, int urgent, int batch_size,
		    int64_t *n_rcpt);
/* Queue one explicit recipient list (newline-separated) for post_id, as
 * batches of at most batch_size. */
enum status	queue_rcpts_enqueue(struct store *ds, int64_t post_id,
		    const char *rcpts, int urgent, int batch_size,
		    int64_t *n_rcpt);
/* Tell the delivery workers that work is waiting (no-op outside listd). */
void		queue_notify(void);
/* Wait at most ms milliseconds for queue_notify(). */
void		queue_wait(int ms);
/* Seconds to wait after failures consecutive failures: retry_min doubled
 * each time, at most retry_max. */
int64_t		queue_backoff(int failures, int retry_min, int retry_max);

#endif
