/* source_ldap_conf.c - the settings of an LDAP directory source checked
 * without connecting (source_ldap_check), so `listctl source set` refuses a
 * typo before a nightly run trips on it, and the source's label
 * (source_ldap_describe). Connecting is ldap.c's job, reading entries
 * source_ldap.c's; map-COLUMN belongs to source_map.c. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/dynlib.h"
#include "generator/ldap.h"
#include "generator/source.h"

static const char *const known_keys[] = {
	"uri", "base", "scope", "starttls", "tls-ca", "bind-dn", "password",
	"password-file", "page-size", "timeout", "filter", "role-attr",
	"role-default", "login", "login-filter", "login-base",
};

#define N_KEYS (sizeof(known_keys) / sizeof(known_keys[0]))

static const char *const roles[] = { "staff", "student", "utility" };
static const char *const web_roles[] = { "district-admin", "list-owner" };
static const char *const fixed_columns[] = { "id", "address", "name",
    "role", "active" };

struct check_ctx {
	const struct roster_source_conf	*conf;
	char				*err;
	size_t				 err_len;
};

static int
in(const char *word, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(word, set[i]) == 0)
			return 1;
	return 0;
}

#define IN(word, set) in(word, set, sizeof(set) / sizeof(set[0]))

/* One setting: a known key, or a map./role-map./role-group. key whose
 * value makes sense. Non-zero with err for a bad one. */
static int
check_key(const char *key, void *ctx)
{
	struct check_ctx *cc = ctx;
	char v[LDAPC_DN_MAX + 1], norm[LDAPC_DN_MAX + 1];
	char msg[DYNLIB_ERR_MAX];

	if (IN(key, known_keys) || strncmp(key, "map-", 4) == 0)
		return 0;
	source_setting(cc->conf, key, v, sizeof(v));
	if (strncmp(key, "map.", 4) == 0 && key[4] && !IN(key + 4,
	    fixed_columns) && v[0] && strlen(v) < LDAPC_ATTR_MAX)
		return 0;
	if (strncmp(key, "role-map.", 9) == 0 && IN(key + 9, roles))
		return 0;
	if (strncmp(key, "role-group.", 11) == 0 && (IN(key + 11, roles) ||
	    IN(key + 11, web_roles)) && ldapc_dn_norm(v, norm, sizeof(norm)))
		return 0;
	if (strncmp(key, "map.", 4) == 0)
		snprintf(cc->err, cc->err_len, "setting %s: map.COLUMN="
		    "ldapAttribute expected, COLUMN not id, address, name, role "
		    "or active (those are map-COLUMN)", key);
	else if (strncmp(key, "role-map.", 9) == 0)
		snprintf(cc->err, cc->err_len, "setting %s: role-map.staff, "
		    "role-map.student or role-map.utility expected", key);
	else if (strncmp(key, "role-group.", 11) == 0 &&
	    ldap_api_load(msg, sizeof(msg)) == NULL)
		snprintf(cc->err, cc->err_len, "setting %s: cannot check the "
		    "DN: %s", key, msg);
	else if (strncmp(key, "role-group.", 11) == 0)
		snprintf(cc->err, cc->err_len, "setting %s: a group DN for "
		    "role-group.staff, .student, .utility, .district-admin or "
		    ".list-owner expected (not a DN: \"%.100s\")", key, v);
	else
		snprintf(cc->err, cc->err_len, "setting %s: not an ldap setting "
		    "(uri, base, scope, starttls, tls-ca, bind-dn, password-file, "
		    "page-size, timeout, filter, role-attr, role-map.ROLE, "
		    "role-group.ROLE, role-default, map-COLUMN, map.COLUMN, "
		    "login, login-filter, login-base)", key);
	return 1;
}

/* The settings that take one of a few words, the login filter, and the
 * password settings. 0, or -1 with err. */
static int
check_values(const struct roster_source_conf *conf, char *err,
    size_t err_len)
{
	char v[LDAPC_FILTER_MAX];
	size_t n;

	if (source_setting(conf, "role-default", v, sizeof(v)) &&
	    !IN(v, roles)) {
		snprintf(err, err_len, "setting role-default=%.40s: staff, "
		    "student or utility expected", v);
		return -1;
	}
	if (source_setting(conf, "login", v, sizeof(v)) &&
	    strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
		snprintf(err, err_len, "setting login=%.40s: yes or no "
		    "expected", v);
		return -1;
	}
	if (source_setting(conf, "login-filter", v, sizeof(v)) &&
	    ((n = strlen(v)) < 2 || v[0] != '(' || v[n - 1] != ')' ||
	    strstr(v, "%s") == NULL)) {
		snprintf(err, err_len, "setting login-filter: a filter in "
		    "parentheses with %%s for the name expected, such as "
		    "(uid=%%s)");
		return -1;
	}
	return source_password_check(conf, err, err_len);
}

enum status
source_ldap_check(const struct roster_source_conf *conf, char *err,
    size_t err_len)
{
	struct check_ctx cc = { conf, err, err_len };
	struct ldapc_conf c;
	enum status st;

	if ((st = ldapc_conf_read(conf, &c, err, err_len)) != ST_OK)
		return st;
	if (source_setting_each(conf, check_key, &cc) != 0 ||
	    check_values(conf, err, err_len) == -1)
		return ST_CONFIG;
	return ST_OK;
}

void
source_ldap_describe(const struct roster_source_conf *conf, char *buf,
    size_t len)
{
	char uri[ROSTER_PATH_MAX + 1], base[LDAPC_DN_MAX + 1];
	size_t n;

	if (source_setting(conf, "uri", uri, sizeof(uri)) == NULL)
		snprintf(uri, sizeof(uri), "ldap://");
	if (source_setting(conf, "base", base, sizeof(base)) == NULL)
		base[0] = '\0';
	n = strlen(uri);
	while (n > 0 && uri[n - 1] == '/' && n > 8)
		uri[--n] = '\0';
	snprintf(buf, len, "%s/%s", uri, base);
}
