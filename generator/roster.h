/* roster.h - the difference between one roster list's wanted members and
 * its generated members, and its guarded application. Manual members are
 * never touched; an account whose stable id is already on the list under
 * another address is renamed in place, so its preferences stay. */
#ifndef LISTD_GENERATOR_ROSTER_H
#define LISTD_GENERATOR_ROSTER_H

#include <stddef.h>

#include "core/status.h"
#include "core/store.h"
#include "core/store_roster.h"
#include "generator/directory.h"

#define ROSTER_CHANGES_KEPT	100000	/* change lines kept per list */

enum roster_verdict { ROSTER_APPLIED, ROSTER_UNCHANGED, ROSTER_REFUSED,
	ROSTER_DRY_RUN };

struct roster_apply_opts {
	int	dry_run;
	int	force;
	int	max_remove_percent;
	int	keep_changes;	/* fill changes[] ("+ a", "- a", "~ a -> b") */
};

struct roster_outcome {
	enum roster_verdict	 verdict;
	int64_t			 current;	/* generated members before */
	int64_t			 wanted;
	int64_t			 adds, removes, renames, updates;
	size_t			 n_changes;
	char			**changes;	/* xfree each, then the array */
};

/* Diff list list_id against the accounts flagged in wanted[0..n_accounts)
 * of dir, less the list's exclusions and manual members, and apply it
 * (the caller holds the transaction). More removals than
 * max_remove_percent of the current generated members is ROSTER_REFUSED
 * (nothing written) unless force. ST_OK or a store failure. Caller releases
 * out with roster_outcome_release(). */
enum status	roster_apply(struct store *s, int64_t list_id,
		    const struct directory *dir, const unsigned char *wanted,
		    const struct roster_apply_opts *o,
		    struct roster_outcome *out);
void		roster_outcome_release(struct roster_outcome *out);
/* Would removing n_remove of n_current pass the guard of max_percent? */
int		roster_guard_ok(int64_t n_remove, int64_t n_current,
		    int max_percent);

#endif
