/* bounce_heuristic.h - find failed addresses in the human-readable text of
 * non-standard bounces (qmail, old Sendmail and Postfix, Exim, Exchange,
 * Domino, Yahoo, AOL, GroupWise...). The text handed in must already exclude
 * the returned original message's MIME parts (bounce_parse.c sees to that);
 * inline copies of the original are cut off here. */
#ifndef LISTD_BOUNCE_HEURISTIC_H
#define LISTD_BOUNCE_HEURISTIC_H

#include <stddef.h>

#include "listd/bounce_parse.h"

/* The parts of one message the heuristics read. All borrowed, NUL-free,
 * NUL-terminated and bounded by the caller. */
struct bounce_text {
	const char	*from;		/* raw From header, or "" */
	const char	*to;		/* raw To header, or "" */
	const char	*subject;	/* raw Subject header, or "" */
	const char	*body;		/* readable text parts, concatenated */
	size_t		 body_len;
};

/* Does the message present itself as a delivery failure or delay (sender
 * is a mailer daemon, or the subject or opening text says so)? */
int	bounce_heuristic_looks_like_bounce(const struct bounce_text *t);
/* Does the text say delivery is only delayed and will be retried? */
int	bounce_heuristic_is_warning(const struct bounce_text *t);
/* If t looks like a bounce, add every address the text blames to r (with
 * the diagnostic line and any status code). Addresses of the bounce's own
 * sender and recipient, of postmasters and mailer daemons, and those after
 * an inline copy of the original message are not blamed. Returns the number
 * of addresses added. */
int	bounce_heuristic_scan(const struct bounce_text *t,
	    struct bounce_report *r);
/* For addresses already in r (say from X-Failed-Recipients), fill the status,
 * diagnostic and temporary flag from the text where it names them. */
void	bounce_heuristic_details(const struct bounce_text *t,
	    struct bounce_report *r);

#endif
