/* store_sub.h - subscription state of a district (district.db, module
 * "subscription"): pending confirmations, the log of automatic replies,
 * message templates and members' bounce scores. */
#ifndef LISTD_STORE_SUB_H
#define LISTD_STORE_SUB_H

#include <stdint.h>

#include "core/addr.h"
#include "core/buf.h"
#include "core/model.h"
#include "core/status.h"
#include "core/store.h"
#include "core/token.h"

struct pending {
	int64_t	id;
	char	token[TOKEN_LEN + 1];
	int64_t	list_id;
	char	address[ADDR_MAX + 1];
	char	name[NAME_MAX_LEN + 1];
	char	action[24];	/* subscribe, unsubscribe, approve, moderate */
	int64_t	post_id;	/* for moderate: the held post */
	int64_t	created;
	int64_t	expires;
};

/* Record a pending confirmation (p->id and created are set). */
enum status	store_pending_add(struct store *s, struct pending *p);
/* Take the pending confirmation named by token: ST_OK (and it is now used),
 * ST_NOTFOUND for an unknown token, ST_DENIED for one used or expired. */
enum status	store_pending_take(struct store *s, const char *token, int64_t now,
		    struct pending *out);
/* Confirmations created for address on list since a time (rate limit). */
enum status	store_pending_count(struct store *s, int64_t list_id,
		    const char *address, int64_t since, int *n);
/* Pending approvals of a list (owner approval of subscriptions), oldest
 * first; non-zero from fn stops. */
enum status	store_pending_each(struct store *s, int64_t list_id,
		    const char *action, int (*fn)(const struct pending *, void *),
		    void *ctx);

/* Automatic replies to address since a time; and record one more. */
enum status	store_reply_count(struct store *s, const char *address,
		    int64_t since, int *n);
enum status	store_reply_add(struct store *s, const char *address);

/* Template name of list_id, else the district's (list_id 0). The text goes
 * into out; ST_NOTFOUND when neither is set. */
enum status	store_template_get(struct store *s, int64_t list_id,
		    const char *name, struct buf *out);
enum status	store_template_set(struct store *s, int64_t list_id,
		    const char *name, const char *body);
enum status	store_template_remove(struct store *s, int64_t list_id,
		    const char *name);

/* Senders a moderator allowed to post to a list without being members. */
enum status	store_allowed_add(struct store *s, int64_t list_id,
		    const char *address);
/* ST_OK when allowed, ST_NOTFOUND when not. */
enum status	store_allowed_has(struct store *s, int64_t list_id,
		    const char *address);

/* District settings (district.db setting table): value into out (bounded,
 * "" and ST_NOTFOUND when unset). */
enum status	store_setting_get(struct store *s, const char *key, char *out,
		    size_t out_len);
enum status	store_setting_set(struct store *s, const char *key,
		    const char *value);

struct bounce_state {
	int64_t	member_id;
	double	score;
	int64_t	updated;
	int64_t	disabled_at;	/* 0: delivery on */
	int	probes;
	int64_t	last_probe;
};

/* A member's bounce state; a fresh zero state when none is stored. */
enum status	store_bounce_get(struct store *s, int64_t member_id,
		    struct bounce_state *out);
enum status	store_bounce_put(struct store *s, const struct bounce_state *b);
/* Members of all lists whose delivery is disabled, oldest first. */
enum status	store_bounce_each_disabled(struct store *s,
		    int (*fn)(const struct bounce_state *, void *), void *ctx);

#endif
