/* mta_maps.h - the Postfix maps that hand every list address to listd:
 * listd_transport, listd_domains and listd_recipients, built from every
 * district and list under a home and installed atomically. Used by
 * listctl (after each change and by listctl mta postfix), by the daemon's
 * scheduled generator run and by the web interface when lists change. */
#ifndef LISTD_MTA_MAPS_H
#define LISTD_MTA_MAPS_H

#include "core/config.h"
#include "core/status.h"

struct mta_maps_result {
	char	dir[CONFIG_STR_MAX + 16];	/* where the maps went */
	char	transport[CONFIG_STR_MAX + 16];	/* the transport written */
	int	n_districts;
	int	n_lists;
	char	err[512];			/* why, on failure */
};

/* Build the maps from every district and list under home and install each
 * in dir (NULL: [mta] postfix_dir, else $home/postfix; created when
 * absent): written under a temporary name, postmap'd when postmap is not
 * empty (the .db moved into place first), then renamed into place, so
 * Postfix never reads half a map. Writers (listctl, the daemon's threads,
 * the web process) take turns on a lock of dir, and each builds from
 * the stores as they are once it holds the lock. Returns ST_OK, or a
 * status with res->err saying why (the maps in place stay as they were):
 * ST_CONFIG without a usable transport, ST_DATA for a name that cannot be
 * a map key, ST_TOOBIG past 256 MB, ST_TEMP for a store, write or postmap
 * failure. */
enum status	mta_maps_write(const char *home, const char *dir,
		    const char *postmap, struct mta_maps_result *res);

/* After a district or list was created or removed: mta_maps_write() where
 * the configuration says, with [mta] postmap. A failure is logged as a
 * warning (the change itself stands) and returned. */
enum status	mta_maps_refresh(const char *home, struct mta_maps_result *res);

#endif
