/* pyval.h - a small tree of plain Python values (None, bool, int, float,
 * str, list, tuple, dict) as read from a pickle (core/pickle.c) or from
 * Python literal text (core/pylit.c). Data only: nothing here runs code.
 * Containers form a tree (a container has at most one parent, no cycles,
 * at most PYVAL_DEPTH_MAX levels); leaves may be shared (reference counts). */
#ifndef LISTD_PYVAL_H
#define LISTD_PYVAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define PYVAL_DEPTH_MAX	64	/* nesting of lists, tuples and dicts */

enum pyval_kind { PYVAL_NONE, PYVAL_BOOL, PYVAL_INT, PYVAL_FLOAT, PYVAL_STR,
	PYVAL_LIST, PYVAL_TUPLE, PYVAL_DICT, PYVAL__COUNT };

struct pyval {
	enum pyval_kind	 kind;
	int		 refs;
	int		 is_unicode;	/* str: Python unicode (UTF-8 here) */
	int		 is_global;	/* str: a class a pickle named
					 * ("module.name"); dict: an instance
					 * of one (see core/pickle.h) */
	int		 height;	/* container levels at and below */
	struct pyval	*parent;	/* weak; containers only */
	int64_t		 i;		/* bool and int */
	double		 f;
	char		*s;		/* str: len bytes + NUL */
	size_t		 len;
	struct pyval	**items;	/* list/tuple items; dict key,value pairs */
	size_t		 n;		/* items (a dict holds n / 2 pairs) */
	size_t		 cap;
};

/* A new value with one reference. Caller releases with pyval_unref(). */
struct pyval	*pyval_new(enum pyval_kind kind);
struct pyval	*pyval_int_new(enum pyval_kind kind, int64_t i);
/* A str of len bytes (copied). */
struct pyval	*pyval_str_new(const char *s, size_t len, int is_unicode);
/* Another reference to v; returns v. */
struct pyval	*pyval_ref(struct pyval *v);
/* Drop a reference; the last one frees v and its items. NULL is ignored. */
void		 pyval_unref(struct pyval *v);

/* Append item to list, tuple or dict c (which takes its own reference).
 * -1 with *reason set when c is not a container, when item is a container
 * already inside another one, when it would make a cycle, or when the tree
 * would pass PYVAL_DEPTH_MAX levels. */
int		 pyval_append(struct pyval *c, struct pyval *item,
		     const char **reason);

/* dict[key] for a str key, the last one when repeated; NULL when absent or
 * when d is not a dict. Borrowed; valid while d is. */
const struct pyval *pyval_dict_get(const struct pyval *d, const char *key);
/* Truth of v as Python sees it (0, "", [], None are false). */
int		 pyval_truth(const struct pyval *v);
/* Is v an int or bool (and then *out is set)? */
int		 pyval_as_int(const struct pyval *v, int64_t *out);
/* Name of a kind ("dict"). Static. */
const char	*pyval_kind_name(enum pyval_kind kind);

/* Decode the body of a Python string literal (without its quotes) into
 * out: backslash escapes \\ \' \" \n \r \t \a \b \f \v \ooo \xhh and, for
 * unicode, \uXXXX and \UXXXXXXXX (as UTF-8); a backslash before a newline
 * joins lines. With raw_unicode only \u and \U are escapes and other
 * bytes are Latin-1 (pickle's UNICODE opcode). -1 with *reason set on a bad
 * escape or when out is full. */
int		 pyval_unescape(const char *s, size_t len, int is_unicode,
		     int raw_unicode, struct buf *out, const char **reason);
/* Append code point cp as UTF-8; -1 for a surrogate or past U+10FFFF. */
int		 pyval_utf8_put(struct buf *out, uint32_t cp);

#endif
