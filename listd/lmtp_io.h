/* lmtp_io.h - buffered line input and reply output for one LMTP socket,
 * with bounds: command lines, DATA lines and the message size. Replies are
 * collected and flushed when the client has nothing more waiting, which is
 * what PIPELINING needs. */
#ifndef LISTD_LMTP_IO_H
#define LISTD_LMTP_IO_H

#include <stddef.h>

#include "core/buf.h"

#define LMTP_IO_BUF	65536

struct lmtp_io {
	int	fd;
	char	in[LMTP_IO_BUF];
	size_t	in_start;
	size_t	in_end;
	char	out[8192];
	size_t	out_len;
	int	failed;		/* read/write error or timeout */
	volatile int *stopping;	/* shutdown: leave between commands */
	int	timeout_ms;
};

/* How a DATA body went; any flag makes the message refused. */
struct lmtp_data_result {
	size_t	size;		/* bytes after dot-unstuffing */
	int	too_big;
	int	bare_lf;	/* LF without CR, or CR without LF */
	int	has_nul;
	int	long_line;
};

/* Serve fd; between commands a wait ends early once *stopping is set, and
 * any wait for input ends after timeout seconds. */
void	lmtp_io_init(struct lmtp_io *io, int fd, volatile int *stopping,
	    int timeout);
/* Read one line (CRLF or LF stripped) into line (at most max-1 bytes).
 * Returns its length, -1 on EOF/error/timeout, -2 when longer than max (the
 * rest of that line is skipped). */
int	lmtp_io_line(struct lmtp_io *io, char *line, size_t max);
/* Queue a reply line ("250 2.0.0 ok"); CRLF added. */
void	lmtp_io_reply(struct lmtp_io *io, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Send queued replies now. */
void	lmtp_io_flush(struct lmtp_io *io);
/* Send queued replies unless more input is already waiting. */
void	lmtp_io_flush_if_idle(struct lmtp_io *io);
/* Read a DATA body up to CRLF.CRLF (the only end; P9) into body with CRLF
 * line ends, keeping at most limit bytes (the rest is read and dropped).
 * Returns 0, or -1 when the connection failed first. */
int	lmtp_io_data(struct lmtp_io *io, struct buf *body, size_t limit,
	    struct lmtp_data_result *res);

#endif
