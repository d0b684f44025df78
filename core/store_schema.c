/* store_schema.c - numbered migrations for site.db and district.db, applied
 * at open inside one transaction each and recorded in PRAGMA user_version.
 * Append new migrations; never edit one that has shipped. */
#include <stdio.h>

#include "core/log.h"
#include "core/store_int.h"

struct migration {
	int		 version;
	const char	*sql;
};

static const struct migration site_migrations[] = {
	{ 1,
	  "CREATE TABLE district ("
	  " id INTEGER PRIMARY KEY,"
	  " slug TEXT NOT NULL UNIQUE,"
	  " domain TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	  " name TEXT NOT NULL,"
	  " students_have_email INTEGER NOT NULL DEFAULT 0,"
	  " created INTEGER NOT NULL);"
	  "CREATE TABLE account ("
	  " id INTEGER PRIMARY KEY,"
	  " username TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	  " password_hash TEXT NOT NULL,"
	  " email TEXT NOT NULL DEFAULT '',"
	  " is_site_admin INTEGER NOT NULL DEFAULT 0,"
	  " disabled INTEGER NOT NULL DEFAULT 0,"
	  " created INTEGER NOT NULL);"
	  "CREATE TABLE role ("
	  " account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
	  " district_slug TEXT NOT NULL,"
	  " role TEXT NOT NULL,"
	  " PRIMARY KEY (account_id, district_slug, role));"
	  "CREATE TABLE api_token ("
	  " id INTEGER PRIMARY KEY,"
	  " token_hash TEXT NOT NULL UNIQUE,"
	  " name TEXT NOT NULL,"
	  " district_slug TEXT,"
	  " created INTEGER NOT NULL,"
	  " last_used INTEGER,"
	  " revoked INTEGER NOT NULL DEFAULT 0);"
	  "CREATE TABLE audit ("
	  " id INTEGER PRIMARY KEY,"
	  " ts INTEGER NOT NULL,"
	  " actor TEXT NOT NULL,"
	  " district TEXT NOT NULL DEFAULT '',"
	  " action TEXT NOT NULL,"
	  " detail TEXT NOT NULL DEFAULT '');"
	  "CREATE INDEX audit_district ON audit(district, ts);" },
};

static const struct migration district_migrations[] = {
	{ 1,
	  "CREATE TABLE setting ("
	  " key TEXT PRIMARY KEY,"
	  " value TEXT NOT NULL);"
	  "CREATE TABLE list ("
	  " id INTEGER PRIMARY KEY,"
	  " name TEXT NOT NULL UNIQUE,"
	  " description TEXT NOT NULL DEFAULT '',"
	  " kind TEXT NOT NULL,"
	  " policy TEXT NOT NULL,"
	  " nonmember TEXT NOT NULL,"
	  " dmarc TEXT NOT NULL,"
	  " subscribe TEXT NOT NULL,"
	  " archive_public INTEGER NOT NULL DEFAULT 0,"
	  " subject_prefix TEXT NOT NULL DEFAULT '',"
	  " footer TEXT NOT NULL DEFAULT '',"
	  " max_size INTEGER NOT NULL DEFAULT 0,"
	  " created INTEGER NOT NULL);"
	  "CREATE TABLE member ("
	  " id INTEGER PRIMARY KEY,"
	  " list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
	  " address TEXT NOT NULL COLLATE NOCASE,"
	  " name TEXT NOT NULL DEFAULT '',"
	  " mode TEXT NOT NULL,"
	  " role TEXT NOT NULL,"
	  " source TEXT NOT NULL,"
	  " created INTEGER NOT NULL,"
	  " updated INTEGER NOT NULL,"
	  " UNIQUE (list_id, address));"
	  "CREATE INDEX member_address ON member(address);" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

enum status
store_schema_apply(struct store *s)
{
	const struct migration *m = s->is_site ? site_migrations :
	    district_migrations;
	size_t n = s->is_site ? N(site_migrations) : N(district_migrations);
	sqlite3_stmt *st;
	enum status rc;
	int current, err;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL)
	    != SQLITE_OK)
		return store_status(s, sqlite3_errcode(s->db), "user_version");
	err = sqlite3_step(st);
	current = err == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (current < 0)
		return store_status(s, err, "user_version");
	for (size_t i = 0; i < n; i++) {
		char *errmsg = NULL, setver[64];

		if (m[i].version <= current)
			continue;
		if ((rc = store_begin(s)) != ST_OK)
			return rc;
		snprintf(setver, sizeof(setver), "PRAGMA user_version=%d",
		    m[i].version);
		if (sqlite3_exec(s->db, m[i].sql, NULL, NULL, &errmsg) != SQLITE_OK ||
		    sqlite3_exec(s->db, setver, NULL, NULL, &errmsg) != SQLITE_OK) {
			log_warnx("store migrate district=%s version=%d err=\"%s\"",
			    s->slug, m[i].version, errmsg ? errmsg : "");
			sqlite3_free(errmsg);
			store_rollback(s);
			return ST_INTERNAL;
		}
		if ((rc = store_commit(s)) != ST_OK)
			return rc;
		log_debug("store migrate district=%s version=%d", s->slug,
		    m[i].version);
	}
	return ST_OK;
}
