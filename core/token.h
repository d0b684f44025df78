/* token.h - unguessable tokens and signatures. Random tokens name a pending
 * confirmation (stored, single-use, expiring); signatures (HMAC-SHA256 with
 * the site's secret key) make stateless links such as one-click
 * unsubscribe verifiable. Both are lower-case base32, so they survive an
 * MTA that folds the case of a local part. */
#ifndef LISTD_TOKEN_H
#define LISTD_TOKEN_H

#include <stddef.h>

#define TOKEN_LEN	32	/* 160 random bits in base32 */
#define TOKEN_SIG_LEN	26	/* 128 bits of HMAC in base32 */

/* Load the site secret from path, creating it (32 random bytes, mode 0600)
 * when absent. -1 (logged) when it can be neither read nor made. Call once
 * before threads start. */
int	token_secret_load(const char *path);
/* A fresh random token into out (TOKEN_LEN + 1 bytes). */
void	token_random(char *out);
/* Signature of payload into out (TOKEN_SIG_LEN + 1 bytes). */
void	token_sign(const char *payload, char *out);
/* Does sig sign payload? Constant-time comparison. */
int	token_verify(const char *payload, const char *sig);
/* Is s made only of base32 characters and of length len? */
int	token_shape_ok(const char *s, size_t len);
/* base32 (lower case, no padding) of data into out (2 * n + 1 is enough). */
void	token_base32(const unsigned char *data, size_t n, char *out);

#endif
