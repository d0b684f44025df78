/* policy_bench.c - what content policy costs on real mail: parse every
 * message of an mbox with GMime (the baseline), then parse and judge each
 * against the student-safe preset plus extra word rules. Prints times and
 * the ratio; built and run by bench/policy.sh. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gmime/gmime.h>

#include "listd/policy.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One pass over the mbox; judge when set is non-NULL. */
static double
pass(const char *path, const struct policy_set *set, long *n, long *hits)
{
	GMimeStream *s = g_mime_stream_fs_open(path, O_RDONLY, 0, NULL);
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	GMimeMessage *m;
	struct policy_result res;
	double t0 = now();

	g_mime_parser_set_format(p, GMIME_FORMAT_MBOX);
	*n = *hits = 0;
	while ((m = g_mime_parser_construct_message(p, NULL)) != NULL) {
		(*n)++;
		if (set && policy_check(set, m, 0, &res))
			(*hits)++;
		g_object_unref(m);
	}
	g_object_unref(p);
	g_object_unref(s);
	return now() - t0;
}

int
main(int argc, char **argv)
{
	static const char *words[] = { "lottery", "casino", "bitcoin wallet",
	    "free money", "click here now", "viagra", "weapon", "drugs",
	    "gamble", "password reset", "wire transfer", "gift card",
	    "urgent payment", "crypto", "hate", "idiot", "stupid", "loser",
	    "dumb", "violence" };
	struct policy_set set;
	struct policy_rule r;
	double base, judged;
	long n, hits;

	if (argc != 2) {
		fprintf(stderr, "usage: policy_bench MBOX\n");
		return 64;
	}
	g_mime_init();
	policy_set_init(&set, "bench");
	policy_preset_add(&set, POLICY_PRESET_STUDENT_SAFE);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.scope = POLICY_LIST;
		r.kind = POLICY_WORD;
		r.action = POLICY_HOLD;
		snprintf(r.pattern, sizeof(r.pattern), "%s", words[i]);
		policy_set_add(&set, &r);
	}
	pass(argv[1], NULL, &n, &hits);		/* warm the page cache */
	base = pass(argv[1], NULL, &n, &hits);
	judged = pass(argv[1], &set, &n, &hits);
	printf("messages=%ld rules=%zu matched=%ld parse_s=%.3f "
	    "parse_and_policy_s=%.3f policy_ms_per_msg=%.3f ratio=%.2f\n", n,
	    set.n, hits, base, judged, (judged - base) * 1000 / (double)n,
	    judged / base);
	policy_set_release(&set);
	g_mime_shutdown();
	return 0;
}
