/* ctl_mta.c - listctl mta postfix: write the maps Postfix needs to hand
 * every list address to listd over LMTP (listd_transport), to accept mail
 * for the districts' domains (listd_domains) and to refuse unknown
 * recipients at RCPT time (listd_recipients). Each map is replaced
 * atomically: written to a new name, postmap'd, then renamed into place.
 * It does not talk to Postfix; Postfix notices the changed .db files. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/listaddr.h"
#include "core/spool.h"
#include "core/store_list.h"
#include "core/store_site.h"
#include "core/xmem.h"
#include "listd/ctl_mta.h"

#define MTA_MAP_MAX	(256u << 20)	/* 256 MB of map text at most */

enum { MAP_TRANSPORT, MAP_DOMAINS, MAP_RECIPIENTS, MAP__COUNT };

static const char *const map_names[MAP__COUNT] = {
	"listd_transport", "listd_domains", "listd_recipients",
};

struct mta_maps {
	struct ctl	*c;
	char		 transport[CONFIG_STR_MAX + 16];
	const struct district *d;
	struct buf	 map[MAP__COUNT];
	int		 n_districts;
	int		 n_lists;
	enum status	 st;
	char		 err[512];
};

static int mta_postfix(struct ctl *);
static int key_safe(const char *);
static int add_list(const struct list *, void *);
static int add_district(const struct district *, void *);
static enum status maps_build(struct ctl *, struct mta_maps *);
static enum status map_install(const char *, const char *, const char *,
    const struct buf *, char *, size_t);
static int run_postmap(const char *, const char *, char *, size_t);

const struct ctl_verb ctl_mta_verbs[] = {
	{ "postfix", "dir=,postmap=", 0, 0, "postfix [--dir DIR] [--postmap PATH]",
	  "write listd_transport, listd_domains and listd_recipients for "
	  "Postfix (postmap'd when configured)", mta_postfix },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

/* Map keys and values must not break the "key value" line format. */
static int
key_safe(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '#' || *s == 0x7f)
			return 0;
	return 1;
}

static int
add_list(const struct list *l, void *ctx)
{
	struct mta_maps *m = ctx;

	for (int k = 0; k < LISTADDR__COUNT; k++) {
		char key[LIST_NAME_MAX + ADDR_DOMAIN_MAX + 32];

		snprintf(key, sizeof(key), "%s%s@%s", l->name,
		    listaddr_suffix((enum listaddr_kind)k), m->d->domain);
		if (!key_safe(key)) {
			snprintf(m->err, sizeof(m->err), "list \"%s\" of %s "
			    "cannot be a map key", l->name, m->d->slug);
			m->st = ST_DATA;
			return 1;
		}
		buf_printf(&m->map[MAP_TRANSPORT], "%s %s\n", key, m->transport);
		buf_printf(&m->map[MAP_RECIPIENTS], "%s OK\n", key);
	}
	m->n_lists++;
	return 0;
}

static int
add_district(const struct district *d, void *ctx)
{
	struct mta_maps *m = ctx;
	struct store *ds = NULL;
	enum status st;

	m->d = d;
	if (!key_safe(d->domain)) {
		snprintf(m->err, sizeof(m->err), "district %s: domain \"%s\" "
		    "cannot be a map key", d->slug, d->domain);
		m->st = ST_DATA;
		return 1;
	}
	if ((st = store_district_open(m->c->home, d->slug, 0, &ds)) != ST_OK) {
		snprintf(m->err, sizeof(m->err), "cannot open district %s (%s)",
		    d->slug, status_name(st));
		m->st = st;
		return 1;
	}
	buf_printf(&m->map[MAP_DOMAINS], "%s OK\n", d->domain);
	m->n_districts++;
	if ((st = store_list_each(ds, add_list, m)) != ST_OK && m->st == ST_OK) {
		snprintf(m->err, sizeof(m->err), "cannot read the lists of %s "
		    "(%s)", d->slug, status_name(st));
		m->st = st;
	}
	store_close(ds);
	return m->st != ST_OK;
}

/* The transport to listd: [mta] transport, else the LMTP socket, else the
 * LMTP TCP address. Written into tr (tr_len bytes). */
static int
transport_get(char *tr, size_t tr_len)
{
	if (cfg->mta_transport[0])
		snprintf(tr, tr_len, "%s", cfg->mta_transport);
	else if (cfg->lmtp_socket[0])
		snprintf(tr, tr_len, "lmtp:unix:%s", cfg->lmtp_socket);
	else if (cfg->lmtp_listen[0])
		snprintf(tr, tr_len, "lmtp:inet:%s", cfg->lmtp_listen);
	else
		return -1;
	return key_safe(tr) ? 0 : -1;
}

static enum status
maps_build(struct ctl *c, struct mta_maps *m)
{
	struct store *site;
	enum status st;

	for (int i = 0; i < MAP__COUNT; i++) {
		buf_init(&m->map[i], MTA_MAP_MAX);
		buf_printf(&m->map[i], "# %s - written by listctl mta postfix; "
		    "do not edit\n", map_names[i]);
	}
	if ((site = ctl_site(c)) == NULL) {
		snprintf(m->err, sizeof(m->err), "cannot open site.db");
		return ST_TEMP;
	}
	st = store_district_each(site, add_district, m);
	if (m->st != ST_OK)
		return m->st;
	if (st != ST_OK) {
		snprintf(m->err, sizeof(m->err), "cannot read districts (%s)",
		    status_name(st));
		return st;
	}
	for (int i = 0; i < MAP__COUNT; i++)
		if (m->map[i].overflow) {
			snprintf(m->err, sizeof(m->err), "%s is over %u bytes",
			    map_names[i], MTA_MAP_MAX);
			return ST_TOOBIG;
		}
	return ST_OK;
}

/* Run "postmap hash:path" and wait for it. 0 when it exited 0. */
static int
run_postmap(const char *postmap, const char *path, char *err, size_t err_len)
{
	char *arg = xasprintf("hash:%s", path);
	pid_t pid;
	int wstatus = 0, rc = -1;

	if ((pid = fork()) == -1) {
		snprintf(err, err_len, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		char *const argv[] = { (char *)postmap, arg, NULL };

		execv(postmap, argv);
		_exit(127);
	}
	while (waitpid(pid, &wstatus, 0) == -1 && errno == EINTR)
		;
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
		rc = 0;
	else
		snprintf(err, err_len, "%s %s failed (exit %d)", postmap, arg,
		    WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
out:
	xfree(arg);
	return rc;
}

/* Write dir/name atomically; with postmap, build name.db from the new text
 * first and move it into place before the text (Postfix reads the .db). */
static enum status
map_install(const char *dir, const char *name, const char *postmap,
    const struct buf *b, char *err, size_t err_len)
{
	char *tmp = xasprintf(".%s.new", name), *tmp_path = NULL;
	char *final = xasprintf("%s/%s", dir, name), *db_tmp = NULL, *db = NULL;
	enum status st;

	if ((st = spool_write_file(dir, tmp, b->data, b->len)) != ST_OK) {
		snprintf(err, err_len, "cannot write %s/%s (%s)", dir, tmp,
		    status_name(st));
		goto out;
	}
	tmp_path = xasprintf("%s/%s", dir, tmp);
	if (postmap && *postmap) {
		db_tmp = xasprintf("%s.db", tmp_path);
		db = xasprintf("%s.db", final);
		if (run_postmap(postmap, tmp_path, err, err_len) == -1 ||
		    rename(db_tmp, db) == -1) {
			if (!*err)
				snprintf(err, err_len, "rename %s: %s", db,
				    strerror(errno));
			(void)unlink(db_tmp);
			(void)unlink(tmp_path);
			st = ST_TEMP;
			goto out;
		}
	}
	if (rename(tmp_path, final) == -1) {
		snprintf(err, err_len, "rename %s: %s", final, strerror(errno));
		(void)unlink(tmp_path);
		st = ST_TEMP;
	}
out:
	xfree(tmp);
	xfree(tmp_path);
	xfree(final);
	xfree(db_tmp);
	xfree(db);
	return st;
}

/* Build and install every map. On failure err says why. */
static enum status
maps_write(struct ctl *c, const char *dir, const char *postmap,
    struct mta_maps *m)
{
	enum status st;

	memset(m, 0, sizeof(*m));
	m->c = c;
	if (transport_get(m->transport, sizeof(m->transport)) == -1) {
		snprintf(m->err, sizeof(m->err), "no usable transport: set [mta] "
		    "transport, or [lmtp] socket or listen");
		return ST_CONFIG;
	}
	if ((st = maps_build(c, m)) != ST_OK)
		return st;
	if (spool_mkdirs(dir) == -1) {
		snprintf(m->err, sizeof(m->err), "cannot create %s: %s", dir,
		    strerror(errno));
		return ST_TEMP;
	}
	for (int i = 0; i < MAP__COUNT && st == ST_OK; i++)
		st = map_install(dir, map_names[i], postmap, &m->map[i],
		    m->err, sizeof(m->err));
	return st;
}

static void
maps_release(struct mta_maps *m)
{
	for (int i = 0; i < MAP__COUNT; i++)
		buf_release(&m->map[i]);
}

static char *
maps_dir(struct ctl *c, const char *opt)
{
	if (opt && *opt)
		return xstrdup(opt);
	if (cfg->mta_postfix_dir[0])
		return xstrdup(cfg->mta_postfix_dir);
	return xasprintf("%s/postfix", c->home);
}

int
ctl_mta_refresh(struct ctl *c)
{
	struct mta_maps m;
	char *dir = maps_dir(c, NULL);
	enum status st;

	st = maps_write(c, dir, cfg->mta_postmap, &m);
	if (st != ST_OK)
		fprintf(stderr, "listctl: warning: Postfix maps in %s not "
		    "updated: %s (run listctl mta postfix)\n", dir, m.err);
	maps_release(&m);
	xfree(dir);
	return st == ST_OK ? 0 : -1;
}

static int
mta_postfix(struct ctl *c)
{
	const char *postmap = ctl_opt(c, "postmap");
	char *dir = maps_dir(c, ctl_opt(c, "dir"));
	struct mta_maps m;
	struct json j;
	enum status st;
	int rc = 0;

	st = maps_write(c, dir, postmap ? postmap : cfg->mta_postmap, &m);
	if (st != ST_OK) {
		rc = ctl_fail(c, st, "%s", m.err);
		goto out;
	}
	if (c->json) {
		ctl_json_begin(&j, 1 << 16);
		json_obj_begin(&j);
		json_kv_str(&j, "dir", dir);
		json_kv_str(&j, "transport", m.transport);
		json_kv_int(&j, "districts", m.n_districts);
		json_kv_int(&j, "lists", m.n_lists);
		json_obj_end(&j);
		rc = ctl_json_end(&j);
	} else
		printf("postfix maps written to %s: %d districts, %d lists, "
		    "transport %s\n", dir, m.n_districts, m.n_lists,
		    m.transport);
out:
	maps_release(&m);
	xfree(dir);
	return rc;
}
