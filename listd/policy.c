/* policy.c - judge one parsed message against a policy set: walk the MIME
 * tree (nested multiparts and message/rfc822 too) within fixed bounds,
 * check each part's type and file names against the attachment rules and
 * the decoded text and subjects against the word rules, then pick the one
 * action to take. Text folding is policy_text.c; rule sets policy_rules.c. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "core/xmem.h"
#include "listd/policy.h"

struct walk {
	const struct policy_set	*set;
	size_t			 raw_len;
	unsigned char		*hit;		/* per rule */
	char			**where;	/* per rule: what matched */
	int			 has_words;
	int			 has_allow;
	int			 size_scope;	/* the max_size rules that count */
	size_t			 n_parts;
	size_t			 text_bytes;
	const char		*limit;		/* a bound that was passed */
	char			*unallowed;	/* an attachment no rule allows */
};

static void walk_object(struct walk *w, GMimeObject *obj, int depth);
static void check_part(struct walk *w, GMimeObject *obj);
static void check_text(struct walk *w, GMimeObject *obj);
static void scan_text(struct walk *w, const char *text, size_t len,
    const char *where);
static void hit(struct walk *w, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int resolve(struct walk *w, struct policy_result *res);

/* Record the first match of rule i, with a printable description. */
static void
hit(struct walk *w, size_t i, const char *fmt, ...)
{
	va_list ap;

	if (w->hit[i])
		return;
	w->hit[i] = 1;
	va_start(ap, fmt);
	w->where[i] = xvasprintf(fmt, ap);
	va_end(ap);
	for (char *p = w->where[i]; *p; p++)	/* goes to an SMTP reply */
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
}

/* The extension of name, lowered, after Windows' own clean-up of
 * trailing dots and spaces ("a.pdf.exe. " is an .exe). "" when none. */
static char *
file_ext(const char *name)
{
	size_t n = strlen(name);
	const char *dot;
	char *tmp;

	while (n > 0 && (name[n - 1] == '.' || g_ascii_isspace(name[n - 1])))
		n--;
	tmp = g_strndup(name, n);
	dot = strrchr(tmp, '.');
	if (dot == NULL || strpbrk(dot, "/\\") != NULL) {
		g_free(tmp);
		return g_strdup("");
	}
	dot = g_ascii_strdown(dot + 1, -1);
	g_free(tmp);
	return (char *)dot;
}

/* Does a type or extension pattern (lowered) match this part? */
static int
attach_match(const char *key, const char *type, char *const ext[2])
{
	size_t n = strlen(key);

	if (strchr(key, '/') == NULL)
		return (ext[0] && *ext[0] && strcmp(key, ext[0]) == 0) ||
		    (ext[1] && *ext[1] && strcmp(key, ext[1]) == 0);
	if (n >= 2 && strcmp(key + n - 2, "/*") == 0)
		return strncmp(key, type, n - 1) == 0;
	return strcmp(key, type) == 0;
}

/* Is the part an attachment for the allow rules: named, marked as one,
 * or anything but text? The text of the message itself is not. */
static int
is_attachment(GMimeObject *obj, const char *type, char *const names[2])
{
	const char *disp = g_mime_object_get_disposition(obj);

	return names[0] || names[1] || (disp &&
	    g_ascii_strcasecmp(disp, "attachment") == 0) ||
	    strncmp(type, "text/", 5) != 0;
}

/* Would an allow rule pass a part with this type and these extensions?
 * Type rules judge the type, extension rules each name: both must pass. */
static int
allowed(struct walk *w, const char *type, char *const ext[2])
{
	int has_type = 0, has_ext = 0, type_ok = 0, ext_ok[2] = { 0, 0 };

	for (size_t i = 0; i < w->set->n; i++) {
		const char *key = w->set->keys[i];

		if (w->set->rules[i].kind != POLICY_ATTACH_ALLOW)
			continue;
		if (strchr(key, '/')) {
			has_type = 1;
			type_ok |= attach_match(key, type, (char *[2]){ 0, 0 });
		} else {
			has_ext = 1;
			for (int k = 0; k < 2; k++)
				ext_ok[k] |= ext[k] && strcmp(key, ext[k]) == 0;
		}
	}
	if (has_type && !type_ok)
		return 0;
	for (int k = 0; k < 2; k++)
		if (has_ext && ext[k] && !ext_ok[k])
			return 0;
	return 1;
}

/* Type and file names of one leaf part against the attachment rules: a
 * lying Content-Type and a renamed file are each judged. */
static void
check_part(struct walk *w, GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *declared = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	char *type = g_ascii_strdown(declared ? declared :
	    "application/octet-stream", -1);
	char *names[2] = {
	    (char *)g_mime_object_get_content_disposition_parameter(obj,
	    "filename"),
	    (char *)g_mime_object_get_content_type_parameter(obj, "name") };
	char *ext[2] = { NULL, NULL };

	for (int k = 0; k < 2; k++)
		if (names[k])
			ext[k] = file_ext(names[k]);
	for (size_t i = 0; i < w->set->n; i++)
		if (w->set->rules[i].kind == POLICY_ATTACH_DENY &&
		    attach_match(w->set->keys[i], type, ext))
			hit(w, i, "attachment \"%.80s\" (%.60s)", names[0] ?
			    names[0] : names[1] ? names[1] : "", type);
	if (w->has_allow && w->unallowed == NULL &&
	    is_attachment(obj, type, names) && !allowed(w, type, ext)) {
		w->unallowed = xasprintf("attachment \"%.80s\" (%.60s)",
		    names[0] ? names[0] : names[1] ? names[1] : "", type);
		for (char *p = w->unallowed; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
				*p = '?';
	}
	g_free(ext[0]);
	g_free(ext[1]);
	g_free(type);
	g_free(declared);	/* GMime allocates it */
}

/* Fold text and look for every word rule in it, whole words only. */
static void
scan_text(struct walk *w, const char *text, size_t len, const char *where)
{
	char *folded;

	if (w->text_bytes + len > POLICY_TEXT_MAX) {
		w->limit = "too much text to check";
		return;
	}
	w->text_bytes += len;
	folded = policy_fold(text, len);
	for (size_t i = 0; i < w->set->n; i++) {
		const char *key = w->set->keys[i];

		if (w->set->rules[i].kind == POLICY_WORD && !w->hit[i] &&
		    strlen(key) > 2 && strstr(folded, key) != NULL)
			hit(w, i, "the word \"%.*s\" in the %s",	/* folded */
			    (int)(strlen(key) - 2 > 60 ? 60 : strlen(key) - 2),
			    key + 1, where);
	}
	g_free(folded);
}

/* A text part, decoded (transfer encoding, charset) to UTF-8; HTML is
 * reduced to what a reader sees before it is scanned. */
static void
check_text(struct walk *w, GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	char *text = g_mime_text_part_get_text(GMIME_TEXT_PART(obj));

	if (text == NULL)
		return;
	if (ct && g_mime_content_type_is_type(ct, "text", "html")) {
		char *visible = policy_html_text(text, strlen(text));

		scan_text(w, visible, strlen(visible), "HTML text");
		g_free(visible);
	} else
		scan_text(w, text, strlen(text), "text");
	g_free(text);
}

static void
walk_message(struct walk *w, GMimeMessage *m, int depth)
{
	const char *subject = g_mime_message_get_subject(m);
	GMimeObject *body = g_mime_message_get_mime_part(m);

	if (subject && w->has_words)
		scan_text(w, subject, strlen(subject), "subject");
	if (body)
		walk_object(w, body, depth + 1);
}

static void
walk_object(struct walk *w, GMimeObject *obj, int depth)
{
	if (w->limit)
		return;
	if (depth > POLICY_DEPTH_MAX) {
		w->limit = "too deeply nested";
		return;
	}
	if (++w->n_parts > POLICY_PARTS_MAX) {
		w->limit = "too many MIME parts";
		return;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		int n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));

		for (int i = 0; i < n && !w->limit; i++)
			walk_object(w, g_mime_multipart_get_part(
			    GMIME_MULTIPART(obj), i), depth + 1);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *m = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));

		check_part(w, obj);
		if (m)
			walk_message(w, m, depth);
	} else {
		check_part(w, obj);
		if (w->has_words && GMIME_IS_TEXT_PART(obj))
			check_text(w, obj);
	}
}

/* Is rule i's match overridden by a narrower rule for the same thing? */
static int
superseded(const struct walk *w, size_t i)
{
	const struct policy_rule *r = &w->set->rules[i];

	for (size_t j = 0; j < w->set->n; j++)
		if (w->hit[j] && w->set->rules[j].kind == r->kind &&
		    w->set->rules[j].scope > r->scope &&
		    strcmp(w->set->keys[j], w->set->keys[i]) == 0)
			return 1;
	return 0;
}

/* Does a candidate (action, scope) beat the best so far? */
static int
beats(enum policy_action a, enum policy_scope sc,
    const struct policy_result *best, enum policy_scope best_scope)
{
	if (!best->is_match || a > best->action)
		return 1;
	return a == best->action && sc > best_scope;
}

/* The allow rule that speaks for the allow list: the most severe of the
 * narrowest scope that has any. */
static const struct policy_rule *
allow_rule(const struct walk *w)
{
	const struct policy_rule *best = NULL;

	for (size_t i = 0; i < w->set->n; i++) {
		const struct policy_rule *r = &w->set->rules[i];

		if (r->kind == POLICY_ATTACH_ALLOW && (best == NULL ||
		    r->scope > best->scope || (r->scope == best->scope &&
		    r->action > best->action)))
			best = r;
	}
	return best;
}

static void
result_set(const struct walk *w, struct policy_result *res,
    const struct policy_rule *r, enum policy_action a, const char *what)
{
	res->is_match = 1;
	res->action = a;
	res->rule = r;
	if (r)
		policy_rule_label(w->set, r, res->label, sizeof(res->label));
	else
		snprintf(res->label, sizeof(res->label), "limit");
	if (r && a == POLICY_REJECT && r->message[0])
		snprintf(res->reason, sizeof(res->reason), "%s", r->message);
	else if (r)
		snprintf(res->reason, sizeof(res->reason), "content policy: %s "
		    "(rule %s)", what, res->label);
	else
		snprintf(res->reason, sizeof(res->reason), "content policy: %s",
		    what);
}

/* Pick one action: the narrowest rule for the same thing, then the most
 * severe (discard > reject > hold) across different things. */
static int
resolve(struct walk *w, struct policy_result *res)
{
	enum policy_scope best_scope = POLICY_SITE;

	for (size_t i = 0; i < w->set->n; i++) {
		const struct policy_rule *r = &w->set->rules[i];

		if (!w->hit[i] || superseded(w, i) ||
		    !beats(r->action, r->scope, res, best_scope))
			continue;
		result_set(w, res, r, r->action, w->where[i]);
		best_scope = r->scope;
	}
	if (w->unallowed) {
		const struct policy_rule *r = allow_rule(w);

		if (beats(r->action, r->scope, res, best_scope)) {
			char what[200];

			snprintf(what, sizeof(what), "%s is not an allowed type",
			    w->unallowed);
			result_set(w, res, r, r->action, what);
			best_scope = r->scope;
		}
	}
	if (w->limit && !res->is_match)
		result_set(w, res, NULL, POLICY_HOLD, w->limit);
	return res->is_match;
}

/* The max_size rules of the narrowest scope that has any. */
static void
check_size(struct walk *w)
{
	w->size_scope = -1;
	for (size_t i = 0; i < w->set->n; i++)
		if (w->set->rules[i].kind == POLICY_MAX_SIZE &&
		    (int)w->set->rules[i].scope > w->size_scope)
			w->size_scope = (int)w->set->rules[i].scope;
	for (size_t i = 0; i < w->set->n; i++) {
		const struct policy_rule *r = &w->set->rules[i];
		size_t max;

		if (r->kind == POLICY_MAX_SIZE && (int)r->scope == w->size_scope &&
		    policy_size_parse(r->pattern, &max) == 0 && w->raw_len > max)
			hit(w, i, "size %zu bytes is over %zu", w->raw_len, max);
	}
}

int
policy_check(const struct policy_set *set, GMimeMessage *msg, size_t raw_len,
    struct policy_result *res)
{
	struct walk w;

	memset(res, 0, sizeof(*res));
	if (set->n == 0)
		return 0;
	memset(&w, 0, sizeof(w));
	w.set = set;
	w.raw_len = raw_len;
	w.hit = xcalloc(set->n, 1);
	w.where = xcalloc(set->n, sizeof(*w.where));
	for (size_t i = 0; i < set->n; i++) {
		w.has_words |= set->rules[i].kind == POLICY_WORD;
		w.has_allow |= set->rules[i].kind == POLICY_ATTACH_ALLOW;
	}
	check_size(&w);
	walk_message(&w, msg, 0);
	resolve(&w, res);
	for (size_t i = 0; i < set->n; i++)
		xfree(w.where[i]);
	xfree(w.where);
	xfree(w.hit);
	xfree(w.unallowed);
	return res->is_match;
}
