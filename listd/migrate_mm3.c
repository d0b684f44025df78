/* migrate_mm3.c - what a Mailman 3 list's settings (the JSON object of its
 * REST API, GET /3.1/lists/<list-id>/config) mean in listd: one table row
 * per setting, each mapping it or saying why it does not map, through the
 * machinery Mailman 2.1 uses too (migrate_map.c). Reading the JSON is
 * core/pylit.c's job; writing the store is migrate_apply.c's. */
#include <stdio.h>
#include <string.h>

#include "listd/migrate.h"

#define MAPDEF(fn) static void fn(struct mig_ctx *m, const char *name, \
	const struct pyval *v)
MAPDEF(map_actions); MAPDEF(map_subscription); MAPDEF(map_archive_policy);
MAPDEF(map_dmarc);

/* Mailman 3 enumerations are strings; one of the names in vals, or -1. */
static int	enum_value(const struct pyval *v, const char *const *vals);

static const struct mig_attr attrs[] = {
	{ "display_name", migrate_map_fixed },
	{ "description", migrate_map_description },
	{ "info", migrate_map_fixed },
	{ "subject_prefix", migrate_map_prefix },
	{ "default_member_action", map_actions },
	{ "default_nonmember_action", map_actions },
	{ "subscription_policy", map_subscription },
	{ "archive_policy", map_archive_policy },
	{ "max_message_size", migrate_map_max_size },
	{ "dmarc_mitigate_action", map_dmarc },
	{ "dmarc_mitigate_unconditionally", migrate_map_fixed },
	{ "accept_these_nonmembers", migrate_map_accept },
	{ "hold_these_nonmembers", migrate_map_fixed },
	{ "reject_these_nonmembers", migrate_map_fixed },
	{ "discard_these_nonmembers", migrate_map_fixed },
	{ "advertised", migrate_map_fixed },
	{ "reply_goes_to_list", migrate_map_fixed },
	{ "reply_to_address", migrate_map_fixed },
	{ "first_strip_reply_to", migrate_map_fixed },
	{ "send_welcome_message", migrate_map_fixed },
	{ "acceptable_aliases", migrate_map_fixed },
	{ "require_explicit_destination", migrate_map_fixed },
	{ "digests_enabled", migrate_map_fixed },
	{ "digest_size_threshold", migrate_map_fixed },
	{ "digest_volume_frequency", migrate_map_fixed },
	{ "member_roster_visibility", migrate_map_fixed },
	{ "anonymous_list", migrate_map_fixed },
	{ "preferred_language", migrate_map_fixed },
	{ "moderator_password", migrate_map_fixed },
	{ "bounce_score_threshold", migrate_map_fixed },
	{ "fqdn_listname", migrate_map_fixed },
	{ "list_name", migrate_map_fixed },
	{ "mail_host", migrate_map_fixed },
	{ "list_id", migrate_map_fixed },
	{ "http_etag", migrate_map_fixed },
	{ "self_link", migrate_map_fixed },
};

#define ADDRESS_WHY "an address Mailman derives from the list name; listd " \
	"derives its own from --to"

static const struct mig_fixed fixed[] = {
	{ "display_name", "listd names a list by its address (--to); the "
	  "display name is not kept" },
	{ "info", "listd keeps one description; put the long text in a "
	  "template (listctl template set LIST welcome)" },
	{ "dmarc_mitigate_unconditionally", "listd rewrites From only for "
	  "senders whose domain publishes a strict DMARC policy" },
	{ "hold_these_nonmembers", "listd holds non-member posts by the "
	  "list's nonmember setting, not by address or pattern" },
	{ "reject_these_nonmembers", "listd rejects non-member posts by the "
	  "list's nonmember setting, not by address or pattern" },
	{ "discard_these_nonmembers", "listd discards non-member posts by the "
	  "list's nonmember setting, not by address or pattern" },
	{ "advertised", "listd has no public directory of lists to hide a "
	  "list from" },
	{ "reply_goes_to_list", "listd never rewrites Reply-To of discussion "
	  "posts" },
	{ "reply_to_address", "listd never rewrites Reply-To of discussion "
	  "posts" },
	{ "first_strip_reply_to", "listd never rewrites Reply-To, so it has "
	  "none to strip" },
	{ "send_welcome_message", "listd always welcomes a new member "
	  "(listctl template set LIST welcome changes the text)" },
	{ "acceptable_aliases", "listd accepts a post by its envelope "
	  "recipient; To and Cc are not checked" },
	{ "require_explicit_destination", "listd accepts a post by its "
	  "envelope recipient; To and Cc are not checked" },
	{ "digests_enabled", "listd always offers digest mode" },
	{ "digest_size_threshold", "listd sends digests on its own schedule" },
	{ "digest_volume_frequency", "listd has no digest volumes" },
	{ "member_roster_visibility", "listd never shows the roster to "
	  "members" },
	{ "anonymous_list", "listd keeps the author's From (or rewrites it "
	  "for DMARC only)" },
	{ "preferred_language", "listd's notices are in English; edit them "
	  "with listctl template set" },
	{ "moderator_password", "listd moderators sign in to the web "
	  "interface with their own accounts; not carried" },
	{ "bounce_score_threshold", "listd's bounce threshold is site-wide" },
	{ "fqdn_listname", ADDRESS_WHY },
	{ "list_name", ADDRESS_WHY },
	{ "mail_host", "the district of --to decides the domain" },
	{ "list_id", "listd makes the List-Id from the list's address" },
	{ "http_etag", "REST metadata" },
	{ "self_link", "REST metadata" },
};

#define N_ATTRS (sizeof(attrs) / sizeof(attrs[0]))
#define N_FIXED (sizeof(fixed) / sizeof(fixed[0]))

static int
enum_value(const struct pyval *v, const char *const *vals)
{
	if (v == NULL || v->kind != PYVAL_STR)
		return -1;
	for (int k = 0; vals[k]; k++)
		if (strcmp(v->s, vals[k]) == 0)
			return k;
	return -1;
}

/* default_member_action and default_nonmember_action decide policy and
 * nonmember together (rules: Mailman 3's moderation chain). */
enum { ACT_HOLD, ACT_REJECT, ACT_DISCARD, ACT_ACCEPT, ACT_DEFER };
static const char *const actions[] = { "hold", "reject", "discard",
	"accept", "defer", NULL };

MAPDEF(map_actions)
{
	int mem = enum_value(pyval_dict_get(m->attrs, "default_member_action"),
	    actions);
	int non = enum_value(pyval_dict_get(m->attrs,
	    "default_nonmember_action"), actions);
	struct list *l = &m->p->l;

	if (enum_value(v, actions) < 0) {
		migrate_note(m, name, v, 0, "not hold, reject, discard, accept or "
		    "defer; listd's default stays");
		return;
	}
	if (mem < 0)
		mem = ACT_DEFER;	/* Mailman 3's defaults */
	if (non < 0)
		non = ACT_HOLD;
	if (mem == ACT_HOLD)
		l->policy = POLICY_MODERATED;
	else if (mem == ACT_REJECT || mem == ACT_DISCARD)
		l->policy = POLICY_ANNOUNCE;
	else
		l->policy = non == ACT_ACCEPT || non == ACT_DEFER ?
		    POLICY_OPEN : POLICY_MEMBERS;
	l->nonmember = non == ACT_REJECT ? NONMEMBER_REJECT :
	    non == ACT_DISCARD ? NONMEMBER_DISCARD : NONMEMBER_HOLD;
	if (l->policy == POLICY_ANNOUNCE)
		m->p->kind = LIST_ANNOUNCEMENT;
	m->p->mask |= MF_POLICY | MF_NONMEMBER;
	if (strcmp(name, "default_member_action") == 0)
		migrate_note(m, name, v, 1, l->policy == POLICY_ANNOUNCE ?
		    "policy announce (members' posts are refused; owners, "
		    "moderators and allowed senders post)" : "policy");
	else
		migrate_note(m, name, v, 1, l->policy == POLICY_OPEN ?
		    "policy open (anyone may post)" : "nonmember");
}

MAPDEF(map_subscription)
{
	static const char *const vals[] = { "open", "confirm", "moderate",
		"confirm_then_moderate", NULL };

	migrate_map_subscribe_index(m, name, v, enum_value(v, vals));
}

MAPDEF(map_archive_policy)
{
	static const char *const vals[] = { "never", "private", "public",
		NULL };
	int i = enum_value(v, vals);

	if (i < 0) {
		migrate_note(m, name, v, 0, "unknown value; listd's archive "
		    "stays private");
		return;
	}
	m->p->l.archive_public = i == 2;
	m->p->mask |= MF_ARCHIVE;
	migrate_note(m, name, v, i > 0, i == 0 ? "listd archives every list; "
	    "the old list kept no archive (listd's stays private)" : i == 2 ?
	    "archive public" : "archive private");
}

MAPDEF(map_dmarc)
{
	static const char *const vals[] = { "no_mitigation", "munge_from",
		"wrap_message", "reject", "discard", NULL };
	int i = enum_value(v, vals);

	if (i < 0) {
		migrate_note(m, name, v, 0, "unknown value; listd's default "
		    "stays");
		return;
	}
	m->p->l.dmarc = i == 0 ? DMARC_LEAVE : DMARC_REWRITE;
	m->p->mask |= MF_DMARC;
	if (i >= 3)
		migrate_note(m, name, v, 0, "listd does not reject or discard "
		    "posts from DMARC-strict domains; it rewrites From (dmarc "
		    "rewrite)");
	else
		migrate_note(m, name, v, 1, i == 2 ? "dmarc rewrite (listd "
		    "rewrites From; it does not wrap the message)" : "dmarc");
}

enum status
migrate_mm3_plan(const struct pyval *config, struct mig_plan *p, char *err,
    size_t err_len)
{
	struct mig_ctx m;

	memset(&m, 0, sizeof(m));
	m.attrs = config;
	m.p = p;
	m.attrs_table = attrs;
	m.n_attrs = N_ATTRS;
	m.fixed = fixed;
	m.n_fixed = N_FIXED;
	m.json = 1;
	return migrate_map_run(&m, err, err_len);
}
