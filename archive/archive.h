/* archive.h - what the rest of listd sees of the archive: add an accepted
 * post, rebuild a list's pages, import an mbox, search. Pages go under
 * districts/<slug>/html/<list>/ and are a cache rebuildable from messages/
 * and district.db. */
#ifndef LISTD_ARCHIVE_ARCHIVE_H
#define LISTD_ARCHIVE_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "core/status.h"
#include "core/store.h"
#include "core/store_archive.h"

#define ARCHIVE_MSG_MAX	(64L * 1024 * 1024)	/* largest message imported */

/* Archive one accepted post of list l, already stored in the district's
 * messages/ as msg_hash (raw[0..raw_len) are its bytes): index it, thread
 * it, and re-render only the pages it touches (its message page and its
 * neighbours' links, its thread, its month views and mbox, the list index,
 * the feed, the archive home). Idempotent: the same list and hash again
 * changes nothing and returns ST_OK. ST_DATA when the bytes are not a
 * mail; ST_TEMP/ST_NOSPACE when the store or disk fails (the index is then
 * unchanged, or complete with some pages stale until the next rebuild). */
enum status	archive_post_add(struct store *district_store,
		    const struct list *l, const char *msg_hash,
		    const char *raw, size_t raw_len);

/* Re-index every message of l from messages/ (threading from scratch) and
 * render all its pages. */
enum status	archive_rebuild(struct store *s, const struct list *l);
/* Render every page of l from the index as it is. */
enum status	archive_render_all(struct store *s, const struct list *l);

struct archive_import_result {
	long	n_read;		/* messages found in the file */
	long	n_added;
	long	n_present;	/* already in the archive */
	long	n_bad;		/* too big or not a mail */
	long	first_bad_line;	/* line of the first bad one, 0 if none */
};

/* Import mbox file path (mboxrd, mboxo, Mailman 2 pipermail and Mailman 3
 * exports) into l: new messages go to messages/ and the index, then the
 * list's pages are rendered. Importing the same file again adds nothing.
 * ST_NOTFOUND when the file cannot be opened, ST_DATA when it is not an
 * mbox (*res says how far it got). */
enum status	archive_import(struct store *s, const struct list *l,
		    const char *path, struct archive_import_result *res);

/* Attachment rel ("att/<hash prefix>/<n>-<name>", as the message page
 * links it) of list l, decoded from the raw message. ST_NOTFOUND when rel
 * names no attachment of l (malformed, unknown message, wrong number or
 * name). On ST_OK the caller frees *data with xfree(). */
enum status	archive_attachment_get(struct store *s, const struct list *l,
		    const char *rel, char **data, size_t *len);
/* Write every page of l, and its attachments as files, under dir (dir/
 * style.css, dir/index.html, dir/<list>/...): a tree a plain web server can
 * serve. The page cache is left alone. ST_TEMP/ST_NOSPACE when writing
 * fails. */
enum status	archive_export(struct store *s, const struct list *l,
		    const char *dir);

/* Make an FTS5 query of free text: each word quoted, so user input can
 * never be FTS5 syntax. NULL when there is no word. Caller frees. */
char		*archive_search_query(const char *text);

#endif
