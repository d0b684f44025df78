/* buf.h - a growable byte buffer whose maximum size is fixed at creation.
 * Appending past the maximum fails (and sets the overflow flag) instead of
 * growing without bound or truncating silently. */
#ifndef LISTD_BUF_H
#define LISTD_BUF_H

#include <stddef.h>
#include <stdarg.h>

struct buf {
	char	*data;		/* always NUL-terminated when len > 0 */
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* never grows past this many bytes */
	int	 overflow;	/* set once an append was refused */
};

/* Start empty with the given maximum; no allocation until the first append. */
void	buf_init(struct buf *b, size_t max);
/* Release the memory; the buf can be reused after buf_init(). */
void	buf_release(struct buf *b);
/* Forget the content, keep the memory. */
void	buf_reset(struct buf *b);
/* Append bytes; -1 (and overflow set) when the maximum would be passed. */
int	buf_append(struct buf *b, const void *p, size_t n);
int	buf_append_str(struct buf *b, const char *s);
int	buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Content as a C string ("" when empty). Borrowed; valid until next change. */
const char *buf_cstr(const struct buf *b);
/* Hand the content over as a NUL-terminated string. Caller frees with xfree().
 * The buf is left empty. */
char	*buf_steal(struct buf *b);

#endif
