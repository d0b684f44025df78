/* route.h - the route table and the one path every request takes: split
 * and check the path, match a route, resolve {d} and {l}, identify the
 * caller, check authorisation (authz.c) and CSRF, run the handler. */
#ifndef LISTD_WEB_ROUTE_H
#define LISTD_WEB_ROUTE_H

#include <stddef.h>

#include "web/req.h"

/* Answer r for url (already percent-decoded by libmicrohttpd). Always
 * leaves a response in r (status, body, headers). */
void	route_handle(struct req *r, const char *url);
/* Release everything r holds, and r. */
void	route_req_free(struct req *r);

/* The table, for tests and docs: *n receives its length. */
const struct route *route_table(size_t *n);

#endif
