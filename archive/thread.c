/* thread.c - the JWZ threading algorithm (jwz.org/doc/threading.html) made
 * incremental: containers live in district.db and each new message only
 * adds links. A container is linked under a parent only while it is a root,
 * so "the parent is already in my subtree" is simply "the parent is in my
 * thread" and cycles in References cost no tree walk. */
#include <stdio.h>
#include <string.h>

#include "archive/thread.h"
#include "core/log.h"
#include "core/store_archive.h"

static enum status	node_for(struct store *, int64_t, const char *,
			    struct arc_node *);
static enum status	link_child(struct store *, int64_t, int64_t, int64_t,
			    struct thread_place *);

/* The container for msgid, made as a root when absent. */
static enum status
node_for(struct store *s, int64_t list_id, const char *msgid,
    struct arc_node *n)
{
	enum status st = store_archive_node_get(s, list_id, msgid, n);

	if (st == ST_NOTFOUND)
		st = store_archive_node_add(s, list_id, msgid, n);
	return st;
}

static int
found_msg(const struct arc_msg *m, void *ctx)
{
	(void)m;
	*(int *)ctx = 1;
	return 1;	/* one is enough */
}

/* Make child a child of parent unless child already has a parent or the
 * link would close a cycle. The child's whole thread joins the parent's;
 * it counts as gone only when it held messages (whose pages change): the
 * new message's own container and placeholders for its references make
 * threads of no message, and moving those changes no page. */
static enum status
link_child(struct store *s, int64_t list_id, int64_t child_id,
    int64_t parent_id, struct thread_place *out)
{
	struct arc_node child, parent;
	int has_msgs = 0;
	enum status st;

	if (child_id == parent_id)
		return ST_OK;
	if ((st = store_archive_node_get_id(s, child_id, &child)) != ST_OK ||
	    (st = store_archive_node_get_id(s, parent_id, &parent)) != ST_OK)
		return st;
	if (child.parent != 0 || parent.thread == child.thread)
		return ST_OK;	/* placed already, or a cycle */
	if ((st = store_archive_each_in_thread(s, child.thread, found_msg,
	    &has_msgs)) != ST_OK ||
	    (st = store_archive_node_set_parent(s, child.id, parent.id))
	    != ST_OK)
		return st;
	if ((st = store_archive_thread_move(s, list_id, child.thread,
	    parent.thread)) != ST_OK)
		return st;
	if (has_msgs && out->n_gone < THREAD_GONE_MAX)
		out->gone[out->n_gone++] = child.thread;
	return ST_OK;
}

/* The container of a message: its Message-ID, or a key of its own when the
 * ID is missing or already taken by another message. */
static enum status
message_node(struct store *s, int64_t list_id, const char *msgid,
    const char *hash, struct arc_node *n, int64_t *dup_of)
{
	char key[ARC_MSGID_MAX + 80];
	enum status st;

	*dup_of = 0;
	if (msgid[0] == '\0') {
		snprintf(key, sizeof(key), "%s@no-message-id.invalid", hash);
		return node_for(s, list_id, key, n);
	}
	if ((st = node_for(s, list_id, msgid, n)) != ST_OK || n->msg == 0)
		return st;
	*dup_of = n->id;
	snprintf(key, sizeof(key), "%s#dup-%s", msgid, hash);
	return node_for(s, list_id, key, n);
}

enum status
archive_thread_place(struct store *s, int64_t list_id, const char *msgid,
    const char *hash, char *const *refs, int n_refs,
    const char *base_subject, int is_reply, struct thread_place *out)
{
	struct arc_node me, ref;
	int64_t prev = 0, dup_of, t;
	enum status st;

	memset(out, 0, sizeof(*out));
	if ((st = message_node(s, list_id, msgid, hash, &me, &dup_of)) != ST_OK)
		return st;
	if (dup_of && (st = link_child(s, list_id, me.id, dup_of, out)) != ST_OK)
		return st;
	for (int i = 0; i < n_refs; i++) {
		if ((st = node_for(s, list_id, refs[i], &ref)) != ST_OK)
			return st;
		if (prev && (st = link_child(s, list_id, ref.id, prev, out))
		    != ST_OK)
			return st;
		prev = ref.id;
	}
	if (prev)
		st = link_child(s, list_id, me.id, prev, out);
	else if (!dup_of && is_reply && base_subject[0] &&
	    (st = store_archive_thread_by_subject(s, list_id, base_subject,
	    &t)) == ST_OK)
		st = link_child(s, list_id, me.id, t, out);
	if (st != ST_OK && st != ST_NOTFOUND)
		return st;
	if ((st = store_archive_node_get_id(s, me.id, &me)) != ST_OK)
		return st;
	out->node = me.id;
	out->thread = me.thread;
	return ST_OK;
}
