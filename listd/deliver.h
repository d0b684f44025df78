/* deliver.h - one SMTP session to the relay through libesmtp, carrying one
 * or more messages (each a claimed batch: one body, many recipients) with
 * PIPELINING, and the relay's answer for each message and recipient. */
#ifndef LISTD_DELIVER_H
#define LISTD_DELIVER_H

#include <stddef.h>

#define DELIVER_TEXT_MAX	200
#define DELIVER_MSGS_MAX	256	/* messages in one session */

struct deliver_rcpt {
	const char	*address;	/* borrowed */
	int		 code;		/* SMTP reply to RCPT/DATA; 0 = none */
	char		 text[DELIVER_TEXT_MAX];
};

struct deliver_msg {
	const char		*reverse_path;	/* borrowed */
	const char		*prefix;	/* header lines sent before the
						 * body (per-member), or NULL */
	size_t			 prefix_len;
	const char		*body;		/* borrowed, CRLF line ends */
	size_t			 body_len;
	struct deliver_rcpt	*rcpts;		/* borrowed array */
	int			 n_rcpts;
	int			 code;		/* reply after DATA; 0 = none */
	char			 text[DELIVER_TEXT_MAX];
};

/* Send msgs[0..n) in one session to relay ("host:port") announcing helo.
 * Fills every code and text. Returns 0 when the session ran (look at the
 * codes), -1 when the relay could not be reached at all (error in err). */
int	deliver_session(const char *relay, const char *helo,
	    struct deliver_msg *msgs, int n, char *err, size_t err_len);

#endif
