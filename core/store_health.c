/* store_health.c - the queries behind listctl health (read only). */
#include <sqlite3.h>

#include "core/store_health.h"
#include "core/store_int.h"

enum status
store_health_queue_oldest(struct store *s, int64_t *created, int64_t *n)
{
	static const char sql[] = "SELECT coalesce(min(created), 0), count(*)"
	    " FROM batch WHERE state = 'pending'";
	sqlite3_stmt *st = store_stmt(s, sql);
	int err;

	*created = *n = 0;
	if (st == NULL)
		return ST_INTERNAL;
	err = sqlite3_step(st);
	if (err == SQLITE_ROW) {
		*created = sqlite3_column_int64(st, 0);
		*n = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return err == SQLITE_ROW ? ST_OK : store_status(s, err, "queue_oldest");
}
