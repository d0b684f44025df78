/* notice.h - messages listd writes itself (confirmations, welcomes, replies
 * to commands, moderator digests, bounce probes) and queues for delivery
 * like any post. Texts come from templates: the list's, else the
 * district's, else the built-in default. Every notice is marked
 * Auto-Submitted (RFC 3834) and carries the list's X-Loop. */
#ifndef LISTD_NOTICE_H
#define LISTD_NOTICE_H

#include "core/buf.h"
#include "core/model.h"
#include "core/status.h"
#include "core/store.h"

/* Values substituted for {name} in a template. */
struct notice_vars {
	const char	*address;	/* whom it concerns */
	const char	*confirm;	/* confirmation address, or "" */
	const char	*url;		/* a link, or "" */
	const char	*reason;	/* free text, or "" */
	const char	*extra;		/* a block of text, or "" */
};

/* Names of the built-in templates, for listctl. NULL-terminated. */
extern const char *notice_template_names[];

/* Expand template name for list l into out (subject in the first line, a
 * blank line, then the body). */
void		notice_render(struct store *ds, const struct district *d,
		    const struct list *l, const char *name,
		    const struct notice_vars *vars, struct buf *out);
/* Queue template name to one recipient, inside the caller's transaction.
 * reverse_path: envelope sender, or NULL for LIST-bounces@DOMAIN. */
enum status	notice_send(struct store *ds, const struct district *d,
		    const struct list *l, const char *to, const char *name,
		    const struct notice_vars *vars, const char *reverse_path);
/* Queue template name to every owner (and with moderators, every
 * moderator) of l. */
enum status	notice_send_owners(struct store *ds, const struct district *d,
		    const struct list *l, int with_moderators, const char *name,
		    const struct notice_vars *vars);
struct post;
/* Store raw (a message listd wrote) and record it as a post of kind
 * ("notice", "digest") labelled label, state received, for the caller to
 * queue; p is filled. */
enum status	notice_post_add(struct store *ds, const struct district *d,
		    const struct list *l, const char *kind, const char *label,
		    const struct buf *raw, const char *reverse_path,
		    struct post *p);
/* Is the built-in template name known? */
int		notice_template_known(const char *name);

#endif
