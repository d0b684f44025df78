/* source.c - the table of directory source types and the calls that
 * dispatch through it. Each type lives in source_<type>.c. */
#include <stdio.h>
#include <string.h>

#include "core/xmem.h"
#include "generator/source.h"

static const struct source_ops *const source_types[] = {
	&source_csv_ops,
	&source_sqlite_ops,
	&source_mysql_ops,
	&source_ldap_ops,
};

#define N_TYPES (sizeof(source_types) / sizeof(source_types[0]))

const struct source_ops *
source_type_ops(const char *type)
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
	return source_type_ops(type) != NULL;
}

const char *
source_type_names(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < N_TYPES && n < len; i++) {
		snprintf(buf + n, len - n, "%s%s", i == 0 ? "" : i + 1 ==
		    N_TYPES ? " or " : ", ", source_types[i]->type);
		n += strlen(buf + n);
	}
	return buf;
}

enum status
source_check(const struct roster_source_conf *conf, char *err,
    size_t err_len)
{
	const struct source_ops *ops = source_type_ops(conf->type);
	char names[128];
	enum status st;

	if (ops == NULL) {
		snprintf(err, err_len, "unknown source type \"%s\" (expected "
		    "%s)", conf->type, source_type_names(names, sizeof(names)));
		return ST_CONFIG;
	}
	if ((st = source_map_check(conf, err, err_len)) != ST_OK)
		return st;
	return ops->check ? ops->check(conf, err, err_len) : ST_OK;
}

enum status
source_open(const struct roster_source_conf *conf, struct source **out,
    char *err, size_t err_len)
{
	const struct source_ops *ops = source_type_ops(conf->type);
	struct source *src;
	enum status st;

	*out = NULL;
	if ((st = source_check(conf, err, err_len)) != ST_OK)
		return st;
	src = xcalloc(1, sizeof(*src));
	src->ops = ops;
	snprintf(src->label, sizeof(src->label), "%s", conf->path);
	if ((st = ops->open(src, conf, err, err_len)) != ST_OK ||
	    (st = source_map_apply(src, conf, err, err_len)) != ST_OK) {
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
