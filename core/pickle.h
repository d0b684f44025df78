/* pickle.h - a bounded reader for the part of Python's pickle format that
 * Mailman 2.1's config.pck uses (protocols 0-2: plain values, lists,
 * tuples, dicts and the memo). It never imports or runs anything. Class
 * instances are read as data only for the few classes Mailman keeps in
 * config.pck (Mailman.Bouncer._BounceInfo, in bounce_info): GLOBAL (or
 * INST) naming one of them, then OBJ, INST, NEWOBJ or REDUCE through
 * copy_reg._reconstructor, and BUILD with a dict state, make a dict
 * {"__class__": "module.name", "__state__": state} with is_global set.
 * Any other class, and EXT, PERSID, NEWOBJ_EX and STACK_GLOBAL, are
 * refused. */
#ifndef LISTD_PICKLE_H
#define LISTD_PICKLE_H

#include <stddef.h>

#include "core/pyval.h"
#include "core/status.h"

#define PICKLE_INPUT_MAX	(64L * 1024 * 1024)	/* bytes read */
#define PICKLE_NODES_MAX	(4L * 1024 * 1024)	/* values created */
#define PICKLE_MEMO_MAX		(1L * 1024 * 1024)	/* memo index bound */
#define PICKLE_STACK_MAX	(1L * 1024 * 1024)	/* stack and marks */

/* Read one pickle from data[0..len) up to its STOP. On success *out is the
 * top value (caller releases with pyval_unref()) and ST_OK is returned.
 * ST_DATA for malformed or refused input, ST_TOOBIG past a bound; then
 * *out is NULL and err holds "byte N: reason". */
enum status	pickle_load(const void *data, size_t len, struct pyval **out,
		    char *err, size_t err_len);
/* The same for a file of at most PICKLE_INPUT_MAX bytes; ST_NOTFOUND when
 * it cannot be read (errno kept). */
enum status	pickle_load_file(const char *path, struct pyval **out,
		    char *err, size_t err_len);

#endif
