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
/* Both views of m's month after m was added without merging threads
 * (last: render_last_in_month). When m is strictly the newest of its
 * month (the common case: a post
 * arriving now), its row is built alone and patched in: last in the
 * by-date view, last in its thread's group (or a new last group) in the
 * by-thread view, the same bytes a full render gives. Otherwise, or when
 * a page is missing or not as expected, render_month(). */
enum status	render_month_add(struct render_ctx *r, const struct arc_msg *m,
		    int last);

#endif
