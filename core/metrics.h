/* metrics.h - the daemon's in-memory counters for /metrics: HTTP answers by
 * status, deliveries, deferrals and bounces by destination domain, archive
 * pages rendered. Counting is lock-free (C11 atomics) and never fails;
 * the values live since the process started. Gauges that come from the
 * stores (queue, held, disabled members, generator runs) are not here:
 * see core/store_metrics.h. Pages are written by web/metrics.c. */
#ifndef LISTD_METRICS_H
#define LISTD_METRICS_H

#include <stdint.h>

#include "core/buf.h"

/* Destination domains counted one by one; past this many distinct domains
 * the rest are counted under the domain "_other" (bounded label set). */
#define METRICS_DOMAINS_MAX	256
#define METRICS_DOMAIN_OTHER	"_other"

enum metrics_delivery {
	METRICS_DELIVERED,	/* the relay accepted the recipient */
	METRICS_DEFERRED,	/* temporary failure: back to the queue */
	METRICS_BOUNCED,	/* permanent failure */
	METRICS_DELIVERY__COUNT
};

/* Count one HTTP answer with status code (100..599; others ignored). */
void	metrics_http_count(int code);
/* The count for code so far (0 for codes out of range). */
uint64_t metrics_http_get(int code);

/* Add n recipients of domain (a destination domain, any case; NULL or ""
 * counts under "_other") to kind. */
void	metrics_delivery_add(const char *domain, enum metrics_delivery kind,
	    uint64_t n);
/* Call fn for every domain counted so far with its counts (indexed by
 * enum metrics_delivery). The name is borrowed for the call. Domains
 * appear in no particular order. */
void	metrics_delivery_each(void (*fn)(const char *domain,
	    const uint64_t counts[METRICS_DELIVERY__COUNT], void *ctx),
	    void *ctx);

/* Count one archive page (HTML, feed or mbox file) rendered. */
void	metrics_page_rendered(void);
uint64_t metrics_pages_rendered(void);

/* Append value to b as a quoted label value of the text format: backslash,
 * double quote and newline escaped. -1 when b's maximum is reached. */
int	metrics_label_append(struct buf *b, const char *value);

#endif
