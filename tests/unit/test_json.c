/* test_json.c - the JSON writer: structure and commas, escaping by
 * construction (quotes, backslash, <, >, &, control characters, invalid
 * UTF-8), hostile strings, and the size bound. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "core/json.h"
#include "core/xmem.h"

/* JSON of one string value. Caller frees. */
static char *
quoted(const char *s)
{
	struct json j;
	char *out;

	json_init(&j, 4096);
	json_str(&j, s);
	out = xstrdup(json_text(&j));
	json_release(&j);
	return out;
}

static void
expect_quoted(const char *in, const char *want)
{
	char *got = quoted(in);

	assert_string_equal(got, want);
	xfree(got);
}

static void
test_json_nesting_and_commas(void **state)
{
	struct json j;

	(void)state;
	json_init(&j, 4096);
	json_obj_begin(&j);
	json_kv_str(&j, "name", "news");
	json_kv_int(&j, "n", -42);
	json_kv_bool(&j, "ok", 1);
	json_key(&j, "none");
	json_null(&j);
	json_key(&j, "lists");
	json_arr_begin(&j);
	json_obj_begin(&j);
	json_kv_bool(&j, "a", 0);
	json_obj_end(&j);
	json_obj_begin(&j);
	json_obj_end(&j);
	json_arr_begin(&j);
	json_arr_end(&j);
	json_int(&j, 9007199254740993LL);
	json_str(&j, NULL);
	json_arr_end(&j);
	json_obj_end(&j);
	assert_string_equal(json_text(&j), "{\"name\":\"news\",\"n\":-42,"
	    "\"ok\":true,\"none\":null,\"lists\":[{\"a\":false},{},[],"
	    "9007199254740993,null]}");
	json_release(&j);
}

static void
test_json_top_level_array_of_strings(void **state)
{
	struct json j;

	(void)state;
	json_init(&j, 4096);
	json_arr_begin(&j);
	json_str(&j, "a");
	json_str(&j, "");
	json_str(&j, "b");
	json_arr_end(&j);
	assert_string_equal(json_text(&j), "[\"a\",\"\",\"b\"]");
	json_release(&j);
}

static void
test_json_escapes_quote_backslash_and_html(void **state)
{
	(void)state;
	expect_quoted("a\"b\\c", "\"a\\\"b\\\\c\"");
	expect_quoted("<>&", "\"\\u003c\\u003e\\u0026\"");
	expect_quoted("/", "\"/\"");
}

static void
test_json_escapes_control_characters(void **state)
{
	(void)state;
	expect_quoted("a\r\nb\tc\x01\x1f\x7f", "\"a\\u000d\\u000ab\\u0009c"
	    "\\u0001\\u001f\\u007f\"");
}

static void
test_json_replaces_invalid_utf8(void **state)
{
	(void)state;
	expect_quoted("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	expect_quoted("Ren\xe9", "\"Ren\\ufffd\"");
	expect_quoted("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	expect_quoted("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	expect_quoted("\xf0\x9f\x98", "\"\\ufffd\\ufffd\\ufffd\"");
	expect_quoted("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
}

static void
test_json_hostile_strings_stay_inert(void **state)
{
	struct json j;
	const char *t;

	(void)state;
	expect_quoted("<script>alert(1)</script>",
	    "\"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\"");
	expect_quoted("\"><img src=x onerror=alert(1)>",
	    "\"\\\"\\u003e\\u003cimg src=x onerror=alert(1)\\u003e\"");
	expect_quoted("x\r\nBcc: victim@example.org",
	    "\"x\\u000d\\u000aBcc: victim@example.org\"");
	/* Keys are escaped the same way. */
	json_init(&j, 4096);
	json_obj_begin(&j);
	json_kv_str(&j, "k\"</script>", "v");
	json_obj_end(&j);
	t = json_text(&j);
	assert_string_equal(t, "{\"k\\\"\\u003c/script\\u003e\":\"v\"}");
	assert_null(strchr(t, '<'));
	json_release(&j);
}

static void
test_json_overflow_returns_null(void **state)
{
	struct json j;
	char big[200];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	json_init(&j, 64);
	json_arr_begin(&j);
	json_str(&j, "fits");
	assert_non_null(json_text(&j));
	json_str(&j, big);
	json_arr_end(&j);
	assert_null(json_text(&j));
	assert_int_equal(json_print(&j, stdout), -1);
	json_release(&j);
	/* Escapes count against the bound: 20 '<' become 120 bytes. */
	json_init(&j, 100);
	json_str(&j, "<<<<<<<<<<<<<<<<<<<<");
	assert_null(json_text(&j));
	json_release(&j);
}

static void
test_json_too_deep_is_refused_not_malformed(void **state)
{
	struct json j;
	const char *t;

	(void)state;
	json_init(&j, 4096);
	for (int i = 0; i < JSON_DEPTH_MAX - 1; i++)
		json_arr_begin(&j);
	for (int i = 0; i < JSON_DEPTH_MAX - 1; i++)
		json_arr_end(&j);
	assert_non_null(t = json_text(&j));
	assert_int_equal(strlen(t), 2 * (JSON_DEPTH_MAX - 1));
	assert_null(strchr(t, ','));
	json_release(&j);

	json_init(&j, 4096);
	json_arr_begin(&j);
	for (int i = 0; i < JSON_DEPTH_MAX + 8; i++)
		json_arr_begin(&j);
	for (int i = 0; i < JSON_DEPTH_MAX + 8; i++)
		json_arr_end(&j);
	json_int(&j, 1);
	json_arr_end(&j);
	assert_null(json_text(&j));	/* it used to print "[[[,[,[..." */
	json_release(&j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_nesting_and_commas),
		cmocka_unit_test(test_json_top_level_array_of_strings),
		cmocka_unit_test(test_json_escapes_quote_backslash_and_html),
		cmocka_unit_test(test_json_escapes_control_characters),
		cmocka_unit_test(test_json_replaces_invalid_utf8),
		cmocka_unit_test(test_json_hostile_strings_stay_inert),
		cmocka_unit_test(test_json_overflow_returns_null),
		cmocka_unit_test(test_json_too_deep_is_refused_not_malformed),
	};
	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
