/* render_pool.h - render many independent pages (month views and mboxes,
 * thread pages, message pages) on two threads, each with its own store
 * connection and render context. Used by the full render; an incremental
 * add renders on one. */
#ifndef LISTD_ARCHIVE_RENDER_POOL_H
#define LISTD_ARCHIVE_RENDER_POOL_H

#include <stdint.h>

#include "archive/render.h"

#define RENDER_THREADS	2	/* the machine's cores; pages are independent */

/* One page (or a few files) to render: page(r, id). */
struct render_job {
	enum status	(*page)(struct render_ctx *, int64_t);
	int64_t		  id;
};

/* Run every job of jobs[0..n): the calling thread (with r) takes them
 * from the front, RENDER_THREADS - 1 more threads (contexts of their own)
 * from the back, so that until they meet the threads mostly write
 * different directories (two threads creating files in one directory
 * wait on its lock). When a thread cannot start or open the store, the
 * others do its share. Stops at the first failure and returns it; ST_OK
 * when every job rendered. jobs is borrowed for the call. */
enum status	render_pool_jobs(struct render_ctx *r,
		    const struct render_job *jobs, int n);

#endif
