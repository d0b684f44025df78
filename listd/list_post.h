/* list_post.h - what happens to a post once the pipeline has judged it:
 * accept (store the outgoing message once, queue recipient batches), hold
 * (wait for a moderator), reject or discard. Each runs inside the caller's
 * transaction and changes nothing outside it but the msgstore. */
#ifndef LISTD_LIST_POST_H
#define LISTD_LIST_POST_H

#include "listd/post.h"

/* Act on verdict v for post p (state received or held). ST_OK or the
 * failure that must make the caller roll back and answer 451. */
enum status	list_post_act(struct post_ctx *ctx, struct post *p,
		    const struct verdict *v);
/* Queue the post as it came for explicit recipients (list-owner@ mail). */
enum status	list_post_forward(struct post_ctx *ctx, struct post *p,
		    const char *rcpts);

#endif
