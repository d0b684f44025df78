/* plan.h - which roster lists a district should have and who belongs on
 * each: the built-in staff@, students@ (only where students have mail) and
 * all-accounts@, the rule lists, one list per value for each family, and the
 * managed lists to retire because their definition or value is gone. */
#ifndef LISTD_GENERATOR_PLAN_H
#define LISTD_GENERATOR_PLAN_H

#include <stddef.h>

#include <glib.h>

#include "core/model.h"
#include "core/status.h"
#include "core/store.h"
#include "generator/directory.h"
#include "generator/rule.h"

#define PLAN_LISTS_MAX		2000
#define PLAN_INCLUDES_MAX	32

enum plan_kind { PLAN_BASE, PLAN_RULE, PLAN_FAMILY, PLAN_RETIRE };

struct plan_list {
	char		 name[LIST_NAME_MAX + 1];
	char		 def_name[LIST_NAME_MAX + 1];
	char		 value[NAME_MAX_LEN + 1];	/* family value */
	enum plan_kind	 kind;
	int		 roles;		/* base lists: bit per account_role */
	struct rule	*rule;		/* NULL: every active account */
	int		 family_col;	/* family attribute column */
	size_t		 n_includes;
	char		*includes[PLAN_INCLUDES_MAX];
	char		 error[300];	/* why this list cannot be built */
	unsigned char	*wanted;	/* one flag per account, or NULL */
	int		 state;		/* 0 todo, 1 computing, 2 done */
};

struct plan {
	size_t			 n;
	struct plan_list	*lists;
	GHashTable		*slugs;		/* value -> slug, a cache */
};

/* Build the plan for district d from its definitions in s and the accounts
 * in dir. Definition problems (a bad rule, an unknown attribute) are kept in
 * the list's error, not returned. ST_OK or a store failure. Caller releases
 * with plan_release(). */
enum status	plan_build(struct store *s, const struct district *d,
		    const struct directory *dir, struct plan *p);
void		plan_release(struct plan *p);
/* Compute every list's wanted flags (includes resolved; a cycle or an
 * unknown include becomes the list's error). */
void		plan_compute(struct plan *p, const struct directory *dir);
/* The list of that name in the plan, or NULL. */
struct plan_list *plan_find(struct plan *p, const char *name);
/* Write the slug of value into out (lower-case ASCII letters, digits and
 * single hyphens, accents dropped; at most out_len-1 bytes). "" when the
 * value has no letter or digit. */
void		plan_slug(const char *value, char *out, size_t out_len);

#endif
