/* metrics.c - in-memory counters for /metrics (see metrics.h). Every
 * counter is a relaxed atomic: the values are statistics, not
 * synchronisation. The domain table is open addressing over a fixed array;
 * a slot is claimed once with compare-and-swap and never released, so
 * readers need no lock either. */
#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "core/addr.h"
#include "core/metrics.h"

#define HTTP_MIN	100
#define HTTP_MAX	599

enum { SLOT_EMPTY, SLOT_CLAIMING, SLOT_READY };

struct domain_slot {
	atomic_int		state;
	char			name[ADDR_DOMAIN_MAX + 1];	/* set once */
	atomic_uint_least64_t	counts[METRICS_DELIVERY__COUNT];
};

static atomic_uint_least64_t http_counts[HTTP_MAX - HTTP_MIN + 1];
static atomic_uint_least64_t pages_rendered;
/* One spare slot past the table: "_other". */
static struct domain_slot domains[METRICS_DOMAINS_MAX + 1];

static struct domain_slot *domain_slot(const char *domain);

void
metrics_http_count(int code)
{
	if (code >= HTTP_MIN && code <= HTTP_MAX)
		atomic_fetch_add_explicit(&http_counts[code - HTTP_MIN], 1,
		    memory_order_relaxed);
}

uint64_t
metrics_http_get(int code)
{
	if (code < HTTP_MIN || code > HTTP_MAX)
		return 0;
	return atomic_load_explicit(&http_counts[code - HTTP_MIN],
	    memory_order_relaxed);
}

/* FNV-1a over the lower-cased name. */
static unsigned
domain_hash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 16777619u;
	return h;
}

/* The slot counting domain: found, claimed, or the "_other" slot when the
 * table is full, the name is unusable, or another thread is mid-claim. */
static struct domain_slot *
domain_slot(const char *domain)
{
	struct domain_slot *other = &domains[METRICS_DOMAINS_MAX];
	unsigned h;
	size_t len;

	if (domain == NULL || (len = strlen(domain)) == 0 ||
	    len > ADDR_DOMAIN_MAX)
		return other;
	h = domain_hash(domain);
	for (unsigned i = 0; i < METRICS_DOMAINS_MAX; i++) {
		struct domain_slot *s = &domains[(h + i) % METRICS_DOMAINS_MAX];
		int state = atomic_load_explicit(&s->state,
		    memory_order_acquire);

		if (state == SLOT_EMPTY) {
			int want = SLOT_EMPTY;

			if (!atomic_compare_exchange_strong(&s->state, &want,
			    SLOT_CLAIMING)) {
				i--;	/* lost the race: look at it again */
				continue;
			}
			for (size_t k = 0; k <= len; k++)
				s->name[k] = (char)tolower(
				    (unsigned char)domain[k]);
			atomic_store_explicit(&s->state, SLOT_READY,
			    memory_order_release);
			return s;
		}
		if (state == SLOT_CLAIMING)
			return other;	/* rare; never wait */
		if (strcasecmp(s->name, domain) == 0)
			return s;
	}
	return other;
}

void
metrics_delivery_add(const char *domain, enum metrics_delivery kind,
    uint64_t n)
{
	if ((int)kind < 0 || kind >= METRICS_DELIVERY__COUNT || n == 0)
		return;
	atomic_fetch_add_explicit(&domain_slot(domain)->counts[kind], n,
	    memory_order_relaxed);
}

void
metrics_delivery_each(void (*fn)(const char *,
    const uint64_t[METRICS_DELIVERY__COUNT], void *), void *ctx)
{
	for (int i = 0; i <= METRICS_DOMAINS_MAX; i++) {
		struct domain_slot *s = &domains[i];
		uint64_t c[METRICS_DELIVERY__COUNT];
		int any = 0;

		if (i < METRICS_DOMAINS_MAX && atomic_load_explicit(&s->state,
		    memory_order_acquire) != SLOT_READY)
			continue;
		for (int k = 0; k < METRICS_DELIVERY__COUNT; k++)
			any |= (c[k] = atomic_load_explicit(&s->counts[k],
			    memory_order_relaxed)) != 0;
		if (i < METRICS_DOMAINS_MAX || any)
			fn(i < METRICS_DOMAINS_MAX ? s->name :
			    METRICS_DOMAIN_OTHER, c, ctx);
	}
}

void
metrics_page_rendered(void)
{
	atomic_fetch_add_explicit(&pages_rendered, 1, memory_order_relaxed);
}

uint64_t
metrics_pages_rendered(void)
{
	return atomic_load_explicit(&pages_rendered, memory_order_relaxed);
}

int
metrics_label_append(struct buf *b, const char *value)
{
	int rc = buf_append_str(b, "\"");

	for (const char *p = value; *p && rc == 0; p++) {
		if (*p == '\\')
			rc = buf_append_str(b, "\\\\");
		else if (*p == '"')
			rc = buf_append_str(b, "\\\"");
		else if (*p == '\n')
			rc = buf_append_str(b, "\\n");
		else
			rc = buf_append(b, p, 1);
	}
	return rc == 0 ? buf_append_str(b, "\"") : -1;
}
