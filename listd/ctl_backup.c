/* ctl_backup.c - listctl district backup SLUG FILE and district restore
 * FILE. A backup is a ustar file: listd-backup.txt (format, slug, domain,
 * name), district.db (a snapshot by SQLite's online backup API, taken while
 * listd runs), messages/ab/<sha256>.eml and the packs of imported messages,
 * messages/packs/pack-<id>.idx each followed by its .pack. The snapshot is
 * taken before the messages are copied, and messages are written (a pack's
 * index after its bytes) before the rows naming them, so every message the
 * snapshot names is in the backup. A restore accepts only those names,
 * regular files, messages whose content has their hash and packs whose
 * every message does (core/msgpack.h); it builds the district in a staging
 * directory and moves it into place only when everything checked out. The
 * html/ cache is not saved: "listctl archive rebuild" recreates it. */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/addr.h"
#include "core/msgpack.h"
#include "core/msgstore.h"
#include "core/spool.h"
#include "core/store_backup.h"
#include "core/store_site.h"
#include "core/ustar.h"
#include "core/xmem.h"
#include "listd/ctl_backup.h"
#include "listd/ctl_mta.h"

#define BACKUP_FORMAT		"listd-district-backup 1"
#define BACKUP_MANIFEST		"listd-backup.txt"
#define BACKUP_MANIFEST_MAX	4096
#define BACKUP_MSG_MAX		(512u << 20)	/* one stored message */

struct backup_walk {
	FILE		*out;
	const char	*dir;
	long		 n_messages;
};

struct restore;

static int is_hex(const char *, size_t);
static int is_pack_name(const char *);
static int restore_file(struct restore *, const struct ustar_entry *,
    const char *);
static int restore_verify_packs(struct restore *);
static int write_each(struct backup_walk *, const char *,
    int (*)(const char *),
    int (*)(struct backup_walk *, const char *, const char *, char *, size_t),
    char *, size_t);
static int manifest_parse(char *, struct district *, char *, size_t);
static int entry_check(const struct ustar_entry *, char *, size_t);
static int rm_entry(const char *, const struct stat *, int, struct FTW *);

static int
is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Is name messages/ab/<64 hex>.eml with ab the hash's first two digits? */
static int
is_message_name(const char *name)
{
	const char *h = name + 12;

	return strncmp(name, "messages/", 9) == 0 && is_hex(name + 9, 2) &&
	    name[11] == '/' && is_hex(h, MSGSTORE_HASH_LEN) &&
	    strcmp(h + MSGSTORE_HASH_LEN, ".eml") == 0 &&
	    strncmp(name + 9, h, 2) == 0;
}

/* Is name messages/packs/pack-<16 hex>.idx or .pack? */
static int
is_pack_name(const char *name)
{
	return strncmp(name, "messages/packs/", 15) == 0 &&
	    msgpack_name_kind(name + 15) != 0;
}

/* One pack: its index (checked, copied as read) then its bytes, which only
 * ever grow, so the copy holds everything the index names. */
static int
write_pack(struct backup_walk *w, const char *packs, const char *idx_name,
    char *err, size_t len)
{
	char *path = xasprintf("%s/%s", packs, idx_name), *data = NULL, *name;
	size_t n = 0;
	uint32_t count;
	const char *why;
	enum status st;
	int rc = -1;

	if ((st = spool_read_file(path, MSGPACK_IDX_MAX, &data, &n)) != ST_OK)
		snprintf(err, len, "cannot read %s (%s)", path, status_name(st));
	else if (msgpack_idx_check((unsigned char *)data, n, &count, &why))
		snprintf(err, len, "%s: %s", path, why);
	else {
		name = xasprintf("messages/packs/%s", idx_name);
		rc = ustar_write_mem(w->out, name, data, n);
		xfree(name);
		xfree(path);
		path = xasprintf("%s/%.*s.pack", packs,
		    (int)strlen(idx_name) - 4, idx_name);
		name = xasprintf("messages/packs/%.*s.pack",
		    (int)strlen(idx_name) - 4, idx_name);
		if (rc == 0)
			rc = ustar_write_path(w->out, name, path);
		if (rc == -1)
			snprintf(err, len, "cannot copy %s: %s", path,
			    strerror(errno));
		else
			w->n_messages += count;
		xfree(name);
	}
	xfree(data);
	xfree(path);
	return rc;
}

static int
write_subdir(struct backup_walk *w, const char *messages, const char *sub,
    char *err, size_t len)
{
	char *path = xasprintf("%s/%s", messages, sub), *name, *file;
	DIR *d = opendir(path);
	struct dirent *de;
	int rc = 0;

	while (d && rc == 0 && (de = readdir(d)) != NULL) {
		name = xasprintf("messages/%s/%s", sub, de->d_name);
		if (is_message_name(name)) {	/* spool temp names are skipped */
			file = xasprintf("%s/%s", path, de->d_name);
			if ((rc = ustar_write_path(w->out, name, file)) == -1)
				snprintf(err, len, "cannot copy %s: %s", file,
				    strerror(errno));
			else
				w->n_messages++;
			xfree(file);
		}
		xfree(name);
	}
	if (d)
		closedir(d);
	xfree(path);
	return rc;
}

static int
is_hex_subdir(const char *name)
{
	return strlen(name) == 2 && is_hex(name, 2);
}

/* An index's name (a pack without one is an import still writing its
 * first batch, or one that failed: nothing names it). */
static int
is_idx(const char *name)
{
	return msgpack_name_kind(name) == 'i';
}

/* fn(w, dir, name) for every entry of w->dir/rel that match accepts; a
 * missing directory has none. */
static int
write_each(struct backup_walk *w, const char *rel, int (*match)(const char *),
    int (*fn)(struct backup_walk *, const char *, const char *, char *, size_t),
    char *err, size_t len)
{
	char *path = xasprintf("%s/%s", w->dir, rel);
	DIR *d = opendir(path);
	struct dirent *de;
	int rc = 0;

	if (d == NULL && errno != ENOENT) {
		snprintf(err, len, "cannot read %s: %s", path, strerror(errno));
		rc = -1;
	}
	while (d && rc == 0 && (de = readdir(d)) != NULL)
		if (match(de->d_name))
			rc = fn(w, path, de->d_name, err, len);
	if (d)
		closedir(d);
	xfree(path);
	return rc;
}

/* Write the archive to tmp; the caller renames it into place. */
static int
backup_write(struct ctl *c, const struct district *d, struct store *ds,
    const char *tmp, struct backup_walk *w, char *err, size_t len)
{
	char *db = xasprintf("%s.db", tmp), *man;
	enum status st;
	int rc = -1;

	if ((st = store_backup_copy(ds, db, err, len)) != ST_OK)
		goto out;
	man = xasprintf(BACKUP_FORMAT "\nslug %s\ndomain %s\nname %s\n"
	    "students_email %d\n", d->slug, d->domain, d->name,
	    d->students_have_email);
	w->dir = store_dir(ds);
	if ((w->out = fopen(tmp, "wbx")) == NULL)
		snprintf(err, len, "cannot create %s: %s", tmp, strerror(errno));
	else if (ustar_write_mem(w->out, BACKUP_MANIFEST, man, strlen(man)) ||
	    ustar_write_path(w->out, "district.db", db))
		snprintf(err, len, "cannot write %s: %s", tmp, strerror(errno));
	else if (write_each(w, "messages", is_hex_subdir, write_subdir, err,
	    len) == 0 && write_each(w, "messages/packs", is_idx, write_pack,
	    err, len) == 0) {
		if (ustar_write_end(w->out) || fflush(w->out) ||
		    fsync(fileno(w->out)))
			snprintf(err, len, "cannot write %s: %s", tmp,
			    strerror(errno));
		else
			rc = 0;
	}
	xfree(man);
	(void)c;
out:
	if (w->out && fclose(w->out) != 0 && rc == 0) {
		snprintf(err, len, "cannot write %s: %s", tmp, strerror(errno));
		rc = -1;
	}
	w->out = NULL;
	(void)unlink(db);
	xfree(db);
	return rc;
}

int
ctl_backup_district(struct ctl *c)
{
	const char *file = c->pos[1];
	struct backup_walk w = { NULL, NULL, 0 };
	struct district d;
	struct store *ds;
	char err[600] = "", *tmp = xasprintf("%s.tmp", file);
	int rc;

	if ((rc = ctl_open_district(c, c->pos[0], &d, &ds)) != 0)
		goto out;
	(void)unlink(tmp);	/* debris of an earlier, killed backup */
	if (backup_write(c, &d, ds, tmp, &w, err, sizeof(err)) == -1) {
		(void)unlink(tmp);
		rc = ctl_fail(c, ST_TEMP, "%s", err);
	} else if (rename(tmp, file) == -1) {
		(void)unlink(tmp);
		rc = ctl_fail(c, ST_TEMP, "cannot rename %s: %s", tmp,
		    strerror(errno));
	} else if (c->json) {
		struct json j;

		ctl_json_begin(&j, 1 << 12);
		json_obj_begin(&j);
		json_kv_str(&j, "district", d.slug);
		json_kv_str(&j, "file", file);
		json_kv_int(&j, "messages", w.n_messages);
		json_obj_end(&j);
		rc = ctl_json_end(&j);
	} else
		printf("district %s backed up to %s: district.db and %ld "
		    "messages\n", d.slug, file, w.n_messages);
	store_close(ds);
out:
	xfree(tmp);
	return rc;
}

/* ---- restore ---- */

struct restore {
	struct ctl	*c;
	FILE		*in;
	struct district	 d;
	char		*stage;
	int		 has_db;
	long		 n_messages;
	char		 err[600];
};

/* "key value" lines after the format line into d. -1 with a reason. */
static int
manifest_parse(char *text, struct district *d, char *err, size_t len)
{
	char *line, *next, probe[ADDR_MAX + 1], norm[ADDR_MAX + 1];
	const char *reason;
	int n_keys = 0;

	memset(d, 0, sizeof(*d));
	if (strncmp(text, BACKUP_FORMAT "\n", strlen(BACKUP_FORMAT) + 1) != 0) {
		snprintf(err, len, "not a listd district backup (first line)");
		return -1;
	}
	for (line = text + strlen(BACKUP_FORMAT) + 1; *line; line = next) {
		char *sp = strchr(line, ' ');

		if ((next = strchr(line, '\n')) == NULL || sp == NULL || sp > next)
			break;
		*next++ = '\0';
		*sp++ = '\0';
		if (!strcmp(line, "slug") && model_slug_valid(sp))
			n_keys += snprintf(d->slug, sizeof(d->slug), "%s", sp) > 0;
		else if (!strcmp(line, "domain"))
			n_keys += snprintf(d->domain, sizeof(d->domain), "%s", sp) > 0;
		else if (!strcmp(line, "name") && model_text_valid(sp, NAME_MAX_LEN, 0))
			n_keys += snprintf(d->name, sizeof(d->name), "%s", sp) > 0;
		else if (!strcmp(line, "students_email"))
			d->students_have_email = !strcmp(sp, "1");
	}
	snprintf(probe, sizeof(probe), "postmaster@%s", d->domain);
	if (*line || n_keys != 3 || addr_normalize(probe, norm, sizeof(norm),
	    &reason) == -1) {
		snprintf(err, len, "the manifest is malformed (slug, domain and "
		    "name must each be valid)");
		return -1;
	}
	return 0;
}

/* Only regular files under the names a backup writes are accepted. */
static int
entry_check(const struct ustar_entry *e, char *err, size_t len)
{
	if (e->name[0] == '/')
		snprintf(err, len, "refused: absolute path \"%s\"", e->name);
	else if (strstr(e->name, "..") != NULL)
		snprintf(err, len, "refused: path traversal \"%s\"", e->name);
	else if (e->type != '0')
		snprintf(err, len, "refused: \"%s\" is not a regular file (%s)",
		    e->name, e->type == '2' ? "symbolic link" : e->type == '1' ?
		    "hard link" : e->type == '5' ? "directory" : "special");
	else if (strcmp(e->name, "district.db") != 0 &&
	    !is_message_name(e->name) && !is_pack_name(e->name))
		snprintf(err, len, "refused: unexpected entry \"%s\"", e->name);
	else if (is_pack_name(e->name) && e->size > MSGPACK_IDX_MAX &&
	    msgpack_name_kind(e->name + 15) == 'i')
		snprintf(err, len, "refused: \"%s\" is over %zu bytes", e->name,
		    MSGPACK_IDX_MAX);
	else if (e->size > BACKUP_MSG_MAX && is_message_name(e->name))
		snprintf(err, len, "refused: \"%s\" is over %u bytes", e->name,
		    BACKUP_MSG_MAX);
	else
		return 0;
	return -1;
}

/* Read an entry of at most max bytes into memory. Caller frees *data. */
static int
read_entry(struct restore *r, const struct ustar_entry *e, size_t max,
    char **data)
{
	FILE *mem;
	int rc;

	*data = NULL;
	if (e->size > max) {
		snprintf(r->err, sizeof(r->err), "refused: \"%s\" is too large",
		    e->name);
		return -1;
	}
	*data = xmalloc((size_t)e->size + 1);
	if ((mem = fmemopen(*data, (size_t)e->size + 1, "w")) == NULL) {
		snprintf(r->err, sizeof(r->err), "fmemopen: %s", strerror(errno));
		return -1;
	}
	rc = ustar_copy(r->in, e, mem, r->err, sizeof(r->err));
	fclose(mem);
	(*data)[e->size] = '\0';
	return rc;
}

static int
restore_message(struct restore *r, const struct ustar_entry *e)
{
	char *data, hash[MSGSTORE_HASH_LEN + 1];
	enum status st;
	int rc = -1;

	if (read_entry(r, e, BACKUP_MSG_MAX, &data) == -1)
		goto out;
	msgstore_hash(data, (size_t)e->size, hash);
	if (strncmp(hash, e->name + 12, MSGSTORE_HASH_LEN) != 0) {
		snprintf(r->err, sizeof(r->err), "refused: \"%s\" does not hold "
		    "the message its name promises (damaged)", e->name);
		goto out;
	}
	if ((st = msgstore_put(r->stage, data, (size_t)e->size, hash)) != ST_OK) {
		snprintf(r->err, sizeof(r->err), "cannot store %s (%s)", e->name,
		    status_name(st));
		goto out;
	}
	r->n_messages++;
	rc = 0;
out:
	xfree(data);
	return rc;
}

/* Stream an entry to stage/rel (which must not exist yet), fsync'ed. */
static int
restore_file(struct restore *r, const struct ustar_entry *e, const char *rel)
{
	char *path = xasprintf("%s/%s", r->stage, rel), *dir;
	FILE *out = NULL;
	int rc = -1;

	dir = xstrndup(path, (size_t)(strrchr(path, '/') - path));
	if (spool_mkdirs(dir) == -1 || (out = fopen(path, "wbx")) == NULL) {
		snprintf(r->err, sizeof(r->err), errno == EEXIST ?
		    "refused: \"%s\" twice" : "cannot create %s: %s", errno ==
		    EEXIST ? rel : path, strerror(errno));
		goto out;
	}
	if (ustar_copy(r->in, e, out, r->err, sizeof(r->err)) == 0) {
		if (fflush(out) || fsync(fileno(out)))
			snprintf(r->err, sizeof(r->err), "cannot write %s: %s",
			    path, strerror(errno));
		else
			rc = 0;
	}
out:
	if (out && fclose(out) != 0)
		rc = -1;
	xfree(dir);
	xfree(path);
	return rc;
}

/* Every restored pack is complete: its index checks out and each message
 * in it has its hash; no pack comes without its index. */
static int
restore_verify_packs(struct restore *r)
{
	char *packs = xasprintf("%s/messages/packs", r->stage), *idx;
	DIR *d = opendir(packs);
	struct dirent *de;
	struct stat sb;
	long n;
	int rc = 0;

	while (d && rc == 0 && (de = readdir(d)) != NULL) {
		if (msgpack_name_kind(de->d_name) == 'i') {
			if ((n = msgpack_check(packs, de->d_name, 1, r->err,
			    sizeof(r->err))) == -1)
				rc = -1;
			else
				r->n_messages += n;
			continue;
		}
		if (msgpack_name_kind(de->d_name) != 'p')
			continue;
		idx = xasprintf("%s/%.*s.idx", packs,
		    (int)strlen(de->d_name) - 5, de->d_name);
		if (stat(idx, &sb) == -1) {
			snprintf(r->err, sizeof(r->err), "refused: messages/"
			    "packs/%s comes without its index", de->d_name);
			rc = -1;
		}
		xfree(idx);
	}
	if (d)
		closedir(d);
	xfree(packs);
	return rc;
}

/* Read the manifest (the first entry) into r->d. */
static int
restore_manifest(struct restore *r)
{
	struct ustar_entry e;
	char *text = NULL;
	int rc = -1;

	if (ustar_next(r->in, &e, r->err, sizeof(r->err)) != 1) {
		if (!r->err[0])
			snprintf(r->err, sizeof(r->err), "empty archive");
	} else if (strcmp(e.name, BACKUP_MANIFEST) != 0 || e.type != '0')
		snprintf(r->err, sizeof(r->err), "not a listd district backup "
		    "(first entry is \"%s\", not " BACKUP_MANIFEST ")", e.name);
	else if (read_entry(r, &e, BACKUP_MANIFEST_MAX, &text) == 0)
		rc = manifest_parse(text, &r->d, r->err, sizeof(r->err));
	xfree(text);
	return rc;
}

/* Every entry after the manifest into the staging directory. */
static int
restore_entries(struct restore *r)
{
	struct ustar_entry e;
	int n;

	while ((n = ustar_next(r->in, &e, r->err, sizeof(r->err))) == 1) {
		if (entry_check(&e, r->err, sizeof(r->err)) == -1)
			return -1;
		if (strcmp(e.name, "district.db") == 0 && r->has_db++) {
			snprintf(r->err, sizeof(r->err), "refused: two "
			    "district.db");
			return -1;
		}
		if (strcmp(e.name, "district.db") == 0 || is_pack_name(e.name) ?
		    restore_file(r, &e, e.name) : restore_message(r, &e))
			return -1;
	}
	if (n == -1 || restore_verify_packs(r) == -1)
		return -1;
	if (!r->has_db) {
		snprintf(r->err, sizeof(r->err), "refused: no district.db");
		return -1;
	}
	return 0;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)f;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* Refuse before writing anything when the district is here already. */
static int
restore_refuse_existing(struct restore *r, struct store *site)
{
	struct district other;
	struct stat sb;
	char *dir = store_district_path(r->c->home, r->d.slug);
	int rc = 0;

	if (store_district_get(site, r->d.slug, &other) == ST_OK ||
	    store_district_by_domain(site, r->d.domain, &other) == ST_OK ||
	    stat(dir, &sb) == 0) {
		rc = ctl_fail(r->c, ST_EXISTS, "district %s (%s) exists here "
		    "already; remove it first", r->d.slug, r->d.domain);
	}
	xfree(dir);
	return rc;
}

/* Checked staging directory -> districts/<slug> and a site.db row. */
static int
restore_place(struct restore *r, struct store *site)
{
	char *dir = store_district_path(r->c->home, r->d.slug), *db;
	struct store *ds = NULL;
	enum status st;
	int rc = 0;

	db = xasprintf("%s/district.db", r->stage);
	st = store_backup_check(db, r->err, sizeof(r->err));
	xfree(db);
	if (st != ST_OK) {
		rc = ctl_fail(r->c, st, "%s", r->err);
		goto out;
	}
	if ((st = store_district_add(site, &r->d)) != ST_OK) {
		rc = ctl_fail(r->c, st, "cannot add district %s (%s)", r->d.slug,
		    status_name(st));
		goto out;
	}
	if (rename(r->stage, dir) == -1) {
		rc = ctl_fail(r->c, ST_TEMP, "cannot move %s to %s: %s",
		    r->stage, dir, strerror(errno));
		store_district_remove(site, r->d.slug);
		goto out;
	}
	/* Applies migrations when the backup came from an older listd. */
	if ((st = store_district_open(r->c->home, r->d.slug, 0, &ds)) != ST_OK)
		rc = ctl_fail(r->c, st, "restored %s, but cannot open it (%s)",
		    r->d.slug, status_name(st));
	store_close(ds);
out:
	xfree(dir);
	return rc;
}

static int
restore_report(struct restore *r, const char *file)
{
	struct json j;

	ctl_audit(r->c, r->d.slug, "district.restore", "file=%s messages=%ld",
	    file, r->n_messages);
	(void)ctl_mta_refresh(r->c);
	if (!r->c->json) {
		printf("district %s (%s) restored from %s: %ld messages; run "
		    "listctl archive rebuild for its pages\n", r->d.slug,
		    r->d.domain, file, r->n_messages);
		return 0;
	}
	ctl_json_begin(&j, 1 << 12);
	json_obj_begin(&j);
	json_kv_str(&j, "district", r->d.slug);
	json_kv_str(&j, "domain", r->d.domain);
	json_kv_int(&j, "messages", r->n_messages);
	json_obj_end(&j);
	return ctl_json_end(&j);
}

int
ctl_backup_restore(struct ctl *c)
{
	const char *file = c->pos[0];
	struct restore r;
	struct store *site;
	int rc;

	memset(&r, 0, sizeof(r));
	r.c = c;
	if ((r.in = fopen(file, "rb")) == NULL)
		return ctl_fail(c, errno == ENOENT ? ST_NOTFOUND : ST_TEMP,
		    "cannot open %s: %s", file, strerror(errno));
	if ((site = ctl_site(c)) == NULL) {
		rc = status_exit(ST_TEMP);
		goto out;
	}
	if (restore_manifest(&r) == -1) {
		rc = ctl_fail(c, ST_DATA, "%s: %s", file, r.err);
		goto out;
	}
	if ((rc = restore_refuse_existing(&r, site)) != 0)
		goto out;
	r.stage = xasprintf("%s/districts/.restore-%s-%ld", c->home, r.d.slug,
	    (long)getpid());
	(void)nftw(r.stage, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (spool_mkdirs(r.stage) == -1) {
		rc = ctl_fail(c, ST_TEMP, "cannot create %s: %s", r.stage,
		    strerror(errno));
		goto out;
	}
	if (restore_entries(&r) == -1)
		rc = ctl_fail(c, ST_DATA, "%s: %s; nothing restored", file, r.err);
	else if ((rc = restore_place(&r, site)) == 0)
		rc = restore_report(&r, file);
out:
	if (r.stage)
		(void)nftw(r.stage, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	xfree(r.stage);
	fclose(r.in);
	return rc;
}
