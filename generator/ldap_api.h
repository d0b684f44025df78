/* ldap_api.h - the OpenLDAP client functions the LDAP source and sign-in
 * call, as a table filled on first use from libldap-2.5.so.0 and
 * liblber-2.5.so.0 (dlopen), so commands that never touch a directory do
 * not load them. Each field has the type of the function in <ldap.h>,
 * so the compiler checks every call as before. Call sites read
 * LDAP_FN(ldap_search_ext_s)(ld, ...). */
#ifndef LISTD_GENERATOR_LDAP_API_H
#define LISTD_GENERATOR_LDAP_API_H

#include <stddef.h>

#include <lber.h>
#include <ldap.h>

#define LDAP_API_FIELD(fn)	__typeof__(&fn) fn

struct ldap_api {
	LDAP_API_FIELD(ber_memfree);
	LDAP_API_FIELD(ldap_control_find);
	LDAP_API_FIELD(ldap_control_free);
	LDAP_API_FIELD(ldap_controls_free);
	LDAP_API_FIELD(ldap_count_entries);
	LDAP_API_FIELD(ldap_create_page_control);
	LDAP_API_FIELD(ldap_dn_normalize);
	LDAP_API_FIELD(ldap_err2string);
	LDAP_API_FIELD(ldap_first_entry);
	LDAP_API_FIELD(ldap_get_dn);
	LDAP_API_FIELD(ldap_get_option);
	LDAP_API_FIELD(ldap_get_values_len);
	LDAP_API_FIELD(ldap_initialize);
	LDAP_API_FIELD(ldap_memfree);
	LDAP_API_FIELD(ldap_msgfree);
	LDAP_API_FIELD(ldap_next_entry);
	LDAP_API_FIELD(ldap_parse_pageresponse_control);
	LDAP_API_FIELD(ldap_parse_result);
	LDAP_API_FIELD(ldap_result);
	LDAP_API_FIELD(ldap_sasl_bind_s);
	LDAP_API_FIELD(ldap_search_ext);
	LDAP_API_FIELD(ldap_search_ext_s);
	LDAP_API_FIELD(ldap_set_option);
	LDAP_API_FIELD(ldap_start_tls_s);
	LDAP_API_FIELD(ldap_unbind_ext_s);
	LDAP_API_FIELD(ldap_value_free_len);
};

/* Load the libraries once per process (thread-safe) and return the table,
 * borrowed for the life of the process. NULL when a library or one of
 * its functions is missing, with "LDAP support needs libldap-2.5.so.0
 * (Debian package libldap-2.5-0): <dlerror text>" in err (err may be
 * NULL); every later call fails the same way without trying again. */
const struct ldap_api	*ldap_api_load(char *err, size_t err_len);
/* The table, once ldap_api_load() has returned it in this process (an
 * assertion otherwise): for code that holds an LDAP handle. */
const struct ldap_api	*ldap_api_get(void);

#define LDAP_FN(fn)	(ldap_api_get()->fn)

#endif
