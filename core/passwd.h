/* passwd.h - password hashing for admin accounts: yescrypt through
 * crypt(3) (libxcrypt), salted per password, verified in constant time. */
#ifndef LISTD_PASSWD_H
#define LISTD_PASSWD_H

#include <stddef.h>

#define PASSWD_MIN	10	/* characters in a new password */
#define PASSWD_MAX	256
#define PASSWD_HASH_MAX	200

/* Hash password into out ("$y$..."). -1 when crypt fails or the password
 * is out of bounds (min 1, max PASSWD_MAX bytes). */
int	passwd_hash(const char *password, char *out, size_t out_len);
/* Does password match hash? 0 for any malformed hash. */
int	passwd_check(const char *password, const char *hash);

#endif
