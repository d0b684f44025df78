/* thread.h - JWZ threading, incremental: each message is placed once in
 * the list's tree of containers kept in district.db. */
#ifndef LISTD_ARCHIVE_THREAD_H
#define LISTD_ARCHIVE_THREAD_H

#include <stdint.h>

#include "core/status.h"
#include "core/store.h"

#define THREAD_GONE_MAX	80

struct thread_place {
	int64_t	node;		/* the message's container */
	int64_t	thread;		/* its thread (root container id) */
	int	n_gone;		/* threads with messages merged into
				   another by this */
	int64_t	gone[THREAD_GONE_MAX];
	int64_t	gone_to[THREAD_GONE_MAX];	/* the thread each went into:
				   not always this message's thread */
};

/* Place a message in the list's threads. msgid is its Message-ID ("" when
 * absent: a synthetic key is made from hash); refs[0..n_refs) its
 * References, oldest first, parent last. Containers are made for missing
 * parents, so a reply that arrives first is joined when its parent comes;
 * links that would make a cycle are skipped; a second message with a
 * Message-ID already used becomes a child of the first. With no references,
 * a reply-marked subject joins the latest thread of the same base subject.
 * Call inside a transaction. */
enum status	archive_thread_place(struct store *s, int64_t list_id,
		    const char *msgid, const char *hash, char *const *refs,
		    int n_refs, const char *base_subject, int is_reply,
		    struct thread_place *out);

#endif
