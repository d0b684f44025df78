/* render_message.h - the page of one archived message and its
 * attachment files. */
#ifndef LISTD_ARCHIVE_RENDER_MESSAGE_H
#define LISTD_ARCHIVE_RENDER_MESSAGE_H

#include "archive/render.h"

/* Render m/<hash>.html for message id (re-reading the raw message from
 * messages/). Its attachments are linked as att/<hash>/<n>-<name>, names
 * that never end in an active type (.html, .svg...); the files are written
 * only when r->write_att (an export), else the web serves them from the
 * raw message. */
enum status	render_message(struct render_ctx *r, int64_t id);
/* Message id's page after a neighbour arrived: only its previous/next
 * links change, so the existing page keeps its bytes and gets a new
 * navigation bar (no raw message read, no MIME parse); the same bytes as
 * render_message. Falls back to render_message when the page is missing
 * or not in the expected shape. */
enum status	render_message_relink(struct render_ctx *r, int64_t id);
/* Safe file name for attachment n named fn: [A-Za-z0-9._-] only, an
 * extension from an allow-list (else ".bin" is added). */
void		render_attach_name(const char *fn, int n, char *out,
		    size_t out_len);

#endif
