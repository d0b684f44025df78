/* test_ldap.c - the pieces of the LDAP source and sign-in that need no
 * server: RFC 4515 escaping of filter values (every metacharacter, NUL,
 * bounds), filling the login filter, DN comparison, refusing an empty
 * password before any bind, reading the connection settings, and the
 * settings check and label of the source. The
 * dialogue with a real slapd is tested in tests/e2e/test_*_ldap.py. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "generator/ldap.h"
#include "generator/source.h"

static void
test_escape_metacharacters_and_nul(void **state)
{
	char out[64];
	static const char in[] = "a*b(c)d\\e\0f";

	(void)state;
	assert_int_equal(ldapc_escape(in, sizeof(in) - 1, out, sizeof(out)),
	    strlen("a\\2ab\\28c\\29d\\5ce\\00f"));
	assert_string_equal(out, "a\\2ab\\28c\\29d\\5ce\\00f");
	assert_int_equal(ldapc_escape("", 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	/* UTF-8 and other punctuation pass unchanged. */
	assert_true(ldapc_escape("Zoë & =,+<>#;\"", 15, out, sizeof(out)) > 0);
	assert_string_equal(out, "Zoë & =,+<>#;\"");
}

static void
test_escape_bounds(void **state)
{
	char out[4];

	(void)state;
	assert_int_equal(ldapc_escape("abc", 3, out, sizeof(out)), 3);
	assert_int_equal(ldapc_escape("abcd", 4, out, sizeof(out)), -1);
	assert_int_equal(ldapc_escape("*", 1, out, sizeof(out)), 3);
	assert_int_equal(ldapc_escape("*", 1, out, 3), -1);
}

static void
test_filter_fills_every_placeholder(void **state)
{
	char out[256];

	(void)state;
	assert_int_equal(ldapc_filter("(uid=%s)", "*)(uid=*", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "(uid=\\2a\\29\\28uid=\\2a)");
	assert_int_equal(ldapc_filter("(|(uid=%s)(mail=%s))", "a\\b", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "(|(uid=a\\5cb)(mail=a\\5cb))");
	assert_int_equal(ldapc_filter("uid=%s", "x", out, sizeof(out)), -1);
	assert_int_equal(ldapc_filter("", "x", out, sizeof(out)), -1);
	assert_int_equal(ldapc_filter("(uid=%s)", "abcdefgh", out, 12), -1);
}

static void
test_dn_norm_compares_without_case_or_spaces(void **state)
{
	char a[256], b[256];

	(void)state;
	assert_non_null(ldapc_dn_norm("CN=Staff, OU=Groups,dc=North,dc=org", a,
	    sizeof(a)));
	assert_non_null(ldapc_dn_norm("cn=staff,ou=groups,DC=north,DC=ORG", b,
	    sizeof(b)));
	assert_string_equal(a, b);
	assert_null(ldapc_dn_norm("not a dn", a, sizeof(a)));
	assert_null(ldapc_dn_norm("cn=staff,ou=groups", a, 5));
}

static void
test_empty_password_never_binds(void **state)
{
	char err[200];

	(void)state;
	/* No connection is touched: the refusal comes first. */
	assert_int_equal(ldapc_bind(NULL, "uid=a,dc=x", "", err, sizeof(err)),
	    ST_DENIED);
	assert_non_null(strstr(err, "empty password"));
	assert_int_equal(ldapc_bind(NULL, "uid=a,dc=x", NULL, err,
	    sizeof(err)), ST_DENIED);
}

static struct roster_source_conf conf;

/* Read settings, with "uri=URI" first unless uri is NULL. */
static enum status
read_conf(const char *uri, const char *settings, struct ldapc_conf *c,
    char *err, size_t len)
{
	memset(&conf, 0, sizeof(conf));
	snprintf(conf.type, sizeof(conf.type), "ldap");
	snprintf(conf.settings, sizeof(conf.settings), "%s%s%s%s", uri ? "uri=" :
	    "", uri ? uri : "", uri ? "\n" : "", settings);
	return ldapc_conf_read(&conf, c, err, len);
}

static void
test_conf_defaults_and_refusals(void **state)
{
	struct ldapc_conf c;
	char err[300];

	(void)state;
	assert_int_equal(read_conf("ldap://h", "base=dc=x\n", &c, err,
	    sizeof(err)), ST_OK);
	assert_int_equal(c.scope, LDAP_SCOPE_SUBTREE);
	assert_int_equal(c.timeout, LDAPC_TIMEOUT_DEFAULT);
	assert_int_equal(c.page_size, LDAPC_PAGE_DEFAULT);
	assert_int_equal(read_conf("ldap://h", "base=dc=x\nscope=one\n"
	    "page-size=0\n", &c, err, sizeof(err)), ST_OK);
	assert_int_equal(c.scope, LDAP_SCOPE_ONELEVEL);
	assert_int_equal(c.page_size, 0);
	assert_int_equal(read_conf("/srv/dir.csv", "base=dc=x\n", &c, err,
	    sizeof(err)), ST_CONFIG);
	assert_int_equal(read_conf(NULL, "base=dc=x\n", &c, err, sizeof(err)),
	    ST_CONFIG);
	assert_int_equal(read_conf("ldap://h", "base=dc=x\nbind-dn=cn=r\n"
	    "password-file=/etc/pw\n", &c, err, sizeof(err)), ST_OK);
	assert_true(c.conf == &conf);
	assert_int_equal(read_conf("ldap://h", "", &c, err, sizeof(err)),
	    ST_CONFIG);
	assert_int_equal(read_conf("ldaps://h", "base=dc=x\nstarttls=yes\n",
	    &c, err, sizeof(err)), ST_CONFIG);
	assert_int_equal(read_conf("ldap://h", "base=dc=x\nbind-dn=cn=r\n",
	    &c, err, sizeof(err)), ST_CONFIG);
	assert_int_equal(read_conf("ldap://h", "base=dc=x\ntimeout=0\n", &c,
	    err, sizeof(err)), ST_CONFIG);
	assert_int_equal(read_conf("ldap://h", "base=dc=x\npage-size=1e3\n",
	    &c, err, sizeof(err)), ST_CONFIG);
}

static enum status
check(const char *settings, char *err, size_t len)
{
	memset(&conf, 0, sizeof(conf));
	snprintf(conf.type, sizeof(conf.type), "ldap");
	snprintf(conf.settings, sizeof(conf.settings), "%s", settings);
	return source_ldap_check(&conf, err, len);
}

static void
test_check_refuses_unknown_and_bad_settings(void **state)
{
	static const char ok[] = "uri=ldap://h:389/\nbase=ou=p,dc=x\n";
	char err[400], s[600], label[300];

	(void)state;
	assert_int_equal(check(ok, err, sizeof(err)), ST_OK);
	source_ldap_describe(&conf, label, sizeof(label));
	assert_string_equal(label, "ldap://h:389/ou=p,dc=x");
	static const char *const bad[] = {
		"bsae=dc=x\n", "map.role=x\n", "map.=x\n", "map.school=\n",
		"role-map.boss=x\n", "role-group.staff=not a dn\n",
		"role-group.boss=cn=x,dc=x\n", "role-default=boss\n",
		"login=maybe\n", "login-filter=uid=%s\n", "login-filter=(uid=x)\n",
		"password-file=rel.pw\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(s, sizeof(s), "%s%s", ok, bad[i]);
		assert_int_equal(check(s, err, sizeof(err)), ST_CONFIG);
	}
	snprintf(s, sizeof(s), "%smap.school=ou\nrole-map.staff=Teacher\n"
	    "role-group.district-admin=cn=a,dc=x\nlogin=yes\n"
	    "login-filter=(|(uid=%%s)(mail=%%s))\nmap-id=objectGUID\n", ok);
	assert_int_equal(check(s, err, sizeof(err)), ST_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_metacharacters_and_nul),
		cmocka_unit_test(test_escape_bounds),
		cmocka_unit_test(test_filter_fills_every_placeholder),
		cmocka_unit_test(test_dn_norm_compares_without_case_or_spaces),
		cmocka_unit_test(test_empty_password_never_binds),
		cmocka_unit_test(test_conf_defaults_and_refusals),
		cmocka_unit_test(test_check_refuses_unknown_and_bad_settings),
	};

	return cmocka_run_group_tests_name("ldap", tests, NULL, NULL);
}
