/* session.c - sessions and CSRF tokens. Session cookies are HttpOnly,
 * SameSite=Strict, and Secure under TLS; the cookie value is a random
 * token whose SHA-256 names the row in site.db. */
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/store_web.h"
#include "core/token.h"
#include "web/session.h"

static void	set_cookie(struct req *r, int slot, const char *name,
		    const char *value, long max_age);
static void	identify_token(struct req *r);

static void
set_cookie(struct req *r, int slot, const char *name, const char *value,
    long max_age)
{
	snprintf(r->cookie[slot], sizeof(r->cookie[slot]),
	    "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Strict%s", name,
	    value, max_age, r->is_tls ? "; Secure" : "");
}

static void
identify_token(struct req *r)
{
	const char *h = req_header(r, "Authorization");
	char hash[WEB_HASH_LEN + 1];

	if (h == NULL || strncmp(h, "Bearer ", 7) != 0 ||
	    !token_shape_ok(h + 7, TOKEN_LEN))
		return;
	store_web_hash(h + 7, hash);
	if (store_token_find(r->site, hash, &r->token) == ST_OK) {
		r->has_token = 1;
		snprintf(r->actor, sizeof(r->actor), "api:%s", r->token.name);
	}
}

void
session_identify(struct req *r)
{
	const char *sid = req_cookie(r, WEB_SESSION_COOKIE);
	const char *anon = req_cookie(r, WEB_CSRF_COOKIE);
	struct web_session ws;

	snprintf(r->actor, sizeof(r->actor), "web:%s", r->client);
	identify_token(r);
	if (sid && token_shape_ok(sid, TOKEN_LEN)) {
		store_web_hash(sid, r->sess_hash);
		if (store_session_get(r->site, r->sess_hash, store_now(), &ws)
		    == ST_OK && store_account_get_id(r->site, ws.account_id,
		    &r->acct) == ST_OK && !r->acct.disabled) {
			r->logged_in = 1;
			snprintf(r->csrf, sizeof(r->csrf), "%s", ws.csrf);
			snprintf(r->actor, sizeof(r->actor), "web:%s",
			    r->acct.username);
			return;
		}
	}
	r->sess_hash[0] = '\0';
	if (anon && token_shape_ok(anon, TOKEN_LEN))
		snprintf(r->csrf, sizeof(r->csrf), "%s", anon);
}

void
session_csrf_ensure(struct req *r)
{
	if (r->csrf[0])
		return;
	token_random(r->csrf);
	set_cookie(r, 1, WEB_CSRF_COOKIE, r->csrf, WEB_SESSION_TTL);
}

int
session_csrf_ok(const struct req *r, const char *tok)
{
	size_t n = strlen(r->csrf);
	unsigned char diff = 0;

	if (n == 0 || strlen(tok) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(tok[i] ^ r->csrf[i]);
	return diff == 0;
}

enum status
session_start(struct req *r, const struct account *a)
{
	char sid[TOKEN_LEN + 1];
	struct web_session ws;
	enum status st;

	token_random(sid);
	memset(&ws, 0, sizeof(ws));
	ws.account_id = a->id;
	token_random(ws.csrf);
	ws.expires = store_now() + WEB_SESSION_TTL;
	store_web_hash(sid, r->sess_hash);
	if ((st = store_session_add(r->site, r->sess_hash, &ws)) != ST_OK)
		return st;
	set_cookie(r, 0, WEB_SESSION_COOKIE, sid, WEB_SESSION_TTL);
	r->logged_in = 1;
	r->acct = *a;
	snprintf(r->csrf, sizeof(r->csrf), "%s", ws.csrf);
	return ST_OK;
}

void
session_end(struct req *r)
{
	if (r->sess_hash[0])
		(void)store_session_remove(r->site, r->sess_hash);
	set_cookie(r, 0, WEB_SESSION_COOKIE, "", 0);
	r->logged_in = 0;
}
