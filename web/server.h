/* server.h - what handlers may ask of the HTTP server (server.c) beyond
 * filling struct req: a response object built once for content that does
 * not change per request (a cached archive page), reused across requests. */
#ifndef LISTD_WEB_SERVER_H
#define LISTD_WEB_SERVER_H

#include <stddef.h>

/* A response (an MHD_Response) holding a copy of data, with the headers
 * every answer carries and those r (a struct req *: content type,
 * cacheable, disposition) asks for; it must not need cookies or a
 * location. Released with server_response_drop(). NULL when MHD fails. */
void	*server_response_new(const char *data, size_t len, void *r);
/* Release the caller's reference; connections still sending it keep it
 * alive until they are done. */
void	 server_response_drop(void *resp);

#endif
