/* files.h - reading a whole, bounded file for the web server (TLS keys,
 * archive pages), with a per-thread cache validated by stat(); no path
 * checks here (route.c and page_archive.c). */
#ifndef LISTD_WEB_FILES_H
#define LISTD_WEB_FILES_H

#include <stddef.h>

/* The content of regular file path, NUL-terminated; *len (may be NULL)
 * gets its size. NULL with errno set when it cannot be read, is not a
 * regular file (EISDIR/EINVAL) or is larger than max (EFBIG). Caller
 * frees with xfree(). */
char	*web_file_read(const char *path, size_t max, size_t *len);
/* Like web_file_read, but from this thread's small cache when the file's
 * inode, size and modification time are unchanged (files up to
 * WEB_FILE_CACHE_MAX bytes are kept). The data is borrowed: valid until
 * this thread's next call. NULL with errno as web_file_read. */
const char *web_file_cached(const char *path, size_t max, size_t *len);

/* web_file_cached's content of path as an object make(data, len, arg)
 * built (an HTTP response), kept in this thread's cache with the content
 * and reused while the file and variant are unchanged; drop(obj) releases
 * it when the file changes, the variant differs or the entry is evicted.
 * Borrowed: valid until this thread's next call. NULL with errno as
 * web_file_read, or when make returned NULL. */
void	*web_file_response(const char *path, size_t max, int variant,
	    void *(*make)(const char *data, size_t len, void *arg),
	    void (*drop)(void *obj), void *arg);

#define WEB_FILE_CACHE_MAX	(256 * 1024)
#define WEB_FILE_CACHE_N	32

#endif
