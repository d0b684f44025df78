/* fault.c - named fault and crash points, read from the environment once.
 * Counters are atomic so worker threads can share them. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fault.h"

#ifdef LISTD_TEST_BUILD

#define FAULT_MAX	8
#define FAULT_NAME_MAX	64

struct fault_rule {
	char		name[FAULT_NAME_MAX];
	long		nth;		/* 0: every time */
	atomic_long	hits;
};

struct fault_set {
	int			loaded;
	int			n_rules;
	struct fault_rule	rules[FAULT_MAX];
};

static void fault_parse(struct fault_set *, const char *);

static struct fault_set faults, crashes, pauses;
static pthread_once_t fault_once = PTHREAD_ONCE_INIT;

static void
fault_load(void)
{
	fault_parse(&faults, "LISTD_FAULT");
	fault_parse(&crashes, "LISTD_CRASH");
	fault_parse(&pauses, "LISTD_PAUSE");	/* N: milliseconds */
}

static void
fault_parse(struct fault_set *set, const char *env)
{
	const char *spec = getenv(env);
	const char *p;

	set->loaded = 1;
	if (spec == NULL)
		return;
	p = spec;
	while (*p && set->n_rules < FAULT_MAX) {
		struct fault_rule *r = &set->rules[set->n_rules];
		size_t len = strcspn(p, ",");
		size_t name_len = strcspn(p, ":,");

		if (name_len > 0 && name_len < FAULT_NAME_MAX) {
			memcpy(r->name, p, name_len);
			r->name[name_len] = '\0';
			r->nth = 0;
			if (name_len < len)
				r->nth = strtol(p + name_len + 1, NULL, 10);
			atomic_init(&r->hits, 0);
			set->n_rules++;
		}
		p += len;
		if (*p == ',')
			p++;
	}
}

static int
fault_due(struct fault_set *set, const char *name)
{
	/* Loaded once; tests set the environment before the process starts. */
	pthread_once(&fault_once, fault_load);
	for (int i = 0; i < set->n_rules; i++) {
		struct fault_rule *r = &set->rules[i];
		long n;

		if (strcmp(r->name, name) != 0)
			continue;
		n = atomic_fetch_add(&r->hits, 1) + 1;
		if (r->nth == 0 || n == r->nth)
			return 1;
	}
	return 0;
}

int
fault_hit(const char *name)
{
	if (fault_due(&faults, name)) {
		errno = EIO;
		return 1;
	}
	return 0;
}

void
fault_crash(const char *name)
{
	if (fault_due(&crashes, name))
		kill(getpid(), SIGKILL);
}

void
fault_pause(const char *name)
{
	pthread_once(&fault_once, fault_load);
	for (int i = 0; i < pauses.n_rules; i++)
		if (strcmp(pauses.rules[i].name, name) == 0 &&
		    pauses.rules[i].nth > 0)
			usleep((useconds_t)pauses.rules[i].nth * 1000);
}

#endif
