/* test_dynlib.c - loading libraries on first use (core/dynlib.c) against
 * real shared objects: a table filled from libm and called through, a
 * missing file and a missing function named with their Debian package, a
 * failure remembered rather than retried, the test-build override, and
 * the LDAP and MariaDB tables resolving every function from the installed
 * libraries. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/dynlib.h"
#include "generator/ldap_api.h"
#include "generator/mysql_api.h"

struct m_api {
	__typeof__(&cos)	cos;
	__typeof__(&sqrt)	sqrt;
};

static int n_init;

static void
count_init(void *table)
{
	(void)table;
	n_init++;
}

static const struct dynlib_sym m_syms[] = {
	DYNLIB_SYM(struct m_api, 0, cos),
	DYNLIB_SYM(struct m_api, 0, sqrt),
};

static void
test_dynlib_fills_the_table_and_runs_init_once(void **state)
{
	static const struct dynlib_file files[] = {
		{ "libm.so.6", "libc6", NULL },
	};
	static struct m_api api;
	static struct dynlib lib = DYNLIB_INIT("Maths", files, m_syms, &api,
	    count_init);
	const struct m_api *a;
	char err[DYNLIB_ERR_MAX] = "";

	(void)state;
	n_init = 0;
	assert_false(dynlib_is_loaded(&lib));
	a = dynlib_get(&lib, err, sizeof(err));
	assert_ptr_equal(a, &api);
	assert_true(dynlib_is_loaded(&lib));
	assert_true(a->cos(0.0) == 1.0);
	assert_true(a->sqrt(16.0) == 4.0);
	assert_ptr_equal(dynlib_get(&lib, NULL, 0), &api);
	assert_int_equal(n_init, 1);
	assert_string_equal(err, "");
}

static void
test_dynlib_missing_file_names_the_library_and_package(void **state)
{
	static const struct dynlib_file files[] = {
		{ "libnot-here.so.9", "libnot-here9", "LISTD_TEST_LIBNOTHERE" },
	};
	static struct m_api api;
	static struct dynlib lib = DYNLIB_INIT("Maths support", files, m_syms,
	    &api, count_init);
	char err[DYNLIB_ERR_MAX], again[DYNLIB_ERR_MAX];

	(void)state;
	n_init = 0;
	unsetenv("LISTD_TEST_LIBNOTHERE");
	assert_null(dynlib_get(&lib, err, sizeof(err)));
	assert_string_equal(err, "Maths support needs libnot-here.so.9 "
	    "(Debian package libnot-here9): libnot-here.so.9: cannot open "
	    "shared object file: No such file or directory");
	assert_false(dynlib_is_loaded(&lib));
	assert_int_equal(n_init, 0);
	/* Remembered: even with a loadable file now, no second try. */
	setenv("LISTD_TEST_LIBNOTHERE", "libm.so.6", 1);
	assert_null(dynlib_get(&lib, again, sizeof(again)));
	assert_string_equal(again, err);
	assert_null(dynlib_get(&lib, NULL, 0));
	unsetenv("LISTD_TEST_LIBNOTHERE");
}

static void
test_dynlib_missing_function_is_named(void **state)
{
	static const struct dynlib_file files[] = {
		{ "libm.so.6", "libc6", NULL },
	};
	static const struct dynlib_sym syms[] = {
		DYNLIB_SYM(struct m_api, 0, cos),
		{ "listd_no_such_function", 0, offsetof(struct m_api, sqrt) },
	};
	static struct m_api api;
	static struct dynlib lib = DYNLIB_INIT("Maths", files, syms, &api,
	    NULL);
	char err[DYNLIB_ERR_MAX];

	(void)state;
	assert_null(dynlib_get(&lib, err, sizeof(err)));
	assert_non_null(strstr(err, "Maths needs libm.so.6 (Debian package "
	    "libc6): "));
	assert_non_null(strstr(err, "undefined symbol: "
	    "listd_no_such_function"));
	assert_false(dynlib_is_loaded(&lib));
}

static void
test_dynlib_test_override_replaces_the_file(void **state)
{
	static const struct dynlib_file files[] = {
		{ "libm.so.6", "libc6", "LISTD_TEST_LIBM_OVERRIDE" },
	};
	static struct m_api api;
	static struct dynlib lib = DYNLIB_INIT("Maths", files, m_syms, &api,
	    NULL);
	char err[DYNLIB_ERR_MAX];

	(void)state;
	setenv("LISTD_TEST_LIBM_OVERRIDE", "/nonexistent/libm.so", 1);
	assert_null(dynlib_get(&lib, err, sizeof(err)));
	unsetenv("LISTD_TEST_LIBM_OVERRIDE");
	/* The message names the library wanted and what dlopen said. */
	assert_non_null(strstr(err, "Maths needs libm.so.6 (Debian package "
	    "libc6): /nonexistent/libm.so: cannot open shared object file"));
}

static void
test_ldap_and_mariadb_tables_resolve_every_function(void **state)
{
	char err[DYNLIB_ERR_MAX] = "";
	const struct ldap_api *l;
	const struct mysql_api *m;

	(void)state;
	l = ldap_api_load(err, sizeof(err));
	assert_non_null(l);
	assert_ptr_equal(l, ldap_api_get());
	assert_string_equal(LDAP_FN(ldap_err2string)(LDAP_SUCCESS),
	    "Success");
	m = mysql_api_load(err, sizeof(err));
	assert_non_null(m);
	assert_ptr_equal(m, mysql_api_get());
	assert_string_equal(err, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dynlib_fills_the_table_and_runs_init_once),
		cmocka_unit_test(
		    test_dynlib_missing_file_names_the_library_and_package),
		cmocka_unit_test(test_dynlib_missing_function_is_named),
		cmocka_unit_test(test_dynlib_test_override_replaces_the_file),
		cmocka_unit_test(
		    test_ldap_and_mariadb_tables_resolve_every_function),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
