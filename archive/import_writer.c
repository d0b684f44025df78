/* import_writer.c - the import's raw-message writer thread (see
 * import_writer.h). One queue, guarded by one mutex; the importing thread
 * waits only when the queue is full or at the end of a batch. The thread
 * appends to one pack (core/msgpack.h) for the whole run. */
#include <pthread.h>
#include <string.h>

#include "archive/import_writer.h"
#include "core/log.h"
#include "core/msgpack.h"
#include "core/msgstore.h"
#include "core/xmem.h"

struct job {
	struct job	*next;
	char		 hash[MSGSTORE_HASH_LEN + 1];
	size_t		 len;
	char		*raw;
};

struct import_writer {
	const char	*dir;
	struct msgpack_writer *pack;	/* the thread's, or the caller's */
	int		 threaded;
	pthread_t	 tid;
	pthread_mutex_t	 mu;	/* guards everything below */
	pthread_cond_t	 more;	/* a job was queued, or stop */
	pthread_cond_t	 less;	/* a job was done */
	struct job	*head, *tail;
	size_t		 queued;	/* bytes in the queue and in hand */
	int		 busy;		/* the thread holds a job */
	int		 stop;
	enum status	 st;		/* first failure since the last drain */
};

static void		*writer_main(void *);
static enum status	 write_one(struct import_writer *, const char *,
			    const char *, size_t);

/* Append raw to the pack unless the district holds it already (loose, in
 * an earlier pack, or in this one). */
static enum status
write_one(struct import_writer *w, const char *hash, const char *raw,
    size_t len)
{
	if (msgstore_has(w->dir, hash))
		return ST_OK;
	return msgpack_writer_add(w->pack, hash, raw, len);
}

static void *
writer_main(void *arg)
{
	struct import_writer *w = arg;
	struct job *j;
	enum status st;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->head == NULL && !w->stop)
			pthread_cond_wait(&w->more, &w->mu);
		if ((j = w->head) == NULL)
			break;	/* stop, and nothing left */
		if ((w->head = j->next) == NULL)
			w->tail = NULL;
		w->busy = 1;
		pthread_mutex_unlock(&w->mu);
		st = write_one(w, j->hash, j->raw, j->len);
		pthread_mutex_lock(&w->mu);
		if (st != ST_OK && w->st == ST_OK)
			w->st = st;
		w->queued -= j->len;
		w->busy = 0;
		xfree(j->raw);
		xfree(j);
		pthread_cond_broadcast(&w->less);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct import_writer *
import_writer_new(const char *dir)
{
	struct import_writer *w = xcalloc(1, sizeof(*w));

	w->dir = dir;
	w->st = ST_OK;
	w->pack = msgpack_writer_new(dir);
	msgpack_preload(dir);	/* one load, not a probe per message */
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->more, NULL);
	pthread_cond_init(&w->less, NULL);
	if (pthread_create(&w->tid, NULL, writer_main, w) == 0)
		w->threaded = 1;
	else
		log_warnx("archive import no-writer-thread (writing inline)");
	return w;
}

void
import_writer_put(struct import_writer *w, const char *hash, char *raw,
    size_t len)
{
	struct job *j;
	enum status st;

	if (!w->threaded) {
		if ((st = write_one(w, hash, raw, len)) != ST_OK &&
		    w->st == ST_OK)
			w->st = st;
		xfree(raw);
		return;
	}
	j = xcalloc(1, sizeof(*j));
	memcpy(j->hash, hash, sizeof(j->hash));
	j->len = len;
	j->raw = raw;
	pthread_mutex_lock(&w->mu);
	while (w->queued > 0 && w->queued + len > IMPORT_WRITER_QUEUE)
		pthread_cond_wait(&w->less, &w->mu);
	if (w->tail)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	w->queued += len;
	pthread_cond_signal(&w->more);
	pthread_mutex_unlock(&w->mu);
}

enum status
import_writer_drain(struct import_writer *w)
{
	enum status st;

	pthread_mutex_lock(&w->mu);
	while (w->head != NULL || w->busy)
		pthread_cond_wait(&w->less, &w->mu);
	st = w->st;
	w->st = ST_OK;
	/* The thread is idle until the next put: the pack is ours here. */
	if (st == ST_OK)
		st = msgpack_writer_commit(w->pack);
	pthread_mutex_unlock(&w->mu);
	return st;
}

void
import_writer_free(struct import_writer *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->more);
	pthread_mutex_unlock(&w->mu);
	if (w->threaded)
		pthread_join(w->tid, NULL);
	msgpack_writer_free(w->pack);
	pthread_cond_destroy(&w->less);
	pthread_cond_destroy(&w->more);
	pthread_mutex_destroy(&w->mu);
	xfree(w);
}
