/* schedule.c - the daily generator run inside listd (see schedule.h). The
 * day of the last run is kept in the district's settings, so a restart does
 * not run it twice. After a run the Postfix maps are rewritten. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/log.h"
#include "core/mta_maps.h"
#include "core/notice.h"
#include "core/store_list.h"
#include "core/store_sub.h"
#include "core/xmem.h"
#include "generator/generator.h"
#include "listd/schedule.h"

#define REPORT_TO_MAX	1024

/* Send the summary to each address of report_to, from the district's
 * all-accounts@ list (created by the generator). */
static void
send_report(struct store *ds, const struct district *d, const char *summary)
{
	struct notice_vars v = { "", "", "", "", summary };
	char to[REPORT_TO_MAX], *p, *save = NULL;
	struct list l;

	if (store_setting_get(ds, "report_to", to, sizeof(to)) != ST_OK ||
	    store_list_get(ds, "all-accounts", &l) != ST_OK)
		return;
	if (store_begin(ds) != ST_OK)
		return;
	for (p = strtok_r(to, ", ", &save); p; p = strtok_r(NULL, ", ", &save))
		(void)notice_send(ds, d, &l, p, "generator-report", &v, NULL);
	if (store_commit(ds) != ST_OK)
		log_warnx("schedule report not queued district=%s", d->slug);
}

int
schedule_generate(struct store *ds, const struct district *d)
{
	struct generator_opts o = { 0, 0, 0 };
	struct generator_result res;
	char today[16], last[16], now_hm[8];
	time_t now = (time_t)store_now();
	struct tm tm;
	char *summary;
	enum status st;

	if (cfg->generate_at[0] == '\0')
		return 0;
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	strftime(now_hm, sizeof(now_hm), "%H:%M", &tm);
	if (strcmp(now_hm, cfg->generate_at) < 0)
		return 0;
	if (store_setting_get(ds, "generate_day", last, sizeof(last)) == ST_OK &&
	    strcmp(last, today) == 0)
		return 0;
	/* Mark the day first: a source that crashes the run is not retried
	 * in a loop; the next try is tomorrow (or a manual listctl run). */
	(void)store_setting_set(ds, "generate_day", today);
	memset(&res, 0, sizeof(res));
	st = generator_run(ds, d, &o, &res);
	/* Roster lists may have been created or retired: Postfix must know
	 * the new addresses before mail to them arrives. */
	(void)mta_maps_refresh(cfg->home, NULL);
	summary = generator_summary(d, &res);
	log_info("schedule generate district=%s st=%s", d->slug, status_name(st));
	send_report(ds, d, summary);
	xfree(summary);
	generator_result_release(&res);
	return 1;
}
