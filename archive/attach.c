/* attach.c - an archived message's attachment, served on demand from the
 * raw message in messages/ (the page cache holds no attachment files; an
 * export writes them, see archive_export). The name in the request must be
 * exactly the one the message page links to. */
#include <stdlib.h>
#include <string.h>

#include "archive/archive.h"
#include "archive/mailtext.h"
#include "archive/render.h"
#include "archive/render_message.h"
#include "core/msgstore.h"
#include "core/xmem.h"

/* "att/<20 hex>/<n>-<name>": the hash prefix and n. -1 when malformed. */
static int
parse_rel(const char *rel, char *prefix, int *n, const char **name)
{
	const char *p = rel + 4;
	char *end;
	long v;

	if (strncmp(rel, "att/", 4) != 0 ||
	    strspn(p, "0123456789abcdef") != RENDER_NAME_LEN ||
	    p[RENDER_NAME_LEN] != '/')
		return -1;
	memcpy(prefix, p, RENDER_NAME_LEN);
	prefix[RENDER_NAME_LEN] = '\0';
	*name = p + RENDER_NAME_LEN + 1;
	if (**name < '1' || **name > '9')
		return -1;
	v = strtol(*name, &end, 10);
	if (*end != '-' || v < 1 || v > MAIL_ATTACH_MAX)
		return -1;
	*n = (int)v;
	return 0;
}

enum status
archive_attachment_get(struct store *s, const struct list *l,
    const char *rel, char **data, size_t *len)
{
	char prefix[RENDER_NAME_LEN + 1], want[96], *raw = NULL;
	const char *name;
	struct arc_msg m;
	struct mail_view mv;
	size_t raw_len;
	int64_t id;
	int n;
	enum status st;

	*data = NULL;
	*len = 0;
	memset(&mv, 0, sizeof(mv));
	if (parse_rel(rel, prefix, &n, &name) == -1)
		return ST_NOTFOUND;
	if ((st = store_archive_msg_find_prefix(s, l->id, prefix, &id))
	    != ST_OK || (st = store_archive_msg_get(s, id, &m)) != ST_OK ||
	    (st = msgstore_get(store_dir(s), m.hash, ARCHIVE_MSG_MAX, &raw,
	    &raw_len)) != ST_OK || (st = mailtext_parse(raw, raw_len, &mv))
	    != ST_OK)
		goto out;
	st = ST_NOTFOUND;
	if (n > mv.n_att)
		goto out;
	render_attach_name(mv.att[n - 1].filename, n, want, sizeof(want));
	if (strcmp(want, name) == 0)
		st = mailtext_att_data(&mv.att[n - 1], data, len);
out:
	mailtext_free(&mv);
	xfree(raw);
	return st == ST_DATA ? ST_NOTFOUND : st;
}
