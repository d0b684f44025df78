/* district.h - what listctl district add|set|remove and the web's site
 * pages share: checking a district's fields, creating one (row and store
 * directory together), its report-to setting, and retiring one (its
 * directory kept under HOME/removed/). No output here; callers report. */
#ifndef LISTD_DISTRICT_H
#define LISTD_DISTRICT_H

#include <stddef.h>

#include "core/model.h"
#include "core/status.h"
#include "core/store.h"

#define DISTRICT_REPORT_TO_MAX	1000

/* Check and apply the non-NULL domain and name to d (the domain is
 * normalised to lower case). ST_OK, or ST_USAGE with a reason for a person
 * in why (why_len bytes) and d unchanged. */
enum status	district_fields_apply(struct district *d, const char *domain,
		    const char *name, char *why, size_t why_len);
/* Add d (slug, domain and name set and checked) to site.db and create its
 * directory and store under home; neither stays when the other fails.
 * ST_USAGE for a bad slug, ST_EXISTS when the slug or domain is taken. */
enum status	district_create(const char *home, struct store *site,
		    struct district *d);
/* Check the comma- or space-separated addresses of value and store them
 * as ds's report_to ("" clears it). ST_USAGE with why on a bad address. */
enum status	district_report_to_set(struct store *ds, const char *value,
		    char *why, size_t why_len);
/* The check of district_report_to_set alone (nothing stored). */
enum status	district_report_to_check(const char *value, char *why,
		    size_t why_len);
/* Remove district slug: refused (ST_DENIED, *n_lists set) while it has
 * lists unless force; its directory moves to HOME/removed/SLUG-TIME, whose
 * path goes to *kept_in (caller frees with xfree(); NULL on failure). */
enum status	district_retire(const char *home, struct store *site,
		    const char *slug, int force, int *n_lists, char **kept_in);

#endif
