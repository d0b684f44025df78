/* render.h - what the archive's page renderers share: the list's output
 * directory, the page frame, atomic page writes, and the small pieces
 * (author, date, body text with folded quotes). Each page kind has its own
 * render_<page>.c. Pages are a cache under districts/<slug>/html/<list>/. */
#ifndef LISTD_ARCHIVE_RENDER_H
#define LISTD_ARCHIVE_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "core/buf.h"
#include "core/model.h"
#include "core/status.h"
#include "core/store.h"
#include "core/store_archive.h"

#define RENDER_PAGE_MAX		(64 * 1024 * 1024)
#define RENDER_FEED_ENTRIES	20
#define RENDER_NAME_LEN		20	/* hex digits of the hash in page names */
#define RENDER_THREAD_MAX	200	/* messages shown in full on a thread page;
					   the rest are linked */

struct render_ctx {
	struct store		*s;
	const struct list	*l;
	char			*root;		/* districts/<slug>/html */
	char			*dir;		/* root/<list> */
	int			 is_public;	/* obfuscate addresses */
	int			 html_as_text;
	int			 in_read_txn;	/* render_open began one */
	int			 write_att;	/* attachments as files too */
	struct buf		 out;
};

/* Set up for list l (making its directories) under the district's page
 * cache. Attachments are not written there: the web serves them from the
 * raw message (archive_attachment_get). Release with render_close(). */
enum status	render_open(struct render_ctx *r, struct store *s,
		    const struct list *l);
/* The same for pages under root instead (root/<list>/...), attachments
 * written as files beside them: a tree any web server can serve. */
enum status	render_open_at(struct render_ctx *r, struct store *s,
		    const struct list *l, const char *root);
void		render_close(struct render_ctx *r);
/* Begin r's read snapshot now when render_open could not (it was opened
 * inside a write transaction, committed since). */
void		render_snapshot(struct render_ctx *r);
/* Is m the last message of its month by (date, id)? 0 also when the
 * store cannot tell (the caller then renders the month in full). */
int		render_last_in_month(struct render_ctx *r,
		    const struct arc_msg *m);
/* A page of the list: frame, navigation back to the list index. depth is
 * how many directories below the list directory the page sits (0 for
 * index.html). *main receives the element to fill. */
xmlDocPtr	render_page(struct render_ctx *r, const char *title, int depth,
		    xmlNodePtr *main);
/* Serialise doc to dir/relpath (made atomically: temporary file, rename)
 * and free doc. Pages are a cache, so they are not fsync'd. */
enum status	render_write(struct render_ctx *r, const char *relpath,
		    xmlDocPtr doc);
/* Write bytes to dir/relpath atomically (not fsync'd). */
enum status	render_write_bytes(const char *dir, const char *relpath,
		    const char *data, size_t len);
/* Write a cache page dir/relpath: a page that does not exist yet is
 * created in place with one write(); one whose bytes are unchanged is not
 * touched; any other is replaced atomically (render_write_bytes). */
enum status	render_write_page(const char *dir, const char *relpath,
		    const char *data, size_t len);
/* Author as "Name <addr>", the address obfuscated for public archives. */
void		render_author(struct render_ctx *r, xmlNodePtr parent,
		    const char *name, const char *addr);
/* Text body into parent as <pre> blocks; with fold, runs of quoted lines
 * ("> ...") go into a closed <details>. Addresses are obfuscated in
 * public archives. */
void		render_body_text(struct render_ctx *r, xmlNodePtr parent,
		    const char *text, size_t len, int fold);
/* "2024-01-31 18:04 UTC" into out (at least 24 bytes). */
void		render_date(int64_t t, char *out, size_t out_len);
/* Page names: "m/<name>.html" from a hash; "t/<id>.html" for a thread. */
void		render_msg_name(const char *hash, char *out, size_t out_len);
/* Subject or "(no subject)". */
const char	*render_subject(const struct arc_msg *m);

#endif
