/* import.c - bring an existing archive in from an mbox file (mboxrd as in
 * public-inbox exports, mboxo, Mailman 2 pipermail and Mailman 3 exports).
 * Messages are read in chunks; a chunk is hashed and parsed on worker
 * threads (archive_index_prepare) while this thread threads and stores the
 * chunk before it (archive_index_commit), in mbox order.
 * A chunk's searchable texts are stored together after its rows (see
 * store_archive_msg_text), before any commit.
 * Messages are written to a pack under messages/packs/ in batches: bytes
 * first (by a writer thread, while this one parses and indexes); the drain
 * at a batch's end makes them durable (pack fdatasync'ed, its index
 * written), then the batch's index transaction commits, so the index never
 * names a message that is not durably on disk. Idempotent: a message the
 * list already holds (same bytes) is skipped. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/archive.h"
#include "archive/import_writer.h"
#include "archive/index.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/msgstore.h"
#include "core/workpool.h"
#include "core/xmem.h"

#define IMPORT_BATCH		2000	/* messages per commit */
#define IMPORT_CHUNK		128	/* messages parsed together */
#define IMPORT_CHUNK_BYTES	(16L * 1024 * 1024)
#define IMPORT_THREADS		2	/* parsing threads */
#define IMPORT_READ_BUF		(1 << 20)	/* mbox read size */

struct slot {
	char			*raw;
	size_t			 len;
	long			 line;		/* of its From_ line */
	int			 added;		/* indexed, text not stored yet */
	struct index_prep	 prep;
};

struct chunk {
	struct slot	slot[IMPORT_CHUNK];
	int		n;
	size_t		bytes;
	int64_t		now;
};

struct importer {
	struct store			*s;
	const struct list		*l;
	struct archive_import_result	*res;
	struct buf			 msg;
	long				 msg_line;	/* line of its From_ */
	int				 in_batch;
	int				 too_big;
	struct import_writer		*writer;
	struct workpool			*pool;		/* NULL: parse here */
	struct chunk			 chunk[2];
	int				 filling;	/* chunk being read */
	int				 in_flight;	/* the other one parses */
};

static enum status	put_raw(struct importer *, const char *, size_t,
			    const char *);
static enum status	flush_msg(struct importer *);
static enum status	batch_end(struct importer *);

/* Have raw (whose hash is given) appended to the pack by the writer
 * thread; durable only after the drain in batch_end. */
static enum status
put_raw(struct importer *im, const char *raw, size_t len, const char *hash)
{
	import_writer_put(im->writer, hash, raw, len);
	return ST_OK;
}

/* Commit the batch's index rows once its messages are durably on disk. */
static enum status
batch_end(struct importer *im)
{
	enum status st;

	if (im->in_batch == 0)
		return ST_OK;
	im->in_batch = 0;
	if ((st = import_writer_drain(im->writer)) != ST_OK) {
		log_warnx("archive import write district=%s status=%s",
		    store_slug(im->s), status_name(st));
		store_rollback(im->s);
		return st;
	}
	return store_commit(im->s);
}

static void
note_bad(struct importer *im, long line)
{
	im->res->n_bad++;
	if (im->res->first_bad_line == 0)
		im->res->first_bad_line = line;
}

/* Worker side: hash and parse one message of a chunk. */
static void
prepare_slot(void *ctx, int i)
{
	struct chunk *c = ctx;

	(void)archive_index_prepare(c->slot[i].raw, c->slot[i].len, c->now,
	    &c->slot[i].prep);
}

static void
chunk_clear(struct chunk *c)
{
	for (int i = 0; i < c->n; i++) {
		xfree(c->slot[i].raw);
		archive_index_prep_free(&c->slot[i].prep);
	}
	c->n = 0;
	c->bytes = 0;
}

/* Store the searchable texts of c's messages indexed since the last call,
 * one after another. */
static enum status
chunk_texts(struct importer *im, struct chunk *c, int end)
{
	enum status st = ST_OK;

	for (int i = 0; i < end && st == ST_OK; i++)
		if (c->slot[i].added) {
			c->slot[i].added = 0;
			st = archive_index_text(im->s, &c->slot[i].prep);
		}
	if (st != ST_OK) {
		store_rollback(im->s);
		im->in_batch = 0;
	}
	return st;
}

/* Thread and store a parsed chunk in mbox order; its files go to the
 * writer, its rows commit every IMPORT_BATCH messages. */
static enum status
chunk_commit(struct importer *im, struct chunk *c)
{
	struct index_touch t;
	enum status st = ST_OK;

	for (int i = 0; i < c->n && st == ST_OK; i++) {
		struct slot *sl = &c->slot[i];

		if (!sl->prep.ready) {
			note_bad(im, sl->line);
			continue;
		}
		if ((st = put_raw(im, sl->raw, sl->len, sl->prep.m.hash))
		    != ST_OK)
			break;
		if (im->in_batch == 0 && (st = store_begin(im->s)) != ST_OK)
			break;
		im->in_batch++;
		st = archive_index_commit(im->s, im->l, &sl->prep, &t);
		if (st == ST_OK) {
			im->res->n_added++;
			sl->added = 1;
		} else if (st == ST_EXISTS)
			im->res->n_present++;
		else if (st == ST_DATA)
			note_bad(im, sl->line);
		else {
			store_rollback(im->s);
			im->in_batch = 0;
			break;
		}
		st = ST_OK;
		if (im->in_batch >= IMPORT_BATCH &&
		    (st = chunk_texts(im, c, i + 1)) == ST_OK)
			st = batch_end(im);
	}
	if (st == ST_OK)
		st = chunk_texts(im, c, c->n);
	chunk_clear(c);
	return st;
}

/* The chunk being read is full (or the mbox ended): start its parse, then
 * store the chunk parsed before it while this one parses. */
static enum status
chunk_submit(struct importer *im)
{
	struct chunk *cur = &im->chunk[im->filling];
	struct chunk *prev = &im->chunk[!im->filling];
	int had_prev = im->in_flight;

	if (had_prev)
		workpool_wait(im->pool);
	cur->now = store_now();
	workpool_start(im->pool, cur->n, prepare_slot, cur);
	im->in_flight = 1;
	im->filling = !im->filling;
	return had_prev ? chunk_commit(im, prev) : ST_OK;
}

/* The mbox is read: store what is still parsing or unread. */
static enum status
chunk_finish(struct importer *im)
{
	enum status st = ST_OK;

	if (im->chunk[im->filling].n > 0)
		st = chunk_submit(im);
	if (im->in_flight) {
		workpool_wait(im->pool);
		im->in_flight = 0;
		if (st == ST_OK)
			st = chunk_commit(im, &im->chunk[!im->filling]);
	}
	return st;
}

/* The message gathered so far, without the blank line before the next
 * From_ line. */
static enum status
flush_msg(struct importer *im)
{
	struct chunk *c = &im->chunk[im->filling];
	size_t len = im->msg.len;
	const char *raw = im->msg.data;
	struct slot *sl;

	if (im->msg_line == 0)
		return ST_OK;
	im->res->n_read++;
	if (im->too_big || im->msg.overflow) {
		note_bad(im, im->msg_line);
		return ST_OK;
	}
	if (len >= 2 && raw[len - 1] == '\n' && raw[len - 2] == '\n')
		len--;
	else if (len >= 4 && memcmp(raw + len - 4, "\r\n\r\n", 4) == 0)
		len -= 2;
	if (len == 0 || strspn(raw, " \t\r\n") >= len) {
		note_bad(im, im->msg_line);
		return ST_OK;
	}
	sl = &c->slot[c->n++];
	memset(sl, 0, sizeof(*sl));
	sl->raw = xmalloc(len + 1);
	memcpy(sl->raw, raw, len);
	sl->raw[len] = '\0';
	sl->len = len;
	sl->line = im->msg_line;
	c->bytes += len;
	if (c->n == IMPORT_CHUNK || c->bytes >= (size_t)IMPORT_CHUNK_BYTES)
		return chunk_submit(im);
	return ST_OK;
}

/* A From_ line that stands without a blank line before it: Netscape's
 * "From - ..." or "From SENDER Www Mmm ..." with a day name, which body
 * text hardly ever starts with. */
static int
from_line_strict(const char *line, size_t n)
{
	static const char *days[] = { "Mon ", "Tue ", "Wed ", "Thu ", "Fri ",
	    "Sat ", "Sun " };
	const char *p = line + 5, *end = line + n;

	if (p < end && *p == '-' && (p + 1 == end || p[1] == ' ' ||
	    p[1] == '\r' || p[1] == '\n'))
		return 1;
	while (p < end && *p != ' ' && *p != '\n')
		p++;
	if (end - p < 5)
		return 0;
	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++)
		if (memcmp(p + 1, days[i], 4) == 0)
			return 1;
	return 0;
}

static enum status
read_lines(struct importer *im, FILE *fp)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int prev_blank = 1;
	enum status st = ST_OK;

	while (st == ST_OK && (n = getline(&line, &cap, fp)) != -1) {
		const char *p = line;

		lineno++;
		if (lineno == 1 && n >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			memmove(line, line + 3, (size_t)n - 2);	/* a BOM is not data */
			n -= 3;
		}
		if (n >= 5 && memcmp(line, "From ", 5) == 0 &&
		    (prev_blank || from_line_strict(line, (size_t)n))) {
			st = flush_msg(im);
			buf_reset(&im->msg);
			im->msg_line = lineno;
			im->too_big = 0;
			prev_blank = 0;
			continue;
		}
		if (im->msg_line == 0) {
			im->res->first_bad_line = lineno;
			st = ST_DATA;	/* not an mbox: no From_ line first */
			break;
		}
		prev_blank = (n == 1 && line[0] == '\n') ||
		    (n == 2 && line[0] == '\r' && line[1] == '\n');
		if (line[0] == '>') {	/* mboxrd: ^>+From  loses one '>' */
			size_t q = strspn(line, ">");

			if ((size_t)n - q >= 5 && memcmp(line + q, "From ", 5) == 0)
				p++, n--;
		}
		if (!im->too_big && buf_append(&im->msg, p, (size_t)n) == -1)
			im->too_big = 1;
	}
	free(line);	/* lint: allow (getline's buffer is libc's) */
	if (st == ST_OK && ferror(fp))
		st = ST_TEMP;
	if (st == ST_OK)
		st = flush_msg(im);
	if (st == ST_OK)
		st = chunk_finish(im);
	return st;
}

enum status
archive_import(struct store *s, const struct list *l, const char *path,
    struct archive_import_result *res)
{
	struct importer im;
	FILE *fp;
	enum status st;

	memset(res, 0, sizeof(*res));
	memset(&im, 0, sizeof(im));
	if ((fp = fopen(path, "re")) == NULL)
		return errno == ENOENT || errno == EACCES ? ST_NOTFOUND : ST_TEMP;
	(void)setvbuf(fp, NULL, _IOFBF, IMPORT_READ_BUF);	/* not 4 KB reads */
	im.s = s;
	im.l = l;
	im.res = res;
	buf_init(&im.msg, ARCHIVE_MSG_MAX);
	im.writer = import_writer_new(store_dir(s));
	im.pool = workpool_new(IMPORT_THREADS);
	store_archive_bulk(s);
	st = read_lines(&im, fp);
	if (st == ST_OK)
		st = batch_end(&im);
	else if (im.in_batch)
		store_rollback(s);
	workpool_free(im.pool);		/* a failure may leave a parse going */
	chunk_clear(&im.chunk[0]);
	chunk_clear(&im.chunk[1]);
	import_writer_free(im.writer);	/* after its last drain */
	fclose(fp);
	buf_release(&im.msg);
	if (st == ST_OK && res->n_read == 0)
		st = ST_DATA;
	if (st == ST_OK && res->n_added > 0)
		st = archive_render_all(s, l);
	log_info("archive import district=%s list=%s read=%ld added=%ld "
	    "present=%ld bad=%ld status=%s", store_slug(s), l->name,
	    res->n_read, res->n_added, res->n_present, res->n_bad,
	    status_name(st));
	return st;
}
