/* mysql_api.c - the MariaDB client function table (mysql_api.h): which
 * functions from libmariadb, filled on the first MySQL source run, and
 * the library initialised there (before any connection). Loading is
 * core/dynlib.c's job; using the functions source_mysql.c's. */
#include <assert.h>

#include "core/dynlib.h"
#include "generator/mysql_api.h"

static const struct dynlib_file mysql_files[] = {
	{ "libmariadb.so.3", "libmariadb3", "LISTD_TEST_LIBMARIADB" },
};

#define SYM(fn)	DYNLIB_SYM(struct mysql_api, 0, fn)

static const struct dynlib_sym mysql_syms[] = {
	SYM(mysql_close),
	SYM(mysql_errno),
	SYM(mysql_error),
	SYM(mysql_fetch_fields),
	SYM(mysql_fetch_lengths),
	SYM(mysql_fetch_row),
	SYM(mysql_free_result),
	SYM(mysql_get_ssl_cipher),
	SYM(mysql_init),
	SYM(mysql_num_fields),
	SYM(mysql_options),
	SYM(mysql_query),
	SYM(mysql_real_connect),
	SYM(mysql_real_query),
	SYM(mysql_server_init),
	SYM(mysql_use_result),
};

/* Every field of the table has a row above. */
_Static_assert(DYNLIB_N(mysql_syms) * sizeof(void *) ==
    sizeof(struct mysql_api), "struct mysql_api and mysql_syms differ");

/* mysql_library_init(): once per process, before any connection. */
static void
library_init(void *table)
{
	const struct mysql_api *a = table;

	(void)a->mysql_server_init(0, NULL, NULL);
}

static struct mysql_api api;
static struct dynlib mysql_lib = DYNLIB_INIT("MySQL support", mysql_files,
    mysql_syms, &api, library_init);

const struct mysql_api *
mysql_api_load(char *err, size_t err_len)
{
	return dynlib_get(&mysql_lib, err, err_len);
}

const struct mysql_api *
mysql_api_get(void)
{
	assert(dynlib_is_loaded(&mysql_lib));
	return &api;
}
