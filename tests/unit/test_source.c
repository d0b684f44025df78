/* test_source.c - directory source settings without a server: the column
 * map (checked and applied to a real CSV file), the mysql settings table
 * (defaults, hostile values, the label never holding the password), and the
 * password file (mode 600 only, first line, empty and overlong files). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "generator/source.h"
#include "generator/source_mysql.h"
#include "testutil.h"

static void
conf_init(struct roster_source_conf *c, const char *type, const char *path)
{
	memset(c, 0, sizeof(*c));
	store_roster_source_defaults(c);
	snprintf(c->type, sizeof(c->type), "%s", type);
	snprintf(c->path, sizeof(c->path), "%s", path);
}

static void
put(struct roster_source_conf *c, const char *key, const char *value)
{
	char err[256];

	assert_int_equal(source_setting_put(c, key, value, err, sizeof(err)),
	    ST_OK);
}

static void
check_conf(const struct roster_source_conf *c, enum status want,
    const char *words)
{
	char err[512] = "";

	assert_int_equal(source_check(c, err, sizeof(err)), want);
	if (words && strstr(err, words) == NULL)
		fail_msg("got \"%s\", expected \"%s\"", err, words);
}

static void
test_map_renames_csv_columns(void **state)
{
	struct roster_source_conf c;
	struct source *src;
	char *dir = tu_tmpdir_new(), *csv = xasprintf("%s/d.csv", dir);
	char err[512];
	FILE *fp = fopen(csv, "w");

	(void)state;
	fputs("uid,mail,kind\n1,a@x.org,staff\n", fp);
	fclose(fp);
	conf_init(&c, "csv", csv);
	put(&c, "map-address", "MAIL");
	put(&c, "map-role", "kind");
	put(&c, "map-id", "uid");
	assert_int_equal(source_open(&c, &src, err, sizeof(err)), ST_OK);
	assert_string_equal(src->columns[0], "id");
	assert_string_equal(src->columns[1], "address");
	assert_string_equal(src->columns[2], "role");
	source_close(src);
	put(&c, "map-name", "nosuch");
	assert_int_equal(source_open(&c, &src, err, sizeof(err)), ST_DATA);
	assert_non_null(strstr(err, "\"nosuch\", which the source does not"));
	put(&c, "map-name", NULL);
	fp = fopen(csv, "w");
	fputs("uid,mail,kind,role\n1,a@x.org,staff,x\n", fp);
	fclose(fp);
	assert_int_equal(source_open(&c, &src, err, sizeof(err)), ST_DATA);
	assert_non_null(strstr(err, "also has a column \"role\""));
	xfree(csv);
	tu_tmpdir_remove(dir);
}

static void
test_map_keys_checked(void **state)
{
	struct roster_source_conf c;

	(void)state;
	conf_init(&c, "csv", "/x.csv");
	check_conf(&c, ST_OK, NULL);
	put(&c, "map-school", "s");
	check_conf(&c, ST_CONFIG, "address, name, role, active or id");
	put(&c, "map-school", NULL);
	put(&c, "map-name", "");
	check_conf(&c, ST_CONFIG, "a column name");
}

static void
test_mysql_defaults_and_label(void **state)
{
	struct roster_source_conf c;
	struct mysql_settings ms;
	char err[512], label[512];

	(void)state;
	conf_init(&c, "mysql", "");
	check_conf(&c, ST_CONFIG, "user=NAME");
	put(&c, "user", "reader");
	put(&c, "password", "Top-Secret-1");
	assert_int_equal(source_mysql_settings(&c, &ms, err, sizeof(err)),
	    ST_OK);
	assert_string_equal(ms.host, "localhost");
	assert_int_equal(ms.port, 3306);
	assert_int_equal(ms.connect_timeout, 10);
	assert_int_equal(ms.query_timeout, 600);
	assert_int_equal(ms.tls, SOURCE_TLS_OFF);
	put(&c, "host", "db.example.org");
	put(&c, "database", "accounts");
	source_mysql_describe(&c, label, sizeof(label));
	assert_string_equal(label, "mysql://reader@db.example.org:3306/accounts");
	put(&c, "socket", "/run/mysqld/mysqld.sock");
	source_mysql_describe(&c, label, sizeof(label));
	assert_string_equal(label, "mysql://reader@localhost/accounts"
	    "?socket=/run/mysqld/mysqld.sock");
	assert_null(strstr(label, "Top-Secret"));
}

static void
test_mysql_hostile_values(void **state)
{
	static const char *const bad[][3] = {
		{ "port", "0", "1 to 65535" }, { "port", "65536", "1 to" },
		{ "port", "-5", "1 to" }, { "port", "3306 ", "1 to" },
		{ "port", "99999999999999999999", "1 to" },
		{ "connect-timeout", "0", "connect-timeout" },
		{ "query-timeout", "86401", "query-timeout" },
		{ "tls", "on", "off, required or verify" },
		{ "tls", "verify", "tls-ca" },
		{ "password-file", "pw.txt", "absolute" },
		{ "socket", "mysqld.sock", "absolute" },
		{ "hostname", "db", "not a mysql setting" },
		{ "database", "", "a value" },
	};
	struct roster_source_conf c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		conf_init(&c, "mysql", "");
		put(&c, "user", "reader");
		put(&c, bad[i][0], bad[i][1]);
		check_conf(&c, ST_CONFIG, bad[i][2]);
	}
	conf_init(&c, "mysql", "");
	put(&c, "user", "reader");
	put(&c, "password", "a");
	put(&c, "password-file", "/etc/pw");
	check_conf(&c, ST_CONFIG, "only one");
	conf_init(&c, "nosuch", "");
	check_conf(&c, ST_CONFIG, "csv, sqlite, mysql");
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
}

static void
test_password_file(void **state)
{
	struct roster_source_conf c;
	char *dir = tu_tmpdir_new(), *pw = xasprintf("%s/pw", dir);
	char buf[SOURCE_PASSWORD_MAX + 1], err[512], big[3000];

	(void)state;
	conf_init(&c, "mysql", "");
	assert_int_equal(source_password(&c, buf, sizeof(buf), err,
	    sizeof(err)), 0);
	put(&c, "password-file", pw);
	write_file(pw, "Pw-One\r\nsecond line\n", 0600);
	assert_int_equal(source_password(&c, buf, sizeof(buf), err,
	    sizeof(err)), 1);
	assert_string_equal(buf, "Pw-One");
	write_file(pw, "Pw-One\n", 0644);
	assert_int_equal(source_password(&c, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "chmod 600"));
	assert_null(strstr(err, "Pw-One"));
	write_file(pw, "\nPw-Two\n", 0600);
	assert_int_equal(source_password(&c, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "empty"));
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	write_file(pw, big, 0600);
	assert_int_equal(source_password(&c, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "longer"));
	unlink(pw);
	assert_int_equal(source_password(&c, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot read"));
	put(&c, "password-file", dir);
	assert_int_equal(source_password(&c, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	xfree(pw);
	tu_tmpdir_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_renames_csv_columns),
		cmocka_unit_test(test_map_keys_checked),
		cmocka_unit_test(test_mysql_defaults_and_label),
		cmocka_unit_test(test_mysql_hostile_values),
		cmocka_unit_test(test_password_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
