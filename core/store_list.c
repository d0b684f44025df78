/* store_list.c - SQL for lists. Enumerations are stored by name so the
 * database reads plainly with the sqlite3 shell. */
#include <string.h>

#include "core/store_int.h"
#include "core/store_list.h"

#define LIST_COLS "id, name, description, kind, policy, nonmember, dmarc," \
	" subscribe, archive_public, subject_prefix, footer, max_size, created," \
	" personalize, digest_format"

static void
row_to_list(sqlite3_stmt *st, void *out)
{
	struct list *l = out;
	char tmp[32];

	memset(l, 0, sizeof(*l));
	l->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, l->name, sizeof(l->name));
	store_col_text(st, 2, l->description, sizeof(l->description));
	store_col_text(st, 3, tmp, sizeof(tmp));
	l->kind = (enum list_kind)model_list_kind_parse(tmp);
	store_col_text(st, 4, tmp, sizeof(tmp));
	l->policy = (enum post_policy)model_policy_parse(tmp);
	store_col_text(st, 5, tmp, sizeof(tmp));
	l->nonmember = (enum nonmember_action)model_nonmember_parse(tmp);
	store_col_text(st, 6, tmp, sizeof(tmp));
	l->dmarc = (enum dmarc_mode)model_dmarc_parse(tmp);
	store_col_text(st, 7, tmp, sizeof(tmp));
	l->subscribe = (enum subscribe_policy)model_subscribe_parse(tmp);
	l->archive_public = sqlite3_column_int(st, 8);
	store_col_text(st, 9, l->subject_prefix, sizeof(l->subject_prefix));
	store_col_text(st, 10, l->footer, sizeof(l->footer));
	l->max_size = (long)sqlite3_column_int64(st, 11);
	l->created = sqlite3_column_int64(st, 12);
	store_col_text(st, 13, tmp, sizeof(tmp));
	l->personalize = (enum personalize_mode)model_personalize_parse(tmp);
	if ((int)l->personalize < 0)
		l->personalize = PERSONALIZE_AUTO;
	store_col_text(st, 14, tmp, sizeof(tmp));
	l->digest_format = (enum digest_format)model_digest_format_parse(tmp);
	if ((int)l->digest_format < 0)
		l->digest_format = DIGEST_MIME;
}

/* Bind the settings of l to parameters 1..11 and 13 (name first). */
static void
bind_list(sqlite3_stmt *st, const struct list *l)
{
	sqlite3_bind_text(st, 1, l->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, l->description, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, model_list_kind_name(l->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, model_policy_name(l->policy), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, model_nonmember_name(l->nonmember), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 6, model_dmarc_name(l->dmarc), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, model_subscribe_name(l->subscribe), -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, 8, l->archive_public);
	sqlite3_bind_text(st, 9, l->subject_prefix, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, l->footer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, l->max_size);
	sqlite3_bind_text(st, 13, model_personalize_name(l->personalize), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 14, model_digest_format_name(l->digest_format), -1,
	    SQLITE_STATIC);
}

enum status
store_list_create(struct store *s, struct list *l)
{
	static const char sql[] = "INSERT INTO list (name, description, kind,"
	    " policy, nonmember, dmarc, subscribe, archive_public,"
	    " subject_prefix, footer, max_size, created, personalize,"
	    " digest_format) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	l->created = store_now();
	bind_list(st, l);
	sqlite3_bind_int64(st, 12, l->created);
	if ((rc = store_exec_stmt(s, st, "list_create")) == ST_OK)
		l->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

enum status
store_list_get(struct store *s, const char *name, struct list *out)
{
	static const char sql[] = "SELECT " LIST_COLS " FROM list WHERE name = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st)
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	return store_row_one(s, st, row_to_list, out, "list_get");
}

enum status
store_list_get_id(struct store *s, int64_t id, struct list *out)
{
	static const char sql[] = "SELECT " LIST_COLS " FROM list WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st)
		sqlite3_bind_int64(st, 1, id);
	return store_row_one(s, st, row_to_list, out, "list_get_id");
}

enum status
store_list_update(struct store *s, const struct list *l)
{
	static const char sql[] = "UPDATE list SET name = ?, description = ?,"
	    " kind = ?, policy = ?, nonmember = ?, dmarc = ?, subscribe = ?,"
	    " archive_public = ?, subject_prefix = ?, footer = ?, max_size = ?,"
	    " personalize = ?13, digest_format = ?14 WHERE id = ?12";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (st == NULL)
		return ST_INTERNAL;
	bind_list(st, l);
	sqlite3_bind_int64(st, 12, l->id);
	return store_exec_stmt(s, st, "list_update");
}

enum status
store_list_remove(struct store *s, const char *name)
{
	static const char sql[] = "DELETE FROM list WHERE name = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	enum status rc;

	if (st == NULL)
		return ST_INTERNAL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = store_exec_stmt(s, st, "list_remove")) != ST_OK)
		return rc;
	return sqlite3_changes(s->db) ? ST_OK : ST_NOTFOUND;
}

struct list_walk {
	int	(*fn)(const struct list *, void *);
	void	*ctx;
};

static int
list_row(sqlite3_stmt *st, void *arg)
{
	struct list_walk *w = arg;
	struct list l;

	row_to_list(st, &l);
	return w->fn(&l, w->ctx);
}

enum status
store_list_each(struct store *s, int (*fn)(const struct list *, void *),
    void *ctx)
{
	static const char sql[] = "SELECT " LIST_COLS " FROM list ORDER BY name";
	struct list_walk w = { fn, ctx };

	return store_row_each(s, store_stmt(s, sql), list_row, &w, "list_each");
}
