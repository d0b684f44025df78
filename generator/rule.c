/* rule.c - parse and evaluate roster rules (see rule.h): a recursive
 * descent parser over a one-token lookahead lexer, building a node array.
 * Binding to the source's columns is separate so a rule can be checked when
 * it is defined, before any source is read. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/xmem.h"
#include "generator/rule.h"

#define RULE_VALUES_MAX	64	/* values in one in (...) list */

enum node_kind { NODE_OR, NODE_AND, NODE_NOT, NODE_EQ, NODE_NE, NODE_IN };
enum tok_kind { TOK_END, TOK_LPAREN, TOK_RPAREN, TOK_COMMA, TOK_EQ, TOK_NE,
	TOK_WORD, TOK_STRING, TOK_BAD };

struct node {
	enum node_kind	 kind;
	int		 a, b;		/* children (or, and, not) */
	char		*name;		/* attribute (comparisons) */
	int		 col;		/* bound column, -1 before rule_bind */
	char		**values;
	size_t		 n_values;
};

struct rule {
	struct node	 nodes[RULE_NODES_MAX];
	int		 n_nodes;
	int		 root;
};

struct parser {
	const char	*text;
	size_t		 pos;		/* next byte to lex */
	size_t		 tok_col;	/* 1-based column of the current token */
	enum tok_kind	 tok;
	char		 word[RULE_TEXT_MAX + 1];
	struct rule	*r;
	char		*err;
	size_t		 err_len;
	int		 failed;
	int		 depth;
};

static int parse_expr(struct parser *);

static void
fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return;
	p->failed = 1;
	n = snprintf(p->err, p->err_len, "column %zu: ", p->tok_col);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < p->err_len)
		vsnprintf(p->err + n, p->err_len - (size_t)n, fmt, ap);
	va_end(ap);
}

static int
is_word_char(int c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '@' || c == '-' ||
	    c >= 0x80;
}

/* A "quoted string" starting at p->pos (after the quote). */
static void
lex_string(struct parser *p)
{
	size_t n = 0;
	const char *s = p->text;

	for (;;) {
		char c = s[p->pos];

		if (c == '\0') {
			p->tok = TOK_BAD;
			fail(p, "unterminated string");
			return;
		}
		p->pos++;
		if (c == '"')
			break;
		if (c == '\\' && (s[p->pos] == '"' || s[p->pos] == '\\'))
			c = s[p->pos++];
		p->word[n++] = c;
	}
	p->word[n] = '\0';
	p->tok = TOK_STRING;
}

static void
lex(struct parser *p)
{
	const char *s = p->text;
	size_t n = 0;

	while (s[p->pos] == ' ' || s[p->pos] == '\t')
		p->pos++;
	p->tok_col = p->pos + 1;
	switch (s[p->pos]) {
	case '\0': p->tok = TOK_END; return;
	case '(': p->pos++; p->tok = TOK_LPAREN; return;
	case ')': p->pos++; p->tok = TOK_RPAREN; return;
	case ',': p->pos++; p->tok = TOK_COMMA; return;
	case '=': p->pos++; p->tok = TOK_EQ; return;
	case '"': p->pos++; lex_string(p); return;
	case '!':
		if (s[p->pos + 1] == '=') {
			p->pos += 2;
			p->tok = TOK_NE;
			return;
		}
		break;
	default:
		break;
	}
	while (is_word_char((unsigned char)s[p->pos]))
		p->word[n++] = s[p->pos++];
	p->word[n] = '\0';
	p->tok = n ? TOK_WORD : TOK_BAD;
	if (n == 0)
		fail(p, "unexpected character '%c'", s[p->pos]);
}

static int
is_keyword(const struct parser *p, const char *kw)
{
	return p->tok == TOK_WORD && strcasecmp(p->word, kw) == 0;
}

static int
new_node(struct parser *p, enum node_kind kind, int a, int b)
{
	struct node *n;

	if (p->r->n_nodes == RULE_NODES_MAX) {
		fail(p, "rule too long (at most %d terms)", RULE_NODES_MAX);
		return -1;
	}
	n = &p->r->nodes[p->r->n_nodes];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->a = a;
	n->b = b;
	n->col = -1;
	return p->r->n_nodes++;
}

/* Take the current token as a value; 0 or -1. */
static int
take_value(struct parser *p, struct node *n, const char *after)
{
	if (p->tok != TOK_STRING && (p->tok != TOK_WORD ||
	    is_keyword(p, "and") || is_keyword(p, "or") || is_keyword(p, "not"))) {
		fail(p, "expected a value after %s", after);
		return -1;
	}
	if (n->n_values == RULE_VALUES_MAX) {
		fail(p, "too many values (at most %d)", RULE_VALUES_MAX);
		return -1;
	}
	n->values = xrealloc(n->values, (n->n_values + 1) * sizeof(char *));
	n->values[n->n_values++] = xstrdup(p->word);
	lex(p);
	return 0;
}

static int
parse_in_list(struct parser *p, struct node *n)
{
	lex(p);
	if (p->tok != TOK_LPAREN) {
		fail(p, "expected \"(\" after \"in\"");
		return -1;
	}
	lex(p);
	for (;;) {
		if (take_value(p, n, "\"(\" or \",\"") == -1)
			return -1;
		if (p->tok == TOK_RPAREN)
			break;
		if (p->tok != TOK_COMMA) {
			fail(p, "expected \",\" or \")\" in the value list");
			return -1;
		}
		lex(p);
	}
	lex(p);
	return 0;
}

static int
parse_comparison(struct parser *p)
{
	struct node *n;
	int id;

	if (p->tok != TOK_WORD || is_keyword(p, "and") || is_keyword(p, "or") ||
	    is_keyword(p, "in")) {
		fail(p, p->tok == TOK_END ? "unexpected end of rule" :
		    "expected an attribute name");
		return -1;
	}
	if ((id = new_node(p, NODE_EQ, -1, -1)) == -1)
		return -1;
	n = &p->r->nodes[id];
	n->name = xstrdup(p->word);
	lex(p);
	if (p->tok == TOK_EQ || p->tok == TOK_NE) {
		n->kind = p->tok == TOK_EQ ? NODE_EQ : NODE_NE;
		lex(p);
		return take_value(p, n, n->kind == NODE_EQ ? "\"=\"" :
		    "\"!=\"") == -1 ? -1 : id;
	}
	if (is_keyword(p, "in")) {
		n->kind = NODE_IN;
		return parse_in_list(p, n) == -1 ? -1 : id;
	}
	fail(p, "expected \"=\", \"!=\" or \"in\" after \"%s\"", n->name);
	return -1;
}

static int
parse_factor(struct parser *p)
{
	int a;

	if (++p->depth > 64) {
		fail(p, "nested too deeply");
		return -1;
	}
	if (is_keyword(p, "not")) {
		lex(p);
		a = parse_factor(p);
		a = a == -1 ? -1 : new_node(p, NODE_NOT, a, -1);
	} else if (p->tok == TOK_LPAREN) {
		lex(p);
		a = parse_expr(p);
		if (a != -1 && p->tok != TOK_RPAREN) {
			fail(p, "expected \")\"");
			a = -1;
		}
		if (a != -1)
			lex(p);
	} else
		a = parse_comparison(p);
	p->depth--;
	return a;
}

static int
parse_term(struct parser *p)
{
	int a = parse_factor(p);

	while (a != -1 && is_keyword(p, "and")) {
		int b;

		lex(p);
		if ((b = parse_factor(p)) == -1)
			return -1;
		a = new_node(p, NODE_AND, a, b);
	}
	return a;
}

static int
parse_expr(struct parser *p)
{
	int a = parse_term(p);

	while (a != -1 && is_keyword(p, "or")) {
		int b;

		lex(p);
		if ((b = parse_term(p)) == -1)
			return -1;
		a = new_node(p, NODE_OR, a, b);
	}
	return a;
}

struct rule *
rule_parse(const char *text, char *err, size_t err_len)
{
	struct parser p;

	memset(&p, 0, sizeof(p));
	p.err = err;
	p.err_len = err_len;
	p.text = text;
	p.tok_col = 1;
	p.r = xcalloc(1, sizeof(*p.r));
	if (strlen(text) > RULE_TEXT_MAX) {
		fail(&p, "rule longer than %d bytes", RULE_TEXT_MAX);
		goto bad;
	}
	lex(&p);
	if (p.tok == TOK_END) {
		fail(&p, "empty rule");
		goto bad;
	}
	if ((p.r->root = parse_expr(&p)) == -1)
		goto bad;
	if (p.tok != TOK_END) {
		fail(&p, "unexpected \"%s\" (expected \"and\", \"or\" or the end)",
		    p.tok == TOK_RPAREN ? ")" : p.word);
		goto bad;
	}
	return p.r;
bad:
	rule_free(p.r);
	return NULL;
}

void
rule_free(struct rule *r)
{
	if (r == NULL)
		return;
	for (int i = 0; i < r->n_nodes; i++) {
		xfree(r->nodes[i].name);
		for (size_t k = 0; k < r->nodes[i].n_values; k++)
			xfree(r->nodes[i].values[k]);
		xfree(r->nodes[i].values);
	}
	xfree(r);
}

int
rule_bind(struct rule *r, const char *const *columns, size_t n, char *err,
    size_t err_len)
{
	for (int i = 0; i < r->n_nodes; i++) {
		struct node *nd = &r->nodes[i];

		if (nd->name == NULL)
			continue;
		nd->col = -1;
		for (size_t k = 0; k < n && nd->col < 0; k++)
			if (strcasecmp(columns[k], nd->name) == 0)
				nd->col = (int)k;
		if (nd->col < 0) {
			snprintf(err, err_len, "unknown attribute \"%s\"",
			    nd->name);
			return -1;
		}
	}
	return 0;
}

static int
eval_node(const struct rule *r, int i, const char *const *values)
{
	const struct node *n = &r->nodes[i];

	switch (n->kind) {
	case NODE_OR:
		return eval_node(r, n->a, values) || eval_node(r, n->b, values);
	case NODE_AND:
		return eval_node(r, n->a, values) && eval_node(r, n->b, values);
	case NODE_NOT:
		return !eval_node(r, n->a, values);
	case NODE_EQ:
		return strcasecmp(values[n->col], n->values[0]) == 0;
	case NODE_NE:
		return strcasecmp(values[n->col], n->values[0]) != 0;
	case NODE_IN:
		for (size_t k = 0; k < n->n_values; k++)
			if (strcasecmp(values[n->col], n->values[k]) == 0)
				return 1;
		return 0;
	}
	return 0;
}

int
rule_eval(const struct rule *r, const char *const *values)
{
	return eval_node(r, r->root, values);
}
