/* source.c - the table of directory source types and the calls that
 * dispatch through it. Each type lives in source_<type>.c. */
#include <stdio.h>
#include <string.h>

#include "core/xmem.h"
#include "generator/source.h"

static const struct source_ops *const source_types[] = {
	&source_csv_ops,
	&source_sqlite_ops,
	&source_ldap_ops,
};

#define N_TYPES (sizeof(source_types) / sizeof(source_types[0]))

static const struct source_ops *
find_type(const char *type)
{
	for (size_t i = 0; i < N_TYPES; i++)
		if (strcmp(source_types[i]->type, type) == 0)
			return source_types[i];
	return NULL;
}

char *
source_column_dup(const char *name)
{
	size_t n;

	while (*name == ' ' || *name == '\t')
		name++;
	n = strlen(name);
	while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t'))
		n--;
	return xstrndup(name, n);
}

int
source_type_valid(const char *type)
{
	return find_type(type) != NULL;
}

enum status
source_open(const struct roster_source_conf *conf, struct source **out,
    char *err, size_t err_len)
{
	const struct source_ops *ops = find_type(conf->type);
	struct source *src;
	enum status st;

	*out = NULL;
	if (ops == NULL) {
		snprintf(err, err_len, "unknown source type \"%s\" (expected "
		    "csv, sqlite or ldap)", conf->type);
		return ST_CONFIG;
	}
	src = xcalloc(1, sizeof(*src));
	src->ops = ops;
	snprintf(src->label, sizeof(src->label), "%s", conf->path);
	if ((st = ops->open(src, conf, err, err_len)) != ST_OK) {
		source_close(src);
		return st;
	}
	*out = src;
	return ST_OK;
}

int
source_next(struct source *src, const char **reason)
{
	return src->ops->next(src, reason);
}

void
source_close(struct source *src)
{
	if (src == NULL)
		return;
	src->ops->close(src);
	for (size_t i = 0; i < src->n_columns; i++)
		xfree(src->columns[i]);
	xfree(src);
}
