/* store_member.h - members of a district's lists (district.db). */
#ifndef LISTD_STORE_MEMBER_H
#define LISTD_STORE_MEMBER_H

#include "core/model.h"
#include "core/status.h"
#include "core/store.h"

struct member_filter {
	int		 role;		/* enum member_role, or -1 for any */
	int		 mode;		/* enum delivery_mode, or -1 */
	int		 source;	/* enum member_source, or -1 */
	const char	*query;		/* substring of address or name, or NULL */
	int		 limit;		/* 0: no limit */
	int		 offset;
};

/* A filter that matches everyone. */
void		member_filter_all(struct member_filter *f);

/* Add m to its list (m->id, created, updated set). ST_EXISTS when the
 * address (case-insensitive) is already a member. */
enum status	store_member_add(struct store *s, struct member *m);
/* ST_NOTFOUND when the address is not a member. */
enum status	store_member_remove(struct store *s, int64_t list_id,
		    const char *address);
enum status	store_member_get(struct store *s, int64_t list_id,
		    const char *address, struct member *out);
/* A member by id. ST_NOTFOUND when absent. */
enum status	store_member_get_id(struct store *s, int64_t id,
		    struct member *out);
/* Write name, mode, role and source of m (by id); updated is set. */
enum status	store_member_update(struct store *s, struct member *m);
/* Call fn for each matching member, in address order, streaming from the
 * database (no copy of the whole list). Non-zero from fn stops early. */
enum status	store_member_each(struct store *s, int64_t list_id,
		    const struct member_filter *f,
		    int (*fn)(const struct member *, void *), void *ctx);
/* Call fn for each member who receives posts as they come (mode regular,
 * delivery not disabled by bounces), grouped by domain (ordered by domain, then address), streaming. */
enum status	store_member_each_recipient(struct store *s, int64_t list_id,
		    int (*fn)(const char *address, const char *domain, void *),
		    void *ctx);
/* Number of members matching f (limit and offset ignored). */
enum status	store_member_count(struct store *s, int64_t list_id,
		    const struct member_filter *f, int64_t *n);

#endif
