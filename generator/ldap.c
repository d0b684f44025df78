/* ldap.c - connection settings, connecting and binding, filter escaping
 * and DN comparison for the LDAP source and sign-in (ldap.h). Reading
 * entries is source_ldap.c's job, checking a user's password
 * ldap_login.c's. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "core/xmem.h"
#include "generator/ldap.h"
#include "generator/source.h"

static enum status set_options(LDAP *, const struct ldapc_conf *, char *,
		    size_t);

enum status
ldapc_conf_read(const struct roster_source_conf *conf, struct ldapc_conf *out,
    char *err, size_t err_len)
{
	char v[32];

	unsigned timeout, page;
	char pw[8];
	int has_pw;

	memset(out, 0, sizeof(*out));
	out->conf = conf;
	if (source_setting(conf, "uri", out->uri, sizeof(out->uri)) == NULL ||
	    (strncasecmp(out->uri, "ldap://", 7) != 0 &&
	    strncasecmp(out->uri, "ldaps://", 8) != 0)) {
		snprintf(err, err_len, "an LDAP source needs the setting uri "
		    "(ldap://HOST[:PORT] or ldaps://HOST[:PORT])");
		return ST_CONFIG;
	}
	if (source_setting(conf, "starttls", v, sizeof(v)) != NULL) {
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
			snprintf(err, err_len, "setting starttls \"%s\": "
			    "expected yes or no", v);
			return ST_CONFIG;
		}
		out->starttls = strcmp(v, "yes") == 0;
	}
	if (out->starttls && strncasecmp(out->uri, "ldaps://", 8) == 0) {
		snprintf(err, err_len, "%s: ldaps:// is TLS already; unset "
		    "starttls", out->uri);
		return ST_CONFIG;
	}
	source_setting(conf, "tls-ca", out->tls_ca, sizeof(out->tls_ca));
	source_setting(conf, "bind-dn", out->bind_dn, sizeof(out->bind_dn));
	has_pw = source_setting(conf, "password-file", pw, sizeof(pw)) ||
	    source_setting(conf, "password", pw, sizeof(pw));
	explicit_bzero(pw, sizeof(pw));
	if (out->bind_dn[0] != '\0' && !has_pw) {
		snprintf(err, err_len, "setting bind-dn needs password-file (a "
		    "file only its owner can read)");
		return ST_CONFIG;
	}
	if (source_setting(conf, "base", out->base, sizeof(out->base)) ==
	    NULL || out->base[0] == '\0') {
		snprintf(err, err_len, "an LDAP source needs the setting base "
		    "(the DN to search under)");
		return ST_CONFIG;
	}
	out->scope = LDAP_SCOPE_SUBTREE;
	if (source_setting(conf, "scope", v, sizeof(v)) != NULL) {
		if (strcmp(v, "one") == 0)
			out->scope = LDAP_SCOPE_ONELEVEL;
		else if (strcmp(v, "sub") != 0) {
			snprintf(err, err_len, "setting scope \"%s\": expected "
			    "sub or one", v);
			return ST_CONFIG;
		}
	}
	if (source_setting_uint(conf, "timeout", 1, 3600,
	    LDAPC_TIMEOUT_DEFAULT, &timeout, err, err_len) == -1 ||
	    source_setting_uint(conf, "page-size", 0, 100000,
	    LDAPC_PAGE_DEFAULT, &page, err, err_len) == -1)
		return ST_CONFIG;
	out->timeout = (int)timeout;
	out->page_size = (int)page;
	return ST_OK;
}

void
ldapc_error(LDAP *ld, int rc, const char *what, char *err, size_t err_len)
{
	char *diag = NULL;

	if (ld != NULL)
		(void)LDAP_FN(ldap_get_option)(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE,
		    &diag);
	snprintf(err, err_len, "%s: %s%s%s", what,
	    LDAP_FN(ldap_err2string)(rc),
	    diag && *diag ? " - " : "", diag && *diag ? diag : "");
	if (diag)
		LDAP_FN(ldap_memfree)(diag);
}

/* Protocol 3, no referrals, timeouts, and the CA to trust. */
static enum status
set_options(LDAP *ld, const struct ldapc_conf *c, char *err, size_t err_len)
{
	__typeof__(&ldap_set_option) set = LDAP_FN(ldap_set_option);
	struct timeval tv = { c->timeout, 0 };
	int v3 = LDAP_VERSION3, demand = LDAP_OPT_X_TLS_DEMAND, zero = 0;

	if (set(ld, LDAP_OPT_PROTOCOL_VERSION, &v3) != 0 ||
	    set(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) != 0 ||
	    set(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv) != 0 ||
	    set(ld, LDAP_OPT_TIMEOUT, &tv) != 0) {
		snprintf(err, err_len, "%s: cannot set connection options",
		    c->uri);
		return ST_INTERNAL;
	}
	if (!c->starttls && strncasecmp(c->uri, "ldaps://", 8) != 0)
		return ST_OK;
	if (set(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand) != 0 ||
	    (c->tls_ca[0] && set(ld, LDAP_OPT_X_TLS_CACERTFILE,
	    c->tls_ca) != 0) ||
	    set(ld, LDAP_OPT_X_TLS_NEWCTX, &zero) != 0) {
		snprintf(err, err_len, "%s: cannot set up TLS (tls-ca %s)",
		    c->uri, c->tls_ca[0] ? c->tls_ca : "unset");
		return ST_CONFIG;
	}
	return ST_OK;
}

enum status
ldapc_open(const struct ldapc_conf *c, LDAP **out, char *err, size_t err_len)
{
	char pw[SOURCE_PASSWORD_MAX], what[ROSTER_PATH_MAX + 64];
	LDAP *ld = NULL;
	enum status st;
	int rc;

	*out = NULL;
	pw[0] = '\0';
	/* A missing client library is an outage, like a server down. */
	if (ldap_api_load(err, err_len) == NULL)
		return ST_TEMP;
	if (c->bind_dn[0] && source_password(c->conf, pw, sizeof(pw), err,
	    err_len) != 1)
		return ST_CONFIG;
	if ((rc = LDAP_FN(ldap_initialize)(&ld, c->uri)) != LDAP_SUCCESS) {
		snprintf(err, err_len, "%s: %s", c->uri,
		    LDAP_FN(ldap_err2string)(rc));
		return ST_CONFIG;
	}
	if ((st = set_options(ld, c, err, err_len)) != ST_OK)
		goto fail;
	if (c->starttls && (rc = LDAP_FN(ldap_start_tls_s)(ld, NULL, NULL)) !=
	    LDAP_SUCCESS) {
		snprintf(what, sizeof(what), "%s: StartTLS failed", c->uri);
		ldapc_error(ld, rc, what, err, err_len);
		st = ST_TEMP;
		goto fail;
	}
	if (c->bind_dn[0]) {
		st = ldapc_bind(ld, c->bind_dn, pw, err, err_len);
		explicit_bzero(pw, sizeof(pw));
		if (st != ST_OK) {
			st = ST_TEMP;
			goto fail;
		}
	}
	*out = ld;
	return ST_OK;
fail:
	explicit_bzero(pw, sizeof(pw));
	LDAP_FN(ldap_unbind_ext_s)(ld, NULL, NULL);
	return st;
}

enum status
ldapc_bind(LDAP *ld, const char *dn, const char *password, char *err,
    size_t err_len)
{
	struct berval cred;
	char what[LDAPC_DN_MAX + 16];
	int rc;

	if (password == NULL || password[0] == '\0') {
		snprintf(err, err_len, "bind as %s: empty password refused",
		    dn);
		return ST_DENIED;
	}
	cred.bv_val = (char *)password;
	cred.bv_len = strlen(password);
	rc = LDAP_FN(ldap_sasl_bind_s)(ld, dn, LDAP_SASL_SIMPLE, &cred, NULL,
	    NULL, NULL);
	if (rc == LDAP_SUCCESS)
		return ST_OK;
	snprintf(what, sizeof(what), "bind as %s", dn);
	ldapc_error(ld, rc, what, err, err_len);
	return rc == LDAP_INVALID_CREDENTIALS || rc == LDAP_INAPPROPRIATE_AUTH ||
	    rc == LDAP_UNWILLING_TO_PERFORM ? ST_DENIED : ST_TEMP;
}

long
ldapc_escape(const char *value, size_t n, char *out, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)value[i];
		int esc = ch == '*' || ch == '(' || ch == ')' || ch == '\\' ||
		    ch == '\0';

		if (o + (esc ? 3 : 1) >= len)
			return -1;
		if (esc) {
			out[o++] = '\\';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 0xf];
		} else
			out[o++] = (char)ch;
	}
	if (o >= len)
		return -1;
	out[o] = '\0';
	return (long)o;
}

int
ldapc_filter(const char *template, const char *value, char *out, size_t len)
{
	char esc[LDAPC_FILTER_MAX];
	size_t o = 0, tn = strlen(template);
	long en;

	if (tn < 2 || template[0] != '(' || template[tn - 1] != ')')
		return -1;
	if ((en = ldapc_escape(value, strlen(value), esc, sizeof(esc))) < 0)
		return -1;
	for (const char *p = template; *p; p++) {
		const char *piece = p[0] == '%' && p[1] == 's' ? esc : p;
		size_t pn = piece == esc ? (size_t)en : 1;

		if (o + pn >= len)
			return -1;
		memcpy(out + o, piece, pn);
		o += pn;
		if (piece == esc)
			p++;
	}
	out[o] = '\0';
	return 0;
}

char *
ldapc_value(LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval **v = LDAP_FN(ldap_get_values_len)(ld, e, attr);
	const unsigned char *b;
	char *out;
	int text = 1;

	if (v == NULL || v[0] == NULL) {
		LDAP_FN(ldap_value_free_len)(v);
		return NULL;
	}
	b = (const unsigned char *)v[0]->bv_val;
	for (size_t i = 0; i < v[0]->bv_len; i++)
		text &= b[i] != 0;
	if (strcasecmp(attr, "objectGUID") == 0 && v[0]->bv_len == 16)
		out = xasprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		    "%02x%02x%02x%02x%02x%02x", b[3], b[2], b[1], b[0], b[5],
		    b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13],
		    b[14], b[15]);
	else if (text)
		out = xstrndup(v[0]->bv_val, v[0]->bv_len);
	else {
		out = xcalloc(v[0]->bv_len * 2 + 1, 1);
		for (size_t i = 0; i < v[0]->bv_len; i++)
			snprintf(out + i * 2, 3, "%02x", b[i]);
	}
	LDAP_FN(ldap_value_free_len)(v);
	return out;
}

int
ldapc_member_of(LDAP *ld, LDAPMessage *e, const char *group_norm)
{
	struct berval **v = LDAP_FN(ldap_get_values_len)(ld, e, "memberOf");
	char dn[LDAPC_DN_MAX + 1], norm[LDAPC_DN_MAX + 1];
	int found = 0;

	for (size_t i = 0; v && v[i] && !found; i++) {
		snprintf(dn, sizeof(dn), "%.*s", (int)v[i]->bv_len,
		    v[i]->bv_val);
		found = ldapc_dn_norm(dn, norm, sizeof(norm)) &&
		    strcmp(norm, group_norm) == 0;
	}
	LDAP_FN(ldap_value_free_len)(v);
	return found;
}

char *
ldapc_dn_norm(const char *dn, char *out, size_t len)
{
	char *norm = NULL;

	if (ldap_api_load(NULL, 0) == NULL)
		return NULL;
	if (LDAP_FN(ldap_dn_normalize)(dn, LDAP_DN_FORMAT_LDAP, &norm,
	    LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS || norm == NULL ||
	    strlen(norm) >= len) {
		if (norm)
			LDAP_FN(ldap_memfree)(norm);
		return NULL;
	}
	for (size_t i = 0; norm[i]; i++)
		out[i] = (char)tolower((unsigned char)norm[i]);
	out[strlen(norm)] = '\0';
	LDAP_FN(ldap_memfree)(norm);
	return out;
}
