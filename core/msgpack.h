/* msgpack.h - raw messages kept in pack files under
 * districts/<slug>/messages/packs/ instead of one file each (an import
 * writes 10,000 messages; creating 10,000 inodes was most of its time).
 * pack-<16 hex>.pack is "LDPACK1\n" then the messages' bytes back to back;
 * pack-<16 hex>.idx maps SHA-256 -> (offset, length), sorted by hash:
 *
 *   "LDPKIDX\n" | u32 version (1) | u32 count | u64 pack bytes covered
 *   count x { 32-byte SHA-256 | u64 offset | u64 length }
 *   32-byte SHA-256 of everything above
 *
 * (integers little-endian). The pack's bytes are fdatasync'ed before the
 * index naming them is written (temporary name, fsync, rename, directory
 * fsync), so an index never names bytes that are not on disk; a crash leaves
 * at most unreferenced bytes at a pack's tail. Reading (msgpack_read) goes
 * through a per-process cache of loaded indexes, safe from any thread.
 * Writing is msgpack_writer_*: one writer per import run, one thread. */
#ifndef LISTD_MSGPACK_H
#define LISTD_MSGPACK_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#define MSGPACK_MAGIC		"LDPACK1\n"
#define MSGPACK_IDX_MAGIC	"LDPKIDX\n"
#define MSGPACK_IDX_VERSION	1
#define MSGPACK_HDR		24	/* index header bytes */
#define MSGPACK_ENTRY		48	/* index entry bytes */
#define MSGPACK_SUM		32	/* index trailer bytes */
#define MSGPACK_ID_LEN		16	/* hex digits of a pack's name */
#define MSGPACK_IDX_MAX		((size_t)1 << 30)	/* 22M messages */

struct msgpack_writer;

/* Is name "pack-<16 hex>.pack" (kind 'p') or ".idx" (kind 'i')? Returns
 * the kind, or 0 for any other name. */
int		msgpack_name_kind(const char *name);
/* Check an index image data[0..size): magic, version, size, checksum,
 * hashes strictly ascending (a hash listed twice is refused), every entry
 * inside the pack bytes it covers. 0 with *count set, or -1 with *why (a
 * static string). */
int		msgpack_idx_check(const unsigned char *data, size_t size,
		    uint32_t *count, const char **why);
/* Read the message hash (64 hex) from district_dir's packs (at most max
 * bytes). ST_NOTFOUND when no loaded index names it, ST_DATA when one does
 * but its bytes cannot be read (truncated pack: logged), ST_TOOBIG over
 * max, ST_TEMP on an I/O error. *data (NUL-terminated) is freed with
 * xfree(). Thread-safe. */
enum status	msgpack_read(const char *district_dir, const char *hash,
		    size_t max, char **data, size_t *len);
/* Does one of district_dir's packs hold hash? With the process's cache of
 * that district loaded, the cache answers (reloading only when the packs
 * directory changed); without, each index is probed with a few reads and
 * a hit is checked against the pack's bytes. */
int		msgpack_has(const char *district_dir, const char *hash);
/* Load district_dir's indexes into the process's cache now, so that
 * msgpack_has answers from memory: for a process about to ask about many
 * messages (an import, the daemon), where a probe each would cost a
 * directory read and a dozen reads per pack. */
void		msgpack_preload(const char *district_dir);
/* Check the pack whose index is dir/idx_name: the index checks out
 * (magic, version, size, checksum, order), its pack exists with the magic
 * and holds every byte the index covers; when deep, every entry's bytes
 * also hash to its name (a restore; listctl health runs it shallow, every
 * few minutes). Returns the number of messages, or -1 with a reason in
 * err. */
long		msgpack_check(const char *dir, const char *idx_name, int deep,
		    char *err, size_t err_len);

/* A writer appending to a new pack of district_dir (created at the first
 * add). Free with msgpack_writer_free(). */
struct msgpack_writer	*msgpack_writer_new(const char *district_dir);
/* Append data as hash (64 hex) unless this pack has it already. Not
 * durable until msgpack_writer_commit(). ST_OK, ST_TEMP, ST_NOSPACE. */
enum status	msgpack_writer_add(struct msgpack_writer *w, const char *hash,
		    const void *data, size_t len);
/* Make everything added durable: flush, fdatasync the pack, then write
 * its index durably. On failure the messages added since the last commit
 * are forgotten (their bytes are cut off) and the writer is usable again.
 * Fault points: msgpack.write, msgpack.fsync; crash point msgpack.commit
 * (between the pack's fdatasync and its index). */
enum status	msgpack_writer_commit(struct msgpack_writer *w);
/* Free w without committing; a pack no index names is removed. */
void		msgpack_writer_free(struct msgpack_writer *w);

#endif
