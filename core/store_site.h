/* store_site.h - site.db: districts and the audit log. */
#ifndef LISTD_STORE_SITE_H
#define LISTD_STORE_SITE_H

#include "core/model.h"
#include "core/status.h"
#include "core/store.h"

/* Add a district (id and created are set in d). ST_EXISTS when the slug or
 * domain is taken. */
enum status	store_district_add(struct store *site, struct district *d);
/* Look a district up by slug or by mail domain (case-insensitive).
 * ST_NOTFOUND when there is none. */
enum status	store_district_get(struct store *site, const char *slug,
		    struct district *out);
enum status	store_district_by_domain(struct store *site, const char *domain,
		    struct district *out);
/* Write name, domain and students_have_email of d (by id). */
enum status	store_district_update(struct store *site, const struct district *d);
/* Delete the row; the caller deals with the directory. */
enum status	store_district_remove(struct store *site, const char *slug);
/* Call fn for each district in slug order; a non-zero return from fn stops
 * the walk early (still ST_OK). */
enum status	store_district_each(struct store *site,
		    int (*fn)(const struct district *, void *), void *ctx);

/* Append an audit record: who did what in which district. */
enum status	store_audit_add(struct store *site, const char *actor,
		    const char *district, const char *action, const char *detail);
struct audit_entry {
	int64_t	id;
	int64_t	ts;
	char	actor[128];
	char	district[SLUG_MAX + 1];
	char	action[64];
	char	detail[512];
};
/* Call fn for the newest `limit` entries (district "" for all), newest first. */
enum status	store_audit_each(struct store *site, const char *district,
		    int limit, int (*fn)(const struct audit_entry *, void *),
		    void *ctx);

#endif
