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

#endif
