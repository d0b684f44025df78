/* pylit.c - parse `name = value` lines of Python literals (config_list -o
 * output) by recursive descent with a depth and a size bound. Expressions,
 * names other than True/False/None, and calls are refused. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/pylit.h"
#include "core/utf8.h"

struct parser {
	const char	*p, *end;
	int		 line;
	int		 depth;
	int		 json;		/* true/false/null, strings unicode */
	size_t		 n_nodes;
	enum status	 st;
	char		*err;
	size_t		 err_len;
};

static int		 fail(struct parser *ps, enum status st,
			     const char *fmt, ...)
			     __attribute__((format(printf, 3, 4)));
static struct pyval	*parse_value(struct parser *ps);

static int
fail(struct parser *ps, enum status st, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	if (ps->st != ST_OK)
		return -1;	/* keep the first error */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->err_len, "line %d: %s", ps->line, msg);
	ps->st = st;
	return -1;
}

static struct pyval *
counted(struct parser *ps, struct pyval *v)
{
	if (++ps->n_nodes > PYLIT_NODES_MAX) {
		pyval_unref(v);
		fail(ps, ST_TOOBIG, "more values than the bound allows");
		return NULL;
	}
	return v;
}

/* Skip spaces; inside brackets also newlines and comments. */
static void
skip_space(struct parser *ps, int multiline)
{
	while (ps->p < ps->end) {
		char c = *ps->p;

		if (c == '#') {
			while (ps->p < ps->end && *ps->p != '\n')
				ps->p++;
		} else if (c == '\n' && multiline) {
			ps->line++;
			ps->p++;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
		    (c == '\\' && ps->p + 1 < ps->end && ps->p[1] == '\n')) {
			if (c == '\\') {
				ps->p++;
				ps->line++;
			}
			ps->p++;
		} else
			break;
	}
}

/* One string literal at ps->p (prefix letters already known to follow). */
static int
string_piece(struct parser *ps, struct buf *out, int *is_unicode)
{
	int raw = 0, uni = 0, bytes = 0;
	const char *start, *reason;
	char q;
	size_t qlen;

	for (; ps->p < ps->end && strchr("uUbBrR", *ps->p); ps->p++) {
		raw |= *ps->p == 'r' || *ps->p == 'R';
		uni |= *ps->p == 'u' || *ps->p == 'U';
		bytes |= *ps->p == 'b' || *ps->p == 'B';
	}
	if (ps->p >= ps->end || (*ps->p != '\'' && *ps->p != '"'))
		return fail(ps, ST_DATA, "expected a quote");
	q = *ps->p;
	qlen = ps->end - ps->p >= 3 && ps->p[1] == q && ps->p[2] == q ? 3 : 1;
	ps->p += qlen;
	start = ps->p;
	for (;; ps->p++) {
		if (ps->p >= ps->end || (qlen == 1 && *ps->p == '\n'))
			return fail(ps, ST_DATA, "unterminated string");
		if (*ps->p == '\\' && ps->p + 1 < ps->end) {
			if (ps->p[1] == '\n')
				ps->line++;
			ps->p++;
			continue;
		}
		if (*ps->p == '\n')
			ps->line++;
		if (*ps->p == q && (qlen == 1 || (ps->end - ps->p >= 3 &&
		    ps->p[1] == q && ps->p[2] == q)))
			break;
	}
	uni |= ps->json;
	*is_unicode |= uni || !bytes;
	if (raw) {
		if (buf_append(out, start, (size_t)(ps->p - start)) == -1)
			return fail(ps, ST_TOOBIG, "string too long");
	} else if (pyval_unescape(start, (size_t)(ps->p - start), uni, 0, out,
	    &reason) == -1)
		return fail(ps, ST_DATA, "%s", reason);
	ps->p += qlen;
	return 0;
}

static int
starts_string(const struct parser *ps)
{
	const char *p = ps->p;

	while (p < ps->end && p - ps->p < 3 && strchr("uUbBrR", *p))
		p++;
	return p < ps->end && (*p == '\'' || *p == '"');
}

/* Adjacent literals join, as in Python. */
static struct pyval *
parse_string(struct parser *ps)
{
	struct pyval *v = NULL;
	struct buf b;
	int is_unicode = 0;

	buf_init(&b, (size_t)(ps->end - ps->p) * 4 + 1);
	do {
		if (string_piece(ps, &b, &is_unicode) == -1)
			goto out;
		skip_space(ps, ps->depth > 0);
	} while (starts_string(ps));
	if (!utf8_valid(buf_cstr(&b), b.len))
		is_unicode = 0;	/* bytes in the list's charset */
	v = counted(ps, pyval_str_new(buf_cstr(&b), b.len, is_unicode));
out:
	buf_release(&b);
	return v;
}

static struct pyval *
parse_number(struct parser *ps)
{
	char tmp[64], *end;
	size_t n = 0;
	struct pyval *v;

	while (ps->p + n < ps->end && n < sizeof(tmp) - 1 &&
	    (isalnum((unsigned char)ps->p[n]) || strchr("+-.", ps->p[n])))
		n++;
	memcpy(tmp, ps->p, n);
	tmp[n] = '\0';
	if (n > 0 && (tmp[n - 1] == 'L' || tmp[n - 1] == 'l'))
		tmp[n - 1] = '\0';
	errno = 0;
	if (strpbrk(tmp, ".eE") && strncmp(tmp, "0x", 2) != 0) {
		v = pyval_new(PYVAL_FLOAT);
		v->f = strtod(tmp, &end);
	} else
		v = pyval_int_new(PYVAL_INT, strtoll(tmp, &end, 0));
	if (errno || end == tmp || *end != '\0') {
		pyval_unref(v);
		fail(ps, ST_DATA, "invalid number \"%s\"", tmp);
		return NULL;
	}
	ps->p += n;
	return counted(ps, v);
}

static struct pyval *
parse_word(struct parser *ps)
{
	static const struct { const char *w; enum pyval_kind k; int v; }
	    words[] = { { "True", PYVAL_BOOL, 1 }, { "False", PYVAL_BOOL, 0 },
	    { "None", PYVAL_NONE, 0 }, { "true", PYVAL_BOOL, 1 },
	    { "false", PYVAL_BOOL, 0 }, { "null", PYVAL_NONE, 0 } };
	size_t n = 0;

	while (ps->p + n < ps->end && (isalnum((unsigned char)ps->p[n]) ||
	    ps->p[n] == '_'))
		n++;
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if ((k < 3) != ps->json && strlen(words[k].w) == n && !strncmp(ps->p, words[k].w, n)) {
			ps->p += n;
			return counted(ps, pyval_int_new(words[k].k, words[k].v));
		}
	fail(ps, ST_DATA, "\"%.*s\" is not a literal (only strings, numbers, "
	    "True, False, None, lists, tuples and dicts are read)",
	    (int)(n ? n : 1), ps->p);
	return NULL;
}

static int
add(struct parser *ps, struct pyval *c, struct pyval *item)
{
	const char *reason;
	int rc = 0;

	if (item == NULL)
		return -1;
	if (pyval_append(c, item, &reason) == -1)
		rc = fail(ps, ST_DATA, "%s", reason);
	pyval_unref(item);
	return rc;
}

/* [a, b], (a, b) or {k: v}: items up to the closing bracket. */
static struct pyval *
parse_container(struct parser *ps)
{
	char open = *ps->p, close = open == '[' ? ']' : open == '(' ? ')' : '}';
	struct pyval *c = pyval_new(open == '[' ? PYVAL_LIST : open == '(' ?
	    PYVAL_TUPLE : PYVAL_DICT);
	int n_commas = 0;

	if (++ps->depth > PYVAL_DEPTH_MAX) {
		fail(ps, ST_DATA, "nested too deep");
		goto bad;
	}
	for (ps->p++, skip_space(ps, 1); ps->p < ps->end && *ps->p != close;) {
		if (add(ps, c, parse_value(ps)) == -1)
			goto bad;
		skip_space(ps, 1);
		if (open == '{') {
			if (ps->p >= ps->end || *ps->p != ':') {
				fail(ps, ST_DATA, "expected ':' in a dict");
				goto bad;
			}
			ps->p++;
			if (add(ps, c, parse_value(ps)) == -1)
				goto bad;
			skip_space(ps, 1);
		}
		if (ps->p < ps->end && *ps->p == ',') {
			n_commas++;
			ps->p++;
			skip_space(ps, 1);
		} else if (ps->p < ps->end && *ps->p != close) {
			fail(ps, ST_DATA, "expected ',' or '%c'", close);
			goto bad;
		}
	}
	if (ps->p >= ps->end) {
		fail(ps, ST_DATA, "'%c' is never closed", open);
		goto bad;
	}
	ps->p++;
	ps->depth--;
	if (open == '(' && c->n == 1 && n_commas == 0) {	/* (x) is x */
		struct pyval *x = pyval_ref(c->items[0]);

		pyval_unref(c);
		return x;
	}
	return counted(ps, c);
bad:
	pyval_unref(c);
	return NULL;
}

static struct pyval *
parse_value(struct parser *ps)
{
	char c;

	skip_space(ps, ps->depth > 0);
	if (ps->p >= ps->end)
		return fail(ps, ST_DATA, "value missing"), NULL;
	c = *ps->p;
	if (starts_string(ps))
		return parse_string(ps);
	if (c == '[' || c == '(' || c == '{')
		return parse_container(ps);
	if (isdigit((unsigned char)c) || c == '-' || c == '+' || c == '.')
		return parse_number(ps);
	if (isalpha((unsigned char)c) || c == '_')
		return parse_word(ps);
	fail(ps, ST_DATA, "unexpected character '%c'", isprint((unsigned char)c)
	    ? c : '?');
	return NULL;
}

/* One `name = value` statement into dict d. */
static int
parse_assignment(struct parser *ps, struct pyval *d)
{
	const char *name = ps->p;
	size_t n = 0;

	while (ps->p < ps->end && (isalnum((unsigned char)*ps->p) ||
	    *ps->p == '_'))
		ps->p++, n++;
	if (n == 0 || isdigit((unsigned char)*name))
		return fail(ps, ST_DATA, "expected a setting name");
	skip_space(ps, 0);
	if (ps->p >= ps->end || *ps->p != '=')
		return fail(ps, ST_DATA, "expected '=' after %.*s", (int)n, name);
	ps->p++;
	if (add(ps, d, counted(ps, pyval_str_new(name, n, 0))) == -1 ||
	    add(ps, d, parse_value(ps)) == -1)
		return -1;
	skip_space(ps, 0);
	if (ps->p < ps->end && *ps->p != '\n')
		return fail(ps, ST_DATA, "unexpected text after the value of "
		    "%.*s", (int)n, name);
	return 0;
}

enum status
pylit_parse(const char *text, size_t len, struct pyval **out, char *err,
    size_t err_len)
{
	struct parser ps = { text, text + len, 1, 0, 0, 0, ST_OK, err, err_len };
	struct pyval *d = pyval_new(PYVAL_DICT);

	*out = NULL;
	if (len > PYLIT_INPUT_MAX) {
		fail(&ps, ST_TOOBIG, "larger than %ld bytes", PYLIT_INPUT_MAX);
		goto bad;
	}
	if (memchr(text, '\0', len) != NULL) {
		fail(&ps, ST_DATA, "NUL byte in the text");
		goto bad;
	}
	for (;;) {
		skip_space(&ps, 0);
		if (ps.p < ps.end && *ps.p == '\n') {
			ps.p++;
			ps.line++;
			continue;
		}
		if (ps.p >= ps.end)
			break;
		if (parse_assignment(&ps, d) == -1)
			goto bad;
	}
	*out = d;
	return ST_OK;
bad:
	pyval_unref(d);
	return ps.st;
}

enum status
pylit_parse_json(const char *text, size_t len, struct pyval **out, char *err,
    size_t err_len)
{
	struct parser ps = { text, text + len, 1, 1, 1, 0, ST_OK, err, err_len };
	struct pyval *v = NULL;

	*out = NULL;
	if (len > PYLIT_INPUT_MAX)
		fail(&ps, ST_TOOBIG, "larger than %ld bytes", PYLIT_INPUT_MAX);
	else if (memchr(text, '\0', len) != NULL)
		fail(&ps, ST_DATA, "NUL byte in the text");
	else if ((v = parse_value(&ps)) != NULL) {
		skip_space(&ps, 1);
		if (ps.p < ps.end)
			fail(&ps, ST_DATA, "unexpected text after the value");
	}
	if (ps.st != ST_OK) {
		pyval_unref(v);
		return ps.st;
	}
	*out = v;
	return ST_OK;
}
