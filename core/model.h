/* model.h - the domain: districts, lists, members, and the names of their
 * enumerations. Plain structs filled by the store; no I/O here. */
#ifndef LISTD_MODEL_H
#define LISTD_MODEL_H

#include <stdint.h>

#include "core/addr.h"

#define SLUG_MAX	63
#define NAME_MAX_LEN	200
#define LIST_NAME_MAX	64
#define DESC_MAX	1000
#define PREFIX_MAX	64
#define FOOTER_MAX	2000

struct district {
	int64_t	id;
	char	slug[SLUG_MAX + 1];
	char	domain[ADDR_DOMAIN_MAX + 1];
	char	name[NAME_MAX_LEN + 1];
	int	students_have_email;
	int64_t	created;
};

enum list_kind { LIST_DISCUSSION, LIST_ANNOUNCEMENT, LIST_ROSTER, LIST_KIND__COUNT };
enum post_policy { POLICY_OPEN, POLICY_MEMBERS, POLICY_MODERATED,
	POLICY_ANNOUNCE, POLICY__COUNT };
enum nonmember_action { NONMEMBER_HOLD, NONMEMBER_REJECT, NONMEMBER_DISCARD,
	NONMEMBER__COUNT };
enum dmarc_mode { DMARC_LEAVE, DMARC_REWRITE, DMARC__COUNT };
enum personalize_mode { PERSONALIZE_AUTO, PERSONALIZE_YES, PERSONALIZE_NO,
	PERSONALIZE__COUNT };
/* Lists up to this many members get per-member copies under "auto". */
#define PERSONALIZE_AUTO_MAX	5000
enum digest_format { DIGEST_MIME, DIGEST_RFC1153, DIGEST__COUNT };
enum subscribe_policy { SUBSCRIBE_OPEN, SUBSCRIBE_CONFIRM, SUBSCRIBE_APPROVE,
	SUBSCRIBE_CLOSED, SUBSCRIBE__COUNT };

struct list {
	int64_t			id;
	char			name[LIST_NAME_MAX + 1];	/* local part */
	char			description[DESC_MAX + 1];
	enum list_kind		kind;
	enum post_policy	policy;
	enum nonmember_action	nonmember;
	enum dmarc_mode		dmarc;
	enum subscribe_policy	subscribe;
	int			archive_public;
	char			subject_prefix[PREFIX_MAX + 1];
	char			footer[FOOTER_MAX + 1];
	long			max_size;	/* 0: the site limit */
	enum personalize_mode	personalize;	/* per-member copies */
	enum digest_format	digest_format;
	int64_t			created;
};

enum delivery_mode { MODE_REGULAR, MODE_DIGEST, MODE_NOMAIL, MODE__COUNT };
enum member_role { ROLE_MEMBER, ROLE_MODERATOR, ROLE_OWNER, ROLE__COUNT };
enum member_source { SOURCE_MANUAL, SOURCE_DIRECTORY, SOURCE__COUNT };

struct member {
	int64_t			id;
	int64_t			list_id;
	char			address[ADDR_MAX + 1];
	char			name[NAME_MAX_LEN + 1];
	enum delivery_mode	mode;
	enum member_role	role;
	enum member_source	source;
	int64_t			created;
	int64_t			updated;
};

/* Name of an enum value ("announcement", "digest", ...). Static. */
const char	*model_list_kind_name(enum list_kind);
const char	*model_policy_name(enum post_policy);
const char	*model_nonmember_name(enum nonmember_action);
const char	*model_dmarc_name(enum dmarc_mode);
const char	*model_subscribe_name(enum subscribe_policy);
const char	*model_personalize_name(enum personalize_mode);
const char	*model_digest_format_name(enum digest_format);
const char	*model_mode_name(enum delivery_mode);
const char	*model_role_name(enum member_role);
const char	*model_source_name(enum member_source);
/* Parse a name back; -1 when unknown. */
int		 model_list_kind_parse(const char *);
int		 model_policy_parse(const char *);
int		 model_nonmember_parse(const char *);
int		 model_dmarc_parse(const char *);
int		 model_subscribe_parse(const char *);
int		 model_personalize_parse(const char *);
int		 model_digest_format_parse(const char *);
int		 model_mode_parse(const char *);
int		 model_role_parse(const char *);
int		 model_source_parse(const char *);
/* One line listing the accepted names, e.g. "regular, digest, nomail". */
const char	*model_mode_choices(void);

/* Fill l with a new list's defaults for the given kind. */
void	model_list_defaults(struct list *l, enum list_kind kind);
/* Is s a valid district slug ([a-z0-9][a-z0-9-]*, at most 63)? */
int	model_slug_valid(const char *s);
/* Is s a valid list name (local part [a-z0-9][a-z0-9._-]*, at most 64, not
 * ending in a reserved suffix such as -request or -bounces)? On failure
 * *reason says why. */
int	model_list_name_valid(const char *s, const char **reason);
/* Is s free of control characters and valid UTF-8 (for names, prefixes)? */
int	model_text_valid(const char *s, size_t max, int allow_newlines);

#endif
