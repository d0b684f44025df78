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

#include "core/xmem.h"
#include "generator/ldap.h"
#include "generator/source.h"

#define ATTR_MAX	64
#define N_ROLES		3
#define FIXED_COLUMNS	4	/* id, address, name, role */
#define MAPS_MAX	(SOURCE_COLUMNS_MAX - FIXED_COLUMNS)
#define ROLE_VALUES_MAX	1024

static enum status ldap_src_open(struct source *,
    const struct roster_source_conf *, char *, size_t);
static int ldap_src_next(struct source *, const char **);
static void ldap_src_close(struct source *);

const struct source_ops source_ldap_ops = {
	"ldap", ldap_src_open, ldap_src_next, ldap_src_close,
};

static const char *const role_names[N_ROLES] = { "staff", "student",
    "utility" };

struct ldap_src {
	LDAP		*ld;
	struct ldapc_conf c;
	char		 filter[LDAPC_FILTER_MAX];
	char		 addr_attr[ATTR_MAX], name_attr[ATTR_MAX];
	char		 id_attr[ATTR_MAX], role_attr[ATTR_MAX];
	char		 role_default[16];
	char		 role_values[N_ROLES][ROLE_VALUES_MAX];	/* a,b,c */
	int		 has_role_map;
	char		 group_dn[N_ROLES][LDAPC_DN_MAX + 1];	/* normalised */
	GHashTable	*group_members[N_ROLES];	/* normalised DNs */
	int		 has_groups;
	size_t		 n_maps;
	char		 map_attr[MAPS_MAX][ATTR_MAX];
	char		*attrs[MAPS_MAX + 8];
	int		 msgid;
	int		 done;
	struct berval	 cookie;
	char		*vals[SOURCE_COLUMNS_MAX];
	char		 err[700];
};

static const char *const fixed_columns[FIXED_COLUMNS] = { "id", "address",
    "name", "role" };

static int
fixed_column(const char *name)
{
	for (size_t i = 0; i < FIXED_COLUMNS; i++)
		if (strcasecmp(name, fixed_columns[i]) == 0)
			return 1;
	return 0;
}

/* Settings "map.COLUMN=ldapAttribute" become columns after the fixed four,
 * "role-map.ROLE=v1,v2" the values of role-attr meaning ROLE. */
static enum status
read_maps(struct source *src, struct ldap_src *q,
    const struct roster_source_conf *conf, char *err, size_t err_len)
{
	char key[SOURCE_SETTING_KEY_MAX + 1], val[ROLE_VALUES_MAX];
	size_t pos = 0;

	while (source_setting_next(conf, &pos, key, sizeof(key), val,
	    sizeof(val)) != NULL) {
		if (strncmp(key, "role-map.", 9) == 0) {
			int r;

			for (r = 0; r < N_ROLES && strcmp(key + 9,
			    role_names[r]) != 0; r++)
				;
			if (r == N_ROLES) {
				snprintf(err, err_len, "setting %s: expected "
				    "role-map.staff, .student or .utility", key);
				return ST_CONFIG;
			}
			snprintf(q->role_values[r], sizeof(q->role_values[r]),
			    "%s", val);
			q->has_role_map = 1;
			continue;
		}
		if (strncmp(key, "map.", 4) != 0)
			continue;
		if (key[4] == '\0' || val[0] == '\0' || strlen(val) >=
		    ATTR_MAX || q->n_maps == MAPS_MAX || fixed_column(key + 4)) {
			snprintf(err, err_len, "setting %s: expected "
			    "map.COLUMN=ldapAttribute, COLUMN not id, address, "
			    "name or role (see map-id, map-address, map-name, "
			    "role-attr)", key);
			return ST_CONFIG;
		}
		snprintf(q->map_attr[q->n_maps++], ATTR_MAX, "%s", val);
		src->columns[src->n_columns++] = source_column_dup(key + 4);
	}
	return ST_OK;
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
		rc = ldap_search_ext_s(q->ld, dn, LDAP_SCOPE_BASE,
		    "(objectClass=*)", attrs, 0, NULL, NULL, &tv, 0, &res);
		if (rc != LDAP_SUCCESS) {
			ldapc_error(q->ld, rc, key, err, err_len);
			ldap_msgfree(res);
			return rc == LDAP_NO_SUCH_OBJECT ? ST_CONFIG : ST_TEMP;
		}
		for (e = ldap_first_entry(q->ld, res); e;
		    e = ldap_next_entry(q->ld, e))
			for (int a = 0; attrs[a]; a++) {
				struct berval **v = ldap_get_values_len(q->ld,
				    e, attrs[a]);

				for (size_t i = 0; v && v[i]; i++) {
					snprintf(dn, sizeof(dn), "%.*s",
					    (int)v[i]->bv_len, v[i]->bv_val);
					if (ldapc_dn_norm(dn, norm, sizeof(norm)))
						g_hash_table_add(
						    q->group_members[r],
						    xstrdup(norm));
				}
				ldap_value_free_len(v);
			}
		ldap_msgfree(res);
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
		rc = ldap_create_page_control(q->ld, (ber_int_t)q->c.page_size,
		    q->cookie.bv_len ? &q->cookie : NULL, 1, &page);
		if (rc != LDAP_SUCCESS) {
			ldapc_error(q->ld, rc, "paged results", err, err_len);
			return ST_INTERNAL;
		}
		ctrls[0] = page;
	}
	rc = ldap_search_ext(q->ld, q->c.base, q->c.scope, q->filter, q->attrs,
	    0, page ? ctrls : NULL, NULL, NULL, LDAP_NO_LIMIT, &q->msgid);
	if (page)
		ldap_control_free(page);
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

	q->attrs[n++] = q->addr_attr;
	q->attrs[n++] = q->name_attr;
	q->attrs[n++] = "cn";
	q->attrs[n++] = q->id_attr;
	if (q->role_attr[0])
		q->attrs[n++] = q->role_attr;
	if (q->has_groups)
		q->attrs[n++] = "memberOf";
	for (size_t i = 0; i < q->n_maps; i++)
		q->attrs[n++] = q->map_attr[i];
	q->attrs[n] = NULL;
}

static void
read_names(struct ldap_src *q, const struct roster_source_conf *conf)
{
	if (!source_setting(conf, "map-address", q->addr_attr, ATTR_MAX))
		snprintf(q->addr_attr, ATTR_MAX, "mail");
	if (!source_setting(conf, "map-name", q->name_attr, ATTR_MAX))
		snprintf(q->name_attr, ATTR_MAX, "displayName");
	if (!source_setting(conf, "map-id", q->id_attr, ATTR_MAX))
		snprintf(q->id_attr, ATTR_MAX, "entryUUID");
	source_setting(conf, "role-attr", q->role_attr, ATTR_MAX);
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
	enum status st;

	src->state = q;
	if ((st = ldapc_conf_read(conf, &q->c, err, err_len)) != ST_OK)
		return st;
	read_names(q, conf);
	for (size_t i = 0; i < FIXED_COLUMNS; i++)
		src->columns[src->n_columns++] = xstrdup(fixed_columns[i]);
	if ((st = read_maps(src, q, conf, err, err_len)) != ST_OK)
		return st;
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
	char *v = q->role_attr[0] ? ldapc_value(q->ld, e, q->role_attr) : NULL;
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
	if (q->has_groups && (dn = ldap_get_dn(q->ld, e)) != NULL) {
		dn_norm = ldapc_dn_norm(dn, norm, sizeof(norm));
		ldap_memfree(dn);
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
	q->vals[0] = ldapc_value(q->ld, e, q->id_attr);
	q->vals[1] = ldapc_value(q->ld, e, q->addr_attr);
	if ((q->vals[2] = ldapc_value(q->ld, e, q->name_attr)) == NULL)
		q->vals[2] = ldapc_value(q->ld, e, "cn");
	q->vals[3] = entry_role(q, e);
	for (size_t i = 0; i < q->n_maps; i++)
		q->vals[FIXED_COLUMNS + i] = ldapc_value(q->ld, e,
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

	rc = ldap_parse_result(q->ld, msg, &err, NULL, &text, NULL, &ctrls, 1);
	if (rc != LDAP_SUCCESS || err != LDAP_SUCCESS) {
		snprintf(q->err, sizeof(q->err), "search failed: %s%s%s%s",
		    ldap_err2string(rc != LDAP_SUCCESS ? rc : err),
		    text && *text ? " - " : "", text ? text : "",
		    err == LDAP_SIZELIMIT_EXCEEDED ? " (the result is "
		    "incomplete; set page-size below the server's size limit)" :
		    "");
		rc = -2;
		goto out;
	}
	ber_memfree(q->cookie.bv_val);
	q->cookie.bv_val = NULL;
	q->cookie.bv_len = 0;
	rc = 0;
	if (q->c.page_size > 0 && (pc = ldap_control_find(
	    LDAP_CONTROL_PAGEDRESULTS, ctrls, NULL)) != NULL &&
	    ldap_parse_pageresponse_control(q->ld, pc, &count, &q->cookie) ==
	    LDAP_SUCCESS && q->cookie.bv_len > 0)
		rc = start_search(q, q->err, sizeof(q->err)) == ST_OK ? 1 : -2;
out:
	if (text)
		ldap_memfree(text);
	ldap_controls_free(ctrls);
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
		rc = ldap_result(q->ld, q->msgid, LDAP_MSG_ONE, &tv, &msg);
		if (rc == 0) {
			snprintf(q->err, sizeof(q->err), "no answer from the "
			    "server within %d s; the result is incomplete",
			    q->c.timeout);
			return -2;
		}
		if (rc == -1) {
			(void)ldap_get_option(q->ld, LDAP_OPT_RESULT_CODE, &lerr);
			ldapc_error(q->ld, lerr, "search failed (the result is "
			    "incomplete)", q->err, sizeof(q->err));
			return -2;
		}
		if (rc == LDAP_RES_SEARCH_ENTRY) {
			fill_row(src, q, ldap_first_entry(q->ld, msg));
			ldap_msgfree(msg);
			return 1;
		}
		if (rc != LDAP_RES_SEARCH_RESULT) {
			ldap_msgfree(msg);	/* a referral: not followed */
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
	ber_memfree(q->cookie.bv_val);
	if (q->ld)
		ldap_unbind_ext_s(q->ld, NULL, NULL);
	xfree(q);
}
