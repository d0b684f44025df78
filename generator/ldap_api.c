/* ldap_api.c - the OpenLDAP function table (ldap_api.h): which functions
 * from which of libldap and liblber, filled on the first LDAP source run
 * or directory sign-in. Loading is core/dynlib.c's job; using the
 * functions ldap.c's, ldap_login.c's and source_ldap.c's. */
#include <assert.h>

#include "core/dynlib.h"
#include "generator/ldap_api.h"

enum { FILE_LBER, FILE_LDAP };

static const struct dynlib_file ldap_files[] = {
	[FILE_LBER] = { "liblber-2.5.so.0", "libldap-2.5-0",
	    "LISTD_TEST_LIBLBER" },
	[FILE_LDAP] = { "libldap-2.5.so.0", "libldap-2.5-0",
	    "LISTD_TEST_LIBLDAP" },
};

#define SYM(file, fn)	DYNLIB_SYM(struct ldap_api, file, fn)

static const struct dynlib_sym ldap_syms[] = {
	SYM(FILE_LBER, ber_memfree),
	SYM(FILE_LDAP, ldap_control_find),
	SYM(FILE_LDAP, ldap_control_free),
	SYM(FILE_LDAP, ldap_controls_free),
	SYM(FILE_LDAP, ldap_count_entries),
	SYM(FILE_LDAP, ldap_create_page_control),
	SYM(FILE_LDAP, ldap_dn_normalize),
	SYM(FILE_LDAP, ldap_err2string),
	SYM(FILE_LDAP, ldap_first_entry),
	SYM(FILE_LDAP, ldap_get_dn),
	SYM(FILE_LDAP, ldap_get_option),
	SYM(FILE_LDAP, ldap_get_values_len),
	SYM(FILE_LDAP, ldap_initialize),
	SYM(FILE_LDAP, ldap_memfree),
	SYM(FILE_LDAP, ldap_msgfree),
	SYM(FILE_LDAP, ldap_next_entry),
	SYM(FILE_LDAP, ldap_parse_pageresponse_control),
	SYM(FILE_LDAP, ldap_parse_result),
	SYM(FILE_LDAP, ldap_result),
	SYM(FILE_LDAP, ldap_sasl_bind_s),
	SYM(FILE_LDAP, ldap_search_ext),
	SYM(FILE_LDAP, ldap_search_ext_s),
	SYM(FILE_LDAP, ldap_set_option),
	SYM(FILE_LDAP, ldap_start_tls_s),
	SYM(FILE_LDAP, ldap_unbind_ext_s),
	SYM(FILE_LDAP, ldap_value_free_len),
};

/* Every field of the table has a row above. */
_Static_assert(DYNLIB_N(ldap_syms) * sizeof(void *) ==
    sizeof(struct ldap_api), "struct ldap_api and ldap_syms differ");

static struct ldap_api api;
static struct dynlib ldap_lib = DYNLIB_INIT("LDAP support", ldap_files,
    ldap_syms, &api, NULL);

const struct ldap_api *
ldap_api_load(char *err, size_t err_len)
{
	return dynlib_get(&ldap_lib, err, err_len);
}

const struct ldap_api *
ldap_api_get(void)
{
	assert(dynlib_is_loaded(&ldap_lib));
	return &api;
}
