/* web.h - what the daemon sees of the web interface: start the HTTP server
 * (libmicrohttpd, its own threads) and stop it. */
#ifndef LISTD_WEB_WEB_H
#define LISTD_WEB_WEB_H

#include "core/config.h"

/* Start serving cfg's [http] listen address (nothing when it is empty).
 * Uses TLS when tls_cert and tls_key are set. -1 (logged) when the
 * address cannot be bound or the certificate read. */
int	web_start(const struct config *c);
/* Stop and join the server threads; safe when never started. */
void	web_stop(void);
/* Delete expired sessions and old failed-login records from home's
 * site.db (logged when any went). For the daemon's maintenance pass. */
void	web_prune(const char *home);

#endif
