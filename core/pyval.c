/* pyval.c - the Python value tree shared by the pickle and literal readers:
 * creation, reference counts, the tree rules (one parent, no cycle, bounded
 * depth), dict lookup and string-literal escapes. No parsing of files here. */
#include <string.h>

#include "core/pyval.h"
#include "core/xmem.h"

static int	hexval(int c);
static int	read_hex(const char *s, size_t len, size_t *i, int n,
		    uint32_t *out);
static int	unescape_one(const char *s, size_t len, size_t *i,
		    int is_unicode, int raw_unicode, struct buf *out,
		    const char **reason);

static const char *kind_names[PYVAL__COUNT] = {
	"None", "bool", "int", "float", "str", "list", "tuple", "dict",
};

const char *
pyval_kind_name(enum pyval_kind kind)
{
	return kind < PYVAL__COUNT ? kind_names[kind] : "?";
}

struct pyval *
pyval_new(enum pyval_kind kind)
{
	struct pyval *v = xcalloc(1, sizeof(*v));

	v->kind = kind;
	v->refs = 1;
	if (kind == PYVAL_LIST || kind == PYVAL_TUPLE || kind == PYVAL_DICT)
		v->height = 1;
	return v;
}

struct pyval *
pyval_int_new(enum pyval_kind kind, int64_t i)
{
	struct pyval *v = pyval_new(kind);

	v->i = i;
	return v;
}

struct pyval *
pyval_str_new(const char *s, size_t len, int is_unicode)
{
	struct pyval *v = pyval_new(PYVAL_STR);

	v->s = xmalloc(len + 1);
	if (len)
		memcpy(v->s, s, len);
	v->s[len] = '\0';
	v->len = len;
	v->is_unicode = is_unicode;
	return v;
}

struct pyval *
pyval_ref(struct pyval *v)
{
	v->refs++;
	return v;
}

void
pyval_unref(struct pyval *v)
{
	if (v == NULL || --v->refs > 0)
		return;
	for (size_t k = 0; k < v->n; k++) {
		if (v->items[k]->parent == v)
			v->items[k]->parent = NULL;
		pyval_unref(v->items[k]);	/* depth bounded by the tree rule */
	}
	xfree(v->items);
	xfree(v->s);
	xfree(v);
}

static int
is_container(const struct pyval *v)
{
	return v->kind == PYVAL_LIST || v->kind == PYVAL_TUPLE ||
	    v->kind == PYVAL_DICT;
}

int
pyval_append(struct pyval *c, struct pyval *item, const char **reason)
{
	int levels = 0, h;

	if (!is_container(c)) {
		*reason = "append or setitem on a value that is not a container";
		return -1;
	}
	if (is_container(item)) {
		if (item->parent != NULL) {
			*reason = "a list, tuple or dict inside two containers";
			return -1;
		}
		for (struct pyval *p = c; p; p = p->parent, levels++)
			if (p == item) {
				*reason = "a container inside itself (cycle)";
				return -1;
			}
		if (levels + item->height > PYVAL_DEPTH_MAX) {
			*reason = "nested too deep";
			return -1;
		}
		item->parent = c;
		h = item->height + 1;
		for (struct pyval *p = c; p && p->height < h; p = p->parent, h++)
			p->height = h;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		c->items = xrealloc(c->items, c->cap * sizeof(*c->items));
	}
	c->items[c->n++] = pyval_ref(item);
	return 0;
}

const struct pyval *
pyval_dict_get(const struct pyval *d, const char *key)
{
	size_t klen = strlen(key);

	if (d == NULL || d->kind != PYVAL_DICT)
		return NULL;
	for (size_t k = d->n; k >= 2; k -= 2) {
		const struct pyval *kv = d->items[k - 2];

		if (kv->kind == PYVAL_STR && kv->len == klen &&
		    memcmp(kv->s, key, klen) == 0)
			return d->items[k - 1];
	}
	return NULL;
}

int
pyval_truth(const struct pyval *v)
{
	if (v == NULL)
		return 0;
	switch (v->kind) {
	case PYVAL_BOOL:
	case PYVAL_INT:
		return v->i != 0;
	case PYVAL_FLOAT:
		return v->f != 0.0;
	case PYVAL_STR:
		return v->len != 0;
	case PYVAL_LIST:
	case PYVAL_TUPLE:
	case PYVAL_DICT:
		return v->n != 0;
	default:
		return 0;
	}
}

int
pyval_as_int(const struct pyval *v, int64_t *out)
{
	if (v == NULL || (v->kind != PYVAL_INT && v->kind != PYVAL_BOOL))
		return 0;
	*out = v->i;
	return 1;
}

int
pyval_utf8_put(struct buf *out, uint32_t cp)
{
	unsigned char b[4];
	size_t n;

	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xC0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xE0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xF0 | (cp >> 18));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return buf_append(out, b, n);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* n hex digits at s[*i]; advances *i. */
static int
read_hex(const char *s, size_t len, size_t *i, int n, uint32_t *out)
{
	uint32_t v = 0;

	for (int k = 0; k < n; k++, (*i)++) {
		int h = *i < len ? hexval((unsigned char)s[*i]) : -1;

		if (h < 0)
			return -1;
		v = v * 16 + (uint32_t)h;
	}
	*out = v;
	return 0;
}

static const char simple_escapes[] = "\\\\''\"\"n\nr\rt\ta\ab\bf\fv\v";

/* One escape; s[*i] is the character after the backslash. */
static int
unescape_one(const char *s, size_t len, size_t *i, int is_unicode,
    int raw_unicode, struct buf *out, const char **reason)
{
	char c = s[*i];
	uint32_t cp;
	int rc = 0;

	if (c == 'u' || c == 'U') {
		(*i)++;
		if (read_hex(s, len, i, c == 'u' ? 4 : 8, &cp) == -1 ||
		    pyval_utf8_put(out, cp) == -1)
			goto bad;
		return 0;
	}
	if (raw_unicode)
		return buf_append(out, "\\", 1) == -1 ? -1 : 0;	/* literal */
	for (const char *e = simple_escapes; *e; e += 2)
		if (*e == c) {
			(*i)++;
			return buf_append(out, e + 1, 1);
		}
	if (c == '\n') {
		(*i)++;
		return 0;
	}
	if (c == 'x') {
		(*i)++;
		if (read_hex(s, len, i, 2, &cp) == -1)
			goto bad;
	} else if (c >= '0' && c <= '7') {
		cp = 0;
		for (int k = 0; k < 3 && *i < len && s[*i] >= '0' &&
		    s[*i] <= '7'; k++, (*i)++)
			cp = cp * 8 + (uint32_t)(s[*i] - '0');
	} else {
		/* Python keeps an unknown escape as it is. */
		return buf_append(out, "\\", 1);
	}
	if (is_unicode)
		rc = pyval_utf8_put(out, cp);
	else {
		unsigned char b = (unsigned char)(cp & 0xFF);
		rc = cp > 0xFF ? -1 : buf_append(out, &b, 1);
	}
	if (rc == -1)
		goto bad;
	return 0;
bad:
	*reason = "invalid escape in a string";
	return -1;
}

int
pyval_unescape(const char *s, size_t len, int is_unicode, int raw_unicode,
    struct buf *out, const char **reason)
{
	*reason = "string too long";
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\' && i + 1 < len) {
			i++;
			if (unescape_one(s, len, &i, is_unicode, raw_unicode,
			    out, reason) == -1)
				return -1;
			continue;
		}
		i++;
		if (raw_unicode && c >= 0x80) {
			if (pyval_utf8_put(out, c) == -1)
				goto full;
		} else if (buf_append(out, &c, 1) == -1)
			goto full;
	}
	return out->overflow ? -1 : 0;
full:
	return -1;
}
