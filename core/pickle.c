/* pickle.c - read Mailman 2.1's config.pck (Python 2 cPickle, protocol 1)
 * into a struct pyval tree: one table of opcodes, a bounded stack, marks
 * and memo. Nothing is ever imported or called: a class name is only
 * compared with the allow-list of Mailman's data classes, whose instances
 * become dicts (pickle.h); every other class is refused. The meaning of
 * the values (Mailman attribute names) is the migrator's job. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/pickle.h"
#include "core/utf8.h"
#include "core/xmem.h"

struct reader {
	const unsigned char	*start, *p, *end;
	struct pyval		**stack;
	size_t			 n_stack, cap_stack;
	size_t			*marks;
	size_t			 n_marks, cap_marks;
	struct pyval		**memo;
	size_t			 cap_memo;
	size_t			 n_nodes;
	enum status		 st;
	char			*err;
	size_t			 err_len;
};

struct opcode {
	const char	*name;
	int		(*run)(struct reader *, unsigned char op);
};

static int	fail(struct reader *r, enum status st, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
static int	push(struct reader *r, struct pyval *v);
static int	op_refuse(struct reader *, unsigned char);

#define OPDEF(fn) static int fn(struct reader *r, unsigned char op)
OPDEF(op_mark); OPDEF(op_pop); OPDEF(op_dup); OPDEF(op_pop_mark);
OPDEF(op_none); OPDEF(op_bool); OPDEF(op_int_text); OPDEF(op_binint);
OPDEF(op_long_text); OPDEF(op_long_bin); OPDEF(op_float_text);
OPDEF(op_binfloat); OPDEF(op_string_text); OPDEF(op_binstring);
OPDEF(op_unicode_text); OPDEF(op_binunicode); OPDEF(op_empty);
OPDEF(op_from_mark); OPDEF(op_tuple_n); OPDEF(op_append);
OPDEF(op_setitem); OPDEF(op_put); OPDEF(op_get); OPDEF(op_proto);
OPDEF(op_global); OPDEF(op_inst); OPDEF(op_obj); OPDEF(op_newobj);
OPDEF(op_reduce); OPDEF(op_build);

/* Classes whose instances are read as data (never imported): the records
 * Mailman 2.1 keeps in config.pck. */
static const char *const data_classes[] = {
	"Mailman.Bouncer._BounceInfo",
	NULL
};
/* What Python's pickler names to rebuild an instance of such a class
 * (REDUCE through copy_reg._reconstructor(cls, object, None)). */
static const char *const rebuild_helpers[] = {
	"copy_reg._reconstructor", "copyreg._reconstructor",
	"__builtin__.object", "builtins.object",
	NULL
};
#define CLASS_NAME_MAX	128

static const struct opcode opcodes[256] = {
	['('] = { "MARK", op_mark },		['0'] = { "POP", op_pop },
	['2'] = { "DUP", op_dup },		['1'] = { "POP_MARK", op_pop_mark },
	['N'] = { "NONE", op_none },		[0x88] = { "NEWTRUE", op_bool },
	[0x89] = { "NEWFALSE", op_bool },	['I'] = { "INT", op_int_text },
	['J'] = { "BININT", op_binint },	['K'] = { "BININT1", op_binint },
	['M'] = { "BININT2", op_binint },	['L'] = { "LONG", op_long_text },
	[0x8a] = { "LONG1", op_long_bin },	[0x8b] = { "LONG4", op_long_bin },
	['F'] = { "FLOAT", op_float_text },	['G'] = { "BINFLOAT", op_binfloat },
	['S'] = { "STRING", op_string_text },	['T'] = { "BINSTRING", op_binstring },
	['U'] = { "SHORT_BINSTRING", op_binstring },
	['V'] = { "UNICODE", op_unicode_text },
	['X'] = { "BINUNICODE", op_binunicode },
	['}'] = { "EMPTY_DICT", op_empty },	[']'] = { "EMPTY_LIST", op_empty },
	[')'] = { "EMPTY_TUPLE", op_empty },	['d'] = { "DICT", op_from_mark },
	['l'] = { "LIST", op_from_mark },	['t'] = { "TUPLE", op_from_mark },
	[0x85] = { "TUPLE1", op_tuple_n },	[0x86] = { "TUPLE2", op_tuple_n },
	[0x87] = { "TUPLE3", op_tuple_n },	['a'] = { "APPEND", op_append },
	['e'] = { "APPENDS", op_append },	['s'] = { "SETITEM", op_setitem },
	['u'] = { "SETITEMS", op_setitem },	['p'] = { "PUT", op_put },
	['q'] = { "BINPUT", op_put },		['r'] = { "LONG_BINPUT", op_put },
	['g'] = { "GET", op_get },		['h'] = { "BINGET", op_get },
	['j'] = { "LONG_BINGET", op_get },	[0x80] = { "PROTO", op_proto },
	/* Instances of the data classes only; nothing is imported or run. */
	['c'] = { "GLOBAL", op_global },	['R'] = { "REDUCE", op_reduce },
	['b'] = { "BUILD", op_build },		['i'] = { "INST", op_inst },
	['o'] = { "OBJ", op_obj },		[0x81] = { "NEWOBJ", op_newobj },
	/* Each of these imports or calls something: never run. */
	[0x92] = { "NEWOBJ_EX", op_refuse },	[0x93] = { "STACK_GLOBAL", op_refuse },
	[0x82] = { "EXT1", op_refuse },		[0x83] = { "EXT2", op_refuse },
	[0x84] = { "EXT4", op_refuse },		['P'] = { "PERSID", op_refuse },
	['Q'] = { "BINPERSID", op_refuse },
};

static int
fail(struct reader *r, enum status st, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->err_len)
		snprintf(r->err, r->err_len, "byte %zu: %s",
		    (size_t)(r->p - r->start), msg);
	r->st = st;
	return -1;
}

static int
op_refuse(struct reader *r, unsigned char op)
{
	return fail(r, ST_DATA, "opcode %s (0x%02x) refused: it would import "
	    "or call Python code; only plain values are read", opcodes[op].name,
	    op);
}

/* Count a new value against the bound; push takes over v's reference. */
static int
push(struct reader *r, struct pyval *v)
{
	if (++r->n_nodes > PICKLE_NODES_MAX || r->n_stack >= PICKLE_STACK_MAX) {
		pyval_unref(v);
		return fail(r, ST_TOOBIG, "more values than the bound allows");
	}
	if (r->n_stack == r->cap_stack) {
		r->cap_stack = r->cap_stack ? r->cap_stack * 2 : 64;
		r->stack = xrealloc(r->stack, r->cap_stack * sizeof(*r->stack));
	}
	r->stack[r->n_stack++] = v;
	return 0;
}

/* The bottom of the current frame: the last mark, or 0. */
static size_t
frame_base(const struct reader *r)
{
	return r->n_marks ? r->marks[r->n_marks - 1] : 0;
}

static int
need_stack(struct reader *r, size_t n)
{
	if (r->n_stack - frame_base(r) < n)
		return fail(r, ST_DATA, "stack underflow");
	return 0;
}

static int
take(struct reader *r, size_t n, const unsigned char **out)
{
	*out = r->p;
	if ((size_t)(r->end - r->p) < n)
		return fail(r, ST_DATA, "truncated: %zu more bytes expected", n);
	r->p += n;
	return 0;
}

/* A text argument up to the newline (not included). */
static int
take_line(struct reader *r, const char **s, size_t *len)
{
	const unsigned char *nl = memchr(r->p, '\n', (size_t)(r->end - r->p));

	*s = NULL;
	*len = 0;
	if (nl == NULL)
		return fail(r, ST_DATA, "truncated: no newline after a text "
		    "argument");
	*s = (const char *)r->p;
	*len = (size_t)(nl - r->p);
	r->p = nl + 1;
	return 0;
}

static uint32_t
le32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}

/* Parse a decimal integer of a text opcode (optional sign, optional L). */
static int
parse_decimal(struct reader *r, const char *s, size_t len, int64_t *out)
{
	char tmp[32], *end;

	if (len > 0 && s[len - 1] == 'L')
		len--;
	if (len == 0 || len >= sizeof(tmp))
		return fail(r, ST_DATA, "integer missing or too large");
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	errno = 0;
	*out = strtoll(tmp, &end, 10);
	if (errno || *end != '\0')
		return fail(r, ST_DATA, "invalid or too large integer \"%s\"",
		    tmp);
	return 0;
}

OPDEF(op_mark)
{
	(void)op;
	if (r->n_marks >= PICKLE_STACK_MAX)
		return fail(r, ST_TOOBIG, "too many marks");
	if (r->n_marks == r->cap_marks) {
		r->cap_marks = r->cap_marks ? r->cap_marks * 2 : 16;
		r->marks = xrealloc(r->marks, r->cap_marks * sizeof(*r->marks));
	}
	r->marks[r->n_marks++] = r->n_stack;
	return 0;
}

OPDEF(op_pop)
{
	(void)op;
	if (r->n_stack == frame_base(r))	/* POP of a mark drops it */
		return r->n_marks ? (r->n_marks--, 0) :
		    fail(r, ST_DATA, "stack underflow");
	pyval_unref(r->stack[--r->n_stack]);
	return 0;
}

OPDEF(op_dup)
{
	(void)op;
	if (need_stack(r, 1) == -1)
		return -1;
	return push(r, pyval_ref(r->stack[r->n_stack - 1]));
}

OPDEF(op_pop_mark)
{
	(void)op;
	if (r->n_marks == 0)
		return fail(r, ST_DATA, "POP_MARK without a mark");
	while (r->n_stack > frame_base(r))
		pyval_unref(r->stack[--r->n_stack]);
	r->n_marks--;
	return 0;
}

OPDEF(op_none)
{
	(void)op;
	return push(r, pyval_new(PYVAL_NONE));
}

OPDEF(op_bool)
{
	return push(r, pyval_int_new(PYVAL_BOOL, op == 0x88));
}

OPDEF(op_int_text)
{
	const char *s;
	size_t len;
	int64_t v;

	(void)op;
	if (take_line(r, &s, &len) == -1)
		return -1;
	/* Protocols 0 and 1 write True and False as "I01" and "I00". */
	if (len == 2 && s[0] == '0' && (s[1] == '0' || s[1] == '1'))
		return push(r, pyval_int_new(PYVAL_BOOL, s[1] == '1'));
	if (parse_decimal(r, s, len, &v) == -1)
		return -1;
	return push(r, pyval_int_new(PYVAL_INT, v));
}

OPDEF(op_binint)
{
	const unsigned char *b;
	size_t n = op == 'J' ? 4 : op == 'M' ? 2 : 1;
	int64_t v;

	if (take(r, n, &b) == -1)
		return -1;
	if (op == 'J')
		v = (int32_t)le32(b);
	else
		v = op == 'M' ? (int64_t)(b[0] | b[1] << 8) : (int64_t)b[0];
	return push(r, pyval_int_new(PYVAL_INT, v));
}

OPDEF(op_long_text)
{
	const char *s;
	size_t len;
	int64_t v;

	(void)op;
	if (take_line(r, &s, &len) == -1 || parse_decimal(r, s, len, &v) == -1)
		return -1;
	return push(r, pyval_int_new(PYVAL_INT, v));
}

/* LONG1/LONG4: little-endian two's complement of n bytes, at most 8. */
OPDEF(op_long_bin)
{
	const unsigned char *b;
	uint64_t u = 0;
	size_t n;

	if (take(r, op == 0x8a ? 1 : 4, &b) == -1)
		return -1;
	n = op == 0x8a ? b[0] : le32(b);
	if (n > 8)
		return fail(r, ST_DATA, "integer of %zu bytes is too large", n);
	if (take(r, n, &b) == -1)
		return -1;
	for (size_t k = 0; k < n; k++)
		u |= (uint64_t)b[k] << (8 * k);
	if (n > 0 && n < 8 && (b[n - 1] & 0x80))
		u |= ~(uint64_t)0 << (8 * n);
	return push(r, pyval_int_new(PYVAL_INT, (int64_t)u));
}

OPDEF(op_float_text)
{
	struct pyval *v;
	const char *s;
	char tmp[64], *end;
	size_t len;

	(void)op;
	if (take_line(r, &s, &len) == -1)
		return -1;
	if (len == 0 || len >= sizeof(tmp))
		return fail(r, ST_DATA, "invalid float");
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	v = pyval_new(PYVAL_FLOAT);
	v->f = strtod(tmp, &end);
	if (*end != '\0') {
		pyval_unref(v);
		return fail(r, ST_DATA, "invalid float \"%s\"", tmp);
	}
	return push(r, v);
}

OPDEF(op_binfloat)
{
	const unsigned char *b;
	struct pyval *v;
	uint64_t u = 0;

	(void)op;
	if (take(r, 8, &b) == -1)
		return -1;
	for (int k = 0; k < 8; k++)
		u = u << 8 | b[k];
	v = pyval_new(PYVAL_FLOAT);
	memcpy(&v->f, &u, sizeof(v->f));
	return push(r, v);
}

/* A string made from s[0..len) decoded by pyval_unescape. */
static int
push_unescaped(struct reader *r, const char *s, size_t len, int is_unicode,
    int raw)
{
	const char *reason;
	struct buf b;
	int rc;

	buf_init(&b, len * 4 + 1);
	if (pyval_unescape(s, len, is_unicode, raw, &b, &reason) == -1)
		rc = fail(r, ST_DATA, "%s", reason);
	else
		rc = push(r, pyval_str_new(buf_cstr(&b), b.len, is_unicode));
	buf_release(&b);
	return rc;
}

OPDEF(op_string_text)
{
	const char *s;
	size_t len;

	(void)op;
	if (take_line(r, &s, &len) == -1)
		return -1;
	if (len < 2 || (s[0] != '\'' && s[0] != '"') || s[len - 1] != s[0])
		return fail(r, ST_DATA, "STRING argument is not quoted");
	return push_unescaped(r, s + 1, len - 2, 0, 0);
}

OPDEF(op_binstring)
{
	const unsigned char *b;
	int32_t n;

	if (take(r, op == 'T' ? 4 : 1, &b) == -1)
		return -1;
	n = op == 'T' ? (int32_t)le32(b) : (int32_t)b[0];
	if (n < 0)
		return fail(r, ST_DATA, "negative string length");
	if (take(r, (size_t)n, &b) == -1)
		return -1;
	return push(r, pyval_str_new((const char *)b, (size_t)n, 0));
}

OPDEF(op_unicode_text)
{
	const char *s;
	size_t len;

	(void)op;
	if (take_line(r, &s, &len) == -1)
		return -1;
	return push_unescaped(r, s, len, 1, 1);
}

OPDEF(op_binunicode)
{
	const unsigned char *b;
	uint32_t n;

	(void)op;
	if (take(r, 4, &b) == -1)
		return -1;
	n = le32(b);
	if (take(r, n, &b) == -1)
		return -1;
	if (!utf8_valid((const char *)b, n))
		return fail(r, ST_DATA, "BINUNICODE is not valid UTF-8");
	return push(r, pyval_str_new((const char *)b, n, 1));
}

OPDEF(op_empty)
{
	return push(r, pyval_new(op == '}' ? PYVAL_DICT : op == ']' ?
	    PYVAL_LIST : PYVAL_TUPLE));
}

/* A deep copy of v (each container new, leaves shared), counted against
 * the bound; NULL (failed) past it. */
static struct pyval *
copy_value(struct reader *r, struct pyval *v)
{
	struct pyval *c, *item;
	const char *reason;

	if (v->kind != PYVAL_LIST && v->kind != PYVAL_TUPLE &&
	    v->kind != PYVAL_DICT)
		return pyval_ref(v);
	if ((r->n_nodes += 1 + v->n) > PICKLE_NODES_MAX) {
		fail(r, ST_TOOBIG, "more values than the bound allows");
		return NULL;
	}
	c = pyval_new(v->kind);
	c->is_global = v->is_global;
	for (size_t k = 0; k < v->n; k++) {
		if ((item = copy_value(r, v->items[k])) == NULL ||
		    pyval_append(c, item, &reason) == -1) {
			if (item)
				fail(r, ST_DATA, "%s", reason);
			pyval_unref(item);
			pyval_unref(c);
			return NULL;
		}
		pyval_unref(item);
	}
	return c;
}

/* Move stack[from..] into container c, in order. A tuple already inside
 * another container (Python shares one tuple object, such as Mailman's
 * ZEROHOUR_PLUSONEDAY, between records through the memo) is copied:
 * tuples are immutable, so the copy means the same. Shared lists and
 * dicts stay refused. */
static int
fill(struct reader *r, struct pyval *c, size_t from)
{
	const char *reason;

	for (size_t k = from; k < r->n_stack; k++) {
		struct pyval *v = r->stack[k];

		if (v->kind == PYVAL_TUPLE && v->parent != NULL) {
			if ((v = copy_value(r, v)) == NULL)
				return -1;
			pyval_unref(r->stack[k]);
			r->stack[k] = v;
		}
		if (pyval_append(c, v, &reason) == -1)
			return fail(r, ST_DATA, "%s", reason);
	}
	while (r->n_stack > from)
		pyval_unref(r->stack[--r->n_stack]);
	return 0;
}

OPDEF(op_from_mark)
{
	struct pyval *c;
	size_t base;

	if (r->n_marks == 0)
		return fail(r, ST_DATA, "%s without a mark", opcodes[op].name);
	base = r->marks[--r->n_marks];
	if (op == 'd' && (r->n_stack - base) % 2)
		return fail(r, ST_DATA, "DICT with an odd number of items");
	c = pyval_new(op == 'd' ? PYVAL_DICT : op == 'l' ? PYVAL_LIST :
	    PYVAL_TUPLE);
	if (fill(r, c, base) == -1) {
		pyval_unref(c);
		return -1;
	}
	return push(r, c);
}

OPDEF(op_tuple_n)
{
	size_t n = (size_t)(op - 0x84);
	struct pyval *c;

	if (need_stack(r, n) == -1)
		return -1;
	c = pyval_new(PYVAL_TUPLE);
	if (fill(r, c, r->n_stack - n) == -1) {
		pyval_unref(c);
		return -1;
	}
	return push(r, c);
}

/* APPEND(S) and SETITEM(S): the target sits just below the items. */
static int
add_items(struct reader *r, unsigned char op, size_t base, enum pyval_kind want)
{
	struct pyval *c;

	if (base == 0 || base - 1 < frame_base(r) || base > r->n_stack)
		return fail(r, ST_DATA, "%s without a target", opcodes[op].name);
	c = r->stack[base - 1];
	if (c->kind != want)
		return fail(r, ST_DATA, "%s on a %s", opcodes[op].name,
		    pyval_kind_name(c->kind));
	if (want == PYVAL_DICT && (r->n_stack - base) % 2)
		return fail(r, ST_DATA, "%s with an odd number of items",
		    opcodes[op].name);
	return fill(r, c, base);
}

OPDEF(op_append)
{
	size_t base;

	if (op == 'a') {
		if (need_stack(r, 2) == -1)
			return -1;
		return add_items(r, op, r->n_stack - 1, PYVAL_LIST);
	}
	if (r->n_marks == 0)
		return fail(r, ST_DATA, "APPENDS without a mark");
	base = r->marks[--r->n_marks];
	return add_items(r, op, base, PYVAL_LIST);
}

OPDEF(op_setitem)
{
	size_t base;

	if (op == 's') {
		if (need_stack(r, 3) == -1)
			return -1;
		return add_items(r, op, r->n_stack - 2, PYVAL_DICT);
	}
	if (r->n_marks == 0)
		return fail(r, ST_DATA, "SETITEMS without a mark");
	base = r->marks[--r->n_marks];
	return add_items(r, op, base, PYVAL_DICT);
}

/* The memo index of PUT/GET and their binary forms. */
static int
memo_index(struct reader *r, unsigned char op, size_t *idx)
{
	const unsigned char *b;
	const char *s;
	size_t len;
	int64_t v;

	if (op == 'p' || op == 'g') {
		if (take_line(r, &s, &len) == -1 ||
		    parse_decimal(r, s, len, &v) == -1)
			return -1;
	} else if (op == 'q' || op == 'h') {
		if (take(r, 1, &b) == -1)
			return -1;
		v = b[0];
	} else {
		if (take(r, 4, &b) == -1)
			return -1;
		v = le32(b);
	}
	if (v < 0 || v >= PICKLE_MEMO_MAX)
		return fail(r, ST_TOOBIG, "memo index %lld past the bound",
		    (long long)v);
	*idx = (size_t)v;
	return 0;
}

OPDEF(op_put)
{
	size_t idx, old;

	if (memo_index(r, op, &idx) == -1 || need_stack(r, 1) == -1)
		return -1;
	if (idx >= r->cap_memo) {
		old = r->cap_memo;
		r->cap_memo = idx < 32 ? 64 : idx * 2;
		if (r->cap_memo > PICKLE_MEMO_MAX)
			r->cap_memo = PICKLE_MEMO_MAX;
		r->memo = xrealloc(r->memo, r->cap_memo * sizeof(*r->memo));
		memset(r->memo + old, 0, (r->cap_memo - old) * sizeof(*r->memo));
	}
	pyval_unref(r->memo[idx]);
	r->memo[idx] = pyval_ref(r->stack[r->n_stack - 1]);
	return 0;
}

OPDEF(op_get)
{
	size_t idx;

	if (memo_index(r, op, &idx) == -1)
		return -1;
	if (idx >= r->cap_memo || r->memo[idx] == NULL)
		return fail(r, ST_DATA, "memo index %zu was never set", idx);
	r->n_nodes--;	/* a reference, not a new value */
	return push(r, pyval_ref(r->memo[idx]));
}

OPDEF(op_proto)
{
	const unsigned char *b;

	(void)op;
	if (take(r, 1, &b) == -1)
		return -1;
	if (b[0] > 2)
		return fail(r, ST_DATA, "pickle protocol %u is not supported "
		    "(Mailman 2.1 writes protocol 1)", b[0]);
	return 0;
}

static int
in_list(const char *name, const char *const *l)
{
	for (; *l; l++)
		if (strcmp(name, *l) == 0)
			return 1;
	return 0;
}

/* Read GLOBAL/INST's "module\nname\n" into out as "module.name"; fails
 * unless it is a data class (or, with helpers, a rebuild helper). */
static int
class_name(struct reader *r, unsigned char op, int helpers, char *out,
    size_t out_len)
{
	const char *mod, *name;
	size_t ml, nl;

	if (take_line(r, &mod, &ml) == -1 || take_line(r, &name, &nl) == -1)
		return -1;
	if (ml + nl + 2 > out_len)
		return fail(r, ST_DATA, "%s: class name too long",
		    opcodes[op].name);
	snprintf(out, out_len, "%.*s.%.*s", (int)ml, mod, (int)nl, name);
	if (in_list(out, data_classes) ||
	    (helpers && in_list(out, rebuild_helpers)))
		return 0;
	for (char *c = out; *c; c++)	/* it goes into a message */
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	return fail(r, ST_DATA, "opcode %s (0x%02x) refused: %s is not a class "
	    "listd reads as data; only plain values and Mailman's own records "
	    "are read, and nothing is imported or called", opcodes[op].name, op,
	    out);
}

/* At least n values in the current frame for opcode op. */
static int
need_args(struct reader *r, unsigned char op, size_t n)
{
	if (r->n_stack - frame_base(r) < n)
		return fail(r, ST_DATA, "%s: stack underflow", opcodes[op].name);
	return 0;
}

/* Is v a class reference made by GLOBAL (a data class when data_only)? */
static int
is_class(const struct pyval *v, int data_only)
{
	return v->kind == PYVAL_STR && v->is_global &&
	    (!data_only || in_list(v->s, data_classes));
}

/* Append key and value (both new references, handed over) to dict d. */
static int
dict_put(struct reader *r, struct pyval *d, const char *key,
    struct pyval *value)
{
	struct pyval *k = pyval_str_new(key, strlen(key), 1);
	const char *reason;
	int rc = 0;

	if (pyval_append(d, k, &reason) == -1 ||
	    pyval_append(d, value, &reason) == -1)
		rc = fail(r, ST_DATA, "%s", reason);
	pyval_unref(k);
	pyval_unref(value);
	return rc;
}

/* Drop stack[from..] (and, with a mark, the mark above it). */
static void
drop_to(struct reader *r, size_t from)
{
	while (r->n_stack > from)
		pyval_unref(r->stack[--r->n_stack]);
}

/* Push a new instance of data class cls: {"__class__": cls}. */
static int
push_instance(struct reader *r, const char *cls)
{
	struct pyval *d = pyval_new(PYVAL_DICT);

	d->is_global = 1;
	if (dict_put(r, d, "__class__", pyval_str_new(cls, strlen(cls), 1))
	    == -1) {
		pyval_unref(d);
		return -1;
	}
	return push(r, d);
}

OPDEF(op_global)
{
	char name[CLASS_NAME_MAX];
	struct pyval *v;

	if (class_name(r, op, 1, name, sizeof(name)) == -1)
		return -1;
	v = pyval_str_new(name, strlen(name), 1);
	v->is_global = 1;
	return push(r, v);
}

/* MARK args... INST module name: old-style instance; args are dropped. */
OPDEF(op_inst)
{
	char name[CLASS_NAME_MAX];

	if (r->n_marks == 0)
		return fail(r, ST_DATA, "INST without a mark");
	if (class_name(r, op, 0, name, sizeof(name)) == -1)
		return -1;
	drop_to(r, r->marks[--r->n_marks]);
	return push_instance(r, name);
}

/* MARK cls args... OBJ */
OPDEF(op_obj)
{
	char name[CLASS_NAME_MAX];
	size_t base;

	(void)op;
	if (r->n_marks == 0)
		return fail(r, ST_DATA, "OBJ without a mark");
	base = r->marks[r->n_marks - 1];
	if (r->n_stack == base || !is_class(r->stack[base], 1))
		return fail(r, ST_DATA, "OBJ without a data class");
	snprintf(name, sizeof(name), "%s", r->stack[base]->s);
	drop_to(r, base);
	r->n_marks--;
	return push_instance(r, name);
}

/* cls args NEWOBJ */
OPDEF(op_newobj)
{
	char name[CLASS_NAME_MAX];
	const struct pyval *cls;

	if (need_args(r, op, 2) == -1)
		return -1;
	cls = r->stack[r->n_stack - 2];
	if (!is_class(cls, 1) || r->stack[r->n_stack - 1]->kind != PYVAL_TUPLE)
		return fail(r, ST_DATA, "%s on a %s, not a data class and its "
		    "arguments", opcodes[op].name, pyval_kind_name(cls->kind));
	snprintf(name, sizeof(name), "%s", cls->s);
	drop_to(r, r->n_stack - 2);
	return push_instance(r, name);
}

/* callable args REDUCE: only a data class itself, or
 * copy_reg._reconstructor with a data class first; nothing is called. */
OPDEF(op_reduce)
{
	char name[CLASS_NAME_MAX];
	const struct pyval *fn, *args;

	if (need_args(r, op, 2) == -1)
		return -1;
	fn = r->stack[r->n_stack - 2];
	args = r->stack[r->n_stack - 1];
	if (is_class(fn, 1))
		snprintf(name, sizeof(name), "%s", fn->s);
	else if (is_class(fn, 0) && strstr(fn->s, "._reconstructor") &&
	    args->kind == PYVAL_TUPLE && args->n >= 1 &&
	    is_class(args->items[0], 1))
		snprintf(name, sizeof(name), "%s", args->items[0]->s);
	else
		return fail(r, ST_DATA, "opcode %s (0x%02x) refused: it would "
		    "call a %s; only Mailman's own records are rebuilt, as data",
		    opcodes[op].name, op, is_class(fn, 0) ? fn->s :
		    pyval_kind_name(fn->kind));
	drop_to(r, r->n_stack - 2);
	return push_instance(r, name);
}

/* inst state BUILD: the state dict becomes the instance's "__state__".
 * Protocol 2's (dict, slots) form is refused: Mailman's records have no
 * slots. */
OPDEF(op_build)
{
	struct pyval *inst, *state;

	if (need_args(r, op, 2) == -1)
		return -1;
	inst = r->stack[r->n_stack - 2];
	state = r->stack[r->n_stack - 1];
	if (inst->kind != PYVAL_DICT || !inst->is_global ||
	    pyval_dict_get(inst, "__state__") != NULL)
		return fail(r, ST_DATA, "%s on a %s that is not a new instance",
		    opcodes[op].name, pyval_kind_name(inst->kind));
	if (state->kind != PYVAL_DICT)
		return fail(r, ST_DATA, "%s with a %s state, not a dict",
		    opcodes[op].name, pyval_kind_name(state->kind));
	if (dict_put(r, inst, "__state__", pyval_ref(state)) == -1)
		return -1;
	drop_to(r, r->n_stack - 1);
	return 0;
}

static void
reader_release(struct reader *r)
{
	while (r->n_stack)
		pyval_unref(r->stack[--r->n_stack]);
	for (size_t k = 0; k < r->cap_memo; k++)
		pyval_unref(r->memo[k]);
	xfree(r->stack);
	xfree(r->marks);
	xfree(r->memo);
}

enum status
pickle_load(const void *data, size_t len, struct pyval **out, char *err,
    size_t err_len)
{
	struct reader r;
	unsigned char op;

	memset(&r, 0, sizeof(r));
	r.start = r.p = data;
	r.end = r.start + len;
	r.err = err;
	r.err_len = err_len;
	*out = NULL;
	if (len > PICKLE_INPUT_MAX) {
		fail(&r, ST_TOOBIG, "larger than %ld bytes", PICKLE_INPUT_MAX);
		goto out;
	}
	for (;;) {
		if (r.p >= r.end) {
			fail(&r, ST_DATA, "truncated: no STOP opcode");
			goto out;
		}
		op = *r.p++;
		if (op == '.')
			break;
		if (opcodes[op].run == NULL) {
			r.p--;
			fail(&r, ST_DATA, "unknown opcode 0x%02x", op);
			goto out;
		}
		if (opcodes[op].run(&r, op) == -1)
			goto out;
	}
	if (r.n_stack != 1 || r.n_marks != 0) {
		fail(&r, ST_DATA, "STOP with %zu values and %zu marks on the "
		    "stack (expected one value)", r.n_stack, r.n_marks);
		goto out;
	}
	*out = r.stack[--r.n_stack];
	r.st = ST_OK;
out:
	reader_release(&r);
	return r.st;
}

enum status
pickle_load_file(const char *path, struct pyval **out, char *err,
    size_t err_len)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	size_t n;
	enum status st;

	*out = NULL;
	if (fp == NULL) {
		snprintf(err, err_len, "cannot open: %s", strerror(errno));
		return ST_NOTFOUND;
	}
	data = xmalloc((size_t)PICKLE_INPUT_MAX + 1);
	n = fread(data, 1, (size_t)PICKLE_INPUT_MAX + 1, fp);
	if (ferror(fp)) {
		snprintf(err, err_len, "cannot read: %s", strerror(errno));
		st = ST_NOTFOUND;
	} else
		st = pickle_load(data, n, out, err, err_len);
	xfree(data);
	fclose(fp);
	return st;
}
