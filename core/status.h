/* status.h - the outcome of an operation that the outside world sees.
 * status.c is the one table mapping a status to an LMTP/SMTP reply, an HTTP
 * status and a sysexits.h exit code; nothing else writes those literals. */
#ifndef LISTD_STATUS_H
#define LISTD_STATUS_H

enum status {
	ST_OK = 0,
	ST_TEMP,	/* try again later */
	ST_NOSPACE,	/* disk nearly full */
	ST_NOTFOUND,	/* no such list, district, member */
	ST_DENIED,	/* policy refuses */
	ST_TOOBIG,	/* over a size limit */
	ST_DATA,	/* malformed input */
	ST_USAGE,	/* wrong command or arguments */
	ST_CONFIG,	/* configuration error */
	ST_INTERNAL,	/* a bug or corruption */
	ST_EXISTS,	/* already there */
	ST_LOOP,	/* mail loop detected */
	ST__COUNT
};

/* "250 2.0.0" style code and enhanced status for LMTP/SMTP replies. Static. */
const char	*status_smtp(enum status st);
/* HTTP status code. */
int		 status_http(enum status st);
/* Exit code from sysexits.h. */
int		 status_exit(enum status st);
/* Short name, e.g. "notfound", for logs and JSON. Static. */
const char	*status_name(enum status st);
/* Is this a temporary failure (retry may succeed)? */
int		 status_is_temp(enum status st);

#endif
