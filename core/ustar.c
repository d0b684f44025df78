/* ustar.c - write and read the ustar subset district backups use: 512-byte
 * headers with an octal size and checksum, content padded to 512 bytes, two
 * zero blocks at the end. Deciding which names are acceptable is the
 * caller's job; this file only checks the format. */
#include <errno.h>
#include <string.h>

#include "core/ustar.h"

#define BLOCK	512

static void
octal(char *field, size_t len, uint64_t v)
{
	snprintf(field, len, "%0*llo", (int)len - 1, (unsigned long long)v);
}

static unsigned
checksum(const unsigned char *h)
{
	unsigned sum = 0;

	for (int i = 0; i < BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum;
}

static int
write_header(FILE *out, const char *name, uint64_t size)
{
	unsigned char h[BLOCK];
	size_t n = strlen(name);

	if (n == 0 || n > USTAR_NAME_MAX) {
		errno = EINVAL;
		return -1;
	}
	memset(h, 0, sizeof(h));
	memcpy(h, name, n);
	octal((char *)h + 100, 8, 0644);
	octal((char *)h + 108, 8, 0);
	octal((char *)h + 116, 8, 0);
	octal((char *)h + 124, 12, size);
	octal((char *)h + 136, 12, 0);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	snprintf((char *)h + 148, 8, "%06o", checksum(h));
	return fwrite(h, 1, BLOCK, out) == BLOCK ? 0 : -1;
}

static int
write_pad(FILE *out, uint64_t size)
{
	static const char zero[BLOCK];
	size_t pad = (BLOCK - size % BLOCK) % BLOCK;

	return fwrite(zero, 1, pad, out) == pad ? 0 : -1;
}

int
ustar_write_mem(FILE *out, const char *name, const void *data, size_t len)
{
	if (write_header(out, name, len) == -1 ||
	    (len && fwrite(data, 1, len, out) != len))
		return -1;
	return write_pad(out, len);
}

int
ustar_write_path(FILE *out, const char *name, const char *path)
{
	char buf[65536];
	FILE *in = fopen(path, "rb");
	uint64_t size, done = 0;
	size_t n;
	int rc = -1, saved;

	if (in == NULL)
		return -1;
	if (fseeko(in, 0, SEEK_END) == -1 || (size = (uint64_t)ftello(in),
	    fseeko(in, 0, SEEK_SET)) == -1 || write_header(out, name, size) == -1)
		goto out;
	while (done < size && (n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (n > size - done)
			n = size - done;
		if (fwrite(buf, 1, n, out) != n)
			goto out;
		done += n;
	}
	if (done != size) {
		errno = EIO;	/* the file shrank while we read it */
		goto out;
	}
	rc = write_pad(out, size);
out:
	saved = errno;
	fclose(in);
	errno = saved;
	return rc;
}

int
ustar_write_end(FILE *out)
{
	static const char zero[2 * BLOCK];

	return fwrite(zero, 1, sizeof(zero), out) == sizeof(zero) ? 0 : -1;
}

/* Parse an octal field (NUL or space terminated). -1 when malformed. */
static int
parse_octal(const unsigned char *f, size_t len, uint64_t *v)
{
	size_t i = 0;

	*v = 0;
	while (i < len && f[i] == ' ')
		i++;
	if (i == len || f[i] < '0' || f[i] > '7')
		return -1;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
		if (*v > (UINT64_MAX >> 3))
			return -1;
		*v = (*v << 3) | (uint64_t)(f[i] - '0');
	}
	for (; i < len; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	return 0;
}

static int
is_zero(const unsigned char *h)
{
	for (int i = 0; i < BLOCK; i++)
		if (h[i])
			return 0;
	return 1;
}

int
ustar_next(FILE *in, struct ustar_entry *e, char *err, size_t err_len)
{
	unsigned char h[BLOCK];
	uint64_t sum;

	memset(e, 0, sizeof(*e));
	if (fread(h, 1, BLOCK, in) != BLOCK) {
		snprintf(err, err_len, "truncated: the archive ends without its "
		    "end marker");
		return -1;
	}
	if (is_zero(h))
		return 0;
	if (parse_octal(h + 148, 8, &sum) == -1 || sum != checksum(h)) {
		snprintf(err, err_len, "not a ustar archive or a damaged header "
		    "(checksum)");
		return -1;
	}
	if (memcmp(h + 257, "ustar", 5) != 0 || h[345] != '\0') {
		snprintf(err, err_len, "not a plain ustar header (magic or name "
		    "prefix)");
		return -1;
	}
	if (parse_octal(h + 124, 12, &e->size) == -1) {
		snprintf(err, err_len, "malformed size field");
		return -1;
	}
	memcpy(e->name, h, USTAR_NAME_MAX);
	e->name[USTAR_NAME_MAX] = '\0';
	e->type = h[156] ? (char)h[156] : '0';
	return 1;
}

int
ustar_copy(FILE *in, const struct ustar_entry *e, FILE *out, char *err,
    size_t err_len)
{
	char buf[65536];
	uint64_t left = e->size + (BLOCK - e->size % BLOCK) % BLOCK;
	uint64_t data_left = e->size;

	while (left > 0) {
		size_t want = left < sizeof(buf) ? (size_t)left : sizeof(buf);
		size_t n = fread(buf, 1, want, in), keep;

		if (n == 0) {
			snprintf(err, err_len, "truncated: %s ends early", e->name);
			return -1;
		}
		keep = n < data_left ? n : (size_t)data_left;
		if (out && keep && fwrite(buf, 1, keep, out) != keep) {
			snprintf(err, err_len, "cannot write %s: %s", e->name,
			    strerror(errno));
			return -1;
		}
		data_left -= keep;
		left -= n;
	}
	return 0;
}
