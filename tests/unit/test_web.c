/* test_web.c - the web interface's core pieces on real files: yescrypt
 * password hashes, signed one-click unsubscribe links (forgery, case,
 * percent-encoding, hostile addresses), and the site.db rows for accounts,
 * sessions, login throttling and API tokens. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/passwd.h"
#include "core/store.h"
#include "core/store_web.h"
#include "core/token.h"
#include "core/unsub.h"
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
test_passwd_hash_is_yescrypt_salted_and_checks(void **state)
{
	char a[PASSWD_HASH_MAX], b[PASSWD_HASH_MAX];

	(void)state;
	assert_int_equal(passwd_hash("correct horse", a, sizeof(a)), 0);
	assert_int_equal(passwd_hash("correct horse", b, sizeof(b)), 0);
	assert_true(strncmp(a, "$y$", 3) == 0);
	assert_string_not_equal(a, b);
	assert_true(passwd_check("correct horse", a));
	assert_false(passwd_check("correct hors", a));
	assert_false(passwd_check("", a));
}

static void
test_passwd_refuses_malformed_hashes_and_bounds(void **state)
{
	char h[PASSWD_HASH_MAX], big[PASSWD_MAX + 10];

	(void)state;
	assert_false(passwd_check("x", ""));
	assert_false(passwd_check("x", "plain"));
	assert_false(passwd_check("x", "$y$"));
	assert_false(passwd_check("x", "$1$abc$"));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(passwd_hash(big, h, sizeof(h)), -1);
	assert_int_equal(passwd_hash("", h, sizeof(h)), -1);
	assert_int_equal(passwd_hash("ok-password", h, 10), -1);
}

static void
test_unsub_url_verifies_and_refuses_forgeries(void **state)
{
	char url[600], *s, *a;

	(void)state;
	assert_int_equal(unsub_url(url, sizeof(url), "https://l.example",
	    "north", "staff", "Bob+x@Example.org"), 0);
	assert_non_null(strstr(url, "https://l.example/d/north/lists/staff/"
	    "unsubscribe?a=Bob%2Bx%40Example.org&s="));
	s = strstr(url, "&s=") + 3;
	assert_int_equal(strlen(s), TOKEN_SIG_LEN);
	assert_true(unsub_verify("north", "staff", "bob+x@example.org", s));
	assert_true(unsub_verify("north", "staff", "BOB+X@EXAMPLE.ORG", s));
	assert_false(unsub_verify("south", "staff", "bob+x@example.org", s));
	assert_false(unsub_verify("north", "staff2", "bob+x@example.org", s));
	assert_false(unsub_verify("north", "staff", "eve@example.org", s));
	assert_false(unsub_verify("north", "staff", "bob+x@example.org", "short"));
	a = xstrdup(s);
	a[0] = a[0] == 'a' ? 'b' : 'a';
	assert_false(unsub_verify("north", "staff", "bob+x@example.org", a));
	xfree(a);
}

static void
test_unsub_url_refuses_overlong_and_encodes_hostile(void **state)
{
	char url[600], small[20];

	(void)state;
	assert_int_equal(unsub_url(small, sizeof(small), "", "d", "l",
	    "a@b.org"), -1);
	/* CR/LF and quotes are percent-encoded, never copied into a header. */
	assert_int_equal(unsub_url(url, sizeof(url), "", "d", "l",
	    "a\r\n\"<x>@b"), 0);
	assert_null(strpbrk(url, "\r\n\"<>"));
}

static void
test_store_web_accounts_sessions_throttle_tokens(void **state)
{
	struct store *site;
	struct account a, got;
	struct web_session ws, ws2;
	struct api_token t, tf;
	char h1[WEB_HASH_LEN + 1];
	int64_t n;

	(void)state;
	assert_int_equal(store_site_open(home, &site), ST_OK);
	memset(&a, 0, sizeof(a));
	snprintf(a.username, sizeof(a.username), "Boss");
	snprintf(a.password_hash, sizeof(a.password_hash), "$y$x");
	assert_int_equal(store_account_add(site, &a), ST_OK);
	assert_int_equal(store_account_add(site, &a), ST_EXISTS);
	assert_int_equal(store_account_get(site, "boss", &got), ST_OK);
	assert_int_equal(store_role_add(site, a.id, "north", "admin"), ST_OK);
	assert_int_equal(store_role_has(site, a.id, "north", "admin"), ST_OK);
	assert_int_equal(store_role_has(site, a.id, "south", "admin"), ST_NOTFOUND);
	store_web_hash("cookie", h1);
	memset(&ws, 0, sizeof(ws));
	ws.account_id = a.id;
	snprintf(ws.csrf, sizeof(ws.csrf), "c");
	ws.expires = store_now() + 100;
	assert_int_equal(store_session_add(site, h1, &ws), ST_OK);
	assert_int_equal(store_session_get(site, h1, store_now(), &ws2), ST_OK);
	assert_int_equal(store_session_get(site, h1, store_now() + 200, &ws2),
	    ST_NOTFOUND);
	assert_int_equal(store_login_fail_add(site, "user:boss"), ST_OK);
	assert_int_equal(store_login_fail_count(site, "user:boss", 0, &n), ST_OK);
	assert_int_equal(n, 1);
	memset(&t, 0, sizeof(t));
	snprintf(t.name, sizeof(t.name), "cms");
	assert_int_equal(store_token_add(site, h1, &t), ST_OK);
	assert_int_equal(store_token_find(site, h1, &tf), ST_OK);
	assert_string_equal(tf.district, "");
	assert_int_equal(store_token_revoke(site, t.id), ST_OK);
	assert_int_equal(store_token_find(site, h1, &tf), ST_NOTFOUND);
	assert_int_equal(store_account_remove(site, "boss"), ST_OK);
	assert_int_equal(store_session_get(site, h1, store_now(), &ws2),
	    ST_NOTFOUND);
	assert_int_equal(store_role_has(site, a.id, "north", "admin"),
	    ST_NOTFOUND);
	store_close(site);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passwd_hash_is_yescrypt_salted_and_checks),
		cmocka_unit_test(test_passwd_refuses_malformed_hashes_and_bounds),
		cmocka_unit_test(test_unsub_url_verifies_and_refuses_forgeries),
		cmocka_unit_test(test_unsub_url_refuses_overlong_and_encodes_hostile),
		cmocka_unit_test(test_store_web_accounts_sessions_throttle_tokens),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
