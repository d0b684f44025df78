/* store_backup.c - online backup of a district's database and the integrity
 * check of a database about to be restored. The files around it (messages,
 * the archive format) are handled in listd/ctl_backup.c. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/store_backup.h"
#include "core/store_int.h"

#define BACKUP_PAGES_PER_STEP	1024
#define BACKUP_MAX_WAITS	2000	/* x 5 ms = 10 s of busy source */

static enum status
backup_run(sqlite3 *dst, sqlite3 *src, char *err, size_t err_len)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	int rc, waits = 0;

	if (b == NULL) {
		snprintf(err, err_len, "backup: %s", sqlite3_errmsg(dst));
		return ST_TEMP;
	}
	do {
		rc = sqlite3_backup_step(b, BACKUP_PAGES_PER_STEP);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
			if (++waits > BACKUP_MAX_WAITS)
				break;
			sqlite3_sleep(5);
		}
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc == SQLITE_DONE)
		return ST_OK;
	snprintf(err, err_len, "backup: %s", sqlite3_errstr(rc));
	return rc == SQLITE_FULL ? ST_NOSPACE : ST_TEMP;
}

enum status
store_backup_copy(struct store *s, const char *dest, char *err,
    size_t err_len)
{
	sqlite3 *dst = NULL;
	enum status st;

	if (access(dest, F_OK) == 0) {
		snprintf(err, err_len, "%s exists already", dest);
		return ST_EXISTS;
	}
	if (sqlite3_open_v2(dest, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		snprintf(err, err_len, "cannot create %s: %s", dest,
		    dst ? sqlite3_errmsg(dst) : "out of memory");
		st = ST_TEMP;
		goto out;
	}
	st = backup_run(dst, s->db, err, err_len);
	/* One self-contained file: no -wal beside it. */
	if (st == ST_OK && sqlite3_exec(dst, "PRAGMA journal_mode=DELETE",
	    NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, err_len, "backup: %s", sqlite3_errmsg(dst));
		st = ST_TEMP;
	}
out:
	sqlite3_close(dst);
	if (st != ST_OK)
		(void)unlink(dest);
	return st;
}

static int
check_row(void *ctx, int n, char **v, char **names)
{
	char *ok = ctx;

	(void)names;
	if (n > 0 && v[0] && strcmp(v[0], "ok") != 0)
		*ok = 0;
	return 0;
}

enum status
store_backup_check(const char *path, char *err, size_t err_len)
{
	sqlite3 *db = NULL;
	char ok = 1;
	enum status st = ST_DATA;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, err_len, "district.db cannot be opened");
		goto out;
	}
	if (sqlite3_exec(db, "PRAGMA quick_check", check_row, &ok, NULL) !=
	    SQLITE_OK || !ok) {
		snprintf(err, err_len, "district.db is damaged (quick_check "
		    "failed)");
		goto out;
	}
	if (sqlite3_exec(db, "SELECT count(*) FROM list", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		snprintf(err, err_len, "district.db is not a district store");
		goto out;
	}
	st = ST_OK;
out:
	sqlite3_close(db);
	return st;
}
