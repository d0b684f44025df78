/* spool.c - durable writes and disk space (see spool.h). Every step that can
 * fail has a fault point so tests can prove nothing partial survives. */
#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/fault.h"
#include "core/log.h"
#include "core/spool.h"
#include "core/xmem.h"

static enum status
errno_status(int err)
{
	return err == ENOSPC || err == EDQUOT ? ST_NOSPACE : ST_TEMP;
}

int
spool_mkdirs(const char *dir)
{
	char *p;
	int rc = 0;

	/* Usually the directory is there already: one mkdir() says so. */
	if (mkdir(dir, 0750) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	p = xstrdup(dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0750) == -1 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && mkdir(p, 0750) == -1 && errno != EEXIST)
		rc = -1;
	xfree(p);
	return rc;
}

static int
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd == -1)
		return -1;
	rc = fault_hit("spool.dirsync") ? -1 : fsync(fd);
	close(fd);
	return rc;
}

enum status
spool_write_file(const char *dir, const char *name, const void *data,
    size_t len)
{
	static atomic_long seq;
	char *tmp = xasprintf("%s/.tmp.%s.%ld.%ld", dir, name, (long)getpid(),
	    atomic_fetch_add(&seq, 1));
	char *final = xasprintf("%s/%s", dir, name);
	const char *p = data;
	enum status st = ST_TEMP;
	size_t left = len;
	int fd, err = 0;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) == -1) {
		err = errno;
		log_warn("spool open path=%s", tmp);
		goto out;
	}
	while (left > 0) {
		ssize_t n = fault_hit("spool.write") ? -1 : write(fd, p, left);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n == 0 ? EIO : errno;
			log_warn("spool write path=%s", tmp);
			goto fail;
		}
		p += n;
		left -= (size_t)n;
	}
	/* P1: the body is on disk before anyone is told so. */
	if (fault_hit("spool.fsync") || fsync(fd) == -1) {
		err = errno;
		log_warn("spool fsync path=%s", tmp);
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		err = errno;
		goto fail;
	}
	fd = -1;
	if (fault_hit("spool.rename") || rename(tmp, final) == -1) {
		err = errno;
		log_warn("spool rename path=%s", final);
		goto fail;
	}
	if (fsync_dir(dir) == -1) {
		err = errno;
		log_warn("spool dirsync path=%s", dir);
		unlink(final);
		goto out;
	}
	st = ST_OK;
	goto out;
fail:
	if (fd != -1)
		close(fd);
	unlink(tmp);
out:
	if (st != ST_OK)
		st = errno_status(err);
	xfree(tmp);
	xfree(final);
	return st;
}

int
spool_disk_ok(const char *path, int min_percent)
{
	struct statvfs sv;

	if (min_percent <= 0)
		return 1;
	if (fault_hit("spool.diskfull"))
		return 0;
	if (statvfs(path, &sv) == -1 || sv.f_blocks == 0) {
		log_warn("spool statvfs path=%s", path);
		return 1;
	}
	return (double)sv.f_bavail * 100.0 / (double)sv.f_blocks >= min_percent;
}

enum status
spool_read_file(const char *path, size_t max, char **data, size_t *len)
{
	struct stat sb;
	enum status st = ST_TEMP;
	char *buf = NULL;
	size_t got = 0;
	int fd;

	*data = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? ST_NOTFOUND : ST_TEMP;
	if (fstat(fd, &sb) == -1)
		goto out;
	if ((size_t)sb.st_size > max) {
		st = ST_TOOBIG;
		goto out;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)sb.st_size - got);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	buf = NULL;
	st = ST_OK;
out:
	xfree(buf);
	close(fd);
	return st;
}
