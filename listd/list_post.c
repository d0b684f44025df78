/* list_post.c - carrying out a verdict (see list_post.h). */
#include <stdio.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/log.h"
#include "core/msg.h"
#include "core/msgstore.h"
#include "core/store_digest.h"
#include "core/store_post.h"
#include "listd/list_post.h"
#include "listd/queue.h"

static enum status
accept_post(struct post_ctx *ctx, struct post *p)
{
	struct buf out;
	enum status st;
	int64_t n = 0;

	buf_init(&out, (size_t)cfg->lmtp_max_message_size * 2 + 65536);
	if (msg_write(ctx->msg, &out) == -1) {
		st = ST_TOOBIG;
		goto out;
	}
	if ((st = msgstore_put(store_dir(ctx->ds), out.data, out.len,
	    p->out_hash)) != ST_OK)
		goto out;
	if ((st = queue_post_enqueue(ctx->ds, p->id, ctx->list->id, p->urgent,
	    cfg->batch_size, &n)) != ST_OK)
		goto out;
	if ((st = store_post_set_queued(ctx->ds, p->id, p->out_hash, n,
	    ctx->personal)) == ST_OK)
		st = store_digest_add(ctx->ds, p->id, ctx->list->id, p->size);
	p->n_rcpt = n;
out:
	buf_release(&out);
	return st;
}

enum status
list_post_act(struct post_ctx *ctx, struct post *p, const struct verdict *v)
{
	enum status st;

	switch (v->kind) {
	case VERDICT_ACCEPT:
		st = accept_post(ctx, p);
		break;
	case VERDICT_HOLD:
		if ((st = store_held_add(ctx->ds, p->id, v->reason)) == ST_EXISTS)
			st = ST_OK;	/* already held: a moderator released */
		if (st == ST_OK)
			st = store_post_set_state(ctx->ds, p->id, POST_HELD,
			    v->reason);
		break;
	case VERDICT_REJECT:
		st = store_post_set_state(ctx->ds, p->id, POST_REJECTED,
		    v->reason);
		break;
	default:
		st = store_post_set_state(ctx->ds, p->id, POST_DISCARDED,
		    v->reason);
		break;
	}
	log_info("pipeline %s district=%s list=%s msg=%s post=%lld rcpt=%lld "
	    "reason=\"%s\" st=%s", verdict_name(v->kind), ctx->district->slug,
	    ctx->list->name, p->message_id, (long long)p->id,
	    (long long)p->n_rcpt, v->reason, status_name(st));
	return st;
}

enum status
list_post_forward(struct post_ctx *ctx, struct post *p, const char *rcpts)
{
	enum status st;
	int64_t n = 0;

	snprintf(p->out_hash, sizeof(p->out_hash), "%s", p->raw_hash);
	if ((st = queue_rcpts_enqueue(ctx->ds, p->id, rcpts, 1, cfg->batch_size,
	    &n)) != ST_OK)
		return st;
	p->n_rcpt = n;
	return store_post_set_queued(ctx->ds, p->id, p->out_hash, n, 0);
}
