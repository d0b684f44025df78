/* ctl_district.c - listctl district add|list|show|set|remove. A district is
 * a row in site.db plus its own directory with district.db. */
#include <stdio.h>
#include <string.h>

#include "core/district.h"
#include "core/store_list.h"
#include "core/store_site.h"
#include "core/store_sub.h"
#include "core/xmem.h"
#include "listd/ctl.h"
#include "listd/ctl_backup.h"
#include "listd/ctl_mta.h"

static int district_add(struct ctl *);
static int district_list(struct ctl *);
static int district_show(struct ctl *);
static int district_set(struct ctl *);
static int district_remove(struct ctl *);

const struct ctl_verb ctl_district_verbs[] = {
	{ "add", "domain=,name=,students-email=", 1, 1,
	  "add SLUG --domain DOMAIN --name \"NAME\" [--students-email yes|no]",
	  "add a district; its lists are LIST@DOMAIN", district_add },
	{ "list", "", 0, 0, "list", "list every district", district_list },
	{ "show", "", 1, 1, "show SLUG", "show one district and its lists",
	  district_show },
	{ "set", "domain=,name=,students-email=,report-to=", 1, 1,
	  "set SLUG [--domain DOMAIN] [--name NAME] [--students-email yes|no] "
	  "[--report-to ADDR,ADDR]",
	  "change a district's settings; --report-to: who gets the nightly "
	  "roster report when listd runs the generator (generate_at)",
	  district_set },
	{ "remove", "force", 1, 1, "remove SLUG [--force]",
	  "remove a district (refused while it has lists, unless --force); "
	  "its directory is moved to HOME/removed/", district_remove },
	{ "backup", "", 2, 2, "backup SLUG FILE",
	  "write a consistent snapshot of a district (database, messages and "
	  "message packs) to FILE, a tar; safe while listd runs",
	  ctl_backup_district },
	{ "restore", "", 1, 1, "restore FILE",
	  "recreate a district from a backup, every message and pack checked "
	  "(refused when it exists here)",
	  ctl_backup_restore },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

/* Apply --domain, --name and --students-email to d (checks in
 * core/district.c). Returns 0 or an exit code after reporting the error. */
static int
apply_options(struct ctl *c, struct district *d)
{
	const char *students = ctl_opt(c, "students-email");
	char why[600];

	if (district_fields_apply(d, ctl_opt(c, "domain"), ctl_opt(c, "name"),
	    why, sizeof(why)) != ST_OK)
		return ctl_fail(c, ST_USAGE, "%s", why);
	if (students) {
		int v = ctl_yesno(students);

		if (v < 0)
			return ctl_fail(c, ST_USAGE, "--students-email takes "
			    "yes or no, not \"%s\"", students);
		d->students_have_email = v;
	}
	return 0;
}

static void
district_json(struct json *j, const struct district *d)
{
	char when[32];

	ctl_time(d->created, when, sizeof(when));
	json_obj_begin(j);
	json_kv_str(j, "slug", d->slug);
	json_kv_str(j, "domain", d->domain);
	json_kv_str(j, "name", d->name);
	json_kv_bool(j, "students_have_email", d->students_have_email);
	json_kv_str(j, "created", when);
	json_obj_end(j);
}

static int
district_add(struct ctl *c)
{
	struct district d;
	struct store *site;
	enum status st;
	int rc;

	memset(&d, 0, sizeof(d));
	if (!model_slug_valid(c->pos[0]))
		return ctl_fail(c, ST_USAGE, "invalid slug \"%s\": use a-z, 0-9 "
		    "and '-', at most %d characters", c->pos[0], SLUG_MAX);
	snprintf(d.slug, sizeof(d.slug), "%s", c->pos[0]);
	if (!ctl_opt(c, "domain") || !ctl_opt(c, "name"))
		return ctl_fail(c, ST_USAGE, "--domain and --name are required");
	if ((rc = apply_options(c, &d)) != 0)
		return rc;
	if ((site = ctl_site(c)) == NULL)
		return status_exit(ST_TEMP);
	st = district_create(c->home, site, &d);
	if (st == ST_EXISTS)
		return ctl_fail(c, st, "a district with slug \"%s\" or domain "
		    "\"%s\" exists already", d.slug, d.domain);
	if (st != ST_OK)
		return ctl_fail(c, st, "cannot add \"%s\" (%s)", d.slug,
		    status_name(st));
	ctl_audit(c, d.slug, "district.add", "domain=%s", d.domain);
	(void)ctl_mta_refresh(c);
	if (c->json) {
		struct json j;

		ctl_json_begin(&j, 1 << 16);
		district_json(&j, &d);
		return ctl_json_end(&j);
	}
	printf("district %s added: lists will be LIST@%s\n", d.slug, d.domain);
	return 0;
}

struct walk {
	struct ctl	*c;
	struct json	*j;
	int		 n;
};

static int
print_district(const struct district *d, void *ctx)
{
	struct walk *w = ctx;

	w->n++;
	if (w->j)
		district_json(w->j, d);
	else
		printf("%-20s %-32s %s\n", d->slug, d->domain, d->name);
	return 0;
}

static int
district_list(struct ctl *c)
{
	struct store *site = ctl_site(c);
	struct json j;
	struct walk w = { c, NULL, 0 };
	enum status st;

	if (site == NULL)
		return status_exit(ST_TEMP);
	if (c->json) {
		ctl_json_begin(&j, 16 << 20);
		json_arr_begin(&j);
		w.j = &j;
	}
	st = store_district_each(site, print_district, &w);
	if (c->json) {
		json_arr_end(&j);
		if (st != ST_OK)
			json_release(&j);
		else
			return ctl_json_end(&j);
	}
	if (st != ST_OK)
		return ctl_fail(c, st, "cannot read districts (%s)",
		    status_name(st));
	if (w.n == 0)
		printf("no districts yet: listctl district add SLUG --domain "
		    "DOMAIN --name NAME\n");
	return 0;
}

static int
list_name(const struct list *l, void *ctx)
{
	struct walk *w = ctx;

	w->n++;
	if (w->j)
		json_str(w->j, l->name);
	else
		printf("  %s\n", l->name);
	return 0;
}

static int
district_show(struct ctl *c)
{
	struct district d;
	struct store *ds;
	struct json j;
	struct walk w = { c, NULL, 0 };
	enum status st;
	int rc;

	if ((rc = ctl_open_district(c, c->pos[0], &d, &ds)) != 0)
		return rc;
	if (c->json) {
		ctl_json_begin(&j, 16 << 20);
		json_obj_begin(&j);
		json_key(&j, "district");
		district_json(&j, &d);
		json_key(&j, "lists");
		json_arr_begin(&j);
		w.j = &j;
	} else {
		printf("slug:           %s\ndomain:         %s\nname:           %s\n"
		    "students email: %s\nlists:\n", d.slug, d.domain, d.name,
		    d.students_have_email ? "yes" : "no");
	}
	st = store_list_each(ds, list_name, &w);
	store_close(ds);
	if (st != ST_OK) {
		if (c->json)
			json_release(&j);
		return ctl_fail(c, st, "cannot read lists (%s)", status_name(st));
	}
	if (c->json) {
		json_arr_end(&j);
		json_obj_end(&j);
		return ctl_json_end(&j);
	}
	return 0;
}

/* --report-to: comma-separated addresses, each checked, into the
 * district's settings. */
static int
set_report_to(struct ctl *c, const struct district *d)
{
	struct store *ds;
	enum status st;
	char why[600];

	if ((st = store_district_open(c->home, d->slug, 0, &ds)) != ST_OK)
		return ctl_fail(c, st, "cannot open district %s", d->slug);
	st = district_report_to_set(ds, ctl_opt(c, "report-to"), why,
	    sizeof(why));
	store_close(ds);
	if (st == ST_USAGE)
		return ctl_fail(c, st, "--%s", why);
	return st == ST_OK ? 0 : ctl_fail(c, st, "cannot store --report-to");
}

static int
district_set(struct ctl *c)
{
	struct district d;
	struct store *site = ctl_site(c);
	enum status st;
	int rc;

	if (site == NULL)
		return status_exit(ST_TEMP);
	if ((st = store_district_get(site, c->pos[0], &d)) != ST_OK)
		return ctl_fail(c, st, "no district \"%s\"", c->pos[0]);
	if ((rc = apply_options(c, &d)) != 0)
		return rc;
	if (ctl_opt(c, "report-to") && (rc = set_report_to(c, &d)) != 0)
		return rc;
	st = store_district_update(site, &d);
	if (st == ST_EXISTS)
		return ctl_fail(c, st, "another district has the domain \"%s\"",
		    d.domain);
	if (st != ST_OK)
		return ctl_fail(c, st, "cannot update \"%s\" (%s)", d.slug,
		    status_name(st));
	ctl_audit(c, d.slug, "district.set", "domain=%s name=%s students=%d",
	    d.domain, d.name, d.students_have_email);
	(void)ctl_mta_refresh(c);
	if (!c->json)
		printf("district %s updated\n", d.slug);
	return 0;
}

static int
district_remove(struct ctl *c)
{
	struct district d;
	struct store *site;
	char *target = NULL;
	int n_lists = 0;
	enum status st;

	if ((site = ctl_site(c)) == NULL)
		return status_exit(ST_TEMP);
	if (store_district_get(site, c->pos[0], &d) != ST_OK)
		return ctl_fail(c, ST_NOTFOUND, "no district \"%s\"", c->pos[0]);
	st = district_retire(c->home, site, d.slug, ctl_flag(c, "force"),
	    &n_lists, &target);
	if (st == ST_DENIED)
		return ctl_fail(c, st, "district \"%s\" has %d lists; "
		    "remove them first or give --force", d.slug, n_lists);
	if (st != ST_OK)
		return ctl_fail(c, st, "cannot remove \"%s\" (%s)", d.slug,
		    status_name(st));
	ctl_audit(c, d.slug, "district.remove", "lists=%d kept_in=%s", n_lists,
	    target);
	(void)ctl_mta_refresh(c);
	if (!c->json)
		printf("district %s removed; its data is kept in %s\n", d.slug,
		    target);
	xfree(target);
	return 0;
}
