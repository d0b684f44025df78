/* test_csv.c - the CSV reader on real files: every record or error is
 * turned into one line of a trace ("2:a|b" or "3!reason") and the whole
 * trace compared, so line numbers and recovery are checked together. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/csv.h"
#include "tests/unit/testutil.h"

static char *dir;

/* Read data (len bytes) as a CSV file; return the trace. Caller frees. */
static char *
trace_bytes(const void *data, size_t len)
{
	struct csv_reader r;
	struct buf out;
	const char *reason;
	char *path = tu_write(dir, "in.csv", data, len);
	size_t line;
	int rc, guard = 0;

	buf_init(&out, 1 << 20);
	assert_int_equal(csv_open(&r, path), 0);
	while ((rc = csv_next(&r, &line, &reason)) != 0 && guard++ < 1000) {
		if (rc < 0) {
			buf_printf(&out, "%zu!%s\n", line, reason);
			continue;
		}
		buf_printf(&out, "%zu:", line);
		for (size_t i = 0; i < r.n_fields; i++)
			buf_printf(&out, "%s%s", i ? "|" : "", r.fields[i]);
		buf_append_str(&out, "\n");
	}
	csv_close(&r);
	xfree(path);
	return buf_steal(&out);
}

static void
expect_trace(const char *text, const char *want)
{
	char *got = trace_bytes(text, strlen(text));

	assert_string_equal(got, want);
	xfree(got);
}

static void
test_csv_reads_header_and_rows(void **state)
{
	struct csv_reader r;
	const char *reason;
	char *path;
	size_t line;

	(void)state;
	expect_trace("address,name\na@x.org,Alice\nb@x.org,\n",
	    "1:address|name\n2:a@x.org|Alice\n3:b@x.org|\n");
	path = tu_write_str(dir, "h.csv", " Address ,NAME,mode\n");
	assert_int_equal(csv_open(&r, path), 0);
	assert_int_equal(csv_next(&r, &line, &reason), 1);
	assert_int_equal(csv_column(&r, "address"), 0);
	assert_int_equal(csv_column(&r, "name"), 1);
	assert_int_equal(csv_column(&r, "mode"), 2);
	assert_int_equal(csv_column(&r, "email"), -1);
	assert_int_equal(csv_next(&r, &line, &reason), 0);
	csv_close(&r);
	xfree(path);
}

static void
test_csv_quoted_fields_hold_commas_newlines_and_quotes(void **state)
{
	(void)state;
	expect_trace("a,\"b, c\",\"say \"\"hi\"\"\"\n"
	    "\"two\nlines\",x,\"\"\n"
	    "next,row,here\n",
	    "1:a|b, c|say \"hi\"\n2:two\nlines|x|\n4:next|row|here\n");
}

static void
test_csv_crlf_and_lf_and_no_final_newline(void **state)
{
	(void)state;
	expect_trace("a,b\r\nc,d\ne,f", "1:a|b\n2:c|d\n3:e|f\n");
	expect_trace("\"q\"\r\nz\r\n", "1:q\n2:z\n");
}

static void
test_csv_skips_bom_and_blank_lines(void **state)
{
	(void)state;
	expect_trace("\xef\xbb\xbf" "address\r\n\r\n\na@x.org\r\n\n",
	    "1:address\n4:a@x.org\n");
	/* A broken BOM is invalid UTF-8; its whole line goes, nothing more. */
	expect_trace("\xef" "abc\nok\n", "1!invalid UTF-8\n2:ok\n");
	expect_trace("\xef\nok\n", "1!invalid UTF-8\n2:ok\n");
	expect_trace("\xef\xbb" "x,y\nok\n", "1!invalid UTF-8\n2:ok\n");
}

static void
test_csv_unterminated_quote(void **state)
{
	(void)state;
	expect_trace("a,b\nc,\"never closed\nmore\n",
	    "1:a|b\n2!unterminated quoted field\n");
}

static void
test_csv_quote_inside_unquoted_field(void **state)
{
	(void)state;
	expect_trace("a,b\"c,d\nok,1\n",
	    "1!quote inside an unquoted field\n2:ok|1\n");
}

static void
test_csv_text_after_closing_quote(void **state)
{
	(void)state;
	expect_trace("\"a\"b,c\nok,1\n", "1!text after a closing quote\n2:ok|1\n");
}

static void
test_csv_nul_byte(void **state)
{
	static const char data[] = "a,b\nc\0d,e\nok,1\n";
	char *got;

	(void)state;
	got = trace_bytes(data, sizeof(data) - 1);
	assert_string_equal(got, "1:a|b\n2!NUL byte in field\n3:ok|1\n");
	xfree(got);
}

static void
test_csv_bad_quoted_field_is_skipped_whole(void **state)
{
	static const char nul[] = "address\na@x.org,\"\0\nevil@x.org\n\"\n"
	    "ok@x.org\n";
	char *got, *big;
	size_t n = CSV_RECORD_MAX + 10;

	(void)state;
	/* A line inside the bad quoted field must not become a record. */
	got = trace_bytes(nul, sizeof(nul) - 1);
	assert_string_equal(got, "1:address\n2!NUL byte in field\n5:ok@x.org\n");
	xfree(got);
	big = xmalloc(n + 64);
	memcpy(big, "\"", 1);
	memset(big + 1, 'a', n);
	memcpy(big + 1 + n, "\nevil@x.org\n\"\nok@x.org\n", 23);
	got = trace_bytes(big, n + 24);
	assert_string_equal(got, "1!record longer than 64 KB\n4:ok@x.org\n");
	xfree(got);
	xfree(big);
}

static void
test_csv_invalid_utf8_names_line_and_continues(void **state)
{
	(void)state;
	/* Latin-1 e-acute, an overlong slash, a UTF-16 surrogate. */
	expect_trace("address,name\na@x.org,Ren\xe9\nb@x.org,ok\n"
	    "c@x.org,\xc0\xaf\nd@x.org,\xed\xa0\x80\ne@x.org,Ren\xc3\xa9\n",
	    "1:address|name\n2!invalid UTF-8\n3:b@x.org|ok\n"
	    "4!invalid UTF-8\n5!invalid UTF-8\n6:e@x.org|Ren\xc3\xa9\n");
}

static void
test_csv_too_many_fields(void **state)
{
	struct buf b;
	char *got;

	(void)state;
	buf_init(&b, 1 << 20);
	for (int i = 0; i < CSV_FIELDS_MAX; i++)
		buf_append_str(&b, i ? ",x" : "x");
	buf_append_str(&b, "\n");		/* exactly the maximum: fine */
	for (int i = 0; i <= CSV_FIELDS_MAX; i++)
		buf_append_str(&b, i ? ",y" : "y");
	buf_append_str(&b, "\nok,1\n");
	got = trace_bytes(b.data, b.len);
	assert_non_null(strstr(got, "\n2!too many fields\n3:ok|1\n"));
	assert_int_equal(strncmp(got, "1:x|x|", 6), 0);
	xfree(got);
	buf_release(&b);
}

static void
test_csv_overlong_record(void **state)
{
	size_t n = CSV_RECORD_MAX + 100;
	char *data = xmalloc(n + 32), *got;

	(void)state;
	memset(data, 'a', n);
	memcpy(data + n, "\nok,1\n", 6);
	got = trace_bytes(data, n + 6);
	assert_string_equal(got, "1!record longer than 64 KB\n2:ok|1\n");
	xfree(got);
	xfree(data);
}

static void
test_csv_empty_file_and_missing_file(void **state)
{
	struct csv_reader r;
	char *path;

	(void)state;
	expect_trace("", "");
	expect_trace("\n\r\n\n", "");
	path = xasprintf("%s/absent.csv", dir);
	assert_int_equal(csv_open(&r, path), -1);
	xfree(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_reads_header_and_rows),
		cmocka_unit_test(test_csv_quoted_fields_hold_commas_newlines_and_quotes),
		cmocka_unit_test(test_csv_crlf_and_lf_and_no_final_newline),
		cmocka_unit_test(test_csv_skips_bom_and_blank_lines),
		cmocka_unit_test(test_csv_unterminated_quote),
		cmocka_unit_test(test_csv_quote_inside_unquoted_field),
		cmocka_unit_test(test_csv_text_after_closing_quote),
		cmocka_unit_test(test_csv_nul_byte),
		cmocka_unit_test(test_csv_bad_quoted_field_is_skipped_whole),
		cmocka_unit_test(test_csv_invalid_utf8_names_line_and_continues),
		cmocka_unit_test(test_csv_too_many_fields),
		cmocka_unit_test(test_csv_overlong_record),
		cmocka_unit_test(test_csv_empty_file_and_missing_file),
	};
	int rc;

	dir = tu_tmpdir_new();
	rc = cmocka_run_group_tests_name("csv", tests, NULL, NULL);
	tu_tmpdir_remove(dir);
	return rc;
}
