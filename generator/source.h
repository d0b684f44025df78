/* source.h - where a district's account directory comes from. A source is
 * a small table of functions (open, next, close) so LDAP or MySQL can be
 * added as one more row in source.c. Every source yields a header (column
 * names) and then rows of text fields; judging the rows is directory.c's
 * job, not the source's. */
#ifndef LISTD_GENERATOR_SOURCE_H
#define LISTD_GENERATOR_SOURCE_H

#include <stddef.h>

#include "core/status.h"
#include "core/store_roster.h"

#define SOURCE_COLUMNS_MAX	256

struct source;

struct source_ops {
	const char	*type;		/* "csv", "sqlite", "mysql" */
	/* Open conf's source and read its column names into src->columns.
	 * ST_OK, or a status with a message in err (ST_TEMP: unreadable,
	 * ST_DATA: no header or a bad query). */
	enum status	(*open)(struct source *src,
			    const struct roster_source_conf *conf,
			    char *err, size_t err_len);
	/* Next row: 1 with src->fields[0..src->n_fields) (borrowed until the
	 * next call) and src->line set; 0 at the end; -1 for a bad row with
	 * src->line and *reason set (reading goes on with the next row);
	 * -2 when reading failed and cannot go on (*reason set). */
	int		(*next)(struct source *src, const char **reason);
	void		(*close)(struct source *src);
	/* Optional. Check conf's settings without opening anything: ST_OK,
	 * or ST_CONFIG with a message naming the setting in err. */
	enum status	(*check)(const struct roster_source_conf *conf,
			    char *err, size_t err_len);
	/* Optional, for sources named by their settings rather than a path
	 * (network sources): write a label such as "mysql://user@host/db"
	 * into buf; it is stored as the source's path and never holds a
	 * secret. */
	void		(*describe)(const struct roster_source_conf *conf,
			    char *buf, size_t len);
};

struct source {
	const struct source_ops	*ops;
	void			*state;
	char			 label[512];	/* file name for messages */
	size_t			 n_columns;
	char			*columns[SOURCE_COLUMNS_MAX];
	size_t			 line;		/* line or row of the last row */
	size_t			 n_fields;
	const char		*const *fields;
};

/* Open the source conf describes. On success *out is set (caller closes
 * with source_close()); otherwise a status and a message in err. An
 * unknown type is ST_CONFIG. */
enum status	source_open(const struct roster_source_conf *conf,
		    struct source **out, char *err, size_t err_len);
/* See source_ops.next. */
int		source_next(struct source *src, const char **reason);
/* source_close(NULL) does nothing. */
void		source_close(struct source *src);
/* A column name trimmed of white space, for src->columns. Caller frees
 * with xfree(). */
char		*source_column_dup(const char *name);
/* Is type a known source type? */
int		source_type_valid(const char *type);
/* The known types for messages, "csv, sqlite or mysql", written into buf
 * (128 bytes is enough); returns buf. */
const char	*source_type_names(char *buf, size_t len);
/* The ops of type, or NULL when the type is unknown. */
const struct source_ops *source_type_ops(const char *type);
/* Check conf before it is stored: the type's own settings (see
 * source_ops.check) and the column map. ST_OK, or ST_CONFIG with a
 * message in err. */
enum status	source_check(const struct roster_source_conf *conf,
		    char *err, size_t err_len);

/* Column map: setting "map-address=mail" presents the source's column
 * "mail" as "address" (likewise map-name, map-role, map-active, map-id),
 * so a home-grown schema needs no view. Applied by source_open() to every
 * source type. ST_OK, or ST_CONFIG for a bad map key. */
enum status	source_map_check(const struct roster_source_conf *conf,
		    char *err, size_t err_len);
/* Rename src's columns as conf's map says. ST_OK, or ST_DATA when a mapped
 * column is missing or its new name is taken by another column. */
enum status	source_map_apply(struct source *src,
		    const struct roster_source_conf *conf, char *err,
		    size_t err_len);

#define SOURCE_SETTING_KEY_MAX	64

/* Setting key of conf (see roster_source_conf.settings) copied into buf
 * (truncated to len); buf, or NULL when the key is not set. */
const char	*source_setting(const struct roster_source_conf *conf,
		    const char *key, char *buf, size_t len);
/* Set key to value, or remove it when value is NULL. ST_USAGE with a
 * message in err for a bad key, a value with control characters, or
 * settings grown past their bound. */
enum status	source_setting_put(struct roster_source_conf *conf,
		    const char *key, const char *value, char *err,
		    size_t err_len);
/* Is key one whose value must never be shown (a password given inline)? */
int		source_setting_secret(const char *key);
/* Call fn with each setting's key (in stored order) until fn returns
 * non-zero; returns that value, or 0. */
int		source_setting_each(const struct roster_source_conf *conf,
		    int (*fn)(const char *key, void *ctx), void *ctx);
#define SOURCE_PASSWORD_MAX	1024
/* The password for a network source: the first line of the file named by
 * setting "password-file" (refused unless only its owner may read it, as
 * ssh does), else the inline setting "password". 1 with the password in
 * buf (the caller wipes buf with explicit_bzero() after use), 0 when
 * neither is set, -1 with a message in err that never holds the
 * password. */
int		source_password(const struct roster_source_conf *conf,
		    char *buf, size_t len, char *err, size_t err_len);
/* The password settings without reading the file: at most one of
 * password and password-file, the file named by an absolute path. 0, or
 * -1 with a message in err. */
int		source_password_check(const struct roster_source_conf *conf,
		    char *err, size_t err_len);
/* Setting key as a whole number in [lo, hi] into *out (def when unset).
 * 0, or -1 with a message naming the setting in err. */
int		source_setting_uint(const struct roster_source_conf *conf,
		    const char *key, unsigned lo, unsigned hi, unsigned def,
		    unsigned *out, char *err, size_t err_len);

extern const struct source_ops source_csv_ops;
extern const struct source_ops source_sqlite_ops;
extern const struct source_ops source_mysql_ops;
extern const struct source_ops source_ldap_ops;

#endif
