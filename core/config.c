/* config.c - parse listd.conf ("[section]" and "key = value") through one
 * table of keys. Unknown keys and bad values name the file and line. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"

const struct config *cfg;

enum key_type { KEY_STR, KEY_INT, KEY_BOOL, KEY_SIZE, KEY_LEVEL, KEY_HOSTPORT };

struct config_key {
	const char	*section;
	const char	*name;
	enum key_type	 type;
	size_t		 offset;
	const char	*def;
	long		 min;
	long		 max;
	const char	*help;
};

#define F(field) offsetof(struct config, field)

static const struct config_key config_keys[] = {
	{ "listd", "home", KEY_STR, F(home), "/var/lib/listd", 0, 0,
	  "data directory (site.db, districts/); $LISTD_HOME overrides" },
	{ "listd", "log_level", KEY_LEVEL, F(log_level), "info", 0, 3,
	  "error, warn, info or debug" },
	{ "listd", "log_syslog", KEY_BOOL, F(log_syslog), "no", 0, 1,
	  "log to syslog (mail facility) instead of stderr" },
	{ "listd", "min_free_disk_percent", KEY_INT, F(min_free_disk_percent),
	  "5", 0, 50, "below this share of free disk, intake answers 452" },
	{ "listd", "held_expire_days", KEY_INT, F(held_expire_days), "14", 1, 365,
	  "days a held post waits for a moderator before it expires" },
	{ "listd", "held_digest_minutes", KEY_INT, F(held_digest_minutes), "10",
	  1, 1440, "at most one held-post digest per list this often" },
	{ "listd", "generate_at", KEY_STR, F(generate_at), "", 0, 0,
	  "daily HH:MM (UTC) at which listd runs the roster generator for "
	  "every district; empty: use cron or the systemd timer" },
	{ "lmtp", "socket", KEY_STR, F(lmtp_socket), "", 0, 0,
	  "unix socket path for LMTP (empty: none)" },
	{ "lmtp", "listen", KEY_HOSTPORT, F(lmtp_listen), "127.0.0.1:2424", 0, 0,
	  "loopback TCP address for LMTP (empty: none)" },
	{ "lmtp", "max_sessions", KEY_INT, F(lmtp_max_sessions), "64", 1, 4096,
	  "concurrent LMTP sessions" },
	{ "lmtp", "max_message_size", KEY_SIZE, F(lmtp_max_message_size), "25M",
	  1024, 1024L * 1024 * 1024, "largest message accepted (K, M, G suffixes)" },
	{ "lmtp", "timeout", KEY_INT, F(lmtp_timeout), "300", 1, 3600,
	  "seconds of silence before an LMTP session is closed" },
	{ "delivery", "relay", KEY_HOSTPORT, F(relay), "127.0.0.1:25", 0, 0,
	  "the MTA that delivers list mail (host:port)" },
	{ "delivery", "batch_size", KEY_INT, F(batch_size), "100", 1, 1000,
	  "recipients per SMTP transaction" },
	{ "delivery", "connections", KEY_INT, F(connections), "4", 1, 64,
	  "parallel SMTP connections to the relay" },
	{ "delivery", "helo_name", KEY_STR, F(helo_name), "", 0, 0,
	  "name sent in EHLO (empty: the host name)" },
	{ "delivery", "retry_min", KEY_INT, F(retry_min), "60", 1, 86400,
	  "first back-off after a temporary failure, seconds" },
	{ "delivery", "retry_max", KEY_INT, F(retry_max), "3600", 1, 86400,
	  "longest back-off, seconds" },
	{ "delivery", "max_queue_age", KEY_INT, F(max_queue_age), "432000", 60,
	  30L * 86400, "seconds before a deferred recipient bounces" },
	{ "http", "listen", KEY_HOSTPORT, F(http_listen), "127.0.0.1:8080", 0, 0,
	  "address of the web interface (empty: none)" },
	{ "http", "base_url", KEY_STR, F(base_url), "http://127.0.0.1:8080", 0, 0,
	  "public URL of the web interface, used in links in mail" },
	{ "http", "secret_file", KEY_STR, F(secret_file), "", 0, 0,
	  "file with the key that signs links (empty: $home/secret.key)" },
	{ "http", "tls_cert", KEY_STR, F(http_tls_cert), "", 0, 0,
	  "PEM certificate for HTTPS (empty: plain HTTP)" },
	{ "http", "tls_key", KEY_STR, F(http_tls_key), "", 0, 0,
	  "PEM private key for tls_cert" },
	{ "http", "threads", KEY_INT, F(http_threads), "4", 1, 64,
	  "threads serving HTTP requests" },
	{ "http", "metrics_token", KEY_STR, F(metrics_token), "", 16, 0,
	  "bearer token that may read /metrics (empty: none)" },
	{ "http", "metrics_loopback", KEY_BOOL, F(metrics_loopback), "yes", 0, 1,
	  "/metrics without a token from 127.0.0.1/::1 (not via a proxy)" },
	{ "mta", "postfix_dir", KEY_STR, F(mta_postfix_dir), "", 0, 0,
	  "where listctl and listd write the Postfix maps (empty: $home/postfix)" },
	{ "mta", "postmap", KEY_STR, F(mta_postmap), "", 0, 0,
	  "postmap program run on each map written (empty: not run)" },
	{ "mta", "transport", KEY_STR, F(mta_transport), "", 0, 0,
	  "Postfix transport to listd (empty: lmtp:unix:SOCKET or lmtp:inet:LISTEN)" },
};

#define N_KEYS (sizeof(config_keys) / sizeof(config_keys[0]))

static int set_value(struct config *, const struct config_key *, const char *,
    char *, size_t);
static char *trim(char *);

static int
parse_size(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || v < 0)
		return -1;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': if (v > LONG_MAX / 1024) return -1; v *= 1024; end++; break;
	case 'm': case 'M': if (v > LONG_MAX / 1048576) return -1; v *= 1048576; end++; break;
	case 'g': case 'G': if (v > LONG_MAX / 1073741824) return -1; v *= 1073741824; end++; break;
	default: return -1;
	}
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

int
config_hostport(const char *s, char *host, size_t host_len, int *port)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long p;
	size_t n;

	if (colon == NULL || colon == s)
		return -1;
	n = (size_t)(colon - s);
	if (s[0] == '[' && n >= 2 && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= host_len)
		return -1;
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno || *end != '\0' || end == colon + 1 || p < 1 || p > 65535)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	*port = (int)p;
	return 0;
}

static int
set_value(struct config *c, const struct config_key *k, const char *v,
    char *err, size_t err_len)
{
	char *field = (char *)c + k->offset;
	long n = 0;
	char host[256];
	int port;

	switch (k->type) {
	case KEY_STR:
		if (strlen(v) >= CONFIG_STR_MAX) {
			snprintf(err, err_len, "%s: value longer than %d bytes",
			    k->name, CONFIG_STR_MAX - 1);
			return -1;
		}
		if (*v && k->min > 0 && (long)strlen(v) < k->min) {
			/* a secret: refuse one short enough to guess */
			snprintf(err, err_len, "%s: shorter than %ld characters",
			    k->name, k->min);
			return -1;
		}
		snprintf(field, CONFIG_STR_MAX, "%s", v);
		return 0;
	case KEY_HOSTPORT:
		if (*v && config_hostport(v, host, sizeof(host), &port) == -1) {
			snprintf(err, err_len, "%s: \"%s\" is not host:port",
			    k->name, v);
			return -1;
		}
		snprintf(field, CONFIG_STR_MAX, "%s", v);
		return 0;
	case KEY_BOOL:
		if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
			*(int *)field = 1;
		else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
			*(int *)field = 0;
		else {
			snprintf(err, err_len, "%s: \"%s\" is not yes or no",
			    k->name, v);
			return -1;
		}
		return 0;
	case KEY_LEVEL:
		if ((n = log_level_parse(v)) < 0) {
			snprintf(err, err_len, "%s: \"%s\" is not error, warn, "
			    "info or debug", k->name, v);
			return -1;
		}
		*(int *)field = (int)n;
		return 0;
	case KEY_INT:
	case KEY_SIZE:
		if (k->type == KEY_SIZE ? parse_size(v, &n) == -1 :
		    (errno = 0, n = strtol(v, &field, 10),
		     errno || *field != '\0' || field == v)) {
			snprintf(err, err_len, "%s: \"%s\" is not a number",
			    k->name, v);
			return -1;
		}
		field = (char *)c + k->offset;
		if (n < k->min) {
			snprintf(err, err_len, "%s: %ld is below the minimum %ld",
			    k->name, n, k->min);
			return -1;
		}
		if (n > k->max) {
			snprintf(err, err_len, "%s: %ld is above the maximum %ld",
			    k->name, n, k->max);
			return -1;
		}
		if (k->type == KEY_SIZE)
			*(long *)field = n;
		else
			*(int *)field = (int)n;
		return 0;
	}
	return -1;
}

void
config_defaults(struct config *c)
{
	char err[256];
	const char *home = getenv("LISTD_HOME");

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < N_KEYS; i++)
		if (set_value(c, &config_keys[i], config_keys[i].def, err,
		    sizeof(err)) == -1)
			fatalx("config default: %s", err);
	if (home && *home)
		snprintf(c->home, sizeof(c->home), "%s", home);
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
hhmm_valid(const char *s)
{
	return strlen(s) == 5 && isdigit((unsigned char)s[0]) &&
	    isdigit((unsigned char)s[1]) && s[2] == ':' &&
	    isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]) &&
	    (s[0] - '0') * 10 + (s[1] - '0') < 24 &&
	    (s[3] - '0') * 10 + (s[4] - '0') < 60;
}

static int
section_known(const char *section)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (!strcmp(config_keys[i].section, section))
			return 1;
	return 0;
}

static const struct config_key *
find_key(const char *section, const char *name)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (!strcmp(config_keys[i].section, section) &&
		    !strcmp(config_keys[i].name, name))
			return &config_keys[i];
	return NULL;
}

int
config_load(struct config *c, const char *path, int optional, char *err,
    size_t err_len)
{
	FILE *fp;
	char line[1024], section[64] = "listd", msg[512];
	int lineno = 0, rc = -1, retry_line = 0;
	int home_from_env = getenv("LISTD_HOME") && *getenv("LISTD_HOME");

	if ((fp = fopen(path, "r")) == NULL) {
		if (optional && errno == ENOENT)
			return 0;
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *p, *eq, *key, *val;
		const struct config_key *k;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			snprintf(msg, sizeof(msg), "line longer than %zu bytes",
			    sizeof(line) - 2);
			goto bad;
		}
		p = trim(line);
		if (*p == '\0' || *p == '#' || *p == ';')
			continue;
		if (*p == '[') {
			char *close = strchr(p, ']');

			if (close == NULL || close[1] != '\0' ||
			    (size_t)(close - p - 1) >= sizeof(section)) {
				snprintf(msg, sizeof(msg), "bad section header");
				goto bad;
			}
			*close = '\0';
			snprintf(section, sizeof(section), "%s", trim(p + 1));
			if (!section_known(section)) {
				snprintf(msg, sizeof(msg), "unknown section [%s]",
				    section);
				goto bad;
			}
			continue;
		}
		if ((eq = strchr(p, '=')) == NULL) {
			snprintf(msg, sizeof(msg), "expected \"key = value\"");
			goto bad;
		}
		*eq = '\0';
		key = trim(p);
		val = trim(eq + 1);
		if (strlen(val) >= 2 && val[0] == '"' && val[strlen(val) - 1] == '"') {
			val[strlen(val) - 1] = '\0';
			val++;
		}
		if ((k = find_key(section, key)) == NULL) {
			snprintf(msg, sizeof(msg), "unknown key \"%s\" in [%s]",
			    key, section);
			goto bad;
		}
		if (k->offset == F(home) && home_from_env)
			continue;
		if (set_value(c, k, val, msg, sizeof(msg)) == -1)
			goto bad;
		if (k->offset == F(retry_min) || k->offset == F(retry_max))
			retry_line = lineno;
	}
	if (ferror(fp)) {
		snprintf(err, err_len, "%s: read error: %s", path, strerror(errno));
		goto out;
	}
	if (c->generate_at[0] && !hhmm_valid(c->generate_at)) {
		snprintf(err, err_len, "%s: generate_at: \"%s\" is not HH:MM",
		    path, c->generate_at);
		goto out;
	}
	if (c->retry_min > c->retry_max) {
		/* Name the line that made the pair inconsistent. */
		lineno = retry_line;
		snprintf(msg, sizeof(msg), "retry_min %d is above retry_max %d",
		    c->retry_min, c->retry_max);
		goto bad;
	}
	rc = 0;
	goto out;
bad:
	snprintf(err, err_len, "%s:%d: %s", path, lineno, msg);
out:
	fclose(fp);
	return rc;
}

void
config_print_keys(FILE *fp)
{
	const char *section = "";

	for (size_t i = 0; i < N_KEYS; i++) {
		const struct config_key *k = &config_keys[i];

		if (strcmp(section, k->section)) {
			section = k->section;
			fprintf(fp, "  [%s]\n", section);
		}
		fprintf(fp, "    %-22s %s (default \"%s\")\n", k->name, k->help,
		    k->def);
	}
}
