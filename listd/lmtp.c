/* lmtp.c - the LMTP server side of one connection (see lmtp.h). Commands
 * are a table; each handler answers with codes from core/status.c or the
 * protocol's own (354, 221, 5.5.x). Policy lives in intake.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"
#include "core/status.h"
#include "core/xmem.h"
#include "listd/intake.h"
#include "listd/lmtp.h"
#include "listd/lmtp_io.h"

struct session {
	struct lmtp_io		 io;
	struct intake		 in;
	volatile int		*stopping;
	int			 greeted;
	int			 has_sender;
	int			 quit;
	int			 n_bad;
	char			 sender[ADDR_MAX + 1];
	int			 n_rcpt;
	struct intake_rcpt	*rcpts;		/* LMTP_RCPT_MAX entries */
	struct buf		 body;
};

static void cmd_lhlo(struct session *, char *);
static void cmd_mail(struct session *, char *);
static void cmd_rcpt(struct session *, char *);
static void cmd_data(struct session *, char *);
static void cmd_rset(struct session *, char *);
static void cmd_noop(struct session *, char *);
static void cmd_quit(struct session *, char *);
static void cmd_vrfy(struct session *, char *);
static void cmd_helo(struct session *, char *);

static const struct lmtp_command {
	const char	*name;
	void		(*fn)(struct session *, char *);
} commands[] = {
	{ "LHLO", cmd_lhlo }, { "MAIL", cmd_mail }, { "RCPT", cmd_rcpt },
	{ "DATA", cmd_data }, { "RSET", cmd_rset }, { "NOOP", cmd_noop },
	{ "QUIT", cmd_quit }, { "VRFY", cmd_vrfy }, { "HELO", cmd_helo },
	{ "EHLO", cmd_helo },
};

static void
reply_status(struct session *s, enum status st, const char *text)
{
	lmtp_io_reply(&s->io, "%s %s", status_smtp(st), text);
}

static void
reset(struct session *s)
{
	s->has_sender = 0;
	s->sender[0] = '\0';
	s->n_rcpt = 0;
	s->in.urgent = 0;
}

static void
cmd_lhlo(struct session *s, char *arg)
{
	if (*arg == '\0') {
		lmtp_io_reply(&s->io, "501 5.5.4 LHLO needs a host name");
		return;
	}
	reset(s);
	s->greeted = 1;
	lmtp_io_reply(&s->io, "250-listd");
	lmtp_io_reply(&s->io, "250-PIPELINING");
	lmtp_io_reply(&s->io, "250-ENHANCEDSTATUSCODES");
	lmtp_io_reply(&s->io, "250-8BITMIME");
	lmtp_io_reply(&s->io, "250 SIZE %ld", cfg->lmtp_max_message_size);
}

static void
cmd_helo(struct session *s, char *arg)
{
	(void)arg;
	lmtp_io_reply(&s->io, "500 5.5.1 this is LMTP: say LHLO");
}

/* Take "<path>" after "FROM:" or "TO:" into out; the rest (parameters) is
 * returned through *params. -1 when malformed. */
static int
parse_path(char *arg, const char *prefix, char *out, size_t out_len,
    char **params)
{
	size_t plen = strlen(prefix);
	char *p, *close;

	if (strncasecmp(arg, prefix, plen) != 0)
		return -1;
	p = arg + plen;
	while (*p == ' ')
		p++;
	if (*p != '<' || (close = strchr(p, '>')) == NULL)
		return -1;
	if ((size_t)(close - p - 1) >= out_len)
		return -1;
	memcpy(out, p + 1, (size_t)(close - p - 1));
	out[close - p - 1] = '\0';
	*params = close + 1;
	return 0;
}

/* Check MAIL parameters: SIZE= against the limit, BODY= known. */
static int
mail_params(struct session *s, char *params)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(params, " ", &save); tok;
	    tok = strtok_r(NULL, " ", &save)) {
		if (strncasecmp(tok, "SIZE=", 5) == 0) {
			char *end;
			long long n = strtoll(tok + 5, &end, 10);

			if (*end || n < 0) {
				lmtp_io_reply(&s->io, "501 5.5.4 bad SIZE");
				return -1;
			}
			if (n > cfg->lmtp_max_message_size) {
				reply_status(s, ST_TOOBIG, "message too big");
				return -1;
			}
		} else if (strncasecmp(tok, "BODY=", 5) == 0) {
			if (strcasecmp(tok + 5, "7BIT") &&
			    strcasecmp(tok + 5, "8BITMIME")) {
				lmtp_io_reply(&s->io, "501 5.5.4 unknown BODY");
				return -1;
			}
		} else {
			lmtp_io_reply(&s->io, "555 5.5.4 unsupported parameter");
			return -1;
		}
	}
	return 0;
}

static void
cmd_mail(struct session *s, char *arg)
{
	char path[ADDR_MAX + 2], *params;
	const char *reason;

	if (!s->greeted) {
		lmtp_io_reply(&s->io, "503 5.5.1 say LHLO first");
		return;
	}
	if (s->has_sender) {
		lmtp_io_reply(&s->io, "503 5.5.1 nested MAIL command");
		return;
	}
	if (parse_path(arg, "FROM:", path, sizeof(path), &params) == -1) {
		lmtp_io_reply(&s->io, "501 5.5.4 syntax: MAIL FROM:<address>");
		return;
	}
	if (path[0] && addr_normalize(path, s->sender, sizeof(s->sender),
	    &reason) == -1) {
		lmtp_io_reply(&s->io, "553 5.1.7 bad sender address: %s", reason);
		return;
	}
	if (!path[0])
		s->sender[0] = '\0';
	if (mail_params(s, params) == -1)
		return;
	s->has_sender = 1;
	lmtp_io_reply(&s->io, "250 2.1.0 sender ok");
}

static void
cmd_rcpt(struct session *s, char *arg)
{
	char path[ADDR_MAX + 2], *params, why[200];
	enum status st;

	if (!s->has_sender) {
		lmtp_io_reply(&s->io, "503 5.5.1 MAIL first");
		return;
	}
	if (parse_path(arg, "TO:", path, sizeof(path), &params) == -1 ||
	    path[0] == '\0') {
		lmtp_io_reply(&s->io, "501 5.5.4 syntax: RCPT TO:<address>");
		return;
	}
	if (s->n_rcpt == LMTP_RCPT_MAX) {
		lmtp_io_reply(&s->io, "452 4.5.3 too many recipients");
		return;
	}
	st = intake_rcpt_check(&s->in, path, &s->rcpts[s->n_rcpt], why,
	    sizeof(why));
	if (st == ST_DATA) {
		lmtp_io_reply(&s->io, "553 5.1.3 %s", why);
		return;
	}
	if (st != ST_OK) {
		reply_status(s, st, why);
		return;
	}
	s->n_rcpt++;
	lmtp_io_reply(&s->io, "250 2.1.5 recipient ok");
}

/* The reason a DATA body is refused, or NULL. */
static const char *
data_refusal(const struct lmtp_data_result *r)
{
	if (r->bare_lf)
		return "bare CR or LF in message data: line ends must be CRLF";
	if (r->has_nul)
		return "NUL byte in message data";
	if (r->long_line)
		return "line longer than 998 octets";
	return NULL;
}

static void
cmd_data(struct session *s, char *arg)
{
	struct lmtp_data_result res;
	const char *refusal;
	long limit = 0;
	char text[INTAKE_REPLY_MAX];

	(void)arg;
	if (s->n_rcpt == 0) {
		lmtp_io_reply(&s->io, "503 5.5.1 no valid recipients");
		return;
	}
	for (int i = 0; i < s->n_rcpt; i++)
		if (intake_size_limit(&s->rcpts[i]) > limit)
			limit = intake_size_limit(&s->rcpts[i]);
	lmtp_io_reply(&s->io, "354 end data with <CR><LF>.<CR><LF>");
	lmtp_io_flush(&s->io);
	if (lmtp_io_data(&s->io, &s->body, (size_t)limit, &res) == -1) {
		s->quit = 1;
		return;
	}
	refusal = data_refusal(&res);
	for (int i = 0; i < s->n_rcpt; i++) {
		const struct intake_rcpt *r = &s->rcpts[i];
		enum status st;

		if (refusal)
			st = ST_DATA, snprintf(text, sizeof(text), "%s", refusal);
		else if (res.too_big || (long)res.size > intake_size_limit(r))
			st = ST_TOOBIG, snprintf(text, sizeof(text),
			    "message too big for %s", r->address);
		else
			st = intake_deliver(&s->in, r, s->sender, s->body.data,
			    s->body.len, text, sizeof(text));
		reply_status(s, st, text);
		log_info("lmtp reply district=%s list=%s rcpt=%s size=%zu st=%s",
		    r->district.slug, r->list.name, r->address, res.size,
		    status_name(st));
	}
	buf_reset(&s->body);
	reset(s);
}

static void
cmd_rset(struct session *s, char *arg)
{
	(void)arg;
	reset(s);
	lmtp_io_reply(&s->io, "250 2.0.0 reset");
}

static void
cmd_noop(struct session *s, char *arg)
{
	(void)arg;
	lmtp_io_reply(&s->io, "250 2.0.0 ok");
}

static void
cmd_vrfy(struct session *s, char *arg)
{
	(void)arg;
	lmtp_io_reply(&s->io, "252 2.5.2 cannot verify, send some mail");
}

static void
cmd_quit(struct session *s, char *arg)
{
	(void)arg;
	lmtp_io_reply(&s->io, "221 2.0.0 bye");
	s->quit = 1;
}

static void
dispatch(struct session *s, char *line)
{
	char *arg = line;
	size_t n;

	while (*arg && *arg != ' ')
		arg++;
	n = (size_t)(arg - line);
	while (*arg == ' ')
		arg++;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (n == strlen(commands[i].name) &&
		    strncasecmp(line, commands[i].name, n) == 0) {
			commands[i].fn(s, arg);
			return;
		}
	}
	lmtp_io_reply(&s->io, "500 5.5.2 unknown command");
	if (++s->n_bad >= LMTP_BAD_COMMANDS_MAX) {
		lmtp_io_reply(&s->io, "421 4.7.0 too many errors, closing");
		s->quit = 1;
	}
}

void
lmtp_session_run(int fd, const char *home, volatile int *stopping)
{
	struct session *s = xcalloc(1, sizeof(*s));
	char line[LMTP_LINE_MAX + 1];
	int n;

	lmtp_io_init(&s->io, fd, stopping, cfg->lmtp_timeout);
	intake_init(&s->in, home);
	s->stopping = stopping;
	s->rcpts = xcalloc(LMTP_RCPT_MAX, sizeof(*s->rcpts));
	buf_init(&s->body, (size_t)cfg->lmtp_max_message_size + 4096);
	lmtp_io_reply(&s->io, "220 listd LMTP ready");
	while (!s->quit && !s->io.failed) {
		lmtp_io_flush_if_idle(&s->io);
		if (*s->stopping && s->io.in_start == s->io.in_end) {
			lmtp_io_reply(&s->io, "421 4.3.2 shutting down");
			break;
		}
		if ((n = lmtp_io_line(&s->io, line, sizeof(line))) == -1)
			break;
		if (n == -2) {
			lmtp_io_reply(&s->io, "500 5.5.2 line too long");
			continue;
		}
		dispatch(s, line);
	}
	lmtp_io_flush(&s->io);
	close(fd);
	buf_release(&s->body);
	intake_release(&s->in);
	xfree(s->rcpts);
	xfree(s);
}
