/* unsub.c - signed one-click unsubscribe links (RFC 8058): making them for
 * the delivery side and checking them for the web side. No store access. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/addr.h"
#include "core/token.h"
#include "core/unsub.h"

static void unsub_payload(char *out, size_t out_len, const char *slug,
    const char *list, const char *address);

static void
unsub_payload(char *out, size_t out_len, const char *slug, const char *list,
    const char *address)
{
	size_t n;

	n = (size_t)snprintf(out, out_len, "unsub:%s:%s:", slug, list);
	for (const char *p = address; *p && n + 1 < out_len; p++)
		out[n++] = (char)tolower((unsigned char)*p);
	if (n < out_len)
		out[n] = '\0';
}

int
web_unsubscribe_url(char *out, size_t out_len, const char *base,
    const char *slug, const char *list, const char *address)
{
	char payload[ADDR_MAX + 200], sig[TOKEN_SIG_LEN + 1], enc[3 * ADDR_MAX + 1];
	size_t n = 0;
	int len;

	if (!*slug || !*list || !*address || strlen(address) > ADDR_MAX)
		return -1;
	unsub_payload(payload, sizeof(payload), slug, list, address);
	token_sign(payload, sig);
	for (const unsigned char *p = (const unsigned char *)address; *p; p++) {
		if (isalnum(*p) || strchr("@.-_", *p))
			enc[n++] = (char)*p;
		else
			n += (size_t)snprintf(enc + n, 4, "%%%02X", *p);
	}
	enc[n] = '\0';
	len = snprintf(out, out_len, "%s/d/%s/lists/%s/unsubscribe?a=%s&s=%s",
	    base, slug, list, enc, sig);
	return len < 0 || (size_t)len >= out_len ? -1 : 0;
}

int
web_unsubscribe_check(const char *slug, const char *list,
    const char *address, const char *sig)
{
	char payload[ADDR_MAX + 200];

	if (sig == NULL || address == NULL || strlen(address) > ADDR_MAX ||
	    !token_shape_ok(sig, TOKEN_SIG_LEN))
		return 0;
	unsub_payload(payload, sizeof(payload), slug, list, address);
	return token_verify(payload, sig);
}
