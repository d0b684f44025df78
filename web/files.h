/* files.h - reading a whole, bounded file for the web server (TLS keys,
 * archive pages); no path checks here (route.c and page_archive.c). */
#ifndef LISTD_WEB_FILES_H
#define LISTD_WEB_FILES_H

#include <stddef.h>

/* The content of regular file path, NUL-terminated; *len (may be NULL)
 * gets its size. NULL with errno set when it cannot be read, is not a
 * regular file (EISDIR/EINVAL) or is larger than max (EFBIG). Caller
 * frees with xfree(). */
char	*web_file_read(const char *path, size_t max, size_t *len);

#endif
