/* listctl.c - the operator's command-line tool: global options, the table
 * of nouns, argument parsing against each verb's option list, and help.
 * Each noun's verbs live in ctl_<noun>.c. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>
#include <libxml/parser.h>

#include "core/config.h"
#include "core/log.h"
#include "core/store.h"
#include "listd/ctl.h"
#include "listd/ctl_health.h"
#include "listd/ctl_mta.h"

static const struct ctl_noun nouns[] = {
	{ "district", "school districts hosted here (each an isolated instance)",
	  ctl_district_verbs },
	{ "list", "mailing lists, named by their address", ctl_list_verbs },
	{ "member", "members of a list: add, import, export", ctl_member_verbs },
	{ "archive", "list archives: import, rebuild, search, export", ctl_archive_verbs },
	{ "bounce", "bounce messages: parse saved DSNs and failure reports",
	  ctl_bounce_verbs },
	{ "generate", "run the roster generator; its status", ctl_generate_verbs },
	{ "source", "a district's account directory source", ctl_source_verbs },
	{ "roster", "rule lists, list families, exclusions", ctl_roster_verbs },
	{ "inject", "hand a message on stdin to a list (MTA pipe)",
	  ctl_inject_verbs },
	{ "queue", "the delivery queue: posts, batches, retry, delete",
	  ctl_queue_verbs },
	{ "held", "held posts: list, show, approve, reject, discard, allow",
	  ctl_held_verbs },
	{ "admin", "web interface accounts: site and district administrators",
	  ctl_admin_verbs },
	{ "token", "JSON API tokens for a district or the site",
	  ctl_token_verbs },
	{ "policy", "content rules: size, attachments, words; presets; test",
	  ctl_policy_verbs },
	{ "template", "texts listd mails: confirmations, welcome, help ...",
	  ctl_template_verbs },
	{ "mta", "maps for the MTA in front of listd (Postfix)", ctl_mta_verbs },
	{ "health", "problems for monitoring: queue, relay, sources, disk",
	  ctl_health_verbs },
	{ "migrate", "bring a list over from GNU Mailman 2.1 or 3",
	  ctl_migrate_verbs },
};

#define N_NOUNS (sizeof(nouns) / sizeof(nouns[0]))

static void
usage_all(FILE *fp)
{
	fprintf(fp,
	    "NAME\n"
	    "    listctl - manage listd districts, lists and members\n\n"
	    "SYNOPSIS\n"
	    "    listctl [--home DIR] [--config FILE] [--json] NOUN VERB [ARGS]\n"
	    "    listctl NOUN --help\n\n"
	    "OPTIONS\n"
	    "    --home DIR     data directory (default: $LISTD_HOME, then the\n"
	    "                   home in the configuration, /var/lib/listd)\n"
	    "    --config FILE  configuration (default: $LISTD_HOME/listd.conf)\n"
	    "    --json         machine-readable output on stdout\n\n"
	    "NOUNS\n");
	for (size_t i = 0; i < N_NOUNS; i++)
		fprintf(fp, "    %-10s %s\n", nouns[i].name, nouns[i].help);
	fprintf(fp,
	    "\nEXAMPLE\n"
	    "    listctl district add bethel --domain bethel.example.org \\\n"
	    "        --name \"Bethel School District\"\n"
	    "    listctl list create news@bethel.example.org --kind announcement\n"
	    "    listctl member import news@bethel.example.org families.csv\n"
	    "    listctl member list news@bethel.example.org\n\n"
	    "EXIT STATUS\n"
	    "    0 ok, 64 usage, 65 bad data, 67 no such list or district,\n"
	    "    75 temporary failure (try again), 77 refused, 78 configuration\n");
}

static void
usage_noun(FILE *fp, const struct ctl_noun *n)
{
	fprintf(fp, "listctl %s - %s\n\nVERBS\n", n->name, n->help);
	for (const struct ctl_verb *v = n->verbs; v->name; v++)
		fprintf(fp, "    listctl %s %s\n        %s\n", n->name, v->usage,
		    v->help);
}

static const struct ctl_noun *
find_noun(const char *name)
{
	for (size_t i = 0; i < N_NOUNS; i++)
		if (strcmp(nouns[i].name, name) == 0)
			return &nouns[i];
	return NULL;
}

/* Is name among the verb's options; does it take a value? */
static int
option_spec(const char *spec, const char *name, int *takes_value)
{
	size_t n = strlen(name);
	const char *p = spec;

	while (p && *p) {
		size_t len = strcspn(p, ",");
		int val = len > 0 && p[len - 1] == '=';

		if ((val ? len - 1 : len) == n && strncmp(p, name, n) == 0) {
			*takes_value = val;
			return 1;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int
parse_args(struct ctl *c, const struct ctl_verb *v, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char *a = argv[i], *eq;
		int takes_value;

		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if (c->n_pos == CTL_POS_MAX)
				return ctl_fail(c, ST_USAGE, "too many arguments");
			c->pos[c->n_pos++] = a;
			continue;
		}
		a += 2;
		if ((eq = strchr(a, '=')) != NULL)
			*eq = '\0';
		if (strcmp(a, "json") == 0 && eq == NULL) {
			c->json = 1;
			continue;
		}
		if (!option_spec(v->options, a, &takes_value))
			return ctl_fail(c, ST_USAGE, "unknown option --%s "
			    "(usage: listctl %s %s)", a, c->noun, v->usage);
		if (c->n_opts == CTL_OPT_MAX)
			return ctl_fail(c, ST_USAGE, "too many options");
		c->opts[c->n_opts].name = a;
		if (takes_value) {
			if (eq)
				c->opts[c->n_opts].value = eq + 1;
			else if (i + 1 < argc)
				c->opts[c->n_opts].value = argv[++i];
			else
				return ctl_fail(c, ST_USAGE, "--%s needs a value", a);
		} else if (eq) {
			return ctl_fail(c, ST_USAGE, "--%s takes no value", a);
		}
		c->n_opts++;
	}
	if (c->n_pos < v->min_pos || c->n_pos > v->max_pos)
		return ctl_fail(c, ST_USAGE, "usage: listctl %s %s", c->noun,
		    v->usage);
	return 0;
}

static void
set_actor(struct ctl *c)
{
	struct passwd *pw = getpwuid(getuid());
	const char *who = getenv("LISTD_ACTOR");

	if (who && *who)
		snprintf(c->actor, sizeof(c->actor), "%s", who);
	else
		snprintf(c->actor, sizeof(c->actor), "listctl:%s",
		    pw ? pw->pw_name : "unknown");
}

/* A bulk archive command (import, rebuild: hundreds of thousands of small
 * allocations on three threads) runs again with glibc's per-thread cache
 * of freed chunks made larger, which only the environment can set before
 * the process starts: 7% less CPU for a 10,000-message import. Tunables
 * the caller set are left alone; if the exec fails, it runs as it is. */
static void
bulk_allocator(int argc, char **argv)
{
	int i = 1;

	while (i < argc && strncmp(argv[i], "--", 2) == 0)
		i += !strcmp(argv[i], "--home") || !strcmp(argv[i], "--config") ?
		    2 : 1;
	if (i + 1 >= argc || strcmp(argv[i], "archive") != 0 ||
	    (strcmp(argv[i + 1], "import") != 0 &&
	    strcmp(argv[i + 1], "rebuild") != 0) || getenv("GLIBC_TUNABLES"))
		return;
	if (setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=256", 0) == 0)
		execv("/proc/self/exe", argv);
	(void)unsetenv("GLIBC_TUNABLES");
}

int
main(int argc, char **argv)
{
	static struct config conf;
	struct ctl c;
	const struct ctl_noun *n;
	const struct ctl_verb *v;
	const char *config_path = NULL, *home = NULL;
	char err[600], default_conf[CONFIG_STR_MAX + 16];
	int i = 1, rc;

	bulk_allocator(argc, argv);
	memset(&c, 0, sizeof(c));
	log_init("listctl", LOG_LEVEL_WARN, 0);
	g_mime_init();
	xmlInitParser();
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (!strcmp(argv[i], "--json"))
			c.json = 1;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage_all(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--home") && i + 1 < argc)
			home = argv[++i];
		else if (!strcmp(argv[i], "--config") && i + 1 < argc)
			config_path = argv[++i];
		else {
			fprintf(stderr, "listctl: unknown option %s\n", argv[i]);
			usage_all(stderr);
			return status_exit(ST_USAGE);
		}
	}
	config_defaults(&conf);
	if (home)
		snprintf(conf.home, sizeof(conf.home), "%s", home);
	if (config_path == NULL) {
		snprintf(default_conf, sizeof(default_conf), "%s/listd.conf",
		    conf.home);
		rc = config_load(&conf, default_conf, 1, err, sizeof(err));
	} else
		rc = config_load(&conf, config_path, 0, err, sizeof(err));
	if (rc == -1) {
		fprintf(stderr, "listctl: %s\n", err);
		return status_exit(ST_CONFIG);
	}
	if (home)
		snprintf(conf.home, sizeof(conf.home), "%s", home);
	cfg = &conf;
	c.home = conf.home;
	set_actor(&c);
	if (i >= argc) {
		usage_all(stderr);
		return status_exit(ST_USAGE);
	}
	if ((n = find_noun(argv[i])) == NULL) {
		fprintf(stderr, "listctl: unknown command \"%s\" (try listctl --help)\n",
		    argv[i]);
		return status_exit(ST_USAGE);
	}
	c.noun = n->name;
	/* A verb named "" is the noun's default ("listctl generate --all",
	 * "listctl inject LIST"), used unless the next word names a verb. */
	if (n->verbs[0].name[0] == '\0') {
		v = NULL;
		for (const struct ctl_verb *w = n->verbs + 1; w->name &&
		    i + 1 < argc; w++)
			if (strcmp(w->name, argv[i + 1]) == 0) {
				v = w;
				i++;
				break;
			}
		if (v == NULL && i + 1 < argc && (!strcmp(argv[i + 1], "--help") ||
		    !strcmp(argv[i + 1], "-h"))) {
			usage_noun(stdout, n);
			return 0;
		}
		if (v == NULL)
			v = &n->verbs[0];
	} else {
		if (++i >= argc || !strcmp(argv[i], "--help") ||
		    !strcmp(argv[i], "-h")) {
			usage_noun(i >= argc ? stderr : stdout, n);
			return i >= argc ? status_exit(ST_USAGE) : 0;
		}
		for (v = n->verbs; v->name; v++)
			if (strcmp(v->name, argv[i]) == 0)
				break;
	}
	if (v->name == NULL) {
		fprintf(stderr, "listctl: %s: unknown verb \"%s\"\n", n->name,
		    argv[i]);
		usage_noun(stderr, n);
		return status_exit(ST_USAGE);
	}
	c.verb = v->name[0] ? v->name : NULL;
	for (int k = i + 1; k < argc; k++)
		if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
			printf("usage: listctl %s %s\n    %s\n", n->name, v->usage,
			    v->help);
			return 0;
		}
	if ((rc = parse_args(&c, v, argc - i - 1, argv + i + 1)) != 0)
		return rc;
	rc = v->run(&c);
	store_close(c.site);
	g_mime_shutdown();
	xmlCleanupParser();
	return rc;
}
