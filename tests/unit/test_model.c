/* test_model.c - validity of district slugs, list names (with reserved
 * suffixes) and free text; enum names round-trip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "core/model.h"

static void
test_model_slug_validity(void **state)
{
	static const char *good[] = { "a", "north", "bethel-42", "9lives",
	    "a-b-c" };
	static const char *bad[] = { "", "North", "-a", "a-", "a_b", "a.b",
	    "../b", "A/../b", "a/b", "..", "a b", "caf\xc3\xa9", "a\n" };
	char longest[SLUG_MAX + 2];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(model_slug_valid(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(model_slug_valid(bad[i]));
	memset(longest, 'a', SLUG_MAX);
	longest[SLUG_MAX] = '\0';
	assert_true(model_slug_valid(longest));
	longest[SLUG_MAX] = 'a';
	longest[SLUG_MAX + 1] = '\0';
	assert_false(model_slug_valid(longest));
}

static void
expect_list_name(const char *name, const char *want_reason)
{
	const char *reason = NULL;

	if (want_reason == NULL) {
		assert_true(model_list_name_valid(name, &reason));
		return;
	}
	assert_false(model_list_name_valid(name, &reason));
	assert_string_equal(reason, want_reason);
}

static void
test_model_list_name_validity(void **state)
{
	char longest[LIST_NAME_MAX + 2];

	(void)state;
	expect_list_name("news", NULL);
	expect_list_name("all-accounts", NULL);
	expect_list_name("grade_7.parents", NULL);
	expect_list_name("2024", NULL);
	expect_list_name("", "empty list name");
	expect_list_name("News", "list name must start with a letter or digit");
	expect_list_name("-news", "list name must start with a letter or digit");
	expect_list_name("news@x", "list name may hold only a-z, 0-9, '.', '_' "
	    "and '-'");
	expect_list_name("ne ws", "list name may hold only a-z, 0-9, '.', '_' "
	    "and '-'");
	expect_list_name("a+b", "list name may hold only a-z, 0-9, '.', '_' "
	    "and '-'");
	expect_list_name("news\r\n", "list name may hold only a-z, 0-9, '.', '_' "
	    "and '-'");
	expect_list_name("news.", "list name has a misplaced dot");
	expect_list_name("a..b", "list name has a misplaced dot");
	memset(longest, 'a', LIST_NAME_MAX);
	longest[LIST_NAME_MAX] = '\0';
	expect_list_name(longest, NULL);
	longest[LIST_NAME_MAX] = 'a';
	longest[LIST_NAME_MAX + 1] = '\0';
	expect_list_name(longest, "list name longer than 64 characters");
}

static void
test_model_list_name_refuses_reserved_suffixes(void **state)
{
	static const char *reserved[] = { "news-request", "news-owner",
	    "news-join", "news-leave", "news-confirm", "news-bounces",
	    "news-unsubscribe", "news-subscribe" };

	(void)state;
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		expect_list_name(reserved[i], "list name ends in a reserved suffix");
	/* The suffix only counts at the end. */
	expect_list_name("request-news", NULL);
	expect_list_name("news-owners", NULL);
}

static void
test_model_text_validity(void **state)
{
	(void)state;
	assert_true(model_text_valid("Ren\xc3\xa9 O'Brien", 200, 0));
	assert_true(model_text_valid("", 200, 0));
	assert_false(model_text_valid("line\nbreak", 200, 0));
	assert_true(model_text_valid("line\nbreak", 200, 1));
	assert_false(model_text_valid("cr\rlf", 200, 1));	/* CR never */
	assert_false(model_text_valid("tab\there", 200, 0));
	assert_false(model_text_valid("del\x7f", 200, 0));
	assert_false(model_text_valid("Ren\xe9", 200, 0));
	assert_false(model_text_valid("\xed\xa0\x80", 200, 0));
	assert_true(model_text_valid("abcde", 5, 0));
	assert_false(model_text_valid("abcdef", 5, 0));
}

static void
test_model_enum_names_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < LIST_KIND__COUNT; i++)
		assert_int_equal(model_list_kind_parse(
		    model_list_kind_name((enum list_kind)i)), i);
	for (int i = 0; i < MODE__COUNT; i++)
		assert_int_equal(model_mode_parse(
		    model_mode_name((enum delivery_mode)i)), i);
	for (int i = 0; i < ROLE__COUNT; i++)
		assert_int_equal(model_role_parse(
		    model_role_name((enum member_role)i)), i);
	assert_int_equal(model_mode_parse("Digest"), -1);
	assert_int_equal(model_policy_parse(""), -1);
	assert_string_equal(model_mode_name((enum delivery_mode)99), "unknown");
}

static void
test_model_list_defaults_by_kind(void **state)
{
	struct list l;

	(void)state;
	model_list_defaults(&l, LIST_DISCUSSION);
	assert_int_equal(l.policy, POLICY_MEMBERS);
	assert_int_equal(l.subscribe, SUBSCRIBE_CONFIRM);
	model_list_defaults(&l, LIST_ANNOUNCEMENT);
	assert_int_equal(l.policy, POLICY_ANNOUNCE);
	model_list_defaults(&l, LIST_ROSTER);
	assert_int_equal(l.policy, POLICY_ANNOUNCE);
	assert_int_equal(l.subscribe, SUBSCRIBE_CLOSED);
	assert_int_equal(l.nonmember, NONMEMBER_HOLD);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_slug_validity),
		cmocka_unit_test(test_model_list_name_validity),
		cmocka_unit_test(test_model_list_name_refuses_reserved_suffixes),
		cmocka_unit_test(test_model_text_validity),
		cmocka_unit_test(test_model_enum_names_round_trip),
		cmocka_unit_test(test_model_list_defaults_by_kind),
	};
	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
