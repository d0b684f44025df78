/* store_post.h - posts as received and what became of them, and held posts
 * waiting for a moderator (district.db, module "mail"). */
#ifndef LISTD_STORE_POST_H
#define LISTD_STORE_POST_H

#include <stdint.h>

#include "core/addr.h"
#include "core/msgstore.h"
#include "core/status.h"
#include "core/store.h"

#define POST_MSGID_MAX		250
#define POST_SUBJECT_MAX	250
#define POST_REASON_MAX		250

enum post_state {
	POST_RECEIVED,		/* spooled; the pipeline has not finished */
	POST_QUEUED,		/* accepted; batches wait for delivery */
	POST_HELD,		/* waiting for a moderator */
	POST_REJECTED,
	POST_DISCARDED,
	POST_QUARANTINED,	/* crashed the pipeline too often (P5) */
	POST_DONE,		/* every batch finished */
	POST__COUNT
};

struct post {
	int64_t		id;
	int64_t		list_id;
	char		kind[16];	/* listaddr form: post, owner, bounces */
	char		rcpt[ADDR_MAX + 1];	/* the address it came to */
	char		raw_hash[MSGSTORE_HASH_LEN + 1];
	char		out_hash[MSGSTORE_HASH_LEN + 1];
	char		message_id[POST_MSGID_MAX + 1];
	char		body_hash[MSGSTORE_HASH_LEN + 1];
	char		sender[ADDR_MAX + 1];
	char		author[ADDR_MAX + 1];
	char		subject[POST_SUBJECT_MAX + 1];
	int64_t		size;
	enum post_state	state;
	char		reason[POST_REASON_MAX + 1];
	int		urgent;
	int		personal;	/* per-member copies (one-click, VERP) */
	int		attempts;
	int64_t		n_rcpt;
	int64_t		n_delivered;
	int64_t		n_bounced;
	int64_t		received;
	int64_t		updated;
};

struct held {
	int64_t	post_id;
	char	reason[POST_REASON_MAX + 1];
	char	action[16];		/* "", approve, allow, discard, reject */
	char	action_by[128];
	char	action_note[POST_REASON_MAX + 1];
	int64_t	held_at;
	int	notified;		/* moderators were told */
};

const char	*post_state_name(enum post_state st);
int		 post_state_parse(const char *s);

/* Insert p (id, received, updated set). */
enum status	store_post_add(struct store *s, struct post *p);
enum status	store_post_get(struct store *s, int64_t id, struct post *out);
/* P7: the newest post of list with this Message-ID and body hash received
 * at or after since. ST_NOTFOUND when there is none. */
enum status	store_post_seen(struct store *s, int64_t list_id,
		    const char *message_id, const char *body_hash, int64_t since,
		    struct post *out);
/* Set state and reason (and updated). */
enum status	store_post_set_state(struct store *s, int64_t id,
		    enum post_state st, const char *reason);
/* Record the outgoing message, recipient count and whether copies are
 * personal; state QUEUED (DONE with no recipients). */
enum status	store_post_set_queued(struct store *s, int64_t id,
		    const char *out_hash, int64_t n_rcpt, int personal);
/* Count one more pipeline attempt (crash recovery, P5). */
enum status	store_post_attempt(struct store *s, int64_t id, int *attempts);
/* Add delivered/bounced recipients to the post's tallies; when no batch of
 * the post is left pending, the post becomes DONE. */
enum status	store_post_tally(struct store *s, int64_t id, int64_t delivered,
		    int64_t bounced);
/* Call fn for posts in state st (oldest first), at most limit (0: all). */
enum status	store_post_each_state(struct store *s, enum post_state st,
		    int limit, int (*fn)(const struct post *, void *), void *ctx);
/* Filtered walk for listctl queue: list_id (0 any), sender substring (NULL
 * any), received before (0 any), minimum attempts; newest first. */
struct post_filter {
	int64_t		 list_id;
	const char	*sender;
	int64_t		 before;
	int		 min_retries;
	int		 only_undelivered;
};
enum status	store_post_each(struct store *s, const struct post_filter *f,
		    int (*fn)(const struct post *, void *), void *ctx);
/* Accepted list posts not yet in the archive, oldest first, at most limit;
 * and marking one archived. */
enum status	store_post_each_unarchived(struct store *s, int limit,
		    int (*fn)(const struct post *, void *), void *ctx);
enum status	store_post_set_archived(struct store *s, int64_t id);
/* Delete a post and everything hanging off it (batches, held row). */
enum status	store_post_delete(struct store *s, int64_t id);

/* Held posts. */
enum status	store_held_add(struct store *s, int64_t post_id,
		    const char *reason);
enum status	store_held_get(struct store *s, int64_t post_id, struct held *out);
/* Record a moderator's decision for the daemon to act on. ST_NOTFOUND when
 * the post is not held; ST_EXISTS when a decision is already recorded. */
enum status	store_held_decide(struct store *s, int64_t post_id,
		    const char *action, const char *by, const char *note);
/* Held posts of a list (0: all lists) with their post, oldest first;
 * decided: -1 any, 0 waiting only, 1 decided only. */
enum status	store_held_each(struct store *s, int64_t list_id, int decided,
		    int (*fn)(const struct held *, const struct post *, void *),
		    void *ctx);
/* Mark a held post as announced to the moderators. */
enum status	store_held_set_notified(struct store *s, int64_t post_id);
/* Waiting held posts held before cutoff (expiry), oldest first. */
enum status	store_held_each_older(struct store *s, int64_t cutoff,
		    int (*fn)(const struct held *, const struct post *, void *),
		    void *ctx);
/* Forget the held row once the decision has been carried out. */
enum status	store_held_remove(struct store *s, int64_t post_id);

#endif
