/* store_metrics.h - the gauges /metrics reads from one district's store
 * (read only): posts by outcome, held posts, the delivery queue, members
 * whose delivery bounces disabled, and the last generator run. */
#ifndef LISTD_STORE_METRICS_H
#define LISTD_STORE_METRICS_H

#include <stdint.h>

#include "core/status.h"
#include "core/store.h"

struct store_metrics {
	int64_t	received;	/* posts recorded (every state) */
	int64_t	accepted;	/* queued for delivery or delivered */
	int64_t	held;		/* waiting for a moderator now */
	int64_t	rejected;
	int64_t	discarded;
	int64_t	queue_batches;	/* pending batches */
	int64_t	queue_rcpts;	/* recipients in them */
	int64_t	queue_oldest;	/* creation time of the oldest; 0: empty */
	int64_t	bounce_disabled; /* members with delivery disabled */
	int	has_run;	/* a generator run is recorded */
	int64_t	run_finished;	/* its end (or start) time */
	int	run_ok;		/* applied or dry run; no list refused or in error */
};

/* Fill m for the district store s. ST_TEMP or ST_INTERNAL on a store
 * error (m is then partly filled). */
enum status	store_metrics_district(struct store *s,
		    struct store_metrics *m);

#endif
