/* district.c - districts as listctl and the web change them: field checks,
 * create (site.db row plus store), report-to, retire. The SQL is in
 * store_site.c; this file only orders the steps and undoes half-done ones. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/addr.h"
#include "core/district.h"
#include "core/log.h"
#include "core/store_list.h"
#include "core/store_site.h"
#include "core/store_sub.h"
#include "core/xmem.h"

static int	count_list(const struct list *l, void *ctx);
static char	*move_aside(const char *dir, const char *removed,
		    const char *slug);

enum status
district_fields_apply(struct district *d, const char *domain,
    const char *name, char *why, size_t why_len)
{
	char probe[ADDR_MAX + 1], norm[ADDR_MAX + 1];
	const char *reason;

	if (domain) {
		if (strlen(domain) > ADDR_DOMAIN_MAX) {
			snprintf(why, why_len, "invalid domain: longer than %d "
			    "characters", ADDR_DOMAIN_MAX);
			return ST_USAGE;
		}
		snprintf(probe, sizeof(probe), "postmaster@%s", domain);
		if (addr_normalize(probe, norm, sizeof(norm), &reason) == -1) {
			snprintf(why, why_len, "invalid domain \"%s\": %s",
			    domain, reason);
			return ST_USAGE;
		}
	}
	if (name && (!*name || !model_text_valid(name, NAME_MAX_LEN, 0))) {
		snprintf(why, why_len, "invalid name: it must be 1 to %d "
		    "characters of UTF-8 text on one line", NAME_MAX_LEN);
		return ST_USAGE;
	}
	if (domain)
		snprintf(d->domain, sizeof(d->domain), "%s", addr_domain(norm));
	if (name)
		snprintf(d->name, sizeof(d->name), "%s", name);
	return ST_OK;
}

enum status
district_create(const char *home, struct store *site, struct district *d)
{
	struct store *ds = NULL;
	enum status st;

	if (!model_slug_valid(d->slug))
		return ST_USAGE;
	if ((st = store_district_add(site, d)) != ST_OK)
		return st;
	if ((st = store_district_open(home, d->slug, 1, &ds)) != ST_OK) {
		(void)store_district_remove(site, d->slug);
		return st;
	}
	store_close(ds);
	return ST_OK;
}

enum status
district_report_to_set(struct store *ds, const char *value, char *why,
    size_t why_len)
{
	enum status st;

	if ((st = district_report_to_check(value, why, why_len)) != ST_OK)
		return st;
	return store_setting_set(ds, "report_to", value);
}

enum status
district_report_to_check(const char *value, char *why, size_t why_len)
{
	char copy[DISTRICT_REPORT_TO_MAX + 1], norm[ADDR_MAX + 1], *p;
	char *save = NULL;
	const char *reason;

	if (strlen(value) > DISTRICT_REPORT_TO_MAX) {
		snprintf(why, why_len, "report-to: longer than %d characters",
		    DISTRICT_REPORT_TO_MAX);
		return ST_USAGE;
	}
	snprintf(copy, sizeof(copy), "%s", value);
	for (p = strtok_r(copy, ", ", &save); p; p = strtok_r(NULL, ", ", &save))
		if (addr_normalize(p, norm, sizeof(norm), &reason) == -1) {
			snprintf(why, why_len, "report-to: \"%s\": %s", p,
			    reason);
			return ST_USAGE;
		}
	return ST_OK;
}

/* Rename dir to removed/SLUG-TIME (or -TIME-N when that is taken, as
 * when one district is removed twice in a second). The new path, or NULL
 * with errno set. Caller frees. */
static char *
move_aside(const char *dir, const char *removed, const char *slug)
{
	long long now = (long long)store_now();
	char *target;

	for (int n = 1; n <= 100; n++) {
		target = n == 1 ? xasprintf("%s/%s-%lld", removed, slug, now) :
		    xasprintf("%s/%s-%lld-%d", removed, slug, now, n);
		if (rename(dir, target) == 0)
			return target;
		xfree(target);
		if (errno != ENOTEMPTY && errno != EEXIST)
			return NULL;
	}
	return NULL;
}

static int
count_list(const struct list *l, void *ctx)
{
	(void)l;
	(*(int *)ctx)++;
	return 0;
}

enum status
district_retire(const char *home, struct store *site, const char *slug,
    int force, int *n_lists, char **kept_in)
{
	char *dir = NULL, *removed = NULL, *target = NULL;
	struct store *ds = NULL;
	enum status st;

	*n_lists = 0;
	*kept_in = NULL;
	if ((st = store_district_open(home, slug, 0, &ds)) != ST_OK)
		return st;
	st = store_list_each(ds, count_list, n_lists);
	store_close(ds);
	if (st != ST_OK)
		return st;
	if (*n_lists > 0 && !force)
		return ST_DENIED;
	dir = store_district_path(home, slug);
	removed = xasprintf("%s/removed", home);
	if ((mkdir(removed, 0750) == -1 && errno != EEXIST) ||
	    (target = move_aside(dir, removed, slug)) == NULL) {
		log_warn("district retire cannot move %s into %s", dir, removed);
		st = ST_TEMP;
		goto out;
	}
	if ((st = store_district_remove(site, slug)) != ST_OK) {
		(void)rename(target, dir);
		goto out;
	}
	*kept_in = target;
	target = NULL;
out:
	xfree(dir);
	xfree(removed);
	xfree(target);
	return st;
}
