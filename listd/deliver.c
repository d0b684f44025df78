/* deliver.c - SMTP fan-out to the relay through libesmtp (see deliver.h).
 * libesmtp owns the socket; as soon as it connects we set TCP_NODELAY on it
 * so the final "." of each message is not held back by Nagle while the
 * relay delays its ACK (the 40 ms per transaction that mlmmj loses). */
#include <stddef.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libesmtp.h>

#include "core/config.h"
#include "core/fault.h"
#include "core/log.h"
#include "core/xmem.h"
#include "listd/deliver.h"

#define FD_SCAN_MAX	4096

/* What the event callback needs to report each message as it is sent. */
struct session_ctx {
	int			 port;
	struct deliver_msg	*msgs;
	int			 n;
	smtp_message_t		*handles;
	smtp_recipient_t	**rcpt_handles;
	deliver_sent_fn		 on_sent;
	void			*arg;
};

static void collect_one(struct deliver_msg *, smtp_message_t,
    smtp_recipient_t *);

struct body_cursor {
	int	step;		/* 0: prefix next, 1: body next, 2: done */
};

/* Hand libesmtp the prefix, then the body; libesmtp frees *ctx itself. */
static const char *
body_cb(void **ctx, int *len, void *arg)
{
	struct deliver_msg *m = arg;
	struct body_cursor *c;

	/* libesmtp releases *ctx itself, so it must come from calloc. */
	if (*ctx == NULL)
		*ctx = calloc(1, sizeof(struct body_cursor));	/* lint: allow */
	if ((c = *ctx) == NULL)
		return NULL;
	if (len == NULL) {		/* rewind */
		c->step = 0;
		return NULL;
	}
	if (c->step == 0) {
		c->step = 1;
		if (m->prefix && m->prefix_len) {
			*len = (int)m->prefix_len;
			return m->prefix;
		}
	}
	if (c->step == 1) {
		c->step = 2;
		*len = (int)m->body_len;
		return m->body;
	}
	*len = 0;
	return NULL;
}

/* TCP_NODELAY on every socket of ours connected to the relay's port (any
 * such socket is a relay connection, so the scan is harmless). */
static void
nodelay_relay_sockets(int port)
{
	int one = 1;

	for (int fd = 3; fd < FD_SCAN_MAX; fd++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int p;

		if (getpeername(fd, (struct sockaddr *)&ss, &sl) == -1)
			continue;
		if (ss.ss_family == AF_INET)
			p = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		else if (ss.ss_family == AF_INET6)
			p = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		else
			continue;
		if (p == port)
			(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof(one));
	}
}

/* On connect: no Nagle. After each message: report it at once. */
static void
event_cb(smtp_session_t session, int event, void *arg, ...)
{
	struct session_ctx *sc = arg;
	smtp_message_t m;
	va_list ap;

	(void)session;
	if (event == SMTP_EV_CONNECT) {
		nodelay_relay_sockets(sc->port);
		return;
	}
	if (event != SMTP_EV_MESSAGESENT || sc->on_sent == NULL)
		return;
	va_start(ap, arg);
	m = va_arg(ap, smtp_message_t);
	va_end(ap);
	for (int i = 0; i < sc->n; i++)
		if (sc->handles[i] == m) {
			collect_one(&sc->msgs[i], m, sc->rcpt_handles[i]);
			sc->on_sent(&sc->msgs[i], i, sc->arg);
			break;
		}
}

static void
copy_status(const smtp_status_t *st, int *code, char *text)
{
	*code = st ? st->code : 0;
	snprintf(text, DELIVER_TEXT_MAX, "%s", st && st->text ? st->text : "");
	for (char *p = text; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
}

static int
has_8bit(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] >= 0x80)
			return 1;
	return 0;
}

static int
add_messages(smtp_session_t s, struct deliver_msg *msgs, int n,
    smtp_message_t *handles, smtp_recipient_t **rcpt_handles)
{
	for (int i = 0; i < n; i++) {
		smtp_message_t m = smtp_add_message(s);

		if (m == NULL)
			return -1;
		handles[i] = m;
		smtp_set_reverse_path(m, msgs[i].reverse_path);
		smtp_set_messagecb(m, body_cb, &msgs[i]);
		/* Announce BODY=8BITMIME only when it is true: a relay
		 * without the extension still takes 7-bit mail. */
		if (has_8bit(msgs[i].body, msgs[i].body_len))
			smtp_8bitmime_set_body(m, E8bitmime_8BITMIME);
		for (int k = 0; k < msgs[i].n_rcpts; k++)
			rcpt_handles[i][k] = smtp_add_recipient(m,
			    msgs[i].rcpts[k].address);
	}
	return 0;
}

static void
collect_one(struct deliver_msg *m, smtp_message_t h, smtp_recipient_t *rh)
{
	copy_status(smtp_message_transfer_status(h), &m->code, m->text);
	for (int k = 0; k < m->n_rcpts; k++)
		copy_status(rh[k] ? smtp_recipient_status(rh[k]) : NULL,
		    &m->rcpts[k].code, m->rcpts[k].text);
}

static void
collect(struct deliver_msg *msgs, int n, smtp_message_t *handles,
    smtp_recipient_t **rcpt_handles)
{
	for (int i = 0; i < n; i++)
		collect_one(&msgs[i], handles[i], rcpt_handles[i]);
}

int
deliver_session(const char *relay, const char *helo, struct deliver_msg *msgs,
    int n, deliver_sent_fn on_sent, void *arg, char *err, size_t err_len)
{
	struct session_ctx sc;
	smtp_message_t *handles;
	smtp_recipient_t **rcpt_handles;
	smtp_session_t s;
	char host[256], ebuf[128];
	int port = 25, rc = -1;

	if (n > DELIVER_MSGS_MAX ||
	    config_hostport(relay, host, sizeof(host), &port) == -1) {
		snprintf(err, err_len, "bad relay or too many messages");
		return -1;
	}
	handles = xcalloc((size_t)n, sizeof(*handles));
	rcpt_handles = xcalloc((size_t)n, sizeof(*rcpt_handles));
	for (int i = 0; i < n; i++)
		rcpt_handles[i] = xcalloc((size_t)msgs[i].n_rcpts + 1,
		    sizeof(smtp_recipient_t));
	if ((s = smtp_create_session()) == NULL)
		goto out;
	smtp_set_server(s, relay);
	smtp_set_hostname(s, helo);
	sc.port = port;
	sc.msgs = msgs;
	sc.n = n;
	sc.handles = handles;
	sc.rcpt_handles = rcpt_handles;
	sc.on_sent = on_sent;
	sc.arg = arg;
	smtp_set_eventcb(s, event_cb, &sc);
	smtp_set_timeout(s, Timeout_OVERRIDE_RFC2822_MINIMUM | Timeout_DATA2, 120);
	if (add_messages(s, msgs, n, handles, rcpt_handles) == -1) {
		snprintf(err, err_len, "out of memory");
		goto out;
	}
	if (fault_hit("deliver.connect") || !smtp_start_session(s)) {
		snprintf(err, err_len, "relay %s: %s", relay,
		    smtp_strerror(smtp_errno(), ebuf, sizeof(ebuf)));
		collect(msgs, n, handles, rcpt_handles);
		goto out;
	}
	collect(msgs, n, handles, rcpt_handles);
	rc = 0;
out:
	if (s)
		smtp_destroy_session(s);
	for (int i = 0; i < n; i++)
		xfree(rcpt_handles[i]);
	xfree(rcpt_handles);
	xfree(handles);
	return rc;
}
