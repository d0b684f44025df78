/* listaddr.h - the address forms a list answers to: list@, list-request@,
 * list-owner@, list-join@, list-leave@, list-confirm+TOKEN@ and
 * list-bounces+TOKEN@. Shared by LMTP intake, listctl inject and the MTA map
 * writer. Pure parsing: whether the list exists is the caller's question. */
#ifndef LISTD_LISTADDR_H
#define LISTD_LISTADDR_H

#include "core/addr.h"
#include "core/model.h"

enum listaddr_kind {
	LISTADDR_POST,
	LISTADDR_REQUEST,
	LISTADDR_OWNER,
	LISTADDR_JOIN,
	LISTADDR_LEAVE,
	LISTADDR_CONFIRM,
	LISTADDR_BOUNCES,
	LISTADDR__COUNT
};

#define LISTADDR_TOKEN_MAX	128

struct listaddr {
	enum listaddr_kind	kind;
	char			list[LIST_NAME_MAX + 1];
	char			domain[ADDR_DOMAIN_MAX + 1];
	char			token[LISTADDR_TOKEN_MAX + 1];	/* after '+' */
};

/* Split a normalised recipient address into list name, form and token.
 * The local part is matched case-insensitively. Returns 0, or -1 when the
 * local part cannot name a list (bad characters, token on a form that takes
 * none, missing token, over-long). */
int		 listaddr_parse(const char *address, struct listaddr *out);
/* The suffix of a form ("", "-request", "-bounces", ...). Static. */
const char	*listaddr_suffix(enum listaddr_kind kind);
/* Short name of a form for logs ("post", "request", ...). Static. */
const char	*listaddr_kind_name(enum listaddr_kind kind);

#endif
