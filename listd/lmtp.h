/* lmtp.h - the LMTP server side of one connection (RFC 2033): LHLO, MAIL,
 * RCPT, DATA with one reply per recipient, RSET, NOOP, QUIT. Policy lives in
 * intake.c; this file speaks the protocol and bounds what it reads. */
#ifndef LISTD_LMTP_H
#define LISTD_LMTP_H

#define LMTP_LINE_MAX		1000	/* a command line, CRLF included */
#define LMTP_RCPT_MAX		100	/* recipients per transaction */
#define LMTP_DATA_LINE_MAX	998	/* RFC 5322 line limit, CRLF excluded */
#define LMTP_BAD_COMMANDS_MAX	10

/* Serve one connected socket until QUIT, timeout, error or shutdown; closes
 * fd. home is the data directory; *stopping is polled between commands. */
void	lmtp_session_run(int fd, const char *home, volatile int *stopping);

#endif
