/* ctl_bounce.c - listctl bounce parse: run the bounce parser on saved
 * messages and print one verdict line per file (or JSON details). It reads
 * files only; it never touches a store or a member. */
#include <stdio.h>

#include "core/json.h"
#include "core/spool.h"
#include "core/xmem.h"
#include "listd/bounce_parse.h"
#include "listd/ctl.h"

#define JSON_PER_FILE_MAX	(64u * 1024)

static int	bounce_parse_files(struct ctl *);
static void	print_line(const char *name, const struct bounce_report *r);
static void	json_report(struct json *j, const char *name,
		    const struct bounce_report *r);
static enum status parse_file(const char *name, struct bounce_report **r);

const struct ctl_verb ctl_bounce_verbs[] = {
	{ "parse", "", 1, CTL_POS_MAX, "parse FILE...",
	  "print, for each saved message, its name, a tab, permanent, "
	  "temporary or none, a tab and the bounced addresses "
	  "(comma-separated); --json adds status, diagnostic and reporting "
	  "MTA per address", bounce_parse_files },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

/* Every file is tried; the exit code is that of the last failure. */
static int
bounce_parse_files(struct ctl *c)
{
	struct json j;
	struct bounce_report *r;
	enum status st;
	int rc = 0;

	if (c->json) {
		ctl_json_begin(&j, JSON_PER_FILE_MAX * (size_t)c->n_pos);
		json_arr_begin(&j);
	}
	for (int i = 0; i < c->n_pos; i++) {
		if ((st = parse_file(c->pos[i], &r)) != ST_OK) {
			rc = ctl_fail(c, st, "%s: %s", c->pos[i],
			    st == ST_NOTFOUND ? "no such file" :
			    st == ST_TOOBIG ? "larger than the bounce limit" :
			    st == ST_DATA ? "not a mail message" :
			    "cannot read the file");
			continue;
		}
		if (c->json)
			json_report(&j, c->pos[i], r);
		else
			print_line(c->pos[i], r);
		bounce_report_free(r);
	}
	if (c->json) {
		json_arr_end(&j);
		if (ctl_json_end(&j) != 0 && rc == 0)
			rc = status_exit(ST_INTERNAL);
	}
	if (fflush(stdout) != 0 && rc == 0)
		rc = status_exit(ST_TEMP);
	return rc;
}

static enum status
parse_file(const char *name, struct bounce_report **r)
{
	char *data = NULL;
	size_t len = 0;
	enum status st;

	*r = NULL;
	if ((st = spool_read_file(name, BOUNCE_MSG_MAX, &data, &len)) == ST_OK)
		st = bounce_parse(data, len, r);
	xfree(data);
	return st;
}

static void
print_line(const char *name, const struct bounce_report *r)
{
	printf("%s\t%s\t", name, bounce_verdict_name(r->verdict));
	for (size_t i = 0; i < r->n_rcpts; i++)
		printf("%s%s", i ? "," : "", r->rcpts[i].addr);
	putchar('\n');
}

static void
json_report(struct json *j, const char *name, const struct bounce_report *r)
{
	json_obj_begin(j);
	json_kv_str(j, "file", name);
	json_kv_str(j, "verdict", bounce_verdict_name(r->verdict));
	json_kv_str(j, "source", bounce_source_name(r->source));
	json_kv_bool(j, "truncated", r->is_truncated);
	json_key(j, "recipients");
	json_arr_begin(j);
	for (size_t i = 0; i < r->n_rcpts; i++) {
		const struct bounce_rcpt *e = &r->rcpts[i];

		json_obj_begin(j);
		json_kv_str(j, "address", e->addr);
		json_kv_str(j, "kind", e->is_temporary ? "temporary" :
		    "permanent");
		json_kv_str(j, "status", e->status);
		json_kv_str(j, "diagnostic", e->diag);
		json_kv_str(j, "reporting_mta", e->mta);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}
