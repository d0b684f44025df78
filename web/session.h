/* session.h - who is calling: a session cookie (random token; only its
 * SHA-256 is stored) or an API bearer token; the CSRF token forms carry
 * (per session, or a double-submit cookie for visitors without one). */
#ifndef LISTD_WEB_SESSION_H
#define LISTD_WEB_SESSION_H

#include "web/req.h"

/* Fill r's caller from its cookies and Authorization header. Never
 * fails: an unknown or expired session is simply no session. */
void	session_identify(struct req *r);
/* Give a visitor without a session or CSRF cookie one (pages call this
 * when they build a form; files and the API never need it). */
void	session_csrf_ensure(struct req *r);
/* Does tok match the request's CSRF token (constant time)? */
int	session_csrf_ok(const struct req *r, const char *tok);
/* Start a session for account a: store it, set the cookie. */
enum status	session_start(struct req *r, const struct account *a);
/* End r's session and clear the cookie. */
void	session_end(struct req *r);

#endif
