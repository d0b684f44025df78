/* status.c - the one table from enum status to LMTP reply, HTTP status and
 * exit code (STYLE.md). When unsure, callers pick ST_TEMP. */
#include <sysexits.h>

#include "core/status.h"

struct status_row {
	const char	*name;
	const char	*smtp;
	int		 http;
	int		 exit_code;
	int		 is_temp;
};

static const struct status_row status_table[ST__COUNT] = {
	[ST_OK]       = { "ok",       "250 2.0.0", 200, EX_OK,       0 },
	[ST_TEMP]     = { "temp",     "451 4.3.0", 503, EX_TEMPFAIL, 1 },
	[ST_NOSPACE]  = { "nospace",  "452 4.3.1", 503, EX_TEMPFAIL, 1 },
	[ST_NOTFOUND] = { "notfound", "550 5.1.1", 404, EX_NOUSER,   0 },
	[ST_DENIED]   = { "denied",   "550 5.7.1", 403, EX_NOPERM,   0 },
	[ST_TOOBIG]   = { "toobig",   "552 5.3.4", 413, EX_DATAERR,  0 },
	[ST_DATA]     = { "data",     "554 5.6.0", 400, EX_DATAERR,  0 },
	[ST_USAGE]    = { "usage",    "500 5.5.2", 400, EX_USAGE,    0 },
	[ST_CONFIG]   = { "config",   "451 4.3.5", 500, EX_CONFIG,   1 },
	[ST_INTERNAL] = { "internal", "451 4.3.0", 500, EX_SOFTWARE, 1 },
	[ST_EXISTS]   = { "exists",   "550 5.7.1", 409, EX_DATAERR,  0 },
	[ST_LOOP]     = { "loop",     "554 5.4.6", 508, EX_DATAERR,  0 },
};

static const struct status_row *
row(enum status st)
{
	if ((unsigned)st >= ST__COUNT)
		st = ST_INTERNAL;
	return &status_table[st];
}

const char *status_smtp(enum status st) { return row(st)->smtp; }
int status_http(enum status st) { return row(st)->http; }
int status_exit(enum status st) { return row(st)->exit_code; }
const char *status_name(enum status st) { return row(st)->name; }
int status_is_temp(enum status st) { return row(st)->is_temp; }
