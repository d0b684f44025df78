/* config.h - listd.conf: what the machine needs (paths, sockets, relay,
 * limits). Settings of districts and lists live in the store, not here.
 * One table of keys in config.c drives parsing, validation and the docs. */
#ifndef LISTD_CONFIG_H
#define LISTD_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#define CONFIG_STR_MAX	512

struct config {
	/* [listd] */
	char	home[CONFIG_STR_MAX];
	int	log_level;
	int	log_syslog;
	int	min_free_disk_percent;
	int	held_expire_days;
	int	held_digest_minutes;
	char	generate_at[CONFIG_STR_MAX];
	/* [lmtp] */
	char	lmtp_socket[CONFIG_STR_MAX];
	char	lmtp_listen[CONFIG_STR_MAX];
	int	lmtp_max_sessions;
	long	lmtp_max_message_size;
	int	lmtp_timeout;
	/* [delivery] */
	char	relay[CONFIG_STR_MAX];
	int	batch_size;
	int	connections;
	char	helo_name[CONFIG_STR_MAX];
	int	retry_min;
	int	retry_max;
	int	max_queue_age;
	/* [http] */
	char	http_listen[CONFIG_STR_MAX];
	char	base_url[CONFIG_STR_MAX];
	char	secret_file[CONFIG_STR_MAX];
	char	http_tls_cert[CONFIG_STR_MAX];
	char	http_tls_key[CONFIG_STR_MAX];
	int	http_threads;
	char	metrics_token[CONFIG_STR_MAX];
	int	metrics_loopback;
	/* [mta] */
	char	mta_postfix_dir[CONFIG_STR_MAX];
	char	mta_postmap[CONFIG_STR_MAX];
	char	mta_transport[CONFIG_STR_MAX];
};

/* The configuration in force; set once by main() before threads start. */
extern const struct config *cfg;

/* Fill c with every default. home comes from $LISTD_HOME when set. */
void	config_defaults(struct config *c);
/* Read path over the defaults already in c. On error returns -1 and writes a
 * message naming the file and line ("listd.conf:14: batch_size: 0 is below
 * the minimum 1") into err. A missing file is an error unless optional. */
int	config_load(struct config *c, const char *path, int optional,
	    char *err, size_t err_len);
/* Parse one "host:port" value; -1 when malformed. host gets at most
 * host_len-1 bytes. */
int	config_hostport(const char *s, char *host, size_t host_len, int *port);
/* Print every key with its section, default and meaning (for --help). */
void	config_print_keys(FILE *fp);

#endif
