/* test_district.c - what listctl and the web's site pages share
 * (core/district.c, core/account.c) on real SQLite files: hostile district
 * fields, create and retire (refused with lists, twice in a second),
 * report-to, accounts with district roles, password resets that end
 * sessions, tokens, and the prune of sessions and failed logins. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/account.h"
#include "core/district.h"
#include "core/passwd.h"
#include "core/store.h"
#include "core/store_list.h"
#include "core/store_site.h"
#include "core/store_sub.h"
#include "core/store_web.h"
#include "core/token.h"
#include "tests/unit/testutil.h"

static char *home;

static int
setup(void **state)
{
	(void)state;
	home = tu_home_with_secret();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tu_tmpdir_remove(home);
	return 0;
}

static void
test_district_fields_refuse_hostile_values(void **state)
{
	static const char *const bad_domains[] = { "", "a b", "x.org\r\nBcc: y",
	    "<script>.org", "a..b", "@x.org", NULL };
	struct district d;
	char why[300], long_domain[400];

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_int_equal(district_fields_apply(&d, "North.Example.ORG", "North",
	    why, sizeof(why)), ST_OK);
	assert_string_equal(d.domain, "north.example.org");
	for (int i = 0; bad_domains[i]; i++) {
		assert_int_equal(district_fields_apply(&d, bad_domains[i], NULL,
		    why, sizeof(why)), ST_USAGE);
		assert_non_null(strstr(why, "invalid domain"));
		assert_string_equal(d.domain, "north.example.org");
	}
	memset(long_domain, 'a', sizeof(long_domain) - 5);
	memcpy(long_domain + sizeof(long_domain) - 5, ".org", 5);
	assert_int_equal(district_fields_apply(&d, long_domain, NULL, why,
	    sizeof(why)), ST_USAGE);
	assert_int_equal(district_fields_apply(&d, NULL, "", why, sizeof(why)),
	    ST_USAGE);
	assert_int_equal(district_fields_apply(&d, NULL, "a\nb", why,
	    sizeof(why)), ST_USAGE);
	assert_int_equal(district_fields_apply(&d, NULL, "\xff\xfe", why,
	    sizeof(why)), ST_USAGE);
	assert_string_equal(d.name, "North");
	assert_int_equal(district_report_to_check("a@x.org, b@y.org", why,
	    sizeof(why)), ST_OK);
	assert_int_equal(district_report_to_check("a@x.org,not-an-address", why,
	    sizeof(why)), ST_USAGE);
	assert_non_null(strstr(why, "not-an-address"));
}

static void
test_district_create_and_retire(void **state)
{
	struct store *site, *ds;
	struct district d, got;
	struct list l;
	char *kept = NULL, *kept2 = NULL;
	int n_lists = -1;

	(void)state;
	assert_int_equal(store_site_open(home, &site), ST_OK);
	memset(&d, 0, sizeof(d));
	snprintf(d.slug, sizeof(d.slug), "../x");
	snprintf(d.domain, sizeof(d.domain), "x.org");
	snprintf(d.name, sizeof(d.name), "X");
	assert_int_equal(district_create(home, site, &d), ST_USAGE);
	snprintf(d.slug, sizeof(d.slug), "north");
	assert_int_equal(district_create(home, site, &d), ST_OK);
	assert_int_equal(district_create(home, site, &d), ST_EXISTS);
	snprintf(d.slug, sizeof(d.slug), "other");
	assert_int_equal(district_create(home, site, &d), ST_EXISTS);
	assert_int_equal(store_district_get(site, "other", &got), ST_NOTFOUND);
	/* With a list: refused unless forced. */
	assert_int_equal(store_district_open(home, "north", 0, &ds), ST_OK);
	model_list_defaults(&l, LIST_DISCUSSION);
	snprintf(l.name, sizeof(l.name), "staff");
	assert_int_equal(store_list_create(ds, &l), ST_OK);
	store_close(ds);
	assert_int_equal(district_retire(home, site, "north", 0, &n_lists,
	    &kept), ST_DENIED);
	assert_int_equal(n_lists, 1);
	assert_null(kept);
	assert_int_equal(district_retire(home, site, "north", 1, &n_lists,
	    &kept), ST_OK);
	assert_true(tu_exists(kept));
	/* The same slug again in the same second gets its own directory. */
	snprintf(d.slug, sizeof(d.slug), "north");
	assert_int_equal(district_create(home, site, &d), ST_OK);
	assert_int_equal(district_retire(home, site, "north", 0, &n_lists,
	    &kept2), ST_OK);
	assert_string_not_equal(kept, kept2);
	assert_true(tu_exists(kept) && tu_exists(kept2));
	assert_int_equal(store_district_get(site, "north", &got), ST_NOTFOUND);
	xfree(kept);
	xfree(kept2);
	assert_int_equal(district_retire(home, site, "north", 0, &n_lists,
	    &kept), ST_NOTFOUND);
	assert_null(kept);
	store_close(site);
}

static void
test_accounts_roles_passwords_tokens(void **state)
{
	struct store *site;
	struct district d;
	struct account a, b, got;
	struct api_token t;
	struct web_session ws = { 0, "c", 0 };
	char secret[TOKEN_LEN + 1], pw[TOKEN_LEN + 1];
	int deleted = -1;

	(void)state;
	assert_int_equal(store_site_open(home, &site), ST_OK);
	memset(&d, 0, sizeof(d));
	snprintf(d.slug, sizeof(d.slug), "south");
	snprintf(d.domain, sizeof(d.domain), "south.org");
	snprintf(d.name, sizeof(d.name), "S");
	assert_int_equal(district_create(home, site, &d), ST_OK);
	assert_false(account_name_valid(""));
	assert_false(account_name_valid("a b"));
	assert_false(account_name_valid("../x"));
	assert_true(account_name_valid("it.admin@south"));
	memset(&a, 0, sizeof(a));
	snprintf(a.username, sizeof(a.username), "<script>");
	assert_int_equal(account_create(site, &a, "long-enough-pw", "south"),
	    ST_USAGE);
	snprintf(a.username, sizeof(a.username), "sa");
	assert_int_equal(account_create(site, &a, "short", "south"), ST_USAGE);
	assert_int_equal(account_create(site, &a, "two\nlines-pw", "south"),
	    ST_USAGE);
	assert_int_equal(account_create(site, &a, "long-enough-pw", "south"),
	    ST_OK);
	assert_int_equal(store_role_has(site, a.id, "south", "admin"), ST_OK);
	b = a;
	assert_int_equal(account_create(site, &b, "long-enough-pw", NULL),
	    ST_EXISTS);
	/* A password reset ends the account's sessions. */
	ws.account_id = a.id;
	ws.expires = store_now() + 3600;
	assert_int_equal(store_session_add(site, "h1", &ws), ST_OK);
	account_password_generate(pw, sizeof(pw));
	assert_int_equal(strlen(pw), ACCOUNT_PASSWORD_GEN_LEN);
	assert_int_equal(account_password_set(site, a.id, pw), ST_OK);
	assert_int_equal(store_session_get(site, "h1", store_now(), &ws),
	    ST_NOTFOUND);
	assert_int_equal(store_account_get(site, "sa", &got), ST_OK);
	assert_true(passwd_check(pw, got.password_hash));
	/* Removing its only district removes an account without email. */
	assert_int_equal(account_district_remove(site, "sa", "north", &deleted),
	    ST_NOTFOUND);
	assert_int_equal(account_district_remove(site, "sa", "south", &deleted),
	    ST_OK);
	assert_int_equal(deleted, 1);
	assert_int_equal(store_account_get(site, "sa", &got), ST_NOTFOUND);
	/* Tokens: bad names refused, the secret is not what is stored. */
	memset(&t, 0, sizeof(t));
	assert_int_equal(account_token_create(site, &t, secret), ST_USAGE);
	snprintf(t.name, sizeof(t.name), "a\rb");
	assert_int_equal(account_token_create(site, &t, secret), ST_USAGE);
	snprintf(t.name, sizeof(t.name), "sync");
	snprintf(t.district, sizeof(t.district), "south");
	assert_int_equal(account_token_create(site, &t, secret), ST_OK);
	assert_true(token_shape_ok(secret, TOKEN_LEN));
	store_close(site);
}

static void
test_prune_removes_only_what_is_old(void **state)
{
	struct store *site;
	struct web_session ws = { 1, "c", 0 };
	int64_t now = store_now(), n_s = -1, n_f = -1, n = 0;

	(void)state;
	assert_int_equal(store_site_open(home, &site), ST_OK);
	ws.expires = now - 1;
	assert_int_equal(store_session_add(site, "old", &ws), ST_OK);
	ws.expires = now + 3600;
	assert_int_equal(store_session_add(site, "live", &ws), ST_OK);
	assert_int_equal(store_login_fail_add(site, "user:x"), ST_OK);
	assert_int_equal(store_web_prune(site, now, now - 60, &n_s, &n_f),
	    ST_OK);
	assert_int_equal(n_s, 1);
	assert_int_equal(n_f, 0);
	assert_int_equal(store_session_get(site, "live", now, &ws), ST_OK);
	assert_int_equal(store_web_prune(site, now, now + 60, &n_s, &n_f),
	    ST_OK);
	assert_int_equal(n_s, 0);
	assert_int_equal(n_f, 1);
	assert_int_equal(store_login_fail_count(site, "user:x", 0, &n), ST_OK);
	assert_int_equal(n, 0);
	store_close(site);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_district_fields_refuse_hostile_values),
		cmocka_unit_test(test_district_create_and_retire),
		cmocka_unit_test(test_accounts_roles_passwords_tokens),
		cmocka_unit_test(test_prune_removes_only_what_is_old),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
