/* test_metrics.c - the daemon's in-memory counters: HTTP codes in and out
 * of range, domains folded by case, the bounded domain table spilling into
 * "_other", counting from several threads at once, and label escaping of
 * hostile values. */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/metrics.h"

#define N_THREADS	8
#define N_PER_THREAD	20000

struct found {
	const char	*want;
	uint64_t	 counts[METRICS_DELIVERY__COUNT];
	int		 seen;
	int		 n_domains;
};

static void
find_domain(const char *domain, const uint64_t c[], void *ctx)
{
	struct found *f = ctx;

	f->n_domains++;
	if (strcmp(domain, f->want) == 0) {
		f->seen++;
		memcpy(f->counts, c, sizeof(f->counts));
	}
}

static struct found
lookup(const char *domain)
{
	struct found f;

	memset(&f, 0, sizeof(f));
	f.want = domain;
	metrics_delivery_each(find_domain, &f);
	return f;
}

static void
test_metrics_http_counts_codes_and_ignores_out_of_range(void **state)
{
	(void)state;
	metrics_http_count(200);
	metrics_http_count(200);
	metrics_http_count(404);
	metrics_http_count(99);
	metrics_http_count(600);
	metrics_http_count(-1);
	assert_int_equal(metrics_http_get(200), 2);
	assert_int_equal(metrics_http_get(404), 1);
	assert_int_equal(metrics_http_get(99), 0);
	assert_int_equal(metrics_http_get(600), 0);
}

static void
test_metrics_domains_fold_case(void **state)
{
	struct found f;

	(void)state;
	metrics_delivery_add("Example.NET", METRICS_DELIVERED, 2);
	metrics_delivery_add("example.net", METRICS_DEFERRED, 1);
	metrics_delivery_add("example.net", METRICS_BOUNCED, 0);	/* no-op */
	metrics_delivery_add("example.net", (enum metrics_delivery)7, 1);
	f = lookup("example.net");
	assert_int_equal(f.seen, 1);
	assert_int_equal(f.counts[METRICS_DELIVERED], 2);
	assert_int_equal(f.counts[METRICS_DEFERRED], 1);
	assert_int_equal(f.counts[METRICS_BOUNCED], 0);
}

static void
test_metrics_bad_domains_count_as_other(void **state)
{
	char huge[400];
	struct found f;

	(void)state;
	memset(huge, 'a', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	metrics_delivery_add(NULL, METRICS_BOUNCED, 1);
	metrics_delivery_add("", METRICS_BOUNCED, 1);
	metrics_delivery_add(huge, METRICS_BOUNCED, 1);
	f = lookup(METRICS_DOMAIN_OTHER);
	assert_int_equal(f.seen, 1);
	assert_true(f.counts[METRICS_BOUNCED] >= 3);
}

static void
test_metrics_domain_table_is_bounded(void **state)
{
	char name[64];
	struct found f;

	(void)state;
	for (int i = 0; i < METRICS_DOMAINS_MAX * 3; i++) {
		snprintf(name, sizeof(name), "d%d.example.org", i);
		metrics_delivery_add(name, METRICS_DELIVERED, 1);
	}
	f = lookup(METRICS_DOMAIN_OTHER);
	assert_int_equal(f.n_domains, METRICS_DOMAINS_MAX + 1);
	assert_true(f.counts[METRICS_DELIVERED] >= METRICS_DOMAINS_MAX);
	/* A domain seen before the table filled keeps its own row. */
	metrics_delivery_add("example.net", METRICS_DELIVERED, 1);
	assert_int_equal(lookup("example.net").counts[METRICS_DELIVERED], 3);
}

static void *
count_many(void *arg)
{
	(void)arg;
	for (int i = 0; i < N_PER_THREAD; i++) {
		metrics_http_count(503);
		metrics_delivery_add("example.net", METRICS_DEFERRED, 1);
		metrics_page_rendered();
	}
	return NULL;
}

static void
test_metrics_counting_from_threads_loses_nothing(void **state)
{
	pthread_t t[N_THREADS];
	uint64_t http0 = metrics_http_get(503);
	uint64_t def0 = lookup("example.net").counts[METRICS_DEFERRED];
	uint64_t pages0 = metrics_pages_rendered();

	(void)state;
	for (int i = 0; i < N_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, count_many, NULL), 0);
	for (int i = 0; i < N_THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(metrics_http_get(503) - http0,
	    N_THREADS * N_PER_THREAD);
	assert_int_equal(lookup("example.net").counts[METRICS_DEFERRED] - def0,
	    N_THREADS * N_PER_THREAD);
	assert_int_equal(metrics_pages_rendered() - pages0,
	    N_THREADS * N_PER_THREAD);
}

static void
test_metrics_label_escapes_hostile_values(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(metrics_label_append(&b, "a\"b\\c\nd} 1\n# x"), 0);
	assert_string_equal(buf_cstr(&b), "\"a\\\"b\\\\c\\nd} 1\\n# x\"");
	buf_reset(&b);
	assert_int_equal(metrics_label_append(&b, "<script>\xff"), 0);
	assert_string_equal(buf_cstr(&b), "\"<script>\xff\"");
	buf_release(&b);
	buf_init(&b, 4);
	assert_int_equal(metrics_label_append(&b, "toolong"), -1);
	assert_true(b.overflow);
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_metrics_http_counts_codes_and_ignores_out_of_range),
		cmocka_unit_test(test_metrics_domains_fold_case),
		cmocka_unit_test(test_metrics_bad_domains_count_as_other),
		cmocka_unit_test(test_metrics_domain_table_is_bounded),
		cmocka_unit_test(test_metrics_counting_from_threads_loses_nothing),
		cmocka_unit_test(test_metrics_label_escapes_hostile_values),
	};
	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
