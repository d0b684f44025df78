/* test_pickle.c - the pickle and Python-literal readers (core/pickle.c,
 * core/pylit.c) on hand-made bytes: the values Mailman 2.1 writes, the
 * memo, and hostile input (every truncation, every byte changed, refused
 * opcodes, huge lengths, cycles, deep nesting), and Mailman's
 * _BounceInfo records read as data in each form Python writes them (and
 * every way of abusing that). Run under ASan by make check-asan, so "no
 * crash" includes no memory error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/pickle.h"
#include "core/pylit.h"
#include "core/xmem.h"

/* {'name': 'abc', u'who': u'Zoë', 'n': 5, 't': True, 'l': ['abc', 300],
 * 'neg': -2, 'f': 1.5, 'none': None, 'tup': (1, 2)} as cPickle protocol 1
 * would write it, with 'abc' shared through the memo. */
static const char good[] =
	"}q\x00(U\x04nameq\x01U\x03" "abcq\x02"
	"X\x03\x00\x00\x00whoq\x03X\x04\x00\x00\x00Zo\xc3\xabq\x04"
	"U\x01nK\x05U\x01tI01\n"
	"U\x01l]q\x05(h\x02M\x2c\x01" "e"
	"U\x03" "negJ\xfe\xff\xff\xff"
	"U\x01" "fG\x3f\xf8\x00\x00\x00\x00\x00\x00"
	"U\x04noneN"
	"U\x03" "tup(K\x01K\x02tq\x06"
	"u.";
#define GOOD_LEN (sizeof(good) - 1)

static enum status
load(const void *data, size_t len, struct pyval **v, char *err)
{
	return pickle_load(data, len, v, err, 300);
}

static void
test_pickle_reads_mailman_values(void **state)
{
	struct pyval *v;
	const struct pyval *x;
	char err[300];

	(void)state;
	assert_int_equal(load(good, GOOD_LEN, &v, err), ST_OK);
	assert_int_equal(v->kind, PYVAL_DICT);
	assert_string_equal(pyval_dict_get(v, "name")->s, "abc");
	x = pyval_dict_get(v, "who");
	assert_true(x->is_unicode);
	assert_string_equal(x->s, "Zo\xc3\xab");
	assert_int_equal(pyval_dict_get(v, "n")->i, 5);
	assert_int_equal(pyval_dict_get(v, "t")->kind, PYVAL_BOOL);
	assert_true(pyval_truth(pyval_dict_get(v, "t")));
	x = pyval_dict_get(v, "l");
	assert_int_equal(x->n, 2);
	assert_ptr_equal(x->items[0], pyval_dict_get(v, "name"));	/* memo */
	assert_int_equal(x->items[1]->i, 300);
	assert_int_equal(pyval_dict_get(v, "neg")->i, -2);
	assert_true(pyval_dict_get(v, "f")->f == 1.5);
	assert_int_equal(pyval_dict_get(v, "none")->kind, PYVAL_NONE);
	assert_int_equal(pyval_dict_get(v, "tup")->kind, PYVAL_TUPLE);
	assert_null(pyval_dict_get(v, "absent"));
	pyval_unref(v);
}

static void
test_pickle_every_truncation_is_an_error(void **state)
{
	struct pyval *v;
	char err[300];

	(void)state;
	for (size_t n = 0; n < GOOD_LEN; n++) {
		char *copy = xmalloc(n + 1);	/* exact size: ASan sees overreads */

		memcpy(copy, good, n);
		assert_int_equal(load(copy, n, &v, err), ST_DATA);
		assert_null(v);
		assert_non_null(strstr(err, "byte "));
		xfree(copy);
	}
}

static void
test_pickle_every_byte_changed_never_crashes(void **state)
{
	static const unsigned char values[] = { 0x00, 0x01, 0x7f, 0x80, 0xff,
	    '(', ')', ']', '}', 'a', 'e', 's', 'u', 'h', 'q', 't', '.', '0',
	    '1', '2', 'c', 'R' };
	char copy[GOOD_LEN], err[300];
	struct pyval *v;
	int n_ok = 0;

	(void)state;
	for (size_t i = 0; i < GOOD_LEN; i++)
		for (size_t k = 0; k < sizeof(values); k++) {
			memcpy(copy, good, GOOD_LEN);
			copy[i] = (char)values[k];
			if (load(copy, GOOD_LEN, &v, err) == ST_OK) {
				n_ok++;
				pyval_unref(v);
			} else
				assert_null(v);
		}
	assert_true(n_ok > 0);
}

static void
expect_error(const char *data, size_t len, enum status want, const char *part)
{
	struct pyval *v;
	char err[300] = "";
	enum status st = load(data, len, &v, err);

	if (st != want)
		fail_msg("got %s (%s) for a case wanting \"%s\"",
		    status_name(st), err, part);
	assert_null(v);
	if (strstr(err, part) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, part);
}

#define EXPECT(lit, st, part) expect_error(lit, sizeof(lit) - 1, st, part)

static void
test_pickle_refuses_code(void **state)
{
	(void)state;
	EXPECT("cos\nsystem\n(S'id'\ntR.", ST_DATA, "GLOBAL");
	EXPECT("(S'x'\nR.", ST_DATA, "REDUCE");
	EXPECT("}b.", ST_DATA, "BUILD");
	EXPECT("(ios\nsystem\n.", ST_DATA, "INST");
	EXPECT("(o.", ST_DATA, "OBJ");
	EXPECT("\x80\x02N\x81.", ST_DATA, "NEWOBJ");
	EXPECT("\x80\x04N.", ST_DATA, "protocol 4");
}

/* The forms Python writes an instance of Mailman.Bouncer._BounceInfo
 * (score 3) in: protocol 2 NEWOBJ (python3), protocols 0 and 1 through
 * copy_reg._reconstructor (python3), and Python 2's old-style class (OBJ
 * in protocols 1-2, INST in protocol 0). */
static const struct { const char *name; const char *data; size_t len; }
    bounce_forms[] = {
#define FORM(n, lit) { n, lit, sizeof(lit) - 1 }
	FORM("newobj", "\x80\x02" "cMailman.Bouncer\n_BounceInfo\nq\x00)\x81q\x01"
	    "}q\x02X\x05\x00\x00\x00scoreq\x03K\x03sb."),
	FORM("reduce-0", "ccopy_reg\n_reconstructor\np0\n(cMailman.Bouncer\n"
	    "_BounceInfo\np1\nc__builtin__\nobject\np2\nNtp3\nRp4\n(dp5\n"
	    "Vscore\np6\nI3\nsb."),
	FORM("reduce-1", "ccopy_reg\n_reconstructor\nq\x00(cMailman.Bouncer\n"
	    "_BounceInfo\nq\x01" "c__builtin__\nobject\nq\x02Ntq\x03Rq\x04}q\x05"
	    "X\x05\x00\x00\x00scoreq\x06K\x03sb."),
	FORM("obj", "(cMailman.Bouncer\n_BounceInfo\nq\x01o}U\x05scoreK\x03sb."),
	FORM("inst", "(iMailman.Bouncer\n_BounceInfo\n(dS'score'\nI3\nsb."),
#undef FORM
};

static void
test_pickle_reads_bounce_info_records_as_data(void **state)
{
	struct pyval *v;
	const struct pyval *st;
	char err[300];

	(void)state;
	for (size_t k = 0; k < sizeof(bounce_forms) / sizeof(bounce_forms[0]);
	    k++) {
		if (load(bounce_forms[k].data, bounce_forms[k].len, &v, err)
		    != ST_OK)
			fail_msg("%s: %s", bounce_forms[k].name, err);
		assert_int_equal(v->kind, PYVAL_DICT);
		assert_true(v->is_global);
		assert_string_equal(pyval_dict_get(v, "__class__")->s,
		    "Mailman.Bouncer._BounceInfo");
		st = pyval_dict_get(v, "__state__");
		assert_non_null(st);
		assert_int_equal(pyval_dict_get(st, "score")->i, 3);
		pyval_unref(v);
	}
}

/* One tuple object shared through the memo (as Mailman shares its
 * ZEROHOUR_PLUSONEDAY between records) is read as equal copies; a shared
 * list is still refused. */
static void
test_pickle_copies_shared_tuples(void **state)
{
	static const char shared[] = "(K\x01K\x02tq\x00" "0]q\x01"
	    "(h\x00h\x00h\x00(h\x00tq\x02" "e.";
	struct pyval *v;
	char err[300];

	(void)state;
	assert_int_equal(load(shared, sizeof(shared) - 1, &v, err), ST_OK);
	assert_int_equal(v->kind, PYVAL_LIST);
	assert_int_equal(v->n, 4);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(v->items[k]->kind, PYVAL_TUPLE);
		assert_int_equal(v->items[k]->items[1]->i, 2);
	}
	assert_ptr_not_equal(v->items[0], v->items[1]);
	assert_int_equal(v->items[3]->items[0]->items[0]->i, 1);
	pyval_unref(v);
	EXPECT("]q\x00(h\x00h\x00t.", ST_DATA, "two containers");
}

static void
test_pickle_refuses_other_classes_and_misuse(void **state)
{
	char longname[300];
	size_t n = 0;

	(void)state;
	EXPECT("c__builtin__\neval\n(S'1'\ntR.", ST_DATA, "__builtin__.eval");
	EXPECT("cposix\nsystem\n.", ST_DATA, "GLOBAL");
	EXPECT("(iMailman.MailList\nMailList\n.", ST_DATA, "INST");
	/* A helper may be named, never called on anything but a record. */
	EXPECT("ccopy_reg\n_reconstructor\n(c__builtin__\nobject\n"
	    "c__builtin__\nobject\nNtR.", ST_DATA, "REDUCE");
	EXPECT("c__builtin__\nobject\n)R.", ST_DATA, "REDUCE");
	/* A string with a class's name is not a class. */
	EXPECT("ccopy_reg\n_reconstructor\n(S'Mailman.Bouncer._BounceInfo'\n"
	    "tR.", ST_DATA, "REDUCE");
	EXPECT("\x80\x02S'Mailman.Bouncer._BounceInfo'\n)\x81.", ST_DATA,
	    "NEWOBJ on a str");
	EXPECT("\x80\x02" "c__builtin__\nobject\n)\x81.", ST_DATA, "NEWOBJ");
	EXPECT("\x80\x02" "cMailman.Bouncer\n_BounceInfo\nN\x81.", ST_DATA,
	    "NEWOBJ");
	EXPECT("(S'x'\no.", ST_DATA, "OBJ without a data class");
	/* BUILD only on a new instance, once, with a dict. */
	EXPECT("}}b.", ST_DATA, "BUILD on a dict that is not a new instance");
	EXPECT("(cMailman.Bouncer\n_BounceInfo\no]b.", ST_DATA,
	    "BUILD with a list state");
	EXPECT("(cMailman.Bouncer\n_BounceInfo\no}b}b.", ST_DATA,
	    "not a new instance");
	EXPECT("(cMailman.Bouncer\n_BounceInfo\no(}]tb.", ST_DATA,
	    "BUILD with a tuple state");
	/* The state holding the instance itself. */
	EXPECT("(cMailman.Bouncer\n_BounceInfo\noq\x00}q\x01U\x01xh\x00sb.",
	    ST_DATA, "cycle");
	EXPECT("cMailman.Bouncer\x01\n_BounceInfo\n.", ST_DATA,
	    "Mailman.Bouncer?._BounceInfo");
	EXPECT("cMailman.Bouncer\n_BounceInfo", ST_DATA, "truncated");
	longname[n++] = 'c';
	for (int k = 0; k < 200; k++)
		longname[n++] = 'A';
	memcpy(longname + n, "\nB\n.", 4);
	n += 4;
	expect_error(longname, n, ST_DATA, "too long");
}

static void
test_pickle_hostile_shapes(void **state)
{
	char deep[400];
	size_t n = 0;

	(void)state;
	EXPECT("\xff.", ST_DATA, "unknown opcode 0xff");
	EXPECT("T\xff\xff\xff\x7f", ST_DATA, "truncated");
	EXPECT("X\xff\xff\xff\xff", ST_DATA, "truncated");
	EXPECT("T\xff\xff\xff\xff", ST_DATA, "negative");
	EXPECT("\x8b\xff\xff\xff\x7f", ST_DATA, "too large");
	EXPECT("Nr\xff\xff\xff\xff", ST_TOOBIG, "memo index");
	EXPECT("h\x07.", ST_DATA, "never set");
	EXPECT(".", ST_DATA, "STOP with 0 values");
	EXPECT("NN.", ST_DATA, "STOP with 2 values");
	EXPECT("a.", ST_DATA, "underflow");
	EXPECT("K\x01" "a.", ST_DATA, "underflow");
	EXPECT("K\x01K\x02" "a.", ST_DATA, "APPEND on a int");
	EXPECT("(K\x01u.", ST_DATA, "without a target");
	EXPECT("}(K\x01u.", ST_DATA, "odd number");
	EXPECT("]q\x00h\x00" "a.", ST_DATA, "cycle");
	EXPECT("]q\x00]q\x01h\x00" "a" "h\x00h\x01" "a.", ST_DATA, "cycle");
	EXPECT("]]q\x01" "a]h\x01" "a.", ST_DATA, "two containers");
	EXPECT("X\x02\x00\x00\x00\xc3(.", ST_DATA, "UTF-8");
	EXPECT("S'abc\n.", ST_DATA, "not quoted");
	EXPECT("Iabc\n.", ST_DATA, "invalid");
	EXPECT("I99999999999999999999999\n.", ST_DATA, "too large");
	for (int k = 0; k < 100; k++)
		deep[n++] = ']';
	for (int k = 0; k < 99; k++)
		deep[n++] = 'a';
	deep[n++] = '.';
	expect_error(deep, n, ST_DATA, "nested too deep");
}

static void
test_pylit_reads_config_list(void **state)
{
	static const char text[] =
	    "## \"x\" mailing list configuration settings -*- python -*-\n"
	    "real_name = 'Parents'\n"
	    "description = \"Liste des parents d'\\xe9l\\xe8ves\"\n"
	    "info = \"\"\"two\nlines \\\"quoted\\\"\"\"\"\n"
	    "owner = ['a@example.org',\n    u'b@example.org',]  # comment\n"
	    "subscribe_policy = 3\nadvertised = False\nx = None\n"
	    "topics = [('sports', 'foot|soc', '', False)]\n"
	    "d = {'k': (1,), 'j': -2.5}\n";
	struct pyval *v;
	const struct pyval *x;
	char err[300];

	(void)state;
	assert_int_equal(pylit_parse(text, sizeof(text) - 1, &v, err, 300),
	    ST_OK);
	assert_string_equal(pyval_dict_get(v, "real_name")->s, "Parents");
	x = pyval_dict_get(v, "description");
	assert_false(x->is_unicode);	/* Latin-1 bytes, as Mailman 2 */
	assert_string_equal(x->s, "Liste des parents d'\xe9l\xe8ves");
	assert_string_equal(pyval_dict_get(v, "info")->s,
	    "two\nlines \"quoted\"");
	assert_int_equal(pyval_dict_get(v, "owner")->n, 2);
	assert_int_equal(pyval_dict_get(v, "subscribe_policy")->i, 3);
	assert_false(pyval_truth(pyval_dict_get(v, "advertised")));
	assert_int_equal(pyval_dict_get(v, "topics")->items[0]->n, 4);
	x = pyval_dict_get(pyval_dict_get(v, "d"), "k");
	assert_int_equal(x->kind, PYVAL_TUPLE);
	pyval_unref(v);
}

static void
expect_pylit_error(const char *text, const char *part)
{
	struct pyval *v;
	char err[300] = "";

	assert_int_not_equal(pylit_parse(text, strlen(text), &v, err, 300),
	    ST_OK);
	assert_null(v);
	if (strstr(err, part) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, part);
}

static void
test_pylit_hostile(void **state)
{
	char deep[300];

	(void)state;
	expect_pylit_error("a = __import__('os').system('id')\n", "not a literal");
	expect_pylit_error("a = 'open\n", "line 1: unterminated");
	expect_pylit_error("ok = 1\na = [1, 2\n", "line 3: '[' is never closed");
	expect_pylit_error("a = 1 + 2\n", "unexpected text");
	expect_pylit_error("= 3\n", "setting name");
	expect_pylit_error("a = {'k' 1}\n", "expected ':'");
	expect_pylit_error("a = '\\x4'\n", "invalid escape");
	expect_pylit_error("a = 12abc\n", "invalid number");
	memset(deep, '[', sizeof(deep));
	memcpy(deep, "a = ", 4);
	deep[sizeof(deep) - 1] = '\0';
	expect_pylit_error(deep, "nested too deep");
}

static void
test_pylit_json(void **state)
{
	static const char text[] = "{\"entries\": [{\"email\": \"a@x.org\", "
	    "\"display_name\": \"Zo\\u00eb\", \"role\": \"member\", "
	    "\"ok\": true, \"n\": null}], \"total_size\": 1}";
	struct pyval *v;
	const struct pyval *e;
	char err[300];

	(void)state;
	assert_int_equal(pylit_parse_json(text, sizeof(text) - 1, &v, err, 300),
	    ST_OK);
	e = pyval_dict_get(v, "entries")->items[0];
	assert_string_equal(pyval_dict_get(e, "display_name")->s, "Zo\xc3\xab");
	assert_true(pyval_truth(pyval_dict_get(e, "ok")));
	pyval_unref(v);
	assert_int_equal(pylit_parse_json("{\"a\": True}", 11, &v, err, 300),
	    ST_DATA);
	assert_int_equal(pylit_parse_json("[1] 2", 5, &v, err, 300), ST_DATA);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pickle_reads_mailman_values),
		cmocka_unit_test(test_pickle_every_truncation_is_an_error),
		cmocka_unit_test(test_pickle_every_byte_changed_never_crashes),
		cmocka_unit_test(test_pickle_refuses_code),
		cmocka_unit_test(test_pickle_hostile_shapes),
		cmocka_unit_test(test_pickle_reads_bounce_info_records_as_data),
		cmocka_unit_test(test_pickle_refuses_other_classes_and_misuse),
		cmocka_unit_test(test_pickle_copies_shared_tuples),
		cmocka_unit_test(test_pylit_reads_config_list),
		cmocka_unit_test(test_pylit_hostile),
		cmocka_unit_test(test_pylit_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
