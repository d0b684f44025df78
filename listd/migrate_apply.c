/* migrate_apply.c - compare a migration plan with the store and apply it:
 * the list (created when absent), the settings the old list decided, its
 * members and allowed senders in one transaction, then the archive through
 * archive_import(). Members already in listd and not in the plan are left
 * alone. Running the same plan again changes nothing. */
#include <stdio.h>
#include <string.h>

#include "archive/archive.h"
#include "core/store_list.h"
#include "core/store_member.h"
#include "core/store_sub.h"
#include "listd/migrate.h"

static enum status	apply_members(struct store *s, int64_t list_id,
			    struct mig_plan *p, int dry, struct mig_result *res);

static void
changed(struct mig_result *res, const char *option)
{
	size_t n = strlen(res->settings_changed);

	snprintf(res->settings_changed + n, sizeof(res->settings_changed) - n,
	    "%s%s", n ? "," : "", option);
	res->n_settings_changed++;
}

/* Copy the fields p decided into l, naming each that differs. */
static void
overlay(struct list *l, const struct mig_plan *p, struct mig_result *res)
{
	const struct list *w = &p->l;

#define OVER(bit, cond, assign, option)					\
	if ((p->mask & (bit)) && (cond)) {				\
		assign;							\
		changed(res, option);					\
	}
	OVER(MF_DESCRIPTION, strcmp(l->description, w->description),
	    memcpy(l->description, w->description, sizeof(l->description)),
	    "description");
	OVER(MF_POLICY, l->policy != w->policy, l->policy = w->policy, "policy");
	OVER(MF_NONMEMBER, l->nonmember != w->nonmember,
	    l->nonmember = w->nonmember, "nonmember");
	OVER(MF_DMARC, l->dmarc != w->dmarc, l->dmarc = w->dmarc, "dmarc");
	OVER(MF_SUBSCRIBE, l->subscribe != w->subscribe,
	    l->subscribe = w->subscribe, "subscribe");
	OVER(MF_ARCHIVE, l->archive_public != w->archive_public,
	    l->archive_public = w->archive_public, "archive");
	OVER(MF_PREFIX, strcmp(l->subject_prefix, w->subject_prefix),
	    memcpy(l->subject_prefix, w->subject_prefix,
	    sizeof(l->subject_prefix)), "subject-prefix");
	OVER(MF_FOOTER, strcmp(l->footer, w->footer),
	    memcpy(l->footer, w->footer, sizeof(l->footer)), "footer");
	OVER(MF_MAX_SIZE, l->max_size != w->max_size,
	    l->max_size = w->max_size, "max-size");
	OVER(MF_DIGEST_FORMAT, l->digest_format != w->digest_format,
	    l->digest_format = w->digest_format, "digest-format");
#undef OVER
}

/* One plan member against the store: add, update, or leave. */
static enum status
apply_member(struct store *s, int64_t list_id, const struct mig_member *pm,
    int dry, struct mig_result *res)
{
	struct member m;
	enum status st = list_id ? store_member_get(s, list_id, pm->address,
	    &m) : ST_NOTFOUND;

	if (st == ST_NOTFOUND) {
		memset(&m, 0, sizeof(m));
		m.list_id = list_id;
		snprintf(m.address, sizeof(m.address), "%s", pm->address);
		snprintf(m.name, sizeof(m.name), "%s", pm->name);
		m.mode = pm->mode;
		m.role = pm->role;
		m.source = SOURCE_MANUAL;
		res->n_added++;
		return dry ? ST_OK : store_member_add(s, &m);
	}
	if (st != ST_OK)
		return st;
	if ((pm->name[0] == '\0' || strcmp(m.name, pm->name) == 0) &&
	    m.mode == pm->mode && m.role == pm->role) {
		res->n_unchanged++;
		return ST_OK;
	}
	if (pm->name[0])
		snprintf(m.name, sizeof(m.name), "%s", pm->name);
	m.mode = pm->mode;
	m.role = pm->role;
	res->n_updated++;
	return dry ? ST_OK : store_member_update(s, &m);
}

static enum status
apply_members(struct store *s, int64_t list_id, struct mig_plan *p, int dry,
    struct mig_result *res)
{
	enum status st = ST_OK;

	for (size_t k = 0; st == ST_OK && k < p->n_members; k++)
		st = apply_member(s, list_id, &p->members[k], dry, res);
	for (size_t k = 0; st == ST_OK && k < p->n_allowed; k++) {
		if (list_id && (st = store_allowed_has(s, list_id,
		    p->allowed[k])) == ST_OK)
			continue;
		if (st != ST_OK && st != ST_NOTFOUND)
			break;
		res->n_allowed_added++;
		st = dry ? ST_OK : store_allowed_add(s, list_id, p->allowed[k]);
	}
	return st;
}

/* Messages in an mbox, counted by "From " lines (for --dry-run). */
static long
mbox_count(const char *path)
{
	char line[4096];
	FILE *fp = fopen(path, "r");
	long n = 0;
	int bol = 1;

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (bol && strncmp(line, "From ", 5) == 0)
			n++;
		bol = strchr(line, '\n') != NULL;
	}
	fclose(fp);
	return n;
}

static enum status
apply_archive(struct store *s, const struct list *l, struct mig_plan *p,
    int dry, struct mig_result *res, char *err, size_t err_len)
{
	struct archive_import_result ir;
	enum status st;

	if (p->mbox == NULL)
		return ST_OK;
	if (dry) {
		if ((res->n_mbox_read = mbox_count(p->mbox)) < 0) {
			snprintf(err, err_len, "%s: cannot open", p->mbox);
			return ST_NOTFOUND;
		}
		return ST_OK;
	}
	st = archive_import(s, l, p->mbox, &ir);
	res->n_mbox_read = ir.n_read;
	res->n_mbox_added = ir.n_added;
	res->n_mbox_present = ir.n_present;
	res->n_mbox_bad = ir.n_bad;
	if (st != ST_OK)
		snprintf(err, err_len, "%s: archive import stopped (%s) after "
		    "%ld messages; the list and members are migrated; run the "
		    "migration again to continue", p->mbox, status_name(st),
		    ir.n_read);
	return st;
}

enum status
migrate_apply(struct store *s, const char *name, struct mig_plan *p, int dry,
    struct mig_result *res, char *err, size_t err_len)
{
	struct list l;
	enum status st;

	memset(res, 0, sizeof(*res));
	if ((st = store_list_get(s, name, &l)) == ST_NOTFOUND) {
		model_list_defaults(&l, p->kind);
		snprintf(l.name, sizeof(l.name), "%s", name);
		res->list_created = 1;
	} else if (st != ST_OK) {
		snprintf(err, err_len, "cannot read list %s (%s)", name,
		    status_name(st));
		return st;
	}
	overlay(&l, p, res);
	st = ST_OK;
	if (!dry && (st = store_begin(s)) != ST_OK)
		goto fail;
	if (!dry && res->list_created)
		st = store_list_create(s, &l);
	else if (!dry && res->n_settings_changed)
		st = store_list_update(s, &l);
	if (st == ST_OK)
		st = apply_members(s, res->list_created && dry ? 0 : l.id, p,
		    dry, res);
	if (dry && st == ST_OK)
		return apply_archive(s, &l, p, 1, res, err, err_len);
	if (st != ST_OK) {
		if (!dry)
			store_rollback(s);
		goto fail;
	}
	if ((st = store_commit(s)) != ST_OK)
		goto fail;
	return apply_archive(s, &l, p, 0, res, err, err_len);
fail:
	snprintf(err, err_len, "cannot write list %s (%s); nothing was changed",
	    name, status_name(st));
	return st;
}
