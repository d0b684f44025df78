/* ustar.h - a minimal POSIX ustar writer and a strict reader, for district
 * backups. Regular files only; names up to 100 bytes (no prefix field). The
 * reader refuses anything else with a message and never trusts a size. */
#ifndef LISTD_USTAR_H
#define LISTD_USTAR_H

#include <stdint.h>
#include <stdio.h>

#define USTAR_NAME_MAX	100

struct ustar_entry {
	char	 name[USTAR_NAME_MAX + 1];
	char	 type;		/* '0' regular, '2' symlink, '5' directory ... */
	uint64_t size;
};

/* Append one regular file of len bytes from data. -1 with errno on a write
 * error or a name over USTAR_NAME_MAX (EINVAL). */
int	ustar_write_mem(FILE *out, const char *name, const void *data,
	    size_t len);
/* Append the file at path under name, streamed. -1 with errno. */
int	ustar_write_path(FILE *out, const char *name, const char *path);
/* Write the end-of-archive marker (two zero blocks). -1 with errno. */
int	ustar_write_end(FILE *out);

/* Read the next header. 1 and *e filled; 0 at the end-of-archive marker;
 * -1 with a reason in err (bad checksum, not ustar, truncated, bad size). */
int	ustar_next(FILE *in, struct ustar_entry *e, char *err, size_t err_len);
/* Copy the entry's content to out (NULL: skip it) and its padding. -1 with
 * a reason when the archive ends early or out fails. */
int	ustar_copy(FILE *in, const struct ustar_entry *e, FILE *out, char *err,
	    size_t err_len);

#endif
