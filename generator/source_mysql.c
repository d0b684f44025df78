/* source_mysql.c - a directory kept in MySQL or MariaDB, read with the
 * district's configured SELECT over the MariaDB client library: timeouts
 * on connect and on the query, TLS when configured, a read-only
 * transaction, and rows streamed (mysql_use_result) so memory stays
 * bounded. A stream that ends in an error (server gone, query killed,
 * timeout) is a failed read, never a short valid result. Settings are
 * parsed in source_mysql_conf.c. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <mysql.h>
#include <errmsg.h>

#include "core/xmem.h"
#include "generator/source.h"
#include "generator/mysql_api.h"
#include "generator/source_mysql.h"

#define MYSQL_PACKET_MAX	(4UL << 20)	/* a directory row is small */

static enum status mysql_src_open(struct source *,
    const struct roster_source_conf *, char *, size_t);
static int mysql_src_next(struct source *, const char **);
static void mysql_src_close(struct source *);

const struct source_ops source_mysql_ops = {
	"mysql", mysql_src_open, mysql_src_next, mysql_src_close,
	source_mysql_check, source_mysql_describe,
};

struct mysql_src {
	MYSQL		*db;
	MYSQL_RES	*res;
	unsigned	 n_cols;
	unsigned	 query_timeout;
	time_t		 deadline;	/* CLOCK_MONOTONIC seconds */
	const char	*vals[SOURCE_COLUMNS_MAX];
	char		 err[512];
};

static time_t
now_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Which status a failure of the server or the connection is: a refused
 * login is the configuration's fault, a lost or absent server is
 * temporary, anything the server says about the query is the query's. */
static enum status
error_status(unsigned e)
{
	if (e == 1044 || e == 1045 || e == 1698)	/* access denied */
		return ST_CONFIG;
	if (e >= CR_MIN_ERROR && e <= CR_MAX_ERROR)
		return ST_TEMP;
	return ST_DATA;
}

/* "; no answer within query-timeout (N s)" when the query's time is up,
 * so a timeout does not read as a mere lost connection. */
static const char *
timeout_note(struct mysql_src *q, char *buf, size_t len)
{
	buf[0] = '\0';
	if (q->deadline != 0 && now_monotonic() >= q->deadline)
		snprintf(buf, len, "; no answer within query-timeout (%u s)",
		    q->query_timeout);
	return buf;
}

static enum status
fail(struct source *src, struct mysql_src *q, const char *what, char *err,
    size_t err_len)
{
	unsigned e = MYSQL_FN(mysql_errno)(q->db);
	char note[80];

	snprintf(err, err_len, "%s: %s: %s (error %u)%s", src->label, what,
	    MYSQL_FN(mysql_error)(q->db), e,
	    timeout_note(q, note, sizeof(note)));
	return error_status(e);
}

/* Options before connecting: timeouts, character set, no LOAD DATA LOCAL,
 * a bound on packets, TLS as configured. */
static void
set_options(MYSQL *db, const struct mysql_settings *ms)
{
	unsigned zero = 0;
	unsigned long packet = MYSQL_PACKET_MAX;
	my_bool yes = 1;

	__typeof__(&mysql_options) set = MYSQL_FN(mysql_options);

	set(db, MYSQL_OPT_CONNECT_TIMEOUT, &ms->connect_timeout);
	set(db, MYSQL_OPT_READ_TIMEOUT, &ms->query_timeout);
	set(db, MYSQL_OPT_WRITE_TIMEOUT, &ms->query_timeout);
	set(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	set(db, MYSQL_OPT_LOCAL_INFILE, &zero);
	set(db, MYSQL_OPT_MAX_ALLOWED_PACKET, &packet);
	if (ms->tls == SOURCE_TLS_OFF)
		return;
	set(db, MYSQL_OPT_SSL_ENFORCE, &yes);
	if (ms->tls != SOURCE_TLS_VERIFY)
		return;
	set(db, MYSQL_OPT_SSL_CA, ms->tls_ca);
	set(db, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
}

/* Connect with the password read just for this call and wiped after. */
static enum status
connect_db(struct source *src, struct mysql_src *q,
    const struct roster_source_conf *conf, const struct mysql_settings *ms,
    char *err, size_t err_len)
{
	char pw[SOURCE_PASSWORD_MAX + 1], msg[600];
	MYSQL *ok;
	int has;

	/* A missing client library is an outage, like a server down. */
	if (mysql_api_load(msg, sizeof(msg)) == NULL) {
		snprintf(err, err_len, "%s: %s", src->label, msg);
		return ST_TEMP;
	}
	if ((has = source_password(conf, pw, sizeof(pw), msg,
	    sizeof(msg))) == -1) {
		snprintf(err, err_len, "%s: %s", src->label, msg);
		return ST_CONFIG;
	}
	if ((q->db = MYSQL_FN(mysql_init)(NULL)) == NULL) {
		explicit_bzero(pw, sizeof(pw));
		snprintf(err, err_len, "%s: out of memory", src->label);
		return ST_TEMP;
	}
	set_options(q->db, ms);
	ok = MYSQL_FN(mysql_real_connect)(q->db,
	    ms->socket[0] ? "localhost" : ms->host, ms->user, has ? pw : NULL,
	    ms->database[0] ? ms->database : NULL, ms->port,
	    ms->socket[0] ? ms->socket : NULL, 0);
	explicit_bzero(pw, sizeof(pw));
	if (ok == NULL)
		return fail(src, q, "cannot connect", err, err_len);
	/* The library may fall back to plain text; a TLS setting is a
	 * promise, so check what was agreed. */
	if (ms->tls != SOURCE_TLS_OFF &&
	    MYSQL_FN(mysql_get_ssl_cipher)(q->db) == NULL) {
		snprintf(err, err_len, "%s: the server does not speak TLS "
		    "(tls=%s is set)", src->label, ms->tls == SOURCE_TLS_VERIFY ?
		    "verify" : "required");
		return ST_CONFIG;
	}
	return ST_OK;
}

/* The query must be one SELECT (or WITH ... SELECT); the read-only
 * transaction makes the server refuse any write it might hide. */
static int
query_is_select(const char *query)
{
	while (isspace((unsigned char)*query) || *query == '(')
		query++;
	return (strncasecmp(query, "select", 6) == 0 &&
	    !isalnum((unsigned char)query[6])) ||
	    (strncasecmp(query, "with", 4) == 0 &&
	    !isalnum((unsigned char)query[4]));
}

static enum status
run_query(struct source *src, struct mysql_src *q, const char *query,
    char *err, size_t err_len)
{
	MYSQL_FIELD *fields;

	if (MYSQL_FN(mysql_query)(q->db, "START TRANSACTION READ ONLY") != 0)
		return fail(src, q, "cannot start a read-only transaction",
		    err, err_len);
	q->deadline = now_monotonic() + (time_t)q->query_timeout;
	if (MYSQL_FN(mysql_real_query)(q->db, query, strlen(query)) != 0)
		return fail(src, q, "the query failed", err, err_len);
	if ((q->res = MYSQL_FN(mysql_use_result)(q->db)) == NULL) {
		if (MYSQL_FN(mysql_errno)(q->db) != 0)
			return fail(src, q, "the query failed", err, err_len);
		snprintf(err, err_len, "%s: the query returns no rows (one "
		    "SELECT expected)", src->label);
		return ST_DATA;
	}
	q->n_cols = MYSQL_FN(mysql_num_fields)(q->res);
	if (q->n_cols > SOURCE_COLUMNS_MAX) {
		snprintf(err, err_len, "%s: the query returns %u columns, "
		    "more than %d", src->label, q->n_cols, SOURCE_COLUMNS_MAX);
		return ST_DATA;
	}
	fields = MYSQL_FN(mysql_fetch_fields)(q->res);
	for (unsigned i = 0; i < q->n_cols; i++)
		src->columns[src->n_columns++] =
		    source_column_dup(fields[i].name);
	return ST_OK;
}

static enum status
mysql_src_open(struct source *src, const struct roster_source_conf *conf,
    char *err, size_t err_len)
{
	struct mysql_src *q = xcalloc(1, sizeof(*q));
	struct mysql_settings ms;
	char msg[400];
	enum status st;

	src->state = q;
	if ((st = source_mysql_settings(conf, &ms, msg, sizeof(msg))) !=
	    ST_OK) {
		snprintf(err, err_len, "%s: %s", src->label, msg);
		return st;
	}
	if (conf->query[0] == '\0' || !query_is_select(conf->query)) {
		snprintf(err, err_len, "%s: the query must be one SELECT "
		    "(listctl source set --query)", src->label);
		return ST_CONFIG;
	}
	q->query_timeout = ms.query_timeout;
	if ((st = connect_db(src, q, conf, &ms, err, err_len)) != ST_OK)
		return st;
	return run_query(src, q, conf->query, err, err_len);
}

/* Fill q->vals from row: SQL NULL is an empty field; a value with a NUL
 * byte inside is a bad row. 0, or -1 with q->err. */
static int
take_row(struct source *src, struct mysql_src *q, MYSQL_ROW row)
{
	unsigned long *len = MYSQL_FN(mysql_fetch_lengths)(q->res);
	MYSQL_FIELD *fields = MYSQL_FN(mysql_fetch_fields)(q->res);

	for (unsigned i = 0; i < q->n_cols; i++) {
		q->vals[i] = row[i] ? row[i] : "";
		if (row[i] && strlen(row[i]) != len[i]) {
			snprintf(q->err, sizeof(q->err), "a NUL byte in column "
			    "%s", fields[i].name);
			return -1;
		}
	}
	src->n_fields = q->n_cols;
	src->fields = q->vals;
	return 0;
}

static int
mysql_src_next(struct source *src, const char **reason)
{
	struct mysql_src *q = src->state;
	char note[80];
	MYSQL_ROW row;

	*reason = q->err;
	if (now_monotonic() > q->deadline) {
		snprintf(q->err, sizeof(q->err), "the query took longer than "
		    "query-timeout (%u s); stopped after row %zu",
		    q->query_timeout, src->line);
		return -2;
	}
	if ((row = MYSQL_FN(mysql_fetch_row)(q->res)) == NULL) {
		if (MYSQL_FN(mysql_errno)(q->db) == 0)
			return 0;
		snprintf(q->err, sizeof(q->err), "the rows stopped after row "
		    "%zu: %s (error %u)%s", src->line,
		    MYSQL_FN(mysql_error)(q->db), MYSQL_FN(mysql_errno)(q->db),
		    timeout_note(q, note, sizeof(note)));
		return -2;
	}
	src->line++;
	return take_row(src, q, row) == 0 ? 1 : -1;
}

static void
mysql_src_close(struct source *src)
{
	struct mysql_src *q = src->state;

	if (q == NULL)
		return;
	if (q->res)
		MYSQL_FN(mysql_free_result)(q->res);
	if (q->db)
		MYSQL_FN(mysql_close)(q->db);
	xfree(q);
}
