/* ctl_token.c - listctl token add|list|revoke: bearer tokens of the JSON
 * API, scoped to one district or to the site. The token is printed once;
 * only its SHA-256 is stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/account.h"
#include "core/store_site.h"
#include "core/store_web.h"
#include "core/token.h"
#include "listd/ctl.h"

static int token_add(struct ctl *);
static int token_list(struct ctl *);
static int token_revoke(struct ctl *);

const struct ctl_verb ctl_token_verbs[] = {
	{ "add", "site,district=", 1, 1, "add NAME [--site | --district SLUG]",
	  "make an API token (printed once) for a district or the site",
	  token_add },
	{ "list", "", 0, 0, "list", "list tokens (never their value)",
	  token_list },
	{ "revoke", "", 1, 1, "revoke ID", "revoke a token for good",
	  token_revoke },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

static int
token_add(struct ctl *c)
{
	const char *slug = ctl_opt(c, "district");
	char tok[TOKEN_LEN + 1];
	struct api_token t;
	struct district d;
	enum status st;

	if (ctl_flag(c, "site") == (slug != NULL))
		return ctl_fail(c, ST_USAGE, "give exactly one of --site and "
		    "--district SLUG");
	if (!*c->pos[0] || !model_text_valid(c->pos[0], NAME_MAX_LEN, 0))
		return ctl_fail(c, ST_USAGE, "invalid token name");
	if (ctl_site(c) == NULL)
		return status_exit(ST_TEMP);
	if (slug && store_district_get(c->site, slug, &d) != ST_OK)
		return ctl_fail(c, ST_NOTFOUND, "no district \"%s\"", slug);
	memset(&t, 0, sizeof(t));
	snprintf(t.name, sizeof(t.name), "%s", c->pos[0]);
	snprintf(t.district, sizeof(t.district), "%s", slug ? slug : "");
	if ((st = account_token_create(c->site, &t, tok)) != ST_OK)
		return ctl_fail(c, st, "cannot store the token");
	ctl_audit(c, t.district, "token.add", "id=%lld name=%s",
	    (long long)t.id, t.name);
	if (c->json) {
		struct json j;

		ctl_json_begin(&j, 4096);
		json_obj_begin(&j);
		json_kv_int(&j, "id", t.id);
		json_kv_str(&j, "name", t.name);
		json_kv_str(&j, "district", t.district);
		json_kv_str(&j, "token", tok);
		json_obj_end(&j);
		return ctl_json_end(&j);
	}
	printf("token %lld for %s: %s\n", (long long)t.id,
	    slug ? slug : "the site", tok);
	return 0;
}

static int
token_row(const struct api_token *t, void *arg)
{
	struct json *j = arg;
	char when[32];

	if (j == NULL) {
		ctl_time(t->created, when, sizeof(when));
		printf("%-5lld %-24s %-16s %s%s\n", (long long)t->id, t->name,
		    t->district[0] ? t->district : "(site)", when,
		    t->revoked ? " revoked" : "");
		return 0;
	}
	json_obj_begin(j);
	json_kv_int(j, "id", t->id);
	json_kv_str(j, "name", t->name);
	json_kv_str(j, "district", t->district);
	json_kv_int(j, "created", t->created);
	json_kv_int(j, "last_used", t->last_used);
	json_kv_bool(j, "revoked", t->revoked);
	json_obj_end(j);
	return 0;
}

static int
token_list(struct ctl *c)
{
	struct json j;

	if (ctl_site(c) == NULL)
		return status_exit(ST_TEMP);
	if (c->json) {
		ctl_json_begin(&j, 1 << 20);
		json_arr_begin(&j);
	}
	(void)store_token_each(c->site, token_row, c->json ? &j : NULL);
	if (c->json) {
		json_arr_end(&j);
		return ctl_json_end(&j);
	}
	return 0;
}

static int
token_revoke(struct ctl *c)
{
	char *end;
	long long id = strtoll(c->pos[0], &end, 10);
	enum status st;

	if (*end || id <= 0)
		return ctl_fail(c, ST_USAGE, "token id must be a number");
	if (ctl_site(c) == NULL)
		return status_exit(ST_TEMP);
	if ((st = store_token_revoke(c->site, id)) != ST_OK)
		return ctl_fail(c, st, "no live token %lld", id);
	ctl_audit(c, "", "token.revoke", "id=%lld", id);
	if (!c->json)
		printf("revoked token %lld\n", id);
	return 0;
}
