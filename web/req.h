/* req.h - one HTTP request as the handlers see it: the path split into
 * segments, the resolved district and list, the caller (session or API
 * token), the form body, and the response being built. Shared by web/. */
#ifndef LISTD_WEB_REQ_H
#define LISTD_WEB_REQ_H

#include <stdint.h>

#include "core/buf.h"
#include "core/model.h"
#include "core/status.h"
#include "core/store.h"
#include "core/store_web.h"

#define WEB_BODY_MAX	(2L * 1024 * 1024)	/* request body bytes */
#define WEB_OUT_MAX	(16L * 1024 * 1024)	/* response bytes */
#define WEB_FORM_MAX	1000			/* form fields */
#define WEB_PATH_MAX	1024
#define WEB_SEG_MAX	16
#define WEB_SESSION_TTL	(12 * 3600)
#define WEB_SESSION_COOKIE	"listd_session"
#define WEB_CSRF_COOKIE		"listd_csrf"

/* Who may call a route; decided in one place, web/authz.c. */
enum need {
	NEED_PUBLIC,		/* anyone */
	NEED_LOGIN,		/* any signed-in account */
	NEED_SITE,		/* site administrator */
	NEED_DISTRICT,		/* administrator of {d} (or site) */
	NEED_OWNER,		/* owner of {l}, or above */
	NEED_MODERATOR,		/* moderator or owner of {l}, or above */
	NEED_ARCHIVE,		/* {l}'s archive: public, or member or staff */
	NEED_API_SITE,		/* bearer token for the whole site */
	NEED_API_DISTRICT,	/* bearer token for {d} or the site */
	NEED_METRICS		/* loopback, metrics_token or a site token */
};

#define ROUTE_NO_CSRF	0x1	/* RFC 8058 one-click, bearer-token API */

struct req;

struct route {
	const char	*method;
	const char	*pattern;	/* "/admin/d/{d}/lists/{l}/", {*}, {**} */
	enum need	 need;
	int		 flags;
	void		(*handler)(struct req *);
};

struct form_field {
	char	*name;
	char	*value;
};

struct req {
	void			*conn;		/* struct MHD_Connection */
	const char		*method;
	char			 path[WEB_PATH_MAX];
	int			 is_tls;
	char			 client[64];	/* peer address */
	/* request body and form */
	struct buf		 body;
	int			 n_form;
	struct form_field	*form;	/* WEB_FORM_MAX, made by the parse */
	/* path captures: {*} and {**} in order */
	int			 n_args;
	const char		*args[WEB_SEG_MAX];
	/* resolved */
	const struct route	*route;
	struct store		*site;
	int			 has_district;
	struct district		 d;
	struct store		*ds;
	int			 has_list;
	struct list		 l;
	/* the caller */
	int			 logged_in;
	struct account		 acct;
	char			 sess_hash[WEB_HASH_LEN + 1];
	char			 csrf[WEB_CSRF_LEN + 1];
	int			 new_csrf_cookie;
	int			 has_token;
	struct api_token	 token;
	char			 actor[160];
	/* response */
	int			 http;
	struct buf		 out;
	const char		*ctype;
	char			 location[WEB_PATH_MAX];
	char			 cookie[2][400];
	char			 disposition[200];
	int			 cacheable;
	void			*resp;	/* ready response; borrowed (server.h) */
};

/* A form field (first of that name) or NULL. Borrowed for the request. */
const char	*req_form(const struct req *r, const char *name);
/* Query-string argument or NULL. Borrowed for the request. */
const char	*req_query(const struct req *r, const char *name);
/* A request header or NULL. */
const char	*req_header(const struct req *r, const char *name);
/* A cookie or NULL. */
const char	*req_cookie(const struct req *r, const char *name);
/* Parse the body as application/x-www-form-urlencoded into r->form.
 * ST_DATA for too many fields or invalid UTF-8. */
enum status	 req_form_parse(struct req *r);
/* Answer with an error page (HTML) or JSON error for the API. */
void		 req_fail(struct req *r, enum status st, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
/* Answer 303 See Other to url (a path on this site). */
void		 req_redirect(struct req *r, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* Record a change in the site audit log as the caller. */
void		 req_audit(struct req *r, const char *action,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Is the caller an administrator of r->d (or of the site)? */
int		 req_is_district_admin(struct req *r);

#endif
