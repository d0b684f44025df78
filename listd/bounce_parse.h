/* bounce_parse.h - read one bounce message (a DSN or a non-standard failure
 * report) and say which addresses failed, how and why. Parsing only: VERP
 * token lookup, scores and disabling members live elsewhere. */
#ifndef LISTD_BOUNCE_PARSE_H
#define LISTD_BOUNCE_PARSE_H

#include <stddef.h>

#include "core/addr.h"
#include "core/status.h"

#define BOUNCE_MSG_MAX		(8u * 1024 * 1024)	/* bytes of raw message */
#define BOUNCE_TEXT_MAX		(256u * 1024)	/* bytes of report text read */
#define BOUNCE_LINE_MAX		1000	/* longer lines are cut for matching */
#define BOUNCE_RCPT_MAX		50	/* addresses kept per message */
#define BOUNCE_STATUS_MAX	16	/* "5.1.1" and the like */
#define BOUNCE_DIAG_MAX		512
#define BOUNCE_MTA_MAX		256

enum bounce_verdict {
	BOUNCE_NONE = 0,	/* not a bounce, or nobody to blame */
	BOUNCE_TEMPORARY,	/* delivery delayed; the MTA keeps trying */
	BOUNCE_PERMANENT	/* at least one address failed for good */
};

/* How the answer was found (for logs and --json). */
enum bounce_source {
	BOUNCE_SRC_NONE = 0,
	BOUNCE_SRC_DSN,		/* RFC 3464 message/delivery-status */
	BOUNCE_SRC_HEADER,	/* X-Failed-Recipients */
	BOUNCE_SRC_TEXT,	/* heuristics over the human-readable text */
	BOUNCE_SRC_AUTOREPLY	/* auto-reply, challenge or other non-bounce */
};

struct bounce_rcpt {
	char	addr[ADDR_MAX + 1];		/* normalised (addr.h) */
	char	status[BOUNCE_STATUS_MAX];	/* "5.1.1", or "" */
	char	diag[BOUNCE_DIAG_MAX];		/* diagnostic text, or "" */
	char	mta[BOUNCE_MTA_MAX];		/* reporting/remote MTA, or "" */
	int	is_temporary;
};

struct bounce_report {
	enum bounce_verdict	verdict;
	enum bounce_source	source;
	int			is_truncated;	/* more than BOUNCE_RCPT_MAX */
	size_t			n_rcpts;
	struct bounce_rcpt	rcpts[BOUNCE_RCPT_MAX];
};

/* Parse the raw message data (len bytes, may hold NULs) into a new report.
 * Addresses that only appear in the returned original message or its headers
 * are never blamed; auto-replies and challenge-response messages give
 * BOUNCE_NONE with no address. Returns ST_OK with *out set (caller frees with
 * bounce_report_free()), ST_TOOBIG over BOUNCE_MSG_MAX, ST_DATA when the
 * bytes are empty or not a message at all; *out is NULL on failure. */
enum status	bounce_parse(const char *data, size_t len,
		    struct bounce_report **out);
/* bounce_report_free(NULL) does nothing. */
void		bounce_report_free(struct bounce_report *r);
/* "permanent", "temporary" or "none". Static. */
const char	*bounce_verdict_name(enum bounce_verdict v);
/* "dsn", "header", "text", "autoreply" or "none". Static. */
const char	*bounce_source_name(enum bounce_source s);

/* Add one failed address (any form: "<a@b>", "rfc822; a@b") to r: it is
 * normalised, duplicates merge (a permanent failure wins), and past
 * BOUNCE_RCPT_MAX r->is_truncated is set. status, diag and mta may be NULL.
 * Returns the entry, or NULL when the address is invalid or r is full. */
struct bounce_rcpt *bounce_report_add(struct bounce_report *r,
		    const char *addr, const char *status, const char *diag,
		    const char *mta, int is_temporary);
/* Set r->verdict from its entries. */
void		bounce_report_settle(struct bounce_report *r);

#endif
