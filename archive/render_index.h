/* render_index.h - the index pages: archive home (all lists of the
 * district), list index (months and counts), month by thread and by date. */
#ifndef LISTD_ARCHIVE_RENDER_INDEX_H
#define LISTD_ARCHIVE_RENDER_INDEX_H

#include "archive/render.h"

/* html/index.html: every list of the district with its message count. */
enum status	render_home(struct render_ctx *r);
/* html/<list>/index.html: months, newest first, with counts and links. */
enum status	render_list_index(struct render_ctx *r);
/* html/<list>/<month>/thread.html and date.html. */
enum status	render_month(struct render_ctx *r, const char *month);

#endif
