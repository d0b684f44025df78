/* route.c - the route table and the request path: check the URL, match a
 * row, resolve the district and list it names, identify the caller,
 * authorise (authz.c), check CSRF on every POST, call the handler.
 * Handlers never open another district's store. */
#include <string.h>

#include "core/config.h"
#include "core/log.h"
#include "core/store_list.h"
#include "core/store_site.h"
#include "core/xmem.h"
#include "web/authz.h"
#include "web/pages.h"
#include "web/resolvecache.h"
#include "web/route.h"
#include "web/session.h"
#include "web/storecache.h"

#define D "/d/{d}"
#define AD "/admin/d/{d}"
#define AL "/admin/d/{d}/lists/{l}"
#define API "/api/v1/d/{d}"

static const struct route routes[] = {
	{ "GET", "/", NEED_PUBLIC, 0, page_home },
	{ "GET", "/static/style.css", NEED_PUBLIC, 0, page_style },
	{ "GET", "/login", NEED_PUBLIC, 0, page_login_form },
	{ "POST", "/login", NEED_PUBLIC, 0, page_login },
	{ "POST", "/logout", NEED_LOGIN, 0, page_logout },
	{ "GET", "/password", NEED_LOGIN, 0, page_password_form },
	{ "POST", "/password", NEED_LOGIN, 0, page_password },
	{ "GET", "/admin/", NEED_LOGIN, 0, page_admin_home },
	{ "GET", "/admin/audit", NEED_SITE, 0, page_audit },
	{ "GET", AD "/", NEED_DISTRICT, 0, page_dashboard },
	{ "POST", AD "/lists", NEED_DISTRICT, 0, page_list_create },
	{ "GET", AD "/branding", NEED_DISTRICT, 0, page_branding_form },
	{ "POST", AD "/branding", NEED_DISTRICT, 0, page_branding },
	{ "GET", AL "/", NEED_OWNER, 0, page_list_settings },
	{ "POST", AL "/", NEED_OWNER, 0, page_list_update },
	{ "GET", AL "/delete", NEED_DISTRICT, 0, page_list_delete_form },
	{ "POST", AL "/delete", NEED_DISTRICT, 0, page_list_delete },
	{ "GET", AL "/members", NEED_OWNER, 0, page_members },
	{ "POST", AL "/members/add", NEED_OWNER, 0, page_members_add },
	{ "POST", AL "/members/change", NEED_OWNER, 0, page_members_change },
	{ "POST", AL "/members/import", NEED_OWNER, 0, page_members_import },
	{ "GET", AL "/members/export", NEED_OWNER, 0, page_members_export },
	{ "GET", AL "/held", NEED_MODERATOR, 0, page_held },
	{ "POST", AL "/held", NEED_MODERATOR, 0, page_held_decide },
	{ "GET", D "/", NEED_PUBLIC, 0, page_directory },
	{ "GET", D "/style.css", NEED_PUBLIC, 0, page_district_style },
	{ "GET", D "/lists/{l}/", NEED_PUBLIC, 0, page_list_public },
	{ "POST", D "/lists/{l}/subscribe", NEED_PUBLIC, 0, page_subscribe },
	{ "GET", D "/lists/{l}/unsubscribe", NEED_PUBLIC, 0,
	  page_unsubscribe_form },
	{ "POST", D "/lists/{l}/unsubscribe", NEED_PUBLIC, ROUTE_NO_CSRF,
	  page_unsubscribe },
	{ "GET", D "/lists/{l}/roster", NEED_PUBLIC, 0, page_roster },
	{ "GET", D "/confirm/{*}", NEED_PUBLIC, 0, page_confirm_form },
	{ "POST", D "/confirm/{*}", NEED_PUBLIC, 0, page_confirm },
	{ "GET", D "/archive/style.css", NEED_PUBLIC, 0, page_archive_style },
	{ "GET", D "/archive/index.html", NEED_PUBLIC, 0, page_archive_home },
	{ "GET", D "/archive/{l}/search", NEED_ARCHIVE, 0, page_archive_search },
	{ "GET", D "/archive/{l}/{**}", NEED_ARCHIVE, 0, page_archive_file },
	{ "GET", "/api/v1/districts", NEED_API_SITE, ROUTE_NO_CSRF,
	  api_districts },
	{ "GET", API "/lists", NEED_API_DISTRICT, ROUTE_NO_CSRF, api_lists },
	{ "POST", API "/lists", NEED_API_DISTRICT, ROUTE_NO_CSRF,
	  api_list_create },
	{ "GET", API "/lists/{l}/members", NEED_API_DISTRICT, ROUTE_NO_CSRF,
	  api_members },
	{ "POST", API "/lists/{l}/members", NEED_API_DISTRICT, ROUTE_NO_CSRF,
	  api_members_add },
	{ "POST", API "/lists/{l}/members/remove", NEED_API_DISTRICT,
	  ROUTE_NO_CSRF, api_member_remove },
	{ "GET", API "/lists/{l}/held", NEED_API_DISTRICT, ROUTE_NO_CSRF,
	  api_held },
	{ "POST", API "/lists/{l}/held/{*}", NEED_API_DISTRICT, ROUTE_NO_CSRF,
	  api_held_decide },
	{ "GET", API "/runs", NEED_API_DISTRICT, ROUTE_NO_CSRF, api_runs },
	{ "GET", "/metrics", NEED_METRICS, ROUTE_NO_CSRF, page_metrics },
	{ "POST", API "/lists/{l}/remove", NEED_API_DISTRICT, ROUTE_NO_CSRF,
	  api_list_remove },
	{ "GET", "/admin/districts", NEED_SITE, 0, page_site_districts },
	{ "POST", "/admin/districts", NEED_SITE, 0, page_site_district_create },
	{ "GET", "/admin/districts/{d}", NEED_SITE, 0, page_site_district },
	{ "POST", "/admin/districts/{d}", NEED_SITE, 0,
	  page_site_district_update },
	{ "GET", "/admin/districts/{d}/delete", NEED_SITE, 0,
	  page_site_district_delete_form },
	{ "POST", "/admin/districts/{d}/delete", NEED_SITE, 0,
	  page_site_district_delete },
	{ "POST", "/admin/districts/{d}/admins", NEED_SITE, 0,
	  page_site_admin_add },
	{ "POST", "/admin/districts/{d}/admins/remove", NEED_SITE, 0,
	  page_site_admin_remove },
	{ "POST", "/admin/districts/{d}/admins/password", NEED_SITE, 0,
	  page_site_admin_password },
	{ "GET", "/admin/tokens", NEED_SITE, 0, page_site_tokens },
	{ "POST", "/admin/tokens", NEED_SITE, 0, page_site_token_create },
	{ "POST", "/admin/tokens/revoke", NEED_SITE, 0, page_site_token_revoke },
	{ "GET", D "/login", NEED_PUBLIC, 0, page_district_login_form },
	{ "POST", D "/login", NEED_PUBLIC, 0, page_district_login },
};

#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

struct path_parts {
	int	 n;
	char	*seg[WEB_SEG_MAX + 1];
	char	*copy;
};

struct captures {
	const char	*slug;
	const char	*list;
	int		 n_args;
	const char	*args[WEB_SEG_MAX];
	int		 rest;		/* index of the segment {**} starts at */
};

static int	path_split(const char *url, struct path_parts *pp);
static int	route_match(const struct route *rt, const struct path_parts *pp,
		    struct captures *cap);
static const struct route *route_find(struct req *r,
		    const struct path_parts *pp, struct captures *cap,
		    int *wrong_method);
static enum status resolve(struct req *r, const struct captures *cap);

const struct route *
route_table(size_t *n)
{
	*n = N_ROUTES;
	return routes;
}

/* Split url into segments in a copy; -1 for a path that could leave the
 * served tree or is malformed (dot segments, controls, backslash). */
static int
path_split(const char *url, struct path_parts *pp)
{
	char *p;

	memset(pp, 0, sizeof(*pp));
	if (url[0] != '/' || strlen(url) >= WEB_PATH_MAX)
		return -1;
	for (const char *c = url; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '\\')
			return -1;
	pp->copy = xstrdup(url + 1);
	for (p = pp->copy;; ) {
		char *slash = strchr(p, '/');

		if (pp->n == WEB_SEG_MAX)
			return -1;
		if (slash)
			*slash = '\0';
		if (strcmp(p, ".") == 0 || strcmp(p, "..") == 0)
			return -1;
		pp->seg[pp->n++] = p;
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	return 0;
}

/* Does rt's pattern match pp? Compares in place, segment by segment (no
 * copy: this runs for many rows on every request). */
static int
route_match(const struct route *rt, const struct path_parts *pp,
    struct captures *cap)
{
	const char *p = rt->pattern + 1;

	memset(cap, 0, sizeof(*cap));
	for (int i = 0;; i++) {
		size_t n = strcspn(p, "/");

		if (n == 4 && strncmp(p, "{**}", 4) == 0) {
			cap->rest = i;
			return i < pp->n;
		}
		if (i >= pp->n)
			return 0;
		if (n == 3 && strncmp(p, "{d}", 3) == 0)
			cap->slug = pp->seg[i];
		else if (n == 3 && strncmp(p, "{l}", 3) == 0)
			cap->list = pp->seg[i];
		else if (n == 3 && strncmp(p, "{*}", 3) == 0)
			cap->args[cap->n_args++] = pp->seg[i];
		else if (strncmp(p, pp->seg[i], n) != 0 || pp->seg[i][n] != '\0')
			return 0;
		if (p[n] == '\0')
			return i + 1 == pp->n;
		p += n + 1;
	}
}

static const struct route *
route_find(struct req *r, const struct path_parts *pp, struct captures *cap,
    int *wrong_method)
{
	const char *m = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;

	*wrong_method = 0;
	for (size_t i = 0; i < N_ROUTES; i++) {
		if (!route_match(&routes[i], pp, cap))
			continue;
		if (strcmp(routes[i].method, m) == 0)
			return &routes[i];
		*wrong_method = 1;
	}
	return NULL;
}

/* Open the site store, the district and list the path names. */
static enum status
resolve(struct req *r, const struct captures *cap)
{
	struct resolve_stamp stamp;
	enum status st;

	if ((st = storecache_site(cfg->home, &r->site)) != ST_OK)
		return st;
	if (cap->slug == NULL)
		return ST_OK;
	if (!model_slug_valid(cap->slug) ||
	    (cap->list && strlen(cap->list) > LIST_NAME_MAX))
		return ST_NOTFOUND;
	resolvecache_stamp(cfg->home, cap->slug, &stamp);
	if (resolvecache_get(&stamp, cap->slug, cap->list, &r->d, &r->l)) {
		r->has_district = 1;
		r->has_list = cap->list != NULL;
		return storecache_district(cfg->home, r->d.slug, &r->ds);
	}
	if (store_district_get(r->site, cap->slug, &r->d) != ST_OK)
		return ST_NOTFOUND;
	r->has_district = 1;
	if ((st = storecache_district(cfg->home, r->d.slug, &r->ds)) != ST_OK)
		return st;
	if (cap->list && store_list_get(r->ds, cap->list, &r->l) != ST_OK)
		return ST_NOTFOUND;
	r->has_list = cap->list != NULL;
	resolvecache_put(&stamp, &r->d, r->has_list ? &r->l : NULL);
	return ST_OK;
}

/* Everything after matching: who calls, may they, is the form genuine. */
static void
route_run(struct req *r, const struct route *rt)
{
	enum status st;
	const char *tok;

	r->route = rt;
	session_identify(r);
	if ((st = authz_check(r, rt->need)) != ST_OK) {
		if (!r->logged_in && !r->has_token && rt->need != NEED_ARCHIVE &&
		    rt->need < NEED_API_SITE && strcmp(r->method, "GET") == 0)
			req_redirect(r, "/login");
		else
			req_fail(r, st, "You are not allowed to do this here.");
		return;
	}
	if (strcmp(r->method, "POST") == 0) {
		if (req_form_parse(r) != ST_OK) {
			req_fail(r, ST_DATA, "The form is malformed.");
			return;
		}
		tok = req_form(r, "csrf");
		if (!(rt->flags & ROUTE_NO_CSRF) &&
		    (tok == NULL || !session_csrf_ok(r, tok))) {
			req_fail(r, ST_DENIED, "The form has expired or did not "
			    "come from this site; reload the page and retry.");
			return;
		}
	}
	rt->handler(r);
}

void
route_handle(struct req *r, const char *url)
{
	struct path_parts pp;
	struct captures cap;
	const struct route *rt;
	enum status st;
	int wrong_method;

	buf_init(&r->out, WEB_OUT_MAX);
	snprintf(r->path, sizeof(r->path), "%s", url);
	if (path_split(url, &pp) == -1) {
		req_fail(r, ST_DATA, "Malformed path.");
		goto out;
	}
	if ((rt = route_find(r, &pp, &cap, &wrong_method)) == NULL) {
		if (wrong_method)
			req_fail(r, ST_USAGE, "Method not allowed here.");
		else
			req_fail(r, ST_NOTFOUND, "No such page.");
		goto out;
	}
	for (int i = 0; i < cap.n_args; i++)
		r->args[r->n_args++] = cap.args[i];
	if (rt->pattern[strlen(rt->pattern) - 1] == '}' &&
	    strstr(rt->pattern, "{**}"))
		r->args[r->n_args++] = url + (pp.seg[cap.rest] - pp.copy) + 1;
	if ((st = resolve(r, &cap)) != ST_OK) {
		req_fail(r, st, st == ST_NOTFOUND ? "No such district or list." :
		    "The store is not available; try again.");
		goto out;
	}
	route_run(r, rt);
out:
	xfree(pp.copy);
}

void
route_req_free(struct req *r)
{
	if (r == NULL)
		return;
	/* r->site and r->ds belong to this thread's cache (storecache.c). */
	buf_release(&r->body);
	buf_release(&r->out);
	xfree(r->form);
	xfree(r);
}
