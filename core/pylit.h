/* pylit.h - a bounded reader of the Python literal text that Mailman 2.1's
 * `bin/config_list -o` prints: lines of `name = value` where a value is a
 * str (quotes, triple quotes, u/b/r prefixes, escapes), int, float, True,
 * False, None, or a list, tuple or dict of those. Nothing is evaluated. */
#ifndef LISTD_PYLIT_H
#define LISTD_PYLIT_H

#include <stddef.h>

#include "core/pyval.h"
#include "core/status.h"

#define PYLIT_INPUT_MAX	(16L * 1024 * 1024)
#define PYLIT_NODES_MAX	(1L * 1024 * 1024)

/* Parse text[0..len) into a dict of name -> value (a later assignment of a
 * name wins). ST_OK and *out (caller releases with pyval_unref()); else
 * ST_DATA or ST_TOOBIG, *out NULL and err holding "line N: reason". */
enum status	pylit_parse(const char *text, size_t len, struct pyval **out,
		    char *err, size_t err_len);

/* Parse one JSON value (a REST export) the same way: true, false and null
 * for True, False and None; strings are unicode. Same results. */
enum status	pylit_parse_json(const char *text, size_t len,
		    struct pyval **out, char *err, size_t err_len);

#endif
