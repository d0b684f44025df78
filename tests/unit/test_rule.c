/* test_rule.c - the roster rule language: precedence, in-lists, negation,
 * case, parse errors that name the column, hostile input; and slugs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "generator/plan.h"
#include "generator/rule.h"

static const char *const cols[] = { "address", "role", "school", "grade" };

static int
eval(const char *text, const char *role, const char *school,
    const char *grade)
{
	const char *vals[] = { "a@x.org", role, school, grade };
	char err[200];
	struct rule *r = rule_parse(text, err, sizeof(err));
	int v;

	assert_non_null(r);
	assert_int_equal(rule_bind(r, cols, 4, err, sizeof(err)), 0);
	v = rule_eval(r, vals);
	rule_free(r);
	return v;
}

static void
parse_error(const char *text, const char *expect)
{
	char err[200] = "";
	struct rule *r = rule_parse(text, err, sizeof(err));

	assert_null(r);
	if (strstr(err, expect) == NULL)
		fail_msg("rule %s: got \"%s\", expected \"%s\"", text, err,
		    expect);
}

static void
test_rule_and_binds_tighter_than_or(void **state)
{
	(void)state;
	assert_true(eval("role = staff and school = \"Oak\" or grade = 3",
	    "student", "Elm", "3"));
	assert_false(eval("role = staff and (school = \"Oak\" or grade = 3)",
	    "student", "Elm", "3"));
	assert_true(eval("not role = student or school = Elm", "student",
	    "Elm", "1"));
}

static void
test_rule_in_list_and_not_equal(void **state)
{
	(void)state;
	assert_true(eval("school in (\"Lincoln Elementary\", Oak)", "staff",
	    "lincoln elementary", ""));
	assert_false(eval("school in (\"Lincoln Elementary\", Oak)", "staff",
	    "Elm", ""));
	assert_true(eval("ROLE != student AND grade = \"\"", "staff", "x", ""));
	assert_true(eval("school = \"say \\\"hi\\\"\"", "staff", "say \"hi\"",
	    ""));
}

static void
test_rule_parse_errors_name_the_column(void **state)
{
	(void)state;
	parse_error("role = ", "column 8: expected a value");
	parse_error("role staff", "column 6: expected \"=\"");
	parse_error("(role = staff", "column 14: expected \")\"");
	parse_error("role = staff and", "column 17: unexpected end");
	parse_error("school in \"a\"", "column 11: expected \"(\"");
	parse_error("school in (a b)", "column 14: expected \",\" or \")\"");
	parse_error("role = \"staff", "unterminated string");
	parse_error("", "column 1: empty rule");
	parse_error("role = staff)", "column 13: unexpected");
	parse_error("role = ; drop", "column 8: unexpected character");
}

static void
test_rule_hostile_input_is_bounded(void **state)
{
	char deep[400], err[200];
	struct rule *r;
	size_t n = 0;

	(void)state;
	for (int i = 0; i < 150; i++)
		deep[n++] = '(';
	memcpy(deep + n, "role = x", 9);
	assert_null(rule_parse(deep, err, sizeof(err)));
	assert_non_null(strstr(err, "nested too deeply"));
	r = rule_parse("scool = x", err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(rule_bind(r, cols, 4, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown attribute \"scool\"");
	rule_free(r);
}

static void
test_plan_slug_folds_accents_and_punctuation(void **state)
{
	char out[64];

	(void)state;
	plan_slug("Lincoln Elementary", out, sizeof(out));
	assert_string_equal(out, "lincoln-elementary");
	plan_slug("  École  Saint-Jean!! ", out, sizeof(out));
	assert_string_equal(out, "ecole-saint-jean");
	plan_slug("<script>", out, sizeof(out));
	assert_string_equal(out, "script");
	plan_slug("!!!", out, sizeof(out));
	assert_string_equal(out, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_and_binds_tighter_than_or),
		cmocka_unit_test(test_rule_in_list_and_not_equal),
		cmocka_unit_test(test_rule_parse_errors_name_the_column),
		cmocka_unit_test(test_rule_hostile_input_is_bounded),
		cmocka_unit_test(test_plan_slug_folds_accents_and_punctuation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
