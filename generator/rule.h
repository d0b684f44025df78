/* rule.h - the roster rule language: a small boolean expression over an
 * account's attributes (CSV columns), e.g.
 *     role = staff and school in ("Lincoln Elementary", "Oak Hill")
 * Grammar: expr := term { "or" term }; term := factor { "and" factor };
 * factor := "not" factor | "(" expr ")" | NAME ("=" | "!=") VALUE
 * | NAME "in" "(" VALUE { "," VALUE } ")". VALUE is a "quoted string"
 * (\" and \\ escape) or a bare word of letters, digits and _ . @ -.
 * Keywords and attribute names ignore case; values compare without case for
 * ASCII letters. No I/O here. */
#ifndef LISTD_GENERATOR_RULE_H
#define LISTD_GENERATOR_RULE_H

#include <stddef.h>

#define RULE_TEXT_MAX	2000	/* bytes of rule text */
#define RULE_NODES_MAX	256	/* operators and comparisons in one rule */

struct rule;

/* Parse text. Returns the rule, or NULL with a message naming the column
 * (1-based byte offset) written to err: "column 12: expected a value after
 * \"=\"". Caller frees with rule_free(). */
struct rule	*rule_parse(const char *text, char *err, size_t err_len);
/* rule_free(NULL) does nothing. */
void		 rule_free(struct rule *r);
/* Resolve attribute names against the source's columns (n names,
 * compared without case). 0, or -1 with "unknown attribute \"x\"" in err. */
int		 rule_bind(struct rule *r, const char *const *columns, size_t n,
		     char *err, size_t err_len);
/* Does the account whose column values are values[0..n) (as bound) match?
 * The rule must be bound. */
int		 rule_eval(const struct rule *r, const char *const *values);

#endif
