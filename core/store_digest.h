/* store_digest.h - posts waiting to go out in a list's digest
 * (district.db, module "subscription"). */
#ifndef LISTD_STORE_DIGEST_H
#define LISTD_STORE_DIGEST_H

#include <stdint.h>

#include "core/status.h"
#include "core/store.h"

struct digest_pending {
	int64_t	list_id;
	int	n_posts;
	int64_t	size;
	int64_t	oldest;		/* when the first waiting post was added */
	int64_t	last_post_id;
};

/* Remember an accepted post for the list's next digest. */
enum status	store_digest_add(struct store *s, int64_t post_id,
		    int64_t list_id, int64_t size);
/* One row per list with waiting posts. */
enum status	store_digest_each_list(struct store *s,
		    int (*fn)(const struct digest_pending *, void *), void *ctx);
/* The waiting posts of a list up to last_post_id, oldest first. */
enum status	store_digest_each_post(struct store *s, int64_t list_id,
		    int64_t last_post_id, int (*fn)(int64_t post_id, void *),
		    void *ctx);
/* Forget the list's waiting posts up to last_post_id (they were sent). */
enum status	store_digest_clear(struct store *s, int64_t list_id,
		    int64_t last_post_id);

#endif
