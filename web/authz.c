/* authz.c - authorisation in one place: need (from the route table) against
 * the caller (session account or API token) and the district and list the
 * path resolved to. Nothing else in web/ decides who may do what. */
#include <string.h>

#include "core/config.h"
#include "core/store_member.h"
#include "web/authz.h"

static int	list_role_at_least(struct req *r, enum member_role min);
static enum status authz_metrics(struct req *r);

/* Is the account's address a member of r->l with at least role min? */
static int
list_role_at_least(struct req *r, enum member_role min)
{
	struct member m;

	if (!r->has_list || r->acct.email[0] == '\0')
		return 0;
	if (store_member_get(r->ds, r->l.id, r->acct.email, &m) != ST_OK)
		return 0;
	return (int)m.role >= (int)min;
}

int
req_is_district_admin(struct req *r)
{
	if (!r->logged_in)
		return 0;
	if (r->acct.is_site_admin)
		return 1;
	return r->has_district && store_role_has(r->site, r->acct.id,
	    r->d.slug, "admin") == ST_OK;
}

static enum status
authz_token(struct req *r, enum need need)
{
	if (!r->has_token)
		return ST_DENIED;
	if (r->token.district[0] == '\0')
		return ST_OK;
	if (need == NEED_API_DISTRICT && r->has_district &&
	    strcmp(r->token.district, r->d.slug) == 0)
		return ST_OK;
	return ST_DENIED;
}

/* Equal strings, in time that does not depend on where they differ. */
static int
secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = la != lb;

	for (size_t i = 0; i < la; i++)
		diff |= (unsigned char)(a[i] ^ b[i % (lb ? lb : 1)]);
	return diff == 0;
}

/* Did the request come straight from this host, not through a proxy that
 * says whom it forwards for? */
static int
from_loopback(struct req *r)
{
	if (req_header(r, "Forwarded") || req_header(r, "X-Forwarded-For") ||
	    req_header(r, "X-Real-IP"))
		return 0;
	return strncmp(r->client, "127.", 4) == 0 ||
	    strcmp(r->client, "::1") == 0;
}

/* /metrics names every district and its volumes: a site-wide API token,
 * [http] metrics_token, or (metrics_loopback) a direct loopback client. */
static enum status
authz_metrics(struct req *r)
{
	const char *h = req_header(r, "Authorization");

	if (r->has_token && r->token.district[0] == '\0')
		return ST_OK;
	if (cfg->metrics_token[0] && h && strncmp(h, "Bearer ", 7) == 0 &&
	    secret_equal(h + 7, cfg->metrics_token))
		return ST_OK;
	if (h == NULL && cfg->metrics_loopback && from_loopback(r))
		return ST_OK;
	return ST_DENIED;
}

enum status
authz_check(struct req *r, enum need need)
{
	switch (need) {
	case NEED_PUBLIC:
		return ST_OK;
	case NEED_METRICS:
		return authz_metrics(r);
	case NEED_API_SITE:
	case NEED_API_DISTRICT:
		return authz_token(r, need);
	case NEED_ARCHIVE:
		if (r->has_list && r->l.archive_public)
			return ST_OK;
		return req_is_district_admin(r) ||
		    list_role_at_least(r, ROLE_MEMBER) ? ST_OK : ST_DENIED;
	default:
		break;
	}
	if (!r->logged_in)
		return ST_DENIED;
	switch (need) {
	case NEED_LOGIN:
		return ST_OK;
	case NEED_SITE:
		return r->acct.is_site_admin ? ST_OK : ST_DENIED;
	case NEED_DISTRICT:
		return req_is_district_admin(r) ? ST_OK : ST_DENIED;
	case NEED_OWNER:
		return req_is_district_admin(r) ||
		    list_role_at_least(r, ROLE_OWNER) ? ST_OK : ST_DENIED;
	case NEED_MODERATOR:
		return req_is_district_admin(r) ||
		    list_role_at_least(r, ROLE_MODERATOR) ? ST_OK : ST_DENIED;
	default:
		return ST_DENIED;
	}
}
