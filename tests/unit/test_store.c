/* test_store.c - the SQLite store on real files: opening and migrations,
 * districts, lists, members, and the isolation of one district from
 * another. Fault tests live in test_store_fault.c (faults are read once per
 * process). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "core/store.h"
#include "core/store_list.h"
#include "core/store_member.h"
#include "core/store_site.h"
#include "tests/unit/testutil.h"

struct fixture {
	char		*home;
	struct store	*site;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	f->home = tu_tmpdir_new();
	assert_int_equal(store_site_open(f->home, &f->site), ST_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->site);
	tu_tmpdir_remove(f->home);
	xfree(f);
	return 0;
}

/* Read schema_version of the database at path straight from SQLite:
 * "module=version;..." in module order. Caller frees. */
static char *
schema_versions(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *out = xstrdup(""), *next;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT module, version FROM "
	    "schema_version ORDER BY module", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		next = xasprintf("%s%s=%d;", out, sqlite3_column_text(st, 0),
		    sqlite3_column_int(st, 1));
		xfree(out);
		out = next;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

static void
make_district(struct store *site, const char *slug, const char *domain)
{
	struct district d;

	memset(&d, 0, sizeof(d));
	snprintf(d.slug, sizeof(d.slug), "%s", slug);
	snprintf(d.domain, sizeof(d.domain), "%s", domain);
	snprintf(d.name, sizeof(d.name), "District %s", slug);
	assert_int_equal(store_district_add(site, &d), ST_OK);
	assert_true(d.id > 0);
}

static int64_t
make_list(struct store *ds, const char *name, enum list_kind kind)
{
	struct list l;

	model_list_defaults(&l, kind);
	snprintf(l.name, sizeof(l.name), "%s", name);
	assert_int_equal(store_list_create(ds, &l), ST_OK);
	return l.id;
}

static enum status
add_member(struct store *ds, int64_t list_id, const char *addr,
    const char *name, enum member_role role, enum delivery_mode mode,
    enum member_source source)
{
	struct member m;

	memset(&m, 0, sizeof(m));
	m.list_id = list_id;
	snprintf(m.address, sizeof(m.address), "%s", addr);
	snprintf(m.name, sizeof(m.name), "%s", name);
	m.role = role;
	m.mode = mode;
	m.source = source;
	return store_member_add(ds, &m);
}

static void
test_store_site_open_records_migrations(void **state)
{
	struct fixture *f = *state;
	char *path = xasprintf("%s/site.db", f->home), *v1, *v2;

	v1 = schema_versions(path);
	assert_non_null(strstr(v1, "core=1;"));
	/* Reopening applies nothing twice and keeps the data. */
	make_district(f->site, "north", "north.example.org");
	store_close(f->site);
	assert_int_equal(store_site_open(f->home, &f->site), ST_OK);
	v2 = schema_versions(path);
	assert_string_equal(v1, v2);
	assert_int_equal(store_district_get(f->site, "north", &(struct district){0}),
	    ST_OK);
	xfree(v1);
	xfree(v2);
	xfree(path);
}

static void
test_store_district_open_creates_and_reopens(void **state)
{
	struct fixture *f = *state;
	struct store *ds;
	char *path = xasprintf("%s/districts/north/district.db", f->home);
	char *v1, *v2;

	assert_int_equal(store_district_open(f->home, "north", 0, &ds),
	    ST_NOTFOUND);
	assert_null(ds);
	assert_false(tu_exists(path));
	assert_int_equal(store_district_open(f->home, "north", 1, &ds), ST_OK);
	assert_string_equal(store_slug(ds), "north");
	assert_non_null(strstr(store_dir(ds), "/districts/north"));
	make_list(ds, "staff", LIST_ROSTER);
	store_close(ds);
	v1 = schema_versions(path);
	assert_non_null(strstr(v1, "core=1;"));
	assert_int_equal(store_district_open(f->home, "north", 0, &ds), ST_OK);
	v2 = schema_versions(path);
	assert_string_equal(v1, v2);
	assert_int_equal(store_list_get(ds, "staff", &(struct list){0}), ST_OK);
	store_close(ds);
	store_close(NULL);
	xfree(v1);
	xfree(v2);
	xfree(path);
}

static void
test_store_district_crud(void **state)
{
	struct fixture *f = *state;
	struct district d, dup;

	make_district(f->site, "north", "North.Example.org");
	assert_int_equal(store_district_get(f->site, "north", &d), ST_OK);
	assert_string_equal(d.domain, "North.Example.org");
	assert_int_equal(store_district_by_domain(f->site, "north.example.ORG",
	    &d), ST_OK);
	assert_string_equal(d.slug, "north");
	assert_int_equal(store_district_get(f->site, "south", &d), ST_NOTFOUND);
	assert_int_equal(store_district_by_domain(f->site, "south.example.org",
	    &d), ST_NOTFOUND);

	/* The slug and the domain (any case) are unique. */
	memset(&dup, 0, sizeof(dup));
	snprintf(dup.slug, sizeof(dup.slug), "north");
	snprintf(dup.domain, sizeof(dup.domain), "other.example.org");
	assert_int_equal(store_district_add(f->site, &dup), ST_EXISTS);
	snprintf(dup.slug, sizeof(dup.slug), "south");
	snprintf(dup.domain, sizeof(dup.domain), "NORTH.example.org");
	assert_int_equal(store_district_add(f->site, &dup), ST_EXISTS);

	assert_int_equal(store_district_get(f->site, "north", &d), ST_OK);
	snprintf(d.name, sizeof(d.name), "Renamed");
	snprintf(d.domain, sizeof(d.domain), "n.example.org");
	d.students_have_email = 1;
	assert_int_equal(store_district_update(f->site, &d), ST_OK);
	assert_int_equal(store_district_by_domain(f->site, "N.EXAMPLE.ORG", &d),
	    ST_OK);
	assert_string_equal(d.name, "Renamed");
	assert_int_equal(d.students_have_email, 1);

	assert_int_equal(store_district_remove(f->site, "north"), ST_OK);
	assert_int_equal(store_district_remove(f->site, "north"), ST_NOTFOUND);
	assert_int_equal(store_district_get(f->site, "north", &d), ST_NOTFOUND);
}

static int
collect_slug(const struct district *d, void *ctx)
{
	char **acc = ctx, *next = xasprintf("%s%s,", *acc, d->slug);

	xfree(*acc);
	*acc = next;
	return 0;
}

static int
stop_after_one(const struct district *d, void *ctx)
{
	(void)d;
	(*(int *)ctx)++;
	return 1;
}

static void
test_store_district_each_in_slug_order(void **state)
{
	struct fixture *f = *state;
	char *acc = xstrdup("");
	int n = 0;

	make_district(f->site, "west", "west.example.org");
	make_district(f->site, "east", "east.example.org");
	make_district(f->site, "north", "north.example.org");
	assert_int_equal(store_district_each(f->site, collect_slug, &acc), ST_OK);
	assert_string_equal(acc, "east,north,west,");
	assert_int_equal(store_district_each(f->site, stop_after_one, &n), ST_OK);
	assert_int_equal(n, 1);
	xfree(acc);
}

static void
test_store_district_open_refuses_bad_slugs(void **state)
{
	struct fixture *f = *state;
	static const char *bad[] = { "../b", "A/../b", "a/b", "..", ".", "",
	    "A", "-a", "a-", "a b", "north\n", "/etc" };
	struct store *ds;
	char *path;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ds = (struct store *)&ds;
		assert_int_equal(store_district_open(f->home, bad[i], 1, &ds),
		    ST_NOTFOUND);
		assert_null(ds);
		assert_null(store_district_path(f->home, bad[i]));
	}
	/* Nothing was created: no districts/ and no home/b beside it. */
	path = xasprintf("%s/districts", f->home);
	assert_false(tu_exists(path));
	xfree(path);
	path = xasprintf("%s/b", f->home);
	assert_false(tu_exists(path));
	xfree(path);
}

static void
test_store_list_crud(void **state)
{
	struct fixture *f = *state;
	struct store *ds;
	struct list l, got;

	assert_int_equal(store_district_open(f->home, "north", 1, &ds), ST_OK);
	model_list_defaults(&l, LIST_ANNOUNCEMENT);
	snprintf(l.name, sizeof(l.name), "news");
	snprintf(l.description, sizeof(l.description), "Family news");
	assert_int_equal(store_list_create(ds, &l), ST_OK);
	assert_true(l.id > 0);
	assert_int_equal(store_list_create(ds, &l), ST_EXISTS);

	assert_int_equal(store_list_get(ds, "news", &got), ST_OK);
	assert_int_equal(got.id, l.id);
	assert_string_equal(got.description, "Family news");
	assert_int_equal(got.kind, LIST_ANNOUNCEMENT);
	assert_int_equal(got.policy, POLICY_ANNOUNCE);
	assert_int_equal(got.subscribe, SUBSCRIBE_CONFIRM);
	assert_int_equal(store_list_get(ds, "absent", &got), ST_NOTFOUND);

	got.policy = POLICY_MODERATED;
	got.archive_public = 1;
	got.max_size = 123456;
	snprintf(got.subject_prefix, sizeof(got.subject_prefix), "[news]");
	snprintf(got.footer, sizeof(got.footer), "line 1\nline 2");
	assert_int_equal(store_list_update(ds, &got), ST_OK);
	assert_int_equal(store_list_get_id(ds, l.id, &got), ST_OK);
	assert_int_equal(got.policy, POLICY_MODERATED);
	assert_int_equal(got.archive_public, 1);
	assert_int_equal(got.max_size, 123456);
	assert_string_equal(got.subject_prefix, "[news]");
	assert_string_equal(got.footer, "line 1\nline 2");

	assert_int_equal(store_list_remove(ds, "news"), ST_OK);
	assert_int_equal(store_list_remove(ds, "news"), ST_NOTFOUND);
	assert_int_equal(store_list_get_id(ds, l.id, &got), ST_NOTFOUND);
	store_close(ds);
}

static int
collect_list(const struct list *l, void *ctx)
{
	char **acc = ctx, *next = xasprintf("%s%s,", *acc, l->name);

	xfree(*acc);
	*acc = next;
	return 0;
}

static void
test_store_list_each_in_name_order(void **state)
{
	struct fixture *f = *state;
	struct store *ds;
	char *acc = xstrdup("");

	assert_int_equal(store_district_open(f->home, "north", 1, &ds), ST_OK);
	make_list(ds, "staff", LIST_ROSTER);
	make_list(ds, "all-accounts", LIST_ROSTER);
	make_list(ds, "news", LIST_ANNOUNCEMENT);
	assert_int_equal(store_list_each(ds, collect_list, &acc), ST_OK);
	assert_string_equal(acc, "all-accounts,news,staff,");
	xfree(acc);
	store_close(ds);
}

static int
collect_member(const struct member *m, void *ctx)
{
	char **acc = ctx, *next = xasprintf("%s%s,", *acc, m->address);

	xfree(*acc);
	*acc = next;
	return 0;
}

/* Addresses matching the filter, "a,b,". Caller frees. */
static char *
members_of(struct store *ds, int64_t list_id, const struct member_filter *flt)
{
	char *acc = xstrdup("");

	assert_int_equal(store_member_each(ds, list_id, flt, collect_member,
	    &acc), ST_OK);
	return acc;
}

static void
test_store_member_crud_and_case_insensitive_duplicates(void **state)
{
	struct fixture *f = *state;
	struct store *ds;
	struct member m;
	int64_t list_id;

	assert_int_equal(store_district_open(f->home, "north", 1, &ds), ST_OK);
	list_id = make_list(ds, "news", LIST_DISCUSSION);
	assert_int_equal(add_member(ds, list_id, "Alice@example.org", "Alice",
	    ROLE_MEMBER, MODE_REGULAR, SOURCE_MANUAL), ST_OK);
	assert_int_equal(add_member(ds, list_id, "alice@EXAMPLE.org", "Dup",
	    ROLE_MEMBER, MODE_REGULAR, SOURCE_MANUAL), ST_EXISTS);
	assert_int_equal(add_member(ds, list_id, "ALICE@example.org", "Dup",
	    ROLE_OWNER, MODE_DIGEST, SOURCE_DIRECTORY), ST_EXISTS);

	assert_int_equal(store_member_get(ds, list_id, "alice@example.org", &m),
	    ST_OK);
	assert_string_equal(m.address, "Alice@example.org");
	assert_string_equal(m.name, "Alice");
	assert_int_equal(store_member_get(ds, list_id, "bob@example.org", &m),
	    ST_NOTFOUND);

	snprintf(m.name, sizeof(m.name), "Alice B.");
	m.mode = MODE_DIGEST;
	m.role = ROLE_MODERATOR;
	assert_int_equal(store_member_update(ds, &m), ST_OK);
	assert_int_equal(store_member_get(ds, list_id, "ALICE@EXAMPLE.ORG", &m),
	    ST_OK);
	assert_string_equal(m.name, "Alice B.");
	assert_int_equal(m.mode, MODE_DIGEST);
	assert_int_equal(m.role, ROLE_MODERATOR);

	assert_int_equal(store_member_remove(ds, list_id, "aLiCe@example.org"),
	    ST_OK);
	assert_int_equal(store_member_remove(ds, list_id, "alice@example.org"),
	    ST_NOTFOUND);
	store_close(ds);
}

static void
test_store_member_each_filters_and_count(void **state)
{
	struct fixture *f = *state;
	struct store *ds;
	struct member_filter flt;
	int64_t list_id, other, n;
	char *got;

	assert_int_equal(store_district_open(f->home, "north", 1, &ds), ST_OK);
	list_id = make_list(ds, "news", LIST_DISCUSSION);
	other = make_list(ds, "staff", LIST_ROSTER);
	add_member(ds, list_id, "carol@example.org", "Carol Owner", ROLE_OWNER,
	    MODE_REGULAR, SOURCE_MANUAL);
	add_member(ds, list_id, "alice@example.org", "Alice", ROLE_MEMBER,
	    MODE_DIGEST, SOURCE_DIRECTORY);
	add_member(ds, list_id, "bob@example.net", "Bob", ROLE_MEMBER,
	    MODE_NOMAIL, SOURCE_MANUAL);
	add_member(ds, other, "zed@example.org", "Zed", ROLE_MEMBER,
	    MODE_REGULAR, SOURCE_MANUAL);

	member_filter_all(&flt);
	got = members_of(ds, list_id, &flt);
	assert_string_equal(got, "alice@example.org,bob@example.net,"
	    "carol@example.org,");
	xfree(got);
	assert_int_equal(store_member_count(ds, list_id, &flt, &n), ST_OK);
	assert_int_equal(n, 3);

	flt.role = ROLE_OWNER;
	got = members_of(ds, list_id, &flt);
	assert_string_equal(got, "carol@example.org,");
	xfree(got);
	member_filter_all(&flt);
	flt.mode = MODE_NOMAIL;
	got = members_of(ds, list_id, &flt);
	assert_string_equal(got, "bob@example.net,");
	xfree(got);
	member_filter_all(&flt);
	flt.source = SOURCE_DIRECTORY;
	got = members_of(ds, list_id, &flt);
	assert_string_equal(got, "alice@example.org,");
	xfree(got);
	member_filter_all(&flt);
	flt.query = "OWNER";		/* in the name, any case */
	got = members_of(ds, list_id, &flt);
	assert_string_equal(got, "carol@example.org,");
	xfree(got);
	flt.query = "example.org";
	assert_int_equal(store_member_count(ds, list_id, &flt, &n), ST_OK);
	assert_int_equal(n, 2);
	flt.query = "%";		/* not a LIKE pattern */
	assert_int_equal(store_member_count(ds, list_id, &flt, &n), ST_OK);
	assert_int_equal(n, 0);

	member_filter_all(&flt);
	flt.limit = 1;
	flt.offset = 1;
	got = members_of(ds, list_id, &flt);
	assert_string_equal(got, "bob@example.net,");
	xfree(got);
	assert_int_equal(store_member_count(ds, list_id, &flt, &n), ST_OK);
	assert_int_equal(n, 3);		/* limit and offset ignored */
	store_close(ds);
}

static void
test_store_list_remove_takes_its_members(void **state)
{
	struct fixture *f = *state;
	struct store *ds;
	struct member_filter flt;
	int64_t list_id, n = -1;

	assert_int_equal(store_district_open(f->home, "north", 1, &ds), ST_OK);
	list_id = make_list(ds, "news", LIST_DISCUSSION);
	add_member(ds, list_id, "a@example.org", "", ROLE_MEMBER, MODE_REGULAR,
	    SOURCE_MANUAL);
	assert_int_equal(store_list_remove(ds, "news"), ST_OK);
	member_filter_all(&flt);
	assert_int_equal(store_member_count(ds, list_id, &flt, &n), ST_OK);
	assert_int_equal(n, 0);
	store_close(ds);
}

/* Fill district slug with lists "news" and "staff", each holding
 * "shared@example.org" plus one member named after the district. */
static void
fill_district(const char *home, const char *slug)
{
	struct store *ds;
	const char *lists[] = { "news", "staff" };
	char *own;

	assert_int_equal(store_district_open(home, slug, 1, &ds), ST_OK);
	for (size_t i = 0; i < 2; i++) {
		int64_t id = make_list(ds, lists[i], LIST_DISCUSSION);

		own = xasprintf("only-%s-%s@example.org", slug, lists[i]);
		assert_int_equal(add_member(ds, id, "shared@example.org", slug,
		    ROLE_MEMBER, MODE_REGULAR, SOURCE_MANUAL), ST_OK);
		assert_int_equal(add_member(ds, id, own, slug, ROLE_MEMBER,
		    MODE_REGULAR, SOURCE_MANUAL), ST_OK);
		xfree(own);
	}
	store_close(ds);
}

struct dump {
	struct store	*ds;
	char		*acc;
};

static int
dump_member(const struct member *m, void *ctx)
{
	struct dump *d = ctx;
	char *next = xasprintf("%s  %s (%s)\n", d->acc, m->address, m->name);

	xfree(d->acc);
	d->acc = next;
	return 0;
}

static int
dump_list(const struct list *l, void *ctx)
{
	struct dump *d = ctx;
	struct member_filter flt;
	char *next = xasprintf("%s%s:\n", d->acc, l->name);

	xfree(d->acc);
	d->acc = next;
	member_filter_all(&flt);
	assert_int_equal(store_member_each(d->ds, l->id, &flt, dump_member, d),
	    ST_OK);
	return 0;
}

/* Everything district slug's store shows, as text. Caller frees. */
static char *
dump_district(const char *home, const char *slug)
{
	struct dump d = { NULL, xstrdup("") };

	assert_int_equal(store_district_open(home, slug, 0, &d.ds), ST_OK);
	assert_int_equal(store_list_each(d.ds, dump_list, &d), ST_OK);
	store_close(d.ds);
	return d.acc;
}

static void
test_store_district_isolation(void **state)
{
	struct fixture *f = *state;
	char *a, *b;

	fill_district(f->home, "a");
	fill_district(f->home, "b");
	a = dump_district(f->home, "a");
	b = dump_district(f->home, "b");
	assert_string_equal(a,
	    "news:\n  only-a-news@example.org (a)\n  shared@example.org (a)\n"
	    "staff:\n  only-a-staff@example.org (a)\n  shared@example.org (a)\n");
	assert_string_equal(b,
	    "news:\n  only-b-news@example.org (b)\n  shared@example.org (b)\n"
	    "staff:\n  only-b-staff@example.org (b)\n  shared@example.org (b)\n");
	assert_null(strstr(a, "only-b"));
	assert_null(strstr(b, "only-a"));
	xfree(a);
	xfree(b);
}

static void
test_store_isolation_survives_changes_in_the_other(void **state)
{
	struct fixture *f = *state;
	struct store *a, *b;
	char *before, *after;

	fill_district(f->home, "a");
	fill_district(f->home, "b");
	before = dump_district(f->home, "a");
	/* Both open at once: removing B's list leaves A's alone. */
	assert_int_equal(store_district_open(f->home, "a", 0, &a), ST_OK);
	assert_int_equal(store_district_open(f->home, "b", 0, &b), ST_OK);
	assert_int_equal(store_list_remove(b, "news"), ST_OK);
	assert_int_equal(store_list_get(a, "news", &(struct list){0}), ST_OK);
	assert_int_equal(store_list_get(b, "news", &(struct list){0}),
	    ST_NOTFOUND);
	store_close(a);
	store_close(b);
	after = dump_district(f->home, "a");
	assert_string_equal(before, after);
	xfree(before);
	xfree(after);
}

static void
test_store_transaction_rollback_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	struct store *ds;

	assert_int_equal(store_district_open(f->home, "north", 1, &ds), ST_OK);
	assert_int_equal(store_begin(ds), ST_OK);
	make_list(ds, "news", LIST_DISCUSSION);
	store_rollback(ds);
	assert_int_equal(store_list_get(ds, "news", &(struct list){0}),
	    ST_NOTFOUND);
	assert_int_equal(store_begin(ds), ST_OK);
	make_list(ds, "news", LIST_DISCUSSION);
	assert_int_equal(store_commit(ds), ST_OK);
	store_rollback(ds);		/* outside a transaction: no-op */
	store_close(ds);
	assert_int_equal(store_district_open(f->home, "north", 0, &ds), ST_OK);
	assert_int_equal(store_list_get(ds, "news", &(struct list){0}), ST_OK);
	store_close(ds);
}

static void
test_store_now_can_be_pinned(void **state)
{
	(void)state;
	setenv("LISTD_NOW", "1700000000", 1);
	assert_int_equal(store_now(), 1700000000);
	unsetenv("LISTD_NOW");
	assert_true(store_now() > 1700000000);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_store_site_open_records_migrations),
		T(test_store_district_open_creates_and_reopens),
		T(test_store_district_crud),
		T(test_store_district_each_in_slug_order),
		T(test_store_district_open_refuses_bad_slugs),
		T(test_store_list_crud),
		T(test_store_list_each_in_name_order),
		T(test_store_member_crud_and_case_insensitive_duplicates),
		T(test_store_member_each_filters_and_count),
		T(test_store_list_remove_takes_its_members),
		T(test_store_district_isolation),
		T(test_store_isolation_survives_changes_in_the_other),
		T(test_store_transaction_rollback_leaves_nothing),
		T(test_store_now_can_be_pinned),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
