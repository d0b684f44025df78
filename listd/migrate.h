/* migrate.h - moving a list from GNU Mailman to listd: a plan (the list
 * settings the old list decided, its members with modes and roles, plain
 * allowed senders, the archive mbox, and a report row for every old
 * setting) built by migrate_mm2.c or migrate_mm3.c, then compared with
 * the store and applied by migrate_apply.c. */
#ifndef LISTD_MIGRATE_H
#define LISTD_MIGRATE_H

#include <stddef.h>

#include "core/model.h"
#include "core/pyval.h"
#include "core/status.h"
#include "core/store.h"

/* Which list fields the old list decided (mask bits). */
enum mig_field { MF_DESCRIPTION = 1, MF_POLICY = 2, MF_NONMEMBER = 4,
	MF_DMARC = 8, MF_SUBSCRIBE = 16, MF_ARCHIVE = 32, MF_PREFIX = 64,
	MF_FOOTER = 128, MF_MAX_SIZE = 256, MF_DIGEST_FORMAT = 512 };

struct mig_member {
	char			address[ADDR_MAX + 1];
	char			name[NAME_MAX_LEN + 1];
	enum delivery_mode	mode;
	enum member_role	role;
};

/* One report row: an old setting, its value, and where it went or why it
 * did not map (mapped = 0). */
struct mig_note {
	char	*setting;
	char	*value;
	char	*result;
	int	 mapped;
};

struct mig_plan {
	struct list		 l;		/* wanted values of mask fields */
	unsigned		 mask;
	enum list_kind		 kind;		/* when the list is created */
	struct mig_member	*members;
	size_t			 n_members, cap_members;
	void			*index;		/* GHashTable: address -> k+1 */
	char			**allowed;	/* plain allowed-sender addresses */
	size_t			 n_allowed, cap_allowed;
	struct mig_note		*notes;
	size_t			 n_notes, cap_notes;
	char			*mbox;		/* archive to import, or NULL */
};

/* What applying a plan did (or, dry, would do). */
struct mig_result {
	int	 list_created;
	int	 n_settings_changed;
	char	 settings_changed[512];	/* comma-separated option names */
	int	 n_added, n_updated, n_unchanged, n_allowed_added;
	long	 n_mbox_read, n_mbox_added, n_mbox_present, n_mbox_bad;
};

/* An empty plan (list defaults of a discussion list). Caller releases with
 * migrate_plan_free(). */
struct mig_plan	*migrate_plan_new(void);
void		 migrate_plan_free(struct mig_plan *p);
/* Add or merge a member: the higher role wins (owner > moderator >
 * member); a later non-default name or mode fills in. address must be
 * normalised. */
void		 migrate_plan_member(struct mig_plan *p, const char *address,
		    const char *name, int mode, int role);
/* Record a report row (copies the strings). */
void		 migrate_plan_note(struct mig_plan *p, const char *setting,
		    const char *value, int mapped, const char *fmt, ...)
		    __attribute__((format(printf, 5, 6)));
void		 migrate_plan_allowed(struct mig_plan *p, const char *address);
/* A member by address (case-insensitive), or NULL. Borrowed. */
struct mig_member *migrate_plan_find(struct mig_plan *p, const char *address);

/* Text of a str value as UTF-8 into out (Python 2 byte strings that are
 * not UTF-8 are read as Latin-1, Mailman 2's default charset). Returns
 * 0, or -1 when v is not a str. Truncates to out_len - 1 bytes at a
 * character boundary; *truncated says so. */
int		 migrate_text(const struct pyval *v, char *out, size_t out_len,
		    int *truncated);

/* ---- setting tables (migrate_map.c, shared by mm2 and mm3) ---- */

struct mig_ctx;

/* One old setting and the function that maps it (or says why not). */
struct mig_attr {
	const char	*name;
	void		(*map)(struct mig_ctx *, const char *,
			    const struct pyval *);
};

/* An old setting listd has no counterpart for, and why. */
struct mig_fixed {
	const char	*name;
	const char	*why;
};

struct mig_ctx {
	const struct pyval	*attrs;		/* the old settings (a dict) */
	struct mig_plan		*p;
	const struct mig_attr	*attrs_table;
	size_t			 n_attrs;
	const struct mig_fixed	*fixed;
	size_t			 n_fixed;
	int			 json;		/* Mailman 3 JSON, not 2.1 */
	char			 real_name[NAME_MAX_LEN + 1];
	char			 host_name[ADDR_DOMAIN_MAX + 1];
};

/* Run m->attrs_table over m->attrs (rows whose setting is present), then
 * report each other key of attrs as having no listd counterpart. ST_DATA
 * with err set when attrs is not a dict. */
enum status	 migrate_map_run(struct mig_ctx *m, char *err, size_t err_len);
/* A short printable form of v for the report (at most len bytes). */
void		 migrate_show(const struct pyval *v, char *out, size_t len);
/* A report row for setting name with value v. */
void		 migrate_note(struct mig_ctx *m, const char *name,
		    const struct pyval *v, int mapped, const char *result);
/* v's text into out (a field of max bytes): control characters become
 * spaces (newlines kept when multiline); truncation is reported. -1 (and
 * a report row) when v is not a string. */
int		 migrate_text_into(struct mig_ctx *m, const char *name,
		    const struct pyval *v, char *out, size_t max, int multiline);
/* Mappings both Mailman versions mean alike: description; subject prefix
 * (without %d and trailing space); max_message_size in KB; the plain
 * addresses of accept_these_nonmembers as allowed senders. */
void		 migrate_map_description(struct mig_ctx *m, const char *name,
		    const struct pyval *v);
void		 migrate_map_prefix(struct mig_ctx *m, const char *name,
		    const struct pyval *v);
void		 migrate_map_max_size(struct mig_ctx *m, const char *name,
		    const struct pyval *v);
void		 migrate_map_accept(struct mig_ctx *m, const char *name,
		    const struct pyval *v);
/* Subscription policy by index in both versions' order (open, confirm,
 * approve, confirm then approve); -1 for a value neither knows. */
void		 migrate_map_subscribe_index(struct mig_ctx *m,
		    const char *name, const struct pyval *v, int i);
/* Report name as not mapped with its reason from m->fixed. */
void		 migrate_map_fixed(struct mig_ctx *m, const char *name,
		    const struct pyval *v);

/* Fill p from a Mailman 2.1 list's attributes (config.pck, or config_list
 * -o text, which has no members). ST_DATA with err set when it is not a
 * dict or a member address is unusable in a way that loses data. */
enum status	 migrate_mm2_plan(const struct pyval *attrs, struct mig_plan *p,
		    char *err, size_t err_len);
/* Add the members of a `bin/list_members -f` output file ("Name" <addr>
 * or a bare address per line) with the given mode. ST_NOTFOUND when it
 * cannot be read, ST_DATA naming file:line for a bad line. */
enum status	 migrate_members_text(struct mig_plan *p, const char *path,
		    int mode, char *err, size_t err_len);
/* Add Mailman 3 members from path: `mailman members` text (as above),
 * CSV with a header naming email/address, and optionally display_name/
 * name, delivery_mode, role; or REST JSON ({"entries": [...]} with email,
 * display_name, role, delivery_mode). ST_NOTFOUND / ST_DATA as above. */
enum status	 migrate_mm3_members(struct mig_plan *p, const char *path,
		    char *err, size_t err_len);

/* Fill p from a Mailman 3 list's settings as its REST API gives them
 * (GET /3.1/lists/<list-id>/config, a JSON object). ST_DATA with err set
 * when it is not an object. */
enum status	 migrate_mm3_plan(const struct pyval *config, struct mig_plan *p,
		    char *err, size_t err_len);

/* Compare p with list `name` in district store s and, unless dry, apply it
 * in one transaction, then import the mbox. res says what changed;
 * running a plan twice changes nothing the second time. */
enum status	 migrate_apply(struct store *s, const char *name,
		    struct mig_plan *p, int dry, struct mig_result *res,
		    char *err, size_t err_len);

#endif
