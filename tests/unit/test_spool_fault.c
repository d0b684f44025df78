/* test_spool_fault.c - a write, fsync or rename that fails leaves nothing
 * under the final name and no temporary file (P1). Faults are read once per
 * process, so one counted spec serves every case, in this order:
 *   spool.write:1  - the 1st write fails (test 1)
 *   spool.fsync:2  - the 2nd fsync fails (test 2: one good write, one bad)
 *   spool.rename:3 - the 3rd rename fails (test 3: one good write, one bad)
 * Each test therefore also proves a write after a failure succeeds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/msgstore.h"
#include "core/spool.h"
#include "tests/unit/testutil.h"

static char *dir;

/* A fresh empty directory under dir. Caller frees. */
static char *
subdir(const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);

	assert_int_equal(spool_mkdirs(p), 0);
	return p;
}

static void
expect_failed_write_leaves_nothing(const char *d)
{
	char *final = xasprintf("%s/bad.eml", d);

	assert_int_equal(spool_write_file(d, "bad.eml", "payload", 7), ST_TEMP);
	assert_false(tu_exists(final));
	xfree(final);
}

static void
expect_good_write(const char *d, const char *name)
{
	char *final = xasprintf("%s/%s", d, name);

	assert_int_equal(spool_write_file(d, name, "good", 4), ST_OK);
	assert_true(tu_exists(final));
	xfree(final);
}

static void
test_spool_write_fault_leaves_nothing(void **state)
{
	char *d = subdir("write");

	(void)state;
	expect_failed_write_leaves_nothing(d);		/* write #1 */
	assert_int_equal(tu_count_entries(d), 0);
	xfree(d);
}

static void
test_spool_fsync_fault_leaves_nothing(void **state)
{
	char *d = subdir("fsync");

	(void)state;
	expect_good_write(d, "ok.eml");			/* fsync #1 */
	expect_failed_write_leaves_nothing(d);		/* fsync #2 */
	assert_int_equal(tu_count_entries(d), 1);	/* only ok.eml */
	xfree(d);
}

static void
test_spool_rename_fault_leaves_nothing(void **state)
{
	char *d = subdir("rename");

	(void)state;
	expect_good_write(d, "ok.eml");			/* rename #2 */
	expect_failed_write_leaves_nothing(d);		/* rename #3 */
	assert_int_equal(tu_count_entries(d), 1);
	xfree(d);
}

static void
test_msgstore_put_after_faults_is_whole(void **state)
{
	char hash[MSGSTORE_HASH_LEN + 1], *data;
	size_t len;

	(void)state;
	assert_int_equal(msgstore_put(dir, "message", 7, hash), ST_OK);
	assert_int_equal(msgstore_get(dir, hash, 100, &data, &len), ST_OK);
	assert_int_equal(len, 7);
	xfree(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spool_write_fault_leaves_nothing),
		cmocka_unit_test(test_spool_fsync_fault_leaves_nothing),
		cmocka_unit_test(test_spool_rename_fault_leaves_nothing),
		cmocka_unit_test(test_msgstore_put_after_faults_is_whole),
	};
	int rc;

	setenv("LISTD_FAULT", "spool.write:1,spool.fsync:2,spool.rename:3", 1);
	dir = tu_tmpdir_new();
	rc = cmocka_run_group_tests_name("spool_fault", tests, NULL, NULL);
	tu_tmpdir_remove(dir);
	return rc;
}
