/* authz.h - the one place that decides whether the caller of a request may
 * use a route: roles come from site.db (site admin, district admin) and
 * from the list's members (owner, moderator, member by the account's
 * address). Every route states its need in the table in route.c. */
#ifndef LISTD_WEB_AUTHZ_H
#define LISTD_WEB_AUTHZ_H

#include "web/req.h"

/* ST_OK when r's caller satisfies need for r's district and list;
 * ST_DENIED otherwise (ST_TEMP when the store fails). */
enum status	authz_check(struct req *r, enum need need);

#endif
