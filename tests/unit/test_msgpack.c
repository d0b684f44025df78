/* test_msgpack.c - message packs on real directories: what a commit wrote
 * is read back (through msgstore_get too), nothing uncommitted is ever
 * named, and hostile packs (truncated, zero-length, offsets past the end,
 * a damaged checksum, a hash listed twice, garbage files) give a clear
 * status for that message, never a crash or a read out of bounds.
 * LISTD_FAULT=msgpack.fsync:2 is set before anything runs: the second
 * commit of the process (in the first test) fails. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <dirent.h>

#include <glib.h>

#include "core/msgpack.h"
#include "core/msgstore.h"
#include "core/spool.h"
#include "tests/unit/testutil.h"

#define N_MSG	50

/* Message i's bytes into buf; returns its length. */
static size_t
msg(int i, char *buf, size_t cap)
{
	return (size_t)snprintf(buf, cap, "Subject: m%d\r\n\r\nbody %d %s\r\n",
	    i, i, i % 3 ? "x" : "a longer body line");
}

/* Add messages [from, to) to w; hash of the last into last. */
static void
add_range(struct msgpack_writer *w, int from, int to, char *last)
{
	char raw[128];

	for (int i = from; i < to; i++) {
		size_t n = msg(i, raw, sizeof(raw));

		msgstore_hash(raw, n, last);
		assert_int_equal(msgpack_writer_add(w, last, raw, n), ST_OK);
	}
}

static void
expect_msg(const char *dir, int i, enum status want)
{
	char raw[128], hash[MSGSTORE_HASH_LEN + 1], *data = NULL;
	size_t n = msg(i, raw, sizeof(raw)), len = 0;

	msgstore_hash(raw, n, hash);
	assert_int_equal(msgstore_get(dir, hash, 1 << 20, &data, &len), want);
	if (want == ST_OK) {
		assert_int_equal(len, n);
		assert_memory_equal(data, raw, n);
		assert_true(msgstore_has(dir, hash));
	} else
		assert_null(data);
	xfree(data);
}

/* The path of dir's only pack file of kind ("pack" or "idx"). Caller
 * frees. */
static char *
pack_file(const char *dir, const char *kind)
{
	char *packs = xasprintf("%s/messages/packs", dir), *out = NULL;
	DIR *d = opendir(packs);
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (msgpack_name_kind(de->d_name) == kind[0])
			out = xasprintf("%s/%s", packs, de->d_name);
	closedir(d);
	assert_non_null(out);
	xfree(packs);
	return out;
}

/* A district directory with messages [0, N_MSG) in one committed pack. */
static char *
packed_district(void)
{
	char *dir = tu_tmpdir_new(), hash[MSGSTORE_HASH_LEN + 1];
	struct msgpack_writer *w = msgpack_writer_new(dir);

	add_range(w, 0, N_MSG, hash);
	assert_int_equal(msgpack_writer_commit(w), ST_OK);
	msgpack_writer_free(w);
	return dir;
}

static void
test_msgpack_failed_commit_names_nothing_and_the_next_works(void **state)
{
	char *dir = tu_tmpdir_new(), hash[MSGSTORE_HASH_LEN + 1];
	struct msgpack_writer *w = msgpack_writer_new(dir);

	(void)state;
	add_range(w, 0, 10, hash);
	assert_int_equal(msgpack_writer_commit(w), ST_OK);	/* fsync #1 */
	add_range(w, 10, 20, hash);
	assert_int_equal(msgpack_writer_commit(w), ST_TEMP);	/* fsync #2 */
	expect_msg(dir, 5, ST_OK);
	expect_msg(dir, 15, ST_NOTFOUND);
	add_range(w, 10, 20, hash);	/* forgotten, so added again */
	assert_int_equal(msgpack_writer_commit(w), ST_OK);
	expect_msg(dir, 15, ST_OK);
	msgpack_writer_free(w);
	tu_tmpdir_remove(dir);
}

static void
test_msgpack_commit_then_read_every_message(void **state)
{
	char *dir = packed_district(), err[256], *idx, raw[128];
	char hash[MSGSTORE_HASH_LEN + 1];
	struct msgpack_writer *w;
	size_t n;

	(void)state;
	for (int i = 0; i < N_MSG; i++)
		expect_msg(dir, i, ST_OK);
	expect_msg(dir, N_MSG, ST_NOTFOUND);
	idx = pack_file(dir, "idx");
	*strrchr(idx, '/') = '\0';
	assert_int_equal(msgpack_check(idx, strrchr(idx, '\0') + 1, 1, err,
	    sizeof(err)), N_MSG);
	/* a second run: uncommitted bytes are never named, its pack goes */
	w = msgpack_writer_new(dir);
	add_range(w, N_MSG, N_MSG + 5, hash);
	expect_msg(dir, N_MSG + 1, ST_NOTFOUND);
	msgpack_writer_free(w);
	assert_int_equal(tu_count_entries(idx), 2);	/* .pack + .idx */
	/* msgstore_put of packed bytes writes no loose copy */
	n = msg(3, raw, sizeof(raw));
	assert_int_equal(msgstore_put(dir, raw, n, hash), ST_OK);
	*strrchr(idx, '/') = '\0';	/* messages/ */
	assert_int_equal(tu_count_entries(idx), 1);	/* packs/ only */
	xfree(idx);
	tu_tmpdir_remove(dir);
}

static void
test_msgpack_batches_rewrite_the_index_and_readers_see_them(void **state)
{
	char *dir = tu_tmpdir_new(), hash[MSGSTORE_HASH_LEN + 1];
	struct msgpack_writer *w = msgpack_writer_new(dir);

	(void)state;
	add_range(w, 0, 10, hash);
	add_range(w, 0, 10, hash);	/* the same again: one copy */
	assert_int_equal(msgpack_writer_commit(w), ST_OK);
	expect_msg(dir, 3, ST_OK);	/* loads the first index */
	add_range(w, 10, 30, hash);
	assert_int_equal(msgpack_writer_commit(w), ST_OK);
	assert_int_equal(msgpack_writer_commit(w), ST_OK);	/* nothing new */
	expect_msg(dir, 25, ST_OK);	/* the cache saw the new index */
	expect_msg(dir, 3, ST_OK);
	msgpack_writer_free(w);
	tu_tmpdir_remove(dir);
}

static void
test_msgpack_truncated_and_zero_length_packs(void **state)
{
	char *dir = packed_district(), *pack = pack_file(dir, "pack"), err[256];
	char *idx = pack_file(dir, "idx");

	(void)state;
	assert_int_equal(truncate(pack, 200), 0);
	expect_msg(dir, 0, ST_OK);	/* the first ones are whole */
	expect_msg(dir, N_MSG - 1, ST_DATA);	/* logged: pack truncated */
	*strrchr(idx, '/') = '\0';
	assert_int_equal(msgpack_check(idx, strrchr(idx, '\0') + 1, 1, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "truncated"));
	assert_int_equal(truncate(pack, 0), 0);
	expect_msg(dir, 0, ST_DATA);	/* the cached pack: now empty */
	xfree(pack);
	xfree(idx);
	tu_tmpdir_remove(dir);
	dir = packed_district();	/* zero-length before it is ever read */
	pack = pack_file(dir, "pack");
	assert_int_equal(truncate(pack, 0), 0);
	expect_msg(dir, 0, ST_NOTFOUND);	/* logged: no magic, unusable */
	xfree(pack);
	tu_tmpdir_remove(dir);
}

/* A process that never loaded the district's packs (listctl archive add)
 * probes each index: a packed message is found, an absent one is not, and
 * an entry whose offset was damaged does not count as stored (its bytes
 * are checked), so the caller keeps a loose copy instead of losing it. */
static void
test_msgpack_has_probes_without_loading(void **state)
{
	char *dir = packed_district(), *idx = pack_file(dir, "idx"), *data;
	char raw[128], hash[MSGSTORE_HASH_LEN + 1];
	unsigned char bin[32];
	size_t len = 0, n;
	FILE *f;

	(void)state;
	for (int i = 0; i < N_MSG; i += 7) {
		n = msg(i, raw, sizeof(raw));
		msgstore_hash(raw, n, hash);
		assert_true(msgpack_has(dir, hash));
	}
	msgstore_hash("not there", 9, hash);
	assert_false(msgpack_has(dir, hash));
	n = msg(3, raw, sizeof(raw));
	msgstore_hash(raw, n, hash);
	for (int i = 0; i < 32; i++)
		sscanf(hash + 2 * i, "%2hhx", &bin[i]);	/* lint: allow */
	data = tu_read(idx, &len);
	for (size_t off = MSGPACK_HDR; off + MSGPACK_ENTRY <= len;
	    off += MSGPACK_ENTRY)
		if (memcmp(data + off, bin, 32) == 0)
			data[off + 32] ^= 0x10;		/* its offset */
	assert_non_null(f = fopen(idx, "wb"));
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	assert_false(msgpack_has(dir, hash));
	n = msg(4, raw, sizeof(raw));
	msgstore_hash(raw, n, hash);
	assert_true(msgpack_has(dir, hash));
	xfree(data);
	xfree(idx);
	tu_tmpdir_remove(dir);
}

static void
test_msgpack_damaged_index_checksum(void **state)
{
	char *dir = packed_district(), *idx = pack_file(dir, "idx"), *data;
	size_t len;
	FILE *f;

	(void)state;
	data = tu_read(idx, &len);
	data[100] ^= 0x40;
	assert_non_null(f = fopen(idx, "wb"));
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	expect_msg(dir, 1, ST_NOTFOUND);	/* logged: checksum mismatch */
	xfree(data);
	xfree(idx);
	tu_tmpdir_remove(dir);
}

/* An index image of n entries with valid checksum. Caller frees. */
static unsigned char *
make_idx(const unsigned char (*hashes)[32], const uint64_t *off,
    const uint64_t *len, uint32_t n, uint64_t covered, size_t *size)
{
	unsigned char *p;
	gsize sum_len = MSGPACK_SUM;
	GChecksum *ck;

	*size = MSGPACK_HDR + (size_t)n * MSGPACK_ENTRY + MSGPACK_SUM;
	p = xcalloc(1, *size);
	memcpy(p, MSGPACK_IDX_MAGIC, 8);
	p[8] = MSGPACK_IDX_VERSION;
	memcpy(p + 12, &n, 4);		/* little-endian host */
	memcpy(p + 16, &covered, 8);
	for (uint32_t i = 0; i < n; i++) {
		unsigned char *e = p + MSGPACK_HDR + i * MSGPACK_ENTRY;

		memcpy(e, hashes[i], 32);
		memcpy(e + 32, &off[i], 8);
		memcpy(e + 40, &len[i], 8);
	}
	ck = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(ck, p, (gssize)(*size - MSGPACK_SUM));
	g_checksum_get_digest(ck, p + *size - MSGPACK_SUM, &sum_len);
	g_checksum_free(ck);
	return p;
}

static void
test_msgpack_index_check_refuses_hostile_indexes(void **state)
{
	unsigned char h[2][32], *p, junk[300];
	uint64_t off[2] = { 8, 20 }, len[2] = { 12, 5 };
	const char *why;
	uint32_t n;
	size_t size;

	(void)state;
	memset(h[0], 0x11, 32);
	memset(h[1], 0x22, 32);
	p = make_idx(h, off, len, 2, 25, &size);
	assert_int_equal(msgpack_idx_check(p, size, &n, &why), 0);
	assert_int_equal(n, 2);
	xfree(p);
	len[1] = 6;	/* one byte past what the pack holds */
	p = make_idx(h, off, len, 2, 25, &size);
	assert_int_equal(msgpack_idx_check(p, size, &n, &why), -1);
	assert_non_null(strstr(why, "past the pack's end"));
	xfree(p);
	off[1] = UINT64_MAX - 2;	/* offset + length wraps */
	p = make_idx(h, off, len, 2, UINT64_MAX, &size);
	assert_int_equal(msgpack_idx_check(p, size, &n, &why), -1);
	xfree(p);
	memset(h[1], 0x11, 32);	/* a hash listed twice */
	off[1] = 20;
	len[1] = 5;
	p = make_idx(h, off, len, 2, 25, &size);
	assert_int_equal(msgpack_idx_check(p, size, &n, &why), -1);
	assert_non_null(strstr(why, "twice"));
	p[12] = 200;	/* a count the size does not match */
	assert_int_equal(msgpack_idx_check(p, size, &n, &why), -1);
	xfree(p);
	for (size_t s = 0; s < sizeof(junk); s++) {	/* junk of every size */
		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (unsigned char)(i * 7 + s);
		memcpy(junk, MSGPACK_IDX_MAGIC, s < 8 ? s : 8);
		assert_int_equal(msgpack_idx_check(junk, s, &n, &why), -1);
	}
}

static void
test_msgpack_garbage_in_packs_dir_is_ignored(void **state)
{
	char *dir = packed_district(), *packs, *sub;
	static const char *junk[] = { "README", "pack-zz.idx",
	    "pack-0123456789abcdef.idx", "pack-0123456789abcde.pack",
	    "pack-fedcba9876543210.pack" };

	(void)state;
	packs = xasprintf("%s/messages/packs", dir);
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		xfree(tu_write_str(packs, junk[i], "garbage"));
	sub = xasprintf("%s/pack-1111111111111111.idx", packs);
	assert_int_equal(spool_mkdirs(sub), 0);	/* a directory, index-named */
	xfree(sub);
	expect_msg(dir, 7, ST_OK);
	assert_int_equal(msgstore_get(dir, "not-a-hash", 100, &(char *){ NULL },
	    &(size_t){ 0 }), ST_NOTFOUND);
	assert_int_equal(msgpack_name_kind("pack-0123456789abcdef.pack"), 'p');
	assert_int_equal(msgpack_name_kind("pack-0123456789ABCDEF.pack"), 0);
	assert_int_equal(msgpack_name_kind("pack-0123456789abcdef.idx.tmp"), 0);
	xfree(packs);
	tu_tmpdir_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msgpack_failed_commit_names_nothing_and_the_next_works),
		cmocka_unit_test(test_msgpack_commit_then_read_every_message),
		cmocka_unit_test(test_msgpack_batches_rewrite_the_index_and_readers_see_them),
		cmocka_unit_test(test_msgpack_truncated_and_zero_length_packs),
		cmocka_unit_test(test_msgpack_damaged_index_checksum),
		cmocka_unit_test(test_msgpack_has_probes_without_loading),
		cmocka_unit_test(test_msgpack_index_check_refuses_hostile_indexes),
		cmocka_unit_test(test_msgpack_garbage_in_packs_dir_is_ignored),
	};

	setenv("LISTD_FAULT", "msgpack.fsync:2", 1);
	return cmocka_run_group_tests_name("msgpack", tests, NULL, NULL);
}
