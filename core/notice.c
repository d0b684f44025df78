/* notice.c - listd's own messages (see notice.h). */
#include <stdio.h>
#include <string.h>

#include <gmime/gmime.h>

#include "core/config.h"
#include "core/log.h"
#include "core/msg.h"
#include "core/msgstore.h"
#include "core/store_member.h"
#include "core/store_post.h"
#include "core/store_queue.h"
#include "core/store_sub.h"
#include "core/token.h"
#include "core/notice.h"


#define NOTICE_MAX	(256 * 1024)

struct builtin {
	const char	*name;
	const char	*text;
};

/* First line: the subject. {list} is the list's address, {name} its
 * description, {owner} its owner address. */
static const struct builtin builtins[] = {
	{ "confirm-subscribe",
	  "Confirm your subscription to {list}\n\n"
	  "Someone (hopefully you) asked to subscribe {address} to {list}\n"
	  "({name}).\n\n"
	  "To confirm, reply to this message, or send any message to\n"
	  "  {confirm}\nor open this link:\n  {url}\n\n"
	  "If you did not ask for this, ignore this message: nothing will\n"
	  "happen. The request expires in 7 days.\n" },
	{ "confirm-unsubscribe",
	  "Confirm leaving {list}\n\n"
	  "Someone (hopefully you) asked to remove {address} from {list}.\n\n"
	  "To confirm, reply to this message, or send any message to\n"
	  "  {confirm}\nor open this link:\n  {url}\n\n"
	  "If you did not ask for this, ignore this message.\n" },
	{ "welcome",
	  "Welcome to {list}\n\n"
	  "{address} is now a member of {list} ({name}).\n\n"
	  "To post, write to {list}. To leave, write to {leave}.\n"
	  "Questions go to the list's owners at {owner}.\n" },
	{ "goodbye",
	  "You have left {list}\n\n"
	  "{address} is no longer a member of {list}. Thank you.\n" },
	{ "help",
	  "Help for {list}\n\n"
	  "Send commands to {request}, one per line, in the subject or\n"
	  "the body of a plain-text message:\n\n"
	  "  subscribe           join the list (you will be asked to confirm)\n"
	  "  unsubscribe         leave the list (you will be asked to confirm)\n"
	  "  set digest          receive a daily digest instead of each post\n"
	  "  set nomail          stay a member but receive nothing\n"
	  "  set regular         receive each post as it comes\n"
	  "  help                this message\n\n"
	  "Or write to {join} to join and {leave} to leave.\n{extra}" },
	{ "command-results",
	  "Results of your commands to {list}\n\n{extra}" },
	{ "roster-refusal",
	  "{list} is a district roster list\n\n"
	  "Membership of {list} comes from the district's account\n"
	  "directory, so it cannot be changed by mail. Please contact the\n"
	  "district's office (or write to {owner}) if it is wrong.\n" },
	{ "closed-refusal",
	  "{list} does not take subscription requests\n\n"
	  "The owners of {list} add members themselves. Write to {owner}\n"
	  "to ask.\n" },
	{ "approve-subscription",
	  "Subscription request for {list}: {address}\n\n"
	  "{address} confirmed that they want to join {list}, which needs an\n"
	  "owner's approval. To approve, reply to this message or send any\n"
	  "message to\n  {confirm}\nor open\n  {url}\n"
	  "To refuse, do nothing: the request expires in 7 days.\n" },
	{ "held-digest",
	  "{reason} waiting for moderation on {list}\n\n"
	  "These posts to {list} are waiting for a moderator:\n\n{extra}\n"
	  "To approve a post, reply to its confirmation address (write\n"
	  "\"reject\" or \"discard\" in the reply to refuse it instead), or\n"
	  "use listctl held / the web interface.\n" },
	{ "rejected",
	  "Your message to {list} was not accepted\n\n"
	  "Your message to {list} was not distributed.\nReason: {reason}\n" },
	{ "held-expired",
	  "Your message to {list} expired unmoderated\n\n"
	  "Your message to {list} waited for a moderator and was not\n"
	  "reviewed in time, so it was not distributed.\n" },
	{ "bounce-disabled",
	  "Delivery to {address} on {list} stopped after bounces\n\n"
	  "Mail to {address} kept bouncing, so listd stopped sending {list}\n"
	  "to it. A probe will be sent later; if it bounces too, the member\n"
	  "will be removed.\nLast failure: {reason}\n" },
	{ "bounce-probe",
	  "Is {address} still reading {list}?\n\n"
	  "Mail from {list} to {address} bounced, so delivery was paused.\n"
	  "If you receive this message, nothing more is needed: delivery\n"
	  "resumes on its own in a few days.\n" },
	{ "generator-report",
	  "Roster update for {district}\n\n{extra}" },
	{ NULL, NULL },
};

const char *notice_template_names[] = {
	"confirm-subscribe", "confirm-unsubscribe", "welcome", "goodbye",
	"help", "command-results", "roster-refusal", "closed-refusal",
	"approve-subscription", "held-digest", "rejected", "held-expired",
	"bounce-disabled", "bounce-probe", "generator-report", NULL,
};

int
notice_template_known(const char *name)
{
	for (const struct builtin *b = builtins; b->name; b++)
		if (strcmp(b->name, name) == 0)
			return 1;
	return 0;
}

/* Append the value of variable key (n bytes at key) for the expansion. */
static void
expand_var(struct buf *out, const char *key, size_t n, const struct district *d,
    const struct list *l, const struct notice_vars *v)
{
	static const char *suffixes[][2] = { { "list", "" },
	    { "request", "-request" }, { "owner", "-owner" },
	    { "join", "-join" }, { "leave", "-leave" } };

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (strlen(suffixes[i][0]) == n && !strncmp(key, suffixes[i][0], n)) {
			buf_printf(out, "%s%s@%s", l->name, suffixes[i][1],
			    d->domain);
			return;
		}
#define VAR(k, val) if (n == strlen(k) && !strncmp(key, k, n)) { \
	buf_append_str(out, (val) ? (val) : ""); return; }
	VAR("name", l->description[0] ? l->description : l->name);
	VAR("district", d->name);
	VAR("address", v->address);
	VAR("confirm", v->confirm);
	VAR("url", v->url);
	VAR("reason", v->reason);
	VAR("extra", v->extra);
#undef VAR
	buf_append(out, key - 1, n + 2);	/* unknown: left as written */
}

void
notice_render(struct store *ds, const struct district *d, const struct list *l,
    const char *name, const struct notice_vars *vars, struct buf *out)
{
	struct buf tpl;
	const char *p;

	buf_init(&tpl, NOTICE_MAX);
	if (store_template_get(ds, l->id, name, &tpl) != ST_OK) {
		for (const struct builtin *b = builtins; b->name; b++)
			if (strcmp(b->name, name) == 0)
				buf_append_str(&tpl, b->text);
	}
	buf_reset(out);
	for (p = buf_cstr(&tpl); *p; p++) {
		const char *close;

		if (*p == '{' && (close = strchr(p + 1, '}')) != NULL &&
		    close - p < 20) {
			expand_var(out, p + 1, (size_t)(close - p - 1), d, l, vars);
			p = close;
		} else
			buf_append(out, p, 1);
	}
	buf_release(&tpl);
}

/* Build the notice as a message into out (CRLF). subject/body from text. */
static int
compose(const struct district *d, const struct list *l, const char *to,
    const char *text, struct buf *out)
{
	GMimeMessage *msg = g_mime_message_new(TRUE);
	GMimeTextPart *body = g_mime_text_part_new_with_subtype("plain");
	char from[ADDR_MAX + 1], id[128], token[TOKEN_LEN + 1], loop[ADDR_MAX + 1];
	char subject[256], listid[LIST_NAME_MAX + ADDR_DOMAIN_MAX + 4];
	const char *nl = strchr(text, '\n');
	size_t sl = nl ? (size_t)(nl - text) : strlen(text);
	int rc;

	snprintf(subject, sizeof(subject), "%.*s", (int)(sl < 255 ? sl : 255),
	    text);
	snprintf(from, sizeof(from), "%s-request@%s", l->name, d->domain);
	snprintf(loop, sizeof(loop), "%s@%s", l->name, d->domain);
	snprintf(listid, sizeof(listid), "<%s.%s>", l->name, d->domain);
	token_random(token);
	snprintf(id, sizeof(id), "listd.%s@%s", token, d->domain);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM,
	    l->description[0] ? l->description : l->name, from);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, NULL, to);
	g_mime_message_set_subject(msg, subject, "utf-8");
	g_mime_message_set_message_id(msg, id);
	{
		GDateTime *now = g_date_time_new_now_utc();

		g_mime_message_set_date(msg, now);
		g_date_time_unref(now);
	}
	msg_header_set(msg, "Auto-Submitted", "auto-replied");
	msg_header_set(msg, "X-Loop", loop);
	msg_header_set(msg, "List-Id", listid);
	g_mime_text_part_set_text(body, nl ? nl + 1 + (nl[1] == '\n') : "");
	g_mime_text_part_set_charset(body, "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(body),
	    g_mime_part_get_best_content_encoding(GMIME_PART(body),
	    GMIME_ENCODING_CONSTRAINT_7BIT));
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(body));
	rc = msg_write(msg, out);
	g_object_unref(body);
	g_object_unref(msg);
	return rc;
}

enum status
notice_post_add(struct store *ds, const struct district *d,
    const struct list *l, const char *kind, const char *label,
    const struct buf *raw, const char *reverse_path, struct post *p)
{
	enum status st;

	memset(p, 0, sizeof(*p));
	p->list_id = l->id;
	snprintf(p->kind, sizeof(p->kind), "%s", kind);
	if ((st = msgstore_put(store_dir(ds), raw->data, raw->len, p->raw_hash))
	    != ST_OK)
		return st;
	snprintf(p->message_id, sizeof(p->message_id), "%s:%s", label,
	    p->raw_hash);
	snprintf(p->body_hash, sizeof(p->body_hash), "%s", p->raw_hash);
	if (reverse_path)
		snprintf(p->sender, sizeof(p->sender), "%s", reverse_path);
	else
		snprintf(p->sender, sizeof(p->sender), "%s-bounces@%s", l->name,
		    d->domain);
	snprintf(p->author, sizeof(p->author), "%s-request@%s", l->name,
	    d->domain);
	snprintf(p->subject, sizeof(p->subject), "%s", label);
	p->size = (int64_t)raw->len;
	p->state = POST_RECEIVED;
	p->urgent = strcmp(kind, "notice") == 0;
	return store_post_add(ds, p);
}

enum status
notice_send(struct store *ds, const struct district *d, const struct list *l,
    const char *to, const char *name, const struct notice_vars *vars,
    const char *reverse_path)
{
	struct buf text, raw;
	struct post p;
	enum status st = ST_TOOBIG;

	buf_init(&text, NOTICE_MAX);
	buf_init(&raw, NOTICE_MAX * 2);
	notice_render(ds, d, l, name, vars, &text);
	if (compose(d, l, to, buf_cstr(&text), &raw) == -1)
		goto out;
	/* A confirmation must not wait behind bulk mail: urgent. */
	if ((st = notice_post_add(ds, d, l, "notice", name, &raw, reverse_path,
	    &p)) != ST_OK ||
	    (st = store_batch_add(ds, p.id, addr_domain(to), to, 1, 1)) != ST_OK)
		goto out;
	st = store_post_set_queued(ds, p.id, p.raw_hash, 1, 0);
	log_info("notice queued district=%s list=%s template=%s to=%s st=%s",
	    d->slug, l->name, name, to, status_name(st));
out:
	buf_release(&text);
	buf_release(&raw);
	return st;
}

struct owner_walk {
	struct store		*ds;
	const struct district	*d;
	const struct list	*l;
	const char		*name;
	const struct notice_vars *vars;
	int			 with_moderators;
	enum status		 st;
	int			 n;
};

static int
notify_owner(const struct member *m, void *arg)
{
	struct owner_walk *w = arg;

	if (m->role != ROLE_OWNER && !(w->with_moderators &&
	    m->role == ROLE_MODERATOR))
		return 0;
	w->n++;
	w->st = notice_send(w->ds, w->d, w->l, m->address, w->name, w->vars,
	    NULL);
	return w->st != ST_OK;
}

enum status
notice_send_owners(struct store *ds, const struct district *d,
    const struct list *l, int with_moderators, const char *name,
    const struct notice_vars *vars)
{
	struct owner_walk w = { ds, d, l, name, vars, with_moderators, ST_OK, 0 };
	struct member_filter f;
	enum status st;

	member_filter_all(&f);
	st = store_member_each(ds, l->id, &f, notify_owner, &w);
	if (w.n == 0)
		log_warnx("notice no owner district=%s list=%s template=%s",
		    d->slug, l->name, name);
	return st != ST_OK ? st : w.st;
}
