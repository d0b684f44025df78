/* test_store_fault.c - a commit that fails (LISTD_FAULT=store.commit) leaves
 * nothing behind. Faults are read once per process, so the stores are
 * created by a child process without the fault before the parent sets it;
 * the parent then only reopens them (no migration, no commit) and every
 * commit it makes fails. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/store.h"
#include "core/store_list.h"
#include "core/store_member.h"
#include "core/store_site.h"
#include "tests/unit/testutil.h"

static char *home;

/* In a child: create site.db and district "north" with list "news". */
static void
create_stores(void)
{
	pid_t pid = fork();
	int wst = 0;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct store *site = NULL, *ds = NULL;
		struct list l;
		int ok;

		model_list_defaults(&l, LIST_DISCUSSION);
		snprintf(l.name, sizeof(l.name), "news");
		ok = store_site_open(home, &site) == ST_OK &&
		    store_district_open(home, "north", 1, &ds) == ST_OK &&
		    store_list_create(ds, &l) == ST_OK;
		store_close(ds);
		store_close(site);
		_exit(ok ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &wst, 0), pid);
	assert_true(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
}

static void
test_store_commit_fault_leaves_no_member(void **state)
{
	struct store *ds;
	struct list l;
	struct member m;
	struct member_filter flt;
	int64_t n = -1;

	(void)state;
	assert_int_equal(store_district_open(home, "north", 0, &ds), ST_OK);
	assert_int_equal(store_list_get(ds, "news", &l), ST_OK);
	assert_int_equal(store_begin(ds), ST_OK);
	memset(&m, 0, sizeof(m));
	m.list_id = l.id;
	snprintf(m.address, sizeof(m.address), "alice@example.org");
	assert_int_equal(store_member_add(ds, &m), ST_OK);
	assert_int_equal(store_commit(ds), ST_TEMP);
	member_filter_all(&flt);
	assert_int_equal(store_member_count(ds, l.id, &flt, &n), ST_OK);
	assert_int_equal(n, 0);
	store_close(ds);
	/* And not on disk either, seen through a fresh connection. */
	assert_int_equal(store_district_open(home, "north", 0, &ds), ST_OK);
	assert_int_equal(store_member_count(ds, l.id, &flt, &n), ST_OK);
	assert_int_equal(n, 0);
	/* The store stays usable: a new transaction can start. */
	assert_int_equal(store_begin(ds), ST_OK);
	store_rollback(ds);
	store_close(ds);
}

static void
test_store_commit_fault_leaves_no_list_and_keeps_old_rows(void **state)
{
	struct store *ds;
	struct list l;

	(void)state;
	assert_int_equal(store_district_open(home, "north", 0, &ds), ST_OK);
	assert_int_equal(store_begin(ds), ST_OK);
	model_list_defaults(&l, LIST_ROSTER);
	snprintf(l.name, sizeof(l.name), "staff");
	assert_int_equal(store_list_create(ds, &l), ST_OK);
	assert_int_equal(store_list_remove(ds, "news"), ST_OK);
	assert_int_equal(store_commit(ds), ST_TEMP);
	assert_int_equal(store_list_get(ds, "staff", &l), ST_NOTFOUND);
	assert_int_equal(store_list_get(ds, "news", &l), ST_OK);
	store_close(ds);
}

static void
test_store_commit_fault_leaves_no_district(void **state)
{
	struct store *site;
	struct district d;

	(void)state;
	assert_int_equal(store_site_open(home, &site), ST_OK);
	assert_int_equal(store_begin(site), ST_OK);
	memset(&d, 0, sizeof(d));
	snprintf(d.slug, sizeof(d.slug), "south");
	snprintf(d.domain, sizeof(d.domain), "south.example.org");
	assert_int_equal(store_district_add(site, &d), ST_OK);
	assert_int_equal(store_commit(site), ST_TEMP);
	assert_int_equal(store_district_get(site, "south", &d), ST_NOTFOUND);
	store_close(site);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_commit_fault_leaves_no_member),
		cmocka_unit_test(test_store_commit_fault_leaves_no_list_and_keeps_old_rows),
		cmocka_unit_test(test_store_commit_fault_leaves_no_district),
	};
	int rc;

	unsetenv("LISTD_FAULT");
	home = tu_tmpdir_new();
	create_stores();
	setenv("LISTD_FAULT", "store.commit", 1);
	rc = cmocka_run_group_tests_name("store_fault", tests, NULL, NULL);
	tu_tmpdir_remove(home);
	return rc;
}
