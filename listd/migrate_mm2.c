/* migrate_mm2.c - what a Mailman 2.1 list's attributes (config.pck or
 * config_list -o) mean in listd: one table row per attribute Mailman 2.1
 * uses, each mapping it or saying why it does not map. Reading the pickle
 * is core/pickle.c's job; writing the store is migrate_apply.c's. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "core/addr.h"
#include "listd/migrate.h"

/* Mailman 2.1 Defaults.py: user option bits. */
#define MM_DISABLE_DELIVERY	1
#define MM_MODERATE		128
/* MemberAdaptor.py: delivery status. */
#define MM_BYBOUNCE		4

static int64_t	int_attr(const struct mig_ctx *m, const char *name,
		    int64_t dflt);

#define MAPDEF(fn) static void fn(struct mig_ctx *m, const char *name, \
	const struct pyval *v)
MAPDEF(map_real_name); MAPDEF(map_members); MAPDEF(map_roles);
MAPDEF(map_posting); MAPDEF(map_subscribe); MAPDEF(map_archive);
MAPDEF(map_footer); MAPDEF(map_dmarc); MAPDEF(map_digest_format);
MAPDEF(map_member_part); MAPDEF(map_bounce_info);

#define map_description	migrate_map_description
#define map_prefix		migrate_map_prefix
#define map_max_size		migrate_map_max_size
#define map_accept		migrate_map_accept
#define map_fixed		migrate_map_fixed

static const struct mig_attr attrs[] = {
	{ "real_name", map_real_name },
	{ "host_name", map_fixed },
	{ "description", map_description },
	{ "info", map_fixed },
	{ "subject_prefix", map_prefix },
	{ "members", map_members },
	{ "digest_members", map_member_part },
	{ "user_options", map_member_part },
	{ "usernames", map_member_part },
	{ "delivery_status", map_member_part },
	{ "owner", map_roles },
	{ "moderator", map_roles },
	{ "generic_nonmember_action", map_posting },
	{ "default_member_moderation", map_posting },
	{ "member_moderation_action", map_posting },
	{ "subscribe_policy", map_subscribe },
	{ "archive", map_archive },
	{ "archive_private", map_archive },
	{ "max_message_size", map_max_size },
	{ "msg_footer", map_footer },
	{ "dmarc_moderation_action", map_dmarc },
	{ "from_is_list", map_dmarc },
	{ "accept_these_nonmembers", map_accept },
	{ "mime_is_default_digest", map_digest_format },
	{ "reply_goes_to_list", map_fixed },
	{ "advertised", map_fixed },
	{ "hold_these_nonmembers", map_fixed },
	{ "digestable", map_fixed },
	{ "digest_is_default", map_fixed },
	{ "passwords", map_fixed },
	{ "bounce_info", map_bounce_info },
};

/* Why the attributes listd has no counterpart for do not map. */
static const struct mig_fixed fixed[] = {
	{ "host_name", "used only to expand the footer; listd uses the "
	  "district's domain" },
	{ "info", "listd keeps one description; put the long text in a "
	  "template (listctl template set LIST welcome)" },
	{ "reply_goes_to_list", "listd never rewrites Reply-To of discussion "
	  "posts" },
	{ "advertised", "listd has no public directory of lists to hide a "
	  "list from" },
	{ "hold_these_nonmembers", "listd holds non-member posts by the "
	  "list's nonmember setting, not by pattern" },
	{ "digestable", "listd always offers digest mode" },
	{ "digest_is_default", "new listd members start in regular mode" },
	{ "passwords", "listd members have no list passwords (they sign in "
	  "to the web interface instead); not carried" },
};

#define N_ATTRS (sizeof(attrs) / sizeof(attrs[0]))
#define N_FIXED (sizeof(fixed) / sizeof(fixed[0]))

static int64_t
int_attr(const struct mig_ctx *m, const char *name, int64_t dflt)
{
	int64_t i;

	return pyval_as_int(pyval_dict_get(m->attrs, name), &i) ? i : dflt;
}

MAPDEF(map_real_name)
{
	migrate_note(m, name, v, 0, "listd names a list by its address (--to); the "
	    "capitalised name is not kept");
}

MAPDEF(map_roles)
{
	int role = strcmp(name, "owner") == 0 ? ROLE_OWNER : ROLE_MODERATOR;
	char addr[ADDR_MAX + 1];
	const char *reason;
	int trunc, n = 0;

	if (v == NULL || v->kind != PYVAL_LIST) {
		migrate_note(m, name, v, 0, "not a list; ignored");
		return;
	}
	for (size_t k = 0; k < v->n; k++) {
		struct mig_member *mm;
		char raw[ADDR_MAX * 2];

		if (migrate_text(v->items[k], raw, sizeof(raw), &trunc) == -1 ||
		    addr_normalize(raw, addr, sizeof(addr), &reason) == -1) {
			migrate_plan_note(m->p, name, raw, 0, "invalid address: "
			    "skipped");
			continue;
		}
		if ((mm = migrate_plan_find(m->p, addr)) != NULL) {
			if (role == ROLE_OWNER || mm->role != ROLE_OWNER)
				mm->role = (enum member_role)role;
		} else	/* not a member in Mailman: receives no posts */
			migrate_plan_member(m->p, addr, "", MODE_NOMAIL, role);
		n++;
	}
	migrate_plan_note(m->p, name, "", 1, "%d addresses with role %s "
	    "(those not subscribed get mode nomail)", n,
	    model_role_name((enum member_role)role));
}

/* Posting: the three Mailman settings decide policy and nonmember. */
MAPDEF(map_posting)
{
	int64_t gna = int_attr(m, "generic_nonmember_action", 1);
	int64_t dmm = int_attr(m, "default_member_moderation", 0);
	int64_t mma = int_attr(m, "member_moderation_action", 0);
	struct list *l = &m->p->l;

	if (dmm)
		l->policy = mma == 0 ? POLICY_MODERATED : POLICY_ANNOUNCE;
	else
		l->policy = gna == 0 ? POLICY_OPEN : POLICY_MEMBERS;
	l->nonmember = gna == 2 ? NONMEMBER_REJECT : gna == 3 ?
	    NONMEMBER_DISCARD : NONMEMBER_HOLD;
	if (l->policy == POLICY_ANNOUNCE)
		m->p->kind = LIST_ANNOUNCEMENT;
	m->p->mask |= MF_POLICY | MF_NONMEMBER;
	if (strcmp(name, "member_moderation_action") == 0 && dmm && mma != 0)
		migrate_note(m, name, v, 1, "policy announce (members' posts are "
		    "refused; owners, moderators and allowed senders post)");
	else
		migrate_note(m, name, v, 1, strcmp(name, "generic_nonmember_action") ?
		    "policy" : "policy and nonmember");
}

MAPDEF(map_subscribe)
{
	int64_t i;

	if (!pyval_as_int(v, &i) || i < 0 || i > 3)
		i = -1;
	migrate_map_subscribe_index(m, name, v, (int)i);
}

MAPDEF(map_archive)
{
	if (strcmp(name, "archive") == 0) {
		if (!pyval_truth(v))
			migrate_note(m, name, v, 0, "listd archives every list; the old "
			    "list kept no archive (listd's stays private)");
		else
			migrate_note(m, name, v, 1, "archive (imported from the mbox)");
		return;
	}
	m->p->l.archive_public = !pyval_truth(v) &&
	    pyval_truth(pyval_dict_get(m->attrs, "archive"));
	m->p->mask |= MF_ARCHIVE;
	migrate_note(m, name, v, 1, m->p->l.archive_public ? "archive public" :
	    "archive private");
}

/* Expand the footer's %(name)s of the values listd knows. */
static void
expand_footer(struct mig_ctx *m, char *f, size_t max)
{
	const struct { const char *key; const char *val; } vars[] = {
		{ "%(real_name)s", m->real_name },
		{ "%(host_name)s", m->host_name },
		{ "%(description)s", m->p->l.description },
	};
	GString *g = g_string_new(f);

	for (size_t k = 0; k < sizeof(vars) / sizeof(vars[0]); k++)
		g_string_replace(g, vars[k].key, vars[k].val, 0);
	snprintf(f, max + 1, "%s", g->str);
	g_string_free(g, TRUE);
	if (strstr(f, "%("))
		migrate_plan_note(m->p, "msg_footer", "%(...)s", 0, "listd does "
		    "not expand Mailman's footer variables; edit the footer "
		    "(listctl list set --footer)");
}

MAPDEF(map_footer)
{
	if (migrate_text_into(m, name, v, m->p->l.footer, FOOTER_MAX, 1) == -1)
		return;
	expand_footer(m, m->p->l.footer, FOOTER_MAX);
	m->p->mask |= MF_FOOTER;
	migrate_note(m, name, v, 1, "footer");
}

MAPDEF(map_dmarc)
{
	int64_t dma = int_attr(m, "dmarc_moderation_action", 0);
	int64_t fil = int_attr(m, "from_is_list", 0);
	int64_t i = 0;

	m->p->l.dmarc = dma == 1 || dma == 2 || fil == 1 || fil == 2 ?
	    DMARC_REWRITE : DMARC_LEAVE;
	m->p->mask |= MF_DMARC;
	(void)pyval_as_int(v, &i);
	if (strcmp(name, "dmarc_moderation_action") == 0 && (i == 3 || i == 4))
		migrate_note(m, name, v, 0, "listd does not reject or discard posts "
		    "from DMARC-strict domains; it rewrites From (dmarc rewrite)");
	else
		migrate_note(m, name, v, 1, i == 2 ? "dmarc rewrite (listd rewrites "
		    "From; it does not wrap the message)" : "dmarc");
}

MAPDEF(map_digest_format)
{
	m->p->l.digest_format = pyval_truth(v) ? DIGEST_MIME : DIGEST_RFC1153;
	m->p->mask |= MF_DIGEST_FORMAT;
	migrate_note(m, name, v, 1, "digest-format");
}

/* bounce_info: {address: Mailman.Bouncer._BounceInfo} (read as data by
 * core/pickle.c). The scores are not carried; delivery disabled by bounces
 * is (delivery_status, as mode nomail). */
MAPDEF(map_bounce_info)
{
	size_t n_records = 0;

	for (size_t k = 1; v && v->kind == PYVAL_DICT && k < v->n; k += 2)
		if (v->items[k]->kind == PYVAL_DICT && v->items[k]->is_global)
			n_records++;
	migrate_plan_note(m->p, name, "", 0, "%zu members had bounce records "
	    "(scores and dates); bounce scores start afresh in listd (members "
	    "Mailman disabled by bounces arrive with mode nomail)", n_records);
}

MAPDEF(map_member_part)
{
	migrate_note(m, name, v, 1, "members: modes, names and delivery state");
}

/* Other user option bits: what each did and why it is not kept. */
static const struct { int64_t bit; const char *name; const char *why; }
    option_bits[] = {
	{ 2, "DontReceiveOwnPosts", "listd sends members their own posts" },
	{ 4, "AcknowledgePosts", "listd sends no acknowledgement of posts" },
	{ 8, "DisableMime", "digest format is per list in listd" },
	{ 16, "ConcealSubscription", "listd never shows the roster to "
	  "members" },
	{ 32, "SuppressPasswordReminder", "listd sends no password "
	  "reminders" },
	{ 64, "ReceiveNonmatchingTopics", "listd has no topics" },
	{ 256, "DontReceiveDuplicates", "listd has no cross-list duplicate "
	  "suppression per member" },
};
#define N_BITS (sizeof(option_bits) / sizeof(option_bits[0]))

struct member_walk {
	GHashTable	*opts, *names, *status;
	int		 n_added, n_nomail, n_bounce, n_bad;
	int		 bit_count[N_BITS];
	GString		*moderated;
	int		 n_moderated;
};

/* key (lower-cased) -> value of a dict with str keys. */
static GHashTable *
index_dict(const struct pyval *d)
{
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);

	for (size_t k = 0; d && d->kind == PYVAL_DICT && k + 1 < d->n; k += 2)
		if (d->items[k]->kind == PYVAL_STR)
			g_hash_table_insert(h, g_ascii_strdown(d->items[k]->s, -1),
			    d->items[k + 1]);
	return h;
}

static void
member_flags(struct mig_ctx *m, struct member_walk *w, const char *key,
    const char *addr, int *mode)
{
	const struct pyval *st = g_hash_table_lookup(w->status, key);
	int64_t flags = 0, s;

	(void)pyval_as_int(g_hash_table_lookup(w->opts, key), &flags);
	if (flags & MM_DISABLE_DELIVERY) {
		*mode = MODE_NOMAIL;
		w->n_nomail++;
		if (st && st->kind == PYVAL_TUPLE && st->n > 0 &&
		    pyval_as_int(st->items[0], &s) && s == MM_BYBOUNCE)
			w->n_bounce++;
	}
	if (flags & MM_MODERATE) {
		if (w->n_moderated++ < 20)
			g_string_append_printf(w->moderated, "%s%s",
			    w->moderated->len ? " " : "", addr);
	}
	for (size_t b = 0; b < N_BITS; b++)
		if (flags & option_bits[b].bit)
			w->bit_count[b]++;
	(void)m;
}

static void
member_one(struct mig_ctx *m, struct member_walk *w, const struct pyval *k,
    const struct pyval *val, int mode)
{
	char raw[ADDR_MAX * 2], addr[ADDR_MAX + 1], name[NAME_MAX_LEN + 1];
	const char *reason;
	char *key;
	int trunc;

	if (migrate_text(val && val->kind == PYVAL_STR ? val : k, raw,
	    sizeof(raw), &trunc) == -1 ||
	    addr_normalize(raw, addr, sizeof(addr), &reason) == -1) {
		w->n_bad++;
		migrate_plan_note(m->p, "members", raw, 0, "invalid address: "
		    "skipped");
		return;
	}
	key = g_ascii_strdown(k->s, -1);
	name[0] = '\0';
	if (migrate_text(g_hash_table_lookup(w->names, key), name,
	    sizeof(name), &trunc) == 0 && !model_text_valid(name,
	    NAME_MAX_LEN, 0))
		name[0] = '\0';
	member_flags(m, w, key, addr, &mode);
	g_free(key);
	migrate_plan_member(m->p, addr, name, mode, ROLE_MEMBER);
	w->n_added++;
}

static void
member_dict(struct mig_ctx *m, struct member_walk *w, const struct pyval *d,
    int mode)
{
	for (size_t k = 0; d && d->kind == PYVAL_DICT && k + 1 < d->n; k += 2)
		if (d->items[k]->kind == PYVAL_STR)
			member_one(m, w, d->items[k], d->items[k + 1], mode);
}

static void
member_notes(struct mig_ctx *m, struct member_walk *w)
{
	migrate_plan_note(m->p, "members", "", 1, "%d members (%d nomail, "
	    "%d of them disabled by bounces)", w->n_added, w->n_nomail,
	    w->n_bounce);
	if (w->n_moderated)
		migrate_plan_note(m->p, "user_options:Moderate", w->moderated->str,
		    0, "%d members were moderated one by one; listd moderates "
		    "a whole list (policy moderated) or none", w->n_moderated);
	for (size_t b = 0; b < N_BITS; b++)
		if (w->bit_count[b])
			migrate_plan_note(m->p, option_bits[b].name, "", 0,
			    "%d members: %s", w->bit_count[b], option_bits[b].why);
}

MAPDEF(map_members)
{
	struct member_walk w;

	memset(&w, 0, sizeof(w));
	(void)name;
	w.opts = index_dict(pyval_dict_get(m->attrs, "user_options"));
	w.names = index_dict(pyval_dict_get(m->attrs, "usernames"));
	w.status = index_dict(pyval_dict_get(m->attrs, "delivery_status"));
	w.moderated = g_string_new("");
	member_dict(m, &w, v, MODE_REGULAR);
	member_dict(m, &w, pyval_dict_get(m->attrs, "digest_members"),
	    MODE_DIGEST);
	member_notes(m, &w);
	g_string_free(w.moderated, TRUE);
	g_hash_table_destroy(w.opts);
	g_hash_table_destroy(w.names);
	g_hash_table_destroy(w.status);
}

enum status
migrate_mm2_plan(const struct pyval *a, struct mig_plan *p, char *err,
    size_t err_len)
{
	struct mig_ctx m;
	int trunc;

	memset(&m, 0, sizeof(m));
	m.attrs = a;
	m.p = p;
	m.attrs_table = attrs;
	m.n_attrs = N_ATTRS;
	m.fixed = fixed;
	m.n_fixed = N_FIXED;
	(void)migrate_text(pyval_dict_get(a, "real_name"), m.real_name,
	    sizeof(m.real_name), &trunc);
	(void)migrate_text(pyval_dict_get(a, "host_name"), m.host_name,
	    sizeof(m.host_name), &trunc);
	return migrate_map_run(&m, err, err_len);
}
