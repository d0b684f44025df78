/* report.c - the plain-text summary of a generator run for a district's
 * admins (generator_summary). Building the text is here; sending it is the
 * daemon's mail path. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "generator/generator.h"

#define SUMMARY_MAX	(64 * 1024)
#define SUMMARY_ERRORS	20

static void
summary_lists(struct buf *b, const struct district *d,
    const struct generator_result *res)
{
	for (size_t i = 0; i < res->n_lists; i++) {
		const struct generator_list *gl = &res->lists[i];

		if (strcmp(gl->rl.state, "unchanged") == 0)
			continue;
		buf_printf(b, "  %s@%s: %s, %lld added, %lld removed, %lld "
		    "renamed%s%s\n", gl->rl.list_name, d->domain, gl->rl.state,
		    (long long)gl->rl.adds, (long long)gl->rl.removes,
		    (long long)gl->rl.renames, gl->error[0] ? "; " : "",
		    gl->error);
	}
}

char *
generator_summary(const struct district *d, const struct generator_result *res)
{
	struct buf b;

	buf_init(&b, SUMMARY_MAX);
	buf_printf(&b, "Roster update for %s (%s)\n\n", d->name, d->domain);
	buf_printf(&b, "Source: %s\nAccounts read: %lld, bad rows: %lld\n",
	    res->run.source, (long long)res->run.accounts,
	    (long long)res->run.errors);
	buf_printf(&b, "Result: %s%s%s\n", res->run.applied ? "applied" :
	    res->run.dry_run ? "dry run, nothing applied" : "nothing applied",
	    res->run.message[0] ? " - " : "", res->run.message);
	buf_printf(&b, "Totals: %lld added, %lld removed, %lld renamed, %d "
	    "list(s) refused\n\n", (long long)res->run.adds,
	    (long long)res->run.removes, (long long)res->run.renames,
	    res->run.refused);
	summary_lists(&b, d, res);
	for (size_t i = 0; i < res->n_errors && i < SUMMARY_ERRORS; i++)
		buf_printf(&b, "%s  %s\n", i == 0 ? "\nBad rows:\n" : "",
		    res->errors[i]);
	if (res->run.errors > SUMMARY_ERRORS)
		buf_printf(&b, "  ... and %lld more\n",
		    (long long)res->run.errors - SUMMARY_ERRORS);
	return buf_steal(&b);
}
