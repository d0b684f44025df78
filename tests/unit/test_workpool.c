/* test_workpool.c - the worker pool runs every item of a job exactly once,
 * job after job, overlapping the caller; with no threads it runs inline. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <string.h>
#include <cmocka.h>

#include "core/workpool.h"

#define N	1000

struct job {
	atomic_int	hits[N];
	atomic_int	total;
};

static void
count(void *ctx, int i)
{
	struct job *j = ctx;

	atomic_fetch_add(&j->hits[i], 1);
	atomic_fetch_add(&j->total, 1);
}

static void
check_once(struct job *j, int n)
{
	assert_int_equal(atomic_load(&j->total), n);
	for (int i = 0; i < n; i++)
		assert_int_equal(atomic_load(&j->hits[i]), 1);
}

static void
test_workpool_each_item_once(void **state)
{
	struct workpool *p = workpool_new(2);
	static struct job a, b;

	(void)state;
	assert_non_null(p);
	for (int round = 0; round < 50; round++) {
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		workpool_start(p, N, count, &a);
		workpool_wait(p);
		check_once(&a, N);
		workpool_start(p, round, count, &b);	/* 0 items too */
		workpool_wait(p);
		check_once(&b, round);
	}
	workpool_start(p, N, count, &a);	/* freed while a job runs */
	workpool_free(p);
}

static void
test_workpool_null_runs_inline(void **state)
{
	static struct job a;

	(void)state;
	memset(&a, 0, sizeof(a));
	workpool_start(NULL, N, count, &a);
	check_once(&a, N);		/* done before start returned */
	workpool_wait(NULL);
	workpool_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_workpool_each_item_once),
		cmocka_unit_test(test_workpool_null_runs_inline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
