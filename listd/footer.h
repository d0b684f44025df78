/* footer.h - append a list footer to a message without breaking its
 * structure: into a plain text body, as a new part of a multipart/mixed, or
 * by wrapping anything else (HTML, alternative, signed) in a new
 * multipart/mixed beside a text/plain footer part. */
#ifndef LISTD_FOOTER_H
#define LISTD_FOOTER_H

#include <gmime/gmime.h>

/* Add footer (UTF-8 text) to msg. Returns 0, or -1 when the body could not
 * be read (msg unchanged). */
int	footer_add(GMimeMessage *msg, const char *footer);

#endif
