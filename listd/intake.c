/* intake.c - from received bytes to a committed post (see intake.h). The
 * pipeline runs before the reply so every policy decision is an SMTP reply
 * (P2); the raw message and its record are durable before the pipeline runs
 * so a crash loses nothing and a poison message is counted (P1, P5). */
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/fault.h"
#include "core/log.h"
#include "core/msg.h"
#include "core/msgpack.h"
#include "core/msgstore.h"
#include "core/spool.h"
#include "core/store_list.h"
#include "core/store_member.h"
#include "core/store_site.h"
#include "core/xmem.h"
#include "listd/intake.h"
#include "listd/bounce.h"
#include "listd/command.h"
#include "listd/list_post.h"
#include "listd/pipeline.h"
#include "listd/queue.h"

static enum status use_district(struct intake *, const char *);

void
intake_init(struct intake *in, const char *home)
{
	memset(in, 0, sizeof(*in));
	in->home = home;
}

void
intake_release(struct intake *in)
{
	store_close(in->ds);
	store_close(in->site);
	in->ds = in->site = NULL;
}

static enum status
use_district(struct intake *in, const char *slug)
{
	enum status st;

	if (in->ds && strcmp(in->ds_slug, slug) == 0)
		return ST_OK;
	store_close(in->ds);
	in->ds = NULL;
	if ((st = store_district_open(in->home, slug, 0, &in->ds)) == ST_OK) {
		snprintf(in->ds_slug, sizeof(in->ds_slug), "%s", slug);
		/* each post asks whether its bytes are stored: from memory */
		msgpack_preload(store_dir(in->ds));
	}
	return st;
}

enum status
intake_rcpt_check(struct intake *in, const char *address,
    struct intake_rcpt *out, char *why, size_t why_len)
{
	const char *reason;
	enum status st;

	memset(out, 0, sizeof(*out));
	if (addr_normalize(address, out->address, sizeof(out->address),
	    &reason) == -1)
		return snprintf(why, why_len, "bad recipient: %s", reason), ST_DATA;
	if (listaddr_parse(out->address, &out->la) == -1)
		return snprintf(why, why_len, "no such list"), ST_NOTFOUND;
	if (in->site == NULL && (st = store_site_open(in->home, &in->site)) != ST_OK)
		return snprintf(why, why_len, "store unavailable"), ST_TEMP;
	st = store_district_by_domain(in->site, out->la.domain, &out->district);
	if (st != ST_OK)
		return snprintf(why, why_len, st == ST_NOTFOUND ?
		    "no such domain here" : "store unavailable"), st;
	if ((st = use_district(in, out->district.slug)) != ST_OK)
		return snprintf(why, why_len, "store unavailable"), ST_TEMP;
	st = store_list_get(in->ds, out->la.list, &out->list);
	if (st != ST_OK)
		return snprintf(why, why_len, st == ST_NOTFOUND ?
		    "no such list" : "store unavailable"), st;
	return ST_OK;
}

long
intake_size_limit(const struct intake_rcpt *r)
{
	long site = cfg->lmtp_max_message_size;

	return r->list.max_size > 0 && r->list.max_size < site ?
	    r->list.max_size : site;
}

struct owners {
	struct buf	rcpts;
};

static int
add_owner(const struct member *m, void *ctx)
{
	struct owners *o = ctx;

	if (o->rcpts.len)
		buf_append(&o->rcpts, "\n", 1);
	buf_append_str(&o->rcpts, m->address);
	return 0;
}

/* list-owner@ mail goes as it is to the list's owners. */
static enum status
forward_to_owners(struct post_ctx *ctx, struct post *p, struct verdict *v)
{
	struct member_filter f;
	struct owners o;
	enum status st;

	member_filter_all(&f);
	f.role = ROLE_OWNER;
	buf_init(&o.rcpts, 1 << 20);
	st = store_member_each(ctx->ds, ctx->list->id, &f, add_owner, &o);
	if (st == ST_OK && o.rcpts.len == 0) {
		verdict_set(v, VERDICT_DISCARD, ST_OK, "the list has no owner");
		st = list_post_act(ctx, p, v);
	} else if (st == ST_OK) {
		verdict_set(v, VERDICT_ACCEPT, ST_OK, "forwarded to the owners");
		st = list_post_forward(ctx, p, buf_cstr(&o.rcpts));
	}
	buf_release(&o.rcpts);
	return st;
}

/* Run the pipeline on post p and carry out its verdict in one transaction
 * (the second of intake; the first recorded p). */
static enum status
judge(struct post_ctx *ctx, struct post *p, struct verdict *v)
{
	struct listaddr la;
	enum status st;

	fault_crash("pipeline.run");
	if (listaddr_parse(p->rcpt, &la) == -1)
		la.kind = LISTADDR_POST;
	if ((st = store_begin(ctx->ds)) != ST_OK)
		return st;
	switch (la.kind) {
	case LISTADDR_POST:
		pipeline_run(ctx, v);
		st = list_post_act(ctx, p, v);
		break;
	case LISTADDR_OWNER:
		st = forward_to_owners(ctx, p, v);
		break;
	case LISTADDR_BOUNCES:
		if ((st = bounce_handle(ctx, p, &la, v)) == ST_OK)
			st = list_post_act(ctx, p, v);
		break;
	default:
		if ((st = command_handle(ctx, p, &la, v)) == ST_OK)
			st = list_post_act(ctx, p, v);
		break;
	}
	if (st == ST_OK && fault_hit("intake.commit"))
		st = ST_TEMP;
	if (st != ST_OK) {
		store_rollback(ctx->ds);
		return st;
	}
	return store_commit(ctx->ds);
}

/* Fill the pipeline context for post p from the parsed message. */
static void
ctx_init(struct post_ctx *ctx, struct store *ds, const struct district *d,
    const struct list *l, GMimeMessage *msg, const char *raw, size_t len,
    const char *sender)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->ds = ds;
	ctx->district = d;
	ctx->list = l;
	ctx->msg = msg;
	ctx->raw = raw;
	ctx->raw_len = len;
	ctx->envelope_sender = sender;
	if (msg_from(msg, ctx->author, ctx->author_name,
	    sizeof(ctx->author_name)) == -1)
		snprintf(ctx->author, sizeof(ctx->author), "%s", sender);
}

/* Copy a header value into a bounded field, one line. */
static void
copy_line(char *dst, size_t dst_len, const char *src)
{
	snprintf(dst, dst_len, "%s", src ? src : "");
	for (char *p = dst; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
}

/* What to answer when the same post was taken in before (P7). */
static enum status
reply_seen(const struct post *p, char *text, size_t text_len)
{
	switch (p->state) {
	case POST_RECEIVED:
		snprintf(text, text_len, "the same message is being processed");
		return ST_TEMP;
	case POST_REJECTED:
		snprintf(text, text_len, "%s", p->reason);
		return ST_DENIED;
	default:
		snprintf(text, text_len, "already taken in as post %lld (%s)",
		    (long long)p->id, post_state_name(p->state));
		return ST_OK;
	}
}

static enum status
reply_verdict(const struct verdict *v, const struct post *p, char *text,
    size_t text_len)
{
	switch (v->kind) {
	case VERDICT_ACCEPT:
		snprintf(text, text_len, "accepted as post %lld for %lld "
		    "recipients", (long long)p->id, (long long)p->n_rcpt);
		return ST_OK;
	case VERDICT_HOLD:
		snprintf(text, text_len, "held for moderation: %s", v->reason);
		return ST_OK;
	case VERDICT_DISCARD:
		snprintf(text, text_len, "accepted: %s", v->reason);
		return ST_OK;
	default:
		snprintf(text, text_len, "%s", v->reason);
		return v->status == ST_OK ? ST_DENIED : v->status;
	}
}

/* Record p as received (first transaction; P1 with the spool write). */
static enum status
record(struct store *ds, struct post *p)
{
	enum status st;

	if ((st = store_begin(ds)) != ST_OK)
		return st;
	if ((st = store_post_add(ds, p)) != ST_OK) {
		store_rollback(ds);
		return st;
	}
	if (fault_hit("intake.record")) {
		store_rollback(ds);
		return ST_TEMP;
	}
	return store_commit(ds);
}

static void
post_init(struct post *p, const struct intake_rcpt *r, GMimeMessage *msg,
    const char *sender, const char *author, size_t len)
{
	memset(p, 0, sizeof(*p));
	p->list_id = r->list.id;
	snprintf(p->kind, sizeof(p->kind), "%s", listaddr_kind_name(r->la.kind));
	snprintf(p->rcpt, sizeof(p->rcpt), "%s", r->address);
	copy_line(p->sender, sizeof(p->sender), sender);
	copy_line(p->author, sizeof(p->author), author);
	copy_line(p->subject, sizeof(p->subject),
	    g_mime_message_get_subject(msg));
	p->size = (int64_t)len;
	p->state = POST_RECEIVED;
	p->attempts = 1;
}

/* Give the message a Message-ID when it has none: derived from its bytes,
 * so the MTA delivering it again yields the same one (P7). */
static void
ensure_message_id(GMimeMessage *msg, struct post *p, const char *domain)
{
	const char *id = msg_message_id(msg);
	char made[POST_MSGID_MAX + 1];

	if (id == NULL || strlen(id) > POST_MSGID_MAX) {
		snprintf(made, sizeof(made), "listd.%.32s@%s", p->raw_hash, domain);
		g_mime_message_set_message_id(msg, made);
		id = made;
	}
	copy_line(p->message_id, sizeof(p->message_id), id);
}

enum status
intake_deliver(struct intake *in, const struct intake_rcpt *r,
    const char *sender, const char *raw, size_t len, char *text,
    size_t text_len)
{
	GMimeMessage *msg = NULL;
	struct post_ctx ctx;
	struct post p, seen;
	struct verdict v;
	enum status st;

	snprintf(text, text_len, "temporary failure, try again later");
	if (!spool_disk_ok(in->home, cfg->min_free_disk_percent)) {
		snprintf(text, text_len, "disk nearly full, try again later");
		return ST_NOSPACE;	/* P6 */
	}
	if ((long)len > intake_size_limit(r)) {
		snprintf(text, text_len, "message too big for this list");
		return ST_TOOBIG;
	}
	if ((st = use_district(in, r->district.slug)) != ST_OK)
		return ST_TEMP;
	if ((msg = msg_parse(raw, len)) == NULL) {
		snprintf(text, text_len, "the message cannot be parsed");
		return ST_DATA;
	}
	ctx_init(&ctx, in->ds, &r->district, &r->list, msg, raw, len, sender);
	post_init(&p, r, msg, sender, ctx.author, len);
	p.urgent = in->urgent;
	/* P1: the raw message is on disk before anything refers to it. */
	if ((st = msgstore_put(store_dir(in->ds), raw, len, p.raw_hash)) != ST_OK)
		goto out;
	ensure_message_id(msg, &p, r->district.domain);
	msg_body_hash(raw, len, p.body_hash);
	st = store_post_seen(in->ds, r->list.id, p.message_id, p.body_hash,
	    store_now() - INTAKE_SEEN_WINDOW, &seen);
	if (st == ST_OK) {
		st = reply_seen(&seen, text, text_len);
		goto out;
	}
	if (st != ST_NOTFOUND || (st = record(in->ds, &p)) != ST_OK)
		goto out;
	if ((st = judge(&ctx, &p, &v)) != ST_OK) {
		/* Nothing was answered yet: forget the record so the MTA's
		 * retry starts afresh. */
		(void)store_post_delete(in->ds, p.id);
		goto out;
	}
	queue_notify();
	st = reply_verdict(&v, &p, text, text_len);
out:
	if (st != ST_OK && status_is_temp(st))
		log_warnx("intake tempfail district=%s list=%s st=%s",
		    r->district.slug, r->list.name, status_name(st));
	g_object_unref(msg);
	return st;
}

struct recovery {
	const char	*home;
	int		 n_recovered;
	int		 n_quarantined;
	int64_t		*ids;		/* posts found in state received */
	int		 n_ids;
};

#define RECOVERY_MAX	100000

static int
collect_post(const struct post *p, void *arg)
{
	struct recovery *rc = arg;

	rc->ids[rc->n_ids++] = p->id;
	return rc->n_ids == RECOVERY_MAX;
}

static void
quarantine(struct store *ds, const struct district *d, const struct post *p,
    const char *why)
{
	store_post_set_state(ds, p->id, POST_QUARANTINED, why);
	log_warnx("intake quarantine district=%s msg=%s post=%lld attempts=%d "
	    "alert=\"%s\"", d->slug, p->message_id, (long long)p->id,
	    p->attempts, why);
}

enum status
intake_rerun(struct store *ds, const struct district *d, struct post *p,
    int moderated, struct verdict *v)
{
	struct post_ctx ctx;
	struct list l;
	GMimeMessage *msg = NULL;
	char *raw = NULL;
	size_t len;
	enum status st;

	if ((st = store_list_get_id(ds, p->list_id, &l)) != ST_OK)
		return st;
	if ((st = msgstore_get(store_dir(ds), p->raw_hash, (size_t)1 << 30,
	    &raw, &len)) != ST_OK)
		return st;
	if ((msg = msg_parse(raw, len)) == NULL) {
		xfree(raw);
		return ST_DATA;
	}
	ctx_init(&ctx, ds, d, &l, msg, raw, len, p->sender);
	ctx.skip_sender_policy = moderated;
	st = judge(&ctx, p, v);
	g_object_unref(msg);
	xfree(raw);
	if (st == ST_OK)
		queue_notify();
	return st;
}

/* Finish or quarantine one post left in state received. */
static void
recover_post(struct recovery *rc, struct store *ds, const struct district *d,
    int64_t id)
{
	struct verdict v;
	struct post p;
	enum status st;

	if (store_post_attempt(ds, id, &p.attempts) != ST_OK ||
	    store_post_get(ds, id, &p) != ST_OK)
		return;
	if (p.attempts > INTAKE_MAX_RECOVERIES) {
		quarantine(ds, d, &p, "poison message: the pipeline crashed on "
		    "it repeatedly");
		rc->n_quarantined++;
		return;
	}
	st = intake_rerun(ds, d, &p, 0, &v);
	if (st == ST_DATA || st == ST_NOTFOUND) {
		quarantine(ds, d, &p, "the spooled message cannot be read");
		rc->n_quarantined++;
	} else if (st == ST_OK)
		rc->n_recovered++;
}

static int
recover_district(const struct district *d, void *arg)
{
	struct recovery *rc = arg;
	struct store *ds;

	if (store_district_open(rc->home, d->slug, 0, &ds) != ST_OK)
		return 0;
	rc->n_ids = 0;
	(void)store_post_each_state(ds, POST_RECEIVED, 0, collect_post, rc);
	for (int i = 0; i < rc->n_ids; i++)
		recover_post(rc, ds, d, rc->ids[i]);
	store_close(ds);
	return 0;
}

void
intake_recover_all(const char *home, int *n_recovered, int *n_quarantined)
{
	struct recovery rc;
	struct store *site;

	memset(&rc, 0, sizeof(rc));
	rc.home = home;
	rc.ids = xcalloc(RECOVERY_MAX, sizeof(*rc.ids));
	if (store_site_open(home, &site) == ST_OK) {
		(void)store_district_each(site, recover_district, &rc);
		store_close(site);
	}
	xfree(rc.ids);
	*n_recovered = rc.n_recovered;
	*n_quarantined = rc.n_quarantined;
}
