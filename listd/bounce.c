/* bounce.c - bounce scoring, disabling and probing (see bounce.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/store_list.h"
#include "core/store_member.h"
#include "core/store_sub.h"
#include "core/token.h"
#include "core/unsub.h"
#include "listd/bounce.h"
#include "listd/bounce_parse.h"
#include "core/notice.h"

double
bounce_decayed(const struct bounce_state *b, int64_t now)
{
	double age = (double)(now - b->updated);

	if (b->score <= 0 || age <= 0)
		return b->score;
	return b->score * pow(0.5, age / BOUNCE_HALF_LIFE);
}

/* One more permanent failure for member m; disable past the threshold. */
static enum status
score_member(struct post_ctx *ctx, const struct member *m,
    const struct bounce_rcpt *r)
{
	struct notice_vars v = { m->address, "", "", r->diag, "" };
	struct bounce_state b;
	int64_t now = store_now();
	enum status st;

	if ((st = store_bounce_get(ctx->ds, m->id, &b)) != ST_OK)
		return st;
	b.score = bounce_decayed(&b, now) + 1.0;
	b.updated = now;
	if (b.disabled_at == 0 && b.score >= BOUNCE_THRESHOLD) {
		b.disabled_at = now;
		log_info("bounce disable district=%s list=%s member=%s score=%.1f",
		    ctx->district->slug, ctx->list->name, m->address, b.score);
		if ((st = notice_send_owners(ctx->ds, ctx->district, ctx->list, 0,
		    "bounce-disabled", &v)) != ST_OK)
			return st;
	}
	return store_bounce_put(ctx->ds, &b);
}

/* A bounce to a probe's VERP address: the member is gone for good. */
static enum status
probe_bounced(struct post_ctx *ctx, const char *token, struct verdict *v)
{
	struct pending pd;
	enum status st;

	if (!token_shape_ok(token, TOKEN_LEN) ||
	    store_pending_take(ctx->ds, token, store_now(), &pd) != ST_OK ||
	    strcmp(pd.action, "probe") != 0)
		return verdict_set(v, VERDICT_DISCARD, ST_OK,
		    "bounce with an unknown token"), ST_OK;
	st = store_member_remove(ctx->ds, pd.list_id, pd.address);
	log_info("bounce probe-failed district=%s list=%s member=%s removed=%s",
	    ctx->district->slug, ctx->list->name, pd.address,
	    st == ST_OK ? "yes" : "no");
	verdict_set(v, VERDICT_DISCARD, ST_OK, "probe bounced: %s removed",
	    pd.address);
	return st == ST_NOTFOUND ? ST_OK : st;
}

enum status
bounce_handle(struct post_ctx *ctx, struct post *p, const struct listaddr *la,
    struct verdict *v)
{
	struct bounce_report *rep = NULL;
	struct member m;
	enum status st;
	int n_scored = 0;

	(void)p;
	if ((st = bounce_parse(ctx->raw, ctx->raw_len, &rep)) != ST_OK)
		return verdict_set(v, VERDICT_DISCARD, ST_OK,
		    "bounce could not be read"), ST_OK;
	if (la->token[0] == 'm' && strchr(la->token, '-') != NULL) {
		/* VERP: the address itself names the member ("m<id>-<sig>";
		 * probe tokens are plain base32 and never hold a '-'). */
		int64_t id = unsub_verp_member(la->token, ctx->district->slug,
		    ctx->list->id);
		static const struct bounce_rcpt none;

		if (id && rep->verdict == BOUNCE_PERMANENT &&
		    store_member_get_id(ctx->ds, id, &m) == ST_OK &&
		    m.list_id == ctx->list->id) {
			st = score_member(ctx, &m, rep->n_rcpts ? &rep->rcpts[0] :
			    &none);
			n_scored = 1;
		}
		if (id)
			verdict_set(v, VERDICT_DISCARD, ST_OK, "bounce (%s, VERP): "
			    "%d members scored", bounce_verdict_name(rep->verdict),
			    n_scored);
		else
			verdict_set(v, VERDICT_DISCARD, ST_OK,
			    "bounce with an unknown token");
		bounce_report_free(rep);
		return st;
	}
	if (la->token[0] && rep->verdict == BOUNCE_PERMANENT) {
		bounce_report_free(rep);
		return probe_bounced(ctx, la->token, v);
	}
	for (size_t i = 0; i < rep->n_rcpts && st == ST_OK; i++) {
		const struct bounce_rcpt *r = &rep->rcpts[i];

		if (r->is_temporary || store_member_get(ctx->ds, ctx->list->id,
		    r->addr, &m) != ST_OK)
			continue;
		st = score_member(ctx, &m, r);
		n_scored++;
	}
	verdict_set(v, VERDICT_DISCARD, ST_OK, "bounce (%s): %d members scored",
	    bounce_verdict_name(rep->verdict), n_scored);
	bounce_report_free(rep);
	return st;
}

#define MAINTAIN_MAX	200

struct disabled {
	struct bounce_state	b[MAINTAIN_MAX];
	int			n;
};

static int
collect(const struct bounce_state *b, void *arg)
{
	struct disabled *dd = arg;

	dd->b[dd->n++] = *b;
	return dd->n == MAINTAIN_MAX;
}

/* Send member m a probe whose bounce, through a VERP address with a token,
 * names them. */
static enum status
send_probe(struct store *ds, const struct district *d, const struct list *l,
    const struct member *m, struct bounce_state *b, int64_t now)
{
	struct notice_vars v = { m->address, "", "", "", "" };
	char verp[ADDR_MAX + 1];
	struct pending pd;
	enum status st;

	memset(&pd, 0, sizeof(pd));
	token_random(pd.token);
	pd.list_id = l->id;
	snprintf(pd.address, sizeof(pd.address), "%s", m->address);
	snprintf(pd.action, sizeof(pd.action), "probe");
	pd.expires = now + BOUNCE_PROBE_WAIT;
	if ((st = store_pending_add(ds, &pd)) != ST_OK)
		return st;
	snprintf(verp, sizeof(verp), "%s-bounces+%s@%s", l->name, pd.token,
	    d->domain);
	if ((st = notice_send(ds, d, l, m->address, "bounce-probe", &v, verp))
	    != ST_OK)
		return st;
	b->probes++;
	b->last_probe = now;
	return store_bounce_put(ds, b);
}

static int
maintain_one(struct store *ds, const struct district *d, struct bounce_state *b,
    int64_t now)
{
	struct member m;
	struct list l;

	if (store_member_get_id(ds, b->member_id, &m) != ST_OK ||
	    store_list_get_id(ds, m.list_id, &l) != ST_OK)
		return 0;
	if (b->probes == 0 && now - b->disabled_at >= BOUNCE_PROBE_AFTER)
		return send_probe(ds, d, &l, &m, b, now) == ST_OK;
	if (b->probes > 0 && now - b->last_probe >= BOUNCE_PROBE_WAIT) {
		/* The probe did not bounce: the address works again. */
		b->disabled_at = 0;
		b->score = 0;
		b->probes = 0;
		b->updated = now;
		log_info("bounce enable district=%s list=%s member=%s", d->slug,
		    l.name, m.address);
		return store_bounce_put(ds, b) == ST_OK;
	}
	return 0;
}

int
bounce_maintain(struct store *ds, const struct district *d)
{
	static __thread struct disabled dd;
	int64_t now = store_now();
	int done = 0;

	dd.n = 0;
	if (store_bounce_each_disabled(ds, collect, &dd) != ST_OK || dd.n == 0)
		return 0;
	if (store_begin(ds) != ST_OK)
		return 0;
	for (int i = 0; i < dd.n; i++)
		done += maintain_one(ds, d, &dd.b[i], now);
	if (store_commit(ds) != ST_OK)
		return 0;
	return done;
}
