/* msgpack_writer.c - appending raw messages to a new pack and committing
 * its index durably (format and promises in msgpack.h). One writer is used
 * by one thread at a time; readers are in msgpack.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <glib.h>

#include "core/fault.h"
#include "core/log.h"
#include "core/msgpack.h"
#include "core/msgstore.h"
#include "core/spool.h"
#include "core/xmem.h"

#define WRITER_BUF	((size_t)1 << 20)	/* bytes gathered per write() */

struct entry {
	unsigned char	raw[32];
	uint64_t	off, len;
};

struct msgpack_writer {
	char		*packs;		/* district's messages/packs */
	char		 id[MSGPACK_ID_LEN + 1];
	int		 fd;		/* -1 until the first add */
	uint64_t	 len;		/* bytes in the pack, with buf */
	uint64_t	 committed_len;
	char		*buf;
	size_t		 buf_len;
	struct entry	*e;
	size_t		 n, cap, n_committed;
	GHashTable	*seen;		/* hash (64 hex, owned) -> 1 */
};

static void	put64(unsigned char *, uint64_t);
static enum status	pack_create(struct msgpack_writer *);
static enum status	write_all(struct msgpack_writer *, const char *, size_t);
static enum status	flush_buf(struct msgpack_writer *);
static enum status	write_idx(struct msgpack_writer *);
static void	forget_uncommitted(struct msgpack_writer *);
static int	entry_cmp(const void *, const void *);

static void
put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

struct msgpack_writer *
msgpack_writer_new(const char *district_dir)
{
	struct msgpack_writer *w = xcalloc(1, sizeof(*w));

	w->packs = xasprintf("%s/messages/packs", district_dir);
	w->fd = -1;
	w->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return w;
}

/* Make packs/ and a new pack-<random id>.pack holding the magic. */
static enum status
pack_create(struct msgpack_writer *w)
{
	unsigned char r[MSGPACK_ID_LEN / 2];
	char *path;
	int err;

	if (spool_mkdirs(w->packs) == -1) {
		log_warn("msgpack mkdir path=%s", w->packs);
		return errno == ENOSPC ? ST_NOSPACE : ST_TEMP;
	}
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return ST_TEMP;
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(w->id + 2 * i, 3, "%02x", r[i]);
	path = xasprintf("%s/pack-%s.pack", w->packs, w->id);
	w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	err = errno;
	if (w->fd == -1)
		log_warn("msgpack create path=%s", path);
	xfree(path);
	if (w->fd == -1)
		return err == ENOSPC ? ST_NOSPACE : ST_TEMP;
	w->buf = xmalloc(WRITER_BUF);
	memcpy(w->buf, MSGPACK_MAGIC, 8);
	w->buf_len = 8;
	w->len = w->committed_len = 8;
	return ST_OK;
}

/* Write p[0..len) at the pack's end. */
static enum status
write_all(struct msgpack_writer *w, const char *p, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = fault_hit("msgpack.write") ? -1 :
		    write(w->fd, p + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_warn("msgpack write pack=%s", w->id);
			return n == 0 || errno != ENOSPC ? ST_TEMP : ST_NOSPACE;
		}
		done += (size_t)n;
	}
	return ST_OK;
}

static enum status
flush_buf(struct msgpack_writer *w)
{
	enum status st = write_all(w, w->buf, w->buf_len);

	w->buf_len = 0;
	return st;
}

enum status
msgpack_writer_add(struct msgpack_writer *w, const char *hash,
    const void *data, size_t len)
{
	enum status st;
	struct entry *e;

	if (g_hash_table_contains(w->seen, hash))
		return ST_OK;
	if (w->n >= UINT32_MAX)
		return ST_TOOBIG;	/* the index counts in 32 bits */
	if (w->fd == -1 && (st = pack_create(w)) != ST_OK)
		return st;
	if (w->n == w->cap)
		w->e = xrealloc(w->e, (w->cap = w->cap ? w->cap * 2 : 1024) *
		    sizeof(*w->e));
	e = &w->e[w->n];
	for (int i = 0; i < 32; i++) {
		unsigned v;

		if (sscanf(hash + 2 * i, "%2x", &v) != 1)
			return ST_INTERNAL;
		e->raw[i] = (unsigned char)v;
	}
	e->off = w->len;
	e->len = len;
	if (w->buf_len + len > WRITER_BUF && (st = flush_buf(w)) != ST_OK) {
		forget_uncommitted(w);
		return st;
	}
	if (len >= WRITER_BUF) {	/* a big one goes out directly */
		if ((st = write_all(w, data, len)) != ST_OK) {
			forget_uncommitted(w);
			return st;
		}
	} else {
		memcpy(w->buf + w->buf_len, data, len);
		w->buf_len += len;
	}
	w->len += len;
	w->n++;
	g_hash_table_add(w->seen, g_strdup(hash));
	return ST_OK;
}

static int
entry_cmp(const void *a, const void *b)
{
	return memcmp(((const struct entry *)a)->raw,
	    ((const struct entry *)b)->raw, 32);
}

/* Write packs/pack-<id>.idx (every entry so far) durably. */
static enum status
write_idx(struct msgpack_writer *w)
{
	size_t size = MSGPACK_HDR + w->n * MSGPACK_ENTRY + MSGPACK_SUM;
	unsigned char *idx = xmalloc(size), *p;
	struct entry *sorted = xmalloc(w->n * sizeof(*sorted) + 1);
	char name[MSGPACK_ID_LEN + 16];
	enum status st;

	memcpy(sorted, w->e, w->n * sizeof(*sorted));
	qsort(sorted, w->n, sizeof(*sorted), entry_cmp);
	memcpy(idx, MSGPACK_IDX_MAGIC, 8);
	put64(idx + 8, MSGPACK_IDX_VERSION | (uint64_t)w->n << 32);
	put64(idx + 16, w->len);
	for (size_t i = 0; i < w->n; i++) {
		p = idx + MSGPACK_HDR + i * MSGPACK_ENTRY;
		memcpy(p, sorted[i].raw, 32);
		put64(p + 32, sorted[i].off);
		put64(p + 40, sorted[i].len);
	}
	msgstore_sha256(idx, size - MSGPACK_SUM, idx + size - MSGPACK_SUM);
	snprintf(name, sizeof(name), "pack-%s.idx", w->id);
	st = spool_write_file(w->packs, name, idx, size);
	xfree(sorted);
	xfree(idx);
	return st;
}

/* Drop the entries no index names yet and cut their bytes off. */
static void
forget_uncommitted(struct msgpack_writer *w)
{
	char hex[MSGSTORE_HASH_LEN + 1];

	for (size_t i = w->n_committed; i < w->n; i++) {
		for (int k = 0; k < 32; k++)
			snprintf(hex + 2 * k, 3, "%02x", w->e[i].raw[k]);
		g_hash_table_remove(w->seen, hex);
	}
	w->n = w->n_committed;
	w->len = w->committed_len;
	w->buf_len = 0;
	if (w->fd != -1 && (ftruncate(w->fd, (off_t)w->len) == -1 ||
	    lseek(w->fd, (off_t)w->len, SEEK_SET) == -1))
		log_warn("msgpack truncate pack=%s", w->id);
}

enum status
msgpack_writer_commit(struct msgpack_writer *w)
{
	enum status st;

	if (w->n == w->n_committed)
		return ST_OK;
	if ((st = flush_buf(w)) == ST_OK &&
	    (fault_hit("msgpack.fsync") || fdatasync(w->fd) == -1)) {
		log_warn("msgpack fdatasync pack=%s", w->id);
		st = errno == ENOSPC ? ST_NOSPACE : ST_TEMP;
	}
	if (st == ST_OK) {
		fault_crash("msgpack.commit");
		st = write_idx(w);
	}
	if (st != ST_OK) {
		forget_uncommitted(w);
		return st;
	}
	w->n_committed = w->n;
	w->committed_len = w->len;
	return ST_OK;
}

void
msgpack_writer_free(struct msgpack_writer *w)
{
	char *path;

	if (w == NULL)
		return;
	if (w->fd != -1) {
		close(w->fd);
		if (w->n_committed == 0) {	/* no index names it */
			path = xasprintf("%s/pack-%s.pack", w->packs, w->id);
			(void)unlink(path);
			xfree(path);
		}
	}
	g_hash_table_destroy(w->seen);
	xfree(w->e);
	xfree(w->buf);
	xfree(w->packs);
	xfree(w);
}
