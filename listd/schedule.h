/* schedule.h - listd's own nightly roster generation (generate_at), for
 * sites that want no cron job: once a day per district, the generator runs
 * and its summary goes to the addresses in the district's report_to
 * setting (listctl district set --report-to). */
#ifndef LISTD_SCHEDULE_H
#define LISTD_SCHEDULE_H

#include "core/model.h"
#include "core/store.h"

/* Run the generator for the district when today's run is due. Returns 1
 * when it ran. */
int	schedule_generate(struct store *ds, const struct district *d);

#endif
