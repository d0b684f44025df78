/* ldap_login.c - check a person's directory password for the web's
 * sign-in (generator_ldap_login): search the entry with the escaped login
 * name as the service account, read its address, name and role groups,
 * then bind as the entry. Sessions and local accounts are web/'s job. */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "core/xmem.h"
#include "generator/generator.h"
#include "generator/ldap.h"
#include "generator/source.h"

#define LOGIN_FILTER_DEFAULT	"(uid=%s)"

static const char *const login_groups[] = { "district-admin", "list-owner" };

/* Is dn in the group named by setting role-group.<which>? -1 when the
 * group cannot be read within timeout seconds. */
static int
in_login_group(LDAP *ld, LDAPMessage *e, const char *dn,
    const struct roster_source_conf *conf, const char *which, int timeout,
    char *err, size_t err_len)
{
	char key[64], group[LDAPC_DN_MAX + 1], norm[LDAPC_DN_MAX + 1];
	char esc[LDAPC_FILTER_MAX], filter[LDAPC_FILTER_MAX + 64];
	char *attrs[] = { "1.1", NULL };
	struct timeval tv = { timeout, 0 };
	LDAPMessage *res = NULL;
	int rc, n;

	snprintf(key, sizeof(key), "role-group.%s", which);
	if (source_setting(conf, key, group, sizeof(group)) == NULL)
		return 0;
	if (ldapc_dn_norm(group, norm, sizeof(norm)) != NULL &&
	    ldapc_member_of(ld, e, norm))
		return 1;
	if (ldapc_escape(dn, strlen(dn), esc, sizeof(esc)) < 0)
		return 0;
	snprintf(filter, sizeof(filter), "(|(member=%s)(uniqueMember=%s))",
	    esc, esc);
	rc = LDAP_FN(ldap_search_ext_s)(ld, group, LDAP_SCOPE_BASE, filter,
	    attrs, 0, NULL, NULL, &tv, 1, &res);
	n = rc == LDAP_SUCCESS ? LDAP_FN(ldap_count_entries)(ld, res) : 0;
	LDAP_FN(ldap_msgfree)(res);
	if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT) {
		ldapc_error(ld, rc, key, err, err_len);
		return -1;
	}
	return n > 0;
}

/* Copy the entry's DN, address, name and groups into out. */
static enum status
read_entry(LDAP *ld, LDAPMessage *e, const struct roster_source_conf *conf,
    int timeout, struct generator_login *out, char *err, size_t err_len)
{
	char attr[64], group[8], *dn, *v;
	int any = 0;

	if ((dn = LDAP_FN(ldap_get_dn)(ld, e)) == NULL)
		return ST_TEMP;
	snprintf(out->dn, sizeof(out->dn), "%s", dn);
	LDAP_FN(ldap_memfree)(dn);
	if (!source_setting(conf, "map-address", attr, sizeof(attr)))
		snprintf(attr, sizeof(attr), "mail");
	if ((v = ldapc_value(ld, e, attr)) != NULL)
		snprintf(out->address, sizeof(out->address), "%s", v);
	xfree(v);
	if (!source_setting(conf, "map-name", attr, sizeof(attr)))
		snprintf(attr, sizeof(attr), "displayName");
	if ((v = ldapc_value(ld, e, attr)) != NULL ||
	    (v = ldapc_value(ld, e, "cn")) != NULL)
		snprintf(out->name, sizeof(out->name), "%s", v);
	xfree(v);
	for (size_t i = 0; i < 2; i++) {
		int *flag = i == 0 ? &out->district_admin : &out->list_owner;
		char key[64];

		snprintf(key, sizeof(key), "role-group.%s", login_groups[i]);
		any |= source_setting(conf, key, group, sizeof(group)) != NULL;
		if ((*flag = in_login_group(ld, e, out->dn, conf,
		    login_groups[i], timeout, err, err_len)) == -1)
			return ST_TEMP;
	}
	out->has_role = !any || out->district_admin || out->list_owner;
	return ST_OK;
}

/* Search the one entry login names; ST_DENIED for none or several. */
static enum status
find_entry(LDAP *ld, const struct ldapc_conf *c, const char *filter,
    const struct roster_source_conf *conf, struct generator_login *out,
    char *err, size_t err_len)
{
	char *attrs[] = { "mail", "displayName", "cn", "memberOf", NULL, NULL,
	    NULL };
	char amap[64], nmap[64];
	struct timeval tv = { c->timeout, 0 };
	LDAPMessage *res = NULL;
	enum status st;
	int rc, n;

	if (source_setting(conf, "map-address", amap, sizeof(amap)))
		attrs[4] = amap;
	if (source_setting(conf, "map-name", nmap, sizeof(nmap)))
		attrs[attrs[4] ? 5 : 4] = nmap;
	rc = LDAP_FN(ldap_search_ext_s)(ld, c->base, c->scope, filter, attrs,
	    0, NULL, NULL, &tv, 2, &res);
	n = rc == LDAP_SUCCESS ? LDAP_FN(ldap_count_entries)(ld, res) : 0;
	if (rc == LDAP_SIZELIMIT_EXCEEDED || (rc == LDAP_SUCCESS && n != 1)) {
		snprintf(err, err_len, "%s: %s", filter, n == 0 &&
		    rc == LDAP_SUCCESS ? "no such entry" : "more than one entry");
		st = ST_DENIED;
	} else if (rc != LDAP_SUCCESS) {
		ldapc_error(ld, rc, "search", err, err_len);
		st = rc == LDAP_FILTER_ERROR ? ST_CONFIG : ST_TEMP;
	} else
		st = read_entry(ld, LDAP_FN(ldap_first_entry)(ld, res), conf,
		    c->timeout, out, err, err_len);
	LDAP_FN(ldap_msgfree)(res);
	return st;
}

enum status
generator_ldap_login(const struct roster_source_conf *conf, const char *login,
    const char *password, struct generator_login *out, char *err,
    size_t err_len)
{
	char v[LDAPC_FILTER_MAX], filter[LDAPC_FILTER_MAX];
	struct ldapc_conf c;
	LDAP *ld = NULL;
	enum status st;

	memset(out, 0, sizeof(*out));
	if (source_setting(conf, "login", v, sizeof(v)) == NULL ||
	    strcmp(v, "yes") != 0) {
		snprintf(err, err_len, "directory sign-in is not set up "
		    "(setting login=yes)");
		return ST_NOTFOUND;
	}
	if (password == NULL || password[0] == '\0' || login[0] == '\0') {
		snprintf(err, err_len, "empty login name or password");
		return ST_DENIED;
	}
	if ((st = ldapc_conf_read(conf, &c, err, err_len)) != ST_OK)
		return st;
	source_setting(conf, "login-base", c.base, sizeof(c.base));
	if (!source_setting(conf, "login-filter", v, sizeof(v)))
		snprintf(v, sizeof(v), "%s", LOGIN_FILTER_DEFAULT);
	if (ldapc_filter(v, login, filter, sizeof(filter)) == -1) {
		snprintf(err, err_len, "login-filter \"%.200s\": expected "
		    "(...) with %%s, or the login name is too long", v);
		return strlen(login) > 256 ? ST_DENIED : ST_CONFIG;
	}
	if ((st = ldapc_open(&c, &ld, err, err_len)) != ST_OK)
		return st;
	if ((st = find_entry(ld, &c, filter, conf, out, err, err_len)) ==
	    ST_OK)
		st = ldapc_bind(ld, out->dn, password, err, err_len);
	LDAP_FN(ldap_unbind_ext_s)(ld, NULL, NULL);
	return st;
}
