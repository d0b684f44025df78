/* msg.h - GMime helpers for the posting pipeline: parse a message held in
 * memory, read and change headers, and write it back with CRLF line ends.
 * GMime must have been initialised by main() (g_mime_init). */
#ifndef LISTD_MSG_H
#define LISTD_MSG_H

#include <stddef.h>

#include <gmime/gmime.h>

#include "core/addr.h"
#include "core/buf.h"
#include "core/msgstore.h"

/* Parse raw[0..len). NULL when GMime cannot make a message of it. Caller
 * releases with g_object_unref(). */
GMimeMessage	*msg_parse(const char *raw, size_t len);
/* Serialise msg with CRLF line ends into out (bounded by out's maximum).
 * -1 on overflow. */
int		 msg_write(GMimeMessage *msg, struct buf *out);
/* Value of the first header called name, or NULL. Borrowed from msg. */
const char	*msg_header(GMimeMessage *msg, const char *name);
/* Number of headers called name (case-insensitive). */
int		 msg_header_count(GMimeMessage *msg, const char *name);
/* Remove every header called name. */
void		 msg_header_remove_all(GMimeMessage *msg, const char *name);
/* Set (replacing) a header. Refused (-1) when value holds CR or LF. */
int		 msg_header_set(GMimeMessage *msg, const char *name,
		     const char *value);
/* Add a header after the others of that name. -1 for CR or LF in value. */
int		 msg_header_append(GMimeMessage *msg, const char *name,
		     const char *value);
/* The first From mailbox's address, normalised into out (ADDR_MAX + 1);
 * its display name (UTF-8, may be empty) into name. -1 when none is valid. */
int		 msg_from(GMimeMessage *msg, char *out, char *name,
		     size_t name_len);
/* The Message-ID without angle brackets, or NULL. Borrowed. */
const char	*msg_message_id(GMimeMessage *msg);
/* SHA-256 hex of the body of a raw message (the bytes after the first empty
 * line), so a message re-sent with new trace headers hashes the same. */
void		 msg_body_hash(const char *raw, size_t len, char *hash);
/* Does raw[0..len) have a header block ending in an empty line, with every
 * header line of the form "name: value" or a continuation? */
int		 msg_headers_valid(const char *raw, size_t len);

#endif
