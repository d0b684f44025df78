/* utf8.h - UTF-8 validity (no overlongs, no surrogates, at most U+10FFFF). */
#ifndef LISTD_UTF8_H
#define LISTD_UTF8_H

#include <stddef.h>

/* Length (1-4) of the valid UTF-8 sequence at p with left bytes available,
 * or 0 when the bytes there are not valid UTF-8. left must be > 0. */
size_t	utf8_seq(const unsigned char *p, size_t left);
/* Is s[0..len) valid UTF-8? */
int	utf8_valid(const char *s, size_t len);

#endif
