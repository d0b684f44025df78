/* intake.h - taking a message in for a list, from LMTP or listctl inject:
 * the RCPT check (unknown list or district is 550, no backscatter later),
 * and per recipient: the durable spool and record (P1), the idempotence
 * check (P7), the pipeline run in-session (P2) and the reply. */
#ifndef LISTD_INTAKE_H
#define LISTD_INTAKE_H

#include <stddef.h>

#include "core/listaddr.h"
#include "core/model.h"
#include "core/status.h"
#include "core/store.h"

#define INTAKE_SEEN_WINDOW	(7 * 86400)	/* P7 */
#define INTAKE_MAX_RECOVERIES	3		/* P5 */
#define INTAKE_REPLY_MAX	300

struct intake {
	const char	*home;
	struct store	*site;
	struct store	*ds;		/* the district last used */
	char		 ds_slug[SLUG_MAX + 1];
	int		 urgent;	/* set by listctl inject --urgent */
};

struct intake_rcpt {
	char			address[ADDR_MAX + 1];
	struct listaddr		la;
	struct district		district;
	struct list		list;
};

void		intake_init(struct intake *in, const char *home);
void		intake_release(struct intake *in);
/* Resolve a RCPT TO address. ST_OK; ST_NOTFOUND for an unknown district,
 * list or address form; ST_DATA for a malformed address; ST_TEMP when the
 * store cannot be read. why gets a short text for the reply. */
enum status	intake_rcpt_check(struct intake *in, const char *address,
		    struct intake_rcpt *out, char *why, size_t why_len);
/* The largest message r's list accepts (its own limit or the site's). */
long		intake_size_limit(const struct intake_rcpt *r);
/* Take raw[0..len) (CRLF line ends) in for r from envelope sender ("" for
 * the null sender). Returns the status for this recipient and a reply text
 * in text. ST_OK is sent only after everything is committed (P1). */
enum status	intake_deliver(struct intake *in, const struct intake_rcpt *r,
		    const char *sender, const char *raw, size_t len, char *text,
		    size_t text_len);
struct post;
struct verdict;
/* Run stored post p (state received or held) through the pipeline again and
 * act on the verdict. moderated: a moderator let it through, so the sender
 * policy and the suspected-loop hold are skipped. ST_DATA when the stored
 * message cannot be read. */
enum status	intake_rerun(struct store *ds, const struct district *d,
		    struct post *p, int moderated, struct verdict *v);
/* At start-up, before serving: finish every post left half-done by a crash,
 * quarantining those that crashed the pipeline too often (P5). */
void		intake_recover_all(const char *home, int *n_recovered,
		    int *n_quarantined);

#endif
