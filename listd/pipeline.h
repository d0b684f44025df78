/* pipeline.h - the posting pipeline: each step is a small function with one
 * verdict; pipeline_run() runs them in order and stops at the first that is
 * not "accept, go on". */
#ifndef LISTD_PIPELINE_H
#define LISTD_PIPELINE_H

#include "listd/post.h"

/* A step returns 1 to let the post go on, or 0 with *v set. */
typedef int (*pipeline_step_fn)(struct post_ctx *, struct verdict *);

/* Run every step on ctx (whose msg is parsed). On accept, ctx->msg has been
 * rewritten for delivery (list headers, prefix, footer, From policy). */
void	pipeline_run(struct post_ctx *ctx, struct verdict *v);

/* The steps, one per file. */
int	step_loop(struct post_ctx *, struct verdict *);
int	step_sender(struct post_ctx *, struct verdict *);
int	step_content(struct post_ctx *, struct verdict *);
int	step_headers(struct post_ctx *, struct verdict *);

#endif
