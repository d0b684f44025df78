/* bounce_dsn.c - read RFC 3464 delivery-status fields (per-message block,
 * then one block per recipient) into a bounce report. Tolerates CR, LF and
 * CRLF line ends, folded fields and missing blank lines between blocks;
 * every field is cut to a fixed size. */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "listd/bounce_dsn.h"

#define FIELD_MAX	BOUNCE_DIAG_MAX

/* One recipient block, plus the per-message Reporting-MTA. */
struct dsn_group {
	char	final[FIELD_MAX];
	char	orig[FIELD_MAX];
	char	action[64];
	char	status[FIELD_MAX];
	char	diag[FIELD_MAX];
	char	remote[FIELD_MAX];
	char	reporting[FIELD_MAX];	/* kept across groups */
	int	n_groups;		/* groups that named a recipient */
	int	n_added;
};

static const char	*next_line(const char *p, char *line, size_t line_len);
static void		 take_field(struct dsn_group *g, const char *line,
			    struct bounce_report *r);
static void		 flush(struct dsn_group *g, struct bounce_report *r);
static char		*field_for(struct dsn_group *g, const char *name);
static void		 strip_type(const char *in, char *out, size_t out_len);
static void		 append_folded(char *field, const char *more);
static int		 orig_usable(const char *orig);

int
bounce_dsn_parse(const char *text, struct bounce_report *r)
{
	struct dsn_group g;
	char line[BOUNCE_LINE_MAX + 1], last[64] = "";
	const char *p = text;

	memset(&g, 0, sizeof(g));
	while (p && *p) {
		p = next_line(p, line, sizeof(line));
		if (line[0] == '\0') {
			flush(&g, r);
			last[0] = '\0';
		} else if (line[0] == ' ' || line[0] == '\t') {
			char *f = *last ? field_for(&g, last) : NULL;

			if (f)
				append_folded(f, line);
		} else {
			size_t n = strcspn(line, ":");

			if (n < sizeof(last) && line[n] == ':') {
				memcpy(last, line, n);
				last[n] = '\0';
			}
			take_field(&g, line, r);
		}
	}
	flush(&g, r);
	if (g.n_added == 0 && g.n_groups > 0)
		return -1;
	return g.n_added;
}

/* Copy one line (without its CR, LF or CRLF) into line, cut to line_len - 1.
 * Returns the start of the next line, or NULL at the end. */
static const char *
next_line(const char *p, char *line, size_t line_len)
{
	size_t n = strcspn(p, "\r\n"), k = n < line_len - 1 ? n : line_len - 1;

	memcpy(line, p, k);
	line[k] = '\0';
	p += n;
	if (*p == '\r')
		p++;
	if (*p == '\n')
		p++;
	return *p ? p : NULL;
}

static char *
field_for(struct dsn_group *g, const char *name)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} fields[] = {
		{ "Final-Recipient", offsetof(struct dsn_group, final) },
		{ "Original-Recipient", offsetof(struct dsn_group, orig) },
		{ "Action", offsetof(struct dsn_group, action) },
		{ "Status", offsetof(struct dsn_group, status) },
		{ "Diagnostic-Code", offsetof(struct dsn_group, diag) },
		{ "Remote-MTA", offsetof(struct dsn_group, remote) },
		{ "Reporting-MTA", offsetof(struct dsn_group, reporting) },
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcasecmp(fields[i].name, name) == 0)
			return (char *)g + fields[i].off;
	return NULL;
}

static void
take_field(struct dsn_group *g, const char *line, struct bounce_report *r)
{
	char name[64];
	size_t n = strcspn(line, ":");
	char *f;

	if (line[n] != ':' || n >= sizeof(name))
		return;
	memcpy(name, line, n);
	name[n] = '\0';
	while (n > 0 && isspace((unsigned char)name[n - 1]))
		name[--n] = '\0';
	if ((f = field_for(g, name)) == NULL)
		return;
	/* No blank line between two recipients: the second starts a group. */
	if (f == g->final && *g->final)
		flush(g, r);
	line += strlen(name) + 1;
	while (*line == ' ' || *line == '\t')
		line++;
	snprintf(f, f == g->action ? sizeof(g->action) : FIELD_MAX, "%s", line);
}

static void
append_folded(char *field, const char *more)
{
	size_t n = strlen(field);

	while (*more == ' ' || *more == '\t')
		more++;
	if (n + 2 < FIELD_MAX)
		snprintf(field + n, FIELD_MAX - n, " %s", more);
}

/* "rfc822; a@b" -> "a@b", "dns; mx.example" -> "mx.example". */
static void
strip_type(const char *in, char *out, size_t out_len)
{
	const char *semi = strchr(in, ';');

	if (semi && semi - in < 16)
		in = semi + 1;
	while (*in == ' ' || *in == '\t')
		in++;
	snprintf(out, out_len, "%s", in);
}

/* Original-Recipient names the address we sent to (Final-Recipient may be
 * a forward's target); use it when it is an rfc822 address. */
static int
orig_usable(const char *orig)
{
	const char *p = orig + strspn(orig, " \t");

	return strncasecmp(p, "rfc822", 6) == 0 && strchr(p, '@') != NULL;
}

/* Is this recipient's failure temporary? From Action, then Status, then a
 * reply code in the diagnostic. -1 when it did not fail at all. */
static int
failure_is_temporary(const struct dsn_group *g, const char *status)
{
	const char *d = g->diag;

	if (strncasecmp(g->action, "delayed", 7) == 0)
		return 1;
	if (strncasecmp(g->action, "failed", 6) == 0)
		return 0;
	if (*g->action)
		return -1;	/* delivered, relayed, expanded */
	if (*status)
		return status[0] == '4' ? 1 : status[0] == '2' ? -1 : 0;
	while (*d && !isdigit((unsigned char)*d))
		d++;
	return *d == '4';
}

static void
flush(struct dsn_group *g, struct bounce_report *r)
{
	char addr[FIELD_MAX], status[BOUNCE_STATUS_MAX] = "", diag[FIELD_MAX];
	char mta[FIELD_MAX];
	const char *who = orig_usable(g->orig) ? g->orig : g->final;
	int temp;

	if (*who) {
		g->n_groups++;
		if (bounce_dsn_status_find(g->status, status, sizeof(status)))
			bounce_dsn_status_find(g->diag, status, sizeof(status));
		if ((temp = failure_is_temporary(g, status)) >= 0) {
			strip_type(who, addr, sizeof(addr));
			strip_type(g->diag, diag, sizeof(diag));
			strip_type(*g->reporting ? g->reporting : g->remote,
			    mta, sizeof(mta));
			if (bounce_report_add(r, addr, status, diag, mta, temp))
				g->n_added++;
		}
	}
	g->final[0] = g->orig[0] = g->action[0] = '\0';
	g->status[0] = g->diag[0] = g->remote[0] = '\0';
}

int
bounce_dsn_status_find(const char *s, char *out, size_t out_len)
{
	for (const char *p = s; *p; p++) {
		size_t a, b, c;

		if ((*p != '2' && *p != '4' && *p != '5') || p[1] != '.' ||
		    (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '.')))
			continue;
		a = strspn(p + 2, "0123456789");
		if (a < 1 || a > 3 || p[2 + a] != '.')
			continue;
		b = strspn(p + 3 + a, "0123456789");
		c = 3 + a + b;
		if (b < 1 || b > 3 || isalnum((unsigned char)p[c]) ||
		    (p[c] == '.' && isdigit((unsigned char)p[c + 1])))
			continue;
		snprintf(out, out_len, "%.*s", (int)c, p);
		return 0;
	}
	return -1;
}
