/* post.h - what the posting pipeline passes from step to step: the post in
 * hand (district, list, parsed message, sender) and the verdict a step
 * reaches. Steps live in step_*.c; pipeline.c runs them in order. */
#ifndef LISTD_POST_H
#define LISTD_POST_H

#include <gmime/gmime.h>

#include "core/model.h"
#include "core/status.h"
#include "core/store.h"
#include "core/store_post.h"

enum verdict_kind {
	VERDICT_ACCEPT,
	VERDICT_HOLD,
	VERDICT_REJECT,
	VERDICT_DISCARD
};

struct verdict {
	enum verdict_kind	kind;
	enum status		status;		/* the reply for a reject */
	char			reason[POST_REASON_MAX + 1];
};

struct post_ctx {
	struct store		*ds;		/* the district's store */
	const struct district	*district;
	const struct list	*list;
	GMimeMessage		*msg;		/* owned by the caller */
	const char		*raw;
	size_t			 raw_len;
	const char		*envelope_sender;	/* "" for <> */
	char			 author[ADDR_MAX + 1];	/* From: address */
	char			 author_name[NAME_MAX_LEN + 1];
	int			 is_member;
	struct member		 member;	/* valid when is_member */
	int			 skip_sender_policy;	/* released by a moderator */
	int			 personal;	/* members get their own copies */
};

/* Set a verdict with a fixed, readable reason. Returns 0 so a step can
 * "return verdict_set(...)" to stop the pipeline. */
int	verdict_set(struct verdict *v, enum verdict_kind kind, enum status st,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
const char *verdict_name(enum verdict_kind kind);

#endif
