/* test_addr.c - address parsing and normalisation, hostile cases first. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "core/addr.h"

static void
expect_bad(const char *in, const char *why)
{
	char out[ADDR_MAX + 1];
	const char *reason = NULL;

	assert_int_equal(addr_normalize(in, out, sizeof(out), &reason), -1);
	assert_non_null(reason);
	if (why)
		assert_string_equal(reason, why);
}

static void
expect_good(const char *in, const char *want)
{
	char out[ADDR_MAX + 1];
	const char *reason = NULL;

	assert_int_equal(addr_normalize(in, out, sizeof(out), &reason), 0);
	assert_string_equal(out, want);
}

static void
test_addr_lowercases_domain_only(void **state)
{
	(void)state;
	expect_good("Alice.Smith@Example.ORG", "Alice.Smith@example.org");
	expect_good("a+tag@sub.example.org", "a+tag@sub.example.org");
}

static void
test_addr_keeps_internationalised_domain(void **state)
{
	(void)state;
	expect_good("jos\xc3\xa9@b\xc3\xbc" "cher.DE", "jos\xc3\xa9@b\xc3\xbc" "cher.de");
}

static void
test_addr_accepts_quoted_local_part(void **state)
{
	(void)state;
	expect_good("\"john doe\"@example.org", "\"john doe\"@example.org");
	expect_bad("\"unterminated@example.org", NULL);
}

static void
test_addr_rejects_crlf_injection(void **state)
{
	(void)state;
	expect_bad("a@example.org\r\nBcc: victim@example.org", "contains a line break");
	expect_bad("a@example.org\nX: y", "contains a line break");
	expect_bad("a\x01@example.org", "contains a control character");
}

static void
test_addr_rejects_missing_parts(void **state)
{
	(void)state;
	expect_bad("", "empty address");
	expect_bad("alice", "missing @");
	expect_bad("alice@", "missing domain");
	expect_bad("@example.org", "missing local part");
	expect_bad("a@@example.org", "more than one @");
	expect_bad("a@localhost", "domain is not fully qualified");
}

static void
test_addr_rejects_comments_and_display_names(void **state)
{
	(void)state;
	expect_bad("alice(comment)@example.org", "comments are not allowed");
	expect_bad("Alice <alice@example.org>", NULL);
	expect_bad("alice@example.org, bob@example.org", NULL);
	expect_bad("alice@[127.0.0.1]", "address literals are not accepted");
}

static void
test_addr_rejects_overlong(void **state)
{
	char local[80], big[400];

	(void)state;
	memset(local, 'a', 65);
	strcpy(local + 65, "@example.org");	/* lint: allow */
	expect_bad(local, "local part longer than 64 octets");
	memset(big, 'b', 300);
	strcpy(big + 300, "@example.org");	/* lint: allow */
	expect_bad(big, "longer than 254 octets");
}

static void
test_addr_rejects_bad_dots_and_labels(void **state)
{
	(void)state;
	expect_bad(".a@example.org", NULL);
	expect_bad("a..b@example.org", NULL);
	expect_bad("a@example..org", NULL);
	expect_bad("a@-example.org", NULL);
	expect_bad("a@example.org.", NULL);
	expect_bad("a@exa_mple.org", NULL);
}

static void
test_addr_rejects_invalid_utf8(void **state)
{
	(void)state;
	expect_bad("a\xff@example.org", "invalid UTF-8");
	expect_bad("a\xc0\xaf@example.org", "invalid UTF-8");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_lowercases_domain_only),
		cmocka_unit_test(test_addr_keeps_internationalised_domain),
		cmocka_unit_test(test_addr_accepts_quoted_local_part),
		cmocka_unit_test(test_addr_rejects_crlf_injection),
		cmocka_unit_test(test_addr_rejects_missing_parts),
		cmocka_unit_test(test_addr_rejects_comments_and_display_names),
		cmocka_unit_test(test_addr_rejects_overlong),
		cmocka_unit_test(test_addr_rejects_bad_dots_and_labels),
		cmocka_unit_test(test_addr_rejects_invalid_utf8),
	};
	return cmocka_run_group_tests_name("addr", tests, NULL, NULL);
}
