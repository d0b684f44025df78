/* import.c - bring an existing archive in from an mbox file (mboxrd as in
 * public-inbox exports, mboxo, Mailman 2 pipermail and Mailman 3 exports).
 * The mbox is mapped (or, from a pipe, read) whole; this thread only finds
 * where each message starts and ends. Messages go in chunks to worker
 * threads, which copy each out (undoing mboxrd's ">From " quoting), hash
 * and parse it (archive_index_prepare), while this thread threads and
 * stores the chunk before (archive_index_commit), in mbox order.
 * A chunk's searchable texts are stored together after its rows (see
 * store_archive_msg_text), before any commit.
 * Messages are written to a pack under messages/packs/ in batches: bytes
 * first (by a writer thread, while this one parses and indexes); the drain
 * at a batch's end makes them durable (pack fdatasync'ed, its index
 * written), then the batch's index transaction commits, so the index never
 * names a message that is not durably on disk. Idempotent: a message the
 * list already holds (same bytes) is skipped. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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
#define IMPORT_READ		(1 << 20)	/* read size, from a pipe */

struct slot {
	const char		*src;		/* in the mbox, still quoted */
	size_t			 src_len;
	char			*raw;		/* the message (worker's copy) */
	size_t			 len;
	size_t			 at;		/* its From_ line's offset */
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
	const char			*data;		/* the mbox */
	int				 in_batch;
	struct import_writer		*writer;
	struct workpool			*pool;		/* NULL: parse here */
	struct chunk			 chunk[2];
	int				 filling;	/* chunk being read */
	int				 in_flight;	/* the other one parses */
};

static void		put_raw(struct importer *, struct slot *);
static enum status	add_msg(struct importer *, size_t, size_t);
static enum status	batch_end(struct importer *);

/* Have sl's message appended to the pack by the writer thread (which
 * takes the copy); durable only after the drain in batch_end. */
static void
put_raw(struct importer *im, struct slot *sl)
{
	import_writer_put(im->writer, sl->prep.m.hash, sl->raw, sl->len);
	sl->raw = NULL;
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

/* A message that cannot be archived, its From_ line at offset at; the
 * first one's line number is counted (once) for the report. */
static void
note_bad(struct importer *im, size_t at)
{
	const char *p = im->data, *end = im->data + at;
	long line = 1;

	im->res->n_bad++;
	if (im->res->first_bad_line != 0)
		return;
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL)
		p++, line++;
	im->res->first_bad_line = line;
}

/* Worker side: sl's message copied out of the mbox, each line matching
 * ^>+From  losing one '>' (mboxrd), without the blank line that came
 * before the next From_ line. -1 when it is over ARCHIVE_MSG_MAX or holds
 * nothing but white space. */
static int
unquote(struct slot *sl)
{
	const char *p = sl->src, *end = sl->src + sl->src_len;
	struct buf b;
	size_t len;

	buf_init(&b, ARCHIVE_MSG_MAX);
	while (p < end && !b.overflow) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p), q = 0;

		while (q < n && p[q] == '>')
			q++;
		if (q > 0 && n - q >= 5 && memcmp(p + q, "From ", 5) == 0)
			buf_append(&b, p + 1, n - 1);
		else
			buf_append(&b, p, n);
		p += n;
	}
	len = b.len;
	if (len >= 2 && b.data[len - 1] == '\n' && b.data[len - 2] == '\n')
		len--;
	else if (len >= 4 && memcmp(b.data + len - 4, "\r\n\r\n", 4) == 0)
		len -= 2;
	if (b.overflow || len == 0 || strspn(b.data, " \t\r\n") >= len) {
		buf_release(&b);
		return -1;
	}
	sl->len = len;
	sl->raw = buf_steal(&b);
	sl->raw[len] = '\0';
	return 0;
}

/* Worker side: copy out, hash and parse one message of a chunk (not
 * ready, and so counted bad, when it cannot be read). */
static void
prepare_slot(void *ctx, int i)
{
	struct chunk *c = ctx;
	struct slot *sl = &c->slot[i];

	if (unquote(sl) == 0)
		(void)archive_index_prepare(sl->raw, sl->len, c->now,
		    &sl->prep);
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
			note_bad(im, sl->at);
			continue;
		}
		put_raw(im, sl);
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
			note_bad(im, sl->at);
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

/* One message of the mbox: its From_ line at offset at, its text (still
 * quoted) up to end, into the chunk being filled. */
static enum status
add_msg(struct importer *im, size_t at, size_t end)
{
	const char *nl = memchr(im->data + at, '\n', end - at);
	size_t start = nl ? (size_t)(nl - im->data) + 1 : end;
	struct chunk *c = &im->chunk[im->filling];
	struct slot *sl = &c->slot[c->n++];

	im->res->n_read++;
	memset(sl, 0, sizeof(*sl));
	sl->src = im->data + start;
	sl->src_len = end - start;
	sl->at = at;
	c->bytes += sl->src_len;
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

/* Is the line before the one at data[i] (data[i - 1] == '\n', and at
 * least three bytes before it) empty, LF or CRLF? */
static int
blank_before(const char *data, size_t i)
{
	return data[i - 2] == '\n' || (data[i - 2] == '\r' &&
	    data[i - 3] == '\n');
}

/* Split data[start..size) into messages at its From_ lines: "From " at a
 * line's start after a blank line (or the first line), or standing alone
 * as from_line_strict() says; data[start] must begin one. Only the places
 * where "\nFrom " occurs are looked at, not every line. */
static enum status
split_mbox(struct importer *im, const char *data, size_t start, size_t size)
{
	size_t msg = start, i = start;
	enum status st = ST_OK;

	if (size == start)
		return ST_OK;	/* nothing read: the caller says ST_DATA */
	if (size - start < 5 || memcmp(data + start, "From ", 5) != 0) {
		im->res->first_bad_line = 1;
		return ST_DATA;	/* not an mbox: no From_ line first */
	}
	while (st == ST_OK && i < size) {
		const char *hit = memmem(data + i + 1, size - i - 1, "\nFrom ", 6);
		const char *nl;
		size_t at, n;

		if (hit == NULL)
			break;
		at = (size_t)(hit - data) + 1;
		nl = memchr(data + at, '\n', size - at);
		n = nl ? (size_t)(nl - data) + 1 - at : size - at;
		i = at;		/* at >= msg + 6: msg starts "From " */
		if (!blank_before(data, at) && !from_line_strict(data + at, n))
			continue;
		st = add_msg(im, msg, at);
		msg = at;
	}
	if (st == ST_OK)
		st = add_msg(im, msg, size);
	if (st == ST_OK)
		st = chunk_finish(im);
	return st;
}

/* The whole of fd: mapped when it is a non-empty file (*kept 'm'), read
 * into memory otherwise (a pipe; *kept 'r'). Release with input_release. */
static enum status
input_load(int fd, const char **data, size_t *size, int *kept)
{
	struct buf b;
	struct stat sb;
	char *chunk;
	ssize_t n;

	if (fstat(fd, &sb) == -1)
		return ST_TEMP;
	if (S_ISREG(sb.st_mode) && sb.st_size > 0) {
		*size = (size_t)sb.st_size;
		*data = mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (*data == MAP_FAILED)
			return ST_TEMP;
		(void)madvise((void *)*data, *size, MADV_SEQUENTIAL);
		*kept = 'm';
		return ST_OK;
	}
	buf_init(&b, (size_t)-1 / 2);
	chunk = xmalloc(IMPORT_READ);
	while ((n = read(fd, chunk, IMPORT_READ)) > 0 ||
	    (n == -1 && errno == EINTR))
		if (n > 0 && buf_append(&b, chunk, (size_t)n) == -1)
			break;
	xfree(chunk);
	if (n != 0 || b.overflow) {
		buf_release(&b);
		return ST_TEMP;
	}
	*size = b.len;
	*data = buf_steal(&b);
	*kept = 'r';
	return ST_OK;
}

static void
input_release(const char *data, size_t size, int kept)
{
	if (kept == 'm')
		munmap((void *)data, size);
	else
		xfree((void *)data);
}

enum status
archive_import(struct store *s, const struct list *l, const char *path,
    struct archive_import_result *res)
{
	struct importer im;
	const char *data;
	size_t size;
	int fd, kept;
	enum status st;

	memset(res, 0, sizeof(*res));
	memset(&im, 0, sizeof(im));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT || errno == EACCES ? ST_NOTFOUND : ST_TEMP;
	st = input_load(fd, &data, &size, &kept);
	close(fd);
	if (st != ST_OK)
		return st;
	im.s = s;
	im.l = l;
	im.res = res;
	im.writer = import_writer_new(store_dir(s));
	im.pool = workpool_new(IMPORT_THREADS);
	store_archive_bulk(s);
	im.data = data;
	st = split_mbox(&im, data, size >= 3 && memcmp(data, "\xef\xbb\xbf",
	    3) == 0 ? 3 : 0, size);	/* a byte order mark is not data */
	if (st == ST_OK)
		st = batch_end(&im);
	else if (im.in_batch)
		store_rollback(s);
	workpool_free(im.pool);		/* a failure may leave a parse going */
	chunk_clear(&im.chunk[0]);
	chunk_clear(&im.chunk[1]);
	import_writer_free(im.writer);	/* after its last drain */
	input_release(data, size, kept);
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
