/* ctl.h - what the listctl nouns share: parsed arguments, the open stores,
 * error reporting that names the thing and the place, and JSON output. */
#ifndef LISTD_CTL_H
#define LISTD_CTL_H

#include <stdio.h>

#include "core/json.h"
#include "core/model.h"
#include "core/status.h"
#include "core/store.h"

#define CTL_POS_MAX	512	/* bounce parse takes many files */
#define CTL_OPT_MAX	32

struct ctl_opt {
	const char	*name;
	const char	*value;		/* NULL for a flag */
};

struct ctl {
	const char	*home;
	int		 json;
	const char	*noun;
	const char	*verb;
	int		 n_pos;
	const char	*pos[CTL_POS_MAX];
	int		 n_opts;
	struct ctl_opt	 opts[CTL_OPT_MAX];
	struct store	*site;		/* opened on demand by ctl_site() */
	char		 actor[128];
};

/* A verb of a noun: name, allowed options ("name=" takes a value, "name"
 * is a flag, comma separated), positional count range, usage, handler. */
struct ctl_verb {
	const char	*name;
	const char	*options;
	int		 min_pos;
	int		 max_pos;
	const char	*usage;
	const char	*help;
	int		(*run)(struct ctl *);
};

struct ctl_noun {
	const char		*name;
	const char		*help;
	const struct ctl_verb	*verbs;
};

/* Report an error as "listctl: <noun> <verb>: <message>" and return the
 * exit code for st. */
int	ctl_fail(struct ctl *c, enum status st, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Value of option name, or NULL when not given. */
const char *ctl_opt(const struct ctl *c, const char *name);
/* Repeated option name: the value of the next occurrence at or after *i
 * (start with *i = 0), advancing *i past it; NULL when there is none. */
const char *ctl_opt_next(const struct ctl *c, const char *name, int *i);
/* Was flag name given? */
int	ctl_flag(const struct ctl *c, const char *name);
/* The site store, opened on first use. NULL after reporting an error. */
struct store *ctl_site(struct ctl *c);
/* Resolve "name@domain" to its district, the district's open store and the
 * list. On failure reports the error and returns its exit code (non-zero);
 * *s is then NULL. Caller closes *s with store_close(). */
int	ctl_open_list(struct ctl *c, const char *address, struct district *d,
	    struct store **s, struct list *l);
/* Open a district's store by slug; reports errors as above. */
int	ctl_open_district(struct ctl *c, const char *slug, struct district *d,
	    struct store **s);
/* Record a change in the site audit log (failure is only logged). */
void	ctl_audit(struct ctl *c, const char *district, const char *action,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Parse "yes"/"no"; -1 otherwise. */
int	ctl_yesno(const char *s);
/* Start a JSON document for --json output (1 MB bound, or more for lists). */
void	ctl_json_begin(struct json *j, size_t max);
/* Print it to stdout and release; exit code 0, or 70 on overflow. */
int	ctl_json_end(struct json *j);
/* Format a unix time as an ISO 8601 UTC string into out (at least 21). */
void	ctl_time(int64_t t, char *out, size_t out_len);

extern const struct ctl_verb ctl_district_verbs[];
extern const struct ctl_verb ctl_list_verbs[];
extern const struct ctl_verb ctl_member_verbs[];
extern const struct ctl_verb ctl_archive_verbs[];
extern const struct ctl_verb ctl_inject_verbs[];
extern const struct ctl_verb ctl_queue_verbs[];
extern const struct ctl_verb ctl_held_verbs[];
extern const struct ctl_verb ctl_template_verbs[];
extern const struct ctl_verb ctl_bounce_verbs[];
extern const struct ctl_verb ctl_generate_verbs[];	/* "" is the default */
extern const struct ctl_verb ctl_source_verbs[];
extern const struct ctl_verb ctl_roster_verbs[];
extern const struct ctl_verb ctl_admin_verbs[];
extern const struct ctl_verb ctl_token_verbs[];
extern const struct ctl_verb ctl_policy_verbs[];
extern const struct ctl_verb ctl_migrate_verbs[];

#endif
