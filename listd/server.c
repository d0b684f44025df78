/* server.c - LMTP listeners and session threads (see server.h). */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/xmem.h"
#include "listd/lmtp.h"
#include "listd/server.h"

struct session_arg {
	struct server	*srv;
	int		 fd;
};

static int
listen_unix(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_warnx("server socket path too long path=%s", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	(void)unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(path, 0660) == -1 || listen(fd, 128) == -1) {
		log_warn("server listen path=%s", path);
		close(fd);
		return -1;
	}
	return fd;
}

static int
listen_tcp(const char *hostport)
{
	struct addrinfo hints, *res = NULL;
	char host[256], port_s[16];
	int fd = -1, port, one = 1;

	if (config_hostport(hostport, host, sizeof(host), &port) == -1)
		return -1;
	snprintf(port_s, sizeof(port_s), "%d", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (getaddrinfo(host, port_s, &hints, &res) != 0 || res == NULL) {
		log_warnx("server cannot resolve listen=%s", hostport);
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    listen(fd, 128) == -1) {
		log_warn("server listen addr=%s", hostport);
		if (fd != -1)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

int
server_listen(struct server *srv, const struct config *c)
{
	memset(srv, 0, sizeof(*srv));
	pthread_mutex_init(&srv->mu, NULL);
	pthread_cond_init(&srv->cv, NULL);
	srv->home = c->home;
	if (c->lmtp_socket[0]) {
		if ((srv->fds[srv->n_fds] = listen_unix(c->lmtp_socket)) == -1)
			return -1;
		snprintf(srv->unix_path, sizeof(srv->unix_path), "%s",
		    c->lmtp_socket);
		srv->n_fds++;
	}
	if (c->lmtp_listen[0]) {
		if ((srv->fds[srv->n_fds] = listen_tcp(c->lmtp_listen)) == -1)
			return -1;
		srv->n_fds++;
	}
	if (srv->n_fds == 0) {
		log_warnx("server no LMTP listener configured");
		return -1;
	}
	return 0;
}

static void *
session_main(void *p)
{
	struct session_arg *a = p;
	struct server *srv = a->srv;
	int one = 1;

	(void)setsockopt(a->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	lmtp_session_run(a->fd, srv->home, &srv->stopping);
	xfree(a);
	pthread_mutex_lock(&srv->mu);
	srv->active--;
	pthread_cond_broadcast(&srv->cv);
	pthread_mutex_unlock(&srv->mu);
	return NULL;
}

static void
accept_one(struct server *srv, int lfd, int max_sessions)
{
	struct session_arg *a;
	pthread_attr_t attr;
	pthread_t tid;
	int fd, full;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) == -1)
		return;
	pthread_mutex_lock(&srv->mu);
	full = srv->active >= max_sessions;
	if (!full)
		srv->active++;
	pthread_mutex_unlock(&srv->mu);
	if (full) {
		static const char busy[] = "421 4.3.2 too many sessions, "
		    "try again later\r\n";
		ssize_t w = write(fd, busy, sizeof(busy) - 1);

		(void)w;
		close(fd);
		log_info("server refuse reason=\"max_sessions\"");
		return;
	}
	a = xmalloc(sizeof(*a));
	a->srv = srv;
	a->fd = fd;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&tid, &attr, session_main, a) != 0) {
		close(fd);
		xfree(a);
		pthread_mutex_lock(&srv->mu);
		srv->active--;
		pthread_mutex_unlock(&srv->mu);
	}
	pthread_attr_destroy(&attr);
}

void
server_run_once(struct server *srv, int max_sessions)
{
	struct pollfd pfd[2];

	for (int i = 0; i < srv->n_fds; i++) {
		pfd[i].fd = srv->fds[i];
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	if (poll(pfd, (nfds_t)srv->n_fds, 250) <= 0)
		return;
	for (int i = 0; i < srv->n_fds; i++)
		if (pfd[i].revents & POLLIN)
			accept_one(srv, srv->fds[i], max_sessions);
}

void
server_drain(struct server *srv, int timeout)
{
	struct timespec ts;

	for (int i = 0; i < srv->n_fds; i++)
		close(srv->fds[i]);
	if (srv->unix_path[0])
		(void)unlink(srv->unix_path);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout;
	pthread_mutex_lock(&srv->mu);
	while (srv->active > 0)
		if (pthread_cond_timedwait(&srv->cv, &srv->mu, &ts) != 0)
			break;
	if (srv->active > 0)
		log_warnx("server drain left=%d", srv->active);
	pthread_mutex_unlock(&srv->mu);
}
