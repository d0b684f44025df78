/* main.c - listd: options, configuration, start-up recovery, the LMTP
 * listeners and the delivery workers; SIGTERM drains and exits, SIGHUP
 * reloads the configuration. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>
#include <libxml/parser.h>

#include "core/config.h"
#include "core/log.h"
#include "core/status.h"
#include "core/spool.h"
#include "core/store.h"
#include "core/token.h"
#include "listd/intake.h"
#include "listd/server.h"
#include "listd/worker.h"
#include "web/web.h"

#define DRAIN_SECONDS	30

static volatile sig_atomic_t got_term, got_hup;
/* Two buffers: a reload fills the one not in use and swaps cfg to it. */
static struct config confs[2];
static int conf_cur;
static const char *config_path;
static const char *only;	/* NULL, "mail" or "http" */
static char config_default[CONFIG_STR_MAX + 16];

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "NAME\n"
	    "    listd - the listd mailing-list daemon\n\n"
	    "SYNOPSIS\n"
	    "    listd [-n] [-c FILE] [--home DIR] [--only mail|http]\n\n"
	    "DESCRIPTION\n"
	    "    Takes list mail from the MTA over LMTP (RFC 2033), runs the\n"
	    "    posting pipeline during the session, and delivers accepted\n"
	    "    posts to members through the relay in batches. SIGTERM\n"
	    "    finishes the sessions in progress and exits; SIGHUP reloads\n"
	    "    the configuration (listener changes need a restart).\n\n"
	    "OPTIONS\n"
	    "    -c FILE     configuration (default: $LISTD_HOME/listd.conf)\n"
	    "    --home DIR  data directory (overrides the configuration)\n"
	    "    --only mail|http  run only the mail side or only the web\n"
	    "                interface (default: both in one process)\n"
	    "    -n          check the configuration, print \"configuration OK\""
	    " and exit\n\n"
	    "CONFIGURATION KEYS\n");
	config_print_keys(fp);
}

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

/* Read the configuration into c; -1 with the error printed. */
static int
load_config(struct config *c, const char *home)
{
	char err[600];
	int rc;

	config_defaults(c);
	if (home)
		snprintf(c->home, sizeof(c->home), "%s", home);
	if (config_path == NULL) {
		snprintf(config_default, sizeof(config_default), "%s/listd.conf",
		    c->home);
		rc = config_load(c, config_default, 1, err, sizeof(err));
	} else
		rc = config_load(c, config_path, 0, err, sizeof(err));
	if (rc == -1) {
		fprintf(stderr, "listd: %s\n", err);
		log_warnx("config error=\"%s\"", err);
		return -1;
	}
	if (home)
		snprintf(c->home, sizeof(c->home), "%s", home);
	if (c->helo_name[0] == '\0' &&
	    gethostname(c->helo_name, sizeof(c->helo_name) - 1) == -1)
		snprintf(c->helo_name, sizeof(c->helo_name), "localhost");
	return 0;
}

static void
reload(const char *home)
{
	int next = 1 - conf_cur;

	if (load_config(&confs[next], home) == -1) {
		log_warnx("config reload refused: keeping the running one");
		return;
	}
	/* Safe point: readers see either the old or the new whole struct;
	 * the old one stays valid until the reload after next. */
	cfg = &confs[next];
	conf_cur = next;
	log_init("listd", (enum log_level)cfg->log_level, cfg->log_syslog);
	log_info("config reloaded");
}

static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* listd --only http: the web interface alone until SIGTERM. */
static int
serve_http_only(const char *home)
{
	log_info("listd started home=%s http=%s (web only)", cfg->home,
	    cfg->http_listen);
	for (unsigned n = 0; !got_term; n++) {
		if (n % 60 == 0)
			web_prune(cfg->home);	/* the mail side's chore, alone */
		sleep(1);
		if (got_hup) {
			got_hup = 0;
			reload(home);
		}
	}
	web_stop();
	log_info("listd stopped");
	return 0;
}

static int
serve(const char *home)
{
	static struct server srv;
	struct worker_pool pool;
	int n_recovered, n_quarantined;

	char secret[CONFIG_STR_MAX + 16];

	snprintf(secret, sizeof(secret), "%s", cfg->secret_file);
	if (secret[0] == '\0')
		snprintf(secret, sizeof(secret), "%s/secret.key", cfg->home);
	if (spool_mkdirs(cfg->home) == -1 || token_secret_load(secret) == -1)
		fatalx("cannot read or create the secret key %s", secret);
	if ((only == NULL || strcmp(only, "http") == 0) &&
	    web_start(cfg) == -1)
		fatalx("cannot start the web interface on %s", cfg->http_listen);
	if (only && strcmp(only, "http") == 0)
		return serve_http_only(home);
	intake_recover_all(cfg->home, &n_recovered, &n_quarantined);
	worker_recover(cfg->home);
	if (n_recovered || n_quarantined)
		log_info("listd recovery posts=%d quarantined=%d", n_recovered,
		    n_quarantined);
	if (server_listen(&srv, cfg) == -1)
		fatalx("cannot open the LMTP listeners");
	worker_start(&pool, cfg->connections, cfg->home, &srv.stopping);
	log_info("listd started home=%s lmtp=%s%s%s relay=%s workers=%d",
	    cfg->home, cfg->lmtp_listen, cfg->lmtp_socket[0] ? " socket=" : "",
	    cfg->lmtp_socket, cfg->relay, cfg->connections);
	while (!got_term) {
		server_run_once(&srv, cfg->lmtp_max_sessions);
		if (got_hup) {
			got_hup = 0;
			reload(home);
		}
	}
	log_info("listd stopping: draining sessions");
	srv.stopping = 1;
	server_drain(&srv, DRAIN_SECONDS);
	worker_join(&pool);
	web_stop();
	log_info("listd stopped");
	return 0;
}

int
main(int argc, char **argv)
{
	const char *home = NULL;
	int check_only = 0, rc;

	log_init("listd", LOG_LEVEL_INFO, 0);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n"))
			check_only = 1;
		else if (!strcmp(argv[i], "-c") && i + 1 < argc)
			config_path = argv[++i];
		else if (!strcmp(argv[i], "--home") && i + 1 < argc)
			home = argv[++i];
		else if (!strcmp(argv[i], "--only") && i + 1 < argc &&
		    (!strcmp(argv[i + 1], "mail") || !strcmp(argv[i + 1], "http")))
			only = argv[++i];
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "listd: unknown option %s\n", argv[i]);
			usage(stderr);
			return status_exit(ST_USAGE);
		}
	}
	if (load_config(&confs[0], home) == -1)
		return status_exit(ST_CONFIG);
	cfg = &confs[0];
	if (check_only) {
		printf("configuration OK\n");
		return 0;
	}
	log_init("listd", (enum log_level)cfg->log_level, cfg->log_syslog);
	install_signals();
	g_mime_init();
	xmlInitParser();
	rc = serve(home);
	g_mime_shutdown();
	xmlCleanupParser();
	return rc;
}
