/* source_ldap.c - a directory kept in LDAP (OpenLDAP, Active Directory):
 * one search under the base with the source's filter, read page by page
 * (RFC 2696) and streamed entry by entry as rows of id, address, name,
 * role and the mapped attributes. A search that ends in any error (size
 * limit, server gone, timeout) is a read failure, so a truncated result
 * is never applied. Connecting is ldap.c's job; judging rows
 * directory.c's. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "core/dynlib.h"
#include "core/xmem.h"
#include "generator/ldap.h"
#include "generator/source.h"

#define N_ROLES		3
#define N_FIXED		5	/* id, address, name, role, active */
#define MAPS_MAX	(SOURCE_COLUMNS_MAX - N_FIXED)
#define ROLE_VALUES_MAX	1024

static enum status ldap_src_open(struct source *,
    const struct roster_source_conf *, char *, size_t);
static int ldap_src_next(struct source *, const char **);
static void ldap_src_close(struct source *);

const struct source_ops source_ldap_ops = {
	"ldap", ldap_src_open, ldap_src_next, ldap_src_close,
	source_ldap_check, source_ldap_describe,
};

static const char *const role_names[N_ROLES] = { "staff", "student",
    "utility" };

/* The columns directory.c reads and the attribute each comes from when
 * map-COLUMN does not say ("" : none; the role is worked out). */
static const char *const fixed_names[N_FIXED] = { "id", "address", "name",
    "role", "active" };
static const char *const fixed_attrs[N_FIXED] = { "entryUUID", "mail",
    "displayName", "", "" };
enum { COL_ID, COL_ADDRESS, COL_NAME, COL_ROLE, COL_ACTIVE };

struct ldap_src {
	LDAP		*ld;
	struct ldapc_conf c;
	char		 filter[LDAPC_FILTER_MAX];
	char		 attr[N_FIXED][LDAPC_ATTR_MAX];	/* "" : not read */
	int		 name_falls_back;	/* no map-name: cn after it */
	char		 role_default[16];
	char		 role_values[N_ROLES][ROLE_VALUES_MAX];	/* a,b,c */
	int		 has_role_map;
	char		 group_dn[N_ROLES][LDAPC_DN_MAX + 1];	/* normalised */
	GHashTable	*group_members[N_ROLES];	/* normalised DNs */
	int		 has_groups;
	size_t		 n_fixed;			/* columns before maps */
	int		 col[N_FIXED];			/* column of each, or -1 */
	size_t		 n_maps;
	char		 map_attr[MAPS_MAX][LDAPC_ATTR_MAX];
	char		*attrs[MAPS_MAX + 8];
	int		 msgid;
	int		 done;
	struct berval	 cookie;
	char		*vals[SOURCE_COLUMNS_MAX];
	char		 err[700];
};

struct maps_ctx {
	struct source			*src;
	struct ldap_src			*q;
	const struct roster_source_conf	*conf;
};

/* Setting "map.COLUMN=ldapAttribute" adds a column after the fixed ones,
 * "role-map.ROLE=v1,v2" names the values of the role attribute meaning
 * ROLE. Checked already by source_ldap_check(). */
static int
read_map(const char *key, void *ctx)
{
	struct maps_ctx *mc = ctx;
	struct ldap_src *q = mc->q;
	char val[ROLE_VALUES_MAX];
	int r;

	if (source_setting(mc->conf, key, val, sizeof(val)) == NULL)
		return 0;
	if (strncmp(key, "role-map.", 9) == 0) {
		for (r = 0; r < N_ROLES && strcmp(key + 9, role_names[r]); r++)
			;
		if (r < N_ROLES) {
			snprintf(q->role_values[r], ROLE_VALUES_MAX, "%s", val);
			q->has_role_map = 1;
		}
	} else if (strncmp(key, "map.", 4) == 0 && q->n_maps < MAPS_MAX) {
		snprintf(q->map_attr[q->n_maps++], LDAPC_ATTR_MAX, "%s", val);
		mc->src->columns[mc->src->n_columns++] =
		    source_column_dup(key + 4);
	}
	return 0;
}

/* The fixed columns: each from map-COLUMN's attribute, named after that
 * attribute so source_map_apply() renames it as it does for every source,
 * or from the default attribute under its own name. */
static void
read_columns(struct source *src, struct ldap_src *q,
    const struct roster_source_conf *conf)
{
	char key[32], attr[LDAPC_ATTR_MAX];

	for (int i = 0; i < N_FIXED; i++) {
		const char *name = fixed_names[i];

		snprintf(key, sizeof(key), "map-%s", fixed_names[i]);
		q->col[i] = -1;
		snprintf(q->attr[i], LDAPC_ATTR_MAX, "%s", fixed_attrs[i]);
		if (source_setting(conf, key, attr, sizeof(attr)) != NULL) {
			snprintf(q->attr[i], LDAPC_ATTR_MAX, "%s", attr);
			name = attr;
		} else if (i == COL_NAME)
			q->name_falls_back = 1;
		if (i == COL_ROLE && q->attr[i][0] == '\0')
			source_setting(conf, "role-attr", q->attr[i],
			    LDAPC_ATTR_MAX);
		if (i == COL_ACTIVE && q->attr[i][0] == '\0')
			continue;
		q->col[i] = (int)src->n_columns;
		src->columns[src->n_columns++] = source_column_dup(name);
	}
	q->n_fixed = src->n_columns;
}

/* The member DNs of each role-group.ROLE group, normalised. */
static enum status
read_groups(struct ldap_src *q, const struct roster_source_conf *conf,
    char *err, size_t err_len)
{
	char *attrs[] = { "member", "uniqueMember", NULL };
	char key[32], dn[LDAPC_DN_MAX + 1], norm[LDAPC_DN_MAX + 1];
	struct timeval tv = { q->c.timeout, 0 };

	for (int r = 0; r < N_ROLES; r++) {
		LDAPMessage *res = NULL, *e;
		int rc;

		snprintf(key, sizeof(key), "role-group.%s", role_names[r]);
		if (source_setting(conf, key, dn, sizeof(dn)) == NULL)
			continue;
		if (ldapc_dn_norm(dn, q->group_dn[r], sizeof(q->group_dn[r]))
		    == NULL) {
			snprintf(err, err_len, "setting %s: not a DN", key);
			return ST_CONFIG;
		}
		q->has_groups = 1;
		q->group_members[r] = g_hash_table_new_full(g_str_hash,
		    g_str_equal, xfree, NULL);
		rc = LDAP_FN(ldap_search_ext_s)(q->ld, dn, LDAP_SCOPE_BASE,
		    "(objectClass=*)", attrs, 0, NULL, NULL, &tv, 0, &res);
		if (rc != LDAP_SUCCESS) {
			ldapc_error(q->ld, rc, key, err, err_len);
			LDAP_FN(ldap_msgfree)(res);
			return rc == LDAP_NO_SUCH_OBJECT ? ST_CONFIG : ST_TEMP;
		}
		for (e = LDAP_FN(ldap_first_entry)(q->ld, res); e;
		    e = LDAP_FN(ldap_next_entry)(q->ld, e))
			for (int a = 0; attrs[a]; a++) {
				struct berval **v =
				    LDAP_FN(ldap_get_values_len)(q->ld, e,
				    attrs[a]);

				for (size_t i = 0; v && v[i]; i++) {
					snprintf(dn, sizeof(dn), "%.*s",
					    (int)v[i]->bv_len, v[i]->bv_val);
					if (ldapc_dn_norm(dn, norm, sizeof(norm)))
						g_hash_table_add(
						    q->group_members[r],
						    xstrdup(norm));
				}
				LDAP_FN(ldap_value_free_len)(v);
			}
		LDAP_FN(ldap_msgfree)(res);
	}
	return ST_OK;
}

/* Start (or continue, with the cookie) the paged search. */
static enum status
start_search(struct ldap_src *q, char *err, size_t err_len)
{
	LDAPControl *page = NULL, *ctrls[2] = { NULL, NULL };
	int rc;

	if (q->c.page_size > 0) {
		rc = LDAP_FN(ldap_create_page_control)(q->ld,
		    (ber_int_t)q->c.page_size,
		    q->cookie.bv_len ? &q->cookie : NULL, 1, &page);
		if (rc != LDAP_SUCCESS) {
			ldapc_error(q->ld, rc, "paged results", err, err_len);
			return ST_INTERNAL;
		}
		ctrls[0] = page;
	}
	rc = LDAP_FN(ldap_search_ext)(q->ld, q->c.base, q->c.scope, q->filter,
	    q->attrs, 0, page ? ctrls : NULL, NULL, NULL, LDAP_NO_LIMIT,
	    &q->msgid);
	if (page)
		LDAP_FN(ldap_control_free)(page);
	if (rc != LDAP_SUCCESS) {
		ldapc_error(q->ld, rc, "search", err, err_len);
		return rc == LDAP_FILTER_ERROR ? ST_CONFIG : ST_TEMP;
	}
	return ST_OK;
}

static void
set_attrs(struct ldap_src *q)
{
	size_t n = 0;

	for (int i = 0; i < N_FIXED; i++)
		if (q->attr[i][0])
			q->attrs[n++] = q->attr[i];
	if (q->name_falls_back)
		q->attrs[n++] = "cn";
	if (q->has_groups)
		q->attrs[n++] = "memberOf";
	for (size_t i = 0; i < q->n_maps; i++)
		q->attrs[n++] = q->map_attr[i];
	q->attrs[n] = NULL;
}

static void
read_filter(struct ldap_src *q, const struct roster_source_conf *conf)
{
	source_setting(conf, "role-default", q->role_default,
	    sizeof(q->role_default));
	if (conf->query[0])
		snprintf(q->filter, sizeof(q->filter), "%s", conf->query);
	else if (!source_setting(conf, "filter", q->filter, sizeof(q->filter)))
		snprintf(q->filter, sizeof(q->filter), "(mail=*)");
}

static enum status
ldap_src_open(struct source *src, const struct roster_source_conf *conf,
    char *err, size_t err_len)
{
	struct ldap_src *q = xcalloc(1, sizeof(*q));
	struct maps_ctx mc = { src, q, conf };
	char msg[DYNLIB_ERR_MAX];
	enum status st;

	src->state = q;
	if ((st = ldapc_conf_read(conf, &q->c, err, err_len)) != ST_OK)
		return st;
	/* A missing client library is an outage, like a server down. */
	if (ldap_api_load(msg, sizeof(msg)) == NULL) {
		snprintf(err, err_len, "%s: %s", src->label, msg);
		return ST_TEMP;
	}
	read_filter(q, conf);
	read_columns(src, q, conf);
	(void)source_setting_each(conf, read_map, &mc);
	if ((st = ldapc_open(&q->c, &q->ld, err, err_len)) != ST_OK)
		return st;
	if ((st = read_groups(q, conf, err, err_len)) != ST_OK)
		return st;
	set_attrs(q);
	return start_search(q, err, err_len);
}

/* Is value one of the comma-separated list (without case)? */
static int
in_list(const char *list, const char *value)
{
	size_t n = strlen(value);

	for (const char *p = list; *p; ) {
		size_t k = strcspn(p, ",");

		while (*p == ' ' && k > 0)
			p++, k--;
		if (k == n && strncasecmp(p, value, n) == 0)
			return 1;
		p += k + (p[k] == ',');
	}
	return 0;
}

/* Is the entry (dn) in role r's group, by memberOf or the member list? */
static int
in_group(struct ldap_src *q, LDAPMessage *e, const char *dn_norm, int r)
{
	if (q->group_members[r] == NULL)
		return 0;
	if (dn_norm && g_hash_table_contains(q->group_members[r], dn_norm))
		return 1;
	return ldapc_member_of(q->ld, e, q->group_dn[r]);
}

/* The role: role-attr (through role-map), then groups in the order staff,
 * student, utility, then role-default; "" when none says. */
static char *
entry_role(struct ldap_src *q, LDAPMessage *e)
{
	char *v = q->attr[COL_ROLE][0] ? ldapc_value(q->ld, e,
	    q->attr[COL_ROLE]) : NULL;
	char *dn, norm[LDAPC_DN_MAX + 1], *dn_norm = NULL;
	int r;

	if (v && q->has_role_map) {
		for (r = 0; r < N_ROLES && !in_list(q->role_values[r], v); r++)
			;
		xfree(v);
		v = r < N_ROLES ? xstrdup(role_names[r]) : NULL;
	}
	if (v && *v)
		return v;
	xfree(v);
	if (q->has_groups && (dn = LDAP_FN(ldap_get_dn)(q->ld, e)) != NULL) {
		dn_norm = ldapc_dn_norm(dn, norm, sizeof(norm));
		LDAP_FN(ldap_memfree)(dn);
	}
	for (r = 0; q->has_groups && r < N_ROLES; r++)
		if (in_group(q, e, dn_norm, r))
			return xstrdup(role_names[r]);
	return xstrdup(q->role_default);
}

static void
free_row(struct source *src, struct ldap_src *q)
{
	for (size_t i = 0; i < src->n_columns; i++) {
		xfree(q->vals[i]);
		q->vals[i] = NULL;
	}
}

static void
fill_row(struct source *src, struct ldap_src *q, LDAPMessage *e)
{
	for (int i = 0; i < N_FIXED; i++) {
		char **v = q->col[i] >= 0 ? &q->vals[q->col[i]] : NULL;

		if (v == NULL)
			continue;
		*v = i == COL_ROLE ? entry_role(q, e) : ldapc_value(q->ld, e,
		    q->attr[i]);
		if (*v == NULL && i == COL_NAME && q->name_falls_back)
			*v = ldapc_value(q->ld, e, "cn");
	}
	for (size_t i = 0; i < q->n_maps; i++)
		q->vals[q->n_fixed + i] = ldapc_value(q->ld, e,
		    q->map_attr[i]);
	for (size_t i = 0; i < src->n_columns; i++)
		if (q->vals[i] == NULL)
			q->vals[i] = xstrdup("");
	src->line++;
	src->n_fields = src->n_columns;
	src->fields = (const char *const *)q->vals;
}

/* The search's final result: an error ends reading; a page cookie starts
 * the next page. 0 at the end, 1 to read on, -2 on failure. */
static int
search_done(struct ldap_src *q, LDAPMessage *msg)
{
	LDAPControl **ctrls = NULL, *pc;
	char *text = NULL;
	ber_int_t count;
	int err = LDAP_OTHER, rc;

	rc = LDAP_FN(ldap_parse_result)(q->ld, msg, &err, NULL, &text, NULL,
	    &ctrls, 1);
	if (rc != LDAP_SUCCESS || err != LDAP_SUCCESS) {
		snprintf(q->err, sizeof(q->err), "search failed: %s%s%s%s",
		    LDAP_FN(ldap_err2string)(rc != LDAP_SUCCESS ? rc : err),
		    text && *text ? " - " : "", text ? text : "",
		    err == LDAP_SIZELIMIT_EXCEEDED ? " (the result is "
		    "incomplete; set page-size below the server's size limit)" :
		    "");
		rc = -2;
		goto out;
	}
	LDAP_FN(ber_memfree)(q->cookie.bv_val);
	q->cookie.bv_val = NULL;
	q->cookie.bv_len = 0;
	rc = 0;
	if (q->c.page_size > 0 && (pc = LDAP_FN(ldap_control_find)(
	    LDAP_CONTROL_PAGEDRESULTS, ctrls, NULL)) != NULL &&
	    LDAP_FN(ldap_parse_pageresponse_control)(q->ld, pc, &count,
	    &q->cookie) == LDAP_SUCCESS && q->cookie.bv_len > 0)
		rc = start_search(q, q->err, sizeof(q->err)) == ST_OK ? 1 : -2;
out:
	if (text)
		LDAP_FN(ldap_memfree)(text);
	LDAP_FN(ldap_controls_free)(ctrls);
	return rc;
}

static int
ldap_src_next(struct source *src, const char **reason)
{
	struct ldap_src *q = src->state;
	struct timeval tv = { q->c.timeout, 0 };
	LDAPMessage *msg;
	int rc, lerr = LDAP_OTHER;

	free_row(src, q);
	*reason = q->err;
	while (!q->done) {
		rc = LDAP_FN(ldap_result)(q->ld, q->msgid, LDAP_MSG_ONE, &tv,
		    &msg);
		if (rc == 0) {
			snprintf(q->err, sizeof(q->err), "no answer from the "
			    "server within %d s; the result is incomplete",
			    q->c.timeout);
			return -2;
		}
		if (rc == -1) {
			(void)LDAP_FN(ldap_get_option)(q->ld,
			    LDAP_OPT_RESULT_CODE, &lerr);
			ldapc_error(q->ld, lerr, "search failed (the result is "
			    "incomplete)", q->err, sizeof(q->err));
			return -2;
		}
		if (rc == LDAP_RES_SEARCH_ENTRY) {
			fill_row(src, q, LDAP_FN(ldap_first_entry)(q->ld, msg));
			LDAP_FN(ldap_msgfree)(msg);
			return 1;
		}
		if (rc != LDAP_RES_SEARCH_RESULT) {
			/* A referral: not followed. */
			LDAP_FN(ldap_msgfree)(msg);
			continue;
		}
		if ((rc = search_done(q, msg)) == -2)
			return -2;
		q->done = rc == 0;
	}
	return 0;
}

static void
ldap_src_close(struct source *src)
{
	struct ldap_src *q = src->state;

	if (q == NULL)
		return;
	free_row(src, q);
	for (int r = 0; r < N_ROLES; r++)
		if (q->group_members[r])
			g_hash_table_destroy(q->group_members[r]);
	/* Only a search's cookie or handle needs the library; it may be
	 * missing when neither exists. */
	if (q->cookie.bv_val)
		LDAP_FN(ber_memfree)(q->cookie.bv_val);
	if (q->ld)
		LDAP_FN(ldap_unbind_ext_s)(q->ld, NULL, NULL);
	xfree(q);
}
