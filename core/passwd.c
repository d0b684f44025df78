/* passwd.c - yescrypt password hashes via libxcrypt's crypt_rn; the salt
 * comes from crypt_gensalt_rn with the system's random source. */
#include <crypt.h>
#include <string.h>

#include "core/passwd.h"

int
passwd_hash(const char *password, char *out, size_t out_len)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;
	const char *h;

	if (password == NULL || *password == '\0' ||
	    strlen(password) > PASSWD_MAX)
		return -1;
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt)) == NULL)
		return -1;
	memset(&cd, 0, sizeof(cd));
	h = crypt_rn(password, salt, &cd, sizeof(cd));
	if (h == NULL || h[0] != '$' || strlen(h) >= out_len)
		return -1;
	memcpy(out, h, strlen(h) + 1);
	return 0;
}

int
passwd_check(const char *password, const char *hash)
{
	struct crypt_data cd;
	const char *h;
	size_t n;
	unsigned char diff = 0;

	if (password == NULL || hash == NULL || hash[0] != '$' ||
	    strlen(password) > PASSWD_MAX)
		return 0;
	memset(&cd, 0, sizeof(cd));
	h = crypt_rn(password, hash, &cd, sizeof(cd));
	if (h == NULL || h[0] != '$' || (n = strlen(h)) != strlen(hash))
		return 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(h[i] ^ hash[i]);
	return diff == 0;
}
