/* store_list.h - a district's lists (district.db). */
#ifndef LISTD_STORE_LIST_H
#define LISTD_STORE_LIST_H

#include "core/model.h"
#include "core/status.h"
#include "core/store.h"

/* Create the list l (l->id and l->created are set). ST_EXISTS when the name
 * is taken. */
enum status	store_list_create(struct store *s, struct list *l);
/* Look up by local-part name. ST_NOTFOUND when absent. */
enum status	store_list_get(struct store *s, const char *name, struct list *out);
enum status	store_list_get_id(struct store *s, int64_t id, struct list *out);
/* Write every setting of l (by id). */
enum status	store_list_update(struct store *s, const struct list *l);
/* Delete the list and its members. ST_NOTFOUND when absent. */
enum status	store_list_remove(struct store *s, const char *name);
/* Call fn for each list in name order; non-zero from fn stops early. */
enum status	store_list_each(struct store *s,
		    int (*fn)(const struct list *, void *), void *ctx);

#endif
