/* ctl_backup.h - listctl district backup and restore (verbs of the district
 * noun, rows in ctl_district_verbs[]). */
#ifndef LISTD_CTL_BACKUP_H
#define LISTD_CTL_BACKUP_H

#include "listd/ctl.h"

/* listctl district backup SLUG FILE */
int	ctl_backup_district(struct ctl *c);
/* listctl district restore FILE */
int	ctl_backup_restore(struct ctl *c);

#endif
