/* metrics.c - GET /metrics: the Prometheus text exposition format 0.0.4.
 * Gauges per district come from each district's store
 * (core/store_metrics.c); counters of this process (HTTP answers,
 * deliveries by domain, archive pages) from core/metrics.c. Who may read
 * it is decided in web/authz.c (NEED_METRICS). Every label value is
 * escaped as the format requires (backslash, double quote, newline). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/metrics.h"
#include "core/store_metrics.h"
#include "core/store_site.h"
#include "core/xmem.h"
#include "web/pages.h"

#define METRICS_DISTRICTS_MAX	10000

/* One district's figures, read before any line is written so that each
 * metric's samples follow its HELP and TYPE lines. */
struct district_row {
	char			slug[SLUG_MAX + 1];
	int			up;
	struct store_metrics	m;
};

struct metrics_walk {
	struct district_row	*rows;
	size_t			 n, cap;
};

/* The per-district metrics: name, type, help, and which field. */
struct district_metric {
	const char	*name;
	const char	*type;
	const char	*help;
	size_t		 field;		/* offset of an int64_t in store_metrics */
};

#define SM(f)	offsetof(struct store_metrics, f)

static const struct district_metric district_metrics[] = {
	{ "listd_messages_received_total", "counter",
	  "Posts received for the district's lists (every outcome).",
	  SM(received) },
	{ "listd_messages_accepted_total", "counter",
	  "Posts accepted for delivery (queued or delivered).", SM(accepted) },
	{ "listd_messages_rejected_total", "counter",
	  "Posts rejected by the pipeline or a moderator.", SM(rejected) },
	{ "listd_messages_discarded_total", "counter",
	  "Posts discarded by the pipeline or a moderator.", SM(discarded) },
	{ "listd_messages_held", "gauge",
	  "Posts waiting for a moderator now.", SM(held) },
	{ "listd_queue_batches", "gauge",
	  "Recipient batches waiting for delivery.", SM(queue_batches) },
	{ "listd_queue_recipients", "gauge",
	  "Recipients in the batches waiting for delivery.", SM(queue_rcpts) },
	{ "listd_members_bounce_disabled", "gauge",
	  "Members whose delivery bounces disabled.", SM(bounce_disabled) },
};

#define N_DISTRICT_METRICS \
	(sizeof(district_metrics) / sizeof(district_metrics[0]))

static void	head(struct buf *b, const char *name, const char *type,
		    const char *help);

static void
head(struct buf *b, const char *name, const char *type, const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
sample(struct buf *b, const char *name, const char *key, const char *value,
    long long v)
{
	buf_printf(b, "%s{%s=", name, key);
	metrics_label_append(b, value);
	buf_printf(b, "} %lld\n", v);
}

static int
read_district(const struct district *d, void *ctx)
{
	struct metrics_walk *w = ctx;
	struct district_row *row;
	struct store *ds = NULL;

	if (w->n == METRICS_DISTRICTS_MAX)
		return 1;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->rows = xrealloc(w->rows, w->cap * sizeof(*w->rows));
	}
	row = &w->rows[w->n++];
	memset(row, 0, sizeof(*row));
	snprintf(row->slug, sizeof(row->slug), "%s", d->slug);
	/* A connection of its own, not the thread's cache: a scrape walks
	 * every district and would evict the handles requests use. */
	row->up = store_district_open(cfg->home, d->slug, 0, &ds) == ST_OK &&
	    store_metrics_district(ds, &row->m) == ST_OK;
	store_close(ds);
	return 0;
}

static void
write_districts(struct buf *b, const struct metrics_walk *w, int64_t now)
{
	const char *up = "listd_district_store_up";

	head(b, up, "gauge", "1 when the district's store could be read.");
	for (size_t i = 0; i < w->n; i++)
		sample(b, up, "district", w->rows[i].slug, w->rows[i].up);
	for (size_t k = 0; k < N_DISTRICT_METRICS; k++) {
		const struct district_metric *dm = &district_metrics[k];

		head(b, dm->name, dm->type, dm->help);
		for (size_t i = 0; i < w->n; i++)
			if (w->rows[i].up)
				sample(b, dm->name, "district", w->rows[i].slug,
				    *(const int64_t *)(const void *)
				    ((const char *)&w->rows[i].m + dm->field));
	}
	head(b, "listd_queue_oldest_age_seconds", "gauge",
	    "Age of the oldest batch waiting for delivery (0: none).");
	for (size_t i = 0; i < w->n; i++)
		if (w->rows[i].up)
			sample(b, "listd_queue_oldest_age_seconds", "district",
			    w->rows[i].slug, w->rows[i].m.queue_oldest ?
			    now - w->rows[i].m.queue_oldest : 0);
	head(b, "listd_generator_last_run_timestamp_seconds", "gauge",
	    "When the last roster generator run ended (Unix time).");
	for (size_t i = 0; i < w->n; i++)
		if (w->rows[i].up && w->rows[i].m.has_run)
			sample(b, "listd_generator_last_run_timestamp_seconds",
			    "district", w->rows[i].slug,
			    w->rows[i].m.run_finished);
	head(b, "listd_generator_last_run_success", "gauge",
	    "1 when the last generator run applied (or dry-ran) with no list "
	    "refused by the removal guard or in error, else 0.");
	for (size_t i = 0; i < w->n; i++)
		if (w->rows[i].up && w->rows[i].m.has_run)
			sample(b, "listd_generator_last_run_success", "district",
			    w->rows[i].slug, w->rows[i].m.run_ok);
}

static const char *const delivery_names[METRICS_DELIVERY__COUNT] = {
	"listd_deliveries_total", "listd_deferrals_total",
	"listd_delivery_bounces_total",
};

struct delivery_walk {
	struct buf	*b;
	int		 kind;
};

static void
delivery_row(const char *domain, const uint64_t counts[], void *ctx)
{
	struct delivery_walk *dw = ctx;

	sample(dw->b, delivery_names[dw->kind], "domain", domain,
	    (long long)counts[dw->kind]);
}

static void
write_process(struct buf *b)
{
	static const char *const help[METRICS_DELIVERY__COUNT] = {
		"Recipients the relay accepted, by destination domain.",
		"Recipients deferred (temporary failure), by destination "
		"domain.",
		"Recipients refused for good, by destination domain.",
	};
	struct delivery_walk dw = { b, 0 };

	head(b, "listd_http_requests_total", "counter",
	    "HTTP requests answered by this process, by status code.");
	for (int code = 100; code <= 599; code++) {
		uint64_t n = metrics_http_get(code);

		if (n)
			buf_printf(b, "listd_http_requests_total{code=\"%d\"} "
			    "%llu\n", code, (unsigned long long)n);
	}
	for (dw.kind = 0; dw.kind < METRICS_DELIVERY__COUNT; dw.kind++) {
		head(b, delivery_names[dw.kind], "counter", help[dw.kind]);
		metrics_delivery_each(delivery_row, &dw);
	}
	head(b, "listd_archive_pages_rendered_total", "counter",
	    "Archive pages, feeds and mbox files rendered by this process.");
	buf_printf(b, "listd_archive_pages_rendered_total %llu\n",
	    (unsigned long long)metrics_pages_rendered());
}

void
page_metrics(struct req *r)
{
	struct metrics_walk w = { NULL, 0, 0 };
	enum status st;

	buf_reset(&r->out);
	st = store_district_each(r->site, read_district, &w);
	if (st != ST_OK) {
		xfree(w.rows);
		req_fail(r, st, "The site store is not available.");
		return;
	}
	write_districts(&r->out, &w, store_now());
	write_process(&r->out);
	xfree(w.rows);
	if (r->out.overflow) {
		req_fail(r, ST_TOOBIG, "The metrics are too large.");
		return;
	}
	r->ctype = "text/plain; version=0.0.4; charset=utf-8";
	r->http = 200;
}
