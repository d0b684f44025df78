/* test_buf.c - the bounded buffer: growth up to the maximum, refusal (never
 * truncation) past it, reset, steal and release. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/xmem.h"

static void
test_buf_empty_reads_as_empty_string(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(b.len, 0);
	assert_null(b.data);		/* nothing allocated yet */
	buf_release(&b);
}

static void
test_buf_grows_past_initial_capacity(void **state)
{
	struct buf b;
	char chunk[100];

	(void)state;
	memset(chunk, 'x', sizeof(chunk));
	buf_init(&b, 100000);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_append(&b, chunk, sizeof(chunk)), 0);
	assert_int_equal(b.len, 100000);
	assert_int_equal(strlen(buf_cstr(&b)), 100000);
	assert_false(b.overflow);
	buf_release(&b);
}

static void
test_buf_refuses_past_maximum_without_truncating(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_append_str(&b, "12345"), 0);
	assert_int_equal(buf_append_str(&b, "6789"), -1);
	assert_true(b.overflow);
	assert_string_equal(buf_cstr(&b), "12345");	/* nothing partial */
	assert_int_equal(buf_append_str(&b, "678"), 0);	/* exactly max */
	assert_string_equal(buf_cstr(&b), "12345678");
	assert_int_equal(buf_append(&b, "9", 1), -1);
	/* A huge length cannot wrap the arithmetic. */
	assert_int_equal(buf_append(&b, "x", (size_t)-1), -1);
	buf_release(&b);
}

static void
test_buf_printf_is_bounded(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 16);
	assert_int_equal(buf_printf(&b, "%d-%s", 42, "abc"), 0);
	assert_string_equal(buf_cstr(&b), "42-abc");
	assert_int_equal(buf_printf(&b, "%050d", 1), -1);
	assert_string_equal(buf_cstr(&b), "42-abc");
	buf_release(&b);
}

static void
test_buf_reset_clears_overflow_and_keeps_memory(void **state)
{
	struct buf b;
	char *before;

	(void)state;
	buf_init(&b, 4);
	buf_append_str(&b, "abcd");
	buf_append_str(&b, "e");
	assert_true(b.overflow);
	before = b.data;
	buf_reset(&b);
	assert_false(b.overflow);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_cstr(&b), "");
	assert_ptr_equal(b.data, before);
	assert_int_equal(buf_append_str(&b, "wxyz"), 0);
	buf_release(&b);
}

static void
test_buf_steal_hands_over_ownership(void **state)
{
	struct buf b;
	char *s;

	(void)state;
	buf_init(&b, 64);
	s = buf_steal(&b);		/* empty: still a string */
	assert_string_equal(s, "");
	xfree(s);
	buf_append_str(&b, "owned");
	s = buf_steal(&b);
	assert_string_equal(s, "owned");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_append_str(&b, "again"), 0);
	assert_string_equal(buf_cstr(&b), "again");
	xfree(s);
	buf_release(&b);
	buf_release(&b);		/* twice is harmless */
}

static void
test_buf_holds_binary_bytes(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 16);
	assert_int_equal(buf_append(&b, "a\0b", 3), 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "a\0b", 4);
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_empty_reads_as_empty_string),
		cmocka_unit_test(test_buf_grows_past_initial_capacity),
		cmocka_unit_test(test_buf_refuses_past_maximum_without_truncating),
		cmocka_unit_test(test_buf_printf_is_bounded),
		cmocka_unit_test(test_buf_reset_clears_overflow_and_keeps_memory),
		cmocka_unit_test(test_buf_steal_hands_over_ownership),
		cmocka_unit_test(test_buf_holds_binary_bytes),
	};
	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
