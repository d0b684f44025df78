/* lmtp_io.c - socket I/O for one LMTP session (see lmtp_io.h). DATA is read
 * line by line: only a "." line that follows a CRLF and ends in CRLF ends
 * the message (P9), so "\n.\r\n" smuggling stays inside the data, where
 * its bare LF gets the message refused. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "listd/lmtp.h"
#include "listd/lmtp_io.h"

#define DATA_LINE_BUF	(LMTP_DATA_LINE_MAX + 3)

void
lmtp_io_init(struct lmtp_io *io, int fd, volatile int *stopping, int timeout)
{
	memset(io, 0, sizeof(*io));
	io->fd = fd;
	io->stopping = stopping;
	io->timeout_ms = timeout * 1000;
}

/* Wait for input in short steps so a shutdown is noticed between commands;
 * 0 when readable, -1 on timeout or shutdown. */
static int
wait_input(struct lmtp_io *io, int between_commands)
{
	int waited = 0;

	while (waited < io->timeout_ms) {
		struct pollfd pfd = { io->fd, POLLIN, 0 };
		int rc = poll(&pfd, 1, 250);

		if (rc > 0)
			return 0;
		if (rc == -1 && errno != EINTR)
			return -1;
		if (between_commands && io->stopping && *io->stopping)
			return -1;
		waited += 250;
	}
	return -1;
}

static int
fill(struct lmtp_io *io, int between_commands)
{
	ssize_t n;

	if (io->failed)
		return -1;
	if (io->in_start == io->in_end)
		io->in_start = io->in_end = 0;
	if (io->in_end == sizeof(io->in)) {
		memmove(io->in, io->in + io->in_start, io->in_end - io->in_start);
		io->in_end -= io->in_start;
		io->in_start = 0;
	}
	lmtp_io_flush(io);
	if (wait_input(io, between_commands) == -1) {
		io->failed = 1;
		return -1;
	}
	do
		n = read(io->fd, io->in + io->in_end, sizeof(io->in) - io->in_end);
	while (n == -1 && errno == EINTR);
	if (n <= 0) {
		io->failed = 1;	/* EOF, error, or SO_RCVTIMEO timeout */
		return -1;
	}
	io->in_end += (size_t)n;
	return 0;
}

/* Next byte, or -1. */
static int
next_byte(struct lmtp_io *io, int between_commands)
{
	if (io->in_start == io->in_end && fill(io, between_commands) == -1)
		return -1;
	return (unsigned char)io->in[io->in_start++];
}

int
lmtp_io_line(struct lmtp_io *io, char *line, size_t max)
{
	size_t n = 0;
	int c, too_long = 0;

	while ((c = next_byte(io, n == 0)) != -1 && c != '\n') {
		if (n + 1 < max)
			line[n++] = (char)c;
		else
			too_long = 1;
	}
	if (c == -1)
		return -1;
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	return too_long ? -2 : (int)n;
}

void
lmtp_io_reply(struct lmtp_io *io, const char *fmt, ...)
{
	char line[600];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 3)
		n = (int)sizeof(line) - 3;
	/* A reply is one line whatever went into it. */
	for (int i = 0; i < n; i++)
		if (line[i] == '\r' || line[i] == '\n')
			line[i] = ' ';
	line[n++] = '\r';
	line[n++] = '\n';
	if (io->out_len + (size_t)n > sizeof(io->out))
		lmtp_io_flush(io);
	memcpy(io->out + io->out_len, line, (size_t)n);
	io->out_len += (size_t)n;
}

void
lmtp_io_flush(struct lmtp_io *io)
{
	size_t off = 0;

	while (off < io->out_len && !io->failed) {
		ssize_t n = write(io->fd, io->out + off, io->out_len - off);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			io->failed = 1;
			break;
		}
		off += (size_t)n;
	}
	io->out_len = 0;
}

void
lmtp_io_flush_if_idle(struct lmtp_io *io)
{
	struct pollfd pfd = { io->fd, POLLIN, 0 };

	if (io->in_start < io->in_end)
		return;		/* pipelined commands are waiting */
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN))
		return;
	lmtp_io_flush(io);
}

/* Judge one complete data line (without its LF) and append it to body. */
static void
data_line(const char *l, size_t n, int crlf, struct buf *body, size_t limit,
    struct lmtp_data_result *res)
{
	if (crlf)
		n--;		/* the CR */
	else
		res->bare_lf = 1;
	if (memchr(l, '\r', n) != NULL)
		res->bare_lf = 1;
	if (memchr(l, '\0', n) != NULL)
		res->has_nul = 1;
	if (n > 0 && l[0] == '.') {	/* dot-stuffing */
		l++;
		n--;
	}
	res->size += n + 2;
	if (res->size > limit) {
		res->too_big = 1;
		return;
	}
	buf_append(body, l, n);
	buf_append(body, "\r\n", 2);
}

int
lmtp_io_data(struct lmtp_io *io, struct buf *body, size_t limit,
    struct lmtp_data_result *res)
{
	char line[DATA_LINE_BUF];
	size_t n = 0;
	int c, last = 0, prev_crlf = 1, overlong = 0;

	memset(res, 0, sizeof(*res));
	buf_reset(body);
	while ((c = next_byte(io, 0)) != -1) {
		if (c != '\n') {
			last = c;
			if (n < sizeof(line))
				line[n++] = (char)c;
			else
				overlong = 1;
			continue;
		}
		{
			int crlf = n > 0 && last == '\r';

			if (!overlong && crlf && prev_crlf && n == 2 &&
			    line[0] == '.')
				return 0;	/* CRLF . CRLF */
			if (overlong || n - (crlf ? 1 : 0) > LMTP_DATA_LINE_MAX) {
				res->long_line = 1;
				res->size += n;
			} else
				data_line(line, n, crlf, body, limit, res);
			prev_crlf = crlf;
			n = 0;
			last = 0;
			overlong = 0;
		}
	}
	return -1;
}
