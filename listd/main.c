/* main.c - listd: options, configuration, and the daemon's start-up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/log.h"
#include "core/status.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "NAME\n"
	    "    listd - the listd mailing-list daemon\n\n"
	    "SYNOPSIS\n"
	    "    listd [-n] [-c FILE] [--home DIR]\n\n"
	    "OPTIONS\n"
	    "    -c FILE     configuration (default: $LISTD_HOME/listd.conf)\n"
	    "    --home DIR  data directory (overrides the configuration)\n"
	    "    -n          check the configuration, print \"configuration OK\""
	    " and exit\n\n"
	    "CONFIGURATION KEYS\n");
	config_print_keys(fp);
}

int
main(int argc, char **argv)
{
	static struct config conf;
	const char *config_path = NULL, *home = NULL;
	char err[600], path[CONFIG_STR_MAX + 16];
	int check_only = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n"))
			check_only = 1;
		else if (!strcmp(argv[i], "-c") && i + 1 < argc)
			config_path = argv[++i];
		else if (!strcmp(argv[i], "--home") && i + 1 < argc)
			home = argv[++i];
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "listd: unknown option %s\n", argv[i]);
			usage(stderr);
			return status_exit(ST_USAGE);
		}
	}
	config_defaults(&conf);
	if (home)
		snprintf(conf.home, sizeof(conf.home), "%s", home);
	if (config_path == NULL) {
		snprintf(path, sizeof(path), "%s/listd.conf", conf.home);
		rc = config_load(&conf, path, 1, err, sizeof(err));
	} else
		rc = config_load(&conf, config_path, 0, err, sizeof(err));
	if (rc == -1) {
		fprintf(stderr, "listd: %s\n", err);
		return status_exit(ST_CONFIG);
	}
	if (home)
		snprintf(conf.home, sizeof(conf.home), "%s", home);
	cfg = &conf;
	if (check_only) {
		printf("configuration OK\n");
		return 0;
	}
	log_init("listd", (enum log_level)conf.log_level, conf.log_syslog);
	fprintf(stderr, "listd: the daemon is not built yet\n");
	return status_exit(ST_CONFIG);
}
