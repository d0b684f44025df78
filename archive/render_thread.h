/* render_thread.h - the page of a whole conversation. */
#ifndef LISTD_ARCHIVE_RENDER_THREAD_H
#define LISTD_ARCHIVE_RENDER_THREAD_H

#include "archive/render.h"

/* Render t/<thread>.html: the reply tree as an outline, then every message
 * in tree order with its text, quoted runs folded (the first
 * RENDER_THREAD_MAX messages in full, the rest as links). A thread with no
 * message left has its page removed. */
enum status	render_thread(struct render_ctx *r, int64_t thread);

#endif
