/* ctl_migrate.c - listctl migrate mailman2|mailman3: bring a GNU Mailman
 * list over (settings that map, members with modes and roles, archive),
 * print what changed and a report of every old setting. Reading and
 * mapping are in listd/migrate_*.c and core/pickle.c. */
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>

#include "core/pickle.h"
#include "core/pylit.h"
#include "core/store_site.h"
#include "core/xmem.h"
#include "listd/ctl.h"
#include "listd/ctl_mta.h"
#include "listd/migrate.h"

#define ERR_MAX	600
#define MM3_CONFIG_MAX	(1 << 20)	/* a list config is a few KB */

static int migrate_mailman2(struct ctl *);
static int migrate_mailman3(struct ctl *);

const struct ctl_verb ctl_migrate_verbs[] = {
	{ "mailman2", "to=,dry-run,mbox=,no-archive,config-list=,list-members=,"
	  "digest-members=,nomail-members=", 0, 1,
	  "mailman2 [DIR] --to LIST@DOMAIN [--dry-run] [--mbox FILE] "
	  "[--no-archive] [--config-list FILE --list-members FILE "
	  "[--digest-members FILE] [--nomail-members FILE]]",
	  "migrate a Mailman 2.1 list: DIR is its lists/NAME directory "
	  "(config.pck; the archive is read from ../../archives/private/"
	  "NAME.mbox/NAME.mbox), or give the text of bin/config_list -o and "
	  "bin/list_members -f instead; idempotent", migrate_mailman2 },
	{ "mailman3", "to=,dry-run,members=,mbox=,config=", 0, 0,
	  "mailman3 --to LIST@DOMAIN [--config FILE] [--members FILE] "
	  "[--mbox FILE] [--dry-run]",
	  "migrate a Mailman 3 list: its settings from the REST API's JSON "
	  "(GET /3.1/lists/LIST-ID/config), members from `mailman members` "
	  "text, CSV or REST JSON, the archive from HyperKitty's mbox export; "
	  "idempotent", migrate_mailman3 },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

/* The district owning --to and its open store; name gets the local part. */
static int
open_target(struct ctl *c, struct district *d, struct store **ds,
    char *name, size_t name_len)
{
	const char *to = ctl_opt(c, "to"), *at, *reason;
	struct store *site;
	enum status st;

	if (to == NULL)
		return ctl_fail(c, ST_USAGE, "--to LIST@DOMAIN is required");
	at = strrchr(to, '@');
	if (at == NULL || at == to || (size_t)(at - to) >= name_len)
		return ctl_fail(c, ST_USAGE, "--to \"%s\" is not a list address "
		    "like news@district.org", to);
	snprintf(name, name_len, "%.*s", (int)(at - to), to);
	for (char *p = name; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (!model_list_name_valid(name, &reason))
		return ctl_fail(c, ST_USAGE, "invalid list name \"%s\": %s",
		    name, reason);
	if ((site = ctl_site(c)) == NULL)
		return status_exit(ST_TEMP);
	if ((st = store_district_by_domain(site, at + 1, d)) != ST_OK)
		return ctl_fail(c, st, "no district has the domain \"%s\"",
		    at + 1);
	return ctl_open_district(c, d->slug, d, ds);
}

static void
print_report(const struct mig_plan *p, int mapped)
{
	printf("%s:\n", mapped ? "mapped" : "not mapped");
	for (size_t k = 0; k < p->n_notes; k++) {
		const struct mig_note *n = &p->notes[k];

		if (n->mapped != mapped)
			continue;
		printf("  %s%s%s%s: %s\n", n->setting, n->value[0] ? " = \"" :
		    "", n->value, n->value[0] ? "\"" : "", n->result);
	}
}

static int
is_noop(const struct mig_result *r)
{
	return !r->list_created && !r->n_settings_changed && !r->n_added &&
	    !r->n_updated && !r->n_allowed_added && !r->n_mbox_added;
}

static void
print_text(const struct mig_plan *p, const struct mig_result *r,
    const char *addr, int dry)
{
	printf("%s%s: list %s", dry ? "dry run (nothing changed): " : "", addr,
	    r->list_created ? (dry ? "would be created" : "created") : "exists");
	if (r->n_settings_changed)
		printf("; settings %s: %s", dry ? "to change" : "changed",
		    r->settings_changed);
	printf("\nmembers: %d %s, %d %s, %d unchanged; allowed senders: %d "
	    "%s\n", r->n_added, dry ? "to add" : "added", r->n_updated,
	    dry ? "to update" : "updated", r->n_unchanged, r->n_allowed_added,
	    dry ? "to add" : "added");
	if (p->mbox && dry)
		printf("archive: %s: %ld messages to import (those already "
		    "archived are skipped)\n", p->mbox, r->n_mbox_read);
	else if (p->mbox)
		printf("archive: %s: %ld read, %ld added, %ld already archived, "
		    "%ld unreadable\n", p->mbox, r->n_mbox_read, r->n_mbox_added,
		    r->n_mbox_present, r->n_mbox_bad);
	print_report(p, 1);
	print_report(p, 0);
	if (!dry && is_noop(r))
		printf("nothing changed: already migrated\n");
}

static void
json_result(struct json *j, const struct mig_plan *p,
    const struct mig_result *r)
{
	json_kv_bool(j, "list_created", r->list_created);
	json_key(j, "settings_changed");
	json_arr_begin(j);
	for (const char *s = r->settings_changed; *s;) {
		size_t n = strcspn(s, ",");
		char *one = xstrndup(s, n);

		json_str(j, one);
		xfree(one);
		s += n + (s[n] == ',');
	}
	json_arr_end(j);
	json_kv_int(j, "members_added", r->n_added);
	json_kv_int(j, "members_updated", r->n_updated);
	json_kv_int(j, "members_unchanged", r->n_unchanged);
	json_kv_int(j, "allowed_added", r->n_allowed_added);
	json_kv_str(j, "mbox", p->mbox ? p->mbox : "");
	json_kv_int(j, "mbox_read", r->n_mbox_read);
	json_kv_int(j, "mbox_added", r->n_mbox_added);
	json_kv_int(j, "mbox_present", r->n_mbox_present);
	json_kv_int(j, "mbox_bad", r->n_mbox_bad);
}

static int
print_json(const struct mig_plan *p, const struct mig_result *r,
    const char *addr, int dry)
{
	struct json j;

	ctl_json_begin(&j, 64 << 20);
	json_obj_begin(&j);
	json_kv_str(&j, "list", addr);
	json_kv_bool(&j, "dry_run", dry);
	json_kv_bool(&j, "changed", !dry && !is_noop(r));
	json_result(&j, p, r);
	json_key(&j, "report");
	json_arr_begin(&j);
	for (size_t k = 0; k < p->n_notes; k++) {
		json_obj_begin(&j);
		json_kv_str(&j, "setting", p->notes[k].setting);
		json_kv_str(&j, "value", p->notes[k].value);
		json_kv_bool(&j, "mapped", p->notes[k].mapped);
		json_kv_str(&j, "result", p->notes[k].result);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	return ctl_json_end(&j);
}

/* Apply plan p to --to and report; the common tail of both verbs. */
static int
run_plan(struct ctl *c, struct mig_plan *p, const char *source)
{
	struct district d;
	struct store *ds = NULL;
	struct mig_result r;
	char name[LIST_NAME_MAX + 1], addr[LIST_NAME_MAX + ADDR_DOMAIN_MAX + 2];
	char err[ERR_MAX] = "";
	int rc, dry = ctl_flag(c, "dry-run");
	enum status st;

	if ((rc = open_target(c, &d, &ds, name, sizeof(name))) != 0)
		return rc;
	snprintf(addr, sizeof(addr), "%s@%s", name, d.domain);
	st = migrate_apply(ds, name, p, dry, &r, err, sizeof(err));
	store_close(ds);
	if (st != ST_OK)
		return ctl_fail(c, st, "%s: %s", addr, err);
	if (!dry && r.list_created)
		(void)ctl_mta_refresh(c);	/* the MTA learns the new list */
	if (!dry && !is_noop(&r))
		ctl_audit(c, d.slug, "migrate", "list=%s from=%s created=%d "
		    "settings=%d added=%d updated=%d archived=%ld", name, source,
		    r.list_created, r.n_settings_changed, r.n_added,
		    r.n_updated, r.n_mbox_added);
	if (c->json)
		return print_json(p, &r, addr, dry);
	print_text(p, &r, addr, dry);
	return 0;
}

static int
is_file(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The attributes from DIR/config.pck or --config-list text. */
static int
mm2_attrs(struct ctl *c, const char *dir, struct pyval **attrs)
{
	const char *text = ctl_opt(c, "config-list");
	char err[ERR_MAX], *path = NULL, *data = NULL;
	size_t len;
	enum status st;

	if (text) {
		GError *gerr = NULL;

		if (!g_file_get_contents(text, &data, &len, &gerr)) {
			snprintf(err, sizeof(err), "cannot read: %s", gerr->message);
			g_error_free(gerr);
			return ctl_fail(c, ST_NOTFOUND, "%s: %s", text, err);
		}
		st = pylit_parse(data, len, attrs, err, sizeof(err));
		g_free(data);
		/* "line N: why" becomes "FILE:N: why" */
		return st == ST_OK ? 0 : ctl_fail(c, st, "%s:%s", text,
		    strncmp(err, "line ", 5) == 0 ? err + 5 : err);
	}
	path = xasprintf("%s/config.pck", dir);
	st = pickle_load_file(path, attrs, err, sizeof(err));
	if (st != ST_OK) {
		int rc = ctl_fail(c, st, "%s: %s", path, err);

		xfree(path);
		return rc;
	}
	xfree(path);
	return 0;
}

/* Member files of the text route, each with its mode. */
static int
mm2_member_files(struct ctl *c, struct mig_plan *p)
{
	static const struct { const char *opt; int mode; } files[] = {
		{ "list-members", MODE_REGULAR },
		{ "digest-members", MODE_DIGEST },
		{ "nomail-members", MODE_NOMAIL },
	};
	char err[ERR_MAX];
	enum status st;

	for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
		const char *f = ctl_opt(c, files[k].opt);

		if (f && (st = migrate_members_text(p, f, files[k].mode, err,
		    sizeof(err))) != ST_OK)
			return ctl_fail(c, st, "%s", err);
	}
	return 0;
}

/* --mbox, else DIR/../../archives/private/NAME.mbox/NAME.mbox if there. */
static int
mm2_mbox(struct ctl *c, const char *dir, struct mig_plan *p)
{
	const char *mbox = ctl_opt(c, "mbox");
	char *copy, *guess;

	if (ctl_flag(c, "no-archive"))
		return 0;
	if (mbox) {
		if (!is_file(mbox))
			return ctl_fail(c, ST_NOTFOUND, "--mbox %s: no such file",
			    mbox);
		p->mbox = xstrdup(mbox);
		return 0;
	}
	if (dir == NULL)
		return 0;
	copy = xstrdup(dir);
	guess = xasprintf("%s/../../archives/private/%s.mbox/%s.mbox", dir,
	    basename(copy), basename(copy));
	if (is_file(guess))
		p->mbox = guess;
	else {
		migrate_plan_note(p, "archive", guess, 0, "no mbox there; "
		    "no archive imported (give --mbox FILE)");
		xfree(guess);
	}
	xfree(copy);
	return 0;
}

static int
migrate_mailman2(struct ctl *c)
{
	const char *dir = c->n_pos ? c->pos[0] : NULL;
	struct pyval *attrs = NULL;
	struct mig_plan *p = NULL;
	char err[ERR_MAX];
	enum status st;
	int rc;

	if ((dir == NULL) == (ctl_opt(c, "config-list") == NULL))
		return ctl_fail(c, ST_USAGE, "give either the list directory DIR "
		    "(with config.pck) or --config-list FILE");
	if (dir == NULL && !ctl_opt(c, "list-members"))
		return ctl_fail(c, ST_USAGE, "--config-list needs --list-members "
		    "FILE (the output of bin/list_members -f)");
	if (ctl_opt(c, "to") == NULL)
		return ctl_fail(c, ST_USAGE, "--to LIST@DOMAIN is required");
	if ((rc = mm2_attrs(c, dir, &attrs)) != 0)
		return rc;
	p = migrate_plan_new();
	/* Members first: owners and moderators who are not members get nomail. */
	if ((rc = mm2_member_files(c, p)) != 0)
		goto out;
	if ((st = migrate_mm2_plan(attrs, p, err, sizeof(err))) != ST_OK) {
		rc = ctl_fail(c, st, "%s%s: %s", dir ? dir : ctl_opt(c,
		    "config-list"), dir ? "/config.pck" : "", err);
		goto out;
	}
	if ((rc = mm2_mbox(c, dir, p)) != 0)
		goto out;
	rc = run_plan(c, p, "mailman2");
out:
	migrate_plan_free(p);
	pyval_unref(attrs);
	return rc;
}

/* The list's settings from --config (the REST config JSON) into p. */
static int
mm3_config(struct ctl *c, const char *path, struct mig_plan *p)
{
	struct pyval *config = NULL;
	char err[ERR_MAX], *data = NULL;
	GError *gerr = NULL;
	struct stat sb;
	size_t len;
	enum status st;

	if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode))
		return ctl_fail(c, ST_NOTFOUND, "--config %s: no such file",
		    path);
	if (sb.st_size > MM3_CONFIG_MAX)
		return ctl_fail(c, ST_TOOBIG, "%s: larger than %d bytes; not a "
		    "list's config", path, MM3_CONFIG_MAX);
	if (!g_file_get_contents(path, &data, &len, &gerr)) {
		snprintf(err, sizeof(err), "cannot read: %s", gerr->message);
		g_error_free(gerr);
		return ctl_fail(c, ST_NOTFOUND, "%s: %s", path, err);
	}
	st = len > MM3_CONFIG_MAX ? ST_TOOBIG :
	    pylit_parse_json(data, len, &config, err, sizeof(err));
	g_free(data);
	if (st != ST_OK)	/* "line N: why" becomes "FILE:N: why" */
		return ctl_fail(c, st, "%s:%s", path, st == ST_TOOBIG ?
		    " too large" : strncmp(err, "line ", 5) == 0 ? err + 5 :
		    err);
	st = migrate_mm3_plan(config, p, err, sizeof(err));
	pyval_unref(config);
	return st == ST_OK ? 0 : ctl_fail(c, st, "%s: %s", path, err);
}

static int
migrate_mailman3(struct ctl *c)
{
	const char *members = ctl_opt(c, "members"), *mbox = ctl_opt(c, "mbox");
	const char *config = ctl_opt(c, "config");
	struct mig_plan *p;
	char err[ERR_MAX];
	enum status st;
	int rc;

	if (ctl_opt(c, "to") == NULL || (members == NULL && config == NULL))
		return ctl_fail(c, ST_USAGE, "--to LIST@DOMAIN and --config FILE "
		    "or --members FILE (or both) are required");
	if (mbox && !is_file(mbox))
		return ctl_fail(c, ST_NOTFOUND, "--mbox %s: no such file", mbox);
	p = migrate_plan_new();
	if (config == NULL) {
		p->mask = 0;	/* no settings given: listd's stay */
		migrate_plan_note(p, "settings", "", 0, "no --config given; "
		    "listd's settings stay");
	} else if ((rc = mm3_config(c, config, p)) != 0)
		goto out;
	if (members && (st = migrate_mm3_members(p, members, err,
	    sizeof(err))) != ST_OK) {
		rc = ctl_fail(c, st, "%s", err);
		goto out;
	}
	if (members)
		migrate_plan_note(p, "members", members, 1, "%zu members with "
		    "modes and roles", p->n_members);
	if (mbox)
		p->mbox = xstrdup(mbox);
	rc = run_plan(c, p, "mailman3");
out:
	migrate_plan_free(p);
	return rc;
}
