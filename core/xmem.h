/* xmem.h - allocation that stops the process when memory runs out.
 * The only place raw malloc/free live; everything else calls these. */
#ifndef LISTD_XMEM_H
#define LISTD_XMEM_H

#include <stddef.h>
#include <stdarg.h>

/* Each returns valid memory or calls fatalx(); caller frees with xfree(). */
void	*xmalloc(size_t n);
void	*xcalloc(size_t count, size_t n);
void	*xrealloc(void *p, size_t n);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* xfree(NULL) does nothing. */
void	 xfree(void *p);

#endif
