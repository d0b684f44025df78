/* ctl_archive.c - listctl archive import|rebuild|search|add|show|set: the
 * operator's side of a list's archive. The work is in archive/; this file
 * parses arguments, reports and prints. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive/archive.h"
#include "core/msgstore.h"
#include "core/spool.h"
#include "core/store_archive.h"
#include "core/xmem.h"
#include "listd/ctl.h"

#define SEARCH_LIMIT_MAX	1000

static int archive_import_cmd(struct ctl *);
static int archive_rebuild_cmd(struct ctl *);
static int archive_search_cmd(struct ctl *);
static int archive_add_cmd(struct ctl *);
static int archive_show_cmd(struct ctl *);
static int archive_set_cmd(struct ctl *);
static int archive_export_cmd(struct ctl *);

const struct ctl_verb ctl_archive_verbs[] = {
	{ "import", "", 2, 2, "import LIST FILE.mbox",
	  "import an mbox (mboxrd, mboxo, Mailman 2/3 exports); messages "
	  "already archived are skipped, so importing twice adds nothing; "
	  "new raw messages go into one pack under messages/packs/",
	  archive_import_cmd },
	{ "rebuild", "", 1, 1, "rebuild LIST",
	  "re-index and re-thread every message from messages/ and render "
	  "all pages again", archive_rebuild_cmd },
	{ "search", "limit=", 2, 2, "search LIST QUERY [--limit N]",
	  "full-text search over subject, author and text, best first",
	  archive_search_cmd },
	{ "add", "", 1, 2, "add LIST [FILE.eml]",
	  "archive one message (FILE or stdin) as an accepted post would be",
	  archive_add_cmd },
	{ "show", "", 1, 1, "show LIST",
	  "message count, settings and the path of the index page",
	  archive_show_cmd },
	{ "set", "html=", 1, 1, "set LIST --html sanitized|text",
	  "show HTML parts sanitised (default) or as plain text",
	  archive_set_cmd },
	{ "export", "", 2, 2, "export LIST DIR",
	  "write every page and attachment of the archive under DIR as "
	  "plain files a static web server can serve (the page cache keeps "
	  "no attachment files: the web serves them from the message)",
	  archive_export_cmd },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

static int
archive_import_cmd(struct ctl *c)
{
	struct archive_import_result res;
	struct district d;
	struct store *s;
	struct list l;
	enum status st;
	int rc;

	if ((rc = ctl_open_list(c, c->pos[0], &d, &s, &l)) != 0)
		return rc;
	st = archive_import(s, &l, c->pos[1], &res);
	store_close(s);
	if (st == ST_NOTFOUND)
		return ctl_fail(c, st, "%s: cannot open: %s", c->pos[1],
		    strerror(errno));
	if (st == ST_DATA && res.n_read == 0)
		return ctl_fail(c, st, "%s:%ld: not an mbox (no \"From \" line "
		    "starts a message)", c->pos[1], res.first_bad_line ?
		    res.first_bad_line : 1);
	if (st != ST_OK)
		return ctl_fail(c, st, "%s: import stopped (%s) after %ld "
		    "messages; run it again to continue", c->pos[1],
		    status_name(st), res.n_read);
	ctl_audit(c, d.slug, "archive.import", "list=%s added=%ld", l.name,
	    res.n_added);
	if (c->json) {
		struct json j;

		ctl_json_begin(&j, 4096);
		json_obj_begin(&j);
		json_kv_int(&j, "read", res.n_read);
		json_kv_int(&j, "added", res.n_added);
		json_kv_int(&j, "present", res.n_present);
		json_kv_int(&j, "bad", res.n_bad);
		json_kv_int(&j, "first_bad_line", res.first_bad_line);
		json_obj_end(&j);
		return ctl_json_end(&j);
	}
	printf("%s: %ld messages read, %ld added, %ld already archived, "
	    "%ld unreadable", c->pos[1], res.n_read, res.n_added,
	    res.n_present, res.n_bad);
	if (res.first_bad_line)
		printf(" (first at line %ld)", res.first_bad_line);
	printf("\n");
	return 0;
}

static int
archive_rebuild_cmd(struct ctl *c)
{
	struct district d;
	struct store *s;
	struct list l;
	enum status st;
	int rc;

	if ((rc = ctl_open_list(c, c->pos[0], &d, &s, &l)) != 0)
		return rc;
	st = archive_rebuild(s, &l);
	store_close(s);
	if (st != ST_OK)
		return ctl_fail(c, st, "cannot rebuild %s@%s (%s)", l.name,
		    d.domain, status_name(st));
	if (!c->json)
		printf("archive of %s@%s rebuilt\n", l.name, d.domain);
	return 0;
}

static int
archive_export_cmd(struct ctl *c)
{
	struct district d;
	struct store *s;
	struct list l;
	enum status st;
	int rc;

	if (c->pos[1][0] == '\0')
		return ctl_fail(c, ST_USAGE, "export: DIR is empty");
	if ((rc = ctl_open_list(c, c->pos[0], &d, &s, &l)) != 0)
		return rc;
	st = spool_mkdirs(c->pos[1]) == -1 ? ST_TEMP :
	    archive_export(s, &l, c->pos[1]);
	store_close(s);
	if (st != ST_OK)
		return ctl_fail(c, st, "cannot export %s@%s to %s (%s)",
		    l.name, d.domain, c->pos[1], status_name(st));
	if (c->json) {
		struct json j;

		ctl_json_begin(&j, 4096);
		json_obj_begin(&j);
		json_kv_str(&j, "list", l.name);
		json_kv_str(&j, "dir", c->pos[1]);
		json_obj_end(&j);
		return ctl_json_end(&j);
	}
	printf("archive of %s@%s exported to %s\n", l.name, d.domain,
	    c->pos[1]);
	return 0;
}

struct search_out {
	struct json	*j;
	int		 n;
};

static int
print_hit(const struct arc_msg *m, const char *snippet, void *ctx)
{
	struct search_out *so = ctx;
	char when[32];

	so->n++;
	ctl_time(m->date, when, sizeof(when));
	if (so->j == NULL) {
		printf("%s  %s  %s <%s>\n    %s\n", when, m->subject,
		    m->author_name, m->author_addr, snippet);
		return 0;
	}
	json_obj_begin(so->j);
	json_kv_str(so->j, "date", when);
	json_kv_str(so->j, "subject", m->subject);
	json_kv_str(so->j, "author", m->author_name);
	json_kv_str(so->j, "address", m->author_addr);
	json_kv_str(so->j, "message_id", m->message_id);
	json_kv_str(so->j, "month", m->month);
	json_kv_str(so->j, "snippet", snippet);
	json_obj_end(so->j);
	return 0;
}

static int
search_limit(struct ctl *c, int *limit)
{
	const char *v = ctl_opt(c, "limit");
	char *end;
	long n;

	*limit = 20;
	if (v == NULL)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < 1 || n > SEARCH_LIMIT_MAX)
		return ctl_fail(c, ST_USAGE, "--limit \"%s\": expected a number "
		    "from 1 to %d", v, SEARCH_LIMIT_MAX);
	*limit = (int)n;
	return 0;
}

static int
archive_search_cmd(struct ctl *c)
{
	struct search_out so = { 0 };
	struct district d;
	struct store *s;
	struct list l;
	struct json j;
	char *q;
	enum status st;
	int rc, limit;

	if ((rc = search_limit(c, &limit)) != 0)
		return rc;
	if ((q = archive_search_query(c->pos[1])) == NULL)
		return ctl_fail(c, ST_USAGE, "empty query");
	if ((rc = ctl_open_list(c, c->pos[0], &d, &s, &l)) != 0) {
		xfree(q);
		return rc;
	}
	if (c->json) {
		ctl_json_begin(&j, 8 * 1024 * 1024);
		json_arr_begin(&j);
		so.j = &j;
	}
	st = store_archive_search(s, l.id, q, limit, print_hit, &so);
	store_close(s);
	xfree(q);
	if (st != ST_OK) {
		if (c->json)
			json_release(&j);
		return ctl_fail(c, st, "search failed (%s)", status_name(st));
	}
	if (c->json) {
		json_arr_end(&j);
		return ctl_json_end(&j);
	}
	if (so.n == 0)
		printf("no match\n");
	return 0;
}

static enum status
read_input(struct ctl *c, char **data, size_t *len)
{
	struct buf b;
	char chunk[65536];
	size_t n;

	if (c->n_pos > 1 && strcmp(c->pos[1], "-") != 0)
		return spool_read_file(c->pos[1], ARCHIVE_MSG_MAX, data, len);
	buf_init(&b, ARCHIVE_MSG_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (buf_append(&b, chunk, n) == -1) {
			buf_release(&b);
			return ST_TOOBIG;
		}
	*len = b.len;
	*data = b.len ? buf_steal(&b) : xstrdup("");
	buf_release(&b);
	return ferror(stdin) ? ST_TEMP : ST_OK;
}

static int
archive_add_cmd(struct ctl *c)
{
	struct district d;
	struct store *s = NULL;
	struct list l;
	char hash[MSGSTORE_HASH_LEN + 1], *raw = NULL;
	size_t len = 0;
	enum status st;
	int rc;

	if ((st = read_input(c, &raw, &len)) != ST_OK)
		return ctl_fail(c, st, "%s: cannot read (%s)", c->n_pos > 1 ?
		    c->pos[1] : "stdin", status_name(st));
	if (len == 0 || strspn(raw, " \t\r\n") == len) {
		xfree(raw);
		return ctl_fail(c, ST_DATA, "empty message");
	}
	if ((rc = ctl_open_list(c, c->pos[0], &d, &s, &l)) != 0) {
		xfree(raw);
		return rc;
	}
	store_archive_defer_checkpoint(s);	/* one post: no checkpoint */
	st = msgstore_put(store_dir(s), raw, len, hash);
	if (st == ST_OK)
		st = archive_post_add(s, &l, hash, raw, len);
	store_close(s);
	xfree(raw);
	if (st != ST_OK)
		return ctl_fail(c, st, "cannot archive the message (%s)",
		    status_name(st));
	if (!c->json)
		printf("archived %.*s in %s@%s\n", 12, hash, l.name, d.domain);
	return 0;
}

static int
archive_show_cmd(struct ctl *c)
{
	struct district d;
	struct store *s;
	struct list l;
	int64_t n = 0;
	int as_text = 0, rc;
	char *index;

	if ((rc = ctl_open_list(c, c->pos[0], &d, &s, &l)) != 0)
		return rc;
	if (store_archive_count(s, l.id, &n) != ST_OK ||
	    store_archive_html_as_text(s, l.id, &as_text) != ST_OK) {
		store_close(s);
		return ctl_fail(c, ST_TEMP, "cannot read the archive");
	}
	index = xasprintf("%s/html/%s/index.html", store_dir(s), l.name);
	store_close(s);
	if (c->json) {
		struct json j;

		ctl_json_begin(&j, 8192);
		json_obj_begin(&j);
		json_kv_int(&j, "messages", n);
		json_kv_str(&j, "html", as_text ? "text" : "sanitized");
		json_kv_str(&j, "index", index);
		json_obj_end(&j);
		xfree(index);
		return ctl_json_end(&j);
	}
	printf("messages: %lld\nhtml:     %s\nindex:    %s\n", (long long)n,
	    as_text ? "text" : "sanitized", index);
	xfree(index);
	return 0;
}

static int
archive_set_cmd(struct ctl *c)
{
	const char *v = ctl_opt(c, "html");
	struct district d;
	struct store *s;
	struct list l;
	enum status st;
	int rc, as_text;

	if (v == NULL || (strcmp(v, "text") && strcmp(v, "sanitized")))
		return ctl_fail(c, ST_USAGE, "--html: expected sanitized or text");
	as_text = strcmp(v, "text") == 0;
	if ((rc = ctl_open_list(c, c->pos[0], &d, &s, &l)) != 0)
		return rc;
	st = store_archive_set_html_as_text(s, l.id, as_text);
	if (st == ST_OK)
		st = archive_render_all(s, &l);
	store_close(s);
	if (st != ST_OK)
		return ctl_fail(c, st, "cannot change the setting (%s)",
		    status_name(st));
	ctl_audit(c, d.slug, "archive.set", "list=%s html=%s", l.name, v);
	if (!c->json)
		printf("%s@%s: HTML parts shown %s\n", l.name, d.domain, v);
	return 0;
}
