/* test_import_writer.c - the archive import's raw-message writer thread on
 * a real directory: everything queued is in a committed pack after a
 * drain, under its content hash; a write that fails is reported by the next
 * drain (and only by that one); the bounded queue takes far more than its
 * bound; a message the district holds already is not written again. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "archive/import_writer.h"
#include "core/msgstore.h"
#include "core/xmem.h"
#include "tests/unit/testutil.h"

static void
put(struct import_writer *w, const char *dir, const char *raw, size_t len,
    char *hash)
{
	(void)dir;
	char *copy = xmalloc(len + 1);

	memcpy(copy, raw, len);
	msgstore_hash(raw, len, hash);
	import_writer_put(w, hash, copy, len);
}

static void
test_import_writer_drain_means_every_message_is_there(void **state)
{
	char *dir = tu_tmpdir_new(), hash[MSGSTORE_HASH_LEN + 1], raw[64];
	struct import_writer *w = import_writer_new(dir);
	char *data;
	size_t len;

	(void)state;
	assert_non_null(w);
	for (int i = 0; i < 500; i++) {
		int n = snprintf(raw, sizeof(raw), "Subject: %d\n\nbody %d\n", i, i);

		put(w, dir, raw, (size_t)n, hash);
	}
	put(w, dir, raw, strlen(raw), hash);	/* the same again: no harm */
	assert_int_equal(import_writer_drain(w), ST_OK);
	assert_int_equal(msgstore_get(dir, hash, 1024, &data, &len), ST_OK);
	assert_int_equal(len, strlen(raw));
	assert_memory_equal(data, raw, len);
	xfree(data);
	import_writer_free(w);
	import_writer_free(NULL);
	tu_tmpdir_remove(dir);
}

static void
test_import_writer_failure_is_reported_by_the_next_drain(void **state)
{
	char *dir = tu_tmpdir_new(), hash[MSGSTORE_HASH_LEN + 1];
	struct import_writer *w = import_writer_new(dir);

	(void)state;
	xfree(tu_write_str(dir, "messages", "not a directory"));
	put(w, dir, "Subject: x\n\nx\n", 14, hash);
	assert_int_equal(import_writer_drain(w), ST_TEMP);
	assert_int_equal(import_writer_drain(w), ST_OK);	/* reported once */
	put(w, dir, "x", 1, hash);
	assert_int_equal(import_writer_drain(w), ST_TEMP);	/* still fails */
	import_writer_free(w);
	tu_tmpdir_remove(dir);
}

static void
test_import_writer_queue_bound_is_not_a_limit_on_the_total(void **state)
{
	char *dir = tu_tmpdir_new(), hash[MSGSTORE_HASH_LEN + 1], *packs;
	size_t big = IMPORT_WRITER_QUEUE / 3 + 1;
	char *raw = xmalloc(big);
	struct import_writer *w = import_writer_new(dir);

	(void)state;
	for (int i = 0; i < 8; i++) {
		memset(raw, 'a' + i, big);
		put(w, dir, raw, big, hash);
	}
	assert_int_equal(import_writer_drain(w), ST_OK);
	assert_int_equal(tu_count_entries(dir), 1);	/* messages/ */
	packs = xasprintf("%s/messages/packs", dir);
	assert_int_equal(tu_count_entries(packs), 2);	/* one .pack, .idx */
	xfree(packs);
	import_writer_free(w);
	xfree(raw);
	tu_tmpdir_remove(dir);
}

static void
test_import_writer_skips_what_the_district_holds(void **state)
{
	char *dir = tu_tmpdir_new(), hash[MSGSTORE_HASH_LEN + 1], *msgs;
	struct import_writer *w;

	(void)state;
	assert_int_equal(msgstore_put(dir, "Subject: a\n\na\n", 14, hash),
	    ST_OK);	/* a loose post */
	w = import_writer_new(dir);
	put(w, dir, "Subject: a\n\na\n", 14, hash);
	assert_int_equal(import_writer_drain(w), ST_OK);
	import_writer_free(w);
	msgs = xasprintf("%s/messages", dir);
	assert_int_equal(tu_count_entries(msgs), 1);	/* no packs/ */
	w = import_writer_new(dir);	/* a second run over packed ones */
	put(w, dir, "Subject: b\n\nb\n", 14, hash);
	assert_int_equal(import_writer_drain(w), ST_OK);
	import_writer_free(w);
	w = import_writer_new(dir);
	put(w, dir, "Subject: b\n\nb\n", 14, hash);
	assert_int_equal(import_writer_drain(w), ST_OK);
	import_writer_free(w);
	xfree(msgs);
	msgs = xasprintf("%s/messages/packs", dir);
	assert_int_equal(tu_count_entries(msgs), 2);	/* one pack only */
	xfree(msgs);
	tu_tmpdir_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import_writer_drain_means_every_message_is_there),
		cmocka_unit_test(test_import_writer_failure_is_reported_by_the_next_drain),
		cmocka_unit_test(test_import_writer_queue_bound_is_not_a_limit_on_the_total),
		cmocka_unit_test(test_import_writer_skips_what_the_district_holds),
	};

	return cmocka_run_group_tests_name("import_writer", tests, NULL, NULL);
}
