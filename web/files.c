/* files.c - read a whole regular file with a size bound; a small
 * per-thread cache of archive pages checked against stat() each time,
 * which also keeps each page's ready-made response object. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xmem.h"
#include "web/files.h"

char *
web_file_read(const char *path, size_t max, size_t *len)
{
	struct stat sb;
	char *data = NULL;
	size_t got = 0;
	ssize_t n;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return NULL;
	if (fstat(fd, &sb) == -1)
		goto fail;
	if (!S_ISREG(sb.st_mode)) {
		errno = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	if ((size_t)sb.st_size > max) {
		errno = EFBIG;
		goto fail;
	}
	data = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size &&
	    (n = read(fd, data + got, (size_t)sb.st_size - got)) > 0)
		got += (size_t)n;
	data[got] = '\0';
	close(fd);
	if (len)
		*len = got;
	return data;
fail:
	saved = errno;
	xfree(data);
	close(fd);
	errno = saved;
	return NULL;
}

struct cached_file {
	char		*path;
	char		*data;
	size_t		 len;
	struct stat	 sb;
	uint64_t	 used;
	void		*resp;		/* web_file_response()'s object */
	int		 variant;
	void		(*drop)(void *);
};

struct file_cache {
	uint64_t		tick;
	struct cached_file	f[WEB_FILE_CACHE_N];
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void
resp_drop(struct cached_file *c)
{
	if (c->resp && c->drop)
		c->drop(c->resp);
	c->resp = NULL;
}

static void
file_cache_free(void *p)
{
	struct file_cache *fc = p;

	if (fc == NULL)
		return;
	for (int i = 0; i < WEB_FILE_CACHE_N; i++) {
		resp_drop(&fc->f[i]);
		xfree(fc->f[i].path);
		xfree(fc->f[i].data);
	}
	xfree(fc);
}

static void
cache_key_make(void)
{
	(void)pthread_key_create(&cache_key, file_cache_free);
}

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static struct file_cache *
file_cache(void)
{
	struct file_cache *fc;

	(void)pthread_once(&cache_once, cache_key_make);
	if ((fc = pthread_getspecific(cache_key)) == NULL) {
		fc = xcalloc(1, sizeof(*fc));
		(void)pthread_setspecific(cache_key, fc);
	}
	return fc;
}

/* The entry for path, read again when the file changed. NULL with errno
 * as web_file_read. */
static struct cached_file *
cached_entry(const char *path, size_t max)
{
	struct file_cache *fc = file_cache();
	struct cached_file *victim = &fc->f[0];
	struct stat sb;

	if (stat(path, &sb) == -1)
		return NULL;
	fc->tick++;
	for (int i = 0; i < WEB_FILE_CACHE_N; i++) {
		struct cached_file *c = &fc->f[i];

		if (c->path && strcmp(c->path, path) == 0 &&
		    same_file(&c->sb, &sb)) {
			c->used = fc->tick;
			return c;
		}
		if (c->path == NULL || c->used < victim->used)
			victim = c;
	}
	resp_drop(victim);
	xfree(victim->path);
	xfree(victim->data);
	victim->path = NULL;
	if ((victim->data = web_file_read(path, max, &victim->len)) == NULL)
		return NULL;
	victim->path = xstrdup(path);
	victim->sb = sb;
	victim->used = fc->tick;
	if (victim->len > WEB_FILE_CACHE_MAX)
		victim->sb.st_ino = 0;	/* served once, never matched again */
	return victim;
}

const char *
web_file_cached(const char *path, size_t max, size_t *len)
{
	struct cached_file *c = cached_entry(path, max);

	if (c == NULL)
		return NULL;
	*len = c->len;
	return c->data;
}

void *
web_file_response(const char *path, size_t max, int variant,
    void *(*make)(const char *, size_t, void *), void (*drop)(void *),
    void *arg)
{
	struct cached_file *c = cached_entry(path, max);

	if (c == NULL)
		return NULL;
	if (c->resp == NULL || c->variant != variant || c->drop != drop) {
		resp_drop(c);
		c->resp = make(c->data, c->len, arg);
		c->variant = variant;
		c->drop = drop;
	}
	return c->resp;
}
