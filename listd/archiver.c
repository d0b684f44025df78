/* archiver.c - accepted posts into the archive (see archiver.h). The post
 * is archived as it arrived (its author and subject as written); members
 * got the rewritten copy. */
#include "archive/archive.h"
#include "core/log.h"
#include "core/msgstore.h"
#include "core/store_list.h"
#include "core/store_post.h"
#include "core/xmem.h"
#include "listd/archiver.h"

struct todo {
	int64_t	ids[ARCHIVER_BATCH];
	int	n;
};

static int
collect(const struct post *p, void *arg)
{
	struct todo *t = arg;

	t->ids[t->n++] = p->id;
	return t->n == ARCHIVER_BATCH;
}

static int
archive_one(struct store *ds, const struct district *d, int64_t id)
{
	struct post p;
	struct list l;
	char *raw = NULL;
	size_t len;
	enum status st;

	if (store_post_get(ds, id, &p) != ST_OK ||
	    store_list_get_id(ds, p.list_id, &l) != ST_OK)
		return 0;
	st = msgstore_get(store_dir(ds), p.raw_hash, ARCHIVE_MSG_MAX, &raw, &len);
	if (st == ST_OK)
		st = archive_post_add(ds, &l, p.raw_hash, raw, len);
	xfree(raw);
	if (status_is_temp(st)) {
		log_warnx("archive later district=%s list=%s post=%lld st=%s",
		    d->slug, l.name, (long long)id, status_name(st));
		return 0;
	}
	if (st != ST_OK)
		log_info("archive skip district=%s list=%s post=%lld st=%s",
		    d->slug, l.name, (long long)id, status_name(st));
	(void)store_post_set_archived(ds, id);
	return 1;
}

int
archiver_run(struct store *ds, const struct district *d)
{
	struct todo t;
	int done = 0;

	t.n = 0;
	if (store_post_each_unarchived(ds, ARCHIVER_BATCH, collect, &t) != ST_OK)
		return 0;
	for (int i = 0; i < t.n; i++)
		done += archive_one(ds, d, t.ids[i]);
	return done;
}
