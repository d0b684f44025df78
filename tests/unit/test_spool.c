/* test_spool.c - durable writes and the content-addressed message store on
 * a real directory. Fault injection is in test_spool_fault.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "core/msgstore.h"
#include "core/spool.h"
#include "tests/unit/testutil.h"

static char *dir;

static void
test_spool_write_file_is_complete_and_leaves_no_temp(void **state)
{
	char *path = xasprintf("%s/w/a.eml", dir), *sub = xasprintf("%s/w", dir);
	char *data;
	size_t len;

	(void)state;
	assert_int_equal(spool_mkdirs(sub), 0);
	assert_int_equal(spool_write_file(sub, "a.eml", "hello\r\n", 7), ST_OK);
	data = tu_read(path, &len);
	assert_non_null(data);
	assert_int_equal(len, 7);
	assert_memory_equal(data, "hello\r\n", 7);
	assert_int_equal(tu_count_entries(sub), 1);	/* no .tmp left */
	xfree(data);
	/* Overwriting replaces the whole file. */
	assert_int_equal(spool_write_file(sub, "a.eml", "x", 1), ST_OK);
	data = tu_read(path, &len);
	assert_int_equal(len, 1);
	xfree(data);
	xfree(path);
	xfree(sub);
}

static void
test_spool_write_file_into_missing_dir_fails_cleanly(void **state)
{
	char *sub = xasprintf("%s/absent", dir);

	(void)state;
	assert_int_equal(spool_write_file(sub, "a.eml", "x", 1), ST_TEMP);
	assert_false(tu_exists(sub));
	xfree(sub);
}

static void
test_spool_mkdirs_makes_parents(void **state)
{
	char *deep = xasprintf("%s/m/n/o/p", dir);
	struct stat sb;

	(void)state;
	assert_int_equal(spool_mkdirs(deep), 0);
	assert_int_equal(stat(deep, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(spool_mkdirs(deep), 0);	/* again: fine */
	xfree(deep);
}

static void
test_spool_read_file_bounds_and_absence(void **state)
{
	char *path = tu_write_str(dir, "r.txt", "0123456789");
	char *absent = xasprintf("%s/none", dir), *data = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(spool_read_file(path, 10, &data, &len), ST_OK);
	assert_string_equal(data, "0123456789");
	assert_int_equal(len, 10);
	xfree(data);
	assert_int_equal(spool_read_file(path, 9, &data, &len), ST_TOOBIG);
	assert_null(data);
	assert_int_equal(spool_read_file(absent, 10, &data, &len), ST_NOTFOUND);
	assert_null(data);
	xfree(path);
	xfree(absent);
}

static void
test_spool_disk_ok(void **state)
{
	(void)state;
	assert_true(spool_disk_ok(dir, 0));
	assert_true(spool_disk_ok(dir, 1) == 0 || spool_disk_ok(dir, 1) == 1);
	assert_false(spool_disk_ok(dir, 101));	/* never 101 % free */
}

static void
test_msgstore_hash_is_sha256(void **state)
{
	char hash[MSGSTORE_HASH_LEN + 1];

	(void)state;
	msgstore_hash("abc", 3, hash);
	assert_string_equal(hash, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
}

static void
test_msgstore_put_is_content_addressed_and_idempotent(void **state)
{
	char hash[MSGSTORE_HASH_LEN + 1], hash2[MSGSTORE_HASH_LEN + 1];
	char *ddir = xasprintf("%s/district", dir), *path, *want, *data;
	char *sub;
	size_t len;
	struct stat before, after;

	(void)state;
	assert_int_equal(msgstore_put(ddir, "Subject: hi\r\n\r\nbody\r\n", 21,
	    hash), ST_OK);
	path = msgstore_path(ddir, hash);
	want = xasprintf("%s/messages/%.2s/%s.eml", ddir, hash, hash);
	assert_string_equal(path, want);
	assert_int_equal(stat(path, &before), 0);
	assert_int_equal(msgstore_put(ddir, "Subject: hi\r\n\r\nbody\r\n", 21,
	    hash2), ST_OK);
	assert_string_equal(hash, hash2);
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);	/* not rewritten */
	sub = xasprintf("%s/messages/%.2s", ddir, hash);
	assert_int_equal(tu_count_entries(sub), 1);
	assert_int_equal(msgstore_get(ddir, hash, 1024, &data, &len), ST_OK);
	assert_int_equal(len, 21);
	assert_memory_equal(data, "Subject: hi\r\n\r\nbody\r\n", 21);
	xfree(data);
	/* Different bytes, different name. */
	assert_int_equal(msgstore_put(ddir, "other", 5, hash2), ST_OK);
	assert_string_not_equal(hash, hash2);
	xfree(sub);
	xfree(want);
	xfree(path);
	xfree(ddir);
}

static void
test_msgstore_path_refuses_non_hex_hash(void **state)
{
	static const char *bad[] = { "", "abc",
	    "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
	    "../../../../etc/passwd/../../../../../../../../../../../../../aa",
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0",
	    "ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" };
	char *data = NULL;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(msgstore_path(dir, bad[i]));
		assert_int_equal(msgstore_get(dir, bad[i], 1024, &data, &len),
		    ST_NOTFOUND);
	}
	assert_int_equal(msgstore_get(dir, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad", 1024, &data, &len), ST_NOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spool_write_file_is_complete_and_leaves_no_temp),
		cmocka_unit_test(test_spool_write_file_into_missing_dir_fails_cleanly),
		cmocka_unit_test(test_spool_mkdirs_makes_parents),
		cmocka_unit_test(test_spool_read_file_bounds_and_absence),
		cmocka_unit_test(test_spool_disk_ok),
		cmocka_unit_test(test_msgstore_hash_is_sha256),
		cmocka_unit_test(test_msgstore_put_is_content_addressed_and_idempotent),
		cmocka_unit_test(test_msgstore_path_refuses_non_hex_hash),
	};
	int rc;

	dir = tu_tmpdir_new();
	rc = cmocka_run_group_tests_name("spool", tests, NULL, NULL);
	tu_tmpdir_remove(dir);
	return rc;
}
