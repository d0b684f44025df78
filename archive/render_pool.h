/* render_pool.h - render many independent pages (message pages, thread
 * pages) on two threads, each with its own store connection and render
 * context. Used by the full render; an incremental add renders on one. */
#ifndef LISTD_ARCHIVE_RENDER_POOL_H
#define LISTD_ARCHIVE_RENDER_POOL_H

#include <stdint.h>

#include "archive/render.h"

#define RENDER_THREADS	2	/* the machine's cores; pages are independent */

/* Call page(r, ids[i]) for every i in [0, n), on the calling thread with r
 * and on RENDER_THREADS - 1 more threads with contexts of their own (when
 * a thread cannot start or open the store, the others do its share). Stops
 * at the first failure and returns it; ST_OK when every page rendered.
 * ids is borrowed for the call. */
enum status	render_pool_run(struct render_ctx *r, const int64_t *ids,
		    int n, enum status (*page)(struct render_ctx *, int64_t));

#endif
