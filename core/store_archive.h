/* store_archive.h - a district's archive index (district.db): messages of
 * each list, the JWZ thread containers, attachments, per-list archive
 * settings and the FTS5 full-text index. All archive SQL lives in
 * store_archive.c; the threading decisions live in archive/thread.c. */
#ifndef LISTD_STORE_ARCHIVE_H
#define LISTD_STORE_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/msgstore.h"
#include "core/status.h"
#include "core/store.h"

#define ARC_MSGID_MAX	250
#define ARC_SUBJECT_MAX	400
#define ARC_NAME_MAX	200
#define ARC_MONTH_LEN	7	/* "YYYY-MM" */

/* One archived message of one list. */
struct arc_msg {
	int64_t	id;
	int64_t	list_id;
	int64_t	node;		/* its thread container */
	int64_t	thread;		/* root container of its thread */
	int64_t	date;		/* seconds since the epoch */
	int64_t	size;		/* raw bytes */
	int	n_attach;
	char	hash[MSGSTORE_HASH_LEN + 1];
	char	message_id[ARC_MSGID_MAX + 1];
	char	subject[ARC_SUBJECT_MAX + 1];
	char	base_subject[ARC_SUBJECT_MAX + 1];
	char	author_name[ARC_NAME_MAX + 1];
	char	author_addr[ADDR_MAX + 1];
	char	month[ARC_MONTH_LEN + 1];
};

/* A JWZ container: a Message-ID seen as a message or only as a reference. */
struct arc_node {
	int64_t	id;
	int64_t	parent;		/* 0 for a root */
	int64_t	thread;		/* id of the root */
	int64_t	msg;		/* arc_msg id, 0 for a placeholder */
};

/* Messages: look up by content hash (ST_NOTFOUND when absent), insert (m->id
 * set; m->node and m->thread must be set), read one. */
enum status	store_archive_msg_find(struct store *s, int64_t list_id,
		    const char *hash, int64_t *id);
/* The message of list_id whose hash starts with prefix (lower-case hex, as
 * in page names). ST_NOTFOUND when none. */
enum status	store_archive_msg_find_prefix(struct store *s, int64_t list_id,
		    const char *prefix, int64_t *id);
/* Insert m (its id is set) with its References text; body_only says its
 * searchable text (store_archive_msg_text) is exactly what its page shows
 * (one text part, no attachment), see store_archive_msg_page_text(). */
enum status	store_archive_msg_insert(struct store *s, struct arc_msg *m,
		    const char *refs, int body_only);
/* Store the searchable text of m (inserted, m->id set), in the same
 * transaction as its row. Separate from the insert so that a bulk import
 * adds many texts in a row: the full-text index then keeps its pending
 * terms in memory until the commit, where any other write between two
 * texts (a statement that may roll back alone, such as an insert that
 * fires a trigger) makes it flush them to disk first. */
enum status	store_archive_msg_text(struct store *s, const struct arc_msg *m,
		    const char *body);
/* The page body of message id when it was stored body_only; ST_NOTFOUND
 * otherwise (the page must then read the raw message). Caller frees *text
 * with xfree(). */
enum status	store_archive_msg_page_text(struct store *s, int64_t id,
		    char **text);
enum status	store_archive_msg_get(struct store *s, int64_t id,
		    struct arc_msg *out);
/* The indexed text of message id. Caller frees *body with xfree(). */
enum status	store_archive_msg_body(struct store *s, int64_t id, char **body);
/* Previous (dir < 0) or next (dir > 0) message by (date, id) in the list,
 * or within thread when thread is non-zero. *id = 0 when none. */
enum status	store_archive_msg_step(struct store *s, const struct arc_msg *m,
		    int64_t thread, int dir, int64_t *id);
/* The latest message of the list whose base subject is base; its thread in
 * *thread (ST_NOTFOUND when none). */
enum status	store_archive_thread_by_subject(struct store *s, int64_t list_id,
		    const char *base, int64_t *thread);
/* Forget every message, node and attachment of the list. */
enum status	store_archive_list_clear(struct store *s, int64_t list_id);

/* Containers. */
enum status	store_archive_node_get(struct store *s, int64_t list_id,
		    const char *msgid, struct arc_node *out);
enum status	store_archive_node_get_id(struct store *s, int64_t id,
		    struct arc_node *out);
/* New root container for msgid (out->thread = out->id). */
enum status	store_archive_node_add(struct store *s, int64_t list_id,
		    const char *msgid, struct arc_node *out);
enum status	store_archive_node_set_parent(struct store *s, int64_t id,
		    int64_t parent);
/* Make container id, alone in its own thread, a child of parent in
 * thread: one row written. */
enum status	store_archive_node_link(struct store *s, int64_t id,
		    int64_t parent, int64_t thread);
/* Relabel every container of thread from as thread to, and its messages
 * too when with_msgs (0: the caller knows the thread holds none). */
enum status	store_archive_thread_move(struct store *s, int64_t list_id,
		    int64_t from, int64_t to, int with_msgs);

/* Iterators: fn gets a borrowed row valid for the call; non-zero stops. */
/* Months of the list, newest first, with message counts. */
enum status	store_archive_each_month(struct store *s, int64_t list_id,
		    int (*fn)(const char *month, int64_t n, void *), void *ctx);
/* Messages of a month by (date, id); the month view by thread sorts these
 * itself (render_index.c). */
enum status	store_archive_each_in_month(struct store *s, int64_t list_id,
		    const char *month, int (*fn)(const struct arc_msg *, void *),
		    void *ctx);
/* Containers of a thread (any order). */
enum status	store_archive_each_node(struct store *s, int64_t thread,
		    int (*fn)(const struct arc_node *, void *), void *ctx);
/* Distinct months holding messages of thread. */
enum status	store_archive_each_thread_month(struct store *s, int64_t thread,
		    int (*fn)(const char *month, int64_t n, void *), void *ctx);
/* Messages of thread by date. */
enum status	store_archive_each_in_thread(struct store *s, int64_t thread,
		    int (*fn)(const struct arc_msg *, void *), void *ctx);
/* The newest n messages of the list, newest first. */
enum status	store_archive_each_recent(struct store *s, int64_t list_id,
		    int n, int (*fn)(const struct arc_msg *, void *), void *ctx);
/* Every message of the list in insertion order. */
enum status	store_archive_each_msg(struct store *s, int64_t list_id,
		    int (*fn)(const struct arc_msg *, void *), void *ctx);
/* Lists of the district with their message counts and last date. */
enum status	store_archive_each_list(struct store *s,
		    int (*fn)(const char *name, const char *desc, int64_t n,
		    int64_t last, void *), void *ctx);
/* Number of messages of the list. */
enum status	store_archive_count(struct store *s, int64_t list_id,
		    int64_t *n);

/* Full-text search: query is FTS5 syntax made from quoted terms; results
 * ranked best first, at most limit. ST_DATA for a query FTS5 refuses. */
enum status	store_archive_search(struct store *s, int64_t list_id,
		    const char *query, int limit,
		    int (*fn)(const struct arc_msg *, const char *snippet,
		    void *), void *ctx);

/* Per-list setting: show HTML parts as text (1) or sanitised (0). */
enum status	store_archive_html_as_text(struct store *s, int64_t list_id,
		    int *as_text);
enum status	store_archive_set_html_as_text(struct store *s,
		    int64_t list_id, int as_text);
/* Leave the WAL for a later checkpoint when s closes, instead of copying
 * it into district.db and syncing that file on close. Commits stay as
 * durable as before (the WAL is synced at each commit); a short-lived
 * process (listctl archive add) then does not pay for a checkpoint. */
void		store_archive_defer_checkpoint(struct store *s);
/* A larger page cache on s for an import or rebuild (many writes in one
 * transaction); for this connection only. */
void		store_archive_bulk(struct store *s);

#endif
