/* model.c - enum names, defaults and validity of the domain's fields. */
#include <ctype.h>
#include <string.h>

#include "core/addr.h"
#include "core/model.h"
#include "core/utf8.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *kind_names[] = { "discussion", "announcement", "roster" };
static const char *policy_names[] = { "open", "members", "moderated", "announce" };
static const char *nonmember_names[] = { "hold", "reject", "discard" };
static const char *dmarc_names[] = { "leave", "rewrite" };
static const char *subscribe_names[] = { "open", "confirm", "approve", "closed" };
static const char *personalize_names[] = { "auto", "yes", "no" };
static const char *digest_format_names[] = { "mime", "rfc1153" };
static const char *mode_names[] = { "regular", "digest", "nomail" };
static const char *role_names[] = { "member", "moderator", "owner" };
static const char *source_names[] = { "manual", "directory" };

static int
name_parse(const char **names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

static const char *
name_of(const char **names, size_t n, int v)
{
	return v >= 0 && (size_t)v < n ? names[v] : "unknown";
}

#define MODEL_ENUM(type, fn, names)					\
const char *model_##fn##_name(enum type v) { return name_of(names, N(names), (int)v); } \
int model_##fn##_parse(const char *s) { return name_parse(names, N(names), s); }

MODEL_ENUM(list_kind, list_kind, kind_names)
MODEL_ENUM(post_policy, policy, policy_names)
MODEL_ENUM(nonmember_action, nonmember, nonmember_names)
MODEL_ENUM(dmarc_mode, dmarc, dmarc_names)
MODEL_ENUM(subscribe_policy, subscribe, subscribe_names)
MODEL_ENUM(personalize_mode, personalize, personalize_names)
MODEL_ENUM(digest_format, digest_format, digest_format_names)
MODEL_ENUM(delivery_mode, mode, mode_names)
MODEL_ENUM(member_role, role, role_names)
MODEL_ENUM(member_source, source, source_names)

const char *
model_mode_choices(void)
{
	return "regular, digest, nomail";
}

void
model_list_defaults(struct list *l, enum list_kind kind)
{
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->nonmember = NONMEMBER_HOLD;
	l->dmarc = DMARC_REWRITE;
	l->archive_public = 0;
	switch (kind) {
	case LIST_DISCUSSION:
		l->policy = POLICY_MEMBERS;
		l->subscribe = SUBSCRIBE_CONFIRM;
		break;
	case LIST_ANNOUNCEMENT:
		l->policy = POLICY_ANNOUNCE;
		l->subscribe = SUBSCRIBE_CONFIRM;
		break;
	default:
		l->policy = POLICY_ANNOUNCE;
		l->subscribe = SUBSCRIBE_CLOSED;
		break;
	}
}

int
model_slug_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > SLUG_MAX || !isalnum((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
		    s[i] == '-'))
			return 0;
	return s[n - 1] != '-';
}

int
model_list_name_valid(const char *s, const char **reason)
{
	static const char *reserved[] = { "-request", "-owner", "-join",
	    "-leave", "-confirm", "-bounces", "-unsubscribe", "-subscribe" };
	size_t n = strlen(s);

	if (n == 0)
		return *reason = "empty list name", 0;
	if (n > LIST_NAME_MAX)
		return *reason = "list name longer than 64 characters", 0;
	if (!(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return *reason = "list name must start with a letter or digit", 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!(islower(c) || isdigit(c) || c == '-' || c == '.' || c == '_'))
			return *reason = "list name may hold only a-z, 0-9, '.', '_' and '-'", 0;
	}
	if (s[n - 1] == '.' || strstr(s, "..") || strchr(s, '+'))
		return *reason = "list name has a misplaced dot", 0;
	for (size_t i = 0; i < N(reserved); i++) {
		size_t r = strlen(reserved[i]);

		if (n >= r && strcmp(s + n - r, reserved[i]) == 0)
			return *reason = "list name ends in a reserved suffix", 0;
	}
	return 1;
}

int
model_text_valid(const char *s, size_t max, int allow_newlines)
{
	size_t n = strlen(s);

	if (n > max || !utf8_valid(s, n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' && allow_newlines)
			continue;
		if (c < 0x20 || c == 0x7f)
			return 0;
	}
	return 1;
}
