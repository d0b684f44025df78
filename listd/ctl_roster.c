/* ctl_roster.c - listctl roster rule|family|remove|list|exclude|unexclude:
 * the definitions of rule lists and list families, and the addresses an
 * admin keeps off a generated list. The generator applies them on its next
 * run; nothing here changes members. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/addr.h"
#include "core/store_roster.h"
#include "core/store_site.h"
#include "generator/rule.h"
#include "listd/ctl.h"

static int roster_rule(struct ctl *);
static int roster_family(struct ctl *);
static int roster_remove(struct ctl *);
static int roster_list(struct ctl *);
static int roster_exclude(struct ctl *);
static int roster_unexclude(struct ctl *);

const struct ctl_verb ctl_roster_verbs[] = {
	{ "rule", "rule=,include=", 1, 1,
	  "rule LIST@DOMAIN [--rule EXPR] [--include LIST,LIST]",
	  "define a roster list of the active accounts matching EXPR (e.g. "
	  "'role = staff and school in (\"Lincoln\", \"Oak Hill\")'; operators "
	  "= != and or not ( ) in) plus the members of the included roster "
	  "lists", roster_rule },
	{ "family", "attribute=,rule=", 1, 1,
	  "family PREFIX@DOMAIN --attribute NAME [--rule EXPR]",
	  "one roster list PREFIX-<value> per value of the attribute among "
	  "the active accounts matching EXPR; lists whose value disappears are "
	  "retired", roster_family },
	{ "remove", "", 1, 1, "remove NAME@DOMAIN",
	  "remove a rule or family definition (its lists retire on the next "
	  "run)", roster_remove },
	{ "list", "", 1, 1, "list DISTRICT",
	  "show definitions, managed lists and exclusions", roster_list },
	{ "exclude", "", 2, 2, "exclude LIST@DOMAIN ADDRESS",
	  "keep ADDRESS off a generated list (removed on the next run)",
	  roster_exclude },
	{ "unexclude", "", 2, 2, "unexclude LIST@DOMAIN ADDRESS",
	  "drop an exclusion", roster_unexclude },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

static const char *const base_names[] = { "staff", "students",
	"all-accounts" };

/* Split NAME@DOMAIN and open the district of DOMAIN. 0 or an exit code;
 * *s is then open (caller closes). */
static int
open_name(struct ctl *c, const char *address, char *name,
    struct district *d, struct store **s)
{
	char norm[ADDR_MAX + 1];
	const char *reason, *domain;
	struct store *site;
	enum status st;
	size_t n;

	*s = NULL;
	if (addr_normalize(address, norm, sizeof(norm), &reason) == -1)
		return ctl_fail(c, ST_USAGE, "invalid address \"%s\": %s",
		    address, reason);
	domain = addr_domain(norm);
	n = (size_t)(domain - 1 - norm);
	if (n > LIST_NAME_MAX)
		return ctl_fail(c, ST_USAGE, "name too long: %s", norm);
	for (size_t i = 0; i < n; i++)
		name[i] = (char)tolower((unsigned char)norm[i]);
	name[n] = '\0';
	if (!model_list_name_valid(name, &reason))
		return ctl_fail(c, ST_USAGE, "invalid list name \"%s\": %s",
		    name, reason);
	if ((site = ctl_site(c)) == NULL)
		return status_exit(ST_TEMP);
	if ((st = store_district_by_domain(site, domain, d)) != ST_OK)
		return ctl_fail(c, st, "no district has the domain \"%s\"",
		    domain);
	return ctl_open_district(c, d->slug, d, s);
}

static int
check_rule(struct ctl *c, const char *expr, char *out, size_t out_len)
{
	struct rule *r;
	char err[256];

	if (expr == NULL)
		return 0;
	if ((r = rule_parse(expr, err, sizeof(err))) == NULL)
		return ctl_fail(c, ST_USAGE, "--rule: %s", err);
	rule_free(r);
	snprintf(out, out_len, "%s", expr);
	return 0;
}

static int
check_includes(struct ctl *c, const char *inc, struct roster_def *def)
{
	char buf[ROSTER_INCLUDES_MAX + 1], *p, *save = NULL;
	const char *reason;

	if (inc == NULL)
		return 0;
	if (strlen(inc) > ROSTER_INCLUDES_MAX)
		return ctl_fail(c, ST_USAGE, "--include: too long");
	snprintf(buf, sizeof(buf), "%s", inc);
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (!model_list_name_valid(p, &reason) || !strcmp(p, def->name))
			return ctl_fail(c, ST_USAGE, "--include \"%s\": %s", p,
			    strcmp(p, def->name) ? reason : "a list cannot "
			    "include itself");
	snprintf(def->includes, sizeof(def->includes), "%s", inc);
	return 0;
}

static int
add_def(struct ctl *c, struct roster_def *def, struct store *ds,
    const struct district *d)
{
	enum status st;

	for (size_t i = 0; i < 3 && def->kind == ROSTER_DEF_RULE; i++)
		if (strcmp(def->name, base_names[i]) == 0)
			return ctl_fail(c, ST_USAGE, "%s is a built-in roster "
			    "list", def->name);
	if ((st = store_roster_def_add(ds, def)) != ST_OK)
		return ctl_fail(c, st, st == ST_EXISTS ? "%s is already "
		    "defined (remove it first)" : "cannot store %s", def->name);
	ctl_audit(c, d->slug, "roster.define", "name=%s kind=%s rule=%s",
	    def->name, def->kind == ROSTER_DEF_FAMILY ? "family" : "rule",
	    def->expr);
	if (!c->json)
		printf("%s %s@%s defined; the next generator run builds it\n",
		    def->kind == ROSTER_DEF_FAMILY ? "family" : "rule list",
		    def->name, d->domain);
	return 0;
}

static int
roster_rule(struct ctl *c)
{
	struct roster_def def;
	struct district d;
	struct store *ds;
	int rc;

	memset(&def, 0, sizeof(def));
	def.kind = ROSTER_DEF_RULE;
	if ((rc = open_name(c, c->pos[0], def.name, &d, &ds)) != 0)
		return rc;
	if (ctl_opt(c, "rule") == NULL && ctl_opt(c, "include") == NULL)
		rc = ctl_fail(c, ST_USAGE, "give --rule, --include or both");
	if (rc == 0 && (rc = check_rule(c, ctl_opt(c, "rule"), def.expr,
	    sizeof(def.expr))) == 0 &&
	    (rc = check_includes(c, ctl_opt(c, "include"), &def)) == 0)
		rc = add_def(c, &def, ds, &d);
	store_close(ds);
	return rc;
}

static int
roster_family(struct ctl *c)
{
	const char *attr = ctl_opt(c, "attribute");
	struct roster_def def;
	struct district d;
	struct store *ds;
	int rc;

	memset(&def, 0, sizeof(def));
	def.kind = ROSTER_DEF_FAMILY;
	if (attr == NULL || attr[0] == '\0' || strlen(attr) > LIST_NAME_MAX ||
	    strspn(attr, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_-") != strlen(attr))
		return ctl_fail(c, ST_USAGE, "--attribute: expected a column "
		    "name (letters, digits, _ and -)");
	snprintf(def.attribute, sizeof(def.attribute), "%s", attr);
	if ((rc = open_name(c, c->pos[0], def.name, &d, &ds)) != 0)
		return rc;
	if (strlen(def.name) > LIST_NAME_MAX - 2)
		rc = ctl_fail(c, ST_USAGE, "prefix too long for list names");
	if (rc == 0 && (rc = check_rule(c, ctl_opt(c, "rule"), def.expr,
	    sizeof(def.expr))) == 0)
		rc = add_def(c, &def, ds, &d);
	store_close(ds);
	return rc;
}

static int
roster_remove(struct ctl *c)
{
	char name[LIST_NAME_MAX + 1];
	struct district d;
	struct store *ds;
	enum status st;
	int rc;

	if ((rc = open_name(c, c->pos[0], name, &d, &ds)) != 0)
		return rc;
	st = store_roster_def_remove(ds, name);
	store_close(ds);
	if (st != ST_OK)
		return ctl_fail(c, st, st == ST_NOTFOUND ? "no rule or family "
		    "named %s" : "cannot remove %s", name);
	ctl_audit(c, d.slug, "roster.undefine", "name=%s", name);
	if (!c->json)
		printf("%s@%s removed; its lists retire on the next run\n", name,
		    d.domain);
	return 0;
}

static int
show_def(const struct roster_def *def, void *ctx)
{
	struct json *j = ctx;

	if (j == NULL) {
		printf("%s\t%s\t%s%s%s\t%s\n", def->name, def->kind ==
		    ROSTER_DEF_FAMILY ? "family" : "rule", def->attribute,
		    def->attribute[0] ? " " : "", def->expr, def->includes);
		return 0;
	}
	json_obj_begin(j);
	json_kv_str(j, "name", def->name);
	json_kv_str(j, "kind", def->kind == ROSTER_DEF_FAMILY ? "family" :
	    "rule");
	json_kv_str(j, "rule", def->expr);
	json_kv_str(j, "attribute", def->attribute);
	json_kv_str(j, "include", def->includes);
	json_obj_end(j);
	return 0;
}

static int
show_managed(const struct roster_list *rl, void *ctx)
{
	struct json *j = ctx;

	if (j == NULL) {
		printf("list %s\t%s%s%s%s\n", rl->list_name, rl->def_name,
		    rl->value[0] ? " = " : "", rl->value,
		    rl->retired ? "\tretired" : "");
		return 0;
	}
	json_obj_begin(j);
	json_kv_str(j, "list", rl->list_name);
	json_kv_str(j, "definition", rl->def_name);
	json_kv_str(j, "value", rl->value);
	json_kv_bool(j, "retired", rl->retired);
	json_obj_end(j);
	return 0;
}

static int
show_exclusion(const char *list, const char *address, void *ctx)
{
	struct json *j = ctx;

	if (j == NULL) {
		printf("exclude %s\t%s\n", list, address);
		return 0;
	}
	json_obj_begin(j);
	json_kv_str(j, "list", list);
	json_kv_str(j, "address", address);
	json_obj_end(j);
	return 0;
}

static int
roster_list(struct ctl *c)
{
	struct district d;
	struct store *ds;
	struct json j, *jp = c->json ? &j : NULL;
	enum status st;
	int rc;

	if ((rc = ctl_open_district(c, c->pos[0], &d, &ds)) != 0)
		return rc;
	if (jp) {
		ctl_json_begin(jp, 16 << 20);
		json_obj_begin(jp);
		json_key(jp, "definitions");
		json_arr_begin(jp);
	}
	st = store_roster_def_each(ds, show_def, jp);
	if (jp) {
		json_arr_end(jp);
		json_key(jp, "lists");
		json_arr_begin(jp);
	}
	if (st == ST_OK)
		st = store_roster_list_each(ds, show_managed, jp);
	if (jp) {
		json_arr_end(jp);
		json_key(jp, "exclusions");
		json_arr_begin(jp);
	}
	if (st == ST_OK)
		st = store_roster_exclusion_each(ds, 0, show_exclusion, jp);
	store_close(ds);
	if (jp) {
		json_arr_end(jp);
		json_obj_end(jp);
		if (st != ST_OK)
			json_release(jp);
		else
			return ctl_json_end(jp);
	}
	return st == ST_OK ? 0 : ctl_fail(c, st, "cannot read the roster "
	    "definitions (%s)", status_name(st));
}

static int
exclusion_change(struct ctl *c, int add)
{
	char addr[ADDR_MAX + 1];
	const char *reason;
	struct district d;
	struct store *ds;
	struct list l;
	enum status st;
	int rc;

	if (addr_normalize(c->pos[1], addr, sizeof(addr), &reason) == -1)
		return ctl_fail(c, ST_DATA, "invalid address \"%s\": %s",
		    c->pos[1], reason);
	if ((rc = ctl_open_list(c, c->pos[0], &d, &ds, &l)) != 0)
		return rc;
	st = add ? store_roster_exclusion_add(ds, l.id, addr) :
	    store_roster_exclusion_remove(ds, l.id, addr);
	store_close(ds);
	if (st != ST_OK)
		return ctl_fail(c, st, st == ST_EXISTS ? "%s is already excluded"
		    : st == ST_NOTFOUND ? "%s is not excluded" :
		    "cannot change the exclusion of %s", addr);
	ctl_audit(c, d.slug, add ? "roster.exclude" : "roster.unexclude",
	    "list=%s address=%s", l.name, addr);
	if (!c->json)
		printf("%s %s %s@%s (from the next generator run)\n", addr,
		    add ? "excluded from" : "no longer excluded from", l.name,
		    d.domain);
	return 0;
}

static int
roster_exclude(struct ctl *c)
{
	return exclusion_change(c, 1);
}

static int
roster_unexclude(struct ctl *c)
{
	return exclusion_change(c, 0);
}
