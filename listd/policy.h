/* policy.h - content policy matching: the rules that apply to one list
 * (site, district, the district's preset, list) and the judgement of one
 * parsed message against them. Storage is core/store_policy.c; the
 * pipeline step is step_content.c; nothing here touches a store except
 * policy_set_load(). */
#ifndef LISTD_POLICY_H
#define LISTD_POLICY_H

#include <stddef.h>

#include <gmime/gmime.h>

#include "core/model.h"
#include "core/status.h"
#include "core/store.h"
#include "core/store_policy.h"
#include "core/store_post.h"

#define POLICY_DEPTH_MAX	16		/* nested multiparts/messages */
#define POLICY_PARTS_MAX	5000		/* MIME parts walked */
#define POLICY_TEXT_MAX		(8u << 20)	/* decoded text bytes scanned */
#define POLICY_LABEL_MAX	(SLUG_MAX + 32)
#define POLICY_PRESET_STUDENT_SAFE	"student-safe"

/* The rules in effect for one list, widest scope first. */
struct policy_set {
	char			 slug[SLUG_MAX + 1];	/* for rule labels */
	struct policy_rule	*rules;
	char			**keys;	/* per rule: folded word or lowered pattern */
	size_t			 n;
	size_t			 cap;
};

struct policy_result {
	int				 is_match;	/* 0: nothing to act on */
	enum policy_action		 action;
	const struct policy_rule	*rule;	/* NULL for a structural limit */
	char				 label[POLICY_LABEL_MAX];
	char				 reason[POST_REASON_MAX + 1];
};

/* Start an empty set for district slug; policy_set_release() frees it. */
void	policy_set_init(struct policy_set *set, const char *slug);
void	policy_set_release(struct policy_set *set);
/* Add a copy of r. */
void	policy_set_add(struct policy_set *set, const struct policy_rule *r);
/* Add every rule that applies to list_id: the site's (site may be NULL),
 * the district's from ds, the district's presets when switched on, and the
 * list's. ST_OK, or the store's failure (the set then holds what was read;
 * the caller releases it either way). */
enum status policy_set_load(struct policy_set *set, struct store *site,
	    struct store *ds, int64_t list_id);
/* Add the built-in rules of preset name (scope district). -1 when there is
 * no such preset. */
int	policy_preset_add(struct policy_set *set, const char *name);
/* Is name a preset this build knows? */
int	policy_preset_known(const char *name);

/* Parse a max_size pattern: bytes, or a number with K, M or G (1024s).
 * -1 when it is not a size from 1 byte to 1 GiB. */
int	policy_size_parse(const char *s, size_t *out);
/* Check a rule before it is stored: pattern shape for its kind, message one
 * line of printable ASCII. -1 with *why set (static) when refused. */
int	policy_rule_valid(const struct policy_rule *r, const char **why);

/* A rule's stable label for the operator: "site:3", "<slug>:5" or
 * "preset:student-safe". Writes into out. */
void	policy_rule_label(const struct policy_set *set,
	    const struct policy_rule *r, char *out, size_t out_len);

/* Judge msg (raw_len bytes as received) against set. Fills *res; returns
 * res->is_match. Walks at most POLICY_PARTS_MAX parts, POLICY_DEPTH_MAX
 * levels and POLICY_TEXT_MAX bytes of text; past a bound the result is a
 * hold naming the bound (never a silent pass). An empty set matches
 * nothing and walks nothing. */
int	policy_check(const struct policy_set *set, GMimeMessage *msg,
	    size_t raw_len, struct policy_result *res);

/* Fold UTF-8 text for whole-word matching: invalid bytes replaced, case
 * folded, compatibility-decomposed (NFKD) with combining marks and format
 * characters dropped, and every run of non-alphanumerics made one space,
 * with a space at each end (" ecole a la plage "). Caller frees with
 * g_free(). */
char	*policy_fold(const char *s, size_t len);
/* The visible text of an HTML document (tags stripped, entities decoded,
 * block elements separated by spaces). Caller frees with g_free(). */
char	*policy_html_text(const char *html, size_t len);

#endif
