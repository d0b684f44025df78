/* test_thread.c - JWZ threading on hand-made cases against a real
 * district.db: out of order, cycles in References, duplicate and missing
 * Message-IDs, subject-only grouping; and the HTML helpers' hostile
 * cases (html_link, sanitize_html). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libxml/parser.h>

#include "archive/mailtext.h"
#include "archive/sanitize.h"
#include "archive/thread.h"
#include "core/buf.h"
#include "core/html.h"
#include "core/model.h"
#include "core/store.h"
#include "core/store_archive.h"
#include "core/store_list.h"

struct fx {
	char		 home[64];
	struct store	*s;
	struct list	 l;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));	/* lint: allow */

	snprintf(f->home, sizeof(f->home), "/tmp/listd-thread-XXXXXX");
	assert_non_null(mkdtemp(f->home));
	assert_int_equal(store_district_open(f->home, "t", 1, &f->s), ST_OK);
	model_list_defaults(&f->l, LIST_DISCUSSION);
	snprintf(f->l.name, sizeof(f->l.name), "dev");
	assert_int_equal(store_list_create(f->s, &f->l), ST_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	store_close(f->s);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->home);
	if (system(cmd) != 0)	/* lint: allow (test cleanup) */
		return -1;
	free(f);	/* lint: allow */
	return 0;
}

static int last_gone;	/* n_gone of the last add() */
static int64_t last_gone_to;	/* where the first of those went */

/* Place and index one message; returns its thread. */
static int64_t
add(struct fx *f, const char *mid, const char *subject, int n_refs, ...)
{
	char *refs[8], hash[65], base[ARC_SUBJECT_MAX + 1];
	struct thread_place p;
	struct arc_msg m;
	va_list ap;
	int is_reply;
	static int seq;

	va_start(ap, n_refs);
	for (int i = 0; i < n_refs; i++)
		refs[i] = va_arg(ap, char *);
	va_end(ap);
	snprintf(hash, sizeof(hash), "%064d", ++seq);
	mailtext_base_subject(subject, base, sizeof(base), &is_reply);
	assert_int_equal(archive_thread_place(f->s, f->l.id, mid, hash, refs,
	    n_refs, base, is_reply, &p), ST_OK);
	last_gone = p.n_gone;
	last_gone_to = p.n_gone ? p.gone_to[0] : 0;
	memset(&m, 0, sizeof(m));
	m.list_id = f->l.id;
	m.node = p.node;
	m.thread = p.thread;
	m.date = seq;
	snprintf(m.hash, sizeof(m.hash), "%s", hash);
	snprintf(m.message_id, sizeof(m.message_id), "%s", mid);
	snprintf(m.subject, sizeof(m.subject), "%s", subject);
	snprintf(m.base_subject, sizeof(m.base_subject), "%s", base);
	snprintf(m.month, sizeof(m.month), "2020-01");
	assert_int_equal(store_archive_msg_insert(f->s, &m, "", 0), ST_OK);
	return p.thread;
}

static int64_t
thread_of(struct fx *f, const char *mid)
{
	struct arc_node n;

	assert_int_equal(store_archive_node_get(f->s, f->l.id, mid, &n), ST_OK);
	return n.thread;
}

static void
test_thread_reply_before_parent_is_joined(void **state)
{
	struct fx *f = *state;

	add(f, "c@x", "Re: a", 2, "a@x", "b@x");
	add(f, "d@x", "Re: a", 1, "a@x");
	add(f, "a@x", "a", 0);
	add(f, "b@x", "Re: a", 1, "a@x");
	assert_int_equal(thread_of(f, "c@x"), thread_of(f, "a@x"));
	assert_int_equal(thread_of(f, "d@x"), thread_of(f, "a@x"));
	assert_int_equal(thread_of(f, "b@x"), thread_of(f, "a@x"));
}

static void
test_thread_missing_parent_keeps_siblings_together(void **state)
{
	struct fx *f = *state;

	add(f, "s1@x", "Re: lost", 1, "gone@x");
	add(f, "s2@x", "Re: lost", 1, "gone@x");
	assert_int_equal(thread_of(f, "s1@x"), thread_of(f, "s2@x"));
}

static void
test_thread_cycle_in_references_is_broken(void **state)
{
	struct fx *f = *state;
	struct arc_node a, b;

	add(f, "p@x", "p", 1, "q@x");		/* p under q */
	add(f, "q@x", "q", 1, "p@x");		/* q under p: a cycle */
	add(f, "r@x", "r", 3, "r2@x", "r3@x", "r2@x");	/* loop inside refs */
	assert_int_equal(store_archive_node_get(f->s, f->l.id, "p@x", &a), ST_OK);
	assert_int_equal(store_archive_node_get(f->s, f->l.id, "q@x", &b), ST_OK);
	assert_int_equal(a.thread, b.thread);
	assert_true(a.parent == 0 || b.parent == 0);	/* one root, no loop */
	assert_int_equal(thread_of(f, "r@x"), thread_of(f, "r2@x"));
}

static void
test_thread_self_reference_is_ignored(void **state)
{
	struct fx *f = *state;
	struct arc_node n;

	add(f, "me@x", "me", 1, "me@x");
	assert_int_equal(store_archive_node_get(f->s, f->l.id, "me@x", &n), ST_OK);
	assert_int_equal(n.parent, 0);
}

static void
test_thread_duplicate_message_id_kept_as_child(void **state)
{
	struct fx *f = *state;
	int64_t t1 = add(f, "dup@x", "first", 0);
	int64_t t2 = add(f, "dup@x", "second, other bytes", 0);
	int64_t n = 0;

	assert_int_equal(t1, t2);
	assert_int_equal(store_archive_count(f->s, f->l.id, &n), ST_OK);
	assert_int_equal(n, 2);
}

static void
test_thread_missing_message_id_gets_own_thread(void **state)
{
	struct fx *f = *state;
	int64_t t1 = add(f, "", "anon one", 0);
	int64_t t2 = add(f, "", "anon two", 0);

	assert_int_not_equal(t1, t2);
}

static void
test_thread_subject_grouping_only_without_references(void **state)
{
	struct fx *f = *state;
	int64_t t = add(f, "orig@x", "[dev] Field trip", 0);

	assert_int_equal(add(f, "re@x", "Re: [dev] Field trip", 0), t);
	assert_int_not_equal(add(f, "new@x", "Field trip", 0), t);
	assert_int_not_equal(add(f, "ref@x", "Re: Field trip", 1, "else@x"), t);
}

static void
test_html_link_refuses_active_urls(void **state)
{
	const char *bad[] = { "javascript:alert(1)", " javascript:x",
	    "JaVaScRiPt:x", "java\tscript:x", "data:text/html,x",
	    "vbscript:x", "//evil.example/x", "file:///etc/passwd", NULL };

	(void)state;
	for (int i = 0; bad[i]; i++)
		assert_false(html_url_ok(bad[i], 0));
	assert_true(html_url_ok("https://a.example/x", 1));
	assert_true(html_url_ok("mailto:a@b.c", 1));
	assert_true(html_url_ok("../m/x.html", 0));
	assert_false(html_url_ok("../m/x.html", 1));
}

static void
page_of(const char *html, struct buf *b)
{
	xmlNodePtr body;
	xmlDocPtr doc = html_doc_new("<t>", NULL, &body);

	sanitize_html(body, html, strlen(html));
	html_text(body, "\"><script>x</script>\x01\xff",
	    sizeof("\"><script>x</script>\x01\xff") - 1);
	buf_init(b, 1 << 20);
	assert_int_equal(html_serialize(doc, b), ST_OK);
	xmlFreeDoc(doc);
}

static void
test_sanitize_drops_scripts_events_and_remote_loads(void **state)
{
	struct buf b;
	const char *s;

	(void)state;
	page_of("<p onclick=x() style=\"x:expression(1)\">ok<script>bad()</script>"
	    "<img src=http://e/x onerror=y()><iframe src=http://e></iframe>"
	    "<a href=javascript:z()>j</a><form><input></form>"
	    "<a href=\"https://fine.example/\">f</a></p>", &b);
	s = buf_cstr(&b);
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "onclick"));
	assert_null(strstr(s, "onerror"));
	assert_null(strstr(s, "style="));
	assert_null(strstr(s, "javascript:"));
	assert_null(strstr(s, "<iframe"));
	assert_null(strstr(s, "<img"));
	assert_null(strstr(s, "<form"));
	assert_non_null(strstr(s, "href=\"https://fine.example/\""));
	assert_non_null(strstr(s, "&lt;script&gt;x"));
	assert_non_null(strstr(s, "&lt;t&gt;"));
	buf_release(&b);
}

static void
test_html_attr_refuses_event_and_style(void **state)
{
	xmlNodePtr body, el;
	xmlDocPtr doc = html_doc_new("t", NULL, &body);

	(void)state;
	el = html_el(body, "p", NULL);
	assert_int_equal(html_attr(el, "onclick", "x"), -1);
	assert_int_equal(html_attr(el, "OnLoad", "x"), -1);
	assert_int_equal(html_attr(el, "style", "x"), -1);
	assert_int_equal(html_attr(el, "href", "x"), -1);
	assert_int_equal(html_attr(el, "title", "\"><script>"), 0);
	xmlFreeDoc(doc);
}

/* Only a merge of a thread that holds messages counts as gone (their pages
 * change); a plain reply, or references to absent messages, merge only
 * threads of empty containers. */
static void
test_thread_gone_only_for_threads_with_messages(void **state)
{
	struct fx *f = *state;
	int64_t t;

	t = add(f, "v@x", "Topic", 0);
	assert_int_equal(last_gone, 0);
	assert_int_equal(add(f, "r1@x", "Re: Topic", 1, "v@x"), t);
	assert_int_equal(last_gone, 0);
	assert_int_equal(add(f, "r2@x", "Re: Topic", 3, "v@x", "r1@x",
	    "absent@x"), t);
	assert_int_equal(last_gone, 0);
	add(f, "z@x", "Re: Other", 1, "w@x");	/* w not here yet */
	assert_int_equal(last_gone, 0);
	assert_int_equal(add(f, "w@x", "Re: Topic", 1, "v@x"), t);
	assert_int_equal(last_gone, 1);		/* z's thread joined */
	assert_int_equal(thread_of(f, "z@x"), t);
}

/* A reference chain can join two older threads while the new message
 * itself sits in a third (its container already had a parent): the place
 * says where the merged thread went, so its page can be rendered. */
static void
test_thread_merge_into_a_thread_not_the_messages(void **state)
{
	struct fx *f = *state;
	int64_t p, me;

	p = add(f, "p@x", "Plans", 0);
	add(f, "k@x", "Re: Later", 2, "q@x", "me@x");	/* me@x under q@x */
	me = add(f, "me@x", "Re: Plans", 2, "g@x", "p@x");
	assert_int_equal(last_gone, 1);			/* p's thread went */
	assert_int_equal(thread_of(f, "p@x"), thread_of(f, "g@x"));
	assert_int_equal(last_gone_to, thread_of(f, "g@x"));
	assert_true(me != last_gone_to && p != last_gone_to);
	assert_int_equal(me, thread_of(f, "q@x"));
}

/* Containers made fresh for unknown references are linked in one step;
 * a chain of them, then the messages arriving, ends in one thread with
 * the parents the References said. */
static void
test_thread_fresh_reference_chain(void **state)
{
	struct fx *f = *state;
	struct arc_node a, b, c;
	int64_t t;

	t = add(f, "d@x", "Re: Chain", 3, "a@x", "b@x", "c@x");
	assert_int_equal(add(f, "b@x", "Re: Chain", 1, "a@x"), t);
	assert_int_equal(add(f, "a@x", "Chain", 0), t);
	assert_int_equal(add(f, "c@x", "Re: Chain", 3, "a@x", "b@x", "a@x"),
	    t);
	assert_int_equal(store_archive_node_get(f->s, f->l.id, "a@x", &a),
	    ST_OK);
	assert_int_equal(store_archive_node_get(f->s, f->l.id, "b@x", &b),
	    ST_OK);
	assert_int_equal(store_archive_node_get(f->s, f->l.id, "c@x", &c),
	    ST_OK);
	assert_int_equal(a.parent, 0);
	assert_int_equal(b.parent, a.id);
	assert_int_equal(c.parent, b.id);
	assert_int_equal(thread_of(f, "d@x"), t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_thread_reply_before_parent_is_joined, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_missing_parent_keeps_siblings_together, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_cycle_in_references_is_broken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_self_reference_is_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_duplicate_message_id_kept_as_child, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_missing_message_id_gets_own_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_subject_grouping_only_without_references, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_gone_only_for_threads_with_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_merge_into_a_thread_not_the_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_fresh_reference_chain, setup, teardown),
		cmocka_unit_test(test_html_link_refuses_active_urls),
		cmocka_unit_test(test_sanitize_drops_scripts_events_and_remote_loads),
		cmocka_unit_test(test_html_attr_refuses_event_and_style),
	};

	xmlInitParser();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
