/* roster.c - diff one roster list and apply it under the removal guard
 * (roster.h). The current generated members are loaded into hash tables
 * keyed by account id and by address; the wanted accounts are walked once.
 * Nothing here begins or commits a transaction: the caller holds one per
 * district (P8: a killed run leaves yesterday's roster). */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "core/log.h"
#include "core/xmem.h"
#include "generator/roster.h"

struct cur {
	int64_t		 member_id;
	const char	*address;
	const char	*key;
	const char	*name;
	const char	*account_id;
	int		 is_matched;
};

struct pair {
	struct cur		*c;
	const struct account	*a;
};

struct diff {
	GStringChunk	*chunk;
	struct cur	*cur;
	size_t		 n_cur, cap_cur;
	GHashTable	*by_id;		/* account id -> struct cur * */
	GHashTable	*skip;		/* address keys: manual or excluded */
	GPtrArray	*adds;		/* const struct account * */
	GArray		*renames, *updates, *relinks;	/* struct pair */
	GPtrArray	*removes;	/* struct cur * */
};

static const char *
chunk_key(GStringChunk *chunk, const char *address)
{
	char key[ADDR_MAX + 1];
	size_t i;

	for (i = 0; address[i] && i < ADDR_MAX; i++)
		key[i] = g_ascii_tolower(address[i]);
	key[i] = '\0';
	return g_string_chunk_insert_const(chunk, key);
}

static int
load_cur(const struct roster_current *rc, void *ctx)
{
	struct diff *df = ctx;
	struct cur *c;

	if (df->n_cur == df->cap_cur) {
		df->cap_cur = df->cap_cur ? df->cap_cur * 2 : 256;
		df->cur = xrealloc(df->cur, df->cap_cur * sizeof(*c));
	}
	c = &df->cur[df->n_cur++];
	c->member_id = rc->member_id;
	c->address = g_string_chunk_insert(df->chunk, rc->address);
	c->key = chunk_key(df->chunk, rc->address);
	c->name = g_string_chunk_insert(df->chunk, rc->name);
	c->account_id = g_string_chunk_insert(df->chunk, rc->account_id);
	c->is_matched = 0;
	return 0;
}

static int
load_skip(const char *address, void *ctx)
{
	struct diff *df = ctx;

	g_hash_table_add(df->skip, (gpointer)chunk_key(df->chunk, address));
	return 0;
}

static int
load_exclusion(const char *list, const char *address, void *ctx)
{
	(void)list;
	return load_skip(address, ctx);
}

static enum status
diff_load(struct store *s, int64_t list_id, struct diff *df)
{
	enum status st;

	df->chunk = g_string_chunk_new(1 << 16);
	df->by_id = g_hash_table_new(g_str_hash, g_str_equal);
	df->skip = g_hash_table_new(g_str_hash, g_str_equal);
	df->adds = g_ptr_array_new();
	df->removes = g_ptr_array_new();
	df->renames = g_array_new(FALSE, FALSE, sizeof(struct pair));
	df->updates = g_array_new(FALSE, FALSE, sizeof(struct pair));
	df->relinks = g_array_new(FALSE, FALSE, sizeof(struct pair));
	if ((st = store_roster_member_each(s, list_id, load_cur, df)) != ST_OK ||
	    (st = store_roster_manual_each(s, list_id, load_skip, df)) != ST_OK ||
	    (st = store_roster_exclusion_each(s, list_id, load_exclusion, df))
	    != ST_OK)
		return st;
	for (size_t i = 0; i < df->n_cur; i++)
		if (df->cur[i].account_id[0])
			g_hash_table_insert(df->by_id,
			    (gpointer)df->cur[i].account_id, &df->cur[i]);
	return ST_OK;
}

static void
diff_free(struct diff *df)
{
	if (df->chunk == NULL)
		return;
	g_string_chunk_free(df->chunk);
	xfree(df->cur);
	g_hash_table_destroy(df->by_id);
	g_hash_table_destroy(df->skip);
	g_ptr_array_free(df->adds, TRUE);
	g_ptr_array_free(df->removes, TRUE);
	g_array_free(df->renames, TRUE);
	g_array_free(df->updates, TRUE);
	g_array_free(df->relinks, TRUE);
}

/* Sort wanted accounts into unchanged, renames, updates and adds. */
static int64_t
diff_wanted(struct diff *df, const struct directory *dir,
    const unsigned char *wanted)
{
	int64_t n_wanted = 0;

	for (size_t i = 0; i < dir->n_accounts; i++) {
		const struct account *a = &dir->accounts[i];
		struct pair p;

		if (!wanted[i] || g_hash_table_contains(df->skip, a->key))
			continue;
		n_wanted++;
		p.a = a;
		p.c = g_hash_table_lookup(df->by_id, a->id);
		if (p.c == NULL || p.c->is_matched) {
			g_ptr_array_add(df->adds, (gpointer)a);
			continue;
		}
		p.c->is_matched = 1;
		if (strcmp(p.c->address, a->address) != 0)
			g_array_append_val(df->renames, p);
		else if (strcmp(p.c->name, a->name) != 0)
			g_array_append_val(df->updates, p);
	}
	return n_wanted;
}

/* An add whose address is held by an unmatched member (its id changed, or
 * it had no link) keeps that member: relink instead of remove + add. */
static void
diff_relink(struct diff *df)
{
	GHashTable *free_by_key = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *adds = g_ptr_array_new();

	for (size_t i = 0; i < df->n_cur; i++)
		if (!df->cur[i].is_matched)
			g_hash_table_insert(free_by_key,
			    (gpointer)df->cur[i].key, &df->cur[i]);
	for (guint i = 0; i < df->adds->len; i++) {
		struct pair p = { NULL, g_ptr_array_index(df->adds, i) };

		if ((p.c = g_hash_table_lookup(free_by_key, p.a->key)) != NULL &&
		    !p.c->is_matched) {
			p.c->is_matched = 1;
			g_array_append_val(df->relinks, p);
		} else
			g_ptr_array_add(adds, (gpointer)p.a);
	}
	g_ptr_array_free(df->adds, TRUE);
	df->adds = adds;
	for (size_t i = 0; i < df->n_cur; i++)
		if (!df->cur[i].is_matched)
			g_ptr_array_add(df->removes, &df->cur[i]);
	g_hash_table_destroy(free_by_key);
}

static void
keep_change(struct roster_outcome *out, const struct roster_apply_opts *o,
    char *line)
{
	if (!o->keep_changes || out->n_changes >= ROSTER_CHANGES_KEPT) {
		xfree(line);
		return;
	}
	if ((out->n_changes & (out->n_changes - 1)) == 0)
		out->changes = xrealloc(out->changes, (out->n_changes ?
		    out->n_changes * 2 : 1) * sizeof(char *));
	out->changes[out->n_changes++] = line;
}

static void
diff_changes(struct diff *df, const struct roster_apply_opts *o,
    struct roster_outcome *out)
{
	if (!o->keep_changes)
		return;
	for (guint i = 0; i < df->removes->len; i++)
		keep_change(out, o, xasprintf("- %s", ((struct cur *)
		    g_ptr_array_index(df->removes, i))->address));
	for (guint i = 0; i < df->renames->len; i++) {
		struct pair *p = &g_array_index(df->renames, struct pair, i);

		keep_change(out, o, xasprintf("~ %s -> %s", p->c->address,
		    p->a->address));
	}
	for (guint i = 0; i < df->adds->len; i++)
		keep_change(out, o, xasprintf("+ %s", ((const struct account *)
		    g_ptr_array_index(df->adds, i))->address));
}

/* Renames go through a placeholder address first, so two accounts that
 * swap addresses never collide on the list's unique address. */
static enum status
apply_renames(struct store *s, struct diff *df)
{
	enum status st = ST_OK;
	char tmp[64];

	for (guint i = 0; i < df->renames->len && st == ST_OK; i++) {
		struct pair *p = &g_array_index(df->renames, struct pair, i);

		snprintf(tmp, sizeof(tmp), "rename-%lld@roster.invalid",
		    (long long)p->c->member_id);
		st = store_roster_member_rename(s, p->c->member_id, tmp,
		    p->c->name);
	}
	for (guint i = 0; i < df->renames->len && st == ST_OK; i++) {
		struct pair *p = &g_array_index(df->renames, struct pair, i);

		st = store_roster_member_rename(s, p->c->member_id,
		    p->a->address, p->a->name);
	}
	return st;
}

static enum status
diff_write(struct store *s, int64_t list_id, struct diff *df)
{
	enum status st = ST_OK;

	for (guint i = 0; i < df->removes->len && st == ST_OK; i++)
		st = store_roster_member_remove(s, ((struct cur *)
		    g_ptr_array_index(df->removes, i))->member_id);
	if (st == ST_OK)
		st = apply_renames(s, df);
	for (guint i = 0; i < df->updates->len && st == ST_OK; i++) {
		struct pair *p = &g_array_index(df->updates, struct pair, i);

		st = store_roster_member_rename(s, p->c->member_id,
		    p->a->address, p->a->name);
	}
	for (guint i = 0; i < df->relinks->len && st == ST_OK; i++) {
		struct pair *p = &g_array_index(df->relinks, struct pair, i);

		st = store_roster_member_relink(s, p->c->member_id, p->a->id,
		    p->a->name);
	}
	for (guint i = 0; i < df->adds->len && st == ST_OK; i++) {
		const struct account *a = g_ptr_array_index(df->adds, i);

		st = store_roster_member_add(s, list_id, a->address, a->name,
		    a->id);
	}
	return st;
}

int
roster_guard_ok(int64_t n_remove, int64_t n_current, int max_percent)
{
	return n_remove * 100 <= (int64_t)max_percent * n_current;
}

enum status
roster_apply(struct store *s, int64_t list_id, const struct directory *dir,
    const unsigned char *wanted, const struct roster_apply_opts *o,
    struct roster_outcome *out)
{
	struct diff df;
	enum status st;

	memset(out, 0, sizeof(*out));
	memset(&df, 0, sizeof(df));
	if ((st = diff_load(s, list_id, &df)) != ST_OK)
		goto out;
	out->current = (int64_t)df.n_cur;
	out->wanted = diff_wanted(&df, dir, wanted);
	diff_relink(&df);
	out->adds = df.adds->len;
	out->removes = df.removes->len;
	out->renames = df.renames->len;
	out->updates = df.updates->len + df.relinks->len;
	diff_changes(&df, o, out);
	if (out->adds + out->removes + out->renames + out->updates == 0)
		out->verdict = ROSTER_UNCHANGED;
	else if (!o->force && !roster_guard_ok(out->removes, out->current,
	    o->max_remove_percent))
		out->verdict = ROSTER_REFUSED;	/* P8: guard mass removal. */
	else if (o->dry_run)
		out->verdict = ROSTER_DRY_RUN;
	else {
		out->verdict = ROSTER_APPLIED;
		st = diff_write(s, list_id, &df);
	}
out:
	diff_free(&df);
	return st;
}

void
roster_outcome_release(struct roster_outcome *out)
{
	for (size_t i = 0; i < out->n_changes; i++)
		xfree(out->changes[i]);
	xfree(out->changes);
	out->changes = NULL;
	out->n_changes = 0;
}
