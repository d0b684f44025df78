/* render_feed.h - the list's Atom feed and the monthly mbox downloads. */
#ifndef LISTD_ARCHIVE_RENDER_FEED_H
#define LISTD_ARCHIVE_RENDER_FEED_H

#include "archive/render.h"

/* html/<list>/feed.atom: the newest RENDER_FEED_ENTRIES messages. */
enum status	render_feed(struct render_ctx *r);
/* html/<list>/<month>/<month>.mbox (mboxrd) rebuilt from messages/. */
enum status	render_mbox(struct render_ctx *r, const char *month);
/* Append message m to its month's mbox when it is the month's newest
 * (last: render_last_in_month), else rebuild that mbox. */
enum status	render_mbox_add(struct render_ctx *r, const struct arc_msg *m,
		    int last);

#endif
