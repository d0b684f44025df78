/* msgpack.c - reading packed raw messages (format in msgpack.h): the index
 * check, a per-process cache of each district's loaded indexes (one mutex;
 * a reader dup()s the pack's descriptor under it and reads outside it), and
 * full verification for backups. Writing is in msgpack_writer.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/msgpack.h"
#include "core/msgstore.h"
#include "core/xmem.h"

struct pack {
	char		 id[MSGPACK_ID_LEN + 1];
	struct stat	 idx_sb;	/* the index file this was loaded from */
	unsigned char	*idx;
	uint32_t	 count;
	int		 fd;		/* the pack, or -1 when unusable */
};

struct dcache {
	struct dcache	*next;
	char		*dir;		/* district directory */
	struct stat	 dir_sb;	/* packs/ when last scanned */
	int		 scanned;
	struct pack	*packs;
	size_t		 n;
};

static pthread_mutex_t	 cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct dcache	*caches;	/* guarded by cache_mu */

static uint64_t	get64(const unsigned char *);
static uint64_t	idx_count(const unsigned char *);
static int	unhex(const char *, unsigned char *);
static int	idx_load(const char *, const char *, unsigned char **, size_t *,
		    struct stat *, uint32_t *, char *, size_t);
static int	pack_open(const char *, const char *, char *, size_t);
static void	pack_release(struct pack *);
static void	cache_scan(struct dcache *);
static int	cache_find(struct dcache *, const unsigned char *, int *,
		    uint64_t *, uint64_t *);
static struct dcache	*cache_get(const char *);
static int	lookup(const char *, const char *, int, int *, uint64_t *,
		    uint64_t *);
static enum status	pread_all(int, char *, size_t, uint64_t);
static int	probe_one(const char *, const char *, const unsigned char *);
static int	verify_entry(int, uint64_t, const unsigned char *, const char *,
		    char *, size_t);

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* The entry count of an index header (32 bits, little-endian). */
static uint64_t
idx_count(const unsigned char *hdr)
{
	return (uint64_t)hdr[12] | (uint64_t)hdr[13] << 8 |
	    (uint64_t)hdr[14] << 16 | (uint64_t)hdr[15] << 24;
}

static int
unhex(const char *hash, unsigned char *raw)
{
	for (int i = 0; i < 32; i++) {
		unsigned v = 0;

		for (int k = 0; k < 2; k++) {
			char c = hash[2 * i + k];

			if (c >= '0' && c <= '9')
				v = v * 16 + (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v = v * 16 + (unsigned)(c - 'a' + 10);
			else
				return -1;
		}
		raw[i] = (unsigned char)v;
	}
	return hash[64] == '\0' ? 0 : -1;
}

int
msgpack_name_kind(const char *name)
{
	const char *p = name + 5 + MSGPACK_ID_LEN;

	if (strncmp(name, "pack-", 5) != 0 || strlen(name) < 5 + MSGPACK_ID_LEN)
		return 0;
	for (int i = 0; i < MSGPACK_ID_LEN; i++)
		if (!((name[5 + i] >= '0' && name[5 + i] <= '9') ||
		    (name[5 + i] >= 'a' && name[5 + i] <= 'f')))
			return 0;
	if (strcmp(p, ".pack") == 0)
		return 'p';
	if (strcmp(p, ".idx") == 0)
		return 'i';
	return 0;
}

int
msgpack_idx_check(const unsigned char *data, size_t size, uint32_t *count,
    const char **why)
{
	unsigned char sum[MSGPACK_SUM];
	uint64_t n, covered;

	*why = NULL;
	if (size < MSGPACK_HDR + MSGPACK_SUM ||
	    memcmp(data, MSGPACK_IDX_MAGIC, 8) != 0)
		*why = "not a pack index (magic)";
	else if (data[8] != MSGPACK_IDX_VERSION || data[9] || data[10] ||
	    data[11])
		*why = "unknown pack index version";
	if (*why)
		return -1;
	n = idx_count(data);
	covered = get64(data + 16);
	if (size != MSGPACK_HDR + n * MSGPACK_ENTRY + MSGPACK_SUM) {
		*why = "pack index size does not match its count (truncated)";
		return -1;
	}
	msgstore_sha256(data, size - MSGPACK_SUM, sum);
	if (memcmp(sum, data + size - MSGPACK_SUM, MSGPACK_SUM) != 0) {
		*why = "pack index checksum mismatch (damaged)";
		return -1;
	}
	for (uint64_t i = 0; i < n; i++) {
		const unsigned char *e = data + MSGPACK_HDR + i * MSGPACK_ENTRY;
		uint64_t off = get64(e + 32), len = get64(e + 40);

		if (i > 0 && memcmp(e - MSGPACK_ENTRY, e, 32) >= 0)
			*why = memcmp(e - MSGPACK_ENTRY, e, 32) == 0 ?
			    "pack index lists a hash twice" :
			    "pack index is not sorted";
		else if (off < 8 || off > covered || len > covered - off)
			*why = "pack index entry points past the pack's end";
		if (*why)
			return -1;
	}
	*count = (uint32_t)n;
	return 0;
}

/* Read and check dir/packs/<idx_name> into *data (xfree). 0, or -1 with
 * err. */
static int
idx_load(const char *packs, const char *idx_name, unsigned char **data,
    size_t *size, struct stat *sb, uint32_t *count, char *err, size_t len)
{
	char *path = xasprintf("%s/%s", packs, idx_name);
	const char *why = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;
	size_t got = 0;
	ssize_t n = 0;

	*data = NULL;
	if (fd == -1 || fstat(fd, sb) == -1) {
		snprintf(err, len, "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb->st_mode) || (uint64_t)sb->st_size > MSGPACK_IDX_MAX) {
		snprintf(err, len, "%s: not a regular file of at most %zu bytes",
		    path, MSGPACK_IDX_MAX);
		goto out;
	}
	*size = (size_t)sb->st_size;
	*data = xmalloc(*size ? *size : 1);
	while (got < *size && ((n = read(fd, *data + got, *size - got)) > 0 ||
	    (n == -1 && errno == EINTR)))
		got += n > 0 ? (size_t)n : 0;
	if (got != *size)
		snprintf(err, len, "%s: short read", path);
	else if (msgpack_idx_check(*data, *size, count, &why) == -1)
		snprintf(err, len, "%s: %s", path, why);
	else
		rc = 0;
out:
	if (rc == -1) {
		xfree(*data);
		*data = NULL;
	}
	if (fd != -1)
		close(fd);
	xfree(path);
	return rc;
}

/* Open packs/pack-<id>.pack and check its magic. fd, or -1 with err. */
static int
pack_open(const char *packs, const char *id, char *err, size_t len)
{
	char *path = xasprintf("%s/pack-%s.pack", packs, id), magic[8];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		snprintf(err, len, "cannot open %s: %s", path, strerror(errno));
	else if (pread(fd, magic, 8, 0) != 8 || memcmp(magic, MSGPACK_MAGIC, 8)) {
		snprintf(err, len, "%s: not a pack (empty, or no magic)", path);
		close(fd);
		fd = -1;
	}
	xfree(path);
	return fd;
}

static void
pack_release(struct pack *p)
{
	if (p->fd != -1)
		close(p->fd);
	xfree(p->idx);
}

/* Load what changed in c's packs/ directory. Called with cache_mu held. */
static void
cache_scan(struct dcache *c)
{
	char *packs = xasprintf("%s/messages/packs", c->dir), err[512];
	struct pack *np = NULL, *old;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	c->scanned = 1;
	if ((d = opendir(packs)) == NULL || fstat(dirfd(d), &c->dir_sb) == -1)
		memset(&c->dir_sb, 0, sizeof(c->dir_sb));
	while (d && (de = readdir(d)) != NULL) {
		struct pack p = { .fd = -1 };
		size_t size;

		if (de->d_name[0] == '.')
			continue;	/* ., .., spool temporaries */
		if (msgpack_name_kind(de->d_name) == 0) {
			log_warnx("msgpack ignored-file dir=%s name=%s", packs,
			    de->d_name);
			continue;
		}
		if (msgpack_name_kind(de->d_name) != 'i')
			continue;
		memcpy(p.id, de->d_name + 5, MSGPACK_ID_LEN);
		old = NULL;
		for (size_t i = 0; i < c->n && old == NULL; i++)
			if (strcmp(c->packs[i].id, p.id) == 0)
				old = &c->packs[i];
		if (old && old->idx_sb.st_ino == 0)
			old = NULL;
		if (old && fstatat(dirfd(d), de->d_name, &p.idx_sb, 0) == 0 &&
		    p.idx_sb.st_ino == old->idx_sb.st_ino &&
		    p.idx_sb.st_size == old->idx_sb.st_size &&
		    p.idx_sb.st_mtim.tv_nsec == old->idx_sb.st_mtim.tv_nsec &&
		    p.idx_sb.st_mtim.tv_sec == old->idx_sb.st_mtim.tv_sec) {
			p = *old;	/* unchanged: keep it */
			old->fd = -1;
			old->idx = NULL;
		} else if (idx_load(packs, de->d_name, &p.idx, &size, &p.idx_sb,
		    &p.count, err, sizeof(err)) == -1 ||
		    (p.fd = pack_open(packs, p.id, err, sizeof(err))) == -1) {
			log_warnx("msgpack unusable dir=%s pack=%s reason=\"%s\"",
			    packs, p.id, err);
			xfree(p.idx);
			continue;
		}
		if (n == cap)
			np = xrealloc(np, (cap = cap ? cap * 2 : 8) * sizeof(*np));
		np[n++] = p;
	}
	if (d)
		closedir(d);
	for (size_t i = 0; i < c->n; i++)
		pack_release(&c->packs[i]);
	xfree(c->packs);
	c->packs = np;
	c->n = n;
	xfree(packs);
}

/* Binary search every pack of c for raw. 1 with *fd (dup'ed: the caller
 * closes it), *off, *len; 0 when absent. Called with cache_mu held. */
static int
cache_find(struct dcache *c, const unsigned char *raw, int *fd,
    uint64_t *off, uint64_t *len)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct pack *p = &c->packs[i];
		size_t lo = 0, hi = p->count;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			const unsigned char *e = p->idx + MSGPACK_HDR +
			    mid * MSGPACK_ENTRY;
			int cmp = memcmp(raw, e, 32);

			if (cmp == 0) {
				*off = get64(e + 32);
				*len = get64(e + 40);
				if (fd)
					*fd = dup(p->fd);
				return 1;
			}
			if (cmp < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
	}
	return 0;
}

/* The cache of district dir, made on first use. cache_mu held. */
static struct dcache *
cache_get(const char *dir)
{
	struct dcache *c;

	for (c = caches; c; c = c->next)
		if (strcmp(c->dir, dir) == 0)
			return c;
	c = xcalloc(1, sizeof(*c));
	c->dir = xstrdup(dir);
	c->next = caches;
	caches = c;
	return c;
}

/* Look hash up in dir's packs, rescanning when packs/ changed (or, with
 * rescan_on_miss, when it is not found). 1 found, 0 not, -1 bad hash. */
static int
lookup(const char *dir, const char *hash, int rescan_on_miss, int *fd,
    uint64_t *off, uint64_t *len)
{
	unsigned char raw[32];
	char *packs;
	struct stat sb;
	struct dcache *c;
	int found, fresh = 0;

	if (unhex(hash, raw) == -1)
		return -1;
	packs = xasprintf("%s/messages/packs", dir);
	if (stat(packs, &sb) == -1)
		memset(&sb, 0, sizeof(sb));
	xfree(packs);
	pthread_mutex_lock(&cache_mu);
	c = cache_get(dir);
	if (!c->scanned || sb.st_ino != c->dir_sb.st_ino ||
	    sb.st_mtim.tv_sec != c->dir_sb.st_mtim.tv_sec ||
	    sb.st_mtim.tv_nsec != c->dir_sb.st_mtim.tv_nsec) {
		cache_scan(c);
		fresh = 1;
	}
	found = cache_find(c, raw, fd, off, len);
	if (!found && rescan_on_miss && !fresh && sb.st_ino != 0) {
		cache_scan(c);
		found = cache_find(c, raw, fd, off, len);
	}
	pthread_mutex_unlock(&cache_mu);
	return found;
}

/* Is raw's message in the pack whose index is packs/idx_name, without
 * loading the index: its header is checked, its entries searched with a
 * few reads, and a hit counts only when the pack's bytes there hash to
 * raw (so a damaged index never makes a message look stored). */
static int
probe_one(const char *packs, const char *idx_name, const unsigned char *raw)
{
	char *path = xasprintf("%s/%s", packs, idx_name), id[MSGPACK_ID_LEN + 1];
	char err[256];
	unsigned char hdr[MSGPACK_HDR], e[MSGPACK_ENTRY];
	uint64_t n, lo = 0, hi;
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC), pfd, found = 0;

	xfree(path);
	if (fd == -1)
		return 0;
	if (fstat(fd, &sb) == -1 || pread(fd, hdr, sizeof(hdr), 0) !=
	    (ssize_t)sizeof(hdr) || memcmp(hdr, MSGPACK_IDX_MAGIC, 8) != 0 ||
	    hdr[8] != MSGPACK_IDX_VERSION)
		goto out;
	n = idx_count(hdr);
	if ((uint64_t)sb.st_size != MSGPACK_HDR + n * MSGPACK_ENTRY +
	    MSGPACK_SUM)
		goto out;
	for (hi = n; lo < hi && !found;) {
		uint64_t mid = lo + (hi - lo) / 2;
		int cmp;

		if (pread(fd, e, sizeof(e), (off_t)(MSGPACK_HDR + mid *
		    MSGPACK_ENTRY)) != (ssize_t)sizeof(e))
			goto out;
		if ((cmp = memcmp(raw, e, 32)) == 0)
			found = 1;
		else if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (!found)
		goto out;
	memcpy(id, idx_name + 5, MSGPACK_ID_LEN);
	id[MSGPACK_ID_LEN] = '\0';
	found = 0;
	if ((pfd = pack_open(packs, id, err, sizeof(err))) == -1)
		goto out;
	if (fstat(pfd, &sb) == 0)
		found = verify_entry(pfd, (uint64_t)sb.st_size, e, id, err,
		    sizeof(err)) == 0;
	close(pfd);
out:
	close(fd);
	return found;
}

void
msgpack_preload(const char *district_dir)
{
	struct dcache *c;

	pthread_mutex_lock(&cache_mu);
	c = cache_get(district_dir);
	if (!c->scanned)
		cache_scan(c);
	pthread_mutex_unlock(&cache_mu);
}

/* Without a loaded cache, each index is probed (a process that asks once,
 * like listctl archive add, would otherwise read and checksum every
 * index); with one, the cache answers. */
int
msgpack_has(const char *district_dir, const char *hash)
{
	unsigned char raw[32];
	uint64_t off, len;
	struct dcache *c;
	struct dirent *de;
	char *packs;
	DIR *d;
	int loaded, found = 0;

	if (unhex(hash, raw) == -1)
		return 0;
	pthread_mutex_lock(&cache_mu);
	c = cache_get(district_dir);
	loaded = c->scanned;
	pthread_mutex_unlock(&cache_mu);
	if (loaded)
		return lookup(district_dir, hash, 0, NULL, &off, &len) == 1;
	packs = xasprintf("%s/messages/packs", district_dir);
	if ((d = opendir(packs)) != NULL) {
		while (!found && (de = readdir(d)) != NULL)
			if (de->d_name[0] != '.' &&
			    msgpack_name_kind(de->d_name) == 'i')
				found = probe_one(packs, de->d_name, raw);
		closedir(d);
	}
	xfree(packs);
	return found;
}

static enum status
pread_all(int fd, char *buf, size_t len, uint64_t off)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = pread(fd, buf + got, len - got, (off_t)(off + got));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return ST_TEMP;
		if (n == 0)
			return ST_DATA;	/* the pack ends early */
		got += (size_t)n;
	}
	return ST_OK;
}

enum status
msgpack_read(const char *district_dir, const char *hash, size_t max,
    char **data, size_t *len)
{
	uint64_t off, n;
	int fd = -1, found;
	enum status st;

	*data = NULL;
	*len = 0;
	if ((found = lookup(district_dir, hash, 1, &fd, &off, &n)) != 1)
		return ST_NOTFOUND;
	if (fd == -1)
		return ST_TEMP;
	if (n > max) {
		close(fd);
		return ST_TOOBIG;
	}
	*data = xmalloc((size_t)n + 1);
	if ((st = pread_all(fd, *data, (size_t)n, off)) != ST_OK) {
		log_warnx("msgpack read dir=%s hash=%s offset=%llu length=%llu "
		    "status=%s%s", district_dir, hash, (unsigned long long)off,
		    (unsigned long long)n, status_name(st),
		    st == ST_DATA ? " reason=\"pack truncated\"" : "");
		xfree(*data);
		*data = NULL;
	} else {
		(*data)[n] = '\0';
		*len = (size_t)n;
	}
	close(fd);
	return st;
}

/* Does the entry e of pack fd (size bytes) hold the bytes its hash names?
 * 0, or -1 with err. */
static int
verify_entry(int fd, uint64_t size, const unsigned char *e, const char *id,
    char *err, size_t err_len)
{
	char hex[MSGSTORE_HASH_LEN + 1], got[MSGSTORE_HASH_LEN + 1], *buf;
	uint64_t off = get64(e + 32), len = get64(e + 40);
	int rc = -1;

	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", e[i]);
	if (off > size || len > size - off) {
		snprintf(err, err_len, "pack-%s.pack is truncated (message %s)",
		    id, hex);
		return -1;
	}
	buf = xmalloc(len ? (size_t)len : 1);
	if (pread_all(fd, buf, (size_t)len, off) != ST_OK)
		snprintf(err, err_len, "pack-%s.pack cannot be read (message "
		    "%s)", id, hex);
	else if (msgstore_hash(buf, (size_t)len, got), strcmp(got, hex) != 0)
		snprintf(err, err_len, "pack-%s.pack does not hold message %s "
		    "(damaged)", id, hex);
	else
		rc = 0;
	xfree(buf);
	return rc;
}

long
msgpack_check(const char *dir, const char *idx_name, int deep, char *err,
    size_t err_len)
{
	char id[MSGPACK_ID_LEN + 1] = "";
	unsigned char *idx;
	struct stat sb;
	uint32_t count;
	size_t size;
	long n = -1;
	int fd;

	if (msgpack_name_kind(idx_name) != 'i') {
		snprintf(err, err_len, "%s is not a pack index name", idx_name);
		return -1;
	}
	memcpy(id, idx_name + 5, MSGPACK_ID_LEN);
	if (idx_load(dir, idx_name, &idx, &size, &sb, &count, err, err_len))
		return -1;
	if ((fd = pack_open(dir, id, err, err_len)) == -1)
		goto out;
	if (fstat(fd, &sb) == -1) {
		snprintf(err, err_len, "pack-%s.pack: %s", id, strerror(errno));
		goto out;
	}
	if ((uint64_t)sb.st_size < get64(idx + 16)) {
		snprintf(err, err_len, "pack-%s.pack: %lld bytes, its index "
		    "covers %llu (truncated)", id, (long long)sb.st_size,
		    (unsigned long long)get64(idx + 16));
		goto out;
	}
	for (uint32_t i = 0; deep && i < count; i++)
		if (verify_entry(fd, (uint64_t)sb.st_size, idx + MSGPACK_HDR +
		    (size_t)i * MSGPACK_ENTRY, id, err, err_len) == -1)
			goto out;
	n = (long)count;
out:
	if (fd != -1)
		close(fd);
	xfree(idx);
	return n;
}
