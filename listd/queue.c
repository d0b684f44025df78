/* queue.c - building recipient batches and waking the delivery workers
 * (see queue.h). Batches hold addresses newline-separated; the post's body
 * is stored once in the msgstore and shared by all of them. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/store_member.h"
#include "core/store_queue.h"
#include "listd/queue.h"

#define RCPT_BUF_MAX	(1000 * (ADDR_MAX + 1) + 1)

/* The wake-up: the mutex guards the generation counter only. */
static pthread_mutex_t wake_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cv = PTHREAD_COND_INITIALIZER;
static unsigned long wake_gen;

struct builder {
	struct store	*ds;
	int64_t		 post_id;
	int		 urgent;
	int		 batch_size;
	char		 domain[ADDR_DOMAIN_MAX + 1];
	struct buf	 cur;		/* this domain's recipients */
	int		 n_cur;
	struct buf	 mixed;		/* small domains together */
	int		 n_mixed;
	int64_t		 total;
	enum status	 st;
};

static void
flush(struct builder *b, struct buf *rcpts, int *n, const char *domain)
{
	if (*n == 0 || b->st != ST_OK)
		return;
	b->st = store_batch_add(b->ds, b->post_id, domain, buf_cstr(rcpts), *n,
	    b->urgent);
	b->total += *n;
	buf_reset(rcpts);
	*n = 0;
}

/* The current domain ends: a big enough group is its own batch, a small one
 * joins the mixed batch. */
static void
domain_done(struct builder *b)
{
	if (b->n_cur >= QUEUE_MIN_DOMAIN_BATCH) {
		flush(b, &b->cur, &b->n_cur, b->domain);
		return;
	}
	if (b->n_cur == 0)
		return;
	if (b->n_mixed + b->n_cur > b->batch_size)
		flush(b, &b->mixed, &b->n_mixed, "*");
	if (b->mixed.len)
		buf_append(&b->mixed, "\n", 1);
	buf_append(&b->mixed, b->cur.data, b->cur.len);
	b->n_mixed += b->n_cur;
	buf_reset(&b->cur);
	b->n_cur = 0;
}

static void
add_rcpt(struct builder *b, const char *address)
{
	if (b->cur.len)
		buf_append(&b->cur, "\n", 1);
	buf_append_str(&b->cur, address);
	if (++b->n_cur == b->batch_size)
		flush(b, &b->cur, &b->n_cur, b->domain);
}

static int
on_member(const char *address, const char *domain, void *ctx)
{
	struct builder *b = ctx;

	if (strcmp(domain, b->domain) != 0) {
		domain_done(b);
		snprintf(b->domain, sizeof(b->domain), "%s", domain);
	}
	add_rcpt(b, address);
	return b->st != ST_OK;
}

static void
builder_init(struct builder *b, struct store *ds, int64_t post_id, int urgent,
    int batch_size)
{
	memset(b, 0, sizeof(*b));
	b->ds = ds;
	b->post_id = post_id;
	b->urgent = urgent;
	b->batch_size = batch_size;
	b->st = ST_OK;
	buf_init(&b->cur, RCPT_BUF_MAX);
	buf_init(&b->mixed, RCPT_BUF_MAX);
}

static enum status
builder_finish(struct builder *b, int64_t *n_rcpt)
{
	domain_done(b);
	flush(b, &b->mixed, &b->n_mixed, "*");
	buf_release(&b->cur);
	buf_release(&b->mixed);
	*n_rcpt = b->total;
	return b->st;
}

enum status
queue_post_enqueue(struct store *ds, int64_t post_id, int64_t list_id,
    int urgent, int batch_size, int64_t *n_rcpt)
{
	struct builder b;
	enum status st;

	builder_init(&b, ds, post_id, urgent, batch_size);
	st = store_member_each_recipient(ds, list_id, on_member, &b);
	if (st != ST_OK)
		b.st = st;
	return builder_finish(&b, n_rcpt);
}

enum status
queue_rcpts_enqueue(struct store *ds, int64_t post_id, const char *rcpts,
    int urgent, int batch_size, int64_t *n_rcpt)
{
	struct builder b;
	const char *p = rcpts;

	builder_init(&b, ds, post_id, urgent, batch_size);
	snprintf(b.domain, sizeof(b.domain), "*");
	while (*p && b.st == ST_OK) {
		size_t n = strcspn(p, "\n");
		char addr[ADDR_MAX + 1];

		if (n > 0 && n <= ADDR_MAX) {
			memcpy(addr, p, n);
			addr[n] = '\0';
			add_rcpt(&b, addr);
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	flush(&b, &b.cur, &b.n_cur, "*");
	return builder_finish(&b, n_rcpt);
}

void
queue_notify(void)
{
	pthread_mutex_lock(&wake_mu);
	wake_gen++;
	pthread_cond_broadcast(&wake_cv);
	pthread_mutex_unlock(&wake_mu);
}

void
queue_wait(int ms)
{
	struct timespec ts;
	unsigned long gen;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&wake_mu);
	gen = wake_gen;
	while (gen == wake_gen)
		if (pthread_cond_timedwait(&wake_cv, &wake_mu, &ts) != 0)
			break;
	pthread_mutex_unlock(&wake_mu);
}

int64_t
queue_backoff(int failures, int retry_min, int retry_max)
{
	int64_t d = retry_min;

	for (int i = 1; i < failures && d < retry_max; i++)
		d *= 2;
	return d < retry_max ? d : retry_max;
}
