/* plan.c - turn a district's definitions and accounts into the lists the
 * generator should build (plan.h). Nothing is written to the store here. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "core/store_roster.h"
#include "core/xmem.h"
#include "generator/plan.h"

static const char *slug_cached(struct plan *, const char *);

struct build_ctx {
	struct plan			*p;
	const struct district		*d;
	const struct directory		*dir;
	enum status			 st;
};

static struct plan_list *
plan_add(struct plan *p, const char *name, const char *def_name,
    enum plan_kind kind)
{
	struct plan_list *l;

	if (p->n == PLAN_LISTS_MAX)
		return NULL;
	p->lists = xrealloc(p->lists, (p->n + 1) * sizeof(*l));
	l = &p->lists[p->n++];
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	snprintf(l->def_name, sizeof(l->def_name), "%s", def_name);
	l->kind = kind;
	l->family_col = -1;
	return l;
}

struct plan_list *
plan_find(struct plan *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->lists[i].name, name) == 0)
			return &p->lists[i];
	return NULL;
}

void
plan_slug(const char *value, char *out, size_t out_len)
{
	char *ascii = g_str_to_ascii(value, "C");
	size_t n = 0;
	int dash = 0;

	for (const char *q = ascii; *q && n + 1 < out_len; q++) {
		if (isalnum((unsigned char)*q)) {
			if (dash && n > 0 && n + 2 < out_len)
				out[n++] = '-';
			dash = 0;
			out[n++] = (char)tolower((unsigned char)*q);
		} else
			dash = 1;
	}
	out[n] = '\0';
	g_free(ascii);
}

/* The part of a family list's name after "<prefix>-": the value's slug,
 * shortened so the whole name fits a list name. */
static void
family_suffix(const char *slug, const char *prefix, char *out)
{
	size_t room = LIST_NAME_MAX - strlen(prefix) - 1;

	snprintf(out, room + 1, "%s", slug);
	for (size_t n = strlen(out); n > 0 && out[n - 1] == '-'; n--)
		out[n - 1] = '\0';
}

/* Parse and bind a definition's rule into l (errors go to l->error). */
static void
plan_rule(struct plan_list *l, const struct roster_def *def,
    const struct directory *dir)
{
	char err[256];

	if (def->expr[0] == '\0')
		return;
	if ((l->rule = rule_parse(def->expr, err, sizeof(err))) == NULL ||
	    rule_bind(l->rule, (const char *const *)dir->columns,
	    dir->n_columns, err, sizeof(err)) == -1)
		snprintf(l->error, sizeof(l->error), "rule of %s: %s",
		    def->name, err);
}

static void
plan_includes(struct plan_list *l, const char *includes)
{
	char **parts = g_strsplit(includes, ",", PLAN_INCLUDES_MAX);

	for (size_t i = 0; parts[i] && l->n_includes < PLAN_INCLUDES_MAX; i++) {
		g_strstrip(parts[i]);
		if (parts[i][0])
			l->includes[l->n_includes++] = xstrdup(parts[i]);
	}
	g_strfreev(parts);
}

/* One list per distinct slug of the family's attribute among active
 * accounts that match its rule. */
static void
plan_family(struct build_ctx *b, const struct roster_def *def)
{
	struct plan_list tmpl, *l;
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	char slug[LIST_NAME_MAX + 1];
	char name[LIST_NAME_MAX + 2];

	memset(&tmpl, 0, sizeof(tmpl));
	plan_rule(&tmpl, def, b->dir);
	tmpl.family_col = directory_column(b->dir, def->attribute);
	for (size_t i = 0; i < b->dir->n_accounts && !tmpl.error[0] &&
	    tmpl.family_col >= 0; i++) {
		const struct account *a = &b->dir->accounts[i];

		if (!a->is_active || (tmpl.rule && !rule_eval(tmpl.rule,
		    a->values)))
			continue;
		family_suffix(slug_cached(b->p, a->values[tmpl.family_col]),
		    def->name, slug);
		if (slug[0] == '\0' || g_hash_table_contains(seen, slug))
			continue;
		g_hash_table_add(seen, g_strdup(slug));
		snprintf(name, sizeof(name), "%s-%s", def->name, slug);
		if ((l = plan_add(b->p, name, def->name, PLAN_FAMILY)) == NULL)
			break;
		snprintf(l->value, sizeof(l->value), "%s",
		    a->values[tmpl.family_col]);
		l->family_col = tmpl.family_col;
		plan_rule(l, def, b->dir);
	}
	if (tmpl.family_col < 0 && (l = plan_add(b->p, def->name, def->name,
	    PLAN_FAMILY)) != NULL)
		snprintf(l->error, sizeof(l->error), "family %s: unknown "
		    "attribute \"%s\"", def->name, def->attribute);
	else if (tmpl.error[0] && (l = plan_add(b->p, def->name, def->name,
	    PLAN_FAMILY)) != NULL)
		snprintf(l->error, sizeof(l->error), "%s", tmpl.error);
	rule_free(tmpl.rule);
	g_hash_table_destroy(seen);
}

static int
add_def(const struct roster_def *def, void *ctx)
{
	struct build_ctx *b = ctx;
	struct plan_list *l;

	if (def->kind == ROSTER_DEF_FAMILY) {
		plan_family(b, def);
		return 0;
	}
	if ((l = plan_add(b->p, def->name, def->name, PLAN_RULE)) == NULL)
		return 1;
	plan_rule(l, def, b->dir);
	plan_includes(l, def->includes);
	return 0;
}

/* A managed list that is no longer planned is retired (wanted: nobody). */
static int
add_retired(const struct roster_list *rl, void *ctx)
{
	struct build_ctx *b = ctx;
	struct plan_list *l;

	if (rl->retired || plan_find(b->p, rl->list_name) != NULL)
		return 0;
	if ((l = plan_add(b->p, rl->list_name, rl->def_name, PLAN_RETIRE)))
		snprintf(l->value, sizeof(l->value), "%s", rl->value);
	return 0;
}

enum status
plan_build(struct store *s, const struct district *d,
    const struct directory *dir, struct plan *p)
{
	struct build_ctx b = { p, d, dir, ST_OK };
	struct plan_list *l;
	enum status st;

	memset(p, 0, sizeof(*p));
	l = plan_add(p, "staff", "staff", PLAN_BASE);
	l->roles = 1 << ACCOUNT_STAFF;
	if (d->students_have_email) {
		l = plan_add(p, "students", "students", PLAN_BASE);
		l->roles = 1 << ACCOUNT_STUDENT;
	}
	l = plan_add(p, "all-accounts", "all-accounts", PLAN_BASE);
	l->roles = 1 << ACCOUNT_STAFF | 1 << ACCOUNT_UTILITY |
	    (d->students_have_email ? 1 << ACCOUNT_STUDENT : 0);
	if ((st = store_roster_def_each(s, add_def, &b)) != ST_OK)
		return st;
	return store_roster_list_each(s, add_retired, &b);
}

void
plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		rule_free(p->lists[i].rule);
		for (size_t k = 0; k < p->lists[i].n_includes; k++)
			xfree(p->lists[i].includes[k]);
		xfree(p->lists[i].wanted);
	}
	xfree(p->lists);
	if (p->slugs)
		g_hash_table_destroy(p->slugs);
	memset(p, 0, sizeof(*p));
}

/* The slug of value, computed once per distinct value. Borrowed. */
static const char *
slug_cached(struct plan *p, const char *value)
{
	char slug[LIST_NAME_MAX + 1], *s;

	if (p->slugs == NULL)
		p->slugs = g_hash_table_new_full(g_str_hash, g_str_equal,
		    g_free, g_free);
	if ((s = g_hash_table_lookup(p->slugs, value)) == NULL) {
		plan_slug(value, slug, sizeof(slug));
		s = g_strdup(slug);
		g_hash_table_insert(p->slugs, g_strdup(value), s);
	}
	return s;
}

static int
matches(struct plan *p, const struct plan_list *l, const struct account *a)
{
	if (!a->is_active)
		return 0;
	if (l->kind == PLAN_BASE)
		return (l->roles >> a->role) & 1;
	if (l->kind == PLAN_FAMILY && strcmp(a->values[l->family_col],
	    l->value) != 0) {
		char x[LIST_NAME_MAX + 1];

		family_suffix(slug_cached(p, a->values[l->family_col]),
		    l->def_name, x);
		if (strcmp(x, l->name + strlen(l->def_name) + 1) != 0)
			return 0;
	}
	return l->rule == NULL || rule_eval(l->rule, a->values);
}

static void
compute_one(struct plan *p, struct plan_list *l, const struct directory *dir)
{
	size_t n = dir->n_accounts;

	if (l->state == 2)
		return;
	l->state = 1;
	l->wanted = xcalloc(n ? n : 1, 1);
	if (l->kind != PLAN_RETIRE && !l->error[0])
		for (size_t i = 0; i < n; i++)
			l->wanted[i] = (unsigned char)matches(p, l,
			    &dir->accounts[i]);
	for (size_t k = 0; k < l->n_includes && !l->error[0]; k++) {
		struct plan_list *inc = plan_find(p, l->includes[k]);

		if (inc == NULL || inc->state == 1) {
			snprintf(l->error, sizeof(l->error), "%s includes %s, "
			    "%s", l->name, l->includes[k], inc ? "which "
			    "includes it back" : "which is not a roster list");
			break;
		}
		compute_one(p, inc, dir);
		for (size_t i = 0; i < n && !inc->error[0]; i++)
			l->wanted[i] |= inc->wanted[i];
	}
	l->state = 2;
}

void
plan_compute(struct plan *p, const struct directory *dir)
{
	for (size_t i = 0; i < p->n; i++)
		compute_one(p, &p->lists[i], dir);
}
