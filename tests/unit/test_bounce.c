/* test_bounce.c - the bounce parser on hand-made DSNs and failure reports,
 * hostile input beside each happy path. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <gmime/gmime.h>

#include "core/buf.h"
#include "core/xmem.h"
#include "listd/bounce_parse.h"

#define HDRS \
	"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n" \
	"To: news-bounces+tok@lists.example.org\n" \
	"Subject: Undelivered Mail Returned to Sender\n" \
	"MIME-Version: 1.0\n" \
	"Content-Type: multipart/report; report-type=delivery-status;" \
	" boundary=\"B\"\n\n" \
	"--B\nContent-Type: text/plain\n\nDelivery failed.\n\n" \
	"--B\nContent-Type: message/delivery-status\n\n" \
	"Reporting-MTA: dns; mx.example.net\n\n"
#define ORIG \
	"--B\nContent-Type: message/rfc822\n\n" \
	"From: news@lists.example.org\nTo: someone-else@example.com\n" \
	"Subject: hi\n\nbody\n--B--\n"

static struct bounce_report *
parse(const char *msg)
{
	struct bounce_report *r = NULL;

	assert_int_equal(bounce_parse(msg, strlen(msg), &r), ST_OK);
	assert_non_null(r);
	return r;
}

static void
test_bounce_dsn_multi_recipient(void **state)
{
	struct bounce_report *r = parse(HDRS
	    "Final-Recipient: rfc822; alice@example.com\nAction: failed\n"
	    "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no such user\n\n"
	    "Final-Recipient: rfc822; <Bob@Example.COM>\nAction: failed\n"
	    "Status: 5.2.2\n\n" ORIG);

	(void)state;
	assert_int_equal(r->verdict, BOUNCE_PERMANENT);
	assert_int_equal(r->source, BOUNCE_SRC_DSN);
	assert_int_equal(r->n_rcpts, 2);
	assert_string_equal(r->rcpts[0].addr, "alice@example.com");
	assert_string_equal(r->rcpts[0].status, "5.1.1");
	assert_string_equal(r->rcpts[0].diag, "550 5.1.1 no such user");
	assert_string_equal(r->rcpts[0].mta, "mx.example.net");
	assert_string_equal(r->rcpts[1].addr, "Bob@example.com");
	assert_string_equal(r->rcpts[1].status, "5.2.2");
	bounce_report_free(r);
}

static void
test_bounce_dsn_delayed_is_temporary(void **state)
{
	struct bounce_report *r = parse(HDRS
	    "Final-Recipient: rfc822; slow@example.com\nAction: delayed\n"
	    "Status: 4.4.1\n\n" ORIG);

	(void)state;
	assert_int_equal(r->verdict, BOUNCE_TEMPORARY);
	assert_int_equal(r->n_rcpts, 1);
	assert_true(r->rcpts[0].is_temporary);
	assert_string_equal(r->rcpts[0].status, "4.4.1");
	bounce_report_free(r);
}

static void
test_bounce_dsn_permanent_wins_over_temporary(void **state)
{
	struct bounce_report *r = parse(HDRS
	    "Final-Recipient: rfc822; slow@example.com\nStatus: 4.2.2\n\n"
	    "Final-Recipient: rfc822; gone@example.com\nStatus: 5.1.1\n\n"
	    ORIG);

	(void)state;
	assert_int_equal(r->verdict, BOUNCE_PERMANENT);
	assert_int_equal(r->n_rcpts, 2);
	assert_true(r->rcpts[0].is_temporary);
	assert_false(r->rcpts[1].is_temporary);
	bounce_report_free(r);
}

static void
test_bounce_dsn_missing_final_recipient_uses_original(void **state)
{
	struct bounce_report *r = parse(HDRS
	    "Original-Recipient: rfc822;orig@example.com\nAction: failed\n"
	    "Status: 5.0.0\n\n" ORIG);

	(void)state;
	assert_int_equal(r->verdict, BOUNCE_PERMANENT);
	assert_int_equal(r->n_rcpts, 1);
	assert_string_equal(r->rcpts[0].addr, "orig@example.com");
	bounce_report_free(r);
}

static void
test_bounce_dsn_no_recipient_at_all_blames_nobody(void **state)
{
	struct bounce_report *r = parse(HDRS "Action: failed\nStatus: 5.0.0\n\n"
	    ORIG);

	(void)state;
	assert_int_equal(r->verdict, BOUNCE_NONE);
	assert_int_equal(r->n_rcpts, 0);
	bounce_report_free(r);
}

static void
test_bounce_dsn_delivered_is_not_a_bounce(void **state)
{
	struct bounce_report *r = parse(HDRS
	    "Final-Recipient: rfc822; ok@example.com\nAction: delivered\n"
	    "Status: 2.0.0\n\n" ORIG);

	(void)state;
	assert_int_equal(r->verdict, BOUNCE_NONE);
	assert_int_equal(r->n_rcpts, 0);
	bounce_report_free(r);
}

static void
test_bounce_x_failed_recipients_header(void **state)
{
	struct bounce_report *r = parse(
	    "From: Mail Delivery System <Mailer-Daemon@mx.example.net>\n"
	    "To: news-bounces@lists.example.org\n"
	    "X-Failed-Recipients: a@example.com, b@example.com\n"
	    "Subject: Mail delivery failed\n\n"
	    "This message was created automatically by mail delivery software.\n"
	    "  a@example.com\n    550 5.1.1 unknown user\n");

	(void)state;
	assert_int_equal(r->verdict, BOUNCE_PERMANENT);
	assert_int_equal(r->source, BOUNCE_SRC_HEADER);
	assert_int_equal(r->n_rcpts, 2);
	assert_string_equal(r->rcpts[1].addr, "b@example.com");
	assert_string_equal(r->rcpts[0].status, "5.1.1");
	bounce_report_free(r);
}

/* The outer report blames outer@; the returned message is itself a bounce
 * naming inner@, which must not be blamed. */
static void
test_bounce_of_a_bounce_blames_outer_only(void **state)
{
	struct bounce_report *r = parse(HDRS
	    "Final-Recipient: rfc822; outer@example.com\nAction: failed\n"
	    "Status: 5.1.1\n\n"
	    "--B\nContent-Type: message/rfc822\n\n"
	    "From: MAILER-DAEMON@other.example\nSubject: Undeliverable\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=\"I\"\n\n--I\nContent-Type: message/delivery-status\n\n"
	    "Final-Recipient: rfc822; inner@example.com\nAction: failed\n\n"
	    "--I--\n--B--\n");

	(void)state;
	assert_int_equal(r->n_rcpts, 1);
	assert_string_equal(r->rcpts[0].addr, "outer@example.com");
	bounce_report_free(r);
}

static void
test_bounce_address_only_in_quoted_headers_not_blamed(void **state)
{
	struct bounce_report *r = parse(
	    "From: MAILER-DAEMON@mx.example.net\nTo: news-bounces@lists.example.org\n"
	    "Subject: Returned mail: see transcript for details\n\n"
	    "The message could not be delivered.\n\n"
	    "   ----- Original message follows -----\n"
	    "To: quoted@example.com\nFrom: news@lists.example.org\n"
	    "Received: from x by y for <quoted2@example.com>\n\n"
	    "user unknown: quoted3@example.com\n");

	(void)state;
	assert_int_equal(r->verdict, BOUNCE_NONE);
	assert_int_equal(r->n_rcpts, 0);
	bounce_report_free(r);
}

static void
test_bounce_text_sendmail_style(void **state)
{
	struct bounce_report *r = parse(
	    "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>\n"
	    "Subject: Returned mail: User unknown\n\n"
	    "The original message was received at today\n\n"
	    "   ----- The following addresses had permanent fatal errors -----\n"
	    "<carol@example.com>\n\n"
	    "   ----- Transcript of session follows -----\n"
	    "550 5.1.1 <carol@example.com>... User unknown\n");

	(void)state;
	assert_int_equal(r->verdict, BOUNCE_PERMANENT);
	assert_int_equal(r->source, BOUNCE_SRC_TEXT);
	assert_int_equal(r->n_rcpts, 1);
	assert_string_equal(r->rcpts[0].addr, "carol@example.com");
	assert_string_equal(r->rcpts[0].status, "5.1.1");
	bounce_report_free(r);
}

static void
test_bounce_vacation_reply_gives_none(void **state)
{
	struct bounce_report *r = parse(
	    "From: Dan <dan@example.com>\nTo: news@lists.example.org\n"
	    "Auto-Submitted: auto-replied\nSubject: Out of Office: news\n\n"
	    "I am away until Monday; write to deputy@example.com.\n");

	(void)state;
	assert_int_equal(r->verdict, BOUNCE_NONE);
	assert_int_equal(r->source, BOUNCE_SRC_AUTOREPLY);
	assert_int_equal(r->n_rcpts, 0);
	bounce_report_free(r);
}

static void
test_bounce_challenge_response_gives_none(void **state)
{
	struct bounce_report *r = parse(HDRS
	    "Final-Recipient: rfc822; guarded@example.com\nAction: failed\n"
	    "Status: 4.7.0\nDiagnostic-Code: smtp; Sender not pre-approved\n\n"
	    "--B\nContent-Type: text/plain\n\nThis mailbox is guarded by Boxbe."
	    " Please verify that you are a person.\n" ORIG);

	(void)state;
	assert_int_equal(r->verdict, BOUNCE_NONE);
	assert_int_equal(r->n_rcpts, 0);
	bounce_report_free(r);
}

/* Hostile: a DSN with 100,000 recipient groups is cut at BOUNCE_RCPT_MAX,
 * and marked truncated, without a crash. */
static void
test_bounce_hostile_100000_recipients_is_bounded(void **state)
{
	struct buf b;
	struct bounce_report *r = NULL;

	(void)state;
	buf_init(&b, 8u * 1024 * 1024);
	buf_append_str(&b, HDRS);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(buf_printf(&b, "Final-Recipient: rfc822; "
		    "u%d@example.com\nStatus: 5.1.1\n\n", i), 0);
	buf_append_str(&b, "--B--\n");
	assert_int_equal(bounce_parse(b.data, b.len, &r), ST_OK);
	assert_int_equal(r->verdict, BOUNCE_PERMANENT);
	assert_int_equal(r->n_rcpts, BOUNCE_RCPT_MAX);
	assert_true(r->is_truncated);
	bounce_report_free(r);
	buf_release(&b);
}

static void
test_bounce_hostile_nul_bytes(void **state)
{
	static const char msg[] = HDRS
	    "Final-Recipient: rfc822; nul@example.com\0evil@example.com\n"
	    "Action: failed\0\nStatus: 5.1.1\n\n" ORIG;
	struct bounce_report *r = NULL;

	(void)state;
	assert_int_equal(bounce_parse(msg, sizeof(msg) - 1, &r), ST_OK);
	for (size_t i = 0; i < r->n_rcpts; i++)
		assert_null(strchr(r->rcpts[i].addr, ' '));
	bounce_report_free(r);
}

static void
test_bounce_hostile_broken_mime(void **state)
{
	struct bounce_report *r = parse(
	    "From: MAILER-DAEMON@mx.example.net\n"
	    "Content-Type: multipart/report; boundary=\"\"\n\n"
	    "--\n--\nContent-Type: message/delivery-status\n\n"
	    "Final-Recipient: rfc822; x@\nAction: failed\n");

	(void)state;
	assert_int_equal(r->n_rcpts, 0);
	bounce_report_free(r);
}

static void
test_bounce_hostile_long_line_and_bad_address(void **state)
{
	struct buf b;
	struct bounce_report *r = NULL;

	(void)state;
	buf_init(&b, 1024 * 1024);
	buf_append_str(&b, HDRS "Final-Recipient: rfc822; ");
	for (int i = 0; i < 20000; i++)
		buf_append_str(&b, "aaaaaaaaaa");
	buf_append_str(&b, "@example.com\nAction: failed\n\n"
	    "Final-Recipient: rfc822; a@b@c\nAction: failed\n\n"
	    "Final-Recipient: rfc822; crlf@example.com\r\nX: y\n\n" ORIG);
	assert_int_equal(bounce_parse(b.data, b.len, &r), ST_OK);
	assert_int_equal(r->n_rcpts, 1);
	assert_string_equal(r->rcpts[0].addr, "crlf@example.com");
	bounce_report_free(r);
	buf_release(&b);
}

static void
test_bounce_hostile_empty_and_oversized(void **state)
{
	struct bounce_report *r = (struct bounce_report *)1;

	(void)state;
	assert_int_equal(bounce_parse("", 0, &r), ST_DATA);
	assert_null(r);
	assert_int_equal(bounce_parse("x", BOUNCE_MSG_MAX + 1, &r), ST_TOOBIG);
	assert_null(r);
	bounce_report_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounce_dsn_multi_recipient),
		cmocka_unit_test(test_bounce_dsn_delayed_is_temporary),
		cmocka_unit_test(test_bounce_dsn_permanent_wins_over_temporary),
		cmocka_unit_test(test_bounce_dsn_missing_final_recipient_uses_original),
		cmocka_unit_test(test_bounce_dsn_no_recipient_at_all_blames_nobody),
		cmocka_unit_test(test_bounce_dsn_delivered_is_not_a_bounce),
		cmocka_unit_test(test_bounce_x_failed_recipients_header),
		cmocka_unit_test(test_bounce_of_a_bounce_blames_outer_only),
		cmocka_unit_test(test_bounce_address_only_in_quoted_headers_not_blamed),
		cmocka_unit_test(test_bounce_text_sendmail_style),
		cmocka_unit_test(test_bounce_vacation_reply_gives_none),
		cmocka_unit_test(test_bounce_challenge_response_gives_none),
		cmocka_unit_test(test_bounce_hostile_100000_recipients_is_bounded),
		cmocka_unit_test(test_bounce_hostile_nul_bytes),
		cmocka_unit_test(test_bounce_hostile_broken_mime),
		cmocka_unit_test(test_bounce_hostile_long_line_and_bad_address),
		cmocka_unit_test(test_bounce_hostile_empty_and_oversized),
	};
	int rc;

	g_mime_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	g_mime_shutdown();
	return rc;
}
