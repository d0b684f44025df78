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

struct module {
	const char		*name;
	int			 is_site;
	const struct migration	*migrations;
	size_t			 n;
};

static const struct migration core_site[] = {
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

static const struct migration core_district[] = {
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

/* archive: the list archives' index, JWZ containers and full-text search.
 * Rows belong to a list; the raw messages stay in messages/ (msgstore). */
static const struct migration archive_district[] = {
	{ 1,
	  "CREATE TABLE arc_node ("
	  " id INTEGER PRIMARY KEY,"
	  " list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
	  " msgid TEXT NOT NULL,"
	  " parent INTEGER NOT NULL DEFAULT 0,"
	  " thread INTEGER NOT NULL DEFAULT 0,"
	  " UNIQUE (list_id, msgid));"
	  "CREATE INDEX arc_node_thread ON arc_node(thread);"
	  "CREATE TABLE arc_msg ("
	  " id INTEGER PRIMARY KEY,"
	  " list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
	  " hash TEXT NOT NULL,"
	  " node INTEGER NOT NULL UNIQUE,"
	  " thread INTEGER NOT NULL,"
	  " message_id TEXT NOT NULL,"
	  " refs TEXT NOT NULL DEFAULT '',"
	  " subject TEXT NOT NULL,"
	  " base_subject TEXT NOT NULL,"
	  " author_name TEXT NOT NULL,"
	  " author_addr TEXT NOT NULL,"
	  " date INTEGER NOT NULL,"
	  " month TEXT NOT NULL,"
	  " size INTEGER NOT NULL,"
	  " n_attach INTEGER NOT NULL,"
	  " UNIQUE (list_id, hash));"
	  "CREATE INDEX arc_msg_date ON arc_msg(list_id, date, id);"
	  "CREATE INDEX arc_msg_month ON arc_msg(list_id, month, date);"
	  "CREATE INDEX arc_msg_thread ON arc_msg(thread, date, id);"
	  "CREATE INDEX arc_msg_base ON arc_msg(list_id, base_subject, date);"
	  "CREATE TABLE arc_attach ("
	  " msg INTEGER NOT NULL REFERENCES arc_msg(id) ON DELETE CASCADE,"
	  " n INTEGER NOT NULL,"
	  " filename TEXT NOT NULL,"
	  " ctype TEXT NOT NULL,"
	  " size INTEGER NOT NULL,"
	  " PRIMARY KEY (msg, n));"
	  "CREATE TABLE arc_setting ("
	  " list_id INTEGER PRIMARY KEY REFERENCES list(id) ON DELETE CASCADE,"
	  " html_as_text INTEGER NOT NULL DEFAULT 0);"
	  "CREATE VIRTUAL TABLE arc_fts USING fts5(subject, author, body,"
	  " tokenize = 'unicode61 remove_diacritics 2');" },
	/* body_only: the message is one text part and no attachment, so its
	 * page body is exactly its searchable text (no raw re-read). */
	{ 2,
	  "ALTER TABLE arc_msg ADD COLUMN body_only INTEGER NOT NULL"
	  " DEFAULT 0;" },
	/* Messages per list and month, kept by triggers on every insert,
	 * delete (list clear, list removal) and move: the list index and the
	 * archive home, rendered on every add, read ~100 counter rows
	 * instead of counting 10,000 index entries. */
	{ 3,
	  "CREATE TABLE arc_month ("
	  " list_id INTEGER NOT NULL,"
	  " month TEXT NOT NULL,"
	  " n INTEGER NOT NULL,"
	  " PRIMARY KEY (list_id, month)) WITHOUT ROWID;"
	  "INSERT INTO arc_month (list_id, month, n)"
	  " SELECT list_id, month, count(*) FROM arc_msg"
	  " GROUP BY list_id, month;"
	  "CREATE TRIGGER arc_month_ins AFTER INSERT ON arc_msg BEGIN"
	  " INSERT INTO arc_month (list_id, month, n)"
	  "  VALUES (new.list_id, new.month, 1)"
	  "  ON CONFLICT (list_id, month) DO UPDATE SET n = n + 1;"
	  " END;"
	  "CREATE TRIGGER arc_month_del AFTER DELETE ON arc_msg BEGIN"
	  " UPDATE arc_month SET n = n - 1"
	  "  WHERE list_id = old.list_id AND month = old.month;"
	  " DELETE FROM arc_month WHERE list_id = old.list_id"
	  "  AND month = old.month AND n <= 0;"
	  " END;"
	  "CREATE TRIGGER arc_month_upd AFTER UPDATE OF list_id, month"
	  " ON arc_msg BEGIN"
	  " UPDATE arc_month SET n = n - 1"
	  "  WHERE list_id = old.list_id AND month = old.month;"
	  " DELETE FROM arc_month WHERE list_id = old.list_id"
	  "  AND month = old.month AND n <= 0;"
	  " INSERT INTO arc_month (list_id, month, n)"
	  "  VALUES (new.list_id, new.month, 1)"
	  "  ON CONFLICT (list_id, month) DO UPDATE SET n = n + 1;"
	  " END;" },
	/* A message's search row goes with it. Removing a list deleted its
	 * messages (ON DELETE CASCADE) but left their arc_fts rows, so the
	 * next message given the same id could not be indexed. */
	{ 4,
	  "DELETE FROM arc_fts WHERE rowid NOT IN (SELECT id FROM arc_msg);"
	  "CREATE TRIGGER arc_msg_fts_del AFTER DELETE ON arc_msg BEGIN"
	  " DELETE FROM arc_fts WHERE rowid = old.id;"
	  " END;" },
};

/* The mail path: posts as received and their fate, held posts, delivery
 * batches, per-domain back-off and per-recipient failures. */
static const struct migration mail_district[] = {
	{ 1,
	  "ALTER TABLE member ADD COLUMN domain TEXT GENERATED ALWAYS AS"
	  " (lower(substr(address, instr(address, '@') + 1))) VIRTUAL;"
	  "CREATE INDEX member_list_domain ON member(list_id, domain, address);"
	  "CREATE TABLE post ("
	  " id INTEGER PRIMARY KEY,"
	  " list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
	  " kind TEXT NOT NULL DEFAULT 'post',"
	  " rcpt TEXT NOT NULL DEFAULT '',"
	  " raw_hash TEXT NOT NULL,"
	  " out_hash TEXT NOT NULL DEFAULT '',"
	  " message_id TEXT NOT NULL,"
	  " body_hash TEXT NOT NULL,"
	  " sender TEXT NOT NULL,"
	  " author TEXT NOT NULL DEFAULT '',"
	  " subject TEXT NOT NULL DEFAULT '',"
	  " size INTEGER NOT NULL,"
	  " state TEXT NOT NULL,"
	  " reason TEXT NOT NULL DEFAULT '',"
	  " urgent INTEGER NOT NULL DEFAULT 0,"
	  " attempts INTEGER NOT NULL DEFAULT 0,"
	  " n_rcpt INTEGER NOT NULL DEFAULT 0,"
	  " n_delivered INTEGER NOT NULL DEFAULT 0,"
	  " n_bounced INTEGER NOT NULL DEFAULT 0,"
	  " received INTEGER NOT NULL,"
	  " updated INTEGER NOT NULL);"
	  "CREATE INDEX post_seen ON post(list_id, message_id);"
	  "CREATE INDEX post_state ON post(state);"
	  "CREATE TABLE held ("
	  " post_id INTEGER PRIMARY KEY REFERENCES post(id) ON DELETE CASCADE,"
	  " reason TEXT NOT NULL,"
	  " action TEXT NOT NULL DEFAULT '',"
	  " action_by TEXT NOT NULL DEFAULT '',"
	  " action_note TEXT NOT NULL DEFAULT '',"
	  " held_at INTEGER NOT NULL);"
	  "CREATE TABLE batch ("
	  " id INTEGER PRIMARY KEY,"
	  " post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,"
	  " domain TEXT NOT NULL,"
	  " rcpts TEXT NOT NULL,"
	  " n_rcpt INTEGER NOT NULL,"
	  " urgent INTEGER NOT NULL DEFAULT 0,"
	  " state TEXT NOT NULL DEFAULT 'pending',"
	  " attempts INTEGER NOT NULL DEFAULT 0,"
	  " recoveries INTEGER NOT NULL DEFAULT 0,"
	  " next_try INTEGER NOT NULL DEFAULT 0,"
	  " lease INTEGER NOT NULL DEFAULT 0,"
	  " last_error TEXT NOT NULL DEFAULT '',"
	  " created INTEGER NOT NULL);"
	  "CREATE INDEX batch_ready ON batch(state, urgent DESC, next_try);"
	  "CREATE INDEX batch_post ON batch(post_id);"
	  "CREATE TABLE domain_backoff ("
	  " domain TEXT PRIMARY KEY,"
	  " until INTEGER NOT NULL,"
	  " failures INTEGER NOT NULL);"
	  "CREATE TABLE delivery_failure ("
	  " id INTEGER PRIMARY KEY,"
	  " post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,"
	  " address TEXT NOT NULL,"
	  " permanent INTEGER NOT NULL,"
	  " code TEXT NOT NULL,"
	  " text TEXT NOT NULL,"
	  " ts INTEGER NOT NULL);"
	  "CREATE INDEX delivery_failure_post ON delivery_failure(post_id);" },
	{ 2,
	  "ALTER TABLE post ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;"
	  "CREATE INDEX post_unarchived ON post(id) WHERE archived = 0;" },
	{ 3,
	  "ALTER TABLE list ADD COLUMN personalize TEXT NOT NULL DEFAULT 'auto';"
	  "ALTER TABLE post ADD COLUMN personal INTEGER NOT NULL DEFAULT 0;" },
};

/* The roster generator (generator/, core/store_roster*.c): the district's
 * directory source, rule and family definitions, admin exclusions, the link
 * from a generated member to the account's stable id, and the run log. */
static const struct migration roster_district[] = {
	{ 1,
	  "CREATE TABLE roster_source ("
	  " id INTEGER PRIMARY KEY CHECK (id = 1),"
	  " type TEXT NOT NULL,"
	  " path TEXT NOT NULL,"
	  " query TEXT NOT NULL DEFAULT '',"
	  " max_remove_percent INTEGER NOT NULL DEFAULT 10,"
	  " max_errors INTEGER NOT NULL DEFAULT 10,"
	  " interval_hours INTEGER NOT NULL DEFAULT 26,"
	  " updated INTEGER NOT NULL);"
	  "CREATE TABLE roster_def ("
	  " id INTEGER PRIMARY KEY,"
	  " name TEXT NOT NULL UNIQUE,"
	  " kind TEXT NOT NULL,"
	  " expr TEXT NOT NULL DEFAULT '',"
	  " attribute TEXT NOT NULL DEFAULT '',"
	  " includes TEXT NOT NULL DEFAULT '',"
	  " created INTEGER NOT NULL);"
	  "CREATE TABLE roster_list ("
	  " list_id INTEGER PRIMARY KEY REFERENCES list(id) ON DELETE CASCADE,"
	  " def_name TEXT NOT NULL,"
	  " value TEXT NOT NULL DEFAULT '',"
	  " retired INTEGER NOT NULL DEFAULT 0);"
	  "CREATE TABLE roster_member ("
	  " member_id INTEGER PRIMARY KEY REFERENCES member(id) ON DELETE CASCADE,"
	  " account_id TEXT NOT NULL);"
	  "CREATE TABLE roster_exclusion ("
	  " list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
	  " address TEXT NOT NULL COLLATE NOCASE,"
	  " created INTEGER NOT NULL,"
	  " PRIMARY KEY (list_id, address));"
	  "CREATE TABLE roster_run ("
	  " id INTEGER PRIMARY KEY,"
	  " started INTEGER NOT NULL,"
	  " finished INTEGER NOT NULL,"
	  " source TEXT NOT NULL,"
	  " dry_run INTEGER NOT NULL,"
	  " applied INTEGER NOT NULL,"
	  " accounts INTEGER NOT NULL,"
	  " adds INTEGER NOT NULL,"
	  " removes INTEGER NOT NULL,"
	  " renames INTEGER NOT NULL,"
	  " refused INTEGER NOT NULL,"
	  " errors INTEGER NOT NULL,"
	  " message TEXT NOT NULL DEFAULT '');"
	  "CREATE TABLE roster_run_list ("
	  " run_id INTEGER NOT NULL REFERENCES roster_run(id) ON DELETE CASCADE,"
	  " list_name TEXT NOT NULL,"
	  " wanted INTEGER NOT NULL,"
	  " adds INTEGER NOT NULL,"
	  " removes INTEGER NOT NULL,"
	  " renames INTEGER NOT NULL,"
	  " state TEXT NOT NULL,"
	  " PRIMARY KEY (run_id, list_name));" },
	/* Settings of network sources (MySQL, LDAP): "key=value" lines. */
	{ 2,
	  "ALTER TABLE roster_source ADD COLUMN settings TEXT NOT NULL"
	  " DEFAULT '';" },
};

/* Content policies (core/store_policy.c): rules by kind and pattern with an
 * action. list_id 0 is the whole store (the site, or the district); list
 * rules go when their list does. */
static const struct migration policy_site[] = {
	{ 1,
	  "CREATE TABLE policy_rule ("
	  " id INTEGER PRIMARY KEY,"
	  " list_id INTEGER NOT NULL DEFAULT 0,"
	  " kind TEXT NOT NULL,"
	  " pattern TEXT NOT NULL,"
	  " action TEXT NOT NULL,"
	  " message TEXT NOT NULL DEFAULT '',"
	  " created INTEGER NOT NULL,"
	  " UNIQUE (list_id, kind, pattern));" },
};

static const struct migration policy_district[] = {
	{ 1,
	  "CREATE TABLE policy_rule ("
	  " id INTEGER PRIMARY KEY,"
	  " list_id INTEGER NOT NULL DEFAULT 0,"
	  " kind TEXT NOT NULL,"
	  " pattern TEXT NOT NULL,"
	  " action TEXT NOT NULL,"
	  " message TEXT NOT NULL DEFAULT '',"
	  " created INTEGER NOT NULL,"
	  " UNIQUE (list_id, kind, pattern));"
	  "CREATE TRIGGER policy_rule_list_gone AFTER DELETE ON list BEGIN"
	  " DELETE FROM policy_rule WHERE list_id = OLD.id; END;" },
};

/* Subscriptions and list commands: pending confirmations (single-use,
 * expiring), automatic replies sent (rate limits), message templates, and
 * bounce scores of members. */
static const struct migration subscription_district[] = {
	{ 1,
	  "CREATE TABLE pending ("
	  " id INTEGER PRIMARY KEY,"
	  " token TEXT NOT NULL UNIQUE,"
	  " list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
	  " address TEXT NOT NULL COLLATE NOCASE,"
	  " name TEXT NOT NULL DEFAULT '',"
	  " action TEXT NOT NULL,"
	  " post_id INTEGER NOT NULL DEFAULT 0,"
	  " created INTEGER NOT NULL,"
	  " expires INTEGER NOT NULL,"
	  " used INTEGER NOT NULL DEFAULT 0);"
	  "CREATE INDEX pending_address ON pending(list_id, address, created);"
	  "CREATE TABLE reply_log ("
	  " address TEXT NOT NULL COLLATE NOCASE,"
	  " ts INTEGER NOT NULL);"
	  "CREATE INDEX reply_log_address ON reply_log(address, ts);"
	  "CREATE TABLE template ("
	  " list_id INTEGER NOT NULL DEFAULT 0,"
	  " name TEXT NOT NULL,"
	  " body TEXT NOT NULL,"
	  " PRIMARY KEY (list_id, name));"
	  "CREATE TABLE bounce ("
	  " member_id INTEGER PRIMARY KEY REFERENCES member(id) ON DELETE CASCADE,"
	  " score REAL NOT NULL DEFAULT 0,"
	  " updated INTEGER NOT NULL,"
	  " disabled_at INTEGER NOT NULL DEFAULT 0,"
	  " probes INTEGER NOT NULL DEFAULT 0,"
	  " last_probe INTEGER NOT NULL DEFAULT 0);"
	  "ALTER TABLE held ADD COLUMN notified INTEGER NOT NULL DEFAULT 0;" },
	{ 2,
	  "CREATE TABLE allowed_sender ("
	  " list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
	  " address TEXT NOT NULL COLLATE NOCASE,"
	  " added INTEGER NOT NULL,"
	  " PRIMARY KEY (list_id, address));" },
	{ 3,
	  "ALTER TABLE list ADD COLUMN digest_format TEXT NOT NULL DEFAULT 'mime';"
	  "CREATE TABLE digest_item ("
	  " post_id INTEGER PRIMARY KEY REFERENCES post(id) ON DELETE CASCADE,"
	  " list_id INTEGER NOT NULL,"
	  " size INTEGER NOT NULL,"
	  " added INTEGER NOT NULL);"
	  "CREATE INDEX digest_item_list ON digest_item(list_id, post_id);" },
};

/* web: login sessions (by the SHA-256 of the cookie) and failed logins
 * for throttling. Accounts, roles and API tokens are core tables. */
static const struct migration web_site[] = {
	{ 1,
	  "CREATE TABLE web_session ("
	  " id_hash TEXT PRIMARY KEY,"
	  " account_id INTEGER NOT NULL,"
	  " csrf TEXT NOT NULL,"
	  " created INTEGER NOT NULL,"
	  " expires INTEGER NOT NULL);"
	  "CREATE INDEX web_session_account ON web_session(account_id);"
	  "CREATE TABLE web_login_fail ("
	  " key TEXT NOT NULL,"
	  " ts INTEGER NOT NULL);"
	  "CREATE INDEX web_login_fail_key ON web_login_fail(key, ts);" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Every module's migrations, applied in this order. Add a row per module. */
static const struct module modules[] = {
	{ "core", 1, core_site, N(core_site) },
	{ "core", 0, core_district, N(core_district) },
	{ "archive", 0, archive_district, N(archive_district) },
	{ "mail", 0, mail_district, N(mail_district) },
	{ "subscription", 0, subscription_district, N(subscription_district) },
	{ "roster", 0, roster_district, N(roster_district) },
	{ "web", 1, web_site, N(web_site) },
	{ "policy", 1, policy_site, N(policy_site) },
	{ "policy", 0, policy_district, N(policy_district) },
};

static enum status
module_version(struct store *s, const char *module, int *version)
{
	sqlite3_stmt *st;
	int err;

	*version = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT version FROM schema_version"
	    " WHERE module = ?", -1, &st, NULL) != SQLITE_OK)
		return store_status(s, sqlite3_errcode(s->db), "schema_version");
	sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
	err = sqlite3_step(st);
	if (err == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return err == SQLITE_ROW || err == SQLITE_DONE ? ST_OK :
	    store_status(s, err, "schema_version");
}

static enum status
apply_one(struct store *s, const char *module, const struct migration *m)
{
	sqlite3_stmt *st = NULL;
	char *errmsg = NULL;
	enum status rc;

	if ((rc = store_begin(s)) != ST_OK)
		return rc;
	if (sqlite3_exec(s->db, m->sql, NULL, NULL, &errmsg) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO schema_version"
	    " (module, version) VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK) {
		log_warnx("store migrate district=%s module=%s version=%d "
		    "err=\"%s\"", s->slug, module, m->version,
		    errmsg ? errmsg : sqlite3_errmsg(s->db));
		sqlite3_free(errmsg);
		store_rollback(s);
		return ST_INTERNAL;
	}
	sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, m->version);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		store_rollback(s);
		return ST_INTERNAL;
	}
	sqlite3_finalize(st);
	if ((rc = store_commit(s)) != ST_OK)
		return rc;
	log_debug("store migrate district=%s module=%s version=%d", s->slug,
	    module, m->version);
	return ST_OK;
}

enum status
store_schema_apply(struct store *s)
{
	enum status rc;
	char *errmsg = NULL;

	if (sqlite3_exec(s->db, "CREATE TABLE IF NOT EXISTS schema_version ("
	    " module TEXT PRIMARY KEY, version INTEGER NOT NULL)", NULL, NULL,
	    &errmsg) != SQLITE_OK) {
		log_warnx("store schema district=%s err=\"%s\"", s->slug,
		    errmsg ? errmsg : "");
		sqlite3_free(errmsg);
		return ST_TEMP;
	}
	for (size_t i = 0; i < N(modules); i++) {
		const struct module *mod = &modules[i];
		int current;

		if (mod->is_site != s->is_site)
			continue;
		if ((rc = module_version(s, mod->name, &current)) != ST_OK)
			return rc;
		for (size_t k = 0; k < mod->n; k++) {
			if (mod->migrations[k].version <= current)
				continue;
			if ((rc = apply_one(s, mod->name, &mod->migrations[k]))
			    != ST_OK)
				return rc;
		}
	}
	return ST_OK;
}
