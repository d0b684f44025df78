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
	const char	*type;		/* "csv", "sqlite" */
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
/* The settings one by one, in the order they were set: start with *pos
 * 0; key and value are copied (truncated to their lengths). key, or NULL
 * after the last. */
const char	*source_setting_next(const struct roster_source_conf *conf,
		    size_t *pos, char *key, size_t key_len, char *value,
		    size_t value_len);
/* Is key one whose value must never be shown (a password given inline)? */
int		source_setting_secret(const char *key);

extern const struct source_ops source_csv_ops;
extern const struct source_ops source_sqlite_ops;
extern const struct source_ops source_ldap_ops;

#endif
