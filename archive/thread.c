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
			    struct arc_node *, int *);
static enum status	link_child(struct store *, int64_t, int64_t, int,
			    int64_t, struct thread_place *);

/* The container for msgid, made as a root when absent (*fresh set: a
 * thread of that one container, holding no message). */
static enum status
node_for(struct store *s, int64_t list_id, const char *msgid,
    struct arc_node *n, int *fresh)
{
	enum status st = store_archive_node_get(s, list_id, msgid, n);

	*fresh = st == ST_NOTFOUND;
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
 * threads of no message, and moving those changes no page. A fresh child
 * (made just now by node_for: alone in its thread, no message) is linked
 * with one row written, which is the common case of a new reply. */
static enum status
link_child(struct store *s, int64_t list_id, int64_t child_id,
    int child_fresh, int64_t parent_id, struct thread_place *out)
{
	struct arc_node child, parent;
	int has_msgs = 0;
	enum status st;

	if (child_id == parent_id)
		return ST_OK;
	if ((st = store_archive_node_get_id(s, parent_id, &parent)) != ST_OK)
		return st;
	if (child_fresh)
		return store_archive_node_link(s, child_id, parent.id,
		    parent.thread);
	if ((st = store_archive_node_get_id(s, child_id, &child)) != ST_OK)
		return st;
	if (child.parent != 0 || parent.thread == child.thread)
		return ST_OK;	/* placed already, or a cycle */
	if ((st = store_archive_each_in_thread(s, child.thread, found_msg,
	    &has_msgs)) != ST_OK ||
	    (st = store_archive_node_set_parent(s, child.id, parent.id))
	    != ST_OK)
		return st;
	if ((st = store_archive_thread_move(s, list_id, child.thread,
	    parent.thread, has_msgs)) != ST_OK)
		return st;
	if (has_msgs && out->n_gone < THREAD_GONE_MAX) {
		out->gone_to[out->n_gone] = parent.thread;
		out->gone[out->n_gone++] = child.thread;
	}
	return ST_OK;
}

/* The container of a message: its Message-ID, or a key of its own when the
 * ID is missing or already taken by another message. */
static enum status
message_node(struct store *s, int64_t list_id, const char *msgid,
    const char *hash, struct arc_node *n, int64_t *dup_of, int *fresh)
{
	char key[ARC_MSGID_MAX + 80];
	enum status st;

	*dup_of = 0;
	if (msgid[0] == '\0') {
		snprintf(key, sizeof(key), "%s@no-message-id.invalid", hash);
		return node_for(s, list_id, key, n, fresh);
	}
	if ((st = node_for(s, list_id, msgid, n, fresh)) != ST_OK ||
	    n->msg == 0)
		return st;
	*dup_of = n->id;
	snprintf(key, sizeof(key), "%s#dup-%s", msgid, hash);
	return node_for(s, list_id, key, n, fresh);
}

enum status
archive_thread_place(struct store *s, int64_t list_id, const char *msgid,
    const char *hash, char *const *refs, int n_refs,
    const char *base_subject, int is_reply, struct thread_place *out)
{
	struct arc_node me, ref;
	int64_t prev = 0, dup_of, t;
	int me_fresh, ref_fresh;
	enum status st;

	memset(out, 0, sizeof(*out));
	if ((st = message_node(s, list_id, msgid, hash, &me, &dup_of,
	    &me_fresh)) != ST_OK)
		return st;
	if (dup_of) {
		if ((st = link_child(s, list_id, me.id, me_fresh, dup_of, out))
		    != ST_OK)
			return st;
		me_fresh = 0;
	}
	for (int i = 0; i < n_refs; i++) {
		if ((st = node_for(s, list_id, refs[i], &ref, &ref_fresh))
		    != ST_OK)
			return st;
		if (ref.id == me.id)
			me_fresh = 0;	/* it names itself: no longer alone */
		if (prev && (st = link_child(s, list_id, ref.id, ref_fresh,
		    prev, out)) != ST_OK)
			return st;
		prev = ref.id;
	}
	if (prev)
		st = link_child(s, list_id, me.id, me_fresh, prev, out);
	else if (!dup_of && is_reply && base_subject[0] &&
	    (st = store_archive_thread_by_subject(s, list_id, base_subject,
	    &t)) == ST_OK)
		st = link_child(s, list_id, me.id, me_fresh, t, out);
	if (st != ST_OK && st != ST_NOTFOUND)
		return st;
	if ((st = store_archive_node_get_id(s, me.id, &me)) != ST_OK)
		return st;
	out->node = me.id;
	out->thread = me.thread;
	return ST_OK;
}
