/* ctl_generate.c - listctl generate [--district D | --all] [--dry-run]
 * [--force] and listctl generate status: run the roster generator for cron
 * and report what it did. The work is generator/'s; this file parses,
 * loops over districts and prints. */
#include <stdio.h>
#include <string.h>

#include "core/store_roster.h"
#include "core/store_site.h"
#include "core/xmem.h"
#include "generator/generator.h"
#include "listd/ctl.h"
#include "listd/ctl_mta.h"

static int generate_run(struct ctl *);
static int generate_status(struct ctl *);

#define SHOWN_ERRORS	50
#define SLUGS_MAX	10000

const struct ctl_verb ctl_generate_verbs[] = {
	{ "", "district=,all,dry-run,force", 0, 0,
	  "[--district SLUG | --all] [--dry-run] [--force]",
	  "read each district's directory source and bring its roster lists "
	  "up to date; --dry-run prints the difference and changes nothing; "
	  "--force passes the removal guard", generate_run },
	{ "status", "district=", 0, 0, "status [--district SLUG]",
	  "show each district's source, its last run, whether it is overdue, "
	  "and the last run's state per list", generate_status },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

struct slugs {
	size_t	n;
	char	slug[SLUGS_MAX][SLUG_MAX + 1];
};

static int
collect_slug(const struct district *d, void *ctx)
{
	struct slugs *sl = ctx;

	if (sl->n == SLUGS_MAX)
		return 1;
	snprintf(sl->slug[sl->n++], SLUG_MAX + 1, "%s", d->slug);
	return 0;
}

/* The districts to work on: --district, or every one (--all or status). */
static int
pick_districts(struct ctl *c, struct slugs *sl, int need_choice)
{
	const char *one = ctl_opt(c, "district");
	struct store *site;
	enum status st;

	sl->n = 0;
	if (one && ctl_flag(c, "all"))
		return ctl_fail(c, ST_USAGE, "give --district or --all, not both");
	if (one) {
		snprintf(sl->slug[sl->n++], SLUG_MAX + 1, "%s", one);
		return 0;
	}
	if (need_choice && !ctl_flag(c, "all"))
		return ctl_fail(c, ST_USAGE, "give --district SLUG or --all");
	if ((site = ctl_site(c)) == NULL)
		return status_exit(ST_TEMP);
	if ((st = store_district_each(site, collect_slug, sl)) != ST_OK)
		return ctl_fail(c, st, "cannot list districts (%s)",
		    status_name(st));
	return 0;
}

static void
list_json(struct json *j, const struct generator_list *gl)
{
	json_obj_begin(j);
	json_kv_str(j, "list", gl->rl.list_name);
	json_kv_str(j, "state", gl->rl.state);
	json_kv_int(j, "wanted", gl->rl.wanted);
	json_kv_int(j, "adds", gl->rl.adds);
	json_kv_int(j, "removes", gl->rl.removes);
	json_kv_int(j, "renames", gl->rl.renames);
	if (gl->error[0])
		json_kv_str(j, "error", gl->error);
	json_key(j, "changes");
	json_arr_begin(j);
	for (size_t k = 0; k < gl->n_changes; k++)
		json_str(j, gl->changes[k]);
	json_arr_end(j);
	json_obj_end(j);
}

static void
result_json(struct json *j, const struct district *d, enum status st,
    const struct generator_result *res)
{
	json_obj_begin(j);
	json_kv_str(j, "district", d->slug);
	json_kv_str(j, "status", status_name(st));
	json_kv_str(j, "source", res->run.source);
	json_kv_bool(j, "applied", res->run.applied);
	json_kv_bool(j, "dry_run", res->run.dry_run);
	json_kv_int(j, "accounts", res->run.accounts);
	json_kv_int(j, "adds", res->run.adds);
	json_kv_int(j, "removes", res->run.removes);
	json_kv_int(j, "renames", res->run.renames);
	json_kv_int(j, "refused", res->run.refused);
	json_kv_int(j, "errors", res->run.errors);
	json_kv_str(j, "message", res->run.message);
	json_key(j, "bad_rows");
	json_arr_begin(j);
	for (size_t i = 0; i < res->n_errors; i++)
		json_str(j, res->errors[i]);
	json_arr_end(j);
	json_key(j, "lists");
	json_arr_begin(j);
	for (size_t i = 0; i < res->n_lists; i++)
		list_json(j, &res->lists[i]);
	json_arr_end(j);
	json_obj_end(j);
}

static void
result_text(struct ctl *c, const struct district *d,
    const struct generator_result *res)
{
	for (size_t i = 0; i < res->n_errors && i < SHOWN_ERRORS; i++)
		fprintf(stderr, "listctl: generate: %s\n", res->errors[i]);
	if (res->run.errors > SHOWN_ERRORS)
		fprintf(stderr, "listctl: generate: ... and %lld more bad rows\n",
		    (long long)res->run.errors - SHOWN_ERRORS);
	printf("%s: %lld accounts, %lld added, %lld removed, %lld renamed, "
	    "%d refused, %lld bad rows%s%s%s\n", d->slug,
	    (long long)res->run.accounts, (long long)res->run.adds,
	    (long long)res->run.removes, (long long)res->run.renames,
	    res->run.refused, (long long)res->run.errors,
	    res->run.dry_run ? " (dry run: nothing changed)" : "",
	    res->run.message[0] ? ": " : "", res->run.message);
	for (size_t i = 0; i < res->n_lists; i++) {
		const struct generator_list *gl = &res->lists[i];

		printf("  %s@%s: %s, %lld wanted, +%lld -%lld ~%lld%s%s\n",
		    gl->rl.list_name, d->domain, gl->rl.state,
		    (long long)gl->rl.wanted, (long long)gl->rl.adds,
		    (long long)gl->rl.removes, (long long)gl->rl.renames,
		    gl->error[0] ? ": " : "", gl->error);
		for (size_t k = 0; k < gl->n_changes; k++)
			printf("    %s\n", gl->changes[k]);
	}
	(void)c;
}

/* Run one district; returns its status. */
static enum status
run_one(struct ctl *c, const char *slug, struct json *j, int *skipped)
{
	struct generator_opts o = { ctl_flag(c, "dry-run"), ctl_flag(c,
	    "force"), ctl_flag(c, "dry-run") };
	struct generator_result res;
	struct roster_source_conf conf;
	struct district d;
	struct store *ds;
	enum status st;
	int rc;

	*skipped = 0;
	if ((rc = ctl_open_district(c, slug, &d, &ds)) != 0)
		return ST_NOTFOUND;
	if (ctl_flag(c, "all") && store_roster_source_get(ds, &conf) ==
	    ST_NOTFOUND) {
		*skipped = 1;
		store_close(ds);
		return ST_OK;
	}
	st = generator_run(ds, &d, &o, &res);
	store_close(ds);
	if (j)
		result_json(j, &d, st, &res);
	else
		result_text(c, &d, &res);
	if (st != ST_OK && !j)
		ctl_fail(c, st, "%s: %s", d.slug, res.run.message);
	if (!o.dry_run && res.run.applied)
		ctl_audit(c, d.slug, "roster.generate", "adds=%lld removes=%lld "
		    "renames=%lld refused=%d", (long long)res.run.adds,
		    (long long)res.run.removes, (long long)res.run.renames,
		    res.run.refused);
	generator_result_release(&res);
	return st;
}

static int
generate_run(struct ctl *c)
{
	struct slugs *sl = xcalloc(1, sizeof(*sl));
	enum status worst = ST_OK, st;
	struct json j;
	int rc, skipped;

	if ((rc = pick_districts(c, sl, 1)) != 0)
		goto out;
	if (c->json) {
		ctl_json_begin(&j, 256u << 20);
		json_obj_begin(&j);
		json_key(&j, "districts");
		json_arr_begin(&j);
	}
	for (size_t i = 0; i < sl->n; i++) {
		st = run_one(c, sl->slug[i], c->json ? &j : NULL, &skipped);
		if (worst == ST_OK)
			worst = st;
	}
	rc = status_exit(worst);
	if (!ctl_flag(c, "dry-run"))
		(void)ctl_mta_refresh(c);	/* roster lists may be new */
	if (c->json) {
		json_arr_end(&j);
		json_obj_end(&j);
		if (ctl_json_end(&j) != 0)
			rc = status_exit(ST_INTERNAL);
	}
out:
	xfree(sl);
	return rc;
}

struct status_ctx {
	struct json		*j;
	const struct district	*d;
};

static int
print_run_list(const struct roster_run_list *rl, void *ctx)
{
	struct status_ctx *sc = ctx;

	if (sc->j) {
		json_obj_begin(sc->j);
		json_kv_str(sc->j, "list", rl->list_name);
		json_kv_str(sc->j, "state", rl->state);
		json_kv_int(sc->j, "wanted", rl->wanted);
		json_kv_int(sc->j, "adds", rl->adds);
		json_kv_int(sc->j, "removes", rl->removes);
		json_kv_int(sc->j, "renames", rl->renames);
		json_obj_end(sc->j);
	} else
		printf("  %s@%s: %s, %lld wanted, +%lld -%lld ~%lld\n",
		    rl->list_name, sc->d->domain, rl->state,
		    (long long)rl->wanted, (long long)rl->adds,
		    (long long)rl->removes, (long long)rl->renames);
	return 0;
}

static void
status_json(struct json *j, const struct district *d,
    const struct roster_source_conf *conf, const struct roster_run *r,
    int has_run, int is_stale, int64_t last)
{
	char when[32];

	json_kv_str(j, "district", d->slug);
	json_kv_str(j, "source", conf->path[0] ? conf->path : "");
	json_kv_str(j, "type", conf->type);
	json_kv_bool(j, "stale", is_stale);
	ctl_time(last, when, sizeof(when));
	json_kv_str(j, "last_sync", last ? when : "");
	json_key(j, "last_run");
	if (!has_run) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	ctl_time(r->finished, when, sizeof(when));
	json_kv_str(j, "finished", when);
	json_kv_bool(j, "applied", r->applied);
	json_kv_bool(j, "dry_run", r->dry_run);
	json_kv_int(j, "accounts", r->accounts);
	json_kv_int(j, "adds", r->adds);
	json_kv_int(j, "removes", r->removes);
	json_kv_int(j, "renames", r->renames);
	json_kv_int(j, "refused", r->refused);
	json_kv_int(j, "errors", r->errors);
	json_kv_str(j, "message", r->message);
	json_obj_end(j);
}

static void
status_text(const struct district *d, const struct roster_source_conf *conf,
    const struct roster_run *r, int has_run, int is_stale, int64_t last)
{
	char when[32], sync[32];

	ctl_time(last, sync, sizeof(sync));
	printf("%s: source %s:%s, last sync %s%s\n", d->slug, conf->type,
	    conf->path, last ? sync : "never", is_stale ? " (STALE: overdue)" :
	    "");
	if (!has_run)
		return;
	ctl_time(r->finished, when, sizeof(when));
	printf("  last run %s: %s, %lld accounts, +%lld -%lld ~%lld, %d "
	    "refused, %lld bad rows%s%s\n", when, r->applied ? "applied" :
	    r->dry_run ? "dry run" : "not applied", (long long)r->accounts,
	    (long long)r->adds, (long long)r->removes, (long long)r->renames,
	    r->refused, (long long)r->errors, r->message[0] ? ": " : "",
	    r->message);
}

static enum status
status_one(struct ctl *c, const char *slug, struct json *j)
{
	struct status_ctx sc = { j, NULL };
	struct roster_source_conf conf;
	struct roster_run r;
	struct district d;
	struct store *ds;
	enum status st;
	int64_t last;
	int is_stale, has_run;

	if (ctl_open_district(c, slug, &d, &ds) != 0)
		return ST_NOTFOUND;
	sc.d = &d;
	if ((st = store_roster_source_get(ds, &conf)) != ST_OK) {
		store_close(ds);
		return st == ST_NOTFOUND ? ST_OK : st;
	}
	if ((st = generator_is_stale(ds, &is_stale, &last)) != ST_OK ||
	    ((st = store_roster_run_last(ds, 0, &r)) != ST_OK &&
	    st != ST_NOTFOUND))
		goto out;
	has_run = st == ST_OK;
	if (j) {
		json_obj_begin(j);
		status_json(j, &d, &conf, &r, has_run, is_stale, last);
		json_key(j, "lists");
		json_arr_begin(j);
	} else
		status_text(&d, &conf, &r, has_run, is_stale, last);
	st = has_run ? store_roster_run_list_each(ds, r.id, print_run_list,
	    &sc) : ST_OK;
	if (j) {
		json_arr_end(j);
		json_obj_end(j);
	}
out:
	store_close(ds);
	return st;
}

static int
generate_status(struct ctl *c)
{
	struct slugs *sl = xcalloc(1, sizeof(*sl));
	enum status st = ST_OK;
	struct json j;
	int rc;

	if ((rc = pick_districts(c, sl, 0)) != 0)
		goto out;
	if (c->json) {
		ctl_json_begin(&j, 64u << 20);
		json_obj_begin(&j);
		json_key(&j, "districts");
		json_arr_begin(&j);
	}
	for (size_t i = 0; i < sl->n && st == ST_OK; i++)
		st = status_one(c, sl->slug[i], c->json ? &j : NULL);
	if (c->json) {
		json_arr_end(&j);
		json_obj_end(&j);
		if (st == ST_OK)
			rc = ctl_json_end(&j);
		else
			json_release(&j);
	}
	if (st != ST_OK && st != ST_NOTFOUND)
		rc = ctl_fail(c, st, "cannot read the generator state (%s)",
		    status_name(st));
	else if (st == ST_NOTFOUND)
		rc = status_exit(st);
out:
	xfree(sl);
	return rc;
}
