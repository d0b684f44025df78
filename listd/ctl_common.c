/* ctl_common.c - helpers every listctl noun uses: option lookup, opening the
 * stores for a list address, errors and the audit trail. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/addr.h"
#include "core/log.h"
#include "core/store_list.h"
#include "core/store_site.h"
#include "core/xmem.h"
#include "listd/ctl.h"

int
ctl_fail(struct ctl *c, enum status st, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "listctl: %s%s%s: ", c->noun ? c->noun : "",
	    c->verb ? " " : "", c->verb ? c->verb : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status_exit(st);
}

const char *
ctl_opt(const struct ctl *c, const char *name)
{
	for (int i = 0; i < c->n_opts; i++)
		if (strcmp(c->opts[i].name, name) == 0)
			return c->opts[i].value ? c->opts[i].value : "";
	return NULL;
}

const char *
ctl_opt_next(const struct ctl *c, const char *name, int *i)
{
	for (; *i < c->n_opts; (*i)++)
		if (strcmp(c->opts[*i].name, name) == 0) {
			const char *v = c->opts[*i].value;

			(*i)++;
			return v ? v : "";
		}
	return NULL;
}

int
ctl_flag(const struct ctl *c, const char *name)
{
	return ctl_opt(c, name) != NULL;
}

int
ctl_yesno(const char *s)
{
	if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "1"))
		return 1;
	if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "0"))
		return 0;
	return -1;
}

struct store *
ctl_site(struct ctl *c)
{
	enum status st;

	if (c->site)
		return c->site;
	if ((st = store_site_open(c->home, &c->site)) != ST_OK) {
		ctl_fail(c, st, "cannot open the site store in %s (%s)",
		    c->home, status_name(st));
		return NULL;
	}
	return c->site;
}

int
ctl_open_district(struct ctl *c, const char *slug, struct district *d,
    struct store **s)
{
	struct store *site;
	enum status st;

	*s = NULL;
	if ((site = ctl_site(c)) == NULL)
		return status_exit(ST_TEMP);
	if ((st = store_district_get(site, slug, d)) != ST_OK)
		return ctl_fail(c, st, st == ST_NOTFOUND ?
		    "no district \"%s\"" : "cannot read district \"%s\"", slug);
	if ((st = store_district_open(c->home, d->slug, 1, s)) != ST_OK)
		return ctl_fail(c, st, "cannot open the store of district "
		    "\"%s\" (%s)", slug, status_name(st));
	return 0;
}

int
ctl_open_list(struct ctl *c, const char *address, struct district *d,
    struct store **s, struct list *l)
{
	char norm[ADDR_MAX + 1], local[ADDR_LOCAL_MAX + 1];
	const char *reason, *domain;
	struct store *site;
	enum status st;
	size_t n;
	int rc;

	*s = NULL;
	if (addr_normalize(address, norm, sizeof(norm), &reason) == -1)
		return ctl_fail(c, ST_USAGE, "invalid list address \"%s\": %s "
		    "(lists are named by their address, e.g. news@district.org)",
		    address, reason);
	domain = addr_domain(norm);
	n = (size_t)(domain - 1 - norm);
	if (n >= sizeof(local))
		return ctl_fail(c, ST_NOTFOUND, "no list \"%s\"", norm);
	memcpy(local, norm, n);
	local[n] = '\0';
	for (char *p = local; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if ((site = ctl_site(c)) == NULL)
		return status_exit(ST_TEMP);
	if ((st = store_district_by_domain(site, domain, d)) != ST_OK)
		return ctl_fail(c, st, st == ST_NOTFOUND ?
		    "no district has the domain \"%s\"" :
		    "cannot look up domain \"%s\"", domain);
	if ((rc = ctl_open_district(c, d->slug, d, s)) != 0)
		return rc;
	if ((st = store_list_get(*s, local, l)) != ST_OK) {
		store_close(*s);
		*s = NULL;
		return ctl_fail(c, st, st == ST_NOTFOUND ? "no list \"%s\"" :
		    "cannot read list \"%s\"", norm);
	}
	return 0;
}

void
ctl_audit(struct ctl *c, const char *district, const char *action,
    const char *fmt, ...)
{
	struct store *site = ctl_site(c);
	va_list ap;
	char *detail;

	if (site == NULL)
		return;
	va_start(ap, fmt);
	detail = xvasprintf(fmt, ap);
	va_end(ap);
	if (store_audit_add(site, c->actor, district, action, detail) != ST_OK)
		log_warnx("audit write failed action=%s", action);
	xfree(detail);
}

void
ctl_json_begin(struct json *j, size_t max)
{
	json_init(j, max);
}

int
ctl_json_end(struct json *j)
{
	int rc = json_print(j, stdout);

	json_release(j);
	if (rc == -1) {
		fprintf(stderr, "listctl: output larger than its bound\n");
		return status_exit(ST_INTERNAL);
	}
	return 0;
}

void
ctl_time(int64_t t, char *out, size_t out_len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, out_len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
