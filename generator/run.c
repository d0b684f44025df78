/* run.c - one generator run for one district: source -> directory -> plan
 * -> each list's guarded difference, all in one transaction, then the run
 * record. Refusals and bad rows are results, not failures: they are
 * recorded and reported, and nothing outside the refused lists waits. */
#include <stdio.h>
#include <string.h>

#include "core/fault.h"
#include "core/log.h"
#include "core/store_list.h"
#include "core/xmem.h"
#include "generator/directory.h"
#include "generator/generator.h"
#include "generator/plan.h"
#include "generator/roster.h"

static const char *const verdict_state[] = {
	[ROSTER_APPLIED] = "applied", [ROSTER_UNCHANGED] = "unchanged",
	[ROSTER_REFUSED] = "refused", [ROSTER_DRY_RUN] = "dry-run",
};

struct run_ctx {
	struct store			*s;
	const struct district		*d;
	const struct generator_opts	*o;
	const struct roster_source_conf	*conf;
	const struct directory		*dir;
	struct generator_result		*res;
};

static void
set_message(struct generator_result *res, const char *msg)
{
	snprintf(res->run.message, sizeof(res->run.message), "%s", msg);
}

/* Find or create the list; 0 when it does not exist and need not (a dry
 * run, or a list to retire that is already gone). */
static enum status
ensure_list(struct run_ctx *rc, const struct plan_list *pl, int64_t *id,
    char *err, size_t err_len)
{
	struct list l;
	enum status st;

	*id = 0;
	st = store_list_get(rc->s, pl->name, &l);
	if (st == ST_OK && l.kind != LIST_ROSTER) {
		snprintf(err, err_len, "%s exists and is a %s list, not a roster "
		    "list; left alone", pl->name, model_list_kind_name(l.kind));
		return ST_OK;
	}
	if (st == ST_OK) {
		*id = l.id;
		return ST_OK;
	}
	if (st != ST_NOTFOUND || rc->o->dry_run || pl->kind == PLAN_RETIRE)
		return st == ST_NOTFOUND ? ST_OK : st;
	model_list_defaults(&l, LIST_ROSTER);
	snprintf(l.name, sizeof(l.name), "%s", pl->name);
	snprintf(l.description, sizeof(l.description), "Roster list made by "
	    "the generator (%s%s%s)", pl->def_name, pl->value[0] ? ": " : "",
	    pl->value);
	if ((st = store_list_create(rc->s, &l)) == ST_OK)
		*id = l.id;
	return st;
}

static enum status
mark_managed(struct run_ctx *rc, const struct plan_list *pl, int64_t id,
    int retired)
{
	struct roster_list rl;

	memset(&rl, 0, sizeof(rl));
	rl.list_id = id;
	snprintf(rl.def_name, sizeof(rl.def_name), "%s", pl->def_name);
	snprintf(rl.value, sizeof(rl.value), "%s", pl->value);
	rl.retired = retired;
	return store_roster_list_set(rc->s, &rl);
}

static void
take_outcome(struct generator_list *gl, struct roster_outcome *out)
{
	gl->rl.wanted = out->wanted;
	gl->rl.adds = out->adds;
	gl->rl.removes = out->removes;
	gl->rl.renames = out->renames;
	gl->changes = out->changes;
	gl->n_changes = out->n_changes;
	out->changes = NULL;
	out->n_changes = 0;
}

static enum status
apply_list(struct run_ctx *rc, const struct plan_list *pl,
    struct generator_list *gl)
{
	struct roster_apply_opts ao = { rc->o->dry_run, rc->o->force,
	    rc->conf->max_remove_percent, rc->o->keep_changes };
	struct roster_outcome out;
	int64_t id;
	enum status st;

	snprintf(gl->rl.list_name, sizeof(gl->rl.list_name), "%s", pl->name);
	snprintf(gl->rl.state, sizeof(gl->rl.state), "error");
	if (pl->error[0]) {
		snprintf(gl->error, sizeof(gl->error), "%s", pl->error);
		return ST_OK;
	}
	if ((st = ensure_list(rc, pl, &id, gl->error, sizeof(gl->error)))
	    != ST_OK || gl->error[0])
		return st;
	if ((st = roster_apply(rc->s, id, rc->dir, pl->wanted, &ao, &out))
	    != ST_OK)
		return st;
	take_outcome(gl, &out);
	snprintf(gl->rl.state, sizeof(gl->rl.state), "%s",
	    verdict_state[out.verdict]);
	if (out.verdict == ROSTER_REFUSED)
		rc->res->run.refused++;
	else if (pl->kind == PLAN_RETIRE && !rc->o->dry_run)
		snprintf(gl->rl.state, sizeof(gl->rl.state), "retired");
	rc->res->run.adds += out.adds;
	rc->res->run.removes += out.removes;
	rc->res->run.renames += out.renames;
	if (id == 0 || rc->o->dry_run)
		return ST_OK;
	return mark_managed(rc, pl, id, pl->kind == PLAN_RETIRE &&
	    out.verdict != ROSTER_REFUSED);
}

static enum status
record_run(struct store *s, struct generator_result *res, int in_txn)
{
	struct roster_run_list *rls = xcalloc(res->n_lists + 1, sizeof(*rls));
	enum status st;

	res->run.finished = store_now();
	for (size_t i = 0; i < res->n_lists; i++)
		rls[i] = res->lists[i].rl;
	if (!in_txn && (st = store_begin(s)) != ST_OK)
		goto out;
	st = store_roster_run_add(s, &res->run, rls, res->n_lists);
	if (!in_txn)
		st = st == ST_OK ? store_commit(s) : (store_rollback(s), st);
out:
	xfree(rls);
	return st;
}

/* Apply every planned list inside one transaction (P8), then record. */
static enum status
apply_all(struct run_ctx *rc, struct plan *p)
{
	struct generator_result *res = rc->res;
	enum status st = ST_OK;
	int in_txn = !rc->o->dry_run;

	if (in_txn && (st = store_begin(rc->s)) != ST_OK)
		return st;
	res->lists = xcalloc(p->n + 1, sizeof(*res->lists));
	for (size_t i = 0; i < p->n && st == ST_OK; i++, res->n_lists++)
		st = apply_list(rc, &p->lists[i], &res->lists[i]);
	res->run.applied = in_txn && st == ST_OK;
	if (st == ST_OK)
		st = record_run(rc->s, res, in_txn);
	if (in_txn && st == ST_OK) {
		fault_crash("generator.commit");	/* P8: killed before commit */
		st = store_commit(rc->s);
	}
	if (st != ST_OK) {
		if (in_txn)
			store_rollback(rc->s);
		res->run.applied = 0;
		res->run.adds = res->run.removes = res->run.renames = 0;
		snprintf(res->run.message, sizeof(res->run.message), "store "
		    "failure (%s); nothing was applied", status_name(st));
		for (size_t i = 0; i < res->n_lists; i++)
			snprintf(res->lists[i].rl.state,
			    sizeof(res->lists[i].rl.state), "not-applied");
		record_run(rc->s, res, 0);
	}
	return st;
}

static size_t
count_errors(const struct generator_result *res)
{
	size_t n = 0;

	for (size_t i = 0; i < res->n_lists; i++)
		n += res->lists[i].error[0] != '\0';
	return n;
}

/* Keep the bad rows and decide whether the directory may be applied. */
static enum status
judge_directory(struct run_ctx *rc, const struct directory *dir)
{
	struct generator_result *res = rc->res;
	size_t kept = dir->n_errors < DIRECTORY_ERRORS_KEPT ? dir->n_errors :
	    DIRECTORY_ERRORS_KEPT;

	res->run.accounts = (int64_t)dir->n_accounts;
	res->run.errors = (int64_t)dir->n_errors;
	res->errors = xcalloc(kept + 1, sizeof(char *));
	for (size_t i = 0; i < kept; i++)
		res->errors[res->n_errors++] = xstrdup(dir->errors[i]);
	if (dir->n_accounts == 0) {
		snprintf(res->run.message, sizeof(res->run.message), "%s has no "
		    "valid accounts; nothing was applied", dir->label);
		return ST_DATA;
	}
	if (dir->n_errors > (size_t)rc->conf->max_errors) {
		snprintf(res->run.message, sizeof(res->run.message), "%s: %zu "
		    "bad rows, more than the %d allowed; nothing was applied",
		    dir->label, dir->n_errors, rc->conf->max_errors);
		return ST_DATA;
	}
	return ST_OK;
}

enum status
generator_run(struct store *s, const struct district *d,
    const struct generator_opts *o, struct generator_result *res)
{
	struct roster_source_conf conf;
	struct run_ctx rc = { s, d, o, &conf, NULL, res };
	struct directory *dir = NULL;
	struct plan p;
	char err[600];
	enum status st;

	memset(res, 0, sizeof(*res));
	memset(&p, 0, sizeof(p));
	res->run.started = store_now();
	res->run.dry_run = o->dry_run;
	if ((st = store_roster_source_get(s, &conf)) != ST_OK) {
		set_message(res, st == ST_NOTFOUND ? "no directory source is "
		    "configured (listctl source set)" : "cannot read the source "
		    "configuration");
		return st == ST_NOTFOUND ? ST_CONFIG : st;
	}
	snprintf(res->run.source, sizeof(res->run.source), "%s:%s", conf.type,
	    conf.path);
	if ((st = directory_load(&conf, &dir, err, sizeof(err))) != ST_OK) {
		snprintf(res->run.message, sizeof(res->run.message), "%s; "
		    "nothing was applied", err);
		goto record;
	}
	rc.dir = dir;
	if ((st = judge_directory(&rc, dir)) != ST_OK)
		goto record;
	if ((st = plan_build(s, d, dir, &p)) != ST_OK)
		goto out;
	plan_compute(&p, dir);
	st = apply_all(&rc, &p);
	if (st == ST_OK && res->run.refused > 0) {
		snprintf(res->run.message, sizeof(res->run.message), "%d list(s) "
		    "refused: more than %d%% of their members would be removed "
		    "(check the source, or run with --force)", res->run.refused,
		    conf.max_remove_percent);
		st = ST_DENIED;
	} else if (st == ST_OK && count_errors(res) > 0) {
		snprintf(res->run.message, sizeof(res->run.message), "%zu "
		    "list(s) not built: their definition has an error",
		    count_errors(res));
		st = ST_CONFIG;
	}
	goto out;
record:
	record_run(s, res, 0);
out:
	log_info("generator run district=%s source=%s accounts=%lld adds=%lld "
	    "removes=%lld renames=%lld refused=%d errors=%lld dry_run=%d "
	    "status=%s", d->slug, res->run.source, (long long)res->run.accounts,
	    (long long)res->run.adds, (long long)res->run.removes,
	    (long long)res->run.renames, res->run.refused,
	    (long long)res->run.errors, o->dry_run, status_name(st));
	if (st != ST_OK && !res->run.applied && !o->dry_run)
		log_warnx("generator failed district=%s source=%s status=%s "
		    "alert=\"%s\"", d->slug, res->run.source, status_name(st),
		    res->run.message);
	plan_release(&p);
	directory_free(dir);
	return st;
}

void
generator_result_release(struct generator_result *res)
{
	for (size_t i = 0; i < res->n_lists; i++) {
		for (size_t k = 0; k < res->lists[i].n_changes; k++)
			xfree(res->lists[i].changes[k]);
		xfree(res->lists[i].changes);
	}
	xfree(res->lists);
	for (size_t i = 0; i < res->n_errors; i++)
		xfree(res->errors[i]);
	xfree(res->errors);
	memset(res, 0, sizeof(*res));
}

enum status
generator_is_stale(struct store *s, int *is_stale, int64_t *last)
{
	struct roster_source_conf conf;
	struct roster_run r;
	enum status st;

	*is_stale = 0;
	*last = 0;
	if ((st = store_roster_source_get(s, &conf)) != ST_OK)
		return st;
	st = store_roster_run_last(s, 1, &r);
	if (st != ST_OK && st != ST_NOTFOUND)
		return st;
	*last = st == ST_OK ? r.finished : 0;
	*is_stale = *last == 0 || store_now() - *last >
	    (int64_t)conf.interval_hours * 3600;
	return ST_OK;
}
