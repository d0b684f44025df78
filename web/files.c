/* files.c - read a whole regular file with a size bound. */
#include <errno.h>
#include <fcntl.h>
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
