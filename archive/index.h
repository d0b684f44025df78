/* index.h - index one raw message of a list: parse, thread, store the
 * metadata and the searchable text. Rendering is not done here. */
#ifndef LISTD_ARCHIVE_INDEX_H
#define LISTD_ARCHIVE_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "archive/mailtext.h"
#include "archive/thread.h"
#include "core/model.h"
#include "core/status.h"
#include "core/store.h"
#include "core/store_archive.h"

#define INDEX_TEXT_MAX	(256 * 1024)	/* searchable text kept per message */

/* What indexing one message changed, for incremental rendering. */
struct index_touch {
	int64_t			msg;
	int64_t			thread;
	char			month[ARC_MONTH_LEN + 1];
	struct thread_place	place;
};

/* One message read and made ready to index: everything derived from its
 * bytes alone, so it can be made on any thread without the store. */
struct index_prep {
	struct arc_msg	 m;		/* hash always; the rest when ready */
	int		 ready;		/* parsed (else ST_DATA) */
	int		 is_reply;
	int		 n_refs;
	char		*refs[MAIL_REFS_MAX];
	char		*refs_text;
	char		*body;		/* the searchable text */
	int		 body_only;	/* body is all its page shows */
};

/* Hash and parse raw[0..len) into *p; dates missing or beyond now (a
 * little slack allowed) become now. Touches no store: any thread. Returns
 * ST_DATA (p->ready 0, p->m.hash still set) when raw is not a mail at all.
 * Release p with archive_index_prep_free() in every case. */
enum status	archive_index_prepare(const char *raw, size_t len,
		    int64_t now, struct index_prep *p);
void		archive_index_prep_free(struct index_prep *p);
/* Thread and store a prepared message in list l, inside a transaction:
 * ST_EXISTS when the list holds it already, ST_DATA when p is not ready.
 * Its searchable text is stored apart, by archive_index_text(), which
 * must follow (ST_OK only) before the transaction commits: a bulk import
 * stores a chunk's texts together (see store_archive_msg_text). */
enum status	archive_index_commit(struct store *s, const struct list *l,
		    struct index_prep *p, struct index_touch *t);
enum status	archive_index_text(struct store *s, const struct index_prep *p);
/* Index raw[0..len) (stored in messages/ as hash) in list l. Call inside a
 * transaction. ST_EXISTS when the list already holds this message (nothing
 * changes); ST_DATA when it cannot be read as a mail at all. */
enum status	archive_index_add(struct store *s, const struct list *l,
		    const char *hash, const char *raw, size_t len,
		    struct index_touch *t);

#endif
