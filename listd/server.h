/* server.h - the LMTP listeners (a unix socket and/or loopback TCP), the
 * accept loop and one thread per session, bounded by max_sessions. */
#ifndef LISTD_SERVER_H
#define LISTD_SERVER_H

#include <pthread.h>

#include "core/config.h"

struct server {
	int		 fds[2];
	int		 n_fds;
	char		 unix_path[CONFIG_STR_MAX];
	const char	*home;
	volatile int	 stopping;
	pthread_mutex_t	 mu;		/* guards active */
	pthread_cond_t	 cv;		/* signalled when a session ends */
	int		 active;
};

/* Open the configured listeners. -1 (logged) when one cannot be opened. */
int	server_listen(struct server *srv, const struct config *c);
/* Wait up to 250 ms for connections and accept them. */
void	server_run_once(struct server *srv, int max_sessions);
/* Wait up to timeout seconds for the sessions to end; close listeners. */
void	server_drain(struct server *srv, int timeout);

#endif
