/* mta_maps.c - build the Postfix maps from every district and list, and
 * install each atomically (see mta_maps.h). It does not talk to Postfix;
 * Postfix notices the changed .db files. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/listaddr.h"
#include "core/log.h"
#include "core/mta_maps.h"
#include "core/spool.h"
#include "core/store_list.h"
#include "core/store_site.h"
#include "core/xmem.h"

#define MTA_MAP_MAX	(256u << 20)	/* 256 MB of map text at most */

enum { MAP_TRANSPORT, MAP_DOMAINS, MAP_RECIPIENTS, MAP__COUNT };

static const char *const map_names[MAP__COUNT] = {
	"listd_transport", "listd_domains", "listd_recipients",
};

/* The maps being built, and the first error met. */
struct mta_maps {
	const char	*home;
	const struct district *d;
	struct buf	 map[MAP__COUNT];
	struct mta_maps_result *res;
	enum status	 st;
};

static void	maps_fail(struct mta_maps *m, enum status st, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));
static int	key_safe(const char *s);
static int	add_list(const struct list *l, void *ctx);
static int	add_district(const struct district *d, void *ctx);
static enum status maps_build(struct mta_maps *m);
static enum status map_install(const char *dir, const char *name,
		    const char *postmap, const struct buf *b, char *err,
		    size_t err_len);
static int	run_postmap(const char *postmap, const char *path, char *err,
		    size_t err_len);

/* Record the first error: its status and message. */
static void
maps_fail(struct mta_maps *m, enum status st, const char *fmt, ...)
{
	va_list ap;

	if (m->st != ST_OK)
		return;
	m->st = st;
	va_start(ap, fmt);
	vsnprintf(m->res->err, sizeof(m->res->err), fmt, ap);
	va_end(ap);
}

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
			maps_fail(m, ST_DATA, "list \"%s\" of %s cannot be a "
			    "map key", l->name, m->d->slug);
			return 1;
		}
		buf_printf(&m->map[MAP_TRANSPORT], "%s %s\n", key,
		    m->res->transport);
		buf_printf(&m->map[MAP_RECIPIENTS], "%s OK\n", key);
	}
	m->res->n_lists++;
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
		maps_fail(m, ST_DATA, "district %s: domain \"%s\" cannot be a "
		    "map key", d->slug, d->domain);
		return 1;
	}
	if ((st = store_district_open(m->home, d->slug, 0, &ds)) != ST_OK) {
		maps_fail(m, st, "cannot open district %s (%s)", d->slug,
		    status_name(st));
		return 1;
	}
	buf_printf(&m->map[MAP_DOMAINS], "%s OK\n", d->domain);
	m->res->n_districts++;
	if ((st = store_list_each(ds, add_list, m)) != ST_OK)
		maps_fail(m, st, "cannot read the lists of %s (%s)", d->slug,
		    status_name(st));
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
maps_build(struct mta_maps *m)
{
	struct mta_maps_result *res = m->res;
	struct store *site = NULL;
	enum status st;

	for (int i = 0; i < MAP__COUNT; i++) {
		buf_init(&m->map[i], MTA_MAP_MAX);
		buf_printf(&m->map[i], "# %s - written by listd; do not edit\n",
		    map_names[i]);
	}
	if ((st = store_site_open(m->home, &site)) != ST_OK) {
		snprintf(res->err, sizeof(res->err), "cannot open site.db (%s)",
		    status_name(st));
		return st;
	}
	st = store_district_each(site, add_district, m);
	store_close(site);
	if (m->st != ST_OK)
		return m->st;
	if (st != ST_OK) {
		snprintf(res->err, sizeof(res->err), "cannot read districts "
		    "(%s)", status_name(st));
		return st;
	}
	for (int i = 0; i < MAP__COUNT; i++)
		if (m->map[i].overflow) {
			snprintf(res->err, sizeof(res->err), "%s is over %u "
			    "bytes", map_names[i], MTA_MAP_MAX);
			return ST_TOOBIG;
		}
	return ST_OK;
}

/* Run "postmap hash:path" and wait for it. 0 when it exited 0. */
static int
run_postmap(const char *postmap, const char *path, char *err, size_t err_len)
{
	char *arg = xasprintf("hash:%s", path);
	pid_t pid, w;
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
	while ((w = waitpid(pid, &wstatus, 0)) == -1 && errno == EINTR)
		;
	if (w == -1)	/* never success: the status is unknown */
		snprintf(err, err_len, "%s: waitpid: %s", postmap,
		    strerror(errno));
	else if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
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

/* Open dir and take its lock (flock on the directory itself, so nothing
 * is left in it); -1 with errno. Unlocked by close(). */
static int
lock_dir(const char *dir)
{
	int fd, saved;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	while (flock(fd, LOCK_EX) == -1)
		if (errno != EINTR) {
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
	return fd;
}

static char *
maps_dir(const char *home, const char *dir)
{
	if (dir && *dir)
		return xstrdup(dir);
	if (cfg->mta_postfix_dir[0])
		return xstrdup(cfg->mta_postfix_dir);
	return xasprintf("%s/postfix", home);
}

enum status
mta_maps_write(const char *home, const char *dir, const char *postmap,
    struct mta_maps_result *res)
{
	struct mta_maps m;
	char *path = maps_dir(home, dir);
	enum status st = ST_OK;
	int lock = -1;

	memset(res, 0, sizeof(*res));
	memset(&m, 0, sizeof(m));
	m.home = home;
	m.res = res;
	snprintf(res->dir, sizeof(res->dir), "%s", path);
	if (transport_get(res->transport, sizeof(res->transport)) == -1) {
		snprintf(res->err, sizeof(res->err), "no usable transport: set "
		    "[mta] transport, or [lmtp] socket or listen");
		st = ST_CONFIG;
		goto out;
	}
	if (spool_mkdirs(path) == -1 || (lock = lock_dir(path)) == -1) {
		snprintf(res->err, sizeof(res->err), "cannot create or lock %s: "
		    "%s", path, strerror(errno));
		st = ST_TEMP;
		goto out;
	}
	if ((st = maps_build(&m)) != ST_OK)
		goto out;
	for (int i = 0; i < MAP__COUNT && st == ST_OK; i++)
		st = map_install(path, map_names[i], postmap, &m.map[i],
		    res->err, sizeof(res->err));
out:
	if (lock != -1)
		close(lock);
	for (int i = 0; i < MAP__COUNT; i++)
		buf_release(&m.map[i]);
	xfree(path);
	return st;
}

enum status
mta_maps_refresh(const char *home, struct mta_maps_result *res)
{
	struct mta_maps_result local;
	enum status st;

	if (res == NULL)
		res = &local;
	st = mta_maps_write(home, NULL, cfg->mta_postmap, res);
	if (st != ST_OK)
		log_warnx("mta maps not updated dir=%s st=%s error=\"%s\"",
		    res->dir, status_name(st), res->err);
	else
		log_info("mta maps written dir=%s districts=%d lists=%d",
		    res->dir, res->n_districts, res->n_lists);
	return st;
}
