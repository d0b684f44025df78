/* store_health.c - the queries behind listctl health (read only). */
#include <sqlite3.h>

#include "core/store_health.h"
#include "core/store_int.h"

enum status
store_health_queue_oldest(struct store *s, int64_t *created, int64_t *n)
{
	static const char sql[] = "SELECT coalesce(min(created), 0), count(*)"
	    " FROM batch WHERE state = 'pending'";
	int64_t v[2];
	enum status rc;

	rc = store_row_ints(s, store_stmt(s, sql), v, 2, "queue_oldest");
	*created = v[0];
	*n = v[1];
	return rc;
}
