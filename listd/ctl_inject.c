/* ctl_inject.c - listctl inject: take a message from stdin for a list, the
 * way an MTA's pipe transport hands it over, through the same intake as
 * LMTP (durable before exit 0). Line ends are normalised to CRLF here, and a
 * leading mbox "From " line is dropped. Exit codes follow sysexits.h:
 * 0 taken, 67 unknown list, 75 try again, 65 refused message. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/msg.h"
#include "listd/ctl.h"
#include "listd/intake.h"

static int inject_run(struct ctl *);

const struct ctl_verb ctl_inject_verbs[] = {
	{ "", "sender=,urgent", 1, 1,
	  "LIST@DOMAIN [--sender ADDRESS] [--urgent] < MESSAGE",
	  "take one message from stdin for the list (for MTA pipe transports); "
	  "--urgent puts its delivery ahead of bulk mail", inject_run },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

/* Read stdin into out with CRLF line ends; -1 past the size limit. */
static int
read_message(struct buf *out)
{
	char chunk[65536];
	size_t n;
	int prev = 0, first_line = 1, skipping = 0;

	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		for (size_t i = 0; i < n; i++) {
			char c = chunk[i];

			if (first_line && out->len == 0 && !skipping && c == 'F')
				skipping = 1;	/* maybe an mbox "From " line */
			if (skipping) {
				if (c == '\n') {
					skipping = 0;
					first_line = 0;
					if (strncmp(buf_cstr(out), "From ", 5) == 0)
						buf_reset(out);
					else if (prev == '\r' ? buf_append(out, "\n", 1)
					    == -1 : buf_append(out, "\r\n", 2) == -1)
						return -1;	/* its CR is in */
					prev = c;
					continue;
				}
			}
			if (c == '\n' && prev != '\r' && buf_append(out, "\r", 1) == -1)
				return -1;
			if (prev == '\r' && c != '\n' && buf_append(out, "\n", 1) == -1)
				return -1;
			if (buf_append(out, &c, 1) == -1)
				return -1;
			prev = c;
		}
	}
	if (prev == '\r')
		buf_append(out, "\n", 1);
	else if (prev != '\n' && out->len > 0)
		buf_append(out, "\r\n", 2);
	return out->overflow ? -1 : 0;
}

/* The envelope sender: --sender, else the From header, else null. */
static int
pick_sender(struct ctl *c, const struct buf *m, char *sender)
{
	const char *opt = ctl_opt(c, "sender"), *reason;
	char name[256];
	GMimeMessage *msg;

	sender[0] = '\0';
	if (opt) {
		if (*opt && addr_normalize(opt, sender, ADDR_MAX + 1, &reason) == -1)
			return ctl_fail(c, ST_USAGE, "--sender \"%s\": %s", opt,
			    reason);
		return 0;
	}
	if ((msg = msg_parse(m->data, m->len)) != NULL) {
		(void)msg_from(msg, sender, name, sizeof(name));
		g_object_unref(msg);
	}
	return 0;
}

static int
inject_run(struct ctl *c)
{
	struct intake in;
	struct intake_rcpt r;
	struct buf m;
	char why[200], text[INTAKE_REPLY_MAX], sender[ADDR_MAX + 1];
	enum status st;
	int rc;

	buf_init(&m, (size_t)cfg->lmtp_max_message_size);
	intake_init(&in, c->home);
	in.urgent = ctl_flag(c, "urgent");
	if (read_message(&m) == -1) {
		rc = ctl_fail(c, ST_TOOBIG, "message larger than %ld bytes",
		    cfg->lmtp_max_message_size);
		goto out;
	}
	if (m.len == 0) {
		rc = ctl_fail(c, ST_DATA, "empty message on stdin");
		goto out;
	}
	if ((rc = pick_sender(c, &m, sender)) != 0)
		goto out;
	if ((st = intake_rcpt_check(&in, c->pos[0], &r, why, sizeof(why))) != ST_OK) {
		rc = ctl_fail(c, st, "%s: %s", c->pos[0], why);
		goto out;
	}
	st = intake_deliver(&in, &r, sender, m.data, m.len, text, sizeof(text));
	if (st != ST_OK) {
		rc = ctl_fail(c, st, "%s: %s", r.address, text);
		goto out;
	}
	if (!c->json)
		printf("%s: %s\n", r.address, text);
	else {
		struct json j;

		ctl_json_begin(&j, 4096);
		json_obj_begin(&j);
		json_kv_str(&j, "list", r.address);
		json_kv_str(&j, "result", text);
		json_obj_end(&j);
		ctl_json_end(&j);
	}
	rc = 0;
out:
	intake_release(&in);
	buf_release(&m);
	return rc;
}
