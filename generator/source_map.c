/* source_map.c - the column map of a directory source: settings
 * "map-address=mail" and the like present a column of the source under the
 * name directory.c looks for, so a home-grown schema needs no view or
 * alias. The same map works for every source type; judging the columns is
 * still directory.c's job. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/xmem.h"
#include "generator/source.h"

#define MAP_PREFIX	"map-"

/* The names a column can be mapped to: those directory.c reads. */
static const char *const map_targets[] = {
	"address", "name", "role", "active", "id",
};

#define N_TARGETS (sizeof(map_targets) / sizeof(map_targets[0]))

struct map_check {
	char	*err;
	size_t	 err_len;
};

static int
is_target(const char *name)
{
	for (size_t i = 0; i < N_TARGETS; i++)
		if (strcmp(map_targets[i], name) == 0)
			return 1;
	return 0;
}

/* A map key must name a known target. Non-zero (and err) for a bad one. */
static int
check_key(const char *key, void *ctx)
{
	struct map_check *mc = ctx;

	if (strncmp(key, MAP_PREFIX, strlen(MAP_PREFIX)) != 0 ||
	    is_target(key + strlen(MAP_PREFIX)))
		return 0;
	snprintf(mc->err, mc->err_len, "setting %s: columns can be mapped to "
	    "address, name, role, active or id (map-address=COLUMN ...)", key);
	return 1;
}

enum status
source_map_check(const struct roster_source_conf *conf, char *err,
    size_t err_len)
{
	struct map_check mc = { err, err_len };
	char key[SOURCE_SETTING_KEY_MAX + 1], col[SOURCE_SETTING_KEY_MAX * 4];

	if (source_setting_each(conf, check_key, &mc) != 0)
		return ST_CONFIG;
	for (size_t i = 0; i < N_TARGETS; i++) {
		snprintf(key, sizeof(key), MAP_PREFIX "%s", map_targets[i]);
		if (source_setting(conf, key, col, sizeof(col)) != NULL &&
		    col[0] == '\0') {
			snprintf(err, err_len, "setting %s: a column name "
			    "expected", key);
			return ST_CONFIG;
		}
	}
	return ST_OK;
}

static int
find_column(const struct source *src, const char *name)
{
	for (size_t i = 0; i < src->n_columns; i++)
		if (strcasecmp(src->columns[i], name) == 0)
			return (int)i;
	return -1;
}

/* Rename the column named from (if the map has one) to target. */
static enum status
map_one(struct source *src, const char *target, const char *from,
    char *err, size_t err_len)
{
	int at = find_column(src, from), taken = find_column(src, target);

	if (at < 0) {
		snprintf(err, err_len, "%s: map-%s names the column \"%s\", "
		    "which the source does not have", src->label, target, from);
		return ST_DATA;
	}
	if (taken >= 0 && taken != at) {
		snprintf(err, err_len, "%s: map-%s=%s, but the source also has "
		    "a column \"%s\" (drop it from the query or unset the map)",
		    src->label, target, from, target);
		return ST_DATA;
	}
	xfree(src->columns[at]);
	src->columns[at] = xstrdup(target);
	return ST_OK;
}

enum status
source_map_apply(struct source *src, const struct roster_source_conf *conf,
    char *err, size_t err_len)
{
	char key[SOURCE_SETTING_KEY_MAX + 1], from[SOURCE_SETTING_KEY_MAX * 4];
	const char *v;
	enum status st;

	for (size_t i = 0; i < N_TARGETS; i++) {
		snprintf(key, sizeof(key), MAP_PREFIX "%s", map_targets[i]);
		if ((v = source_setting(conf, key, from, sizeof(from))) == NULL)
			continue;
		if ((st = map_one(src, map_targets[i], v, err, err_len)) !=
		    ST_OK)
			return st;
	}
	return ST_OK;
}
