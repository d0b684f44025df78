/* unsub.c - signed unsubscribe links and member VERP tokens (see unsub.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "core/addr.h"
#include "core/token.h"
#include "core/xmem.h"
#include "core/unsub.h"

#define VERP_SIG_LEN	12

/* The signed text, lower-cased. Caller frees with xfree(); the inputs are
 * never truncated (an over-long address is signed whole). */
static char *
unsub_payload(const char *slug, const char *list, const char *address)
{
	char *out = xasprintf("unsub:%s:%s:%s", slug, list, address);

	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

int
unsub_url(char *out, size_t out_len, const char *base, const char *slug,
    const char *list, const char *address)
{
	char sig[TOKEN_SIG_LEN + 1], *payload;
	char *esc = g_uri_escape_string(address, NULL, FALSE);
	int n;

	payload = unsub_payload(slug, list, address);
	token_sign(payload, sig);
	xfree(payload);
	n = snprintf(out, out_len, "%s/d/%s/lists/%s/unsubscribe?a=%s&s=%s", base,
	    slug, list, esc, sig);
	g_free(esc);
	return n < 0 || (size_t)n >= out_len ? -1 : 0;
}

int
unsub_verify(const char *slug, const char *list, const char *address,
    const char *sig)
{
	char *payload;
	int ok;

	if (strlen(address) > ADDR_MAX)
		return 0;
	payload = unsub_payload(slug, list, address);
	ok = token_verify(payload, sig);
	xfree(payload);
	return ok;
}

static void
verp_sig(char *out, const char *slug, int64_t list_id, int64_t member_id)
{
	char payload[256], sig[TOKEN_SIG_LEN + 1];

	snprintf(payload, sizeof(payload), "verp:%s:%lld:%lld", slug,
	    (long long)list_id, (long long)member_id);
	token_sign(payload, sig);
	memcpy(out, sig, VERP_SIG_LEN);
	out[VERP_SIG_LEN] = '\0';
}

void
unsub_verp_token(char *out, size_t out_len, const char *slug, int64_t list_id,
    int64_t member_id)
{
	char sig[VERP_SIG_LEN + 1];

	verp_sig(sig, slug, list_id, member_id);
	snprintf(out, out_len, "m%lld-%s", (long long)member_id, sig);
}

int64_t
unsub_verp_member(const char *token, const char *slug, int64_t list_id)
{
	char want[VERP_SIG_LEN + 1], *end;
	unsigned char diff = 0;
	long long id;

	if (token[0] != 'm')
		return 0;
	id = strtoll(token + 1, &end, 10);
	if (id <= 0 || *end != '-' || strlen(end + 1) != VERP_SIG_LEN)
		return 0;
	verp_sig(want, slug, list_id, id);
	for (size_t i = 0; i < VERP_SIG_LEN; i++)
		diff |= (unsigned char)(want[i] ^ end[1 + i]);
	return diff == 0 ? id : 0;
}
