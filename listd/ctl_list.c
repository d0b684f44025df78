/* ctl_list.c - listctl list create|list|show|set|remove. Lists are named by
 * their address; settings go through one table shared by create and set. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/list_setting.h"
#include "core/store_list.h"
#include "core/store_member.h"
#include "core/store_site.h"
#include "listd/ctl.h"
#include "listd/ctl_mta.h"

static int list_create(struct ctl *);
static int list_list(struct ctl *);
static int list_show(struct ctl *);
static int list_set(struct ctl *);
static int list_remove(struct ctl *);

#define LIST_SETTINGS "description=,policy=,nonmember=,dmarc=,subscribe=," \
	"archive=,subject-prefix=,footer=,max-size=,personalize=,digest-format="

const struct ctl_verb ctl_list_verbs[] = {
	{ "create", "kind=," LIST_SETTINGS, 1, 1,
	  "create LIST@DOMAIN [--kind discussion|announcement|roster] [SETTINGS]",
	  "create a list in the district that owns DOMAIN", list_create },
	{ "list", "district=", 0, 0, "list [--district SLUG]",
	  "list the lists of one district or of all", list_list },
	{ "show", "", 1, 1, "show LIST@DOMAIN", "show a list's settings",
	  list_show },
	{ "set", LIST_SETTINGS, 1, 1, "set LIST@DOMAIN SETTINGS",
	  "change settings: --description TEXT --policy open|members|moderated|"
	  "announce --nonmember hold|reject|discard --dmarc leave|rewrite "
	  "--subscribe open|confirm|approve|closed --archive public|private "
	  "--subject-prefix TEXT --footer TEXT --max-size BYTES "
	  "--personalize auto|yes|no (per-member copies with one-click "
	  "unsubscribe and VERP; auto: lists up to 5,000 members) "
	  "--digest-format mime|rfc1153", list_set },
	{ "remove", "force", 1, 1, "remove LIST@DOMAIN [--force]",
	  "remove a list (refused while it has members, unless --force)",
	  list_remove },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

static int
apply_settings(struct ctl *c, struct list *l, int *n_changed)
{
	*n_changed = 0;
	for (size_t i = 0; i < n_list_settings; i++) {
		const char *v = ctl_opt(c, list_settings[i].option), *why;

		if (v == NULL)
			continue;
		if ((why = list_settings[i].set(l, v)) != NULL)
			return ctl_fail(c, ST_USAGE, "--%s \"%s\": %s",
			    list_settings[i].option, v, why);
		(*n_changed)++;
	}
	return 0;
}

static void
list_json(struct json *j, const struct list *l, const struct district *d)
{
	char when[32], addr[256];

	snprintf(addr, sizeof(addr), "%s@%s", l->name, d->domain);
	ctl_time(l->created, when, sizeof(when));
	json_obj_begin(j);
	json_kv_str(j, "address", addr);
	json_kv_str(j, "district", d->slug);
	json_kv_str(j, "name", l->name);
	json_kv_str(j, "description", l->description);
	json_kv_str(j, "kind", model_list_kind_name(l->kind));
	json_kv_str(j, "policy", model_policy_name(l->policy));
	json_kv_str(j, "nonmember", model_nonmember_name(l->nonmember));
	json_kv_str(j, "dmarc", model_dmarc_name(l->dmarc));
	json_kv_str(j, "subscribe", model_subscribe_name(l->subscribe));
	json_kv_str(j, "archive", l->archive_public ? "public" : "private");
	json_kv_str(j, "subject_prefix", l->subject_prefix);
	json_kv_str(j, "footer", l->footer);
	json_kv_int(j, "max_size", l->max_size);
	json_kv_str(j, "personalize", model_personalize_name(l->personalize));
	json_kv_str(j, "digest_format", model_digest_format_name(l->digest_format));
	json_kv_str(j, "created", when);
	json_obj_end(j);
}

static int
list_create(struct ctl *c)
{
	struct district d;
	struct store *site, *ds = NULL;
	struct list l;
	char local[LIST_NAME_MAX + 2];
	const char *at = strrchr(c->pos[0], '@'), *kind = ctl_opt(c, "kind");
	const char *reason;
	enum status st;
	int rc, k = LIST_DISCUSSION, n;

	if (at == NULL || at == c->pos[0] ||
	    (size_t)(at - c->pos[0]) > LIST_NAME_MAX)
		return ctl_fail(c, ST_USAGE, "\"%s\" is not a list address like "
		    "news@district.org", c->pos[0]);
	snprintf(local, sizeof(local), "%.*s", (int)(at - c->pos[0]), c->pos[0]);
	if (!model_list_name_valid(local, &reason))
		return ctl_fail(c, ST_USAGE, "invalid list name \"%s\": %s",
		    local, reason);
	if (kind && (k = model_list_kind_parse(kind)) < 0)
		return ctl_fail(c, ST_USAGE, "--kind \"%s\": expected "
		    "discussion, announcement or roster", kind);
	if ((site = ctl_site(c)) == NULL)
		return status_exit(ST_TEMP);
	if ((st = store_district_by_domain(site, at + 1, &d)) != ST_OK)
		return ctl_fail(c, st, "no district has the domain \"%s\" "
		    "(listctl district list shows them)", at + 1);
	model_list_defaults(&l, (enum list_kind)k);
	snprintf(l.name, sizeof(l.name), "%s", local);
	if ((rc = apply_settings(c, &l, &n)) != 0)
		return rc;
	if ((rc = ctl_open_district(c, d.slug, &d, &ds)) != 0)
		return rc;
	st = store_list_create(ds, &l);
	store_close(ds);
	if (st == ST_EXISTS)
		return ctl_fail(c, st, "list %s@%s exists already", l.name,
		    d.domain);
	if (st != ST_OK)
		return ctl_fail(c, st, "cannot create %s@%s (%s)", l.name,
		    d.domain, status_name(st));
	ctl_audit(c, d.slug, "list.create", "list=%s kind=%s", l.name,
	    model_list_kind_name(l.kind));
	(void)ctl_mta_refresh(c);
	if (c->json) {
		struct json j;

		ctl_json_begin(&j, 1 << 16);
		list_json(&j, &l, &d);
		return ctl_json_end(&j);
	}
	printf("list %s@%s created (%s, posting: %s)\n", l.name, d.domain,
	    model_list_kind_name(l.kind), model_policy_name(l.policy));
	return 0;
}

struct list_walk {
	struct ctl		*c;
	struct json		*j;
	const struct district	*d;
	struct store		*ds;
	int			 n;
};

static int
print_list(const struct list *l, void *ctx)
{
	struct list_walk *w = ctx;
	struct member_filter f;
	int64_t n = 0;

	w->n++;
	if (w->j) {
		list_json(w->j, l, w->d);
		return 0;
	}
	member_filter_all(&f);
	(void)store_member_count(w->ds, l->id, &f, &n);
	printf("%s@%s  %s  %lld members  %s\n", l->name, w->d->domain,
	    model_list_kind_name(l->kind), (long long)n, l->description);
	return 0;
}

static int
list_district(const struct district *d, void *ctx)
{
	struct list_walk *w = ctx;
	struct store *ds;

	if (store_district_open(w->c->home, d->slug, 0, &ds) != ST_OK)
		return 0;
	w->d = d;
	w->ds = ds;
	(void)store_list_each(ds, print_list, w);
	store_close(ds);
	return 0;
}

static int
list_list(struct ctl *c)
{
	struct store *site = ctl_site(c);
	const char *only = ctl_opt(c, "district");
	struct list_walk w = { c, NULL, NULL, NULL, 0 };
	struct json j;
	struct district d;
	enum status st;

	if (site == NULL)
		return status_exit(ST_TEMP);
	if (c->json) {
		ctl_json_begin(&j, 64 << 20);
		json_arr_begin(&j);
		w.j = &j;
	}
	if (only) {
		if ((st = store_district_get(site, only, &d)) != ST_OK) {
			if (c->json)
				json_release(&j);
			return ctl_fail(c, st, "no district \"%s\"", only);
		}
		list_district(&d, &w);
	} else {
		store_district_each(site, list_district, &w);
	}
	if (c->json) {
		json_arr_end(&j);
		return ctl_json_end(&j);
	}
	if (w.n == 0)
		printf("no lists yet: listctl list create NAME@DOMAIN\n");
	return 0;
}

static int
list_show(struct ctl *c)
{
	struct district d;
	struct store *ds;
	struct list l;
	struct member_filter f;
	int64_t n = 0;
	struct json j;
	int rc;

	if ((rc = ctl_open_list(c, c->pos[0], &d, &ds, &l)) != 0)
		return rc;
	member_filter_all(&f);
	(void)store_member_count(ds, l.id, &f, &n);
	store_close(ds);
	if (c->json) {
		ctl_json_begin(&j, 1 << 16);
		list_json(&j, &l, &d);
		return ctl_json_end(&j);
	}
	printf("address:        %s@%s\ndistrict:       %s\n"
	    "description:    %s\nkind:           %s\nposting:        %s\n"
	    "non-members:    %s\ndmarc:          %s\nsubscribe:      %s\n"
	    "archive:        %s\nsubject prefix: %s\nmax size:       %ld%s\n"
	    "personalize:    %s\nmembers:        %lld\n",
	    l.name, d.domain, d.slug, l.description, model_list_kind_name(l.kind),
	    model_policy_name(l.policy), model_nonmember_name(l.nonmember),
	    model_dmarc_name(l.dmarc), model_subscribe_name(l.subscribe),
	    l.archive_public ? "public" : "private", l.subject_prefix,
	    l.max_size, l.max_size ? "" : " (site limit)",
	    model_personalize_name(l.personalize), (long long)n);
	if (l.footer[0])
		printf("footer:\n%s\n", l.footer);
	return 0;
}

static int
list_set(struct ctl *c)
{
	struct district d;
	struct store *ds;
	struct list l;
	enum status st;
	int rc, n;

	if ((rc = ctl_open_list(c, c->pos[0], &d, &ds, &l)) != 0)
		return rc;
	if ((rc = apply_settings(c, &l, &n)) != 0)
		goto out;
	if (n == 0) {
		rc = ctl_fail(c, ST_USAGE, "nothing to change (listctl list set "
		    "--help lists the settings)");
		goto out;
	}
	if ((st = store_list_update(ds, &l)) != ST_OK) {
		rc = ctl_fail(c, st, "cannot update %s@%s (%s)", l.name,
		    d.domain, status_name(st));
		goto out;
	}
	ctl_audit(c, d.slug, "list.set", "list=%s changed=%d", l.name, n);
	if (!c->json)
		printf("list %s@%s updated\n", l.name, d.domain);
out:
	store_close(ds);
	return rc;
}

static int
list_remove(struct ctl *c)
{
	struct district d;
	struct store *ds;
	struct list l;
	struct member_filter f;
	int64_t n = 0;
	enum status st;
	int rc;

	if ((rc = ctl_open_list(c, c->pos[0], &d, &ds, &l)) != 0)
		return rc;
	member_filter_all(&f);
	if ((st = store_member_count(ds, l.id, &f, &n)) != ST_OK) {
		rc = ctl_fail(c, st, "cannot count members (%s)", status_name(st));
		goto out;
	}
	if (n > 0 && !ctl_flag(c, "force")) {
		rc = ctl_fail(c, ST_DENIED, "%s@%s has %lld members; give --force "
		    "to remove it with them", l.name, d.domain, (long long)n);
		goto out;
	}
	if ((st = store_list_remove(ds, l.name)) != ST_OK) {
		rc = ctl_fail(c, st, "cannot remove %s@%s (%s)", l.name, d.domain,
		    status_name(st));
		goto out;
	}
	ctl_audit(c, d.slug, "list.remove", "list=%s members=%lld", l.name,
	    (long long)n);
	(void)ctl_mta_refresh(c);
	if (!c->json)
		printf("list %s@%s removed\n", l.name, d.domain);
out:
	store_close(ds);
	return rc;
}
