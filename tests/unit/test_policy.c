/* test_policy.c - content policy matching (listd/policy*.c) on hand-made
 * messages parsed by GMime: text folding, HTML text, word rules through
 * every encoding, attachment rules through nesting and lies, rule
 * precedence, bounds, and rule validation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <gmime/gmime.h>

#include "core/buf.h"
#include "core/msg.h"
#include "core/xmem.h"
#include "listd/policy.h"

#define HDR "From: a@example.net\r\nTo: l@example.org\r\n" \
	"Message-ID: <t@example.net>\r\nMIME-Version: 1.0\r\n"

static void
add(struct policy_set *set, enum policy_scope sc, enum policy_kind k,
    const char *pattern, enum policy_action a)
{
	struct policy_rule r;

	memset(&r, 0, sizeof(r));
	r.id = (int64_t)set->n + 1;
	r.scope = sc;
	r.kind = k;
	r.action = a;
	snprintf(r.pattern, sizeof(r.pattern), "%s", pattern);
	policy_set_add(set, &r);
}

/* Judge raw against set; returns is_match and fills *res. */
static int
judge(const struct policy_set *set, const char *raw, struct policy_result *res)
{
	GMimeMessage *m = msg_parse(raw, strlen(raw));
	int rc;

	assert_non_null(m);
	rc = policy_check(set, m, strlen(raw), res);
	g_object_unref(m);
	return rc;
}

/* One word rule (hold) against one message: did it match? */
static int
word_hits(const char *word, const char *raw)
{
	struct policy_set set;
	struct policy_result res;
	int rc;

	policy_set_init(&set, "north");
	add(&set, POLICY_DISTRICT, POLICY_WORD, word, POLICY_HOLD);
	rc = judge(&set, raw, &res);
	policy_set_release(&set);
	return rc;
}

/* One deny rule (reject) against one message: did it match? */
static int
deny_hits(const char *pattern, const char *raw)
{
	struct policy_set set;
	struct policy_result res;
	int rc;

	policy_set_init(&set, "north");
	add(&set, POLICY_DISTRICT, POLICY_ATTACH_DENY, pattern, POLICY_REJECT);
	rc = judge(&set, raw, &res);
	if (rc)
		assert_int_equal(res.action, POLICY_REJECT);
	policy_set_release(&set);
	return rc;
}

static void
assert_fold(const char *in, const char *want)
{
	char *f = policy_fold(in, strlen(in));

	assert_string_equal(f, want);
	g_free(f);
}

static void
test_policy_fold_case_accents_and_punctuation(void **state)
{
	(void)state;
	assert_fold("ÉCOLE à la Plage!", " ecole a la plage ");
	assert_fold("f\xe2\x80\x8buck", " fuck ");		/* zero-width space */
	assert_fold("sh\xc2\xadit", " shit ");			/* soft hyphen */
	assert_fold("\xef\xbd\x86\xef\xbd\x95" "ck", " fuck ");	/* fullwidth fu */
	assert_fold("na\xefve \xff\xfe", " na ve ");		/* invalid bytes */
	assert_fold("", " ");
}

static void
test_policy_html_text_strips_tags_keeps_words(void **state)
{
	const char *html = "<p>foo</p><p>bar</p><b>ba</b>d &eacute;t"
	    "<!-- x -->&#233;<script>x</script>";
	char *t = policy_html_text(html, strlen(html));
	char *f = policy_fold(t, strlen(t));

	(void)state;
	assert_non_null(strstr(f, " foo bar bad ete "));
	g_free(f);
	g_free(t);
}

static void
test_policy_word_whole_words_only(void **state)
{
	(void)state;
	assert_true(word_hits("ass", HDR "Subject: hi\r\n\r\nyou ass.\r\n"));
	assert_false(word_hits("ass", HDR "Subject: hi\r\n\r\nclass passed\r\n"));
	assert_true(word_hits("kill yourself",
	    HDR "Subject: x\r\n\r\nKILL,\r\n  yourself\r\n"));
}

static void
test_policy_word_in_rfc2047_subject(void **state)
{
	(void)state;
	/* "Les écoles" in base64 and Q encoded-words. */
	assert_true(word_hits("ecoles", HDR "Subject: =?utf-8?B?TGVzIMOpY29sZXM="
	    "?=\r\n\r\nhi\r\n"));
	assert_true(word_hits("écoles", HDR "Subject: =?iso-8859-1?Q?Les_"
	    "=C9COLES?=\r\n\r\nhi\r\n"));
}

static void
test_policy_word_in_base64_body(void **state)
{
	(void)state;
	/* "this is forbidden\n" */
	assert_true(word_hits("forbidden", HDR "Subject: x\r\nContent-Type: "
	    "text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n"
	    "\r\ndGhpcyBpcyBmb3JiaWRkZW4K\r\n"));
}

static void
test_policy_word_split_by_qp_soft_break(void **state)
{
	(void)state;
	assert_true(word_hits("forbidden", HDR "Subject: x\r\nContent-Type: "
	    "text/plain; charset=utf-8\r\nContent-Transfer-Encoding: "
	    "quoted-printable\r\n\r\nthis is forb=\r\nidden=0A\r\n"));
	assert_true(word_hits("ecole", HDR "Subject: x\r\nContent-Type: "
	    "text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: "
	    "quoted-printable\r\n\r\nl'=C9co=\r\nle\r\n"));
}

static void
test_policy_word_in_html_only_part(void **state)
{
	(void)state;
	assert_true(word_hits("forbidden", HDR "Subject: x\r\nContent-Type: "
	    "text/html\r\n\r\n<html><body><p>for<b>bid</b>den</p></body>"
	    "</html>\r\n"));
	assert_true(word_hits("ecole", HDR "Subject: x\r\nContent-Type: "
	    "text/html\r\n\r\n<p>&Eacute;cole</p>\r\n"));
	/* A tag name or attribute is not text. */
	assert_false(word_hits("forbidden", HDR "Subject: x\r\nContent-Type: "
	    "text/html\r\n\r\n<p class=\"forbidden\">ok</p>\r\n"));
}

#define MIXED(b) "Subject: x\r\nContent-Type: multipart/mixed; boundary=" \
	b "\r\n\r\n--" b "\r\nContent-Type: text/plain\r\n\r\nhello\r\n"

static void
test_policy_attachment_inside_rfc822_inside_multipart(void **state)
{
	(void)state;
	assert_true(deny_hits("exe", HDR MIXED("A") "--A\r\nContent-Type: "
	    "message/rfc822\r\n\r\nFrom: b@x\r\nSubject: fwd\r\nContent-Type: "
	    "multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain"
	    "\r\n\r\nsee\r\n--B\r\nContent-Type: application/octet-stream\r\n"
	    "Content-Disposition: attachment; filename=\"tool.exe\"\r\n\r\nMZ\r\n"
	    "--B--\r\n--A--\r\n"));
}

static void
test_policy_double_extension_and_trailing_dot(void **state)
{
	(void)state;
	assert_true(deny_hits("exe", HDR MIXED("A") "--A\r\nContent-Type: "
	    "application/pdf\r\nContent-Disposition: attachment; filename="
	    "\"report.pdf.exe\"\r\n\r\nx\r\n--A--\r\n"));
	assert_true(deny_hits(".EXE", HDR MIXED("A") "--A\r\nContent-Type: "
	    "application/pdf; name=\"report.exe. \"\r\n\r\nx\r\n--A--\r\n"));
	assert_false(deny_hits("exe", HDR MIXED("A") "--A\r\nContent-Type: "
	    "application/pdf\r\nContent-Disposition: attachment; filename="
	    "\"report.exe.pdf\"\r\n\r\nx\r\n--A--\r\n"));
}

static void
test_policy_mime_type_lie_judged_by_both(void **state)
{
	const char *lie = HDR MIXED("A") "--A\r\nContent-Type: application/pdf; "
	    "name=\"a.pdf\"\r\nContent-Disposition: attachment; filename="
	    "\"a.exe\"\r\n\r\nx\r\n--A--\r\n";

	(void)state;
	assert_true(deny_hits("exe", lie));		/* by the file name */
	assert_true(deny_hits("application/*", lie));	/* by the type */
	assert_true(deny_hits("application/x-msdownload", HDR MIXED("A") "--A"
	    "\r\nContent-Type: Application/X-MSDownload; name=\"a.pdf\"\r\n\r\n"
	    "x\r\n--A--\r\n"));
}

static void
test_policy_rfc2231_filenames(void **state)
{
	(void)state;
	assert_true(deny_hits("exe", HDR MIXED("A") "--A\r\nContent-Type: "
	    "application/octet-stream\r\nContent-Disposition: attachment; "
	    "filename*=UTF-8''r%C3%A9sum%C3%A9.%65xe\r\n\r\nx\r\n--A--\r\n"));
	assert_true(deny_hits("exe", HDR MIXED("A") "--A\r\nContent-Type: "
	    "application/octet-stream\r\nContent-Disposition: attachment; "
	    "filename*0=\"report.p\"; filename*1=\"df.e\"; filename*2=\"xe\"\r\n"
	    "\r\nx\r\n--A--\r\n"));
	assert_true(deny_hits("exe", HDR MIXED("A") "--A\r\nContent-Type: "
	    "application/octet-stream\r\nContent-Disposition: attachment; "
	    "filename=\"=?utf-8?B?dG9vbC5leGU=?=\"\r\n\r\nx\r\n--A--\r\n"));
}

/* n attachments of which the last is called last. Caller frees. */
static char *
many_attachments(int n, const char *last)
{
	struct buf b;

	buf_init(&b, 8 << 20);
	buf_append_str(&b, HDR MIXED("A"));
	for (int i = 0; i < n; i++)
		buf_printf(&b, "--A\r\nContent-Type: application/pdf\r\n"
		    "Content-Disposition: attachment; filename=\"f%d%s\"\r\n\r\n"
		    "x\r\n", i, i == n - 1 ? last : ".pdf");
	buf_append_str(&b, "--A--\r\n");
	return buf_steal(&b);
}

static void
test_policy_hostile_1000_attachments(void **state)
{
	char *bad = many_attachments(1000, ".exe"), *good =
	    many_attachments(1000, ".pdf");

	(void)state;
	assert_true(deny_hits("exe", bad));
	assert_false(deny_hits("exe", good));
	xfree(bad);
	xfree(good);
}

static void
test_policy_hostile_too_many_parts_is_held(void **state)
{
	char *raw = many_attachments(POLICY_PARTS_MAX + 5, ".pdf");
	struct policy_set set;
	struct policy_result res;

	(void)state;
	policy_set_init(&set, "north");
	add(&set, POLICY_SITE, POLICY_ATTACH_DENY, "exe", POLICY_REJECT);
	assert_true(judge(&set, raw, &res));
	assert_int_equal(res.action, POLICY_HOLD);
	assert_non_null(strstr(res.reason, "too many MIME parts"));
	policy_set_release(&set);
	xfree(raw);
}

/* A multipart nested depth levels deep with text at the bottom. */
static char *
nested(int depth)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	buf_append_str(&b, HDR "Subject: deep\r\n");
	for (int i = 0; i < depth; i++)
		buf_printf(&b, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n"
		    "--b%d\r\n", i, i);
	buf_append_str(&b, "Content-Type: text/plain\r\n\r\nbottom\r\n");
	for (int i = depth - 1; i >= 0; i--)
		buf_printf(&b, "--b%d--\r\n", i);
	return buf_steal(&b);
}

static void
test_policy_hostile_deep_nesting_is_held(void **state)
{
	char *deep = nested(POLICY_DEPTH_MAX + 10), *ok = nested(5);
	struct policy_set set;
	struct policy_result res;

	(void)state;
	policy_set_init(&set, "north");
	add(&set, POLICY_SITE, POLICY_WORD, "nothing here", POLICY_REJECT);
	assert_true(judge(&set, deep, &res));
	assert_int_equal(res.action, POLICY_HOLD);
	assert_non_null(strstr(res.reason, "too deeply nested"));
	assert_false(judge(&set, ok, &res));
	policy_set_release(&set);
	xfree(deep);
	xfree(ok);
}

static void
test_policy_narrowest_rule_wins_for_the_same_word(void **state)
{
	struct policy_set set;
	struct policy_result res;

	(void)state;
	policy_set_init(&set, "north");
	add(&set, POLICY_SITE, POLICY_WORD, "Darn", POLICY_DISCARD);
	add(&set, POLICY_DISTRICT, POLICY_WORD, "darn", POLICY_REJECT);
	add(&set, POLICY_LIST, POLICY_WORD, "DARN", POLICY_HOLD);
	assert_true(judge(&set, HDR "Subject: darn\r\n\r\nx\r\n", &res));
	assert_int_equal(res.action, POLICY_HOLD);
	assert_int_equal(res.rule->scope, POLICY_LIST);
	assert_string_equal(res.label, "north:3");
	assert_string_equal(res.reason, "content policy: the word \"darn\" in "
	    "the subject (rule north:3)");
	policy_set_release(&set);
}

static void
test_policy_most_severe_across_distinct_matches(void **state)
{
	struct policy_set set;
	struct policy_result res;

	(void)state;
	policy_set_init(&set, "north");
	add(&set, POLICY_LIST, POLICY_WORD, "hello", POLICY_HOLD);
	add(&set, POLICY_SITE, POLICY_ATTACH_DENY, "exe", POLICY_DISCARD);
	add(&set, POLICY_DISTRICT, POLICY_WORD, "x", POLICY_REJECT);
	assert_true(judge(&set, HDR MIXED("A") "--A\r\nContent-Type: "
	    "application/x-foo; name=a.exe\r\n\r\nx\r\n--A--\r\n", &res));
	assert_int_equal(res.action, POLICY_DISCARD);
	assert_string_equal(res.label, "site:2");
	policy_set_release(&set);
}

static void
test_policy_allow_list_refuses_other_attachments(void **state)
{
	const char *docx = HDR MIXED("A") "--A\r\nContent-Type: application/"
	    "octet-stream; name=a.docx\r\n\r\nx\r\n--A--\r\n";
	const char *pdf = HDR MIXED("A") "--A\r\nContent-Type: application/pdf;"
	    " name=a.pdf\r\n\r\nx\r\n--A--\r\n";
	const char *lie = HDR MIXED("A") "--A\r\nContent-Type: application/pdf;"
	    " name=a.exe\r\n\r\nx\r\n--A--\r\n";
	struct policy_set set;
	struct policy_result res;

	(void)state;
	policy_set_init(&set, "north");
	add(&set, POLICY_DISTRICT, POLICY_ATTACH_ALLOW, "application/pdf",
	    POLICY_REJECT);
	add(&set, POLICY_DISTRICT, POLICY_ATTACH_ALLOW, "pdf", POLICY_REJECT);
	assert_true(judge(&set, docx, &res));
	assert_int_equal(res.action, POLICY_REJECT);
	assert_non_null(strstr(res.reason, "not an allowed type"));
	assert_false(judge(&set, pdf, &res));
	assert_true(judge(&set, lie, &res));	/* type passes, name does not */
	assert_false(judge(&set, HDR "Subject: x\r\n\r\nplain text\r\n", &res));
	policy_set_release(&set);
}

static void
test_policy_max_size_narrowest_scope_decides(void **state)
{
	const char *raw = HDR "Subject: x\r\n\r\n0123456789012345678901234\r\n";
	struct policy_set set;
	struct policy_result res;

	(void)state;
	policy_set_init(&set, "north");
	add(&set, POLICY_SITE, POLICY_MAX_SIZE, "10", POLICY_REJECT);
	assert_true(judge(&set, raw, &res));
	add(&set, POLICY_LIST, POLICY_MAX_SIZE, "1K", POLICY_REJECT);
	assert_false(judge(&set, raw, &res));
	policy_set_release(&set);
}

static void
test_policy_reject_uses_rule_message(void **state)
{
	struct policy_set set;
	struct policy_result res;
	struct policy_rule r;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.id = 7;
	r.scope = POLICY_SITE;
	r.kind = POLICY_WORD;
	r.action = POLICY_REJECT;
	snprintf(r.pattern, sizeof(r.pattern), "spam");
	snprintf(r.message, sizeof(r.message), "No spam here");
	policy_set_init(&set, "north");
	policy_set_add(&set, &r);
	assert_true(judge(&set, HDR "Subject: SPAM!\r\n\r\nx\r\n", &res));
	assert_string_equal(res.reason, "No spam here");
	assert_string_equal(res.label, "site:7");
	policy_set_release(&set);
}

static void
test_policy_empty_set_and_preset(void **state)
{
	struct policy_set set;
	struct policy_result res;

	(void)state;
	policy_set_init(&set, "north");
	assert_false(judge(&set, HDR "Subject: fuck\r\n\r\nx\r\n", &res));
	assert_int_equal(policy_preset_add(&set, "no-such"), -1);
	assert_int_equal(policy_preset_add(&set, "student-safe"), 0);
	assert_true(judge(&set, HDR "Subject: What the FUCK\r\n\r\nx\r\n",
	    &res));
	assert_int_equal(res.action, POLICY_HOLD);
	assert_string_equal(res.label, "preset:student-safe");
	policy_set_release(&set);
}

static void
test_policy_rule_validation_refuses_hostile_rules(void **state)
{
	struct policy_rule r;
	const char *why;
	static const struct { enum policy_kind k; const char *p, *m; int ok; }
	cases[] = {
		{ POLICY_MAX_SIZE, "10M", "", 1 },
		{ POLICY_MAX_SIZE, "0", "", 0 },
		{ POLICY_MAX_SIZE, "-1", "", 0 },
		{ POLICY_MAX_SIZE, "10X", "", 0 },
		{ POLICY_MAX_SIZE, "99999999999999999999", "", 0 },
		{ POLICY_ATTACH_DENY, "image/*", "", 1 },
		{ POLICY_ATTACH_DENY, ".exe", "", 1 },
		{ POLICY_ATTACH_DENY, "/", "", 0 },
		{ POLICY_ATTACH_DENY, "a/b/c", "", 0 },
		{ POLICY_ATTACH_DENY, "ex e", "", 0 },
		{ POLICY_WORD, "!!!", "", 0 },
		{ POLICY_WORD, "bad\nword", "", 0 },
		{ POLICY_WORD, "ok", "line\r\nBcc: x", 0 },
		{ POLICY_WORD, "ok", "caf\xc3\xa9", 0 },
		{ POLICY_WORD, "caf\xc3\xa9", "Not here", 1 },
		{ POLICY_WORD, "\xff\xfe", "", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.kind = cases[i].k;
		snprintf(r.pattern, sizeof(r.pattern), "%s", cases[i].p);
		snprintf(r.message, sizeof(r.message), "%s", cases[i].m);
		if ((policy_rule_valid(&r, &why) == 0) != cases[i].ok)
			fail_msg("case %zu: %s", i, why ? why : "accepted");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_fold_case_accents_and_punctuation),
		cmocka_unit_test(test_policy_html_text_strips_tags_keeps_words),
		cmocka_unit_test(test_policy_word_whole_words_only),
		cmocka_unit_test(test_policy_word_in_rfc2047_subject),
		cmocka_unit_test(test_policy_word_in_base64_body),
		cmocka_unit_test(test_policy_word_split_by_qp_soft_break),
		cmocka_unit_test(test_policy_word_in_html_only_part),
		cmocka_unit_test(test_policy_attachment_inside_rfc822_inside_multipart),
		cmocka_unit_test(test_policy_double_extension_and_trailing_dot),
		cmocka_unit_test(test_policy_mime_type_lie_judged_by_both),
		cmocka_unit_test(test_policy_rfc2231_filenames),
		cmocka_unit_test(test_policy_hostile_1000_attachments),
		cmocka_unit_test(test_policy_hostile_too_many_parts_is_held),
		cmocka_unit_test(test_policy_hostile_deep_nesting_is_held),
		cmocka_unit_test(test_policy_narrowest_rule_wins_for_the_same_word),
		cmocka_unit_test(test_policy_most_severe_across_distinct_matches),
		cmocka_unit_test(test_policy_allow_list_refuses_other_attachments),
		cmocka_unit_test(test_policy_max_size_narrowest_scope_decides),
		cmocka_unit_test(test_policy_reject_uses_rule_message),
		cmocka_unit_test(test_policy_empty_set_and_preset),
		cmocka_unit_test(test_policy_rule_validation_refuses_hostile_rules),
	};
	int rc;

	g_mime_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	g_mime_shutdown();
	return rc;
}
