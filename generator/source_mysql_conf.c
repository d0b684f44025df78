/* source_mysql_conf.c - the settings of a MySQL/MariaDB directory source
 * (host, port, socket, user, password-file, database, tls, tls-ca,
 * connect-timeout, query-timeout; map-* belong to source_map.c): one table
 * of keys, each value checked, so `listctl source set` refuses a typo
 * before a nightly run trips on it. Connecting is source_mysql.c's job. */
#include <stdio.h>
#include <string.h>

#include "generator/source.h"
#include "generator/source_mysql.h"

static const char *const known_keys[] = {
	"host", "port", "socket", "user", "password", "password-file",
	"database", "tls", "tls-ca", "connect-timeout", "query-timeout",
};

#define N_KEYS (sizeof(known_keys) / sizeof(known_keys[0]))

struct key_check {
	char	*err;
	size_t	 err_len;
};

static int
check_key(const char *key, void *ctx)
{
	struct key_check *kc = ctx;

	if (strncmp(key, "map-", 4) == 0)
		return 0;
	for (size_t i = 0; i < N_KEYS; i++)
		if (strcmp(key, known_keys[i]) == 0)
			return 0;
	snprintf(kc->err, kc->err_len, "setting %s: not a mysql setting "
	    "(host, port, socket, user, password-file, database, tls, tls-ca, "
	    "connect-timeout, query-timeout, map-COLUMN)", key);
	return 1;
}

/* Setting key into buf (def when unset): refused when longer than buf or,
 * with is_path, not an absolute path. */
static int
get_str(const struct roster_source_conf *conf, const char *key,
    const char *def, int is_path, char *buf, size_t len, char *err,
    size_t err_len)
{
	char v[ROSTER_SETTINGS_MAX + 1];

	if (source_setting(conf, key, v, sizeof(v)) == NULL) {
		snprintf(buf, len, "%s", def);
		return 0;
	}
	if (strlen(v) >= len || v[0] == '\0' || (is_path && v[0] != '/')) {
		snprintf(err, err_len, "setting %s: %s of at most %zu bytes "
		    "expected", key, is_path ? "an absolute path" : "a value",
		    len - 1);
		return -1;
	}
	snprintf(buf, len, "%s", v);
	return 0;
}

static int
get_tls(const struct roster_source_conf *conf, struct mysql_settings *ms,
    char *err, size_t err_len)
{
	static const char *const names[] = { "off", "required", "verify" };
	char v[32];

	ms->tls = SOURCE_TLS_OFF;
	if (source_setting(conf, "tls", v, sizeof(v)) != NULL) {
		size_t i;

		for (i = 0; i < 3 && strcmp(v, names[i]) != 0; i++)
			;
		if (i == 3) {
			snprintf(err, err_len, "setting tls=%s: off, required "
			    "or verify expected", v);
			return -1;
		}
		ms->tls = (enum source_tls)i;
	}
	if (get_str(conf, "tls-ca", "", 1, ms->tls_ca, sizeof(ms->tls_ca),
	    err, err_len) == -1)
		return -1;
	if (ms->tls == SOURCE_TLS_VERIFY && ms->tls_ca[0] == '\0') {
		snprintf(err, err_len, "setting tls=verify needs tls-ca=FILE "
		    "(the CA certificate that signed the server's)");
		return -1;
	}
	if (ms->tls != SOURCE_TLS_VERIFY && ms->tls_ca[0] != '\0') {
		snprintf(err, err_len, "setting tls-ca is used only with "
		    "tls=verify (tls=required encrypts without checking)");
		return -1;
	}
	return 0;
}

enum status
source_mysql_settings(const struct roster_source_conf *conf,
    struct mysql_settings *ms, char *err, size_t err_len)
{
	struct key_check kc = { err, err_len };

	memset(ms, 0, sizeof(*ms));
	if (source_setting_each(conf, check_key, &kc) != 0 ||
	    get_str(conf, "host", "localhost", 0, ms->host, sizeof(ms->host),
	    err, err_len) == -1 ||
	    source_setting_uint(conf, "port", 1, 65535, 3306, &ms->port, err,
	    err_len) == -1 ||
	    get_str(conf, "socket", "", 1, ms->socket, sizeof(ms->socket),
	    err, err_len) == -1 ||
	    get_str(conf, "user", "", 0, ms->user, sizeof(ms->user), err,
	    err_len) == -1 ||
	    get_str(conf, "database", "", 0, ms->database,
	    sizeof(ms->database), err, err_len) == -1 ||
	    get_tls(conf, ms, err, err_len) == -1 ||
	    source_setting_uint(conf, "connect-timeout", 1, 300, 10,
	    &ms->connect_timeout, err, err_len) == -1 ||
	    source_setting_uint(conf, "query-timeout", 1, 86400, 600, &ms->query_timeout,
	    err, err_len) == -1 ||
	    source_password_check(conf, err, err_len) == -1)
		return ST_CONFIG;
	if (ms->user[0] == '\0') {
		snprintf(err, err_len, "a mysql source needs --setting "
		    "user=NAME (a read-only account)");
		return ST_CONFIG;
	}
	return ST_OK;
}

enum status
source_mysql_check(const struct roster_source_conf *conf, char *err,
    size_t err_len)
{
	struct mysql_settings ms;

	return source_mysql_settings(conf, &ms, err, err_len);
}

void
source_mysql_describe(const struct roster_source_conf *conf, char *buf,
    size_t len)
{
	struct mysql_settings ms;
	char err[256];

	if (source_mysql_settings(conf, &ms, err, sizeof(err)) != ST_OK) {
		snprintf(buf, len, "mysql://");
		return;
	}
	if (ms.socket[0])
		snprintf(buf, len, "mysql://%s@localhost/%s?socket=%s", ms.user,
		    ms.database, ms.socket);
	else
		snprintf(buf, len, "mysql://%s@%s:%u/%s", ms.user, ms.host,
		    ms.port, ms.database);
}
