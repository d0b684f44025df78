/* bounce_dsn.h - the fields of an RFC 3464 message/delivery-status body:
 * which recipients failed or were delayed, with status, diagnostic and MTA.
 * Finding the part is bounce_parse.c's job. */
#ifndef LISTD_BOUNCE_DSN_H
#define LISTD_BOUNCE_DSN_H

#include "listd/bounce_parse.h"

/* Read the NUL-terminated delivery-status text (one or more bodies, any
 * line ends, folded fields) and add each failed ("failed") or delayed
 * ("delayed") recipient to r; delivered, relayed and expanded ones are
 * skipped. Recipient groups without Final-Recipient use Original-Recipient.
 * Returns the number of recipients added, or -1 when the text holds
 * recipient groups and none of them failed (a success or relay notice). */
int	bounce_dsn_parse(const char *text, struct bounce_report *r);

/* Copy the first enhanced status code ("5.1.1") found in s into out (at least
 * BOUNCE_STATUS_MAX bytes). Returns 0, or -1 when there is none. */
int	bounce_dsn_status_find(const char *s, char *out, size_t out_len);

#endif
