/* source_mysql.h - the settings of a MySQL/MariaDB directory source,
 * parsed and checked by source_mysql_conf.c for the reader in
 * source_mysql.c. The password is not here: source_password() reads it
 * only for the moment of connecting. */
#ifndef LISTD_GENERATOR_SOURCE_MYSQL_H
#define LISTD_GENERATOR_SOURCE_MYSQL_H

#include <stddef.h>

#include "core/status.h"
#include "core/store_roster.h"

enum source_tls { SOURCE_TLS_OFF, SOURCE_TLS_REQUIRED, SOURCE_TLS_VERIFY };

struct mysql_settings {
	char		host[256];	/* default "localhost" */
	unsigned	port;		/* default 3306 */
	char		socket[512];	/* "" unless set */
	char		user[129];
	char		database[65];	/* "" unless set */
	enum source_tls	tls;
	char		tls_ca[512];
	unsigned	connect_timeout;	/* seconds, default 10 */
	unsigned	query_timeout;	/* seconds, whole query; default 600 */
};

/* Parse and check conf's settings into ms. ST_OK, or ST_CONFIG with a
 * message naming the setting (an unknown key, a bad value, a missing
 * user, both password and password-file). */
enum status	source_mysql_settings(const struct roster_source_conf *conf,
		    struct mysql_settings *ms, char *err, size_t err_len);
/* source_ops.check for mysql. */
enum status	source_mysql_check(const struct roster_source_conf *conf,
		    char *err, size_t err_len);
/* source_ops.describe for mysql: "mysql://user@host:port/database" (with
 * "?socket=PATH" for a unix socket). Never holds the password. */
void		source_mysql_describe(const struct roster_source_conf *conf,
		    char *buf, size_t len);

#endif
