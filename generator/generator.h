/* generator.h - the roster generator as the rest of listd sees it: run it
 * for one district, read what it did, and format the summary a district's
 * admins should get by mail (the mail itself is the daemon's job). */
#ifndef LISTD_GENERATOR_H
#define LISTD_GENERATOR_H

#include <stddef.h>

#include "core/model.h"
#include "core/status.h"
#include "core/store.h"
#include "core/store_roster.h"

struct generator_opts {
	int	dry_run;	/* compute and report, write nothing but the log */
	int	force;		/* pass the removal guard */
	int	keep_changes;	/* keep per-list change lines */
};

struct generator_list {
	struct roster_run_list	 rl;		/* name, counts, state */
	char			 error[300];	/* definition problem */
	size_t			 n_changes;
	char			**changes;	/* "+ a", "- a", "~ a -> b" */
};

struct generator_result {
	struct roster_run	 run;		/* as recorded */
	size_t			 n_lists;
	struct generator_list	*lists;
	size_t			 n_errors;	/* bad rows kept below */
	char			**errors;	/* "file:line: message" */
};

/* Run the generator for district d, whose store is s: read its source,
 * build the lists (creating missing ones as kind roster, announce-only,
 * private archive), apply each list's difference in one transaction, and
 * record the run (dry runs too). Returns ST_OK when every list was applied
 * or unchanged; ST_DENIED when the guard refused a list (the others were
 * applied); ST_CONFIG without a source; ST_TEMP when the source cannot be
 * read; ST_DATA when it is empty or has more bad rows than allowed (then
 * nothing is applied); a store failure otherwise. res is always filled;
 * release it with generator_result_release(). */
enum status	generator_run(struct store *s, const struct district *d,
		    const struct generator_opts *o,
		    struct generator_result *res);
void		generator_result_release(struct generator_result *res);

/* The mail summary of a run for the district's admins: plain text, one
 * line per list that changed or was refused, then the first bad rows.
 * The lead's mail path sends it; the generator never sends mail. Caller
 * frees with xfree(). */
char		*generator_summary(const struct district *d,
		    const struct generator_result *res);

/* Is the district's source overdue: configured, and no applied run within
 * its interval? *last is the time of the last applied run (0: never). */
enum status	generator_is_stale(struct store *s, int *is_stale,
		    int64_t *last);

/* Signing in to the web interface with a district's directory password
 * (generator/ldap_login.c), set up in the district's source settings:
 * login=yes, login-filter (default "(uid=%s)"), login-base (default base),
 * role-group.district-admin and role-group.list-owner. */
struct generator_login {
	char	dn[1024];
	char	address[ADDR_MAX + 1];		/* "" when the entry has none */
	char	name[NAME_MAX_LEN + 1];
	int	district_admin;			/* in the district-admin group */
	int	list_owner;			/* in the list-owner group */
	int	has_role;	/* in one of them, or neither is configured */
};

/* Find login's entry with the login filter (login escaped, RFC 4515) and
 * bind as it with password. ST_OK with out filled when the password is
 * right; ST_DENIED for an unknown or ambiguous login or a wrong or empty
 * password; ST_NOTFOUND when the district has no LDAP sign-in (login is
 * not yes), ST_CONFIG when its settings are broken; ST_TEMP when the
 * directory cannot be reached. err says why, for
 * the log (never for the person signing in). */
enum status	generator_ldap_login(const struct roster_source_conf *conf,
		    const char *login, const char *password,
		    struct generator_login *out, char *err, size_t err_len);

#endif
