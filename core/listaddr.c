/* listaddr.c - recognise the forms of a list address (see listaddr.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/listaddr.h"

struct form {
	const char	*suffix;
	const char	*name;
	int		 takes_token;	/* 1: required, 0: refused, 2: optional */
};

static const struct form forms[LISTADDR__COUNT] = {
	[LISTADDR_POST]    = { "",         "post",    0 },
	[LISTADDR_REQUEST] = { "-request", "request", 0 },
	[LISTADDR_OWNER]   = { "-owner",   "owner",   0 },
	[LISTADDR_JOIN]    = { "-join",    "join",    0 },
	[LISTADDR_LEAVE]   = { "-leave",   "leave",   0 },
	[LISTADDR_CONFIRM] = { "-confirm", "confirm", 1 },
	[LISTADDR_BOUNCES] = { "-bounces", "bounces", 2 },
};

const char *
listaddr_suffix(enum listaddr_kind kind)
{
	return (unsigned)kind < LISTADDR__COUNT ? forms[kind].suffix : "";
}

const char *
listaddr_kind_name(enum listaddr_kind kind)
{
	return (unsigned)kind < LISTADDR__COUNT ? forms[kind].name : "unknown";
}

int
listaddr_parse(const char *address, struct listaddr *out)
{
	const char *at = strrchr(address, '@'), *plus, *reason;
	char local[ADDR_LOCAL_MAX + 1];
	size_t n;

	memset(out, 0, sizeof(*out));
	if (at == NULL || (n = (size_t)(at - address)) == 0 || n > ADDR_LOCAL_MAX)
		return -1;
	for (size_t i = 0; i < n; i++)
		local[i] = (char)tolower((unsigned char)address[i]);
	local[n] = '\0';
	snprintf(out->domain, sizeof(out->domain), "%s", at + 1);
	if ((plus = strchr(local, '+')) != NULL) {
		size_t tlen = strlen(plus + 1);

		if (tlen == 0 || tlen > LISTADDR_TOKEN_MAX)
			return -1;
		/* The token keeps its case: it is a signature. */
		memcpy(out->token, address + (plus - local) + 1, tlen);
		out->token[tlen] = '\0';
		local[plus - local] = '\0';
	}
	n = strlen(local);
	out->kind = LISTADDR_POST;
	for (int k = LISTADDR__COUNT - 1; k > LISTADDR_POST; k--) {
		size_t sl = strlen(forms[k].suffix);

		if (n > sl && strcmp(local + n - sl, forms[k].suffix) == 0) {
			out->kind = (enum listaddr_kind)k;
			local[n - sl] = '\0';
			break;
		}
	}
	if (forms[out->kind].takes_token == 1 && out->token[0] == '\0')
		return -1;
	if (forms[out->kind].takes_token == 0 && out->token[0] != '\0')
		return -1;
	if (!model_list_name_valid(local, &reason))
		return -1;
	snprintf(out->list, sizeof(out->list), "%s", local);
	return 0;
}
