/* addr.c - one bare address: syntax check and normal form (see addr.h). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/addr.h"
#include "core/utf8.h"

static int is_atext(unsigned char);
static int check_local(const char *, size_t, const char **);
static int check_domain(const char *, size_t, const char **);

static int
is_atext(unsigned char c)
{
	return isalnum(c) || c >= 0x80 || strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static int
check_local(const char *s, size_t len, const char **reason)
{
	if (len == 0)
		return *reason = "missing local part", -1;
	if (len > ADDR_LOCAL_MAX)
		return *reason = "local part longer than 64 octets", -1;
	if (s[0] == '"') {
		size_t i;

		if (len < 2 || s[len - 1] != '"')
			return *reason = "unterminated quoted local part", -1;
		for (i = 1; i < len - 1; i++) {
			unsigned char c = (unsigned char)s[i];

			if (c == '\\') {
				if (++i >= len - 1)
					return *reason = "bad escape in quoted local part", -1;
				continue;
			}
			if (c == '"')
				return *reason = "stray quote in local part", -1;
		}
		return 0;
	}
	if (s[0] == '.' || s[len - 1] == '.')
		return *reason = "local part starts or ends with a dot", -1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (s[i + 1] == '.')
				return *reason = "two dots in a row in local part", -1;
			continue;
		}
		if (c == '"')
			return *reason = "stray quote in local part", -1;
		if (!is_atext(c))
			return *reason = "invalid character in local part", -1;
	}
	return 0;
}

static int
check_domain(const char *s, size_t len, const char **reason)
{
	size_t label = 0, n_dots = 0;

	if (len == 0)
		return *reason = "missing domain", -1;
	if (s[0] == '[')
		return *reason = "address literals are not accepted", -1;
	if (len > ADDR_DOMAIN_MAX)
		return *reason = "domain longer than 253 octets", -1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0)
				return *reason = "empty label in domain", -1;
			if (s[i - 1] == '-')
				return *reason = "domain label ends with a hyphen", -1;
			label = 0;
			n_dots++;
			continue;
		}
		if (!(isalnum(c) || c == '-' || c >= 0x80))
			return *reason = "invalid character in domain", -1;
		if (c == '-' && label == 0)
			return *reason = "domain label starts with a hyphen", -1;
		if (++label > ADDR_LABEL_MAX)
			return *reason = "domain label longer than 63 octets", -1;
	}
	if (label == 0)
		return *reason = "domain ends with a dot", -1;
	if (s[len - 1] == '-')
		return *reason = "domain label ends with a hyphen", -1;
	if (n_dots == 0)
		return *reason = "domain is not fully qualified", -1;
	return 0;
}

int
addr_normalize(const char *in, char *out, size_t out_len, const char **reason)
{
	size_t len = strlen(in), at = len, i;
	int in_quote = 0;

	*reason = NULL;
	if (len == 0)
		return *reason = "empty address", -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '\r' || c == '\n')
			return *reason = "contains a line break", -1;
		if (c < 0x20 || c == 0x7f)
			return *reason = "contains a control character", -1;
	}
	if (!utf8_valid(in, len))
		return *reason = "invalid UTF-8", -1;
	if (len > ADDR_MAX)
		return *reason = "longer than 254 octets", -1;
	for (i = 0; i < len; i++) {
		char c = in[i];

		if (in_quote) {
			if (c == '\\' && i + 1 < len)
				i++;
			else if (c == '"')
				in_quote = 0;
			continue;
		}
		if (c == '"' && (i == 0 || in[i - 1] == '.'))
			in_quote = 1;
		else if (c == '(' || c == ')')
			return *reason = "comments are not allowed", -1;
		else if (c == ' ' || c == '\t')
			return *reason = "contains whitespace", -1;
		else if (c == '<' || c == '>' || c == ',' || c == ';' || c == ':')
			return *reason = "not a bare address", -1;
		else if (c == '@') {
			if (at != len)
				return *reason = "more than one @", -1;
			at = i;
		}
	}
	if (in_quote)
		return *reason = "unterminated quoted local part", -1;
	if (at == len)
		return *reason = "missing @", -1;
	if (check_local(in, at, reason) == -1 ||
	    check_domain(in + at + 1, len - at - 1, reason) == -1)
		return -1;
	if (out_len <= len)
		return *reason = "output buffer too small", -1;
	memcpy(out, in, len + 1);
	for (i = at + 1; i < len; i++)
		if ((unsigned char)out[i] < 0x80)
			out[i] = (char)tolower((unsigned char)out[i]);
	return 0;
}

const char *
addr_domain(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at ? at + 1 : "";
}

int
addr_cmp(const char *a, const char *b)
{
	return strcasecmp(a, b);
}
