/* mailtext.h - read one raw mail for the archive with GMime: decoded
 * headers, body pieces converted to UTF-8, attachments. Nothing here
 * renders or stores; see render_*.c and index.c. */
#ifndef LISTD_ARCHIVE_MAILTEXT_H
#define LISTD_ARCHIVE_MAILTEXT_H

#include <stddef.h>
#include <stdint.h>

#include <gmime/gmime.h>

#include "core/addr.h"
#include "core/status.h"
#include "core/store_archive.h"

#define MAIL_REFS_MAX		64	/* the last ones of References kept */
#define MAIL_PIECES_MAX		64
#define MAIL_ATTACH_MAX		2000
#define MAIL_PIECE_MAX		(1024 * 1024)	/* bytes of one text piece */
#define MAIL_DEPTH_MAX		16		/* MIME nesting followed */

enum piece_kind { PIECE_TEXT, PIECE_HTML };

struct mail_piece {
	enum piece_kind	 kind;
	char		*text;		/* valid UTF-8, NUL-terminated */
	size_t		 len;
};

struct mail_att {
	GMimePart	*part;		/* borrowed from the message */
	char		 filename[256];	/* decoded, cleaned UTF-8 */
	char		 ctype[128];
};

struct mail_view {
	GMimeMessage	*msg;
	char		 message_id[ARC_MSGID_MAX + 1];	/* "" when absent */
	char		 subject[ARC_SUBJECT_MAX + 1];
	char		 author_name[ARC_NAME_MAX + 1];
	char		 author_addr[ADDR_MAX + 1];
	int64_t		 date;		/* 0 when absent or unreadable */
	int		 n_refs;
	char		*refs[MAIL_REFS_MAX];	/* oldest first; parent last */
	int		 n_pieces;
	struct mail_piece pieces[MAIL_PIECES_MAX];
	int		 n_att;
	struct mail_att	*att;
};

/* Parse raw[0..len). ST_DATA when GMime cannot make a message of it. On
 * success release mv with mailtext_free(). All strings are valid UTF-8
 * without control characters (pieces keep newlines and tabs). */
enum status	mailtext_parse(const char *raw, size_t len, struct mail_view *mv);
void		mailtext_free(struct mail_view *mv);
/* Decoded content of attachment a. Caller frees *data with xfree(). */
enum status	mailtext_att_data(const struct mail_att *a, char **data,
		    size_t *len);
/* Copy s into dst (dst_len bytes) as valid UTF-8 without control
 * characters, cut on a character boundary. */
void		mailtext_clean(const char *s, size_t len, char *dst,
		    size_t dst_len);
/* Newly allocated UTF-8 of s[0..len): s itself when valid, else each byte
 * read as Windows-1252/Latin-1. Caller frees with xfree(). */
char		*mailtext_utf8(const char *s, size_t len, size_t *out_len);
/* Subject without reply/forward markers and list tags, folded to lower
 * case; *is_reply says whether a marker was removed. */
void		mailtext_base_subject(const char *subject, char *dst,
		    size_t dst_len, int *is_reply);

#endif
