/* subscribe.c - subscribing and leaving, double opt-in (see subscribe.h).
 * Shared by mail commands (listd/command.c) and the web interface. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "core/config.h"
#include "core/log.h"
#include "core/notice.h"
#include "core/store_list.h"
#include "core/store_member.h"
#include "core/store_post.h"
#include "core/store_sub.h"
#include "core/subscribe.h"
#include "core/token.h"

static void
confirm_address(const struct district *d, const struct list *l,
    const char *token, char *out, size_t out_len)
{
	snprintf(out, out_len, "%s-confirm+%s@%s", l->name, token, d->domain);
}

static void
confirm_url(const struct district *d, const char *token, char *out,
    size_t out_len)
{
	snprintf(out, out_len, "%s/d/%s/confirm/%s", cfg->base_url, d->slug,
	    token);
}

enum status
subscribe_request(struct store *ds, const struct district *d,
    const struct list *l, const char *address, const char *name,
    int subscribe, char *why, size_t why_len)
{
	struct notice_vars v = { address, "", "", "", "" };
	char caddr[ADDR_MAX + 1], url[CONFIG_STR_MAX + 128];
	struct pending p;
	struct member m;
	enum status st;
	int n = 0, is_member;

	if (l->kind == LIST_ROSTER) {
		snprintf(why, why_len, "roster list: membership comes from the "
		    "district directory");
		return ST_DENIED;
	}
	if (subscribe && l->subscribe == SUBSCRIBE_CLOSED) {
		snprintf(why, why_len, "the list takes no subscription requests");
		return ST_DENIED;
	}
	is_member = store_member_get(ds, l->id, address, &m) == ST_OK;
	if (subscribe == is_member) {
		snprintf(why, why_len, subscribe ? "already a member" :
		    "not a member");
		return ST_EXISTS;
	}
	if ((st = store_pending_count(ds, l->id, address, store_now() - 86400,
	    &n)) != ST_OK)
		return st;
	if (n >= SUBSCRIBE_CONFIRMS_PER_DAY) {
		snprintf(why, why_len, "too many requests for this address today");
		return ST_DENIED;
	}
	memset(&p, 0, sizeof(p));
	token_random(p.token);
	p.list_id = l->id;
	snprintf(p.address, sizeof(p.address), "%s", address);
	snprintf(p.name, sizeof(p.name), "%s", name ? name : "");
	snprintf(p.action, sizeof(p.action), subscribe ? "subscribe" :
	    "unsubscribe");
	p.expires = store_now() + SUBSCRIBE_CONFIRM_TTL;
	if ((st = store_pending_add(ds, &p)) != ST_OK)
		return st;
	confirm_address(d, l, p.token, caddr, sizeof(caddr));
	confirm_url(d, p.token, url, sizeof(url));
	v.confirm = caddr;
	v.url = url;
	snprintf(why, why_len, "confirmation sent to %s", address);
	return notice_send(ds, d, l, address, subscribe ? "confirm-subscribe" :
	    "confirm-unsubscribe", &v, NULL);
}

static enum status
add_member(struct store *ds, const struct district *d, const struct list *l,
    const struct pending *p, char *what, size_t what_len)
{
	struct notice_vars v = { p->address, "", "", "", "" };
	struct member m;
	enum status st;

	memset(&m, 0, sizeof(m));
	m.list_id = l->id;
	snprintf(m.address, sizeof(m.address), "%s", p->address);
	snprintf(m.name, sizeof(m.name), "%s", p->name);
	m.source = SOURCE_MANUAL;
	if ((st = store_member_add(ds, &m)) == ST_EXISTS) {
		snprintf(what, what_len, "%s is already a member", p->address);
		return ST_OK;
	}
	if (st != ST_OK)
		return st;
	snprintf(what, what_len, "%s subscribed", p->address);
	return notice_send(ds, d, l, p->address, "welcome", &v, NULL);
}

/* A confirmed subscription on a list that needs an owner's approval. */
static enum status
ask_owners(struct store *ds, const struct district *d, const struct list *l,
    const struct pending *p, char *what, size_t what_len)
{
	struct notice_vars v = { p->address, "", "", "", "" };
	char caddr[ADDR_MAX + 1], url[CONFIG_STR_MAX + 128];
	struct pending a = *p;
	enum status st;

	token_random(a.token);
	snprintf(a.action, sizeof(a.action), "approve");
	a.expires = store_now() + SUBSCRIBE_CONFIRM_TTL;
	if ((st = store_pending_add(ds, &a)) != ST_OK)
		return st;
	confirm_address(d, l, a.token, caddr, sizeof(caddr));
	confirm_url(d, a.token, url, sizeof(url));
	v.confirm = caddr;
	v.url = url;
	snprintf(what, what_len, "%s waits for an owner's approval", p->address);
	return notice_send_owners(ds, d, l, 0, "approve-subscription", &v);
}

/* The moderator's answer in a reply: approve (default), reject, discard. */
static const char *
moderation_answer(const char *answer)
{
	if (answer && !g_ascii_strncasecmp(answer, "reject", 6))
		return "reject";
	if (answer && !g_ascii_strncasecmp(answer, "discard", 7))
		return "discard";
	return "approve";
}

enum status
subscribe_confirm(struct store *ds, const struct district *d, const char *token,
    const char *answer, char *what, size_t what_len)
{
	struct notice_vars v;
	struct pending p;
	struct list l;
	enum status st;

	snprintf(what, what_len, "unknown or expired confirmation");
	if (!token_shape_ok(token, TOKEN_LEN))
		return ST_NOTFOUND;
	if ((st = store_pending_take(ds, token, store_now(), &p)) != ST_OK)
		return st;
	if ((st = store_list_get_id(ds, p.list_id, &l)) != ST_OK)
		return st;
	memset(&v, 0, sizeof(v));
	v.address = p.address;
	v.confirm = v.url = v.reason = v.extra = "";
	if (!strcmp(p.action, "subscribe"))
		return l.subscribe == SUBSCRIBE_APPROVE ?
		    ask_owners(ds, d, &l, &p, what, what_len) :
		    add_member(ds, d, &l, &p, what, what_len);
	if (!strcmp(p.action, "approve"))
		return add_member(ds, d, &l, &p, what, what_len);
	if (!strcmp(p.action, "unsubscribe")) {
		if ((st = store_member_remove(ds, l.id, p.address)) == ST_NOTFOUND) {
			snprintf(what, what_len, "%s was not a member", p.address);
			return ST_OK;
		}
		snprintf(what, what_len, "%s unsubscribed", p.address);
		return st != ST_OK ? st :
		    notice_send(ds, d, &l, p.address, "goodbye", &v, NULL);
	}
	if (!strcmp(p.action, "moderate")) {
		const char *a = moderation_answer(answer);

		st = store_held_decide(ds, p.post_id, a, "mail", "");
		snprintf(what, what_len, "post %lld: %s", (long long)p.post_id, a);
		return st == ST_EXISTS || st == ST_NOTFOUND ? ST_OK : st;
	}
	return ST_NOTFOUND;
}

