/* mysql_api.h - the MariaDB client functions the MySQL source calls, as a
 * table filled on first use from libmariadb.so.3 (dlopen), so commands
 * that never read a MySQL directory do not load it (nor the TLS libraries
 * it pulls in). Each field has the type of the function in <mysql.h>, so
 * the compiler checks every call as before. Call sites read
 * MYSQL_FN(mysql_query)(db, ...). */
#ifndef LISTD_GENERATOR_MYSQL_API_H
#define LISTD_GENERATOR_MYSQL_API_H

#include <stddef.h>

#include <mysql.h>

#define MYSQL_API_FIELD(fn)	__typeof__(&fn) fn

struct mysql_api {
	MYSQL_API_FIELD(mysql_close);
	MYSQL_API_FIELD(mysql_errno);
	MYSQL_API_FIELD(mysql_error);
	MYSQL_API_FIELD(mysql_fetch_fields);
	MYSQL_API_FIELD(mysql_fetch_lengths);
	MYSQL_API_FIELD(mysql_fetch_row);
	MYSQL_API_FIELD(mysql_free_result);
	MYSQL_API_FIELD(mysql_get_ssl_cipher);
	MYSQL_API_FIELD(mysql_init);
	MYSQL_API_FIELD(mysql_num_fields);
	MYSQL_API_FIELD(mysql_options);
	MYSQL_API_FIELD(mysql_query);
	MYSQL_API_FIELD(mysql_real_connect);
	MYSQL_API_FIELD(mysql_real_query);
	MYSQL_API_FIELD(mysql_server_init);	/* mysql_library_init */
	MYSQL_API_FIELD(mysql_use_result);
};

/* Load the library once per process (thread-safe), call
 * mysql_library_init() once, and return the table, borrowed for the life
 * of the process. NULL when the library or one of its functions is
 * missing, with "MySQL support needs libmariadb.so.3 (Debian package
 * libmariadb3): <dlerror text>" in err (err may be NULL); every later
 * call fails the same way without trying again. */
const struct mysql_api	*mysql_api_load(char *err, size_t err_len);
/* The table, once mysql_api_load() has returned it in this process (an
 * assertion otherwise): for code that holds a connection. */
const struct mysql_api	*mysql_api_get(void);

#define MYSQL_FN(fn)	(mysql_api_get()->fn)

#endif
