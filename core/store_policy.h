/* store_policy.h - content policy rules (module "policy"): site rules in
 * site.db, district and list rules in district.db, and a district's presets.
 * Only storage and the names of the enumerations; matching lives in
 * listd/policy.c. */
#ifndef LISTD_STORE_POLICY_H
#define LISTD_STORE_POLICY_H

#include <stdint.h>

#include "core/status.h"
#include "core/store.h"

#define POLICY_PATTERN_MAX	200	/* bytes of a pattern (word, type, ext) */
#define POLICY_MESSAGE_MAX	200	/* bytes of a reject reply text */
#define POLICY_RULES_MAX	2000	/* rules one store may hold */

/* Narrowest last: a list rule beats a district rule beats a site rule. */
enum policy_scope { POLICY_SITE, POLICY_DISTRICT, POLICY_LIST,
	POLICY_SCOPE__COUNT };
enum policy_kind { POLICY_MAX_SIZE, POLICY_ATTACH_DENY, POLICY_ATTACH_ALLOW,
	POLICY_WORD, POLICY_KIND__COUNT };
/* In rising severity: discard > reject > hold. */
enum policy_action { POLICY_HOLD, POLICY_REJECT, POLICY_DISCARD,
	POLICY_ACTION__COUNT };

struct policy_rule {
	int64_t			id;		/* 0 for a preset's built-in rule */
	enum policy_scope	scope;
	int64_t			list_id;	/* POLICY_LIST only */
	enum policy_kind	kind;
	char			pattern[POLICY_PATTERN_MAX + 1];
	enum policy_action	action;
	char			message[POLICY_MESSAGE_MAX + 1];
	const char		*preset;	/* static name, or NULL */
};

/* Names: "max_size", "attachment_deny", "attachment_allow", "word";
 * "hold", "reject", "discard"; "site", "district", "list". Static. */
const char	*store_policy_kind_name(enum policy_kind k);
const char	*store_policy_action_name(enum policy_action a);
const char	*store_policy_scope_name(enum policy_scope s);
/* Parse a name back; -1 when unknown. */
int		 store_policy_kind_parse(const char *s);
int		 store_policy_action_parse(const char *s);

/* Add rule r (r->id is set). In site.db r->scope must be POLICY_SITE; in a
 * district store POLICY_DISTRICT or POLICY_LIST with list_id. ST_EXISTS when
 * the same kind and pattern is already there for that scope; ST_TOOBIG past
 * POLICY_RULES_MAX rules; ST_USAGE for a scope the store does not hold. */
enum status	store_policy_add(struct store *s, struct policy_rule *r);
/* Remove rule id. ST_NOTFOUND when the store has no such rule. */
enum status	store_policy_remove(struct store *s, int64_t id);
/* Call fn for each rule that applies to list_id, widest scope first, then
 * by id: in site.db every rule; in a district store the district's rules,
 * then those of list_id (0: district rules only; -1: every list's too).
 * A non-zero return from fn stops the walk (still ST_OK). */
enum status	store_policy_each(struct store *s, int64_t list_id,
		    int (*fn)(const struct policy_rule *, void *), void *ctx);
/* Is the preset called name switched on for this district store? */
enum status	store_policy_preset_get(struct store *s, const char *name,
		    int *is_on);
enum status	store_policy_preset_set(struct store *s, const char *name,
		    int is_on);

#endif
