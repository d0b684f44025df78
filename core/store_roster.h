/* store_roster.h - the roster generator's tables in district.db: the
 * directory source's configuration, rule and family definitions, which
 * lists the generator manages, admin exclusions, the link from each
 * generated member to its account's stable id, and the run log. Generated
 * members are ordinary member rows with source "directory"; the SQL that
 * writes them is in store_roster_member.c, the reader of an external SQLite
 * directory in store_roster_extdb.c. */
#ifndef LISTD_STORE_ROSTER_H
#define LISTD_STORE_ROSTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/model.h"
#include "core/status.h"
#include "core/store.h"

#define ROSTER_PATH_MAX		1024
#define ROSTER_QUERY_MAX	4000
#define ROSTER_SETTINGS_MAX	4000
#define ROSTER_EXPR_MAX		2000
#define ROSTER_INCLUDES_MAX	1000
#define ROSTER_ID_MAX		256
#define ROSTER_MESSAGE_MAX	1000

struct roster_source_conf {
	char	type[16];			/* "csv", "sqlite", "mysql" */
	char	path[ROSTER_PATH_MAX + 1];	/* file, or a network label */
	char	query[ROSTER_QUERY_MAX + 1];	/* sqlite and mysql */
	/* Further settings, one "key=value" per line (host, user,
	 * password-file, base, map-address, ...); see source_setting(). */
	char	settings[ROSTER_SETTINGS_MAX + 1];
	int	max_remove_percent;		/* guard; default 10 */
	int	max_errors;			/* bad rows tolerated */
	int	interval_hours;			/* expected sync interval */
	int64_t	updated;
};

/* Fill c with the defaults (guard 10 %, 10 errors, 26 hours). */
void		store_roster_source_defaults(struct roster_source_conf *c);
/* The district's source; ST_NOTFOUND when none is configured. */
enum status	store_roster_source_get(struct store *s,
		    struct roster_source_conf *out);
/* Create or replace the district's source (updated is set). */
enum status	store_roster_source_set(struct store *s,
		    struct roster_source_conf *c);

enum roster_def_kind { ROSTER_DEF_RULE, ROSTER_DEF_FAMILY };

/* A rule list (name is the list's local part) or a family (name is the
 * prefix: one list "<name>-<slug of value>" per value of attribute). */
struct roster_def {
	int64_t			id;
	char			name[LIST_NAME_MAX + 1];
	enum roster_def_kind	kind;
	char			expr[ROSTER_EXPR_MAX + 1];	/* "" = all */
	char			attribute[LIST_NAME_MAX + 1];	/* family */
	char			includes[ROSTER_INCLUDES_MAX + 1]; /* a,b */
	int64_t			created;
};

/* Add d (id and created set). ST_EXISTS when the name is taken. */
enum status	store_roster_def_add(struct store *s, struct roster_def *d);
/* ST_NOTFOUND when there is no definition of that name. */
enum status	store_roster_def_remove(struct store *s, const char *name);
/* Call fn for each definition in name order; non-zero from fn stops. */
enum status	store_roster_def_each(struct store *s,
		    int (*fn)(const struct roster_def *, void *), void *ctx);

/* A list the generator manages: which definition made it ("staff",
 * "students", "all-accounts", a rule name or a family prefix), the family
 * value, and whether it was retired (its value disappeared). */
struct roster_list {
	int64_t	list_id;
	char	list_name[LIST_NAME_MAX + 1];
	char	def_name[LIST_NAME_MAX + 1];
	char	value[NAME_MAX_LEN + 1];
	int	retired;
};

/* Mark a list as managed (insert or replace). */
enum status	store_roster_list_set(struct store *s,
		    const struct roster_list *rl);
/* Call fn for each managed list in name order. */
enum status	store_roster_list_each(struct store *s,
		    int (*fn)(const struct roster_list *, void *), void *ctx);

/* Exclusions: an admin keeps address off a generated list. */
enum status	store_roster_exclusion_add(struct store *s, int64_t list_id,
		    const char *address);
/* ST_NOTFOUND when the address was not excluded. */
enum status	store_roster_exclusion_remove(struct store *s, int64_t list_id,
		    const char *address);
/* Call fn for each excluded address of the list (list_id 0: every list,
 * with the list's name). */
enum status	store_roster_exclusion_each(struct store *s, int64_t list_id,
		    int (*fn)(const char *list, const char *address, void *),
		    void *ctx);

/* The record of one run of the generator in a district. */
struct roster_run {
	int64_t	id;
	int64_t	started;
	int64_t	finished;
	char	source[ROSTER_PATH_MAX + 1];
	int	dry_run;
	int	applied;
	int64_t	accounts;
	int64_t	adds, removes, renames;
	int	refused;		/* lists refused by the guard */
	int64_t	errors;			/* bad rows */
	char	message[ROSTER_MESSAGE_MAX + 1];
};

/* What a run did to one list. state: applied, unchanged, refused, retired,
 * error, not-applied. */
struct roster_run_list {
	char	list_name[LIST_NAME_MAX + 1];
	int64_t	wanted, adds, removes, renames;
	char	state[16];
};

/* Record a run (r->id is set) and its lists. */
enum status	store_roster_run_add(struct store *s, struct roster_run *r,
		    const struct roster_run_list *lists, size_t n);
/* The newest run (any, or with applied set when applied_only);
 * ST_NOTFOUND when there is none. */
enum status	store_roster_run_last(struct store *s, int applied_only,
		    struct roster_run *out);
/* Call fn for each list of run run_id, in name order. */
enum status	store_roster_run_list_each(struct store *s, int64_t run_id,
		    int (*fn)(const struct roster_run_list *, void *), void *ctx);

/* ---- generated members (store_roster_member.c) ---- */

/* A member row the generator made, with its account's stable id. */
struct roster_current {
	int64_t		 member_id;
	const char	*address;	/* borrowed for the callback only */
	const char	*name;
	const char	*account_id;
};

/* Call fn for every generated (source directory) member of the list. A
 * directory member without a link gets account_id "". */
enum status	store_roster_member_each(struct store *s, int64_t list_id,
		    int (*fn)(const struct roster_current *, void *), void *ctx);
/* Call fn with the address of every manual member of the list. */
enum status	store_roster_manual_each(struct store *s, int64_t list_id,
		    int (*fn)(const char *address, void *), void *ctx);
/* Add a generated member (regular delivery, role member, source directory)
 * linked to account_id. ST_EXISTS when the address is already a member. */
enum status	store_roster_member_add(struct store *s, int64_t list_id,
		    const char *address, const char *name,
		    const char *account_id);
/* Delete a generated member by id (its link goes with it). */
enum status	store_roster_member_remove(struct store *s, int64_t member_id);
/* Change a member's address and name in place: preferences stay. */
enum status	store_roster_member_rename(struct store *s, int64_t member_id,
		    const char *address, const char *name);
/* Point a member at another account id (and set its name). */
enum status	store_roster_member_relink(struct store *s, int64_t member_id,
		    const char *account_id, const char *name);

/* ---- an external SQLite directory (store_roster_extdb.c) ---- */

struct roster_extdb;

/* Open path read-only and prepare query, which must be one read-only
 * statement. ST_TEMP when the file cannot be opened, ST_DATA for a bad
 * query (message in err). Caller closes with store_roster_extdb_close(). */
enum status	store_roster_extdb_open(const char *path, const char *query,
		    struct roster_extdb **out, char *err, size_t err_len);
/* Number of result columns and the name of column i (borrowed). */
size_t		store_roster_extdb_columns(struct roster_extdb *x);
const char	*store_roster_extdb_column(struct roster_extdb *x, size_t i);
/* Step: 1 with the row's text values in vals (borrowed until the next call;
 * NULL becomes ""), 0 at the end, -1 on error (message in err). */
int		store_roster_extdb_next(struct roster_extdb *x,
		    const char **vals, char *err, size_t err_len);
void		store_roster_extdb_close(struct roster_extdb *x);

#endif
