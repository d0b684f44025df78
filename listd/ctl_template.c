/* ctl_template.c - listctl template list|show|set|reset: the texts listd
 * mails (confirmations, welcome, goodbye, help, moderator digests ...), per
 * list with district defaults; built-in texts apply when neither is set.
 * The first line of a text is the subject; {list}, {address}, {confirm},
 * {url}, {owner}, {request}, {join}, {leave}, {name}, {district},
 * {reason}, {extra} are filled in. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/notice.h"
#include "core/store_list.h"
#include "core/store_site.h"
#include "core/store_sub.h"
#include "listd/ctl.h"

static int template_list(struct ctl *);
static int template_show(struct ctl *);
static int template_set(struct ctl *);
static int template_reset(struct ctl *);

#define TEMPLATE_MAX	(32 * 1024)

const struct ctl_verb ctl_template_verbs[] = {
	{ "list", "", 0, 0, "list", "the names of the templates",
	  template_list },
	{ "show", "district=,list=", 1, 1,
	  "show NAME (--list LIST@DOMAIN | --district SLUG)",
	  "the text in force (list's, else district's, else built-in)",
	  template_show },
	{ "set", "district=,list=", 2, 2,
	  "set NAME FILE (--list LIST@DOMAIN | --district SLUG)",
	  "use the text in FILE (\"-\" for stdin); first line is the subject",
	  template_set },
	{ "reset", "district=,list=", 1, 1,
	  "reset NAME (--list LIST@DOMAIN | --district SLUG)",
	  "go back to the district's or the built-in text", template_reset },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL },
};

static int
template_list(struct ctl *c)
{
	(void)c;
	for (const char **n = notice_template_names; *n; n++)
		printf("%s\n", *n);
	return 0;
}

/* Open the scope: --list (list id > 0) or --district (list id 0). */
static int
open_scope(struct ctl *c, struct district *d, struct store **ds,
    struct list *l)
{
	const char *list = ctl_opt(c, "list"), *slug = ctl_opt(c, "district");

	if (!notice_template_known(c->pos[0]))
		return ctl_fail(c, ST_NOTFOUND, "no template \"%s\" (listctl "
		    "template list shows them)", c->pos[0]);
	if ((list == NULL) == (slug == NULL))
		return ctl_fail(c, ST_USAGE, "give exactly one of --list and "
		    "--district");
	memset(l, 0, sizeof(*l));
	if (list)
		return ctl_open_list(c, list, d, ds, l);
	return ctl_open_district(c, slug, d, ds);
}

static int
template_show(struct ctl *c)
{
	struct notice_vars v = { "{address}", "{confirm}", "{url}", "{reason}",
	    "{extra}" };
	struct district d;
	struct store *ds;
	struct list l;
	struct buf out;
	int rc;

	if ((rc = open_scope(c, &d, &ds, &l)) != 0)
		return rc;
	if (l.id == 0)
		snprintf(l.name, sizeof(l.name), "LIST");
	buf_init(&out, TEMPLATE_MAX * 2);
	notice_render(ds, &d, &l, c->pos[0], &v, &out);
	fputs(buf_cstr(&out), stdout);
	buf_release(&out);
	store_close(ds);
	return 0;
}

static int
read_text(struct ctl *c, const char *path, struct buf *out)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char chunk[4096];
	size_t n;

	if (fp == NULL)
		return ctl_fail(c, ST_NOTFOUND, "cannot read %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_append(out, chunk, n) == -1)
			break;
	if (fp != stdin)
		fclose(fp);
	if (out->overflow)
		return ctl_fail(c, ST_TOOBIG, "%s: longer than %d bytes", path,
		    TEMPLATE_MAX);
	if (!model_text_valid(buf_cstr(out), TEMPLATE_MAX, 1) ||
	    strchr(buf_cstr(out), '\n') == NULL)
		return ctl_fail(c, ST_DATA, "%s: expected UTF-8 text: a subject "
		    "line, then the body", path);
	return 0;
}

static int
template_set(struct ctl *c)
{
	struct district d;
	struct store *ds;
	struct list l;
	struct buf text;
	enum status st;
	int rc;

	buf_init(&text, TEMPLATE_MAX);
	if ((rc = read_text(c, c->pos[1], &text)) != 0)
		goto out_buf;
	if ((rc = open_scope(c, &d, &ds, &l)) != 0)
		goto out_buf;
	st = store_template_set(ds, l.id, c->pos[0], buf_cstr(&text));
	store_close(ds);
	if (st != ST_OK)
		rc = ctl_fail(c, st, "cannot store the template (%s)",
		    status_name(st));
	else {
		ctl_audit(c, d.slug, "template.set", "name=%s list=%s", c->pos[0],
		    l.id ? l.name : "(district)");
		if (!c->json)
			printf("template %s set for %s\n", c->pos[0], l.id ?
			    l.name : d.slug);
	}
out_buf:
	buf_release(&text);
	return rc;
}

static int
template_reset(struct ctl *c)
{
	struct district d;
	struct store *ds;
	struct list l;
	enum status st;
	int rc;

	if ((rc = open_scope(c, &d, &ds, &l)) != 0)
		return rc;
	st = store_template_remove(ds, l.id, c->pos[0]);
	store_close(ds);
	if (st != ST_OK)
		return ctl_fail(c, st, "cannot reset (%s)", status_name(st));
	ctl_audit(c, d.slug, "template.reset", "name=%s", c->pos[0]);
	if (!c->json)
		printf("template %s reset\n", c->pos[0]);
	return 0;
}
