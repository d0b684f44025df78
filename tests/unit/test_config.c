/* test_config.c - listd.conf parsing: defaults, a good file, and every kind
 * of bad line, each reported as "FILE:LINE: message". Real files in a
 * temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/config.h"
#include "tests/unit/testutil.h"

struct fixture {
	char	*dir;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	unsetenv("LISTD_HOME");
	f->dir = tu_tmpdir_new();
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	tu_tmpdir_remove(f->dir);
	xfree(f);
	return 0;
}

/* Load text as listd.conf over the defaults; expect failure with exactly
 * "PATH:" + want (want starts with the line number). */
static void
expect_error(struct fixture *f, const char *text, const char *want)
{
	struct config c;
	char err[600], *path = tu_write_str(f->dir, "listd.conf", text);
	char *full = xasprintf("%s:%s", path, want);

	config_defaults(&c);
	assert_int_equal(config_load(&c, path, 0, err, sizeof(err)), -1);
	assert_string_equal(err, full);
	xfree(full);
	xfree(path);
}

static void
test_config_defaults(void **state)
{
	struct config c;

	(void)state;
	config_defaults(&c);
	assert_string_equal(c.home, "/var/lib/listd");
	assert_int_equal(c.log_level, 2);
	assert_int_equal(c.log_syslog, 0);
	assert_int_equal(c.min_free_disk_percent, 5);
	assert_string_equal(c.lmtp_listen, "127.0.0.1:2424");
	assert_int_equal(c.lmtp_max_message_size, 25L * 1024 * 1024);
	assert_string_equal(c.relay, "127.0.0.1:25");
	assert_int_equal(c.batch_size, 100);
	assert_int_equal(c.retry_min, 60);
	assert_int_equal(c.retry_max, 3600);
	assert_string_equal(c.http_listen, "127.0.0.1:8080");
}

static void
test_config_defaults_take_home_from_environment(void **state)
{
	struct fixture *f = *state;
	struct config c;
	char err[600], *path;

	setenv("LISTD_HOME", "/srv/listd-env", 1);
	config_defaults(&c);
	assert_string_equal(c.home, "/srv/listd-env");
	path = tu_write_str(f->dir, "listd.conf", "home = /elsewhere\n");
	assert_int_equal(config_load(&c, path, 0, err, sizeof(err)), 0);
	assert_string_equal(c.home, "/srv/listd-env");
	unsetenv("LISTD_HOME");
	xfree(path);
}

static void
test_config_good_file_sets_every_kind(void **state)
{
	struct fixture *f = *state;
	struct config c;
	char err[600], *path;

	path = tu_write_str(f->dir, "listd.conf",
	    "# comment\n"
	    "; another comment\n"
	    "\n"
	    "home = /srv/listd\n"
	    "log_level = debug\n"
	    "log_syslog = yes\n"
	    "[lmtp]\n"
	    "  listen = [::1]:2525  \n"
	    "max_message_size = 10M\n"
	    "[delivery]\n"
	    "relay = \"mx.example.org:587\"\n"
	    "batch_size = 1000\n"
	    "retry_min = 5\n"
	    "retry_max = 5\n"
	    "[http]\n"
	    "listen =\n");
	config_defaults(&c);
	assert_int_equal(config_load(&c, path, 0, err, sizeof(err)), 0);
	assert_string_equal(c.home, "/srv/listd");
	assert_int_equal(c.log_level, 3);
	assert_int_equal(c.log_syslog, 1);
	assert_string_equal(c.lmtp_listen, "[::1]:2525");
	assert_int_equal(c.lmtp_max_message_size, 10L * 1024 * 1024);
	assert_string_equal(c.relay, "mx.example.org:587");
	assert_int_equal(c.batch_size, 1000);
	assert_int_equal(c.retry_min, 5);
	assert_string_equal(c.http_listen, "");
	xfree(path);
}

static void
test_config_rejects_unknown_key(void **state)
{
	expect_error(*state, "[listd]\nlog_level = info\nfoo = 1\n",
	    "3: unknown key \"foo\" in [listd]");
	/* A key that exists, but in another section. */
	expect_error(*state, "[http]\nbatch_size = 3\n",
	    "2: unknown key \"batch_size\" in [http]");
}

static void
test_config_rejects_unknown_section(void **state)
{
	expect_error(*state, "# top\n[nope]\n", "2: unknown section [nope]");
	expect_error(*state, "[lmtp\n", "1: bad section header");
	expect_error(*state, "[lmtp] x\n", "1: bad section header");
}

static void
test_config_rejects_line_without_equals(void **state)
{
	expect_error(*state, "batch_size 3\n", "1: expected \"key = value\"");
}

static void
test_config_rejects_bad_number(void **state)
{
	expect_error(*state, "[delivery]\nbatch_size = ten\n",
	    "2: batch_size: \"ten\" is not a number");
	expect_error(*state, "[delivery]\nbatch_size = 12abc\n",
	    "2: batch_size: \"12abc\" is not a number");
	expect_error(*state, "[delivery]\nbatch_size = 99999999999999999999\n",
	    "2: batch_size: \"99999999999999999999\" is not a number");
	expect_error(*state, "[lmtp]\nmax_message_size = 10X\n",
	    "2: max_message_size: \"10X\" is not a number");
	expect_error(*state, "[lmtp]\nmax_message_size = 99999999999G\n",
	    "2: max_message_size: \"99999999999G\" is not a number");
}

static void
test_config_rejects_below_min_and_above_max(void **state)
{
	expect_error(*state, "[delivery]\nbatch_size = 0\n",
	    "2: batch_size: 0 is below the minimum 1");
	expect_error(*state, "[delivery]\nbatch_size = -5\n",
	    "2: batch_size: -5 is below the minimum 1");
	expect_error(*state, "\n[delivery]\nbatch_size = 1001\n",
	    "3: batch_size: 1001 is above the maximum 1000");
	expect_error(*state, "[lmtp]\nmax_message_size = 2G\n",
	    "2: max_message_size: 2147483648 is above the maximum 1073741824");
}

static void
test_config_rejects_bad_bool_and_level(void **state)
{
	expect_error(*state, "log_syslog = maybe\n",
	    "1: log_syslog: \"maybe\" is not yes or no");
	expect_error(*state, "log_level = loud\n",
	    "1: log_level: \"loud\" is not error, warn, info or debug");
}

static void
test_config_rejects_bad_hostport(void **state)
{
	expect_error(*state, "[delivery]\nrelay = localhost\n",
	    "2: relay: \"localhost\" is not host:port");
	expect_error(*state, "[delivery]\nrelay = :25\n",
	    "2: relay: \":25\" is not host:port");
	expect_error(*state, "[delivery]\nrelay = host:0\n",
	    "2: relay: \"host:0\" is not host:port");
	expect_error(*state, "[delivery]\nrelay = host:70000\n",
	    "2: relay: \"host:70000\" is not host:port");
	expect_error(*state, "[delivery]\nrelay = host:25x\n",
	    "2: relay: \"host:25x\" is not host:port");
}

static void
test_config_hostport_parses_brackets(void **state)
{
	char host[16];
	int port = 0;

	(void)state;
	assert_int_equal(config_hostport("[::1]:25", host, sizeof(host), &port), 0);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 25);
	assert_int_equal(config_hostport("a-very-long-host-name:25", host,
	    sizeof(host), &port), -1);
	assert_int_equal(config_hostport("[]:25", host, sizeof(host), &port), -1);
}

static void
test_config_rejects_overlong_line(void **state)
{
	char text[3000];

	memcpy(text, "# ok\nhome = ", 12);
	memset(text + 12, 'x', 2000);
	memcpy(text + 2012, "\n", 2);
	expect_error(*state, text, "2: line longer than 1022 bytes");
}

static void
test_config_rejects_overlong_string_value(void **state)
{
	char text[700];

	memcpy(text, "home = ", 7);
	memset(text + 7, 'x', 600);
	memcpy(text + 607, "\n", 2);
	expect_error(*state, text, "1: home: value longer than 511 bytes");
}

static void
test_config_rejects_retry_min_above_retry_max(void **state)
{
	expect_error(*state, "[delivery]\nretry_min = 100\nretry_max = 50\n",
	    "3: retry_min 100 is above retry_max 50");
	expect_error(*state, "[delivery]\nretry_min = 7200\n",
	    "2: retry_min 7200 is above retry_max 3600");
}

static void
test_config_missing_file(void **state)
{
	struct fixture *f = *state;
	struct config c;
	char err[600], *path = xasprintf("%s/absent.conf", f->dir);
	char *want = xasprintf("%s: No such file or directory", path);

	config_defaults(&c);
	assert_int_equal(config_load(&c, path, 0, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	/* Optional: a missing file is the defaults. */
	assert_int_equal(config_load(&c, path, 1, err, sizeof(err)), 0);
	assert_int_equal(c.batch_size, 100);
	xfree(want);
	xfree(path);
}

static void
test_config_error_keeps_earlier_values_bounded(void **state)
{
	struct fixture *f = *state;
	struct config c;
	char err[40], *path;

	/* A tiny error buffer truncates the message, never overflows. */
	path = tu_write_str(f->dir, "listd.conf", "[delivery]\nbatch_size = 0\n");
	config_defaults(&c);
	assert_int_equal(config_load(&c, path, 0, err, sizeof(err)), -1);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	assert_int_equal(c.batch_size, 100);
	xfree(path);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_config_defaults),
		T(test_config_defaults_take_home_from_environment),
		T(test_config_good_file_sets_every_kind),
		T(test_config_rejects_unknown_key),
		T(test_config_rejects_unknown_section),
		T(test_config_rejects_line_without_equals),
		T(test_config_rejects_bad_number),
		T(test_config_rejects_below_min_and_above_max),
		T(test_config_rejects_bad_bool_and_level),
		T(test_config_rejects_bad_hostport),
		T(test_config_hostport_parses_brackets),
		T(test_config_rejects_overlong_line),
		T(test_config_rejects_overlong_string_value),
		T(test_config_rejects_retry_min_above_retry_max),
		T(test_config_missing_file),
		T(test_config_error_keeps_earlier_values_bounded),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
