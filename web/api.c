/* api.c - the JSON API under /api/v1/ for provisioning from a district's
 * content-management system: districts, lists, members (bulk), held posts
 * and generator runs. Bearer tokens; request bodies are form-encoded
 * (repeat a field for several values); answers are JSON (docs/api.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "core/json.h"
#include "core/mta_maps.h"
#include "core/store_list.h"
#include "core/store_member.h"
#include "core/store_post.h"
#include "core/store_roster.h"
#include "core/store_site.h"
#include "web/pages.h"

#define API_OUT_MAX	(8L * 1024 * 1024)
#define API_PAGE_MAX	1000

static void	api_send(struct req *r, struct json *j);

static void
api_send(struct req *r, struct json *j)
{
	const char *t = json_text(j);

	if (t == NULL) {
		json_release(j);
		req_fail(r, ST_TOOBIG, "answer too large");
		return;
	}
	buf_reset(&r->out);
	buf_append_str(&r->out, t);
	buf_append_str(&r->out, "\n");
	json_release(j);
	r->ctype = "application/json";
	r->http = 200;
}

static int
district_json(const struct district *d, void *arg)
{
	struct json *j = arg;

	json_obj_begin(j);
	json_kv_str(j, "slug", d->slug);
	json_kv_str(j, "domain", d->domain);
	json_kv_str(j, "name", d->name);
	json_obj_end(j);
	return 0;
}

void
api_districts(struct req *r)
{
	struct json j;

	json_init(&j, API_OUT_MAX);
	json_arr_begin(&j);
	(void)store_district_each(r->site, district_json, &j);
	json_arr_end(&j);
	api_send(r, &j);
}

struct api_walk {
	struct req	*r;
	struct json	*j;
	int64_t		 n;
};

static int
count_held(const struct held *h, const struct post *p, void *arg)
{
	(void)h;
	(void)p;
	((struct api_walk *)arg)->n++;
	return 0;
}

static int
list_json(const struct list *l, void *arg)
{
	struct api_walk *w = arg, held = { w->r, NULL, 0 };
	struct member_filter f;
	int64_t n = 0;

	member_filter_all(&f);
	(void)store_member_count(w->r->ds, l->id, &f, &n);
	(void)store_held_each(w->r->ds, l->id, 0, count_held, &held);
	json_obj_begin(w->j);
	json_kv_str(w->j, "name", l->name);
	json_kv_str(w->j, "kind", model_list_kind_name(l->kind));
	json_kv_str(w->j, "description", l->description);
	json_kv_str(w->j, "policy", model_policy_name(l->policy));
	json_kv_str(w->j, "subscribe", model_subscribe_name(l->subscribe));
	json_kv_bool(w->j, "archive_public", l->archive_public);
	json_kv_int(w->j, "members", n);
	json_kv_int(w->j, "held", held.n);
	json_obj_end(w->j);
	return 0;
}

void
api_lists(struct req *r)
{
	struct json j;
	struct api_walk w = { r, &j, 0 };

	json_init(&j, API_OUT_MAX);
	json_arr_begin(&j);
	(void)store_list_each(r->ds, list_json, &w);
	json_arr_end(&j);
	api_send(r, &j);
}

void
api_list_create(struct req *r)
{
	const char *name = req_form(r, "name"), *kind = req_form(r, "kind");
	const char *desc = req_form(r, "description"), *why = NULL;
	struct list l;
	struct json j;
	enum status st;
	int k = kind ? model_list_kind_parse(kind) : LIST_DISCUSSION;

	if (name == NULL || !model_list_name_valid(name, &why) || k < 0 ||
	    k == LIST_ROSTER || (desc && !model_text_valid(desc, DESC_MAX, 0))) {
		req_fail(r, ST_DATA, "invalid name, kind or description%s%s",
		    why ? ": " : "", why ? why : "");
		return;
	}
	model_list_defaults(&l, (enum list_kind)k);
	snprintf(l.name, sizeof(l.name), "%s", name);
	snprintf(l.description, sizeof(l.description), "%s", desc ? desc : "");
	if ((st = store_list_create(r->ds, &l)) != ST_OK) {
		req_fail(r, st, st == ST_EXISTS ? "list exists" : "store failed");
		return;
	}
	req_audit(r, "list.create", "list=%s kind=%s", l.name,
	    model_list_kind_name(l.kind));
	(void)mta_maps_refresh(cfg->home, NULL);	/* Postfix learns it */
	json_init(&j, 4096);
	json_obj_begin(&j);
	json_kv_str(&j, "name", l.name);
	json_kv_str(&j, "kind", model_list_kind_name(l.kind));
	json_obj_end(&j);
	api_send(r, &j);
}

static int
member_json(const struct member *m, void *arg)
{
	struct json *j = arg;

	json_obj_begin(j);
	json_kv_str(j, "address", m->address);
	json_kv_str(j, "name", m->name);
	json_kv_str(j, "mode", model_mode_name(m->mode));
	json_kv_str(j, "role", model_role_name(m->role));
	json_kv_str(j, "source", model_source_name(m->source));
	json_obj_end(j);
	return json_text(j) == NULL;
}

void
api_members(struct req *r)
{
	const char *q = req_query(r, "q"), *lim = req_query(r, "limit");
	const char *off = req_query(r, "offset");
	struct member_filter f;
	struct json j;

	member_filter_all(&f);
	f.query = q && *q && strlen(q) <= ADDR_MAX ? q : NULL;
	f.limit = lim ? (int)strtol(lim, NULL, 10) : API_PAGE_MAX;
	f.offset = off ? (int)strtol(off, NULL, 10) : 0;
	if (f.limit <= 0 || f.limit > API_PAGE_MAX || f.offset < 0) {
		req_fail(r, ST_USAGE, "limit must be 1 to 1000, offset >= 0");
		return;
	}
	json_init(&j, API_OUT_MAX);
	json_arr_begin(&j);
	(void)store_member_each(r->ds, r->l.id, &f, member_json, &j);
	json_arr_end(&j);
	api_send(r, &j);
}

/* Add one address from the request; error text into *why. */
static enum status
api_add_one(struct req *r, const char *addr_in, int mode, int role,
    const char *name, const char **why)
{
	struct member m;
	enum status st;

	memset(&m, 0, sizeof(m));
	if (addr_normalize(addr_in, m.address, sizeof(m.address), why) == -1)
		return ST_DATA;
	m.list_id = r->l.id;
	m.mode = (enum delivery_mode)mode;
	m.role = (enum member_role)role;
	m.source = SOURCE_MANUAL;
	snprintf(m.name, sizeof(m.name), "%s", name ? name : "");
	if ((st = store_member_add(r->ds, &m)) == ST_EXISTS)
		*why = "already a member";
	else if (st != ST_OK)
		*why = "store failed";
	return st;
}

void
api_members_add(struct req *r)
{
	const char *mode = req_form(r, "mode"), *role = req_form(r, "role");
	const char *name = req_form(r, "name"), *why;
	int md = mode ? model_mode_parse(mode) : MODE_REGULAR;
	int rl = role ? model_role_parse(role) : ROLE_MEMBER;
	int n_added = 0;
	struct json j;

	if (md < 0 || rl < 0 || (name && !model_text_valid(name,
	    NAME_MAX_LEN, 0)) || req_form(r, "address") == NULL) {
		req_fail(r, ST_DATA, "give address (repeatable) and valid "
		    "mode, role and name");
		return;
	}
	if (store_begin(r->ds) != ST_OK) {
		req_fail(r, ST_TEMP, "store busy");
		return;
	}
	json_init(&j, API_OUT_MAX);
	json_obj_begin(&j);
	json_key(&j, "errors");
	json_arr_begin(&j);
	for (int i = 0; i < r->n_form; i++) {
		if (strcmp(r->form[i].name, "address") != 0)
			continue;
		if (api_add_one(r, r->form[i].value, md, rl, name, &why)
		    == ST_OK) {
			n_added++;
			continue;
		}
		json_obj_begin(&j);
		json_kv_str(&j, "address", r->form[i].value);
		json_kv_str(&j, "error", why);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	if (store_commit(r->ds) != ST_OK) {
		store_rollback(r->ds);
		json_release(&j);
		req_fail(r, ST_TEMP, "store failed; nothing added");
		return;
	}
	json_kv_int(&j, "added", n_added);
	json_obj_end(&j);
	req_audit(r, "member.add", "list=%s added=%d via=api", r->l.name,
	    n_added);
	api_send(r, &j);
}

void
api_member_remove(struct req *r)
{
	char addr[ADDR_MAX + 1];
	const char *why;
	int n_removed = 0, n_missing = 0;
	struct json j;

	for (int i = 0; i < r->n_form; i++) {
		if (strcmp(r->form[i].name, "address") != 0)
			continue;
		if (addr_normalize(r->form[i].value, addr, sizeof(addr), &why)
		    == 0 && store_member_remove(r->ds, r->l.id, addr) == ST_OK)
			n_removed++;
		else
			n_missing++;
	}
	req_audit(r, "member.remove", "list=%s removed=%d via=api", r->l.name,
	    n_removed);
	json_init(&j, 4096);
	json_obj_begin(&j);
	json_kv_int(&j, "removed", n_removed);
	json_kv_int(&j, "not_found", n_missing);
	json_obj_end(&j);
	api_send(r, &j);
}

/* Remove r->l; confirm must repeat its name, and a list with members needs
 * force=yes (as listctl list remove --force). */
void
api_list_remove(struct req *r)
{
	const char *confirm = req_form(r, "confirm");
	const char *force = req_form(r, "force");
	struct member_filter f;
	int64_t n = 0;
	struct json j;
	enum status st;

	if (confirm == NULL || strcmp(confirm, r->l.name) != 0) {
		req_fail(r, ST_DATA, "confirm must repeat the list's name");
		return;
	}
	member_filter_all(&f);
	if ((st = store_member_count(r->ds, r->l.id, &f, &n)) != ST_OK ||
	    (n > 0 && (force == NULL || strcmp(force, "yes") != 0))) {
		req_fail(r, st != ST_OK ? st : ST_DENIED, st != ST_OK ?
		    "store failed" : "the list has %lld members; give force=yes",
		    (long long)n);
		return;
	}
	if ((st = store_list_remove(r->ds, r->l.name)) != ST_OK) {
		req_fail(r, st, "store failed");
		return;
	}
	req_audit(r, "list.remove", "list=%s members=%lld via=api", r->l.name,
	    (long long)n);
	(void)mta_maps_refresh(cfg->home, NULL);	/* Postfix forgets it */
	json_init(&j, 4096);
	json_obj_begin(&j);
	json_kv_str(&j, "removed", r->l.name);
	json_kv_int(&j, "members", n);
	json_obj_end(&j);
	api_send(r, &j);
}

static int
held_json(const struct held *h, const struct post *p, void *arg)
{
	struct json *j = arg;

	json_obj_begin(j);
	json_kv_int(j, "id", p->id);
	json_kv_str(j, "sender", p->sender);
	json_kv_str(j, "subject", p->subject);
	json_kv_str(j, "reason", h->reason);
	json_kv_int(j, "held_at", h->held_at);
	json_kv_str(j, "decision", h->action);
	json_obj_end(j);
	return json_text(j) == NULL;
}

void
api_held(struct req *r)
{
	struct json j;

	json_init(&j, API_OUT_MAX);
	json_arr_begin(&j);
	(void)store_held_each(r->ds, r->l.id, -1, held_json, &j);
	json_arr_end(&j);
	api_send(r, &j);
}

void
api_held_decide(struct req *r)
{
	const char *act = req_form(r, "action"), *note = req_form(r, "note");
	char *end;
	long long id = strtoll(r->args[0], &end, 10);
	struct post p;
	struct json j;
	enum status st;

	if (act == NULL || (strcmp(act, "approve") && strcmp(act, "reject") &&
	    strcmp(act, "discard") && strcmp(act, "allow")) ||
	    (note && !model_text_valid(note, POST_REASON_MAX, 0))) {
		req_fail(r, ST_DATA, "action must be approve, reject, discard "
		    "or allow; note one short line");
		return;
	}
	if (*end || id <= 0 || store_post_get(r->ds, id, &p) != ST_OK ||
	    p.list_id != r->l.id) {
		req_fail(r, ST_NOTFOUND, "no such held post");
		return;
	}
	if ((st = store_held_decide(r->ds, id, act, r->actor,
	    note ? note : "")) != ST_OK) {
		req_fail(r, st, st == ST_EXISTS ? "already decided" :
		    "not held");
		return;
	}
	req_audit(r, "held.decide", "list=%s post=%lld action=%s via=api",
	    r->l.name, id, act);
	json_init(&j, 4096);
	json_obj_begin(&j);
	json_kv_int(&j, "id", id);
	json_kv_str(&j, "decision", act);
	json_obj_end(&j);
	api_send(r, &j);
}

void
api_runs(struct req *r)
{
	struct roster_run run;
	struct json j;
	enum status st = store_roster_run_last(r->ds, 0, &run);

	json_init(&j, 8192);
	json_obj_begin(&j);
	json_key(&j, "last_run");
	if (st != ST_OK)
		json_null(&j);
	else {
		json_obj_begin(&j);
		json_kv_int(&j, "id", run.id);
		json_kv_int(&j, "started", run.started);
		json_kv_int(&j, "finished", run.finished);
		json_kv_bool(&j, "dry_run", run.dry_run);
		json_kv_bool(&j, "applied", run.applied);
		json_kv_int(&j, "accounts", run.accounts);
		json_kv_int(&j, "adds", run.adds);
		json_kv_int(&j, "removes", run.removes);
		json_kv_int(&j, "renames", run.renames);
		json_kv_int(&j, "refused", run.refused);
		json_kv_str(&j, "message", run.message);
		json_obj_end(&j);
	}
	json_obj_end(&j);
	api_send(r, &j);
}
