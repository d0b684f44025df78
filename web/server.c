/* server.c - the libmicrohttpd server: start and stop, collect a bounded
 * request body, hand the request to the router (route.c) and send the
 * answer with the security headers every response carries. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "web/files.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/xmem.h"
#include "web/route.h"
#include "web/server.h"
#include "web/web.h"

#define WEB_CONN_MEMORY	(32 * 1024)	/* zeroed by MHD per request: keep small */
#define WEB_CONN_TIMEOUT	30
#define WEB_CONN_LIMIT		200

static const char csp[] = "default-src 'none'; style-src 'self';"
    " img-src 'self' https: data:; form-action 'self';"
    " frame-ancestors 'none'; base-uri 'none'";

/* Body collected across the access handler's calls. */
struct conn_state {
	struct buf	body;
	int		too_big;
};

static struct MHD_Daemon *web_daemon;
static int web_tls;
static char *tls_cert_pem, *tls_key_pem;

static void	add_headers(struct MHD_Response *resp, const struct req *r);
static enum MHD_Result send_answer(struct MHD_Connection *conn,
		    struct req *r);
static enum MHD_Result send_too_big(struct MHD_Connection *conn);
static void	client_address(struct MHD_Connection *conn, char *out,
		    size_t out_len);

static void
add_headers(struct MHD_Response *resp, const struct req *r)
{
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "Cache-Control",
	    r && r->cacheable ? "private, max-age=60" : "no-store");
	if (web_tls)
		MHD_add_response_header(resp, "Strict-Transport-Security",
		    "max-age=31536000");
	if (r == NULL)
		return;
	MHD_add_response_header(resp, "Content-Type",
	    r->ctype ? r->ctype : "text/html; charset=utf-8");
	if (r->location[0])
		MHD_add_response_header(resp, "Location", r->location);
	for (int i = 0; i < 2; i++)
		if (r->cookie[i][0])
			MHD_add_response_header(resp, "Set-Cookie",
			    r->cookie[i]);
	if (r->disposition[0])
		MHD_add_response_header(resp, "Content-Disposition",
		    r->disposition);
}

void *
server_response_new(const char *data, size_t len, void *r)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(len, (void *)data,
	    MHD_RESPMEM_MUST_COPY);
	if (resp)
		add_headers(resp, r);
	return resp;
}

void
server_response_drop(void *resp)
{
	MHD_destroy_response(resp);
}

static enum MHD_Result
send_answer(struct MHD_Connection *conn, struct req *r)
{
	unsigned code = (unsigned)(r->http ? r->http : 500);
	struct MHD_Response *resp;
	enum MHD_Result ret;

	metrics_http_count((int)code);
	if (r->resp)	/* borrowed from the page cache (files.c) */
		return MHD_queue_response(conn, code, r->resp);
	resp = MHD_create_response_from_buffer(r->out.len,
	    r->out.len ? r->out.data : (void *)"", MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	add_headers(resp, r);
	ret = MHD_queue_response(conn, code, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
send_too_big(struct MHD_Connection *conn)
{
	static const char msg[] = "request body too large\n";
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(sizeof(msg) - 1, (void *)msg,
	    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	add_headers(resp, NULL);
	MHD_add_response_header(resp, "Content-Type", "text/plain");
	MHD_add_response_header(resp, "Connection", "close");
	metrics_http_count(status_http(ST_TOOBIG));
	ret = MHD_queue_response(conn, (unsigned)status_http(ST_TOOBIG), resp);
	MHD_destroy_response(resp);
	return ret;
}

static void
client_address(struct MHD_Connection *conn, char *out, size_t out_len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, out_len, "unknown");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    out, (socklen_t)out_len);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
		    (socklen_t)out_len);
}

/* Body exceeds the limit before it is read? */
static int
declared_too_big(struct MHD_Connection *conn)
{
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);

	return cl && strtoull(cl, NULL, 10) > (unsigned long long)WEB_BODY_MAX;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct conn_state *cs = *con_cls;
	struct req *r;
	enum MHD_Result ret;

	(void)cls;
	(void)version;
	if (cs == NULL) {
		cs = xcalloc(1, sizeof(*cs));
		buf_init(&cs->body, WEB_BODY_MAX);
		*con_cls = cs;
		if (declared_too_big(conn))
			return send_too_big(conn);
		return MHD_YES;
	}
	if (*upload_size) {
		if (!cs->too_big &&
		    buf_append(&cs->body, upload, *upload_size) == -1)
			cs->too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	if (cs->too_big)
		return send_too_big(conn);
	r = xcalloc(1, sizeof(*r));
	r->conn = conn;
	r->method = method;
	r->is_tls = web_tls;
	client_address(conn, r->client, sizeof(r->client));
	r->body = cs->body;
	buf_init(&cs->body, 0);
	route_handle(r, url);
	ret = send_answer(conn, r);
	route_req_free(r);
	return ret;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct conn_state *cs = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (cs) {
		buf_release(&cs->body);
		xfree(cs);
		*con_cls = NULL;
	}
}

/* Read the configured certificate and key; -1 (logged, naming the file
 * and the reason) when only one is set or either cannot be read. */
static int
load_tls(const struct config *c)
{
	const char *what = NULL, *path = NULL;

	if (c->http_tls_cert[0] == '\0' && c->http_tls_key[0] == '\0')
		return 0;
	if (c->http_tls_cert[0] == '\0' || c->http_tls_key[0] == '\0') {
		log_warnx("web tls needs both tls_cert and tls_key");
		return -1;
	}
	if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
		log_warnx("web tls: this libmicrohttpd has no TLS support");
		return -1;
	}
	if ((tls_cert_pem = web_file_read(c->http_tls_cert, 1 << 20, NULL))
	    == NULL)
		what = "tls_cert", path = c->http_tls_cert;
	else if ((tls_key_pem = web_file_read(c->http_tls_key, 1 << 20, NULL))
	    == NULL)
		what = "tls_key", path = c->http_tls_key;
	if (what) {
		log_warn("web tls cannot read %s=%s", what, path);
		return -1;
	}
	web_tls = 1;
	return 0;
}

int
web_start(const struct config *c)
{
	char host[256];
	int port;
	struct sockaddr_in sa;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_TURBO;

	if (c->http_listen[0] == '\0')
		return 0;
	if (config_hostport(c->http_listen, host, sizeof(host), &port) == -1 ||
	    load_tls(c) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		log_warnx("web listen=%s: not an IPv4 address", c->http_listen);
		return -1;
	}
	if (web_tls)
		flags |= MHD_USE_TLS;
	web_daemon = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL,
	    on_request, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)c->http_threads,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_CONN_MEMORY,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WEB_CONN_TIMEOUT,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_CONN_LIMIT,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    web_tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, tls_cert_pem,
	    MHD_OPTION_HTTPS_MEM_KEY, tls_key_pem,
	    MHD_OPTION_END);
	if (web_daemon == NULL && web_tls) {
		log_warnx("web cannot start TLS on %s: are tls_cert=%s and "
		    "tls_key=%s a matching PEM certificate and key?",
		    c->http_listen, c->http_tls_cert, c->http_tls_key);
		return -1;
	}
	if (web_daemon == NULL) {
		log_warnx("web cannot listen on %s", c->http_listen);
		return -1;
	}
	log_info("web started listen=%s tls=%s threads=%d", c->http_listen,
	    web_tls ? "yes" : "no", c->http_threads);
	return 0;
}

void
web_stop(void)
{
	if (web_daemon) {
		MHD_stop_daemon(web_daemon);
		web_daemon = NULL;
		log_info("web stopped");
	}
	xfree(tls_cert_pem);
	xfree(tls_key_pem);
	tls_cert_pem = tls_key_pem = NULL;
}
