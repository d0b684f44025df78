/* msgstore.c - content-addressed raw messages (see msgstore.h): loose
 * files here, packs through msgpack.c. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "core/msgpack.h"
#include "core/msgstore.h"
#include "core/spool.h"
#include "core/xmem.h"

void
msgstore_sha256(const void *data, size_t len, unsigned char *digest)
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
}

void
msgstore_hash(const void *data, size_t len, char *hash)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[SHA256_DIGEST_SIZE];

	msgstore_sha256(data, len, d);
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
		hash[2 * i] = hex[d[i] >> 4];
		hash[2 * i + 1] = hex[d[i] & 15];
	}
	hash[MSGSTORE_HASH_LEN] = '\0';
}

static int
hash_valid(const char *hash)
{
	if (strlen(hash) != MSGSTORE_HASH_LEN)
		return 0;
	for (const char *p = hash; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

char *
msgstore_path(const char *district_dir, const char *hash)
{
	if (!hash_valid(hash))
		return NULL;
	return xasprintf("%s/messages/%.2s/%s.eml", district_dir, hash, hash);
}

enum status
msgstore_put(const char *district_dir, const void *data, size_t len,
    char *hash)
{
	char *dir, *path, name[MSGSTORE_HASH_LEN + 8];
	struct stat sb;
	enum status st = ST_OK;

	msgstore_hash(data, len, hash);
	dir = xasprintf("%s/messages/%.2s", district_dir, hash);
	path = xasprintf("%s/%s.eml", dir, hash);
	if ((stat(path, &sb) == 0 && (size_t)sb.st_size == len) ||
	    msgpack_has(district_dir, hash))
		goto out;
	if (spool_mkdirs(dir) == -1) {
		st = ST_TEMP;
		goto out;
	}
	snprintf(name, sizeof(name), "%s.eml", hash);
	st = spool_write_file(dir, name, data, len);
out:
	xfree(dir);
	xfree(path);
	return st;
}

enum status
msgstore_get(const char *district_dir, const char *hash, size_t max,
    char **data, size_t *len)
{
	char *path = msgstore_path(district_dir, hash);
	enum status st;

	if (path == NULL)
		return ST_NOTFOUND;
	st = spool_read_file(path, max, data, len);
	xfree(path);
	if (st == ST_NOTFOUND)
		st = msgpack_read(district_dir, hash, max, data, len);
	return st;
}

int
msgstore_has(const char *district_dir, const char *hash)
{
	char *path = msgstore_path(district_dir, hash);
	int rc;

	if (path == NULL)
		return 0;
	rc = access(path, F_OK) == 0 || msgpack_has(district_dir, hash);
	xfree(path);
	return rc;
}
