/* bounce_heuristic.c - blame addresses in the free text of non-standard
 * bounces. An address is blamed when its line states a failure, when it
 * follows a phrase that introduces failed recipients, or when it stands
 * alone on its line; the text is cut where the original message begins.
 * RFC 3464 reports are bounce_dsn.c's job. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "listd/bounce_dsn.h"
#include "listd/bounce_heuristic.h"

#define BLOCK_LINES	4	/* non-blank lines after an intro or an address */
#define SCAN_LINES	400	/* lines of report text read at most */

/* The state of one pass over the report text. */
struct scan {
	const struct bounce_text *t;
	struct bounce_report	*r;
	int			 is_temp;
	int			 block;		/* lines left in a rcpt block */
	int			 seen_addr;	/* block had an address */
	int			 to_ok;		/* block may name rcpts by To: */
	int			 n_added;
	struct bounce_rcpt	*pending[BOUNCE_RCPT_MAX];	/* no diag yet */
	int			 n_pending;
};

static const char *next_line(const char *p, const char *end, char *line,
		    size_t line_len);
static int	has_any(const char *s, const char *const *needles);
static int	line_is_cut(const char *line);
static void	scan_line(struct scan *s, const char *line);
static int	take_addr(const char *p, const char *line, char *out,
		    size_t out_len, const char **after);
static int	line_is_header(const struct scan *s, const char *line);
static void	scan_bare_name(struct scan *s, const char *p);
static int	addr_is_sender(const char *line, const char *addr);
static int	addr_leads(const char *start, const char *at);
static int	addr_is_excluded(const struct scan *s, const char *addr);
static void	note_diag(struct scan *s, const char *line);

static const char *const daemon_senders[] = {
	"mailer-daemon", "mailer_daemon", "mail-daemon", "maildaemon",
	"postmaster", "mail delivery", "mailadmin", "mail administrator",
	"system administrator", "internet mail", "mmdf", "smtp gateway",
	"mdaemon", "<>", "nobody@", "ndr@", "bounce", "mail router",
	"notification", "mail system", NULL
};

static const char *const bounce_subjects[] = {
	"undeliver", "undelivered", "not delivered", "delivery fail",
	"failure notice", "failed delivery", "delivery status",
	"returned mail", "returned to sender", "mail delivery failed",
	"could not be delivered", "delivery problem", "nondeliverable",
	"non-deliverable", "non deliverable", "delivery notification",
	"mail error", "message not delivered", "unable to deliver",
	"delivery failure", "bounce", "warning: could not send",
	"delivery report", "user unknown", "mail system error",
	"delayed mail", "delivery delayed", "undeliverable", NULL
};

static const char *const intro_phrases[] = {
	"following address", "following recipient", "following destination",
	"permanent fatal error", "fatal error", "could not be delivered",
	"could not deliver", "unable to deliver", "undeliverable",
	"not be delivered", "was not delivered", "wasn't delivered",
	"did not reach", "delivery to the following", "failed recipient",
	"address(es) failed", "addresses failed", "qmail-send program",
	"delivery has failed", "delivery failed", "not able to deliver",
	"invalid recipient", "recipient address", "failed to deliver",
	"couldn't be delivered", "no longer valid", "has not been delivered",
	"not yet been delivered", "delivery attempts", "error delivering",
	"following message", "message you sent", "were not delivered",
	"addressed to", "intended recipient", "recipient:", "your mail to",
	"not delivered to", "undeliverable to", "the address to",
	"your message was addressed", NULL
};

static const char *const failure_phrases[] = {
	"unknown", "no such", "not exist", "doesn't exist", "not found",
	"unavailable", "invalid", "disabled", "inactive", "deactivated",
	"rejected", "refused", "undeliverable", "unroutable", "unrouteable",
	"quota", "mailbox full", "mailbox is full", "is full", "over quota",
	"exceeded", "not listed", "no mailbox", "said:", "... ", "failed",
	"permanent", "error", "expired", "closed", "suspended", "denied",
	"not permitted", "not allowed", "blocked", "not a valid",
	"bad destination", "too large", "could not be delivered",
	"not delivered", "deferred", "delayed", "retry", "timed out",
	"not match", "generated from", "expanded from",
	"550", "551", "552", "553", "554", "501", "450", "451", "452", NULL
};

/* An inline copy of the original message starts at a line that begins
 * (after dashes and the like) with one of these... */
static const char *const cut_starts[] = {
	"original message", "unsent message", "returned message",
	"returned mail follows", "message header follows",
	"header of the original message", "headers of the original",
	"original headers", "text of the message", "copy of the original",
	"message text follows", "headers", "rfc822 headers",
	"your message reads", "the message follows", "the original message:",
	"the original message headers", "message follows",
	"start of returned message", "here is a copy of", NULL
};

/* ... or holds one of these anywhere. */
static const char *const cut_phrases[] = {
	"below this line is a copy of the message",
	"this is a copy of the message", "original message follows",
	"unsent message below", NULL
};

static const char *const header_starts[] = {
	"from:", "to:", "cc:", "bcc:", "return-path:", "reply-to:", "sender:",
	"message-id:", "received:", "in-reply-to:", "references:", "date:",
	"subject:", "delivered-to:", "x-", "errors-to:", "list-",
	"envelope-to:", "resent-", NULL
};

static const char *const local_excluded[] = {
	"postmaster", "mailer-daemon", "mailer_daemon", "mail-daemon",
	"abuse", "hostmaster", "webmaster", "noreply", "no-reply", NULL
};

static const char *const advice_words[] = {
	"try", "contact", "write to", "mailto:", "send to", "email", "e-mail",
	NULL
};

static const char *const warning_phrases[] = {
	"will continue", "will keep trying", "will be retried",
	"will retry", "still trying", "not yet been delivered",
	"this is a warning", "only a warning", "delivery delayed",
	"delayed mail", "will try again", "still be tried",
	"warning: could not send", "message is delayed", "delivery is delayed",
	"have not been delivered yet", "temporarily deferred", NULL
};

int
bounce_heuristic_looks_like_bounce(const struct bounce_text *t)
{
	char open[600];

	if (has_any(t->from, daemon_senders) ||
	    has_any(t->subject, bounce_subjects))
		return 1;
	snprintf(open, sizeof(open), "%.*s", (int)(t->body_len < 599 ?
	    t->body_len : 599), t->body);
	return has_any(open, intro_phrases) && has_any(open, failure_phrases);
}

int
bounce_heuristic_is_warning(const struct bounce_text *t)
{
	char open[2048];

	if (has_any(t->subject, warning_phrases) ||
	    strncasecmp(t->subject, "warning", 7) == 0 ||
	    has_any(t->subject, (const char *const[]){ "delayed", "delay)",
	    NULL }))
		return 1;
	snprintf(open, sizeof(open), "%.*s", (int)(t->body_len < 2047 ?
	    t->body_len : 2047), t->body);
	return has_any(open, warning_phrases);
}

int
bounce_heuristic_scan(const struct bounce_text *t, struct bounce_report *r)
{
	struct scan s;
	char line[BOUNCE_LINE_MAX + 1];
	const char *p = t->body, *end = t->body + t->body_len;

	if (!bounce_heuristic_looks_like_bounce(t))
		return 0;
	memset(&s, 0, sizeof(s));
	s.t = t;
	s.r = r;
	s.is_temp = bounce_heuristic_is_warning(t);
	for (int n = 0; p && p < end && n < SCAN_LINES; n++) {
		p = next_line(p, end, line, sizeof(line));
		if (line_is_cut(line))
			break;
		scan_line(&s, line);
	}
	return s.n_added;
}

void
bounce_heuristic_details(const struct bounce_text *t, struct bounce_report *r)
{
	char line[BOUNCE_LINE_MAX + 1], st[BOUNCE_STATUS_MAX];
	const char *p = t->body, *end = t->body + t->body_len;
	int is_temp = bounce_heuristic_is_warning(t);

	for (size_t i = 0; i < r->n_rcpts; i++)
		r->rcpts[i].is_temporary = is_temp;
	for (int n = 0; p && p < end && n < SCAN_LINES; n++) {
		p = next_line(p, end, line, sizeof(line));
		if (line_is_cut(line))
			break;
		if (bounce_dsn_status_find(line, st, sizeof(st)) == -1)
			continue;
		for (size_t i = 0; i < r->n_rcpts; i++) {
			if (!*r->rcpts[i].status)
				snprintf(r->rcpts[i].status, BOUNCE_STATUS_MAX,
				    "%s", st);
			if (!*r->rcpts[i].diag)
				snprintf(r->rcpts[i].diag, BOUNCE_DIAG_MAX,
				    "%s", line);
		}
	}
}

static void
scan_line(struct scan *s, const char *line)
{
	const char *p = line, *after, *start;
	char addr[ADDR_MAX + 1];
	int is_failure = has_any(line, failure_phrases), alone, first;
	int is_postfix;
	struct bounce_rcpt *e;

	while (*p == ' ' || *p == '\t' || *p == '>')
		p++;
	if (*p == '\0') {
		if (s->seen_addr)
			s->block = 0;
		return;
	}
	if (has_any(line, intro_phrases)) {
		s->block = BLOCK_LINES;
		s->seen_addr = 0;
		s->to_ok = strcasestr(line, "following message") != NULL;
	}
	note_diag(s, line);
	if (line_is_header(s, line))
		goto next;
	if (strncasecmp(p, "to:", 3) == 0)
		p += 3 + strspn(p + 3, " \t");
	start = p;
	if (s->block > 0 && !s->seen_addr && strchr(p, '@') == NULL)
		scan_bare_name(s, p);
	for (int i = 0; i < 8 && take_addr(p, line, addr, sizeof(addr),
	    &after) == 0; i++, p = after) {
		first = addr_leads(start, after - strlen(addr));
		alone = first && strspn(after, " \t>:.;,)]\"'") == strlen(after);
		is_postfix = first && strncmp(after, ">:", 2) == 0;
		if (addr_is_excluded(s, addr) || addr_is_sender(line, addr) ||
		    !(is_failure || (s->block > 0 && first) || alone ||
		    is_postfix))
			continue;
		e = bounce_report_add(s->r, addr, NULL, NULL, NULL, s->is_temp);
		if (e == NULL)
			continue;
		s->seen_addr = 1;
		s->block = BLOCK_LINES + 1;
		s->n_added++;
		if (!*e->diag && s->n_pending < BOUNCE_RCPT_MAX)
			s->pending[s->n_pending++] = e;
		note_diag(s, line);
	}
next:
	if (s->block > 0)
		s->block--;
}

/* Quoted headers of the original are not blame, except a "To:" inside a
 * recipient block (Exchange and Yahoo name the recipient that way). */
static int
line_is_header(const struct scan *s, const char *line)
{
	const char *p = line + strspn(line, " \t>");

	if (s->block > 0 && s->to_ok && strncasecmp(p, "to:", 3) == 0)
		return 0;
	for (const char *const *h = header_starts; *h; h++)
		if (strncasecmp(p, *h, strlen(*h)) == 0)
			return 1;
	return 0;
}

/* AOL names failed recipients by screen name alone ("\tscreenname"). */
static void
scan_bare_name(struct scan *s, const char *p)
{
	char addr[ADDR_MAX + 1];
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");
	const char *dom = strrchr(s->t->from, '@');

	if (n == 0 || n > ADDR_LOCAL_MAX || p[n + strspn(p + n, " \t")] ||
	    dom == NULL || strncasecmp(dom, "@aol.com", 8) != 0)
		return;
	snprintf(addr, sizeof(addr), "%.*s@aol.com", (int)n, p);
	if (bounce_report_add(s->r, addr, NULL, NULL, NULL, s->is_temp)) {
		s->seen_addr = 1;
		s->n_added++;
	}
}

/* Does the address at "at" lead its line: at most three words before it,
 * or right after "to" or a colon ("Intended recipient: a@b")? */
static int
addr_leads(const char *start, const char *at)
{
	int words = 0;
	const char *e = at;

	while (e > start && strchr(" \t<\"'(", e[-1]))
		e--;
	if ((e - start >= 1 && e[-1] == ':') ||
	    (e - start >= 3 && strncasecmp(e - 3, " to", 3) == 0))
		return 1;
	for (const char *q = start; q < e; q++)
		if ((q == start || q[-1] == ' ' || q[-1] == '\t') &&
		    *q != ' ' && *q != '\t')
			words++;
	return words <= 3;
}

/* "not accepting mail from X", "sent by X": X is the sender, not blamed;
 * nor is an address the text advises writing to ("try X", "contact X"). */
static int
addr_is_sender(const char *line, const char *addr)
{
	const char *at = strstr(line, addr);

	if (at == NULL)
		return 0;
	while (at > line && strchr(" \t<\"'", at[-1]))
		at--;
	if (at - line >= 14 && (strncasecmp(at - 14, "generated from", 14) == 0 ||
	    strncasecmp(at - 13, "expanded from", 13) == 0))
		return 0;
	for (const char *const *w = advice_words; *w; w++) {
		size_t n = strlen(*w);

		if ((size_t)(at - line) >= n && strncasecmp(at - n, *w, n) == 0)
			return 1;
	}
	return (at - line >= 4 && strncasecmp(at - 4, "from", 4) == 0) ||
	    (at - line >= 2 && strncasecmp(at - 2, "by", 2) == 0);
}

/* Give a diagnostic to the addresses still waiting for one: this line, if
 * it states a failure. */
static void
note_diag(struct scan *s, const char *line)
{
	char st[BOUNCE_STATUS_MAX] = "";
	const char *p = line;

	if (s->n_pending == 0 || !has_any(line, failure_phrases))
		return;
	while (*p == ' ' || *p == '\t')
		p++;
	bounce_dsn_status_find(p, st, sizeof(st));
	for (int i = 0; i < s->n_pending; i++) {
		snprintf(s->pending[i]->diag, BOUNCE_DIAG_MAX, "%s", p);
		if (*st && !*s->pending[i]->status)
			snprintf(s->pending[i]->status, BOUNCE_STATUS_MAX,
			    "%s", st);
	}
	s->n_pending = 0;
}

/* Find the next address-like token at or after p in a line that is not a
 * header of a quoted message. 0 with out filled and *after past it. */
static int
take_addr(const char *p, const char *line, char *out, size_t out_len,
    const char **after)
{
	static const char stop[] = " \t<>()[]\"',;:=|`";
	const char *at, *b, *e;

	while ((at = strchr(p, '@')) != NULL) {
		for (b = at; b > line && !strchr(stop, b[-1]); b--)
			;
		for (e = at + 1; *e && !strchr(stop, *e); e++)
			;
		while (e > at + 1 && e[-1] == '.')
			e--;
		*after = e;
		if (b < at && e > at + 1 && (size_t)(e - b) < out_len &&
		    strchr(at + 1, '.') && memchr(at + 1, '.', e - at - 1)) {
			memcpy(out, b, (size_t)(e - b));
			out[e - b] = '\0';
			return 0;
		}
		p = e > at ? e : at + 1;
	}
	return -1;
}

/* Not blamed: the bounce's own sender and recipient, daemons and
 * postmasters, and message-id-like tokens. */
static int
addr_is_excluded(const struct scan *s, const char *addr)
{
	size_t n = strcspn(addr, "@");

	for (const char *const *l = local_excluded; *l; l++)
		if (strlen(*l) == n && strncasecmp(addr, *l, n) == 0)
			return 1;
	if (strcasestr(s->t->from, addr) || strcasestr(s->t->to, addr))
		return 1;
	return 0;
}

static int
line_is_cut(const char *line)
{
	const char *p = line + strspn(line, " \t-=*_>");

	if (strlen(p) > 120)
		return 0;
	for (const char *const *c = cut_starts; *c; c++)
		if (strncasecmp(p, *c, strlen(*c)) == 0)
			return 1;
	return has_any(p, cut_phrases);
}

static int
has_any(const char *s, const char *const *needles)
{
	for (; *needles; needles++)
		if (strcasestr(s, *needles))
			return 1;
	return 0;
}

/* Copy one line of [p, end) without its line end into line (cut to fit).
 * Returns the next line's start, or NULL at the end. */
static const char *
next_line(const char *p, const char *end, char *line, size_t line_len)
{
	const char *e = p;
	size_t k;

	while (e < end && *e != '\r' && *e != '\n')
		e++;
	k = (size_t)(e - p) < line_len - 1 ? (size_t)(e - p) : line_len - 1;
	memcpy(line, p, k);
	line[k] = '\0';
	if (e < end && *e == '\r')
		e++;
	if (e < end && *e == '\n')
		e++;
	return e < end ? e : NULL;
}
