/* token.c - random tokens and HMAC signatures (see token.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <glib.h>

#include "core/log.h"
#include "core/token.h"

#define SECRET_LEN	32

static unsigned char secret[SECRET_LEN];
static int have_secret;

void
token_base32(const unsigned char *data, size_t n, char *out)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned int acc = 0;
	int bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | data[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = alphabet[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = alphabet[(acc << (5 - bits)) & 31];
	out[o] = '\0';
}

static void
random_bytes(unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);

		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0)
			fatal("getrandom");
		p += got;
		n -= (size_t)got;
	}
}

int
token_secret_load(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd == -1 && errno == ENOENT) {
		random_bytes(secret, sizeof(secret));
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd == -1 && errno == EEXIST)	/* another process won */
			return token_secret_load(path);
		if (fd == -1 || write(fd, secret, sizeof(secret)) !=
		    (ssize_t)sizeof(secret) || fsync(fd) == -1) {
			log_warn("token cannot write secret path=%s", path);
			if (fd != -1)
				close(fd);
			return -1;
		}
		close(fd);
		have_secret = 1;
		return 0;
	}
	if (fd == -1) {
		log_warn("token cannot read secret path=%s", path);
		return -1;
	}
	n = read(fd, secret, sizeof(secret));
	close(fd);
	if (n != (ssize_t)sizeof(secret)) {
		log_warnx("token secret too short path=%s", path);
		return -1;
	}
	have_secret = 1;
	return 0;
}

void
token_random(char *out)
{
	unsigned char raw[20];

	random_bytes(raw, sizeof(raw));
	token_base32(raw, sizeof(raw), out);
}

void
token_sign(const char *payload, char *out)
{
	GHmac *h;
	guint8 digest[32];
	gsize len = sizeof(digest);

	if (!have_secret)
		fatalx("token_sign before token_secret_load");
	h = g_hmac_new(G_CHECKSUM_SHA256, secret, sizeof(secret));
	g_hmac_update(h, (const guchar *)payload, (gssize)strlen(payload));
	g_hmac_get_digest(h, digest, &len);
	g_hmac_unref(h);
	token_base32(digest, 16, out);
}

int
token_verify(const char *payload, const char *sig)
{
	char want[TOKEN_SIG_LEN + 1];
	unsigned char diff = 0;

	if (!token_shape_ok(sig, TOKEN_SIG_LEN))
		return 0;
	token_sign(payload, want);
	for (size_t i = 0; i < TOKEN_SIG_LEN; i++)
		diff |= (unsigned char)(want[i] ^ sig[i]);
	return diff == 0;
}

int
token_shape_ok(const char *s, size_t len)
{
	size_t n = strlen(s);

	if (n != len)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '2' && s[i] <= '7')))
			return 0;
	return 1;
}
