/* ctl_source.c - listctl source set|show: where a district's account
 * directory comes from (a CSV export, an SQLite database and query, a
 * MySQL/MariaDB server and query, or an LDAP directory, the last two named
 * by their settings) and
 * the generator's limits for it (removal guard, bad rows, sync interval). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/store_roster.h"
#include "generator/source.h"
#include "listd/ctl.h"

static int source_set(struct ctl *);
static int source_show(struct ctl *);

const struct ctl_verb ctl_source_verbs[] = {
	{ "set", "type=,path=,query=,max-remove-percent=,max-errors=,"
	  "interval-hours=,setting=,unset=", 1, 1,
	  "set DISTRICT [--type csv|sqlite|mysql|ldap] [--path FILE] [--query SQL|FILTER] "
	  "[--setting KEY=VALUE]... [--unset KEY]... "
	  "[--max-remove-percent N] [--max-errors N] [--interval-hours N]",
	  "configure the district's directory source: a CSV export, an "
	  "SQLite database read with one SELECT, or a MySQL/MariaDB server "
	  "read with one SELECT (no --path: it is named by its settings "
	  "host, port or socket, user, password-file, database, tls=off|"
	  "required|verify, tls-ca, connect-timeout, query-timeout); "
	  "--setting KEY=VALUE sets one (repeat it; --unset KEY removes one), "
	  "map-address|name|role|active|id=COLUMN maps a column of any "
	  "source; an LDAP directory (no --path; --query the search filter, "
	  "default (mail=*)) has the settings uri (ldap:// or ldaps://), "
	  "base (required), scope sub|one, starttls yes|no, tls-ca FILE, "
	  "bind-dn DN, password-file FILE (mode 600), page-size N (default "
	  "500, 0 = no paging), timeout SECONDS (default 30), map-address "
	  "(mail), map-name (displayName, else cn), map-id (entryUUID; "
	  "objectGUID shown as a GUID), map-active, role-attr ATTR with "
	  "role-map.ROLE=v1,v2, role-group.ROLE=GROUP-DN (ROLE staff, student "
	  "or utility; by memberOf or the group's member list), role-default "
	  "ROLE, map.COLUMN=ATTR for more columns, and for web sign-in login "
	  "yes|no, login-filter (default (uid=%s)), login-base, "
	  "role-group.district-admin=DN, role-group.list-owner=DN; the guard "
	  "refuses a list when "
	  "a run would remove more than N% of it (default 10), a run with more "
	  "than --max-errors bad rows applies nothing (default 10), and status "
	  "reports the source overdue after --interval-hours (default 26)",
	  source_set },
	{ "show", "", 1, 1, "show DISTRICT", "show the district's source",
	  source_show },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

/* Parse option name as an integer in [lo, hi] into *out (kept when the
 * option is absent). 0 or an exit code. */
static int
int_opt(struct ctl *c, const char *name, long lo, long hi, int *out)
{
	const char *v = ctl_opt(c, name);
	char *end;
	long x;

	if (v == NULL)
		return 0;
	errno = 0;
	x = strtol(v, &end, 10);
	if (errno || end == v || *end || x < lo || x > hi)
		return ctl_fail(c, ST_USAGE, "--%s \"%s\": expected a whole "
		    "number from %ld to %ld", name, v, lo, hi);
	*out = (int)x;
	return 0;
}

/* An absolute path, so cron finds the file from any directory. */
static int
set_path(struct ctl *c, const char *v, struct roster_source_conf *conf)
{
	char cwd[PATH_MAX];

	if (v[0] == '\0' || !model_text_valid(v, ROSTER_PATH_MAX, 0))
		return ctl_fail(c, ST_USAGE, "--path: expected a file name of at "
		    "most %d bytes without control characters", ROSTER_PATH_MAX);
	if (v[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		snprintf(conf->path, sizeof(conf->path), "%s", v);
	else if ((size_t)snprintf(conf->path, sizeof(conf->path), "%s/%s",
	    cwd, v) >= sizeof(conf->path))
		return ctl_fail(c, ST_USAGE, "--path: too long");
	return 0;
}

/* --setting KEY=VALUE and --unset KEY, each repeatable. */
static int
apply_settings(struct ctl *c, struct roster_source_conf *conf)
{
	char key[SOURCE_SETTING_KEY_MAX + 2], err[256];
	const char *v, *eq;
	int i = 0;

	while ((v = ctl_opt_next(c, "setting", &i)) != NULL) {
		if ((eq = strchr(v, '=')) == NULL ||
		    (size_t)(eq - v) >= sizeof(key))
			return ctl_fail(c, ST_USAGE, "--setting \"%.64s\": "
			    "expected KEY=VALUE", v);
		memcpy(key, v, (size_t)(eq - v));
		key[eq - v] = '\0';
		if (source_setting_put(conf, key, eq + 1, err,
		    sizeof(err)) != ST_OK)
			return ctl_fail(c, ST_USAGE, "%s", err);
	}
	i = 0;
	while ((v = ctl_opt_next(c, "unset", &i)) != NULL)
		if (source_setting_put(conf, v, NULL, err, sizeof(err)) !=
		    ST_OK)
			return ctl_fail(c, ST_USAGE, "%s", err);
	return 0;
}

/* After the options: the settings checked, the path of a source named by
 * its settings derived from them, and what each type needs. */
static int
check_source(struct ctl *c, struct roster_source_conf *conf, int has_path)
{
	const struct source_ops *ops = source_type_ops(conf->type);
	char err[512];

	if (ops != NULL && ops->describe != NULL) {
		if (has_path)
			return ctl_fail(c, ST_USAGE, "--path: a %s source is "
			    "named by its settings (mysql: host, port or socket, "
			    "user, database; ldap: uri, base), not a path",
			    conf->type);
		ops->describe(conf, conf->path, sizeof(conf->path));
	}
	if (conf->type[0] == '\0' || conf->path[0] == '\0')
		return ctl_fail(c, ST_USAGE, "a new source needs --type and "
		    "--path");
	if (strcmp(conf->type, "csv") != 0 && strcmp(conf->type, "ldap") != 0 &&
	    conf->query[0] == '\0')
		return ctl_fail(c, ST_USAGE, "the %s source needs --query (one "
		    "SELECT returning address, role and other columns)",
		    conf->type);
	if (strcmp(conf->type, "csv") == 0)
		conf->query[0] = '\0';
	if (source_check(conf, err, sizeof(err)) != ST_OK)
		return ctl_fail(c, ST_USAGE, "%s", err);
	return 0;
}

static int
apply_options(struct ctl *c, struct roster_source_conf *conf)
{
	const char *type = ctl_opt(c, "type"), *path = ctl_opt(c, "path");
	const char *query = ctl_opt(c, "query");
	char names[128];
	int rc;

	if (type && !source_type_valid(type))
		return ctl_fail(c, ST_USAGE, "--type \"%s\": expected %s", type,
		    source_type_names(names, sizeof(names)));
	if (type)
		snprintf(conf->type, sizeof(conf->type), "%s", type);
	if (path && (rc = set_path(c, path, conf)) != 0)
		return rc;
	if (query && (strlen(query) > ROSTER_QUERY_MAX ||
	    !model_text_valid(query, ROSTER_QUERY_MAX, 1)))
		return ctl_fail(c, ST_USAGE, "--query: at most %d bytes of text",
		    ROSTER_QUERY_MAX);
	if (query)
		snprintf(conf->query, sizeof(conf->query), "%s", query);
	if ((rc = apply_settings(c, conf)) != 0 ||
	    (rc = check_source(c, conf, path != NULL)) != 0)
		return rc;
	if ((rc = int_opt(c, "max-remove-percent", 0, 100,
	    &conf->max_remove_percent)) != 0 ||
	    (rc = int_opt(c, "max-errors", 0, 1000000, &conf->max_errors)) != 0)
		return rc;
	return int_opt(c, "interval-hours", 1, 8760, &conf->interval_hours);
}

static int
source_set(struct ctl *c)
{
	struct roster_source_conf conf;
	struct district d;
	struct store *ds;
	enum status st;
	int rc;

	if ((rc = ctl_open_district(c, c->pos[0], &d, &ds)) != 0)
		return rc;
	st = store_roster_source_get(ds, &conf);
	if (st != ST_OK && st != ST_NOTFOUND) {
		rc = ctl_fail(c, st, "cannot read the source (%s)",
		    status_name(st));
		goto out;
	}
	if ((rc = apply_options(c, &conf)) != 0)
		goto out;
	if ((st = store_roster_source_set(ds, &conf)) != ST_OK) {
		rc = ctl_fail(c, st, "cannot store the source (%s)",
		    status_name(st));
		goto out;
	}
	ctl_audit(c, d.slug, "roster.source", "type=%s path=%s", conf.type,
	    conf.path);
	if (!c->json)
		printf("%s: source %s:%s\n", d.slug, conf.type, conf.path);
out:
	store_close(ds);
	return rc;
}

struct show_ctx {
	const struct roster_source_conf	*conf;
	struct json			*j;
};

static int
show_one(const char *key, void *ctx)
{
	struct show_ctx *sc = ctx;
	char value[1024];

	if (source_setting(sc->conf, key, value, sizeof(value)) == NULL)
		return 0;
	if (source_setting_secret(key))
		snprintf(value, sizeof(value), "(hidden)");
	if (sc->j != NULL)
		json_kv_str(sc->j, key, value);
	else
		printf("%s: %s\n", key, value);
	return 0;
}

/* Print each setting as "KEY: VALUE" (or into j), secrets hidden. */
static void
show_settings(const struct roster_source_conf *conf, struct json *j)
{
	struct show_ctx sc = { conf, j };

	(void)source_setting_each(conf, show_one, &sc);
}

static int
source_show(struct ctl *c)
{
	struct roster_source_conf conf;
	struct district d;
	struct store *ds;
	struct json j;
	enum status st;
	int rc;

	if ((rc = ctl_open_district(c, c->pos[0], &d, &ds)) != 0)
		return rc;
	st = store_roster_source_get(ds, &conf);
	store_close(ds);
	if (st != ST_OK)
		return ctl_fail(c, st, st == ST_NOTFOUND ? "%s has no source "
		    "(listctl source set %s --type csv --path FILE)" :
		    "cannot read the source of %s", d.slug, d.slug);
	if (!c->json) {
		printf("type: %s\npath: %s\n", conf.type, conf.path);
		if (conf.query[0])
			printf("query: %s\n", conf.query);
		printf("max-remove-percent: %d\nmax-errors: %d\n"
		    "interval-hours: %d\n", conf.max_remove_percent,
		    conf.max_errors, conf.interval_hours);
		show_settings(&conf, NULL);
		return 0;
	}
	ctl_json_begin(&j, 1 << 20);
	json_obj_begin(&j);
	json_kv_str(&j, "district", d.slug);
	json_kv_str(&j, "type", conf.type);
	json_kv_str(&j, "path", conf.path);
	json_kv_str(&j, "query", conf.query);
	json_kv_int(&j, "max_remove_percent", conf.max_remove_percent);
	json_kv_int(&j, "max_errors", conf.max_errors);
	json_kv_int(&j, "interval_hours", conf.interval_hours);
	json_key(&j, "settings");
	json_obj_begin(&j);
	show_settings(&conf, &j);
	json_obj_end(&j);
	json_obj_end(&j);
	return ctl_json_end(&j);
}
