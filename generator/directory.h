/* directory.h - a district's accounts read from its source and judged row
 * by row: each good row becomes an account, each bad row (bad quoting,
 * invalid address, duplicate address or id, unknown role, wrong encoding)
 * an error naming the file and line. Held in memory for one run. */
#ifndef LISTD_GENERATOR_DIRECTORY_H
#define LISTD_GENERATOR_DIRECTORY_H

#include <stddef.h>

#include <glib.h>

#include "core/status.h"
#include "core/store_roster.h"
#include "generator/source.h"

#define DIRECTORY_ERRORS_KEPT	100	/* messages kept; all are counted */
#define DIRECTORY_ROWS_MAX	2000000

enum account_role { ACCOUNT_STAFF, ACCOUNT_STUDENT, ACCOUNT_UTILITY };

struct account {
	const char	 *id;		/* stable id ("id" column, else address) */
	const char	 *address;	/* normalised */
	const char	 *key;		/* address lower-cased */
	const char	 *name;
	enum account_role role;
	int		  is_active;
	const char	**values;	/* one per column, trimmed */
};

struct directory {
	char		 label[512];
	size_t		 n_columns;
	char		*columns[SOURCE_COLUMNS_MAX];
	struct account	*accounts;
	size_t		 n_accounts;
	size_t		 cap;
	size_t		 n_errors;
	char		*errors[DIRECTORY_ERRORS_KEPT];	/* "file:line: ..." */
	GStringChunk	*chunk;
	GHashTable	*by_key;	/* address key -> line */
	GHashTable	*by_id;		/* id -> line */
};

/* Read every row of conf's source. ST_OK with *out set even when rows were
 * bad (see n_errors); otherwise the source could not be read at all (no
 * file, no header, no address or role column, a read error), nothing is
 * returned and err says why. Caller frees with directory_free(). */
enum status	directory_load(const struct roster_source_conf *conf,
		    struct directory **out, char *err, size_t err_len);
void		directory_free(struct directory *d);
/* Index of column name (without case), or -1. */
int		directory_column(const struct directory *d, const char *name);
/* Name of a role ("staff", "student", "utility"). Static. */
const char	*directory_role_name(enum account_role r);

#endif
