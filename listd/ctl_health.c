/* ctl_health.c - listctl health: checks a monitoring system runs every few
 * minutes. A stuck queue (oldest pending batch older than --queue-age), an
 * unreachable relay (TCP connect to [delivery] relay within --timeout), a
 * stale directory source, an archive message pack that is damaged (its
 * index, or a pack shorter than its index says), and a nearly full disk
 * under the home. Prints one
 * line per problem (or "ok") and exits 0 when healthy, 75 otherwise. It only
 * reads: it never changes the queue or the stores. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/config.h"
#include "core/msgpack.h"
#include "core/store_health.h"
#include "core/store_site.h"
#include "core/xmem.h"
#include "generator/generator.h"
#include "listd/ctl_health.h"

#define HEALTH_MAX_PROBLEMS	256

struct problem {
	const char	*check;
	char		 district[SLUG_MAX + 1];
	char		 message[400];
};

struct health {
	struct ctl	*c;
	long		 queue_age;
	int		 disk_percent;
	int		 timeout_ms;
	int		 n_districts;
	int		 n;
	struct problem	 p[HEALTH_MAX_PROBLEMS];
};

static int health_run(struct ctl *);
static void problem_add(struct health *, const char *, const char *,
    const char *, ...) __attribute__((format(printf, 4, 5)));
static int check_district(const struct district *, void *);
static void check_packs(struct health *, const char *, const char *);
static void check_relay(struct health *);
static void check_disk(struct health *);
static int relay_connect(const char *, const char *, int, char *, size_t);

const struct ctl_verb ctl_health_verbs[] = {
	{ "", "queue-age=,disk-percent=,timeout=", 0, 0,
	  "[--queue-age 1h] [--disk-percent 10] [--timeout 2000]",
	  "check queue, relay, directory sources, archive packs and disk; one "
	  "line per problem; exit 0 healthy, 75 a problem", health_run },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

static void
problem_add(struct health *h, const char *check, const char *district,
    const char *fmt, ...)
{
	struct problem *p;
	va_list ap;

	if (h->n == HEALTH_MAX_PROBLEMS)
		return;
	p = &h->p[h->n++];
	p->check = check;
	snprintf(p->district, sizeof(p->district), "%s", district);
	va_start(ap, fmt);
	vsnprintf(p->message, sizeof(p->message), fmt, ap);
	va_end(ap);
}

/* Queue and directory source of one district. */
static int
check_district(const struct district *d, void *ctx)
{
	struct health *h = ctx;
	struct store *ds = NULL;
	int64_t oldest, n, last;
	int is_stale;
	enum status st;

	h->n_districts++;
	if ((st = store_district_open(h->c->home, d->slug, 0, &ds)) != ST_OK) {
		problem_add(h, "store", d->slug, "cannot open the store (%s)",
		    status_name(st));
		return 0;
	}
	if ((st = store_health_queue_oldest(ds, &oldest, &n)) != ST_OK)
		problem_add(h, "queue", d->slug, "cannot read the queue (%s)",
		    status_name(st));
	else if (n > 0 && store_now() - oldest > h->queue_age)
		problem_add(h, "queue", d->slug, "queue stuck: oldest of %lld "
		    "pending batches waits %llds (limit %lds)", (long long)n,
		    (long long)(store_now() - oldest), h->queue_age);
	st = generator_is_stale(ds, &is_stale, &last);
	if (st == ST_NOTFOUND)		/* no directory source: nothing to check */
		is_stale = 0;
	else if (st != ST_OK)
		problem_add(h, "roster", d->slug, "cannot read the directory "
		    "source (%s)", status_name(st));
	else if (is_stale)
		problem_add(h, "roster", d->slug, "directory source stale: %s",
		    last ? "no applied run within its interval" :
		    "never applied (listctl generate status)");
	check_packs(h, d->slug, store_dir(ds));
	store_close(ds);
	return 0;
}

/* Every message pack of a district, cheaply (no message re-hashed: a
 * restore does that). */
static void
check_packs(struct health *h, const char *slug, const char *district_dir)
{
	char *packs = xasprintf("%s/messages/packs", district_dir), err[512];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(packs)) == NULL) {
		if (errno != ENOENT)
			problem_add(h, "packs", slug, "cannot read %s: %s", packs,
			    strerror(errno));
		xfree(packs);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (msgpack_name_kind(de->d_name) == 'i' &&
		    msgpack_check(packs, de->d_name, 0, err, sizeof(err)) == -1)
			problem_add(h, "packs", slug, "archive pack damaged: %s",
			    err);
	closedir(d);
	xfree(packs);
}

/* Non-blocking connect with a deadline. 0 when connected. */
static int
connect_one(const struct addrinfo *ai, int timeout_ms)
{
	struct pollfd pfd;
	int fd, err = 0, rc = -1;
	socklen_t len = sizeof(err);

	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol)) == -1)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		rc = 0;
	else if (errno == EINPROGRESS) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, timeout_ms) == 1 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0) {
			errno = err;
			rc = err == 0 ? 0 : -1;
		} else if (errno == 0 || err == 0)
			errno = ETIMEDOUT;
	}
	err = errno;
	close(fd);
	errno = err;
	return rc;
}

static int
relay_connect(const char *host, const char *port, int timeout_ms, char *why,
    size_t why_len)
{
	struct addrinfo hints, *res = NULL, *ai;
	int rc = -1, gai;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((gai = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(why, why_len, "%s", gai_strerror(gai));
		return -1;
	}
	for (ai = res; ai && rc == -1; ai = ai->ai_next)
		rc = connect_one(ai, timeout_ms);
	if (rc == -1)
		snprintf(why, why_len, "%s", strerror(errno ? errno : ETIMEDOUT));
	freeaddrinfo(res);
	return rc;
}

static void
check_relay(struct health *h)
{
	char host[256], port_s[16], why[128];
	int port;

	if (config_hostport(cfg->relay, host, sizeof(host), &port) == -1) {
		problem_add(h, "relay", "", "relay \"%s\" is not host:port",
		    cfg->relay);
		return;
	}
	snprintf(port_s, sizeof(port_s), "%d", port);
	if (relay_connect(host, port_s, h->timeout_ms, why, sizeof(why)) == -1)
		problem_add(h, "relay", "", "relay %s unreachable: %s",
		    cfg->relay, why);
}

static void
check_disk(struct health *h)
{
	struct statvfs sv;
	double pct;

	if (statvfs(h->c->home, &sv) == -1) {
		problem_add(h, "disk", "", "cannot stat %s: %s", h->c->home,
		    strerror(errno));
		return;
	}
	if (sv.f_blocks == 0)
		return;
	pct = 100.0 * (double)sv.f_bavail / (double)sv.f_blocks;
	if (pct < h->disk_percent)
		problem_add(h, "disk", "", "disk nearly full: %.1f%% free under "
		    "%s (limit %d%%)", pct, h->c->home, h->disk_percent);
}

/* "90", "30m", "2h", "1d" -> seconds; -1 when malformed or over 30 days. */
static long
parse_age(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || n < 0 || n > 30L * 86400)
		return -1;
	switch (*end) {
	case '\0': case 's': break;
	case 'm': n *= 60; break;
	case 'h': n *= 3600; break;
	case 'd': n *= 86400; break;
	default: return -1;
	}
	return end[0] && end[1] ? -1 : (n > 30L * 86400 ? -1 : n);
}

static long
parse_int(const char *s, long min, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	return errno || end == s || *end || n < min || n > max ? -1 : n;
}

static int
parse_options(struct ctl *c, struct health *h)
{
	const char *v;

	h->queue_age = 3600;
	h->disk_percent = 10;
	h->timeout_ms = 2000;
	if ((v = ctl_opt(c, "queue-age")) && (h->queue_age = parse_age(v)) < 0)
		return ctl_fail(c, ST_USAGE, "--queue-age takes 90, 30m, 2h or "
		    "1d (at most 30 days), not \"%s\"", v);
	if ((v = ctl_opt(c, "disk-percent")) &&
	    (h->disk_percent = (int)parse_int(v, 0, 100)) < 0)
		return ctl_fail(c, ST_USAGE, "--disk-percent takes 0 to 100, "
		    "not \"%s\"", v);
	if ((v = ctl_opt(c, "timeout")) &&
	    (h->timeout_ms = (int)parse_int(v, 1, 60000)) < 0)
		return ctl_fail(c, ST_USAGE, "--timeout takes 1 to 60000 "
		    "milliseconds, not \"%s\"", v);
	return 0;
}

static int
health_print(struct health *h)
{
	struct json j;

	if (h->c->json) {
		ctl_json_begin(&j, 1 << 20);
		json_obj_begin(&j);
		json_kv_bool(&j, "ok", h->n == 0);
		json_kv_int(&j, "districts", h->n_districts);
		json_key(&j, "problems");
		json_arr_begin(&j);
		for (int i = 0; i < h->n; i++) {
			json_obj_begin(&j);
			json_kv_str(&j, "check", h->p[i].check);
			json_kv_str(&j, "district", h->p[i].district);
			json_kv_str(&j, "message", h->p[i].message);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_obj_end(&j);
		if (ctl_json_end(&j) != 0)
			return status_exit(ST_INTERNAL);
	} else if (h->n == 0)
		printf("ok: %d districts, relay %s reachable\n", h->n_districts,
		    cfg->relay);
	for (int i = 0; !h->c->json && i < h->n; i++)
		printf("%s: %s%s%s\n", h->p[i].check, h->p[i].district,
		    h->p[i].district[0] ? ": " : "", h->p[i].message);
	return h->n == 0 ? 0 : status_exit(ST_TEMP);
}

static int
health_run(struct ctl *c)
{
	struct health *h = xcalloc(1, sizeof(*h));
	struct store *site;
	enum status st;
	int rc;

	h->c = c;
	if ((rc = parse_options(c, h)) != 0)
		goto out;
	if ((site = ctl_site(c)) == NULL)
		problem_add(h, "store", "", "cannot open site.db under %s",
		    c->home);
	else if ((st = store_district_each(site, check_district, h)) != ST_OK)
		problem_add(h, "store", "", "cannot read districts (%s)",
		    status_name(st));
	check_relay(h);
	check_disk(h);
	rc = health_print(h);
out:
	xfree(h);
	return rc;
}
