/* ctl_mta.h - listctl mta postfix, and the map refresh listctl runs after
 * each change of districts and lists (the maps: core/mta_maps.h). */
#ifndef LISTD_CTL_MTA_H
#define LISTD_CTL_MTA_H

#include "listd/ctl.h"

/* Rewrite the Postfix maps after a district or list was created or removed
 * (and run postmap when [mta] postmap is set). A failure is reported on
 * stderr as a warning and returns -1; the caller's change stands. */
int	ctl_mta_refresh(struct ctl *c);

extern const struct ctl_verb ctl_mta_verbs[];

#endif
