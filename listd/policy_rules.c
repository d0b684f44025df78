/* policy_rules.c - the set of rules in effect for one list: loading the
 * site's, the district's and the list's from their stores, the built-in
 * presets (student-safe), and rule labels. Judging is in policy.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "core/model.h"
#include "core/xmem.h"
#include "listd/policy.h"

struct preset_rule {
	enum policy_kind	 kind;
	const char		*pattern;
	enum policy_action	 action;
};

#define EXE_MSG "executables and scripts are not accepted on this list"

/* student-safe: executables and scripts refused (by extension and by MIME
 * type), and a short, mild word list held for a moderator. Districts extend
 * it with their own rules; README.md documents it. */
static const struct preset_rule student_safe[] = {
	{ POLICY_ATTACH_DENY, "exe", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "com", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "scr", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "bat", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "cmd", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "pif", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "msi", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "dll", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "vbs", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "vbe", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "js", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "jse", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "wsf", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "hta", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "ps1", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "jar", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "lnk", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "reg", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "sh", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "application/x-msdownload", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "application/x-dosexec", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "application/x-msdos-program", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "application/x-msi", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "application/x-sh", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "application/javascript", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "application/java-archive", POLICY_REJECT },
	{ POLICY_ATTACH_DENY, "application/hta", POLICY_REJECT },
	{ POLICY_WORD, "kill yourself", POLICY_HOLD },
	{ POLICY_WORD, "kys", POLICY_HOLD },
	{ POLICY_WORD, "self harm", POLICY_HOLD },
	{ POLICY_WORD, "hurt myself", POLICY_HOLD },
	{ POLICY_WORD, "suicide", POLICY_HOLD },
	{ POLICY_WORD, "shit", POLICY_HOLD },
	{ POLICY_WORD, "fuck", POLICY_HOLD },
	{ POLICY_WORD, "bitch", POLICY_HOLD },
	{ POLICY_WORD, "asshole", POLICY_HOLD },
};

static const struct {
	const char		*name;
	const struct preset_rule *rules;
	size_t			 n;
} presets[] = {
	{ POLICY_PRESET_STUDENT_SAFE, student_safe,
	  sizeof(student_safe) / sizeof(student_safe[0]) },
};

#define N_PRESETS (sizeof(presets) / sizeof(presets[0]))

static int add_cb(const struct policy_rule *r, void *arg);

void
policy_set_init(struct policy_set *set, const char *slug)
{
	memset(set, 0, sizeof(*set));
	snprintf(set->slug, sizeof(set->slug), "%s", slug ? slug : "");
}

void
policy_set_release(struct policy_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		g_free(set->keys[i]);
	xfree(set->keys);
	xfree(set->rules);
	set->rules = NULL;
	set->keys = NULL;
	set->n = set->cap = 0;
}

void
policy_set_add(struct policy_set *set, const struct policy_rule *r)
{
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 32;
		set->rules = xrealloc(set->rules, set->cap * sizeof(*set->rules));
		set->keys = xrealloc(set->keys, set->cap * sizeof(*set->keys));
	}
	set->rules[set->n] = *r;
	if (r->kind == POLICY_WORD)
		set->keys[set->n] = policy_fold(r->pattern, strlen(r->pattern));
	else	/* types and extensions compare without case, no dot */
		set->keys[set->n] = g_ascii_strdown(r->pattern +
		    (r->pattern[0] == '.'), -1);
	set->n++;
}

static int
add_cb(const struct policy_rule *r, void *arg)
{
	policy_set_add(arg, r);
	return 0;
}

int
policy_preset_known(const char *name)
{
	for (size_t i = 0; i < N_PRESETS; i++)
		if (strcmp(presets[i].name, name) == 0)
			return 1;
	return 0;
}

int
policy_preset_add(struct policy_set *set, const char *name)
{
	struct policy_rule r;

	for (size_t i = 0; i < N_PRESETS; i++) {
		if (strcmp(presets[i].name, name) != 0)
			continue;
		for (size_t k = 0; k < presets[i].n; k++) {
			memset(&r, 0, sizeof(r));
			r.scope = POLICY_DISTRICT;
			r.kind = presets[i].rules[k].kind;
			r.action = presets[i].rules[k].action;
			snprintf(r.pattern, sizeof(r.pattern), "%s",
			    presets[i].rules[k].pattern);
			if (r.kind == POLICY_ATTACH_DENY)
				snprintf(r.message, sizeof(r.message), EXE_MSG);
			r.preset = presets[i].name;
			policy_set_add(set, &r);
		}
		return 0;
	}
	return -1;
}

enum status
policy_set_load(struct policy_set *set, struct store *site, struct store *ds,
    int64_t list_id)
{
	enum status st;
	int is_on;

	if (site && (st = store_policy_each(site, 0, add_cb, set)) != ST_OK)
		return st;
	/* The district's rules and the list's; order does not decide, the
	 * scope does (policy.c). */
	if ((st = store_policy_each(ds, list_id > 0 ? list_id : 0, add_cb, set))
	    != ST_OK)
		return st;
	for (size_t i = 0; i < N_PRESETS; i++) {
		if ((st = store_policy_preset_get(ds, presets[i].name, &is_on))
		    != ST_OK)
			return st;
		if (is_on)
			policy_preset_add(set, presets[i].name);
	}
	return st;
}

void
policy_rule_label(const struct policy_set *set, const struct policy_rule *r,
    char *out, size_t out_len)
{
	if (r->preset)
		snprintf(out, out_len, "preset:%s", r->preset);
	else if (r->scope == POLICY_SITE)
		snprintf(out, out_len, "site:%lld", (long long)r->id);
	else
		snprintf(out, out_len, "%s:%lld", set->slug, (long long)r->id);
}

int
policy_size_parse(const char *s, size_t *out)
{
	unsigned long long v, mul = 1;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (*end == 'K' || *end == 'k')
		mul = 1024, end++;
	else if (*end == 'M' || *end == 'm')
		mul = 1024 * 1024, end++;
	else if (*end == 'G' || *end == 'g')
		mul = 1024 * 1024 * 1024, end++;
	if (*end != '\0' || v == 0 || v > (1ULL << 30) / mul)
		return -1;
	*out = (size_t)(v * mul);
	return 0;
}

/* "type/subtype", "type/\*" (a wildcard subtype) or an extension ("exe"). */
static int
attach_pattern_valid(const char *p)
{
	const char *slash = strchr(p, '/');
	size_t n = strlen(p);

	if (slash == NULL) {
		p += p[0] == '.';
		n = strlen(p);
		return n > 0 && n <= 32 && strspn(p, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-~") == n;
	}
	if (slash == p || slash[1] == '\0' || strchr(slash + 1, '/'))
		return 0;
	if (strcmp(slash + 1, "*") == 0)
		n -= 1;	/* the span stops at the star */
	return strspn(p, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&^_.+-/") == n;
}

int
policy_rule_valid(const struct policy_rule *r, const char **why)
{
	size_t size;

	*why = NULL;
	if (r->pattern[0] == '\0' || !model_text_valid(r->pattern,
	    POLICY_PATTERN_MAX, 0))
		*why = "the pattern must be one line of text (UTF-8)";
	else if (r->kind == POLICY_MAX_SIZE &&
	    policy_size_parse(r->pattern, &size) == -1)
		*why = "max_size takes a size such as 500000, 512K or 10M "
		    "(at most 1G)";
	else if ((r->kind == POLICY_ATTACH_DENY ||
	    r->kind == POLICY_ATTACH_ALLOW) && !attach_pattern_valid(r->pattern))
		*why = "an attachment pattern is a MIME type (application/pdf, "
		    "image/*) or a file extension (exe)";
	else if (r->kind == POLICY_WORD) {
		char *k = policy_fold(r->pattern, strlen(r->pattern));

		if (strlen(k) < 3)
			*why = "a word pattern needs a letter or a digit";
		g_free(k);
	}
	for (const char *p = r->message; *why == NULL && *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*why = "the message must be one line of printable ASCII "
			    "(it becomes an SMTP reply)";
	if (*why == NULL && strlen(r->message) > POLICY_MESSAGE_MAX)
		*why = "the message is too long";
	return *why ? -1 : 0;
}
