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

/* Called as soon as the relay has answered DATA for msgs[i] (its codes are
 * filled), while the session goes on: the caller records it at once, so a
 * crash repeats at most the message in flight (P3). */
typedef void (*deliver_sent_fn)(struct deliver_msg *m, int i, void *arg);

/* Send msgs[0..n) in one session to relay ("host:port") announcing helo.
 * Fills every code and text; on_sent (may be NULL) is called for each
 * message the relay answered. Returns 0 when the session ran (look at the
 * codes), -1 when the relay could not be reached at all (error in err). */
int	deliver_session(const char *relay, const char *helo,
	    struct deliver_msg *msgs, int n, deliver_sent_fn on_sent, void *arg,
	    char *err, size_t err_len);

#endif
