/* ldap.h - what the LDAP directory source (source_ldap.c) and the LDAP
 * sign-in (ldap_login.c) share: a district's connection settings read from
 * its source settings, opening a bound connection (StartTLS or LDAPS, bind
 * DN and a password file), RFC 4515 escaping of filter values, and group
 * DN comparison. Inside generator/ only; the rest of listd sees
 * generator.h. */
#ifndef LISTD_GENERATOR_LDAP_H
#define LISTD_GENERATOR_LDAP_H

#include <stddef.h>

#include <ldap.h>

#include "core/status.h"
#include "core/store_roster.h"
#include "generator/ldap_api.h"

#define LDAPC_DN_MAX		1024
#define LDAPC_ATTR_MAX		64
#define LDAPC_FILTER_MAX	4096
#define LDAPC_TIMEOUT_DEFAULT	30	/* seconds */
#define LDAPC_PAGE_DEFAULT	500

struct ldapc_conf {
	const struct roster_source_conf *conf;	/* borrowed: the password */
	char	uri[ROSTER_PATH_MAX + 1];
	int	starttls;
	char	tls_ca[ROSTER_PATH_MAX + 1];
	char	bind_dn[LDAPC_DN_MAX + 1];
	char	base[LDAPC_DN_MAX + 1];
	int	scope;				/* LDAP_SCOPE_SUBTREE, _ONELEVEL */
	int	timeout;			/* seconds */
	int	page_size;			/* 0: no paging */
};

/* Read conf's connection settings (uri, starttls, tls-ca, bind-dn,
 * password-file or password, base, scope, timeout, page-size) into out;
 * out borrows conf until the connection is open. ST_CONFIG with a message
 * in err for a missing uri or base, a bad number or scope, LDAPS together
 * with StartTLS, a bind DN without a password. */
enum status	ldapc_conf_read(const struct roster_source_conf *conf,
		    struct ldapc_conf *out, char *err, size_t err_len);
/* Load the LDAP library (ldap_api_load()), connect to c->uri, start TLS
 * when asked, and bind as c->bind_dn with the source's password
 * (source_password(); anonymous without a bind DN). ST_OK with *out set
 * (caller frees with LDAP_FN(ldap_unbind_ext_s)); ST_CONFIG for a password
 * file readable by group or others, or empty; ST_TEMP when the library is
 * missing, the server cannot be reached, TLS fails or the bind is
 * refused. */
enum status	ldapc_open(const struct ldapc_conf *c, LDAP **out, char *err,
		    size_t err_len);
/* Bind on ld as dn with password (simple bind). ST_OK; ST_DENIED for wrong
 * credentials and for an empty password (never an unauthenticated bind);
 * ST_TEMP when the server fails. */
enum status	ldapc_bind(LDAP *ld, const char *dn, const char *password,
		    char *err, size_t err_len);
/* Escape value (n bytes; NUL allowed) for an LDAP filter (RFC 4515: '*',
 * '(', ')', '\' and NUL as \2a \28 \29 \5c \00) into out. The length
 * written, or -1 when out (len bytes with the NUL) is too small. */
long		ldapc_escape(const char *value, size_t n, char *out, size_t len);
/* Fill template's "%s" (every one) with value escaped. 0, or -1 when the
 * result does not fit in len or the template is not "(...)". */
int		ldapc_filter(const char *template, const char *value, char *out,
		    size_t len);
/* The first value of entry e's attribute attr as text (objectGUID as a
 * GUID, other binary values as hex), or NULL when it has none. Caller
 * frees with xfree(). */
char		*ldapc_value(LDAP *ld, LDAPMessage *e, const char *attr);
/* Does entry e's memberOf name the group whose normalised DN is
 * group_norm (see ldapc_dn_norm)? */
int		ldapc_member_of(LDAP *ld, LDAPMessage *e, const char *group_norm);
/* dn normalised for comparison (RFC 4514 form, lower case) into out;
 * out, or NULL when dn is not a valid DN or the LDAP library is missing
 * (ldap_api_load() says which). */
char		*ldapc_dn_norm(const char *dn, char *out, size_t len);
/* A message for LDAP result code rc (with the server's diagnostic from ld
 * when there is one) into err. */
void		ldapc_error(LDAP *ld, int rc, const char *what, char *err,
		    size_t err_len);

/* The LDAP source's source_ops.check and .describe (source_ldap_conf.c):
 * every setting checked without connecting; the label
 * "ldap://host:port/base". */
enum status	source_ldap_check(const struct roster_source_conf *conf,
		    char *err, size_t err_len);
void		source_ldap_describe(const struct roster_source_conf *conf,
		    char *buf, size_t len);

#endif
