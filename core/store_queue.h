/* store_queue.h - the delivery queue of a district: recipient batches of
 * accepted posts, per-domain back-off and per-recipient failures
 * (district.db, module "mail"). */
#ifndef LISTD_STORE_QUEUE_H
#define LISTD_STORE_QUEUE_H

#include <stdint.h>

#include "core/addr.h"
#include "core/status.h"
#include "core/store.h"

struct batch {
	int64_t	id;
	int64_t	post_id;
	char	domain[ADDR_DOMAIN_MAX + 1];	/* "*" for a mixed batch */
	char	*rcpts;		/* newline-separated; owned, see batch_clear() */
	int	n_rcpt;
	int	urgent;
	int	attempts;
	int	recoveries;
	int64_t	next_try;
	char	state[16];
	char	last_error[256];
};

/* Free what a batch owns (rcpts); the struct itself is the caller's. */
void		batch_clear(struct batch *b);

/* Queue n recipients (newline-separated rcpts) of a post. */
enum status	store_batch_add(struct store *s, int64_t post_id,
		    const char *domain, const char *rcpts, int n, int urgent);
/* Lease up to max ready batches until lease_until: pending, not leased,
 * due (next_try <= now), and not to a domain that is backed off. Urgent
 * batches first, then oldest. out[0..*n) are filled; clear each with
 * batch_clear(). */
enum status	store_batch_claim(struct store *s, int64_t now,
		    int64_t lease_until, int max, struct batch *out, int *n);
/* The batch reached the relay: done. */
enum status	store_batch_done(struct store *s, int64_t id);
/* Try again at next_try (attempts + 1, lease released). */
enum status	store_batch_retry(struct store *s, int64_t id, int64_t next_try,
		    const char *error);
/* Give the batch up (state failed) with an error; its recipients have been
 * recorded as failures by the caller. */
enum status	store_batch_fail(struct store *s, int64_t id, const char *error);
/* After a crash: batches leased by the dead process are released and their
 * recovery count raised; those recovered max_recoveries times or more are
 * quarantined (P5). *n_quarantined reports how many. */
enum status	store_batch_recover(struct store *s, int max_recoveries,
		    int *n_quarantined);
/* Pending batches whose post was received before cutoff (for expiry). */
enum status	store_batch_each_expired(struct store *s, int64_t cutoff,
		    int (*fn)(const struct batch *, void *), void *ctx);
/* Every batch of a post (rcpts included), oldest first. */
enum status	store_batch_each(struct store *s, int64_t post_id,
		    int (*fn)(const struct batch *, void *), void *ctx);
/* Make a post's waiting batches due now (listctl queue retry). */
enum status	store_batch_retry_now(struct store *s, int64_t post_id, int *n);
/* Recipients of a post still waiting in pending batches. */
enum status	store_batch_pending(struct store *s, int64_t post_id,
		    int64_t *n_rcpt);
/* Put a post's pending batches ahead of bulk mail. *n gets how many. */
enum status	store_batch_set_urgent(struct store *s, int64_t post_id, int *n);
/* Number of pending batches and recipients in the district. */
enum status	store_queue_depth(struct store *s, int64_t *batches,
		    int64_t *rcpts);

/* Per-destination back-off. */
enum status	store_backoff_get(struct store *s, const char *domain,
		    int64_t *until, int *failures);
enum status	store_backoff_set(struct store *s, const char *domain,
		    int64_t until, int failures);
enum status	store_backoff_clear(struct store *s, const char *domain);

/* A recipient that failed: permanent (5xx) or given up after expiry. */
enum status	store_failure_add(struct store *s, int64_t post_id,
		    const char *address, int permanent, const char *code,
		    const char *text);

#endif
