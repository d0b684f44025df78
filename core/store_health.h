/* store_health.h - what listctl health asks a district's store. */
#ifndef LISTD_STORE_HEALTH_H
#define LISTD_STORE_HEALTH_H

#include <stdint.h>

#include "core/status.h"
#include "core/store.h"

/* Creation time of the oldest pending (waiting or deferred) batch into
 * *created, and how many batches are pending into *n; both 0 when the queue
 * is empty. ST_TEMP or ST_INTERNAL on a store error. */
enum status	store_health_queue_oldest(struct store *s, int64_t *created,
		    int64_t *n);

#endif
