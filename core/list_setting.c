/* list_setting.c - the table of a list's changeable settings (see
 * list_setting.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/list_setting.h"

static const char *const policies[] = { "open", "members", "moderated",
    "announce", NULL };
static const char *const nonmembers[] = { "hold", "reject", "discard", NULL };
static const char *const dmarcs[] = { "leave", "rewrite", NULL };
static const char *const subscribes[] = { "open", "confirm", "approve",
    "closed", NULL };
static const char *const archives[] = { "private", "public", NULL };
static const char *const personalizes[] = { "auto", "yes", "no", NULL };
static const char *const digest_formats[] = { "mime", "rfc1153", NULL };

#define ENUM_SETTING(fn, member, type, parse, name, choices)		\
static const char *							\
get_##fn(const struct list *l, char *b, size_t n)			\
{									\
	(void)b; (void)n;						\
	return name(l->member);						\
}									\
static const char *							\
set_##fn(struct list *l, const char *v)				\
{									\
	int k = parse(v);						\
	if (k < 0)							\
		return "expected one of: " choices;			\
	l->member = (type)k;						\
	return NULL;							\
}

ENUM_SETTING(policy, policy, enum post_policy, model_policy_parse,
    model_policy_name, "open, members, moderated, announce")
ENUM_SETTING(nonmember, nonmember, enum nonmember_action,
    model_nonmember_parse, model_nonmember_name, "hold, reject, discard")
ENUM_SETTING(dmarc, dmarc, enum dmarc_mode, model_dmarc_parse,
    model_dmarc_name, "leave, rewrite")
ENUM_SETTING(subscribe, subscribe, enum subscribe_policy,
    model_subscribe_parse, model_subscribe_name,
    "open, confirm, approve, closed")
ENUM_SETTING(personalize, personalize, enum personalize_mode,
    model_personalize_parse, model_personalize_name, "auto, yes, no")
ENUM_SETTING(digest_format, digest_format, enum digest_format,
    model_digest_format_parse, model_digest_format_name, "mime, rfc1153")

/* A text setting: copy v into the field after the validity check. */
#define TEXT_SETTING(fn, member, max, lines, why)			\
static const char *							\
get_##fn(const struct list *l, char *b, size_t n)			\
{									\
	(void)b; (void)n;						\
	return l->member;						\
}									\
static const char *							\
set_##fn(struct list *l, const char *v)				\
{									\
	if (!model_text_valid(v, max, lines))				\
		return why;						\
	snprintf(l->member, sizeof(l->member), "%s", v);		\
	return NULL;							\
}

TEXT_SETTING(description, description, DESC_MAX, 1,
    "must be UTF-8 text of at most 1000 bytes")
TEXT_SETTING(prefix, subject_prefix, PREFIX_MAX, 0,
    "must be one line of UTF-8 text, at most 64 bytes")
TEXT_SETTING(footer, footer, FOOTER_MAX, 1,
    "must be UTF-8 text of at most 2000 bytes")

static const char *
get_archive(const struct list *l, char *b, size_t n)
{
	(void)b; (void)n;
	return l->archive_public ? "public" : "private";
}

static const char *
set_archive(struct list *l, const char *v)
{
	if (strcmp(v, "public") != 0 && strcmp(v, "private") != 0)
		return "expected public or private";
	l->archive_public = strcmp(v, "public") == 0;
	return NULL;
}

static const char *
get_max_size(const struct list *l, char *b, size_t n)
{
	snprintf(b, n, "%ld", l->max_size);
	return b;
}

static const char *
set_max_size(struct list *l, const char *v)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 0 || n > 1024L * 1024 * 1024)
		return "expected a number of bytes (0 for the site limit)";
	l->max_size = n;
	return NULL;
}

const struct list_setting list_settings[] = {
	{ "description", "description", "Description", NULL, 1,
	  get_description, set_description },
	{ "policy", "policy", "Who may post", policies, 0, get_policy,
	  set_policy },
	{ "nonmember", "nonmember", "Posts from non-members", nonmembers, 0,
	  get_nonmember, set_nonmember },
	{ "dmarc", "dmarc", "From rewriting (DMARC)", dmarcs, 0, get_dmarc,
	  set_dmarc },
	{ "subscribe", "subscribe", "Subscription", subscribes, 0,
	  get_subscribe, set_subscribe },
	{ "archive", "archive", "Archive", archives, 0, get_archive,
	  set_archive },
	{ "subject-prefix", "subject_prefix", "Subject prefix", NULL, 0,
	  get_prefix, set_prefix },
	{ "footer", "footer", "Footer", NULL, 1, get_footer, set_footer },
	{ "max-size", "max_size", "Largest post in bytes (0: site limit)", NULL,
	  0, get_max_size, set_max_size },
	{ "personalize", "personalize", "Per-member copies (one-click "
	  "unsubscribe)", personalizes, 0, get_personalize, set_personalize },
	{ "digest-format", "digest_format", "Digest format", digest_formats, 0,
	  get_digest_format, set_digest_format },
};

const size_t n_list_settings = sizeof(list_settings) / sizeof(list_settings[0]);
