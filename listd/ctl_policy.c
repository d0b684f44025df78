/* ctl_policy.c - listctl policy add|list|remove|preset|test: content rules
 * at site, district and list level, the student-safe preset, and a dry run
 * of a saved message against the rules in effect for a list. Matching is
 * listd/policy.c; storage core/store_policy.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/msg.h"
#include "core/store_policy.h"
#include "core/xmem.h"
#include "listd/ctl.h"
#include "listd/policy.h"

#define POLICY_TEST_MAX	((size_t)64 << 20)	/* bytes of a tested file */

static int policy_add(struct ctl *);
static int policy_list(struct ctl *);
static int policy_remove(struct ctl *);
static int policy_preset(struct ctl *);
static int policy_test(struct ctl *);

const struct ctl_verb ctl_policy_verbs[] = {
	{ "add", "site,district=,list=,kind=,pattern=,action=,message=", 0, 0,
	  "add --site|--district D|--list L@DOMAIN --kind K --pattern P "
	  "--action hold|reject|discard [--message TEXT]",
	  "add a rule; kinds: max_size, attachment_deny, attachment_allow, word",
	  policy_add },
	{ "list", "site,district=,list=", 0, 0,
	  "list [--site|--district D|--list L@DOMAIN]",
	  "the rules in effect there (inherited ones marked)", policy_list },
	{ "remove", "", 1, 1, "remove ID",
	  "remove a rule by its id (site:N or DISTRICT:N)", policy_remove },
	{ "preset", "district=", 2, 2, "preset student-safe --district D on|off",
	  "switch a district's built-in rule set on or off", policy_preset },
	{ "test", "", 2, 2, "test L@DOMAIN FILE.eml",
	  "dry run: the verdict for a saved message and the rule that matched",
	  policy_test },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

/* Where a command points: the site, a district, or a list. */
struct where {
	enum policy_scope	 scope;
	struct district		 d;
	struct list		 l;
	struct store		*ds;	/* NULL for the site */
};

/* Resolve exactly one of --site, --district, --list (none: the site when
 * may_default). Returns 0 or the exit code after reporting. */
static int
open_where(struct ctl *c, struct where *w, int may_default)
{
	const char *dist = ctl_opt(c, "district"), *list = ctl_opt(c, "list");
	int n = ctl_flag(c, "site") + (dist != NULL) + (list != NULL);

	memset(w, 0, sizeof(*w));
	if (n > 1 || (n == 0 && !may_default))
		return ctl_fail(c, ST_USAGE, "give one of --site, --district D "
		    "or --list LIST@DOMAIN");
	if (list) {
		w->scope = POLICY_LIST;
		return ctl_open_list(c, list, &w->d, &w->ds, &w->l);
	}
	if (dist) {
		w->scope = POLICY_DISTRICT;
		return ctl_open_district(c, dist, &w->d, &w->ds);
	}
	w->scope = POLICY_SITE;
	return ctl_site(c) ? 0 : status_exit(ST_TEMP);
}

/* Fill r from --kind, --pattern, --action, --message. */
static int
rule_from_opts(struct ctl *c, const struct where *w, struct policy_rule *r)
{
	const char *kind = ctl_opt(c, "kind"), *pat = ctl_opt(c, "pattern");
	const char *act = ctl_opt(c, "action"), *msg = ctl_opt(c, "message");
	const char *why;
	int k, a;

	memset(r, 0, sizeof(*r));
	if (!kind || !pat || !act)
		return ctl_fail(c, ST_USAGE, "--kind, --pattern and --action "
		    "are required");
	if ((k = store_policy_kind_parse(kind)) < 0)
		return ctl_fail(c, ST_USAGE, "--kind: \"%s\" is not one of "
		    "max_size, attachment_deny, attachment_allow, word", kind);
	if ((a = store_policy_action_parse(act)) < 0)
		return ctl_fail(c, ST_USAGE, "--action: \"%s\" is not one of "
		    "hold, reject, discard", act);
	if (strlen(pat) > POLICY_PATTERN_MAX || (msg && strlen(msg) >
	    POLICY_MESSAGE_MAX))
		return ctl_fail(c, ST_USAGE, "--pattern is at most %d bytes, "
		    "--message at most %d", POLICY_PATTERN_MAX,
		    POLICY_MESSAGE_MAX);
	r->scope = w->scope;
	r->list_id = w->l.id;
	r->kind = (enum policy_kind)k;
	r->action = (enum policy_action)a;
	snprintf(r->pattern, sizeof(r->pattern), "%s", pat);
	snprintf(r->message, sizeof(r->message), "%s", msg ? msg : "");
	if (policy_rule_valid(r, &why) == -1)
		return ctl_fail(c, ST_USAGE, "%s rule \"%s\": %s", kind, pat, why);
	return 0;
}

static int
policy_add(struct ctl *c)
{
	struct policy_set set;
	struct policy_rule r;
	struct where w;
	char label[POLICY_LABEL_MAX];
	enum status st;
	int rc;

	if ((rc = open_where(c, &w, 0)) != 0)
		return rc;
	if ((rc = rule_from_opts(c, &w, &r)) != 0)
		goto out;
	st = store_policy_add(w.ds ? w.ds : c->site, &r);
	if (st != ST_OK) {
		rc = ctl_fail(c, st == ST_EXISTS ? ST_EXISTS : st, st == ST_EXISTS ?
		    "a %s rule for \"%s\" is already there" : st == ST_TOOBIG ?
		    "too many rules (%s \"%s\")" : "cannot store the %s rule "
		    "\"%s\"", store_policy_kind_name(r.kind), r.pattern);
		goto out;
	}
	policy_set_init(&set, w.d.slug);
	policy_rule_label(&set, &r, label, sizeof(label));
	ctl_audit(c, w.d.slug, "policy.add", "rule=%s kind=%s action=%s",
	    label, store_policy_kind_name(r.kind),
	    store_policy_action_name(r.action));
	if (c->json) {
		struct json j;

		ctl_json_begin(&j, 4096);
		json_obj_begin(&j);
		json_kv_str(&j, "id", label);
		json_obj_end(&j);
		rc = ctl_json_end(&j);
	} else
		printf("rule %s added\n", label);
out:
	store_close(w.ds);
	return rc;
}

static void
print_rule(struct ctl *c, struct json *j, const struct policy_set *set,
    const struct policy_rule *r, enum policy_scope here)
{
	char label[POLICY_LABEL_MAX];
	int inherited = r->scope < here || (r->preset && here != POLICY_SITE);

	policy_rule_label(set, r, label, sizeof(label));
	if (c->json) {
		json_obj_begin(j);
		json_kv_str(j, "id", label);
		json_kv_str(j, "scope", store_policy_scope_name(r->scope));
		json_kv_str(j, "kind", store_policy_kind_name(r->kind));
		json_kv_str(j, "pattern", r->pattern);
		json_kv_str(j, "action", store_policy_action_name(r->action));
		json_kv_str(j, "message", r->message);
		json_kv_bool(j, "inherited", inherited);
		json_obj_end(j);
	} else
		printf("%s\t%s\t%s\t%s\t%s\t%s%s\n", label,
		    store_policy_scope_name(r->scope),
		    store_policy_kind_name(r->kind), r->pattern,
		    store_policy_action_name(r->action), r->message,
		    inherited ? "\t(inherited)" : "");
}

static int
policy_list(struct ctl *c)
{
	struct policy_set set;
	struct where w;
	struct json j;
	enum status st;
	int rc;

	if ((rc = open_where(c, &w, 1)) != 0)
		return rc;
	policy_set_init(&set, w.d.slug);
	if (w.ds)
		st = policy_set_load(&set, c->site, w.ds, w.l.id);
	else
		st = policy_set_load(&set, NULL, c->site, 0);
	if (st != ST_OK) {
		rc = ctl_fail(c, st, "cannot read the rules (%s)",
		    status_name(st));
		goto out;
	}
	if (c->json) {
		ctl_json_begin(&j, 16 << 20);
		json_arr_begin(&j);
	}
	for (size_t i = 0; i < set.n; i++)
		print_rule(c, &j, &set, &set.rules[i], w.scope);
	if (c->json) {
		json_arr_end(&j);
		rc = ctl_json_end(&j);
	} else if (set.n == 0)
		printf("no content rules\n");
out:
	policy_set_release(&set);
	store_close(w.ds);
	return rc;
}

/* Split "site:12" or "north:5" into the store it names and the number. */
static int
parse_id(struct ctl *c, const char *arg, char *slug, size_t slug_len,
    int64_t *id)
{
	const char *colon = strrchr(arg, ':');
	char *end;

	if (colon == NULL || colon == arg || (size_t)(colon - arg) >= slug_len)
		return ctl_fail(c, ST_USAGE, "\"%s\" is not a rule id (site:N "
		    "or DISTRICT:N, as policy list shows)", arg);
	memcpy(slug, arg, (size_t)(colon - arg));
	slug[colon - arg] = '\0';
	errno = 0;
	*id = strtoll(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || *id <= 0)
		return ctl_fail(c, ST_USAGE, "\"%s\" is not a rule id (site:N "
		    "or DISTRICT:N, as policy list shows)", arg);
	if (strcmp(slug, "preset") == 0)
		return ctl_fail(c, ST_USAGE, "preset rules are switched off "
		    "with policy preset NAME --district D off");
	return 0;
}

static int
policy_remove(struct ctl *c)
{
	char slug[SLUG_MAX + 1];
	struct district d;
	struct store *ds = NULL, *s;
	enum status st;
	int64_t id = 0;
	int rc;

	if ((rc = parse_id(c, c->pos[0], slug, sizeof(slug), &id)) != 0)
		return rc;
	if (strcmp(slug, "site") == 0)
		s = ctl_site(c);
	else if ((rc = ctl_open_district(c, slug, &d, &ds)) != 0)
		return rc;
	else
		s = ds;
	if (s == NULL)
		return status_exit(ST_TEMP);
	st = store_policy_remove(s, id);
	store_close(ds);
	if (st != ST_OK)
		return ctl_fail(c, st, st == ST_NOTFOUND ? "no rule %s" :
		    "cannot remove rule %s", c->pos[0]);
	ctl_audit(c, strcmp(slug, "site") ? slug : "", "policy.remove",
	    "rule=%s", c->pos[0]);
	if (!c->json)
		printf("rule %s removed\n", c->pos[0]);
	return 0;
}

static int
policy_preset(struct ctl *c)
{
	const char *dist = ctl_opt(c, "district");
	struct district d;
	struct store *ds;
	enum status st;
	int rc, on;

	if (!policy_preset_known(c->pos[0]))
		return ctl_fail(c, ST_USAGE, "no preset \"%s\" (known: %s)",
		    c->pos[0], POLICY_PRESET_STUDENT_SAFE);
	on = !strcmp(c->pos[1], "on") ? 1 : !strcmp(c->pos[1], "off") ? 0 : -1;
	if (on < 0)
		return ctl_fail(c, ST_USAGE, "say on or off, not \"%s\"",
		    c->pos[1]);
	if (dist == NULL)
		return ctl_fail(c, ST_USAGE, "--district D is required");
	if ((rc = ctl_open_district(c, dist, &d, &ds)) != 0)
		return rc;
	st = store_policy_preset_set(ds, c->pos[0], on);
	store_close(ds);
	if (st != ST_OK)
		return ctl_fail(c, st, "cannot record the preset (%s)",
		    status_name(st));
	ctl_audit(c, d.slug, "policy.preset", "preset=%s state=%s", c->pos[0],
	    on ? "on" : "off");
	if (!c->json)
		printf("preset %s is %s for district %s\n", c->pos[0],
		    on ? "on" : "off", d.slug);
	return 0;
}

/* Read path whole into out (at most POLICY_TEST_MAX bytes). */
static int
read_file(struct ctl *c, const char *path, struct buf *out)
{
	char chunk[65536];
	FILE *fp = fopen(path, "rb");
	size_t n;
	int rc = 0;

	if (fp == NULL)
		return ctl_fail(c, ST_NOTFOUND, "%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_append(out, chunk, n) == -1) {
			rc = ctl_fail(c, ST_TOOBIG, "%s: larger than %zu bytes",
			    path, POLICY_TEST_MAX);
			break;
		}
	if (rc == 0 && ferror(fp))
		rc = ctl_fail(c, ST_DATA, "%s: %s", path, strerror(errno));
	else if (rc == 0 && out->len == 0)
		rc = ctl_fail(c, ST_DATA, "%s: empty file", path);
	fclose(fp);
	return rc;
}

static void
print_verdict(struct ctl *c, const char *verdict, const char *rule,
    const struct policy_rule *r, const char *reason)
{
	struct json j;

	if (c->json) {
		ctl_json_begin(&j, 8192);
		json_obj_begin(&j);
		json_kv_str(&j, "verdict", verdict);
		json_kv_str(&j, "rule", rule);
		json_kv_str(&j, "kind", r ? store_policy_kind_name(r->kind) : "");
		json_kv_str(&j, "pattern", r ? r->pattern : "");
		json_kv_str(&j, "reason", reason);
		json_obj_end(&j);
		ctl_json_end(&j);
		return;
	}
	printf("verdict: %s\n", verdict);
	if (r)
		printf("rule: %s (%s %s)\n", rule, store_policy_kind_name(r->kind),
		    r->pattern);
	else if (*rule)
		printf("rule: %s\n", rule);
	printf("reason: %s\n", reason);
}

/* Judge a parsed message for list w the way step_content.c does. */
static int
judge(struct ctl *c, struct where *w, GMimeMessage *msg, size_t len)
{
	struct policy_result res;
	struct policy_set set;
	enum status st;
	char why[POST_REASON_MAX + 1];

	if (w->l.max_size > 0 && (long)len > w->l.max_size) {
		snprintf(why, sizeof(why), "message size %zu exceeds the list's "
		    "limit of %ld bytes", len, w->l.max_size);
		print_verdict(c, "reject", "list max_size", NULL, why);
		return 0;
	}
	policy_set_init(&set, w->d.slug);
	st = policy_set_load(&set, c->site, w->ds, w->l.id);
	if (st != ST_OK) {
		policy_set_release(&set);
		return ctl_fail(c, st, "cannot read the rules (%s)",
		    status_name(st));
	}
	if (policy_check(&set, msg, len, &res))
		print_verdict(c, store_policy_action_name(res.action), res.label,
		    res.rule, res.reason);
	else
		print_verdict(c, "accept", "", NULL, "no content rule matched");
	policy_set_release(&set);
	return 0;
}

static int
policy_test(struct ctl *c)
{
	GMimeMessage *msg = NULL;
	struct where w;
	struct buf raw;
	int rc;

	memset(&w, 0, sizeof(w));
	buf_init(&raw, POLICY_TEST_MAX);
	if ((rc = read_file(c, c->pos[1], &raw)) != 0)
		goto out;
	w.scope = POLICY_LIST;
	if ((rc = ctl_open_list(c, c->pos[0], &w.d, &w.ds, &w.l)) != 0)
		goto out;
	if ((msg = msg_parse(raw.data, raw.len)) == NULL ||
	    g_mime_message_get_mime_part(msg) == NULL) {
		rc = ctl_fail(c, ST_DATA, "%s: not a readable message",
		    c->pos[1]);
		goto out;
	}
	rc = judge(c, &w, msg, raw.len);
out:
	if (msg)
		g_object_unref(msg);
	store_close(w.ds);
	buf_release(&raw);
	return rc;
}
