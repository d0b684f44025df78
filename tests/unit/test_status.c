/* test_status.c - every status maps to the row of STYLE.md's table: LMTP
 * reply, HTTP status and sysexits.h exit code; unknown values are treated
 * as internal errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <sysexits.h>
#include <cmocka.h>

#include "core/status.h"

struct row {
	enum status	 st;
	const char	*name;
	const char	*smtp;
	int		 http;
	int		 exit_code;
	int		 is_temp;
};

/* STYLE.md "Errors, replies and exit codes", plus ST_EXISTS (409, 65). */
static const struct row table[] = {
	{ ST_OK,       "ok",       "250 2.0.0", 200, 0,  0 },
	{ ST_TEMP,     "temp",     "451 4.3.0", 503, 75, 1 },
	{ ST_NOSPACE,  "nospace",  "452 4.3.1", 503, 75, 1 },
	{ ST_NOTFOUND, "notfound", "550 5.1.1", 404, 67, 0 },
	{ ST_DENIED,   "denied",   "550 5.7.1", 403, 77, 0 },
	{ ST_TOOBIG,   "toobig",   "552 5.3.4", 413, 65, 0 },
	{ ST_DATA,     "data",     "554 5.6.0", 400, 65, 0 },
	{ ST_USAGE,    "usage",    "500 5.5.2", 400, 64, 0 },
	{ ST_CONFIG,   "config",   "451 4.3.5", 500, 78, 1 },
	{ ST_INTERNAL, "internal", "451 4.3.0", 500, 70, 1 },
	{ ST_EXISTS,   "exists",   "550 5.7.1", 409, 65, 0 },
	{ ST_LOOP,     "loop",     "554 5.4.6", 508, 65, 0 },
};

static void
test_status_every_value_matches_the_style_table(void **state)
{
	(void)state;
	assert_int_equal(sizeof(table) / sizeof(table[0]), ST__COUNT);
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct row *r = &table[i];

		assert_string_equal(status_name(r->st), r->name);
		assert_string_equal(status_smtp(r->st), r->smtp);
		assert_int_equal(status_http(r->st), r->http);
		assert_int_equal(status_exit(r->st), r->exit_code);
		assert_int_equal(status_is_temp(r->st), r->is_temp);
	}
}

static void
test_status_exit_codes_are_sysexits(void **state)
{
	(void)state;
	assert_int_equal(status_exit(ST_USAGE), EX_USAGE);
	assert_int_equal(status_exit(ST_DATA), EX_DATAERR);
	assert_int_equal(status_exit(ST_NOTFOUND), EX_NOUSER);
	assert_int_equal(status_exit(ST_DENIED), EX_NOPERM);
	assert_int_equal(status_exit(ST_TEMP), EX_TEMPFAIL);
	assert_int_equal(status_exit(ST_CONFIG), EX_CONFIG);
	assert_int_equal(status_exit(ST_INTERNAL), EX_SOFTWARE);
}

static void
test_status_temporary_failures_never_answer_5xx(void **state)
{
	(void)state;
	for (int st = 0; st < ST__COUNT; st++)
		if (status_is_temp((enum status)st))
			assert_int_equal(status_smtp((enum status)st)[0], '4');
		else if (st != ST_OK)
			assert_int_equal(status_smtp((enum status)st)[0], '5');
}

static void
test_status_out_of_range_is_internal(void **state)
{
	(void)state;
	assert_string_equal(status_name((enum status)ST__COUNT), "internal");
	assert_string_equal(status_smtp((enum status)-1), "451 4.3.0");
	assert_int_equal(status_exit((enum status)1000), EX_SOFTWARE);
	assert_int_equal(status_http((enum status)1000), 500);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_every_value_matches_the_style_table),
		cmocka_unit_test(test_status_exit_codes_are_sysexits),
		cmocka_unit_test(test_status_temporary_failures_never_answer_5xx),
		cmocka_unit_test(test_status_out_of_range_is_internal),
	};
	return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
